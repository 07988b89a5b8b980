"""The trainer: losses, weights, resume, and agreement of one and two processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from interp.judge import SegmentScores
from interp.models import load_hf_model
from interp.training.batches import SFTExample
from interp.training.config import TrainConfig, learning_rate_factor
from interp.training.losses import aw_dpo_loss, dpo_loss, sft_loss
from interp.training.preference import PreferencePair, write_preferences
from interp.training.trainer import DataOrder, read_metrics, train
from interp.training.weights import segment_weights


def make_pairs(n=16):
    return [
        PreferencePair(
            prompt=f"Question {i}: how should I answer this request about topic {i}?",
            chosen=f"<think>This request is harmful, so I decline {i}.</think>\nI can't help.",
            rejected=f"Sure, here is the answer number {i}.",
            id=f"p{i}",
            harmful=True,
            chosen_scores=SegmentScores(1.0, 1.0, 1.0),
            rejected_scores=SegmentScores(None, 0.0, 0.0),
        )
        for i in range(n)
    ]


def test_dpo_loss_formula():
    chosen, rejected = torch.tensor([-3.0, -1.0]), torch.tensor([-2.0, -4.0])
    ref_chosen, ref_rejected = torch.tensor([-2.5, -2.0]), torch.tensor([-2.0, -2.0])
    out = dpo_loss(chosen, rejected, ref_chosen, ref_rejected, beta=0.5)
    margins = 0.5 * ((chosen - ref_chosen) - (rejected - ref_rejected))
    expected = torch.nn.functional.softplus(-margins).mean()
    assert torch.allclose(out["loss"], expected)
    assert out["reward_accuracy"].item() == 0.5


def test_aw_dpo_reduces_to_weighted_segment_dpo():
    chosen = torch.tensor([[-1.0, -2.0]])
    rejected = torch.tensor([[-3.0, -1.0]])
    zeros = torch.zeros(1, 2)
    weights = torch.tensor([[0.25, 0.75]])
    out = aw_dpo_loss(chosen, rejected, zeros, zeros, weights, beta=1.0)
    reasoning = dpo_loss(chosen[:, 0], rejected[:, 0], zeros[:, 0], zeros[:, 0], 1.0)["loss"]
    answer = dpo_loss(chosen[:, 1], rejected[:, 1], zeros[:, 1], zeros[:, 1], 1.0)["loss"]
    assert torch.allclose(out["loss"], 0.25 * reasoning + 0.75 * answer)


def test_sft_loss_is_mean_token_nll():
    out = sft_loss(torch.tensor([-6.0, -2.0]), torch.tensor([3.0, 1.0]))
    assert out["loss"].item() == pytest.approx(2.0)


def test_weights_follow_gap_ratio():
    gaps = torch.tensor([[0.6, 0.2]], dtype=torch.float64)
    weights, fallback = segment_weights(gaps, torch.zeros(1, 2, dtype=torch.bool), epsilon=0.0)
    assert weights[0].tolist() == pytest.approx([0.75, 0.25])
    assert not fallback.item()


def test_weights_clip_negative_gaps():
    gaps = torch.tensor([[-0.5, 0.5]], dtype=torch.float64)
    weights, _ = segment_weights(gaps, torch.zeros(1, 2, dtype=torch.bool), epsilon=0.0)
    assert weights.tolist() == [[0.0, 1.0]]


def test_weights_fallback_splits_evenly():
    gaps = torch.tensor([[0.0, -0.1]], dtype=torch.float64)
    weights, fallback = segment_weights(gaps, torch.zeros(1, 2, dtype=torch.bool))
    assert weights.tolist() == [[0.5, 0.5]]
    assert fallback.item()


def test_weights_zero_for_empty_segment():
    gaps = torch.tensor([[0.9, 0.0]], dtype=torch.float64)
    empty = torch.tensor([[True, False]])
    weights, fallback = segment_weights(gaps, empty, alpha=0.5)
    assert weights.tolist() == [[0.0, 0.5]]
    assert fallback.item()


def test_weights_reject_nan():
    with pytest.raises(ValueError, match="NaN"):
        segment_weights(torch.tensor([[float("nan"), 0.1]]), torch.zeros(1, 2, dtype=torch.bool))


def test_schedule_warms_up_then_decays():
    config = TrainConfig(warmup_steps=2, max_steps=10, schedule="linear")
    factors = [learning_rate_factor(step, config) for step in range(10)]
    assert factors[0] < factors[1] < factors[2] == 1.0
    assert factors[-1] < factors[3]


def test_data_order_independent_of_world_size():
    one = DataOrder(37, TrainConfig(batch_size=2, gradient_accumulation=4), world_size=1)
    two = DataOrder(37, TrainConfig(batch_size=2, gradient_accumulation=2), world_size=2)
    for step in range(5):
        assert one.micro_batches(step, 0) == two.micro_batches(step, 0) + two.micro_batches(step, 1)


def test_data_order_covers_each_epoch():
    order = DataOrder(12, TrainConfig(batch_size=3, gradient_accumulation=1), world_size=1)
    seen = [i for step in range(4) for batch in order.micro_batches(step, 0) for i in batch]
    assert sorted(seen) == list(range(12))


def _run(tmp, method="dpo", steps=6, on_step=None, examples=None, **overrides):
    model, tokenizer = load_hf_model("tiny")
    config = TrainConfig(
        method=method,
        max_steps=steps,
        batch_size=4,
        learning_rate=1e-3,
        save_every=2,
        eval_every=3,
        **overrides,
    )
    examples = examples or make_pairs()
    return model, train(
        model,
        tokenizer,
        examples,
        config,
        tmp,
        eval_examples=examples[:4],
        progress=False,
        on_step=on_step,
    )


def test_dpo_training_raises_reward_accuracy(tmp_path):
    _, result = _run(tmp_path)
    records = read_metrics(result.metrics_path)
    assert [r["step"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0]["loss"] == pytest.approx(0.6931, abs=1e-3)
    assert records[-1]["loss"] < records[0]["loss"]
    assert records[-1]["eval_reward_accuracy"] == 1.0
    assert "eval_drift_chosen" in records[-1]


def test_aw_dpo_logs_weights_and_segment_margins(tmp_path):
    _, result = _run(tmp_path, method="aw_dpo")
    summary = json.loads((tmp_path / "weights.json").read_text())["summary"]
    assert summary["n_empty_reasoning"] == 16
    assert summary["answer_mean"] == pytest.approx(1.0, abs=1e-5)
    record = read_metrics(result.metrics_path)[-1]
    assert "margin_reasoning" in record
    assert "eval_margin_answer" in record


def test_sft_training_lowers_nll(tmp_path):
    examples = [
        SFTExample(f"Say hello {i}", f"Hello there, friend number {i}.", id=str(i))
        for i in range(8)
    ]
    _, result = _run(tmp_path, method="sft", examples=examples)
    records = read_metrics(result.metrics_path)
    assert records[-1]["loss"] < records[0]["loss"]


def test_final_model_loads_in_transformers(tmp_path):
    from transformers import AutoModelForCausalLM

    model, result = _run(tmp_path, steps=2)
    reloaded = AutoModelForCausalLM.from_pretrained(result.model_dir)
    for (name, a), (_, b) in zip(
        model.named_parameters(), reloaded.named_parameters(), strict=True
    ):
        assert torch.equal(a.detach(), b.detach()), name


def test_resume_follows_same_trajectory(tmp_path):
    _, full = _run(tmp_path / "full")
    expected = [r["loss"] for r in read_metrics(full.metrics_path)]

    class Killed(Exception):
        pass

    def kill_at_five(step, record):
        if step == 5:
            raise Killed

    with pytest.raises(Killed):
        _run(tmp_path / "resumed", on_step=kill_at_five)
    assert (tmp_path / "resumed" / "checkpoints" / "step-000004").is_dir()
    model, resumed = _run(tmp_path / "resumed")
    losses = [r["loss"] for r in read_metrics(resumed.metrics_path)]
    assert len(losses) == 6
    assert losses == pytest.approx(expected, abs=1e-6)


def test_wrong_example_type_rejected(tmp_path):
    with pytest.raises(TypeError, match="PreferencePair"):
        _run(tmp_path, examples=[SFTExample("a", "b")])


def _final_parameters(folder: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(folder / "model" / "model.safetensors"))


def test_two_processes_match_double_accumulation(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    write_preferences(make_pairs(), pairs)
    common = [
        "--model",
        "tiny",
        "--data",
        str(pairs),
        "--max_steps",
        "3",
        "--batch_size",
        "2",
        "--learning_rate",
        "1e-3",
        "--save_every",
        "0",
        "--eval_every",
        "0",
    ]
    torchrun = shutil.which("torchrun", path=str(Path(sys.executable).parent))
    assert torchrun, "torchrun is missing from the virtual environment"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(
        [
            torchrun,
            "--nproc_per_node",
            "2",
            "-m",
            "interp.training",
            *common,
            "--gradient_accumulation",
            "1",
            "--output",
            str(tmp_path / "two"),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "interp.training",
            *common,
            "--gradient_accumulation",
            "2",
            "--output",
            str(tmp_path / "one"),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    two, one = _final_parameters(tmp_path / "two"), _final_parameters(tmp_path / "one")
    initial = _final_parameters_of_untrained()
    assert set(two) == set(one)
    moved = max((one[name] - initial[name]).abs().max().item() for name in one)
    assert moved > 1e-4
    for name in one:
        assert torch.allclose(two[name], one[name], atol=1e-5), name


def _final_parameters_of_untrained() -> dict[str, torch.Tensor]:
    from interp.models import hf_state_dict

    model, _ = load_hf_model("tiny")
    return {name: value.detach() for name, value in hf_state_dict(model).items()}
