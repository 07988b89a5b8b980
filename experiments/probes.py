"""Fit alignment and reasoning probes per head and per layer, with heatmaps.

Runs on the models of `make study` by default (runs/default/models); pass
`--model NAME=PATH` (repeatable) for others. Writes runs/probes/metrics.json, the
figures in runs/probes/figures and runs/probes/report.md. `--help` lists every option.
"""

import sys

from interp.study.cli import analyze_main

if __name__ == "__main__":
    sys.exit(analyze_main(["probes"], "probes"))
