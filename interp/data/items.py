"""Record types shared by every data source: prompts and two-answer reasoning items."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PromptItem:
    """One user prompt with its provenance.

    Attributes:
        id: Identifier that is unique within a data set, such as ``"harmbench/<BehaviorID>"``.
        text: The user's instruction, without any chat template.
        category: The source's own category label (HarmBench ``SemanticCategory``,
            StrongREJECT ``category``, or this project's topic name).
        source: Where the item came from, such as ``"harmbench-test"`` or ``"interp-benign"``.
    """

    id: str
    text: str
    category: str
    source: str

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("PromptItem.id must be a non-empty string")
        if not self.text.strip():
            raise ValueError(f"PromptItem {self.id!r} has empty text")


@dataclass(frozen=True)
class ReasoningItem:
    """A question with one correct and one wrong answer.

    The reasoning probe labels ``question + correct`` against ``question + wrong``, and the
    reasoning-accuracy metric asks whether the model assigns the correct answer a higher
    log-likelihood than the wrong one.

    Attributes:
        id: Identifier that is unique within the set, such as ``"reasoning/arith-0042"``.
        question: The question, phrased so that a short answer completes it.
        correct: The correct answer.
        wrong: A plausible wrong answer; never equal to ``correct``.
        category: Item family, such as ``"arithmetic"``, ``"comparison"`` or ``"commonsense"``.
        source: Where the item came from, such as ``"interp-reasoning"``.
    """

    id: str
    question: str
    correct: str
    wrong: str
    category: str
    source: str

    def __post_init__(self) -> None:
        if not self.question.strip():
            raise ValueError(f"ReasoningItem {self.id!r} has an empty question")
        if self.correct.strip() == self.wrong.strip():
            raise ValueError(f"ReasoningItem {self.id!r} has identical correct and wrong answers")
