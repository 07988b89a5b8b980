"""Benchmark: exact and attribution patching against TransformerLens on the embedded model.

1. The full ``resid_pre`` layer x position grid for one harmful/harmless pair of equal token
   length, with our exact patching and with ``transformer_lens.patching.get_act_patch_resid_pre``
   on the same bridge and inputs: speed-up and maximum absolute difference.
2. Attribution patching on the same grid: speed-up over our exact patching and Pearson
   correlation with the exact values, on that pair and on a batch of refusal pairs (harmful vs
   harmless prompts of different lengths, aligned on the post-instruction tokens). Plain
   attribution (one backward pass) and its integrated-gradients variant (``--ig-steps``
   backward passes over interpolated inputs) are both reported.

Writes ``runs/bench/patching.json``.

    .venv/bin/python experiments/bench_patching.py [--model embedded] [--pairs 8]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
from transformer_lens import patching as tl_patching

from interp.chat import format_chat
from interp.data.benign import load_benign_instructions
from interp.data.harmful import load_harmbench
from interp.metrics import refusal_score, refusal_token_ids
from interp.models import load_model
from interp.patching.attribution import attribution_patching
from interp.patching.exact import exact_patching
from interp.patching.inputs import align_pairs, refusal_metric


def equal_length_pair(tokenizer):
    """Find a HarmBench behaviour and a benign instruction with the same token count."""
    harmless = {}
    for item in load_benign_instructions():
        harmless.setdefault(len(format_chat(tokenizer, item.text)), item.text)
    for item in load_harmbench("test"):
        prompt = format_chat(tokenizer, item.text)
        if len(prompt) in harmless and len(prompt) <= 48:
            return prompt, format_chat(tokenizer, harmless[len(prompt)])
    raise RuntimeError("no harmful and harmless prompts of equal length were found")


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(torch.corrcoef(torch.stack([a.flatten(), b.flatten()]))[0, 1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--pairs", type=int, default=8, help="refusal pairs for the batch test")
    parser.add_argument(
        "--ig-steps",
        type=int,
        default=4,
        help="interpolation steps of the integrated-gradients variant",
    )
    parser.add_argument("--output", default="runs/bench/patching.json")
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    bridge, tokenizer = load_model(args.model)
    ids = refusal_token_ids(tokenizer)
    metric = refusal_metric(ids)

    clean, corrupted = equal_length_pair(tokenizer)
    pairs = align_pairs(bridge, [clean], [corrupted], positions="all")
    _, clean_cache = bridge.run_with_cache(pairs.clean_ids)
    exact_patching(bridge, pairs, "resid_pre", metric, layers=[0])  # warm-up
    ours, ours_seconds = timed(lambda: exact_patching(bridge, pairs, "resid_pre", metric))
    theirs, theirs_seconds = timed(
        lambda: tl_patching.get_act_patch_resid_pre(
            bridge,
            pairs.corrupted_ids,
            clean_cache,
            lambda logits: refusal_score(logits[:, -1], ids).mean(),
        )
    )
    grid = [("resid_pre", "position")]
    with torch.enable_grad():
        attribution, attribution_seconds = timed(
            lambda: attribution_patching(bridge, pairs, metric, grid)["resid_pre/position"]
        )
        integrated, integrated_seconds = timed(
            lambda: attribution_patching(bridge, pairs, metric, grid, steps=args.ig_steps)[
                "resid_pre/position"
            ]
        )

    harmful = [format_chat(tokenizer, item.text) for item in load_harmbench("test")[: args.pairs]]
    harmless = [
        format_chat(tokenizer, item.text) for item in load_benign_instructions()[: args.pairs]
    ]
    batch = align_pairs(bridge, harmful, harmless)
    batch_exact, batch_exact_seconds = timed(
        lambda: exact_patching(bridge, batch, "resid_pre", metric)
    )
    with torch.enable_grad():
        batch_attribution, batch_attribution_seconds = timed(
            lambda: attribution_patching(bridge, batch, metric, grid)["resid_pre/position"]
        )
        batch_integrated = attribution_patching(bridge, batch, metric, grid, steps=args.ig_steps)[
            "resid_pre/position"
        ]

    n_patches = ours.values.numel()
    report = {
        "speedup_vs_transformer_lens": theirs_seconds / ours_seconds,
        "max_abs_diff": float((ours.values - theirs).abs().max()),
        "attribution_speedup": ours_seconds / attribution_seconds,
        "attribution_pearson": pearson(attribution.values, ours.values),
        "integrated_gradients": {
            "steps": args.ig_steps,
            "speedup": ours_seconds / integrated_seconds,
            "pearson": pearson(integrated.values, ours.values),
            "refusal_pairs_pearson": pearson(batch_integrated.values, batch_exact.values),
        },
        "refusal_pairs": {
            "n_pairs": args.pairs,
            "grid": list(batch_exact.values.shape),
            "exact_seconds": batch_exact_seconds,
            "attribution_seconds": batch_attribution_seconds,
            "attribution_speedup": batch_exact_seconds / batch_attribution_seconds,
            "attribution_pearson": pearson(batch_attribution.values, batch_exact.values),
        },
        "raw": {
            "model": args.model,
            "pair": [clean.user, corrupted.user],
            "grid": list(ours.values.shape),
            "patches": n_patches,
            "ours_seconds": ours_seconds,
            "transformer_lens_seconds": theirs_seconds,
            "transformer_lens_seconds_per_patch": theirs_seconds / n_patches,
            "attribution_seconds": attribution_seconds,
            "clean_metric": ours.clean,
            "corrupted_metric": ours.corrupted,
            "torch_threads": torch.get_num_threads(),
        },
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"resid_pre grid {tuple(ours.values.shape)}: ours {ours_seconds:.1f} s, "
        f"TransformerLens {theirs_seconds:.1f} s, "
        f"speed-up {report['speedup_vs_transformer_lens']:.1f}x, "
        f"max |diff| {report['max_abs_diff']:.2e}"
    )
    print(
        f"attribution: {attribution_seconds:.2f} s, speed-up over exact "
        f"{report['attribution_speedup']:.1f}x, Pearson r {report['attribution_pearson']:.3f}"
    )
    print(
        f"{args.pairs} refusal pairs: attribution speed-up "
        f"{report['refusal_pairs']['attribution_speedup']:.1f}x, Pearson r "
        f"{report['refusal_pairs']['attribution_pearson']:.3f}"
    )
    print(f"written to {output}")


if __name__ == "__main__":
    main()
