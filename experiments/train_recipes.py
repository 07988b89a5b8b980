"""Train the three recipes on the embedded model and compare refusal before and after.

(a) ``dpo_shallow``: DPO on bare-refusal pairs. (b) ``aw_dpo``: CoT-SFT, then
Alignment-Weighted DPO. (c) ``dpo_cot``: CoT-SFT, then plain DPO on the same pairs. The
behaviour analysis reports the refusal rate on held-out HarmBench test prompts and the
over-refusal rate on benign-looking prompts for each model, in runs/recipes/report.md.

    .venv/bin/python experiments/train_recipes.py [--models base,dpo_shallow,aw_dpo,dpo_cot]
"""

import sys

from interp.study.cli import main

if __name__ == "__main__":
    defaults = [
        "--name",
        "recipes",
        "--analyses",
        "behaviour",
        "--models",
        "base,dpo_shallow,aw_dpo,dpo_cot",
    ]
    sys.exit(main(defaults + sys.argv[1:]))
