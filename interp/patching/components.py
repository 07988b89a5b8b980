"""The activations that patching can replace, and how a patch is written into each.

A component is one TransformerLens hook per layer. Its activation has one of three layouts:

- ``resid``: ``[batch pos d_model]`` (the residual stream, ``attn_out``, ``mlp_out``);
- ``head``: ``[batch pos head_index d_head]`` for query-head activations (``z``, ``q``);
- ``kv_head``: ``[batch pos kv_head d_head]`` for key and value activations, which grouped-query
  attention shares between several query heads (SmolLM2: 9 query heads, 3 key/value heads).

Per-head components are patched one head at a time: over every position, or at one position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from transformer_lens.model_bridge import TransformerBridge

Layout = Literal["resid", "head", "kv_head"]


@dataclass(frozen=True)
class Component:
    """A patchable activation.

    Attributes:
        name: Short name, such as ``"resid_pre"`` or ``"z"``.
        hook: Hook name with ``{layer}`` in place of the layer index.
        layout: Activation layout (see the module docstring).
    """

    name: str
    hook: str
    layout: Layout

    def hook_name(self, layer: int) -> str:
        """Return the hook name at ``layer``."""
        return self.hook.format(layer=layer)

    @property
    def per_head(self) -> bool:
        """Whether the activation has a head axis."""
        return self.layout != "resid"


COMPONENTS: dict[str, Component] = {
    component.name: component
    for component in (
        Component("resid_pre", "blocks.{layer}.hook_resid_pre", "resid"),
        Component("resid_mid", "blocks.{layer}.hook_resid_mid", "resid"),
        Component("resid_post", "blocks.{layer}.hook_resid_post", "resid"),
        Component("attn_out", "blocks.{layer}.hook_attn_out", "resid"),
        Component("mlp_out", "blocks.{layer}.hook_mlp_out", "resid"),
        Component("z", "blocks.{layer}.attn.hook_z", "head"),
        Component("q", "blocks.{layer}.attn.hook_q", "head"),
        Component("k", "blocks.{layer}.attn.hook_k", "kv_head"),
        Component("v", "blocks.{layer}.attn.hook_v", "kv_head"),
    )
}


def get_component(name: str) -> Component:
    """Look up a component by name.

    Raises:
        ValueError: the name is not a known component; the message lists the valid ones.
    """
    if name not in COMPONENTS:
        raise ValueError(f"unknown component {name!r}; choose from {sorted(COMPONENTS)}")
    return COMPONENTS[name]


def n_heads(bridge: TransformerBridge, component: Component) -> int:
    """Return the size of the component's head axis (1 for residual-layout components)."""
    if component.layout == "head":
        return bridge.cfg.n_heads
    if component.layout == "kv_head":
        return getattr(bridge.cfg, "n_key_value_heads", None) or bridge.cfg.n_heads
    return 1
