"""The built-in trainer: SFT, DPO and Alignment-Weighted DPO on top of accelerate.

One optimizer step:

1. take this process's micro-batches of the step's global batch (:class:`DataOrder`);
2. for each, score the replies' segments and compute the loss (:mod:`interp.training.losses`),
   divided by the accumulation count, and back-propagate (gradients are synchronised across
   processes on the last micro-batch only);
3. clip the gradient norm, step AdamW and the warm-up/decay schedule.

The data order depends only on the seed and the step, and checkpoints hold the model,
optimizer, scheduler and RNG states, so a run killed and resumed follows the same trajectory
as an uninterrupted one. ``torchrun`` or ``accelerate launch`` with ``N`` processes and
accumulation ``a`` reaches the same parameters as one process with accumulation ``N * a``, up
to float rounding.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from accelerate import Accelerator
from torch.optim.lr_scheduler import LambdaLR
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from interp.models import save_model
from interp.training.batches import (
    Batch,
    EncodedExample,
    SFTExample,
    add_reference_logps,
    collate,
    encode_pairs,
    encode_sft,
)
from interp.training.config import TrainConfig, learning_rate_factor
from interp.training.logprobs import SegmentLogProbs
from interp.training.losses import aw_dpo_loss, dpo_loss, sft_loss
from interp.training.preference import PreferencePair
from interp.training.weights import summarize_weights

logger = logging.getLogger(__name__)

STATE_FILE = "trainer_state.json"
StepCallback = Callable[[int, dict[str, Any]], None]


@dataclass(frozen=True)
class TrainResult:
    """Outputs of a finished training run.

    Attributes:
        model_dir: The final model in Hugging Face format.
        metrics_path: The JSONL file with one record per step.
        steps: Number of optimizer steps taken in total.
        last: The last step's record.
    """

    model_dir: Path
    metrics_path: Path
    steps: int
    last: dict[str, Any]


class DataOrder:
    """Deterministic assignment of examples to steps, micro-batches and processes.

    The example stream is a concatenation of seeded per-epoch permutations. Step ``s`` uses
    stream positions ``[s * G, (s + 1) * G)`` with ``G = batch_size * accumulation * world``,
    split into consecutive micro-batches. Process ``r`` takes micro-batches
    ``r * accumulation`` to ``(r + 1) * accumulation - 1``, so the set of micro-batches of a
    step does not depend on how they are spread over processes.
    """

    def __init__(self, n_examples: int, config: TrainConfig, world_size: int) -> None:
        if n_examples == 0:
            raise ValueError("no training examples")
        self.n = n_examples
        self.seed = config.seed
        self.batch_size = config.batch_size
        self.accumulation = config.gradient_accumulation
        self.world_size = world_size

    def micro_batches(self, step: int, process_index: int) -> list[list[int]]:
        """Return the example indices of each of this process's micro-batches at ``step``."""
        global_size = self.batch_size * self.accumulation * self.world_size
        first = step * global_size + process_index * self.accumulation * self.batch_size
        return [
            [self._at(first + m * self.batch_size + k) for k in range(self.batch_size)]
            for m in range(self.accumulation)
        ]

    def _at(self, position: int) -> int:
        epoch, offset = divmod(position, self.n)
        permutation = np.random.default_rng([self.seed, epoch]).permutation(self.n)
        return int(permutation[offset])


def train(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[PreferencePair] | Sequence[SFTExample],
    config: TrainConfig,
    output_dir: str | Path,
    *,
    eval_examples: Sequence[PreferencePair] | Sequence[SFTExample] = (),
    progress: bool = True,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Train ``model`` in place, resuming from the newest checkpoint in ``output_dir``.

    Args:
        model: A Hugging Face causal LM (a bridge's ``original_model`` works too).
        tokenizer: Its tokenizer, with a chat template.
        examples: Preference pairs for ``dpo``/``aw_dpo``, SFT examples for ``sft``.
        config: Trainer settings.
        output_dir: Holds ``metrics.jsonl``, ``weights.json``, ``checkpoints/`` and the final
            ``model/``.
        eval_examples: Held-out examples, evaluated every ``config.eval_every`` steps.
        progress: Show a tqdm bar on the main process.
        on_step: Called with ``(step, record)`` after each step, on every process.

    Returns:
        Where the final model and the metrics went, and the last record.
    """
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    accelerator = make_accelerator(config)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    scorer = SegmentLogProbs(model, chunk_size=config.chunk_size).to(accelerator.device)
    train_set = prepare_examples(scorer, tokenizer, examples, config, pad)
    eval_set = prepare_examples(scorer, tokenizer, eval_examples, config, pad)
    if config.method == "aw_dpo" and accelerator.is_main_process:
        log_weights(train_set, output / "weights.json")

    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    scheduler = LambdaLR(optimizer, lambda step: learning_rate_factor(step, config))
    scorer, optimizer = accelerator.prepare(scorer, optimizer)
    accelerator.register_for_checkpointing(scheduler)
    start = resume(accelerator, output)
    history = MetricsLog(
        output / "metrics.jsonl", keep_through=start, enabled=accelerator.is_main_process
    )
    order = DataOrder(len(train_set), config, accelerator.num_processes)

    record: dict[str, Any] = {}
    bar = tqdm(
        total=config.max_steps,
        initial=start,
        desc=f"training ({config.method})",
        unit="step",
        disable=not (progress and accelerator.is_main_process),
    )
    for step in range(start, config.max_steps):
        micro_batches = [
            collate([train_set[i] for i in indices], pad)
            for indices in order.micro_batches(step, accelerator.process_index)
        ]
        record = {"step": step + 1, "learning_rate": scheduler.get_last_lr()[0]}
        record |= optimizer_step(accelerator, scorer, optimizer, scheduler, micro_batches, config)
        if eval_set and config.eval_every and (step + 1) % config.eval_every == 0:
            record |= evaluate(accelerator, scorer, eval_set, config, pad)
        history.write(record)
        bar.update(1)
        bar.set_postfix(loss=f"{record['loss']:.4f}")
        if config.save_every and (step + 1) % config.save_every == 0:
            save_checkpoint(accelerator, output, step + 1)
        if on_step is not None:
            on_step(step + 1, record)
    bar.close()

    accelerator.wait_for_everyone()
    model_dir = output / "model"
    if accelerator.is_main_process:
        save_model(accelerator.unwrap_model(scorer).model, tokenizer, model_dir)
    accelerator.wait_for_everyone()
    return TrainResult(model_dir, output / "metrics.jsonl", config.max_steps, record)


def make_accelerator(config: TrainConfig) -> Accelerator:
    """Create the accelerator; the CPU (gloo) backend is used when no GPU is present."""
    return Accelerator(
        cpu=not torch.cuda.is_available(),
        mixed_precision=config.mixed_precision,
    )


def prepare_examples(
    scorer: SegmentLogProbs,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[PreferencePair] | Sequence[SFTExample],
    config: TrainConfig,
    pad: int,
) -> list[EncodedExample]:
    """Tokenise examples and, for preference methods, add their reference log-probs."""
    if not examples:
        return []
    if config.method == "sft":
        if not all(isinstance(example, SFTExample) for example in examples):
            raise TypeError("method 'sft' trains on SFTExample records")
        return encode_sft(tokenizer, examples, max_length=config.max_length)
    if not all(isinstance(example, PreferencePair) for example in examples):
        raise TypeError(f"method {config.method!r} trains on PreferencePair records")
    encoded = encode_pairs(
        tokenizer,
        examples,
        max_length=config.max_length,
        require_reasoning=config.method == "aw_dpo",
        alpha=config.aw_alpha,
        epsilon=config.aw_epsilon,
    )
    truncated = sum(e.chosen.truncated or e.rejected.truncated for e in encoded)
    if truncated:
        logger.info(
            "%d of %d pairs truncated to max_length=%d", truncated, len(encoded), config.max_length
        )
    return add_reference_logps(scorer, encoded, pad, batch_size=config.reference_batch_size)


def log_weights(examples: Sequence[EncodedExample], path: Path) -> None:
    """Log the distribution of segment weights and write it, with every pair's weights."""
    weights = torch.tensor([e.weights for e in examples], dtype=torch.float64)
    empty = torch.tensor([e.empty for e in examples], dtype=torch.bool)
    fallback = torch.tensor([e.fallback for e in examples], dtype=torch.bool)
    summary = summarize_weights(weights, fallback, empty)
    logger.info(
        "segment weights: reasoning mean %.3f, answer mean %.3f; %d of %d pairs used the "
        "even-split fallback; empty reasoning %d, empty answer %d",
        summary.reasoning_mean,
        summary.answer_mean,
        summary.n_fallback,
        summary.n_pairs,
        summary.n_empty_reasoning,
        summary.n_empty_answer,
    )
    pairs = [
        {"id": e.id, "weights": e.weights, "empty": e.empty, "fallback": e.fallback}
        for e in examples
    ]
    path.write_text(json.dumps({"summary": asdict(summary), "pairs": pairs}, indent=1) + "\n")


def batch_loss(
    scorer: torch.nn.Module, batch: Batch, config: TrainConfig
) -> dict[str, torch.Tensor]:
    """Score one batch and return the method's loss dict."""
    logps = scorer(batch.input_ids, batch.attention_mask, batch.segments)
    if config.method == "sft":
        counts = (batch.segments[:, 1:] > 0).sum(dim=-1).to(logps.dtype)
        return sft_loss(logps.sum(dim=-1), counts)
    half = logps.shape[0] // 2
    reference = batch.reference
    if config.method == "dpo":
        totals, reference_totals = logps.sum(dim=-1), reference.sum(dim=-1)
        return dpo_loss(
            totals[:half],
            totals[half:],
            reference_totals[:half],
            reference_totals[half:],
            config.beta,
        )
    return aw_dpo_loss(
        logps[:half], logps[half:], reference[:half], reference[half:], batch.weights, config.beta
    )


def optimizer_step(
    accelerator: Accelerator,
    scorer: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: LambdaLR,
    micro_batches: Sequence[Batch],
    config: TrainConfig,
) -> dict[str, float]:
    """Accumulate gradients over the micro-batches, clip, and step; return mean metrics."""
    scorer.train()
    totals: dict[str, torch.Tensor] = {}
    for index, batch in enumerate(micro_batches):
        last = index == len(micro_batches) - 1
        context = accelerator.no_sync(scorer) if not last else nullcontext()
        with context, accelerator.autocast():
            metrics = batch_loss(scorer, batch.to(accelerator.device), config)
            accelerator.backward(metrics["loss"] / len(micro_batches))
        for name, value in metrics.items():
            totals[name] = totals.get(name, 0.0) + value.detach().float() / len(micro_batches)
    grad_norm = torch.tensor(0.0)
    if config.max_grad_norm:
        grad_norm = accelerator.clip_grad_norm_(scorer.parameters(), config.max_grad_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    totals["grad_norm"] = torch.as_tensor(grad_norm, dtype=torch.float32)
    return {
        name: float(accelerator.reduce(value.to(accelerator.device), "mean"))
        for name, value in totals.items()
    }


@torch.no_grad()
def evaluate(
    accelerator: Accelerator,
    scorer: torch.nn.Module,
    examples: Sequence[EncodedExample],
    config: TrainConfig,
    pad: int,
) -> dict[str, float]:
    """Return held-out metrics prefixed ``eval_``, including log-prob drift from the reference.

    The drift is the mean change of the replies' log-probabilities since training started,
    ``log pi - log pi_ref``, separately for chosen and rejected replies.
    """
    scorer.eval()
    sums: dict[str, float] = {}
    count = 0
    for start in range(0, len(examples), config.batch_size):
        chunk = examples[start : start + config.batch_size]
        batch = collate(chunk, pad).to(accelerator.device)
        metrics = {k: float(v) for k, v in batch_loss(scorer, batch, config).items()}
        if config.method != "sft":
            logps = scorer(batch.input_ids, batch.attention_mask, batch.segments).sum(-1)
            drift = (logps - batch.reference.sum(-1)).float()
            metrics["drift_chosen"] = float(drift[: len(chunk)].mean())
            metrics["drift_rejected"] = float(drift[len(chunk) :].mean())
        for name, value in metrics.items():
            sums[name] = sums.get(name, 0.0) + value * len(chunk)
        count += len(chunk)
    scorer.train()
    return {f"eval_{name}": value / count for name, value in sums.items()}


class MetricsLog:
    """Append-only JSONL of per-step records that survives resumption.

    Args:
        path: The JSONL file.
        keep_through: On resume, records after this step (written after the checkpoint the run
            resumes from) are dropped, so the log contains each step once.
        enabled: Whether this process writes (only the main process does).
    """

    def __init__(self, path: Path, *, keep_through: int, enabled: bool) -> None:
        self.path = path
        self.enabled = enabled
        if not enabled:
            return
        kept = []
        if path.is_file():
            for line in path.read_text().splitlines():
                if line.strip() and json.loads(line)["step"] <= keep_through:
                    kept.append(line)
        path.write_text("".join(line + "\n" for line in kept))

    def write(self, record: dict[str, Any]) -> None:
        """Append one record."""
        if self.enabled:
            with self.path.open("a") as handle:
                handle.write(json.dumps(record) + "\n")


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """Read a ``metrics.jsonl`` written by :func:`train`."""
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def save_checkpoint(accelerator: Accelerator, output: Path, step: int) -> None:
    """Write a resumable checkpoint for ``step`` and delete older ones."""
    folder = output / "checkpoints"
    target = folder / f"step-{step:06d}"
    staging = folder / f".step-{step:06d}.partial"
    if accelerator.is_main_process and staging.exists():
        shutil.rmtree(staging)
    accelerator.wait_for_everyone()
    accelerator.save_state(str(staging), safe_serialization=False)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        (staging / STATE_FILE).write_text(json.dumps({"step": step}) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        for older in folder.glob("step-*"):
            if older != target:
                shutil.rmtree(older)
    accelerator.wait_for_everyone()


def resume(accelerator: Accelerator, output: Path) -> int:
    """Load the newest complete checkpoint, if any, and return its step (0 when none)."""
    complete = sorted(
        path for path in (output / "checkpoints").glob("step-*") if (path / STATE_FILE).is_file()
    )
    if not complete:
        return 0
    latest = complete[-1]
    accelerator.load_state(str(latest))
    step = json.loads((latest / STATE_FILE).read_text())["step"]
    logger.info("resumed from %s at step %d", latest, step)
    return int(step)
