"""Activation patching: exact (batched, prefix-reusing) and attribution, with heatmaps."""

from interp.patching.attribution import attribution_patching
from interp.patching.components import COMPONENTS, Component, get_component
from interp.patching.exact import PatchingResult, exact_patching
from interp.patching.inputs import (
    AlignedPairs,
    align_pairs,
    kl_to_clean_metric,
    logit_difference_metric,
    refusal_metric,
)
from interp.patching.plots import (
    plot_attribution_vs_exact,
    plot_difference,
    plot_layer_head,
    plot_layer_position,
)

__all__ = [
    "COMPONENTS",
    "AlignedPairs",
    "Component",
    "PatchingResult",
    "align_pairs",
    "attribution_patching",
    "exact_patching",
    "get_component",
    "kl_to_clean_metric",
    "logit_difference_metric",
    "plot_attribution_vs_exact",
    "plot_difference",
    "plot_layer_head",
    "plot_layer_position",
    "refusal_metric",
]
