"""Command line of the trainer: ``python -m interp.training --model M --data pairs.jsonl``.

Runs under ``torchrun`` or ``accelerate launch`` for data-parallel training; see the README.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from interp.configuration import add_config_arguments, apply_overrides, overrides_from_args
from interp.models import ModelLoadError, load_hf_model
from interp.training.batches import SFTExample
from interp.training.config import TrainConfig
from interp.training.preference import PreferenceDataError, read_preferences
from interp.training.trainer import train


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one option per trainer setting."""
    parser = argparse.ArgumentParser(
        prog="python -m interp.training",
        description="Train a causal LM with SFT, DPO or Alignment-Weighted DPO.",
    )
    parser.add_argument("--model", default="embedded", help="embedded, tiny, HF id or directory")
    parser.add_argument("--data", required=True, help="preference pairs, JSONL (TRL format)")
    parser.add_argument("--eval_data", help="held-out pairs, JSONL")
    parser.add_argument("--output", required=True, help="folder for metrics, checkpoints, model")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    add_config_arguments(parser, TrainConfig)
    return parser


def load_examples(path: str, method: str):
    """Read pairs, or for SFT their chosen replies."""
    pairs = read_preferences(path, require_reasoning=method == "aw_dpo")
    if method != "sft":
        return pairs
    return [SFTExample(p.prompt, p.chosen, id=p.id, system=p.system) for p in pairs]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, train, and print where the model went."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("accelerate").setLevel(logging.WARNING)
    try:
        config = apply_overrides(TrainConfig(), overrides_from_args(args))
    except ValueError as error:
        parser.error(str(error))
    try:
        examples = load_examples(args.data, config.method)
        held_out = load_examples(args.eval_data, config.method) if args.eval_data else []
        model, tokenizer = load_hf_model(args.model, dtype=args.dtype)
    except (PreferenceDataError, ModelLoadError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = train(model, tokenizer, examples, config, Path(args.output), eval_examples=held_out)
    print(json.dumps({"model": str(result.model_dir), "metrics": str(result.metrics_path)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
