"""Linear probes on attention-head outputs and on the residual stream.

Two tasks, following Hu et al. (2026), section 3:

- *alignment*: harmful (label 1) vs benign (label 0) prompts;
- *reasoning*: a question with its correct answer (label 1) vs with a wrong answer (label 0).

Features are read at the last prompt token: each head's output ``z`` (``[head d_head]`` per
layer, before the output projection) and the residual stream entering each block. One
logistic-regression probe is fitted per head and per layer, all at once as a batched problem,
on a training split; accuracy is reported on a held-out split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from jaxtyping import Float, Int
from matplotlib.figure import Figure
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge
from transformers import PreTrainedTokenizerBase

from interp.chat import ChatPrompt, format_chat
from interp.data.items import PromptItem, ReasoningItem
from interp.forward import Hook, batch_tokens, batches, read_activations


@dataclass(frozen=True)
class ProbeFeatures:
    """Activations at the last prompt token.

    Attributes:
        heads: Output of every attention head, ``z``.
        residual: Residual stream entering every block.
    """

    heads: Float[Tensor, "example layer head d_head"]
    residual: Float[Tensor, "example layer d_model"]


@dataclass(frozen=True)
class LinearProbes:
    """A batch of logistic-regression probes, one per unit (head or layer).

    Attributes:
        weights: Probe weights on standardised features.
        bias: Probe biases.
        mean: Feature means used for standardisation.
        scale: Feature standard deviations used for standardisation.
    """

    weights: Float[Tensor, "unit feature"]
    bias: Float[Tensor, " unit"]
    mean: Float[Tensor, "unit feature"]
    scale: Float[Tensor, "unit feature"]

    def predict(
        self, features: Float[Tensor, "example unit feature"]
    ) -> Int[Tensor, "example unit"]:
        """Apply every probe to features of the same layout."""
        standard = (features.float() - self.mean) / self.scale
        return ((standard * self.weights).sum(-1) + self.bias > 0).long()

    def accuracy(
        self, features: Float[Tensor, "example unit feature"], labels: Int[Tensor, " example"]
    ) -> Float[Tensor, " unit"]:
        """Return each probe's accuracy on labelled features."""
        return (self.predict(features) == labels[:, None]).float().mean(0)


@dataclass(frozen=True)
class ProbeResult:
    """Fitted probes and their accuracies.

    Attributes:
        probes: The fitted probes.
        train_accuracy: Accuracy on the training split, per probe.
        test_accuracy: Accuracy on the held-out split, per probe.
    """

    probes: LinearProbes
    train_accuracy: Float[Tensor, " unit"]
    test_accuracy: Float[Tensor, " unit"]


def alignment_prompts(
    tokenizer: PreTrainedTokenizerBase,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
) -> tuple[list[ChatPrompt], Int[Tensor, " example"]]:
    """Return harmful then benign prompts with labels 1 and 0."""
    prompts = [format_chat(tokenizer, item.text) for item in list(harmful) + list(benign)]
    labels = torch.tensor([1] * len(harmful) + [0] * len(benign))
    return prompts, labels


def reasoning_text(item: ReasoningItem, answer: str) -> str:
    """Return the question with an answer appended, as the probe and the metric read it."""
    return f"{item.question}\nAnswer: {answer}"


def reasoning_prompts(
    tokenizer: PreTrainedTokenizerBase, items: Sequence[ReasoningItem]
) -> tuple[list[ChatPrompt], Int[Tensor, " example"]]:
    """Return each question with its correct (label 1) and its wrong (label 0) answer."""
    prompts, labels = [], []
    for item in items:
        for answer, label in ((item.correct, 1), (item.wrong, 0)):
            prompts.append(format_chat(tokenizer, reasoning_text(item, answer)))
            labels.append(label)
    return prompts, torch.tensor(labels)


@torch.no_grad()
def probe_features(
    bridge: TransformerBridge,
    prompts: Sequence[ChatPrompt],
    *,
    batch_size: int = 16,
    hooks: Sequence[Hook] = (),
) -> ProbeFeatures:
    """Read head outputs and the residual stream at each prompt's last token.

    Args:
        bridge: The model.
        prompts: Rendered prompts.
        batch_size: Prompts per forward pass.
        hooks: Interventions active while reading (for example a head ablation).
    """
    heads, residual = [], []
    layers = range(bridge.cfg.n_layers)
    z_names = [f"blocks.{layer}.attn.hook_z" for layer in layers]
    resid_names = [f"blocks.{layer}.hook_resid_pre" for layer in layers]
    for _, chunk in batches(prompts, batch_size):
        read, _ = read_activations(
            bridge,
            *batch_tokens(bridge, chunk),
            z_names + resid_names,
            lambda activation: activation[:, -1].float().cpu(),
            hooks=hooks,
        )
        heads.append(torch.stack([read[name] for name in z_names], dim=1))
        residual.append(torch.stack([read[name] for name in resid_names], dim=1))
    head_tensor = torch.cat(heads)
    if head_tensor.dim() == 3:
        head_tensor = head_tensor.view(head_tensor.shape[0], len(layers), bridge.cfg.n_heads, -1)
    return ProbeFeatures(head_tensor, torch.cat(residual))


def fit_probes(
    features: Float[Tensor, "example unit feature"],
    labels: Int[Tensor, " example"],
    train: Int[Tensor, " train"],
    test: Int[Tensor, " test"],
    *,
    l2: float = 1e-2,
    steps: int = 200,
) -> ProbeResult:
    """Fit one L2-regularised logistic regression per unit, all units at once.

    Features are standardised with training-split statistics. Optimised with L-BFGS on the
    summed loss, which is separable across units, so each probe gets its own optimum.

    Raises:
        ValueError: a split is empty, or the training labels hold one class only.
    """
    if len(train) == 0 or len(test) == 0:
        raise ValueError("both the training and the test split need examples")
    y = labels.float()
    if y[train].min() == y[train].max():
        raise ValueError("the training split holds only one class")
    x = features.float()
    mean = x[train].mean(0)
    scale = x[train].std(0).clamp(min=1e-6)
    standard = (x - mean) / scale
    weights = torch.zeros(x.shape[1], x.shape[2], requires_grad=True)
    bias = torch.zeros(x.shape[1], requires_grad=True)
    optimizer = torch.optim.LBFGS([weights, bias], max_iter=steps, line_search_fn="strong_wolfe")
    x_train, y_train = standard[train], y[train]

    def closure() -> Tensor:
        optimizer.zero_grad()
        logits = (x_train * weights).sum(-1) + bias
        loss = (
            torch.nn.functional.binary_cross_entropy_with_logits(
                logits, y_train[:, None].expand_as(logits), reduction="none"
            )
            .mean(0)
            .sum()
        )
        loss = loss + l2 * (weights**2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    probes = LinearProbes(weights.detach(), bias.detach(), mean, scale)
    return ProbeResult(
        probes, probes.accuracy(x[train], labels[train]), probes.accuracy(x[test], labels[test])
    )


def split_indices(n: int, test_fraction: float, seed: int) -> tuple[Tensor, Tensor]:
    """Return a seeded random train/test split of ``range(n)``."""
    order = torch.from_numpy(np.random.default_rng(seed).permutation(n))
    n_test = max(1, int(round(n * test_fraction)))
    return order[n_test:], order[:n_test]


def paired_split_indices(n_items: int, test_fraction: float, seed: int) -> tuple[Tensor, Tensor]:
    """Split reasoning prompts by item, keeping both answers of a question in one split."""
    train_items, test_items = split_indices(n_items, test_fraction, seed)
    expand = lambda items: torch.cat([2 * items, 2 * items + 1]).sort().values  # noqa: E731
    return expand(train_items), expand(test_items)


def head_probes(features: ProbeFeatures, labels, train, test, **options) -> ProbeResult:
    """Fit one probe per attention head (units = layer x head, flattened row-major)."""
    heads = features.heads
    flat = heads.reshape(heads.shape[0], heads.shape[1] * heads.shape[2], heads.shape[3])
    return fit_probes(flat, labels, train, test, **options)


def layer_probes(features: ProbeFeatures, labels, train, test, **options) -> ProbeResult:
    """Fit one probe per layer on the residual stream."""
    return fit_probes(features.residual, labels, train, test, **options)


def plot_probe_heatmap(accuracy: Float[Tensor, "layer head"], *, title: str) -> Figure:
    """Draw held-out probe accuracy per layer and head."""
    data = accuracy.detach().cpu().numpy()
    figure = Figure(
        figsize=(max(4.0, 0.5 * data.shape[1] + 2.0), max(3.0, 0.16 * data.shape[0] + 1.4))
    )
    axes = figure.add_subplot()
    image = axes.imshow(data, aspect="auto", origin="lower", cmap="viridis", vmin=0.4, vmax=1.0)
    axes.set_xlabel("head")
    axes.set_ylabel("layer")
    axes.set_xticks(range(data.shape[1]))
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label="held-out accuracy")
    figure.tight_layout()
    return figure
