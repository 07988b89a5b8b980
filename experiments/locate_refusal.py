"""Find the refusal direction, test ablation and addition, and draw patching heatmaps.

Runs on the models of `make study` by default (runs/default/models); pass
`--model NAME=PATH` (repeatable) for others. Writes runs/locate/metrics.json, the
figures in runs/locate/figures and runs/locate/report.md. `--help` lists every option.
"""

import sys

from interp.study.cli import analyze_main

if __name__ == "__main__":
    sys.exit(analyze_main(["direction", "patching"], "locate"))
