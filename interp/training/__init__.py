"""The built-in trainer (SFT, DPO, Alignment-Weighted DPO) and its data."""

from interp.training.batches import SFTExample
from interp.training.config import TrainConfig
from interp.training.preference import PreferencePair, read_preferences, write_preferences
from interp.training.trainer import TrainResult, read_metrics, train

__all__ = [
    "PreferencePair",
    "SFTExample",
    "TrainConfig",
    "TrainResult",
    "read_metrics",
    "read_preferences",
    "train",
    "write_preferences",
]
