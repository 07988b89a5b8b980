"""Attack each model with the jailbreak suite and report success by group.

Runs on the models of `make study` by default (runs/default/models); pass
`--model NAME=PATH` (repeatable) for others. Writes runs/jailbreaks/metrics.json, the
figures in runs/jailbreaks/figures and runs/jailbreaks/report.md. `--help` lists every option.
"""

import sys

from interp.study.cli import analyze_main

if __name__ == "__main__":
    sys.exit(analyze_main(["jailbreak"], "jailbreaks"))
