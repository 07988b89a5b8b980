"""Command line of the study: ``python -m interp.study --preset default``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from interp.configuration import (
    add_config_arguments,
    apply_overrides,
    load_config_file,
    overrides_from_args,
)
from interp.data.files import PromptFileError
from interp.models import ModelLoadError
from interp.study.config import PRESET_OVERRIDES, StudyConfig, preset_config
from interp.study.pipeline import run_study


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one option per config field."""
    parser = argparse.ArgumentParser(
        prog="interp-study",
        description=(
            "Run the shallow-alignment study: behaviour, training, patching, directions, probes "
            "and depth diagnostics on a base model and its aligned variants, then write a report."
        ),
    )
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
    add_config_arguments(parser, StudyConfig, exclude=("preset",))
    return parser


def config_from_args(args: argparse.Namespace) -> StudyConfig:
    """Combine the preset, the config file and the command-line overrides, in that order."""
    config = preset_config(args.preset)
    if args.config:
        config = apply_overrides(config, load_config_file(args.config))
    return apply_overrides(config, overrides_from_args(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the study and print where the outputs are."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("accelerate").setLevel(logging.WARNING)
    try:
        config = config_from_args(args)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    force: bool | list[str] = False
    if args.force is not None:
        force = args.force or True
    try:
        root = run_study(config, force=force)
    except (ModelLoadError, PromptFileError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"report: {root / 'report.md'}")
    print(f"report (self-contained HTML): {root / 'report.html'}")
    print(f"metrics: {root / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
