"""Ablate reasoning heads against random-head and alignment-head controls.

Runs on the models of `make study` by default (runs/default/models); pass
`--model NAME=PATH` (repeatable) for others. Writes runs/head_ablation/metrics.json, the
figures in runs/head_ablation/figures and runs/head_ablation/report.md. `--help` lists every option.
"""

import sys

from interp.study.cli import analyze_main

if __name__ == "__main__":
    sys.exit(analyze_main(["probes", "head_ablation"], "head_ablation"))
