"""Measure per-token KL to the base model and prefilling-attack success.

Runs on the models of `make study` by default (runs/default/models); pass
`--model NAME=PATH` (repeatable) for others. Writes runs/depth/metrics.json, the
figures in runs/depth/figures and runs/depth/report.md. `--help` lists every option.
"""

import sys

from interp.study.cli import analyze_main

if __name__ == "__main__":
    sys.exit(analyze_main(["depth"], "depth"))
