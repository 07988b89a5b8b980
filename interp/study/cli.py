"""Command line of the study: ``python -m interp.study --preset default``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from interp.configuration import (
    add_config_arguments,
    apply_overrides,
    load_config_file,
    overrides_from_args,
)
from interp.data.files import PromptFileError
from interp.models import ModelLoadError
from interp.study.config import PRESET_OVERRIDES, StudyConfig, preset_config
from interp.study.pipeline import analyze_models, run_study


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one option per config field."""
    parser = argparse.ArgumentParser(
        prog="interp-study",
        description=(
            "Run the shallow-alignment study: behaviour, training, patching, directions, probes "
            "and depth diagnostics on a base model and its aligned variants, then write a report."
        ),
    )
    add_common_arguments(parser)
    add_config_arguments(parser, StudyConfig, exclude=("preset",))
    return parser


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the preset, config-file and force options shared by both commands."""
    parser.add_argument(
        "--preset",
        choices=sorted(PRESET_OVERRIDES),
        default="default",
        help="starting configuration: quick (smoke test), default, or full (paper-style)",
    )
    parser.add_argument("--config", help="JSON or TOML file with config fields (nested tables)")
    parser.add_argument(
        "--force",
        nargs="*",
        metavar="STAGE",
        help="rerun stages even when cached: all of them, or only the named ones",
    )


def config_from_args(args: argparse.Namespace) -> StudyConfig:
    """Combine the preset, the config file and the command-line overrides, in that order."""
    config = preset_config(args.preset)
    if args.config:
        config = apply_overrides(config, load_config_file(args.config))
    return apply_overrides(config, overrides_from_args(args))


def configure_logging() -> None:
    """Log stage progress at INFO level, with accelerate's own messages cut to warnings."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("accelerate").setLevel(logging.WARNING)


def forced_stages(args: argparse.Namespace) -> bool | list[str]:
    """Return ``--force`` as the pipeline takes it: False, True (every stage) or stage names."""
    if args.force is None:
        return False
    return args.force or True


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the study and print where the outputs are."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    try:
        config = config_from_args(args)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    force = forced_stages(args)
    try:
        root = run_study(config, force=force)
    except (ModelLoadError, PromptFileError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"report: {root / 'report.md'}")
    print(f"report (self-contained HTML): {root / 'report.html'}")
    print(f"metrics: {root / 'metrics.json'}")
    return 0


def build_analyze_parser(default_analyses: Sequence[str], name: str) -> argparse.ArgumentParser:
    """Return the parser of the battery-only command (existing models, no training)."""
    parser = argparse.ArgumentParser(
        description="Run analyses of the battery on existing models and write a report.",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a model to analyse; repeat for several. Defaults to the base, "
        "dpo_shallow and aw_dpo models of runs/default (make study)",
    )
    parser.add_argument(
        "--reasoning",
        action="append",
        default=None,
        metavar="NAME",
        help="a model that answers after <think> reasoning (default: aw_dpo "
        "and dpo_cot when present)",
    )
    add_config_arguments(parser, StudyConfig, exclude=("preset", "models", "model"))
    parser.set_defaults(**{"config:name": name, "config:analyses": ",".join(default_analyses)})
    return parser


def parse_models(entries: Sequence[str], runs_dir: str) -> dict[str, str]:
    """Turn ``NAME=PATH`` entries into a dict, defaulting to the default study's models."""
    if not entries:
        root = Path(runs_dir) / "default" / "models"
        found = {
            n: str(root / n)
            for n in ("base", "dpo_shallow", "aw_dpo", "dpo_cot")
            if (root / n / "config.json").is_file()
        }
        if not found:
            raise FileNotFoundError(
                f"no models in {root}; run `make study` first or pass --model NAME=PATH"
            )
        return found
    models = {}
    for entry in entries:
        name, separator, path = entry.partition("=")
        if not separator or not name or not path:
            raise ValueError(f"--model takes NAME=PATH, got {entry!r}")
        models[name] = path
    return models


def analyze_main(
    default_analyses: Sequence[str], name: str, argv: Sequence[str] | None = None
) -> int:
    """Run the battery-only command with the given default analyses."""
    parser = build_analyze_parser(default_analyses, name)
    args = parser.parse_args(argv)
    configure_logging()
    try:
        config = config_from_args(args)
        models = parse_models(args.model, config.runs_dir)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    reasoning = args.reasoning
    if reasoning is None:
        reasoning = [n for n in models if n in ("aw_dpo", "dpo_cot")]
    force = forced_stages(args)
    try:
        root = analyze_models(config, models, reasoning=reasoning, force=force)
    except (ModelLoadError, PromptFileError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"report: {root / 'report.md'}")
    print(f"metrics: {root / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
