"""Batched forward passes over chat prompts, with optional TransformerLens hooks.

Every analysis that reads next-token logits or cached activations at the end of a prompt goes
through here, so padding is handled in one place: prompts are left-padded, and the bridge
derives position ids from the attention mask, so each prompt's last token sits in the last
column and sees the same positions as it would unpadded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import torch
from jaxtyping import Float, Int
from torch import Tensor
from tqdm.auto import tqdm
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import ChatPrompt, left_pad, position_ids_from_mask

Hook = tuple[str | Callable[[str], bool], Callable[..., Tensor | None]]


def model_device(bridge: TransformerBridge) -> torch.device:
    """Return the device of the bridge's first parameter (its input device)."""
    return next(bridge.original_model.parameters()).device


def batch_tokens(
    bridge: TransformerBridge, prompts: Sequence[ChatPrompt]
) -> tuple[Int[Tensor, "batch pos"], Int[Tensor, "batch pos"]]:
    """Left-pad the prompts' ids and move them, with the mask, to the model's device."""
    input_ids, attention_mask = left_pad(
        [prompt.input_ids for prompt in prompts], bridge.tokenizer.pad_token_id
    )
    device = model_device(bridge)
    return input_ids.to(device), attention_mask.to(device)


def batches(
    prompts: Sequence[ChatPrompt], batch_size: int, *, progress: bool = False, description=""
) -> Iterator[tuple[int, Sequence[ChatPrompt]]]:
    """Yield ``(start, chunk)`` pairs of consecutive prompts, with an optional progress bar."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    with tqdm(total=len(prompts), desc=description, unit="prompt", disable=not progress) as bar:
        for start in range(0, len(prompts), batch_size):
            chunk = prompts[start : start + batch_size]
            yield start, chunk
            bar.update(len(chunk))


@torch.no_grad()
def last_token_logits(
    bridge: TransformerBridge,
    prompts: Sequence[ChatPrompt],
    *,
    batch_size: int = 16,
    hooks: Sequence[Hook] = (),
    progress: bool = False,
) -> Float[Tensor, "batch d_vocab"]:
    """Return the next-token logits after each prompt, on the CPU in float32.

    Args:
        bridge: The model.
        prompts: Rendered prompts; the logits are read at each one's final token.
        batch_size: Prompts per forward pass.
        hooks: ``(hook name or filter, function)`` pairs active during the passes.
        progress: Show a progress bar.
    """
    if not prompts:
        raise ValueError("no prompts given")
    outputs = []
    for _, chunk in batches(prompts, batch_size, progress=progress, description="scoring"):
        input_ids, attention_mask = batch_tokens(bridge, chunk)
        with bridge.hooks(fwd_hooks=list(hooks)):
            logits = final_logits(bridge, input_ids, attention_mask)
        outputs.append(logits.float().cpu())
    return torch.cat(outputs)


def final_logits(
    bridge: TransformerBridge,
    input_ids: Int[Tensor, "batch pos"],
    attention_mask: Int[Tensor, "batch pos"],
) -> Float[Tensor, "batch d_vocab"]:
    """Return the logits at the last position only, skipping the unembedding elsewhere.

    Runs the bridged Hugging Face backbone directly, so every block hook fires as in a full
    forward pass; the unembedding (and its hooks) sees the last position alone. Positions are
    derived from the mask, as the bridge does for left padding.
    """
    model = bridge.original_model
    hidden = model.base_model(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=position_ids_from_mask(attention_mask),
        use_cache=False,
    ).last_hidden_state
    return model.get_output_embeddings()(hidden[:, -1:])[:, -1]


@contextmanager
def hooks_active(bridge: TransformerBridge, hooks: Sequence[Hook]) -> Iterator[None]:
    """Keep forward hooks on the bridge for the duration of the block, then remove them."""
    with bridge.hooks(fwd_hooks=list(hooks)):
        yield


@torch.no_grad()
def read_activations(
    bridge: TransformerBridge,
    input_ids: Int[Tensor, "batch pos"],
    attention_mask: Int[Tensor, "batch pos"],
    names: Sequence[str],
    select: Callable[[Tensor], Tensor] = lambda activation: activation,
    *,
    hooks: Sequence[Hook] = (),
) -> tuple[dict[str, Tensor], Float[Tensor, "batch d_vocab"]]:
    """Run one forward pass and return ``select(activation)`` at each named hook.

    Args:
        bridge: The model.
        input_ids: Left-padded token ids.
        attention_mask: Their attention mask.
        names: Hook names to read. Results are keyed by these names, also for aliases such as
            ``blocks.0.hook_resid_pre`` whose hook reports another name.
        select: Applied to each activation before it is kept (to keep only what is needed).
        hooks: Interventions, applied before the activations are read.

    Returns:
        The selected activations, and the last-position logits.
    """
    store: dict[str, Tensor] = {}

    def reader(name: str) -> Callable[..., None]:
        def read(activation: Tensor, hook) -> None:
            store[name] = select(activation.detach())

        return read

    with bridge.hooks(fwd_hooks=list(hooks) + [(name, reader(name)) for name in names]):
        logits = bridge(input_ids, attention_mask=attention_mask)
    missing = [name for name in names if name not in store]
    if missing:
        raise ValueError(f"hooks never fired: {missing[:3]}; check the hook names")
    return store, logits[:, -1]
