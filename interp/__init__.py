"""interp: mechanistic analysis of safety alignment in chat models.

The most used entry points are importable from here. Each lives in a module named after its
stage of the method (``interp.models``, ``interp.patching``, ``interp.directions``,
``interp.probes``, ``interp.head_ablation``, ``interp.depth``, ``interp.jailbreak``,
``interp.training``, ``interp.study``).
"""

# The analysis subpackages are imported so that ``import interp`` exposes ``interp.patching`` and
# the rest. Training and the study pipeline stay behind their own imports.
from interp import depth, directions, head_ablation, jailbreak, patching, probes
from interp.behaviour import BehaviourConfig, evaluate_set
from interp.chat import ChatPrompt, format_chat, format_chats
from interp.directions import candidate_directions, intervention_effects, select_direction
from interp.generation import GenerationConfig, generate
from interp.interventions import ablation_hooks, addition_hooks, orthogonalized_model
from interp.judge import LexicalJudge
from interp.metrics import refusal_score, refusal_token_ids
from interp.models import load_hf_model, load_model, save_model

__version__ = "0.1.0"

__all__ = [
    "depth",
    "directions",
    "head_ablation",
    "jailbreak",
    "patching",
    "probes",
    "BehaviourConfig",
    "ChatPrompt",
    "GenerationConfig",
    "LexicalJudge",
    "ablation_hooks",
    "addition_hooks",
    "candidate_directions",
    "evaluate_set",
    "format_chat",
    "format_chats",
    "generate",
    "intervention_effects",
    "load_hf_model",
    "load_model",
    "orthogonalized_model",
    "refusal_score",
    "refusal_token_ids",
    "save_model",
    "select_direction",
]
