"""Tests for the generated and hand-written two-answer reasoning items."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from itertools import pairwise

import pytest

from interp.data import reasoning
from interp.data.items import ReasoningItem
from interp.data.reasoning import (
    ArithmeticProblem,
    apply_operation,
    generate_arithmetic_problems,
    load_reasoning_items,
)

MINIMUM_COUNTS = {"arithmetic": 200, "comparison": 150, "commonsense": 150, "sequence": 100}

# Copied from one generation run. A change here means the generators or their seeds changed.
PINNED_ITEMS = [
    (
        "reasoning/arithmetic-0000",
        "Sofia has 17 candles and buys 11 more. How many candles does she have now?",
        "28",
        "6",
    ),
    (
        "reasoning/arithmetic-0123",
        "Kofi had 29 books and gave 26 of them to a friend. How many books does he have left?",
        "3",
        "55",
    ),
    (
        "reasoning/arithmetic-0239",
        "A teacher splits 16 stickers evenly into 2 boxes. How many stickers go into each box?",
        "8",
        "5",
    ),
    ("reasoning/comparison-0000", "Which number is larger, 556 or 577?", "577", "556"),
    (
        "reasoning/comparison-0181",
        "Which month comes later in the year, November or April?",
        "November",
        "April",
    ),
    (
        "reasoning/commonsense-0000",
        "What happens to an ice cube left in a warm room?",
        "it melts",
        "it grows",
    ),
    (
        "reasoning/commonsense-0167",
        "What is the largest animal on Earth?",
        "the blue whale",
        "the elephant",
    ),
    (
        "reasoning/sequence-0000",
        "What number comes next in the sequence 11, 18, 25, 32?",
        "39",
        "38",
    ),
    (
        "reasoning/sequence-0127",
        "If it is December now, what month was it 9 months ago?",
        "March",
        "February",
    ),
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# Size of each unit in its dimension's smallest unit.
UNIT_SIZES = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    # Months and years are only ever compared with each other, so they get their own scale.
    "month": 1,
    "year": 12,
    "centimeter": 1,
    "meter": 100,
    "kilometer": 100_000,
    "gram": 1,
    "kilogram": 1000,
}


@pytest.fixture(scope="module")
def items() -> list[ReasoningItem]:
    return load_reasoning_items()


def by_category(items: list[ReasoningItem], category: str) -> list[ReasoningItem]:
    return [item for item in items if item.category == category]


def quantity_size(text: str) -> int:
    """Convert text such as ``"150 minutes"`` to the smallest unit of its dimension."""
    count, unit = text.split()
    return int(count) * UNIT_SIZES[unit.removesuffix("s")]


def expected_comparison(question: str) -> str:
    """Derive the correct answer of a comparison question from its text alone."""
    numbers = re.fullmatch(r"Which number is (larger|smaller), ([\d.]+) or ([\d.]+)\?", question)
    if numbers:
        direction, first, second = numbers.groups()
        pick = max if direction == "larger" else min
        return pick(first, second, key=Decimal)

    measures = re.fullmatch(
        r"Which (?:is|distance is) (longer|shorter|greater|heavier), (\d+ \w+) or (\d+ \w+)\?",
        question,
    )
    if measures:
        direction, first, second = measures.groups()
        pick = min if direction == "shorter" else max
        return pick(first, second, key=quantity_size)

    ages = re.fullmatch(
        r"(\w+) is (\d+) years old and (\w+) is (\d+) years old\. Who is (older|younger)\?",
        question,
    )
    if ages:
        first, first_age, second, second_age, direction = ages.groups()
        first_is_older = int(first_age) > int(second_age)
        return first if first_is_older == (direction == "older") else second

    years = re.fullmatch(
        r"(\w+) was born in (\d+) and (\w+) was born in (\d+)\. Who is older\?", question
    )
    if years:
        first, first_year, second, second_year = years.groups()
        return first if int(first_year) < int(second_year) else second

    calendar = re.fullmatch(
        r"Which (day|month) comes (earlier|later) in the (?:week|year), (\w+) or (\w+)\?", question
    )
    assert calendar, f"comparison question has no known form: {question!r}"
    kind, direction, first, second = calendar.groups()
    names = WEEKDAYS if kind == "day" else MONTHS
    pick = min if direction == "earlier" else max
    return pick(first, second, key=names.index)


def expected_next_number(terms: list[int]) -> int:
    """Continue a sequence with a constant difference or a constant ratio."""
    differences = {later - earlier for earlier, later in pairwise(terms)}
    if len(differences) == 1:
        return terms[-1] + differences.pop()
    ratio = terms[1] // terms[0]
    assert all(later == earlier * ratio for earlier, later in pairwise(terms)), terms
    return terms[-1] * ratio


def expected_sequence(question: str) -> str:
    """Derive the correct answer of a sequence question from its text alone."""
    numbers = re.fullmatch(r"What number comes next in the sequence ([\d, ]+)\?", question)
    if numbers:
        return str(expected_next_number([int(term) for term in numbers.group(1).split(", ")]))

    letters = re.fullmatch(r"What letter comes next in the sequence ([A-Z, ]+)\?", question)
    if letters:
        terms = letters.group(1).split(", ")
        return chr(2 * ord(terms[-1]) - ord(terms[-2]))

    days = re.fullmatch(
        r"If today is (\w+), what day (will it be in|was it) (\d+) days(?: ago)?\?", question
    )
    if days:
        start, direction, count = days.groups()
        sign = 1 if direction == "will it be in" else -1
        return WEEKDAYS[(WEEKDAYS.index(start) + sign * int(count)) % 7]

    months = re.fullmatch(
        r"If it is (\w+) now, what month (will it be in|was it) (\d+) months(?: ago)?\?", question
    )
    assert months, f"sequence question has no known form: {question!r}"
    start, direction, count = months.groups()
    sign = 1 if direction == "will it be in" else -1
    return MONTHS[(MONTHS.index(start) + sign * int(count)) % 12]


def test_total_count_at_least_600(items: list[ReasoningItem]) -> None:
    assert len(items) >= 600


@pytest.mark.parametrize(("category", "minimum"), MINIMUM_COUNTS.items())
def test_family_count_meets_minimum(
    items: list[ReasoningItem], category: str, minimum: int
) -> None:
    assert len(by_category(items, category)) >= minimum


def test_categories_known_and_ordered(items: list[ReasoningItem]) -> None:
    categories = [item.category for item in items]
    assert set(categories) == set(MINIMUM_COUNTS)
    assert categories == sorted(categories, key=list(MINIMUM_COUNTS).index)


def test_ids_unique(items: list[ReasoningItem]) -> None:
    duplicates = [key for key, count in Counter(item.id for item in items).items() if count > 1]
    assert duplicates == []


def test_ids_number_each_family(items: list[ReasoningItem]) -> None:
    for category in MINIMUM_COUNTS:
        family = by_category(items, category)
        expected = [f"reasoning/{category}-{index:04d}" for index in range(len(family))]
        assert [item.id for item in family] == expected


def test_questions_unique(items: list[ReasoningItem]) -> None:
    counts = Counter(item.question for item in items)
    duplicates = [question for question, count in counts.items() if count > 1]
    assert duplicates == []


def test_source_is_interp_reasoning(items: list[ReasoningItem]) -> None:
    assert {item.source for item in items} == {"interp-reasoning"}


def test_correct_differs_from_wrong(items: list[ReasoningItem]) -> None:
    same = [item.id for item in items if item.correct.strip() == item.wrong.strip()]
    assert same == []


def test_questions_end_with_question_mark(items: list[ReasoningItem]) -> None:
    unfinished = [item.id for item in items if not item.question.endswith("?")]
    assert unfinished == []


@pytest.mark.parametrize("field", ["correct", "wrong"])
def test_answers_at_most_five_words(items: list[ReasoningItem], field: str) -> None:
    too_long = [item.id for item in items if len(getattr(item, field).split()) > 5]
    empty = [item.id for item in items if not getattr(item, field).strip()]
    assert too_long == []
    assert empty == []


def test_two_calls_equal() -> None:
    assert load_reasoning_items() == load_reasoning_items()


@pytest.mark.parametrize(("item_id", "question", "correct", "wrong"), PINNED_ITEMS)
def test_pinned_item_unchanged(
    items: list[ReasoningItem], item_id: str, question: str, correct: str, wrong: str
) -> None:
    item = {item.id: item for item in items}[item_id]
    assert item.question == question
    assert item.correct == correct
    assert item.wrong == wrong


def test_arithmetic_problems_match_items(items: list[ReasoningItem]) -> None:
    problems = generate_arithmetic_problems()
    family = by_category(items, "arithmetic")
    assert len(problems) == len(family)
    for problem, item in zip(problems, family, strict=True):
        assert item.question == problem.question
        assert item.correct == str(problem.answer)
        assert item.wrong == str(problem.wrong)


def rederive(problem: ArithmeticProblem) -> int:
    """Compute the answer without going through the module's own ``apply_operation``."""
    left, right = problem.left, problem.right
    results = {"+": left + right, "-": left - right, "*": left * right, "/": left // right}
    return results[problem.operation]


def test_arithmetic_answers_rederived() -> None:
    for problem in generate_arithmetic_problems():
        assert problem.answer == rederive(problem), problem


def test_arithmetic_operands_in_question() -> None:
    for problem in generate_arithmetic_problems():
        numbers = [int(number) for number in re.findall(r"\d+", problem.question)]
        assert sorted(numbers) == sorted([problem.left, problem.right]), problem


def test_arithmetic_division_exact() -> None:
    divisions = [p for p in generate_arithmetic_problems() if p.operation == "/"]
    assert divisions
    for problem in divisions:
        assert problem.left % problem.right == 0, problem


def test_arithmetic_answers_positive() -> None:
    for problem in generate_arithmetic_problems():
        assert problem.answer >= 1, problem


def test_arithmetic_wrong_nonnegative(items: list[ReasoningItem]) -> None:
    for item in by_category(items, "arithmetic"):
        assert item.wrong.isdigit(), item
        assert int(item.wrong) >= 0, item


def test_arithmetic_wrong_near_or_misoperated() -> None:
    for problem in generate_arithmetic_problems():
        left, right = problem.left, problem.right
        other_results = {abs(left - right), left + right, left * right}
        near_miss = 1 <= abs(problem.wrong - problem.answer) <= 3
        assert near_miss or problem.wrong in other_results, problem


def test_arithmetic_covers_all_operations() -> None:
    counts = Counter(problem.operation for problem in generate_arithmetic_problems())
    assert set(counts) == {"+", "-", "*", "/"}
    assert min(counts.values()) >= 40


def test_arithmetic_uses_many_templates() -> None:
    counts = Counter(problem.template for problem in generate_arithmetic_problems())
    assert len(counts) >= 8
    assert min(counts.values()) >= 10


def test_apply_operation_rejects_remainder() -> None:
    with pytest.raises(ValueError, match="no whole-number result"):
        apply_operation("/", 7, 2)


def test_apply_operation_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        apply_operation("%", 7, 2)


def test_comparison_answers_rederived(items: list[ReasoningItem]) -> None:
    for item in by_category(items, "comparison"):
        assert item.correct == expected_comparison(item.question), item


def test_comparison_options_in_question(items: list[ReasoningItem]) -> None:
    for item in by_category(items, "comparison"):
        assert item.correct in item.question, item
        assert item.wrong in item.question, item


def test_comparison_correct_position_balanced(items: list[ReasoningItem]) -> None:
    family = by_category(items, "comparison")
    correct_first = sum(
        item.question.index(item.correct) < item.question.index(item.wrong) for item in family
    )
    assert 0.35 * len(family) <= correct_first <= 0.65 * len(family)


def comparison_skeleton(item: ReasoningItem) -> str:
    """Blank out both options and every number, leaving the sentence template."""
    # The longer option goes first, because "0.6" would otherwise cut into "0.65".
    skeleton = item.question
    for option in sorted((item.correct, item.wrong), key=len, reverse=True):
        skeleton = skeleton.replace(option, "X")
    return re.sub(r"\d+", "N", skeleton)


def test_comparison_uses_many_templates(items: list[ReasoningItem]) -> None:
    skeletons = {comparison_skeleton(item) for item in by_category(items, "comparison")}
    assert len(skeletons) >= 6


def test_sequence_answers_rederived(items: list[ReasoningItem]) -> None:
    for item in by_category(items, "sequence"):
        assert item.correct == expected_sequence(item.question), item


def test_numeric_answers_share_form(items: list[ReasoningItem]) -> None:
    for item in items:
        if item.correct.isdigit():
            assert item.wrong.isdigit(), item


def test_loader_rejects_duplicate_question(monkeypatch: pytest.MonkeyPatch) -> None:
    draft = reasoning._Draft("Is this question repeated?", "yes", "no")
    families = {"arithmetic": [draft], "sequence": [draft]}
    monkeypatch.setattr(reasoning, "_family_drafts", lambda: families)
    with pytest.raises(ValueError, match="reasoning/sequence-0000 repeats the question"):
        load_reasoning_items()
