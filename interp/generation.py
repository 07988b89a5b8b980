"""Batched generation from chat prompts, greedy or sampled.

Prompts are sorted by length, left-padded into batches with their attention masks, and decoded
with the Hugging Face ``generate`` loop of the bridged model. TransformerLens hooks fire inside
that loop, so a ``bridge.hooks(...)`` context (directional ablation, head ablation) applies to
generation too. Positions are derived from the attention mask, so a padded prompt produces the
same tokens as the same prompt alone, up to float rounding in the batched matmuls.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm
from transformer_lens.model_bridge import TransformerBridge

from interp._compat import install_cache_shim
from interp.chat import ChatPrompt, format_chat, left_pad

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GenerationConfig:
    """Decoding settings.

    Attributes:
        max_new_tokens: Maximum number of tokens generated per prompt.
        temperature: Sampling temperature; 0 means greedy decoding.
        top_p: Nucleus-sampling mass; 1 keeps the full distribution. Ignored when greedy.
        batch_size: Prompts per forward pass.
        seed: Seed for sampling; batch ``i`` uses ``seed + i``.
    """

    max_new_tokens: int = 64
    temperature: float = 0.0
    top_p: float = 1.0
    batch_size: int = 16
    seed: int = 0

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")


@dataclass(frozen=True)
class Completion:
    """One generated reply.

    Attributes:
        text: The decoded reply, special tokens removed.
        token_ids: The generated ids, up to and excluding the end-of-turn token.
        finished: Whether the model ended its turn before ``max_new_tokens``.
    """

    text: str
    token_ids: tuple[int, ...]
    finished: bool


def stop_token_ids(bridge: TransformerBridge) -> list[int]:
    """Return the ids that end an assistant turn: EOS and, where present, ``<|im_end|>``."""
    tokenizer = bridge.tokenizer
    ids = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(im_end, int) and im_end != tokenizer.unk_token_id and im_end not in ids:
        ids.append(im_end)
    if not ids:
        raise ValueError("the tokenizer defines no end-of-turn token")
    return ids


def generate(
    bridge: TransformerBridge,
    prompts: Sequence[ChatPrompt | str],
    config: GenerationConfig = GenerationConfig(),
    *,
    progress: bool = True,
    description: str = "generating",
) -> list[Completion]:
    """Generate one reply per prompt, returned in the order of ``prompts``.

    Args:
        bridge: The model.
        prompts: Rendered prompts, or raw user messages to render with the chat template.
        config: Decoding settings.
        progress: Show a tqdm bar over prompts.
        description: Label of the progress bar.
    """
    if not prompts:
        return []
    install_cache_shim(bridge)
    rendered = [
        prompt if isinstance(prompt, ChatPrompt) else format_chat(bridge.tokenizer, prompt)
        for prompt in prompts
    ]
    order = sorted(range(len(rendered)), key=lambda index: (len(rendered[index]), index))
    results: list[Completion | None] = [None] * len(rendered)
    stops = stop_token_ids(bridge)
    with tqdm(total=len(rendered), desc=description, unit="prompt", disable=not progress) as bar:
        for batch_index, start in enumerate(range(0, len(order), config.batch_size)):
            indices = order[start : start + config.batch_size]
            batch = [rendered[index].input_ids for index in indices]
            completions = _generate_batch(bridge, batch, config, stops, batch_index)
            for index, completion in zip(indices, completions, strict=True):
                results[index] = completion
            bar.update(len(indices))
    return [completion for completion in results if completion is not None]


@torch.no_grad()
def _generate_batch(
    bridge: TransformerBridge,
    sequences: list[tuple[int, ...]],
    config: GenerationConfig,
    stops: list[int],
    batch_index: int,
) -> list[Completion]:
    tokenizer = bridge.tokenizer
    model = bridge.original_model
    input_ids, attention_mask = left_pad(sequences, tokenizer.pad_token_id)
    device = next(model.parameters()).device
    sampling = config.temperature > 0
    options = {"do_sample": sampling}
    if sampling:
        options.update(temperature=config.temperature, top_p=config.top_p, top_k=0)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(config.seed + batch_index)
        output = model.generate(
            input_ids=input_ids.to(device),
            attention_mask=attention_mask.to(device),
            max_new_tokens=config.max_new_tokens,
            eos_token_id=stops,
            pad_token_id=tokenizer.pad_token_id,
            **options,
        )
    new_tokens = output[:, input_ids.shape[1] :].tolist()
    return [_to_completion(tokenizer, row, stops) for row in new_tokens]


def _to_completion(tokenizer, row: list[int], stops: list[int]) -> Completion:
    finished = False
    for position, token in enumerate(row):
        if token in stops:
            row = row[:position]
            finished = True
            break
    text = tokenizer.decode(row, skip_special_tokens=True)
    return Completion(text=text.strip(), token_ids=tuple(row), finished=finished)
