"""Our sigmoid DPO loss and gradients against TRL's DPOTrainer on the same model and batch."""

from __future__ import annotations

import copy

import pytest
import torch

pytest.importorskip("trl")

from datasets import Dataset  # noqa: E402
from trl import DPOConfig, DPOTrainer  # noqa: E402

from interp.models import load_hf_model  # noqa: E402
from interp.training.logprobs import SegmentLogProbs  # noqa: E402
from interp.training.losses import dpo_loss  # noqa: E402
from interp.training.tokenization import ANSWER, tokenize_reply  # noqa: E402

ROWS = [
    ("How do I bake bread?", "Mix flour, water and yeast, then bake.", "I can't help with that."),
    ("Name a colour.", "Blue.", "I won't answer."),
    ("Write a short greeting for my friend Sam.", "Hello Sam, I hope you are well!", "No."),
]


@pytest.fixture(scope="module")
def trl_setup(tmp_path_factory):
    model, tokenizer = load_hf_model("tiny")
    dataset = Dataset.from_list(
        [
            {
                "prompt": [{"role": "user", "content": prompt}],
                "chosen": [{"role": "assistant", "content": chosen}],
                "rejected": [{"role": "assistant", "content": rejected}],
            }
            for prompt, chosen, rejected in ROWS
        ]
    )
    args = DPOConfig(
        output_dir=str(tmp_path_factory.mktemp("trl")),
        per_device_train_batch_size=len(ROWS),
        beta=0.1,
        loss_type=["sigmoid"],
        report_to="none",
        use_cpu=True,
        max_length=None,
        precompute_ref_log_probs=False,
        bf16=False,
    )
    trainer = DPOTrainer(
        model=model,
        ref_model=copy.deepcopy(model),
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(ROWS))])
    return model, tokenizer, trainer, batch


def _trl_loss_and_grads(trainer, batch):
    model = trainer.model
    model.zero_grad()
    model.train()
    loss = trainer.compute_loss(model, batch)
    loss.backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    model.zero_grad()
    return loss.detach(), grads


def _our_loss_and_grads(model, batch, beta=0.1):
    scorer = SegmentLogProbs(model)
    segments = batch["completion_mask"] * ANSWER
    with torch.no_grad():
        reference = scorer(batch["input_ids"], batch["attention_mask"], segments).sum(-1)
    model.zero_grad()
    model.train()
    logps = scorer(batch["input_ids"], batch["attention_mask"], segments).sum(-1)
    half = logps.shape[0] // 2
    loss = dpo_loss(logps[:half], logps[half:], reference[:half], reference[half:], beta)["loss"]
    loss.backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    model.zero_grad()
    return loss.detach(), grads


def test_dpo_loss_matches_trl(trl_setup):
    model, _, trainer, batch = trl_setup
    trl_loss, _ = _trl_loss_and_grads(trainer, batch)
    our_loss, _ = _our_loss_and_grads(model, batch)
    assert abs(trl_loss.item() - our_loss.item()) < 1e-5


def test_dpo_gradients_match_trl(trl_setup):
    model, _, trainer, batch = trl_setup
    _, trl_grads = _trl_loss_and_grads(trainer, batch)
    _, our_grads = _our_loss_and_grads(model, batch)
    assert set(trl_grads) == set(our_grads)
    largest = max(g.abs().max().item() for g in trl_grads.values())
    assert largest > 1e-4
    for name, gradient in trl_grads.items():
        assert (gradient - our_grads[name]).abs().max().item() < 1e-5, name


def test_tokenization_matches_trl_completion(trl_setup):
    _, tokenizer, trainer, _ = trl_setup
    example = trainer.train_dataset[0]
    ours = tokenize_reply(tokenizer, ROWS[0][0], ROWS[0][1])
    assert list(ours.input_ids[: ours.prompt_length]) == example["prompt_ids"]
    completion = list(ours.input_ids[ours.prompt_length :])
    # TRL renders the whole conversation, so its completion also holds the template's newline
    # after the end-of-turn token; ours stops at the end-of-turn token.
    assert example["chosen_ids"][: len(completion)] == completion
    assert tokenizer.decode(example["chosen_ids"][len(completion) :]) == "\n"
