"""Settings of the built-in trainer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Method = Literal["sft", "dpo", "aw_dpo"]


@dataclass(frozen=True)
class TrainConfig:
    """Trainer settings; every field is also a command-line flag.

    Attributes:
        method: ``sft`` (imitate the chosen replies), ``dpo`` (sigmoid DPO on whole replies)
            or ``aw_dpo`` (Alignment-Weighted DPO on reasoning and answer segments).
        beta: DPO temperature; rewards are ``beta * (log pi - log pi_ref)``.
        learning_rate: Peak AdamW learning rate.
        weight_decay: AdamW weight decay.
        warmup_steps: Steps of linear warm-up from 0 to the peak learning rate.
        schedule: Decay after warm-up: ``cosine`` or ``linear`` to 0, or ``constant``.
        max_steps: Number of optimizer steps.
        batch_size: Pairs (or SFT examples) per micro-batch on each process.
        gradient_accumulation: Micro-batches per optimizer step on each process.
        max_grad_norm: Gradient-norm clipping threshold; 0 disables clipping.
        max_length: Maximum tokens of prompt + reply; longer replies lose their end.
        seed: Seed of the data order.
        eval_every: Evaluate on the held-out pairs every this many steps; 0 disables.
        save_every: Write a resumable checkpoint every this many steps; 0 disables.
        aw_alpha: Global scale of the Alignment-Weighted DPO segment weights.
        aw_epsilon: Added to the weight denominator.
        reference_batch_size: Pairs per forward pass when computing reference log-probs.
        chunk_size: Scored tokens per LM-head chunk; lower it to save memory.
        mixed_precision: ``no``, ``bf16`` or ``fp16`` autocast through accelerate.
        gradient_checkpointing: Recompute each block's activations in the backward pass,
            trading compute for memory.
    """

    method: Method = "dpo"
    beta: float = 0.1
    learning_rate: float = 1e-5
    weight_decay: float = 0.0
    warmup_steps: int = 2
    schedule: Literal["cosine", "linear", "constant"] = "cosine"
    max_steps: int = 30
    batch_size: int = 8
    gradient_accumulation: int = 1
    max_grad_norm: float = 1.0
    max_length: int = 192
    seed: int = 0
    eval_every: int = 10
    save_every: int = 10
    aw_alpha: float = 1.0
    aw_epsilon: float = 1e-6
    reference_batch_size: int = 8
    chunk_size: int = 1024
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"
    gradient_checkpointing: bool = False

    def __post_init__(self) -> None:
        positive = (
            "learning_rate",
            "max_steps",
            "batch_size",
            "gradient_accumulation",
            "max_length",
            "reference_batch_size",
            "chunk_size",
        )
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("warmup_steps", "eval_every", "save_every", "max_grad_norm"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative, got {getattr(self, name)}")
        if self.beta <= 0:
            raise ValueError(f"beta must be positive, got {self.beta}")


def learning_rate_factor(step: int, config: TrainConfig) -> float:
    """Return the multiplier of the peak learning rate at optimizer step ``step`` (from 0)."""
    if step < config.warmup_steps:
        return (step + 1) / (config.warmup_steps + 1)
    if config.schedule == "constant":
        return 1.0
    decay_steps = max(1, config.max_steps - config.warmup_steps)
    progress = min(1.0, (step - config.warmup_steps) / decay_steps)
    if config.schedule == "linear":
        return 1.0 - progress
    return 0.5 * (1.0 + math.cos(math.pi * progress))
