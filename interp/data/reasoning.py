"""Build the two-answer reasoning items for the reasoning probe and the reasoning-accuracy metric.

Each item is a question with one correct and one wrong answer. A linear probe is trained to tell
``question + correct`` from ``question + wrong`` using a model's activations at the last token,
and the reasoning-accuracy metric checks whether a small chat model (SmolLM2-135M-Instruct) gives
the correct answer a higher log-likelihood than the wrong one. The caller renders an item as
``f"{question} Answer: {answer}"`` or puts the answer in the assistant turn, so each question is
phrased for a short answer of one to five words. The two answers of an item have the same form
(both numbers, both names, both short noun phrases), so that the likelihood comparison turns on
content rather than form.

Families, in the order that :func:`load_reasoning_items` returns them:

- ``arithmetic``: generated word problems with small whole numbers (addition, subtraction,
  multiplication and exact division) from 12 sentence templates. The wrong answer is a near miss
  (off by 1 to 3) or the result of a different operation. It is always positive and never equal
  to the correct answer.
- ``comparison``: generated choices between two options named in the question: numbers,
  decimals, durations, distances, weights, ages, birth years, weekdays and months. The wrong
  answer is the other option.
- ``commonsense``: hand-written everyday questions about the physical world, social situations,
  time, tools, weather, food and animals.
- ``sequence``: generated next-term questions for number and letter sequences, and calendar
  questions that step forward or back through weekdays and months.

Each generated family draws from its own ``random.Random`` with a fixed seed, so the items are the
same on every run and platform.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar, runtime_checkable

from interp.data.items import ReasoningItem

SOURCE = "interp-reasoning"
CATEGORIES = ("arithmetic", "comparison", "commonsense", "sequence")

ARITHMETIC_SEED = 20_101
COMPARISON_SEED = 20_102
SEQUENCE_SEED = 20_104

ARITHMETIC_COUNT = 240
COMPARISON_COUNT = 182
SEQUENCE_COUNT = 128

# Redraws allowed per item before a template counts as exhausted.
_MAX_DRAWS = 200

_T = TypeVar("_T")


# Runtime-checkable so that beartype, which the test suite applies to this package, can check it.
@runtime_checkable
class _HasQuestion(Protocol):
    @property
    def question(self) -> str: ...


_D = TypeVar("_D", bound=_HasQuestion)


@dataclass(frozen=True)
class _Draft:
    """Question and answers of an item before it gets an id."""

    question: str
    correct: str
    wrong: str


@dataclass(frozen=True)
class ArithmeticProblem:
    """Generated word problem together with the operands behind it.

    Attributes:
        question: The word problem.
        template: Index of the sentence template that produced the question.
        left: First operand, and the dividend for division.
        right: Second operand, and the divisor for division.
        operation: One of ``"+"``, ``"-"``, ``"*"`` and ``"/"`` (exact division).
        answer: The value of ``left <operation> right``.
        wrong: A near miss or the result of a different operation. It is positive and differs
            from ``answer``.
    """

    question: str
    template: int
    left: int
    right: int
    operation: str
    answer: int
    wrong: int


# --- Seeded draws ---------------------------------------------------------------------------


def _randint(rng: random.Random, low: int, high: int) -> int:
    """Draw an integer in ``[low, high]`` from ``rng.random()`` alone.

    Python guarantees that ``random()`` repeats its sequence for a seed across versions, but gives
    no such guarantee for ``randint`` or ``choice`` (``random`` module docs, "Notes on
    Reproducibility"), so every draw here goes through ``random()``.
    """
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, options: Sequence[_T]) -> _T:
    """Pick one element of ``options``."""
    return options[_randint(rng, 0, len(options) - 1)]


def _ordered(rng: random.Random, first: str, second: str) -> tuple[str, str]:
    """Return the two options in a random order, so the correct one has no fixed position."""
    if rng.random() < 0.5:
        return first, second
    return second, first


def _draw_unique(
    rng: random.Random, templates: Sequence[Callable[[random.Random], _D]], count: int
) -> list[_D]:
    """Draw ``count`` drafts with distinct questions, cycling through ``templates`` in order.

    Raises:
        RuntimeError: If a template yields no unused question in ``_MAX_DRAWS`` draws.
    """
    drafts: list[_D] = []
    seen: set[str] = set()
    for index in range(count):
        template = templates[index % len(templates)]
        for _ in range(_MAX_DRAWS):
            draft = template(rng)
            if draft.question not in seen:
                break
        else:
            raise RuntimeError(
                f"template {index % len(templates)} yielded no unused question in {_MAX_DRAWS} "
                f"draws at item {index}. Lower the item count or widen the template's ranges."
            )
        seen.add(draft.question)
        drafts.append(draft)
    return drafts


# --- Arithmetic -----------------------------------------------------------------------------

_PEOPLE = (
    ("Maria", "she"),
    ("Tom", "he"),
    ("Aisha", "she"),
    ("Ben", "he"),
    ("Lena", "she"),
    ("Omar", "he"),
    ("Priya", "she"),
    ("Jack", "he"),
    ("Sofia", "she"),
    ("Daniel", "he"),
    ("Mei", "she"),
    ("Lucas", "he"),
    ("Grace", "she"),
    ("Noah", "he"),
    ("Elena", "she"),
    ("Kofi", "he"),
)

_NOUNS = (
    "apples",
    "pencils",
    "marbles",
    "stickers",
    "cookies",
    "books",
    "stamps",
    "shells",
    "cards",
    "balloons",
    "oranges",
    "crayons",
    "buttons",
    "candles",
)

# Format fields: name, pronoun, noun, left, right.
_ARITHMETIC_TEMPLATES = (
    (
        "+",
        "{name} has {left} {noun} and buys {right} more. How many {noun} does {pronoun} have now?",
    ),
    (
        "+",
        "{name} found {left} {noun} on Monday and {right} {noun} on Tuesday. "
        "How many {noun} did {pronoun} find in total?",
    ),
    (
        "+",
        "A red box holds {left} {noun} and a blue box holds {right} {noun}. "
        "How many {noun} are in the two boxes together?",
    ),
    (
        "-",
        "{name} had {left} {noun} and gave {right} of them to a friend. "
        "How many {noun} does {pronoun} have left?",
    ),
    (
        "-",
        "There were {left} {noun} on the table. {name} took {right} of them away. "
        "How many {noun} are still on the table?",
    ),
    (
        "-",
        "{name} needs {left} {noun} and already has {right}. "
        "How many more {noun} does {pronoun} need?",
    ),
    (
        "*",
        "{name} buys {left} packs of {noun} with {right} {noun} in each pack. "
        "How many {noun} does {pronoun} buy?",
    ),
    (
        "*",
        "A shelf has {left} rows of {noun} with {right} {noun} in each row. "
        "How many {noun} are on the shelf?",
    ),
    (
        "*",
        "{name} gets {right} new {noun} every day for {left} days. "
        "How many {noun} does {pronoun} get in all?",
    ),
    (
        "/",
        "{name} shares {left} {noun} equally among {right} friends. "
        "How many {noun} does each friend get?",
    ),
    ("/", "{name} packs {left} {noun} into bags of {right}. How many bags does {pronoun} fill?"),
    (
        "/",
        "A teacher splits {left} {noun} evenly into {right} boxes. "
        "How many {noun} go into each box?",
    ),
)


def apply_operation(operation: str, left: int, right: int) -> int:
    """Compute ``left <operation> right`` for the four arithmetic operations.

    Raises:
        ValueError: If ``operation`` is unknown or a division leaves a remainder.
    """
    if operation == "+":
        return left + right
    if operation == "-":
        return left - right
    if operation == "*":
        return left * right
    if operation == "/":
        if right == 0 or left % right:
            raise ValueError(f"{left} / {right} has no whole-number result")
        return left // right
    raise ValueError(f"unknown operation {operation!r}, expected one of '+', '-', '*', '/'")


def _draw_operands(rng: random.Random, operation: str) -> tuple[int, int]:
    """Draw small operands whose result is a positive whole number."""
    if operation == "+":
        return _randint(rng, 2, 20), _randint(rng, 2, 20)
    if operation == "-":
        left = _randint(rng, 6, 30)
        return left, _randint(rng, 1, left - 1)
    if operation == "*":
        return _randint(rng, 2, 9), _randint(rng, 2, 9)
    divisor = _randint(rng, 2, 9)
    return divisor * _randint(rng, 2, 9), divisor


def _wrong_operation_result(operation: str, left: int, right: int) -> int:
    """Return what a solver gets by applying a tempting wrong operation."""
    if operation == "+":
        return abs(left - right)
    if operation in ("-", "*"):
        return left + right
    return left - right


def _draw_wrong_answer(rng: random.Random, operation: str, left: int, right: int) -> int:
    """Draw a positive wrong answer: the wrong operation's result or a near miss."""
    answer = apply_operation(operation, left, right)
    if rng.random() < 1 / 3:
        candidate = _wrong_operation_result(operation, left, right)
        if candidate > 0 and candidate != answer:
            return candidate

    offset = _randint(rng, 1, 3)
    if answer - offset >= 1 and rng.random() < 0.5:
        return answer - offset
    return answer + offset


def _arithmetic_template(template: int) -> Callable[[random.Random], ArithmeticProblem]:
    """Wrap one sentence template as a problem drawer."""
    operation, text = _ARITHMETIC_TEMPLATES[template]

    def draw(rng: random.Random) -> ArithmeticProblem:
        name, pronoun = _choice(rng, _PEOPLE)
        noun = _choice(rng, _NOUNS)
        left, right = _draw_operands(rng, operation)
        question = text.format(name=name, pronoun=pronoun, noun=noun, left=left, right=right)
        return ArithmeticProblem(
            question=question,
            template=template,
            left=left,
            right=right,
            operation=operation,
            answer=apply_operation(operation, left, right),
            wrong=_draw_wrong_answer(rng, operation, left, right),
        )

    return draw


def generate_arithmetic_problems() -> list[ArithmeticProblem]:
    """Generate the arithmetic word problems with their operands, in item order."""
    templates = [_arithmetic_template(index) for index in range(len(_ARITHMETIC_TEMPLATES))]
    return _draw_unique(random.Random(ARITHMETIC_SEED), templates, ARITHMETIC_COUNT)


# --- Comparison -----------------------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
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
)

# (larger unit, smaller unit, smaller units per larger unit)
_TIME_UNITS = (
    ("hour", "minute", 60),
    ("minute", "second", 60),
    ("day", "hour", 24),
    ("week", "day", 7),
    ("year", "month", 12),
)
_DISTANCE_UNITS = (("kilometer", "meter", 1000), ("meter", "centimeter", 100))
_WEIGHT_UNITS = (("kilogram", "gram", 1000),)
# Ratios of the smaller-unit amount to the larger-unit amount. None is 1, so the amounts never tie.
_AMOUNT_RATIOS = (0.5, 0.75, 1.25, 1.5, 2.0)


def _quantity(count: int, unit: str) -> str:
    """Format a count with its unit, such as ``"1 hour"`` or ``"150 minutes"``."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _close_numbers(rng: random.Random) -> tuple[int, int]:
    """Draw two different numbers of similar size, so the comparison needs a look at digits."""
    low = _choice(rng, (10, 100, 1000))
    first = _randint(rng, low, 10 * low - 1)
    offset = _randint(rng, 1, max(3, first // 10))
    second = first - offset if rng.random() < 0.5 and first - offset >= low else first + offset
    return first, second


def _larger_number(rng: random.Random) -> _Draft:
    first, second = _close_numbers(rng)
    larger, smaller = str(max(first, second)), str(min(first, second))
    return _Draft(f"Which number is larger, {first} or {second}?", larger, smaller)


def _smaller_number(rng: random.Random) -> _Draft:
    first, second = _close_numbers(rng)
    larger, smaller = str(max(first, second)), str(min(first, second))
    return _Draft(f"Which number is smaller, {first} or {second}?", smaller, larger)


def _larger_decimal(rng: random.Random) -> _Draft:
    """Build a larger-decimal question from a one-digit and a two-digit decimal.

    The two-digit decimal looks larger because it has more digits, but it need not be.
    """
    tenths = f"0.{_randint(rng, 1, 9)}"
    hundredths = f"0.{_choice(rng, [value for value in range(11, 100) if value % 10])}"
    larger, smaller = sorted((tenths, hundredths), key=Decimal, reverse=True)
    first, second = _ordered(rng, tenths, hundredths)
    return _Draft(f"Which number is larger, {first} or {second}?", larger, smaller)


def _measure_pair(
    rng: random.Random, units: Sequence[tuple[str, str, int]]
) -> tuple[str, str, bool]:
    """Draw two amounts in different units and report whether the first is the bigger amount.

    Returns:
        The larger-unit amount as text, the smaller-unit amount as text, and whether the
        larger-unit amount is also the bigger quantity.
    """
    big_unit, small_unit, factor = _choice(rng, units)
    big_count = _randint(rng, 1, 4)
    small_count = round(big_count * factor * _choice(rng, _AMOUNT_RATIOS))
    big_text, small_text = _quantity(big_count, big_unit), _quantity(small_count, small_unit)
    return big_text, small_text, big_count * factor > small_count


def _measure_draft(
    rng: random.Random, units: Sequence[tuple[str, str, int]], question: str, want_bigger: bool
) -> _Draft:
    """Build a two-amount question whose answer is the bigger or the smaller amount."""
    big_text, small_text, big_wins = _measure_pair(rng, units)
    bigger, smaller = (big_text, small_text) if big_wins else (small_text, big_text)
    correct, wrong = (bigger, smaller) if want_bigger else (smaller, bigger)
    first, second = _ordered(rng, big_text, small_text)
    return _Draft(question.format(first=first, second=second), correct, wrong)


def _longer_duration(rng: random.Random) -> _Draft:
    return _measure_draft(rng, _TIME_UNITS, "Which is longer, {first} or {second}?", True)


def _shorter_duration(rng: random.Random) -> _Draft:
    return _measure_draft(rng, _TIME_UNITS, "Which is shorter, {first} or {second}?", False)


def _farther_distance(rng: random.Random) -> _Draft:
    question = "Which distance is greater, {first} or {second}?"
    return _measure_draft(rng, _DISTANCE_UNITS, question, True)


def _heavier_weight(rng: random.Random) -> _Draft:
    return _measure_draft(rng, _WEIGHT_UNITS, "Which is heavier, {first} or {second}?", True)


def _two_names(rng: random.Random) -> tuple[str, str]:
    """Draw two different first names."""
    first = _choice(rng, _PEOPLE)[0]
    second = _choice(rng, [name for name, _ in _PEOPLE if name != first])
    return first, second


def _two_values(rng: random.Random, low: int, high: int) -> tuple[int, int]:
    """Draw two different integers in ``[low, high]``."""
    first = _randint(rng, low, high)
    second = _choice(rng, [value for value in range(low, high + 1) if value != first])
    return first, second


def _age_draft(rng: random.Random, want_older: bool) -> _Draft:
    """Build a question that names two ages and asks who is older or younger."""
    first_name, second_name = _two_names(rng)
    first_age, second_age = _two_values(rng, 5, 80)
    first_is_older = first_age > second_age
    older, younger = (first_name, second_name) if first_is_older else (second_name, first_name)
    word = "older" if want_older else "younger"
    question = (
        f"{first_name} is {first_age} years old and {second_name} is {second_age} years old. "
        f"Who is {word}?"
    )
    return _Draft(question, *((older, younger) if want_older else (younger, older)))


def _older_by_age(rng: random.Random) -> _Draft:
    return _age_draft(rng, want_older=True)


def _younger_by_age(rng: random.Random) -> _Draft:
    return _age_draft(rng, want_older=False)


def _older_by_birth_year(rng: random.Random) -> _Draft:
    """Ask who is older from birth years, where the earlier year wins."""
    first_name, second_name = _two_names(rng)
    first_year, second_year = _two_values(rng, 1950, 2015)
    older, younger = (
        (first_name, second_name) if first_year < second_year else (second_name, first_name)
    )
    question = (
        f"{first_name} was born in {first_year} and {second_name} was born in {second_year}. "
        "Who is older?"
    )
    return _Draft(question, older, younger)


def _calendar_draft(
    rng: random.Random, names: Sequence[str], question: str, want_earlier: bool
) -> _Draft:
    """Build a question that asks which of two calendar names comes earlier or later."""
    first_index, second_index = _two_values(rng, 0, len(names) - 1)
    earlier = names[min(first_index, second_index)]
    later = names[max(first_index, second_index)]
    correct, wrong = (earlier, later) if want_earlier else (later, earlier)
    return _Draft(
        question.format(first=names[first_index], second=names[second_index]), correct, wrong
    )


def _earlier_weekday(rng: random.Random) -> _Draft:
    # Sunday is left out because calendars disagree on whether it starts or ends the week.
    question = "Which day comes earlier in the week, {first} or {second}?"
    return _calendar_draft(rng, _WEEKDAYS[:6], question, want_earlier=True)


def _earlier_month(rng: random.Random) -> _Draft:
    question = "Which month comes earlier in the year, {first} or {second}?"
    return _calendar_draft(rng, _MONTHS, question, want_earlier=True)


def _later_month(rng: random.Random) -> _Draft:
    question = "Which month comes later in the year, {first} or {second}?"
    return _calendar_draft(rng, _MONTHS, question, want_earlier=False)


_COMPARISON_TEMPLATES = (
    _larger_number,
    _smaller_number,
    _larger_decimal,
    _longer_duration,
    _shorter_duration,
    _farther_distance,
    _heavier_weight,
    _older_by_age,
    _younger_by_age,
    _older_by_birth_year,
    _earlier_weekday,
    _earlier_month,
    _later_month,
)


# --- Sequence -------------------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _near_miss(rng: random.Random, value: int, low: int = 0) -> int:
    """Return ``value`` moved by 1 or 2, staying at or above ``low``."""
    offset = _randint(rng, 1, 2)
    if value - offset >= low and rng.random() < 0.5:
        return value - offset
    return value + offset


def _number_sequence_draft(terms: Sequence[int], correct: int, wrong: int) -> _Draft:
    listed = ", ".join(str(term) for term in terms)
    question = f"What number comes next in the sequence {listed}?"
    return _Draft(question, str(correct), str(wrong))


def _rising_sequence(rng: random.Random) -> _Draft:
    start, step = _randint(rng, 1, 20), _randint(rng, 2, 9)
    terms = [start + step * position for position in range(4)]
    following = start + step * 4
    return _number_sequence_draft(terms, following, _near_miss(rng, following))


def _falling_sequence(rng: random.Random) -> _Draft:
    following, step = _randint(rng, 1, 20), _randint(rng, 2, 9)
    terms = [following + step * position for position in range(4, 0, -1)]
    return _number_sequence_draft(terms, following, _near_miss(rng, following))


def _growing_sequence(rng: random.Random) -> _Draft:
    """Build a doubling or tripling sequence whose wrong answer keeps the last difference."""
    start, ratio = _randint(rng, 1, 12), _randint(rng, 2, 3)
    terms = [start * ratio**position for position in range(4)]
    following = terms[-1] * ratio
    return _number_sequence_draft(terms, following, terms[-1] + (terms[-1] - terms[-2]))


def _letter_sequence(rng: random.Random) -> _Draft:
    step = _randint(rng, 1, 3)
    start = _randint(rng, 0, len(_LETTERS) - 1 - 5 * step)
    terms = [_LETTERS[start + step * position] for position in range(4)]
    following = start + step * 4
    # With a step of 1 the letter before the answer is the last term shown, so go one past it.
    wrong = following + 1 if step == 1 or rng.random() < 0.5 else following - 1
    question = f"What letter comes next in the sequence {', '.join(terms)}?"
    return _Draft(question, _LETTERS[following], _LETTERS[wrong])


def _calendar_step(
    rng: random.Random, names: Sequence[str], start: int, steps: int
) -> tuple[str, str]:
    """Return the name ``steps`` places after ``start``, wrapping around, and a neighbor of it."""
    target = (start + steps) % len(names)
    neighbor = (target + _choice(rng, (-1, 1))) % len(names)
    return names[target], names[neighbor]


def _weekday_after(rng: random.Random) -> _Draft:
    start, days = _randint(rng, 0, 6), _randint(rng, 2, 6)
    correct, wrong = _calendar_step(rng, _WEEKDAYS, start, days)
    question = f"If today is {_WEEKDAYS[start]}, what day will it be in {days} days?"
    return _Draft(question, correct, wrong)


def _weekday_before(rng: random.Random) -> _Draft:
    start, days = _randint(rng, 0, 6), _randint(rng, 2, 6)
    correct, wrong = _calendar_step(rng, _WEEKDAYS, start, -days)
    question = f"If today is {_WEEKDAYS[start]}, what day was it {days} days ago?"
    return _Draft(question, correct, wrong)


def _month_after(rng: random.Random) -> _Draft:
    start, months = _randint(rng, 0, 11), _randint(rng, 2, 11)
    correct, wrong = _calendar_step(rng, _MONTHS, start, months)
    question = f"If it is {_MONTHS[start]} now, what month will it be in {months} months?"
    return _Draft(question, correct, wrong)


def _month_before(rng: random.Random) -> _Draft:
    start, months = _randint(rng, 0, 11), _randint(rng, 2, 11)
    correct, wrong = _calendar_step(rng, _MONTHS, start, -months)
    question = f"If it is {_MONTHS[start]} now, what month was it {months} months ago?"
    return _Draft(question, correct, wrong)


_SEQUENCE_TEMPLATES = (
    _rising_sequence,
    _falling_sequence,
    _growing_sequence,
    _letter_sequence,
    _weekday_after,
    _weekday_before,
    _month_after,
    _month_before,
)


# --- Commonsense ----------------------------------------------------------------------------

# (question, correct, wrong)
_PHYSICAL_WORLD = (
    ("What happens to an ice cube left in a warm room?", "it melts", "it grows"),
    ("What usually happens to a glass dropped onto a stone floor?", "it breaks", "it bounces"),
    ("What does a heavy stone do when it is dropped into a pond?", "it sinks", "it floats"),
    ("Which is easier to lift, a feather or a brick?", "a feather", "a brick"),
    ("What does water turn into when it boils?", "steam", "ice"),
    ("What does water turn into when it freezes?", "ice", "steam"),
    ("Where does a ball thrown straight up go after it stops rising?", "back down", "higher up"),
    ("What happens to a balloon when you poke it with a pin?", "it pops", "it inflates"),
    ("What happens to chocolate left in a hot car?", "it melts", "it freezes"),
    (
        "Which weighs more, a bucket of sand or an empty bucket?",
        "the bucket of sand",
        "the empty bucket",
    ),
    ("What happens to a puddle on a hot, sunny afternoon?", "it dries up", "it grows deeper"),
    ("What does a candle flame need to keep burning?", "air", "water"),
    ("What happens to bread left in a toaster for too long?", "it burns", "it softens"),
    ("When the sun is in front of you, where does your shadow fall?", "behind you", "ahead of you"),
    ("What does a stretched rubber band do when you let go?", "it snaps back", "it stays long"),
    ("What does a dry sponge do when it touches spilled water?", "soaks it up", "pushes it away"),
    (
        "Which melts first in the sun, a snowman or a stone statue?",
        "the snowman",
        "the stone statue",
    ),
    ("What is a room like at night with every light turned off?", "dark", "bright"),
    ("What happens to a houseplant that gets no water for weeks?", "it wilts", "it blooms"),
    ("What happens to a metal spoon left standing in hot soup?", "it gets hot", "it gets cold"),
    ("Which rolls more easily down a hill, a ball or a box?", "a ball", "a box"),
    ("What happens to wet clothes hung on a line in the sun?", "they dry", "they get wetter"),
    ("What happens to a pot of water left on a hot stove?", "it boils", "it freezes"),
    ("Which floats on water, a cork or a coin?", "a cork", "a coin"),
)

_SOCIAL = (
    ("What do people usually say when someone gives them a gift?", "thank you", "go away"),
    ("How might someone feel if all their friends forget their birthday?", "sad", "delighted"),
    ("What should you do after you accidentally bump into someone?", "apologize", "laugh"),
    ("What is a kind thing to do when a friend is crying?", "comfort them", "tease them"),
    ("What should you do before entering someone's closed office?", "knock", "shout"),
    ("How do people usually feel after winning a prize?", "happy", "ashamed"),
    ("What do people often say first when they answer the phone?", "hello", "goodbye"),
    ("How should your phone be set during a movie in a theater?", "on silent", "on loud"),
    ("What do people usually do when they hear a funny joke?", "laugh", "frown"),
    ("What should you say when someone holds a door open for you?", "thank you", "hurry up"),
    ("How should you speak in a library?", "quietly", "loudly"),
    ("What should you do with a borrowed book after you finish it?", "return it", "sell it"),
    ("What do guests often bring to a friend's birthday party?", "a present", "a bill"),
    ("What do many people say when someone near them sneezes?", "bless you", "well done"),
    ("What is polite to do while someone is speaking to you?", "listen", "interrupt"),
    ("What should you do while waiting in line at a shop?", "wait your turn", "push ahead"),
    ("How do most people show agreement with a movement of the head?", "they nod", "they shrug"),
    ("What do fans usually do when their team scores a goal?", "cheer", "boo"),
    ("How do students ask to speak in a classroom?", "raise a hand", "close their eyes"),
    ("What do people usually do when they meet a new colleague?", "shake hands", "turn away"),
    ("How does a host usually greet guests at the door?", "warmly", "rudely"),
    ("What should you do if you break something you borrowed?", "own up", "hide it"),
    ("How might a child feel when a new puppy arrives at home?", "excited", "bored"),
    ("What do people usually do at the end of a good concert?", "applaud", "boo"),
)

_TIME = (
    ("At what time of day does the sun rise?", "in the morning", "in the evening"),
    ("When do most people sleep?", "at night", "at noon"),
    ("How many days are there in a week?", "seven", "ten"),
    ("How many hours are there in a day?", "24", "12"),
    ("How many months are there in a year?", "12", "10"),
    ("Which meal do people usually eat in the evening?", "dinner", "breakfast"),
    ("Which meal do people usually eat in the morning?", "breakfast", "supper"),
    ("Which season comes after winter?", "spring", "autumn"),
    ("How often does a person's birthday come around?", "once a year", "once a week"),
    ("When are the stars easiest to see?", "on a clear night", "at bright midday"),
    ("What does a clock measure?", "time", "weight"),
    ("About how long does it take to boil an egg?", "ten minutes", "ten hours"),
    ("How long does a typical adult sleep each night?", "about eight hours", "about eight minutes"),
    ("How long does a typical feature film last?", "about two hours", "about two weeks"),
    ("How long should you brush your teeth?", "two minutes", "two hours"),
    ("How long does it take an oak tree to grow tall?", "many years", "a few days"),
    ("In which season do many trees drop their leaves?", "autumn", "spring"),
    ("What is 12 o'clock in the middle of the night called?", "midnight", "noon"),
    ("When do people usually wear pajamas?", "at bedtime", "at work"),
    ("Which day comes right after Friday?", "Saturday", "Thursday"),
    ("What is the first month of the year?", "January", "December"),
    ("How many minutes are there in an hour?", "60", "100"),
    ("How long does a fresh loaf of bread stay soft?", "a few days", "a few years"),
    ("How long does a human pregnancy usually last?", "about nine months", "about nine weeks"),
)

_TOOLS = (
    ("What do you use to drive a nail into wood?", "a hammer", "a paintbrush"),
    ("What do you use to cut a sheet of paper?", "scissors", "chopsticks"),
    ("What do you use to tighten a screw?", "a screwdriver", "a whisk"),
    ("What do you use to write on a whiteboard?", "a marker", "a fork"),
    ("What do you use to unlock a front door?", "a key", "a coin"),
    ("What do you use to measure the length of a table?", "a tape measure", "a thermometer"),
    ("What tool tells you how hot or cold the air is?", "a thermometer", "a ruler"),
    ("What do you use to sweep a kitchen floor?", "a broom", "a ladle"),
    ("What do you use to dig a hole in the garden?", "a shovel", "a comb"),
    ("What do you carry to see your way in the dark?", "a flashlight", "sunglasses"),
    ("What do you use to stay dry when it rains?", "an umbrella", "a fan"),
    ("What do you use to boil water for tea?", "a kettle", "a toaster"),
    ("What do you use to clean your teeth?", "a toothbrush", "a hairbrush"),
    ("What do you use to take a photograph?", "a camera", "a microphone"),
    ("What do you climb to reach a high shelf?", "a ladder", "a pillow"),
    ("What do you use to stick two sheets of paper together?", "glue", "water"),
    ("What do you use to eat soup?", "a spoon", "a fork"),
    ("What do you use to cut a steak?", "a knife", "a straw"),
    ("What do you use to weigh flour for a cake?", "a kitchen scale", "a wall clock"),
    ("What do you use to find which way is north?", "a compass", "a calculator"),
    ("What do you use to smooth wrinkles out of a shirt?", "an iron", "a blender"),
    ("What do you use to open a can of beans?", "a can opener", "a toothpick"),
    ("What do you use to put air into a bicycle tire?", "a pump", "a funnel"),
    ("What do you use to untangle your hair?", "a comb", "a spatula"),
)

_WEATHER = (
    ("What should you take outside when dark rain clouds fill the sky?", "an umbrella", "a kite"),
    ("What should you wear on a freezing winter day?", "a warm coat", "a swimsuit"),
    ("What usually follows a flash of lightning?", "thunder", "snow"),
    ("What happens to snow when the sun warms it?", "it melts", "it hardens"),
    ("What can appear in the sky when sunlight shines through rain?", "a rainbow", "a comet"),
    ("What is the weather like in a desert on most days?", "hot and dry", "cold and wet"),
    ("What do trees do in a strong wind?", "they sway", "they shrink"),
    ("What can cover the grass on a cold, clear morning?", "frost", "sand"),
    ("What do you need to build a snowman?", "snow", "sand"),
    ("What protects your skin on a very sunny day?", "sunscreen", "perfume"),
    ("What is fog made of?", "tiny water droplets", "tiny sand grains"),
    ("What is the sky usually like on a rainy day?", "gray and cloudy", "clear and blue"),
    ("Which season is usually the hottest?", "summer", "winter"),
    ("Where is it safest to be during a thunderstorm?", "indoors", "under a tree"),
    ("What do people use to clear snow from a driveway?", "a snow shovel", "a garden hose"),
    (
        "What can a strong gust of wind do to an open umbrella?",
        "turn it inside out",
        "make it heavier",
    ),
    ("What does a road look like after heavy rain?", "wet", "dusty"),
    ("At what temperature does water freeze on the Celsius scale?", "0 degrees", "50 degrees"),
    ("Why do people wear sunglasses on bright days?", "to shade their eyes", "to stay warm"),
    ("What are hailstones made of?", "ice", "glass"),
    ("What does a weather forecast tell you about?", "coming weather", "coming news"),
    ("What do people wear on their hands on a snowy day?", "gloves", "sandals"),
    ("What happens to a puddle on a night well below freezing?", "it freezes", "it boils"),
    ("Which season usually brings the most snow?", "winter", "summer"),
)

_FOOD = (
    ("What is the first meal of the day called?", "breakfast", "dinner"),
    ("Which fruit is long, yellow and curved?", "a banana", "a cherry"),
    ("What do you do to dry pasta to make it soft enough to eat?", "boil it", "freeze it"),
    ("Where should you keep a carton of fresh milk?", "in the fridge", "by the oven"),
    ("What sweet food do bees make?", "honey", "butter"),
    ("What do dairy cows produce that people drink?", "milk", "juice"),
    ("Which tastes sweet, sugar or salt?", "sugar", "salt"),
    ("How does a lemon taste?", "sour", "sweet"),
    ("What is most bread made from?", "flour", "cheese"),
    ("What should you do to fresh fruit before eating it?", "wash it", "bury it"),
    ("What happens to bread that is left out for many days?", "it goes stale", "it gets fresher"),
    ("Which vegetable is orange and crunchy?", "a carrot", "an onion"),
    ("What food do we get from chickens?", "eggs", "cheese"),
    ("What is popcorn made from?", "corn kernels", "rice grains"),
    ("What do people often spread on toast?", "butter", "soap"),
    ("What happens to a cut apple left out in the air?", "it turns brown", "it turns blue"),
    ("What should you do before eating a banana?", "peel it", "boil it"),
    ("What is a common pizza topping?", "cheese", "sawdust"),
    ("Where do you bake a cake?", "in an oven", "in a freezer"),
    ("What is the main ingredient of guacamole?", "avocado", "banana"),
    ("What do people usually eat soup from?", "a bowl", "a sieve"),
    ("What do you add to tea to make it sweeter?", "honey", "vinegar"),
    ("What should you do to raw chicken before eating it?", "cook it", "chill it"),
    ("Which drink is made from squeezed oranges?", "orange juice", "apple juice"),
)

_ANIMALS = (
    ("What sound does a dog make?", "a bark", "a moo"),
    ("Which animal gives us wool?", "a sheep", "a pig"),
    ("Where do fish live?", "in water", "in trees"),
    ("What do birds use to fly?", "wings", "fins"),
    ("Which animal carries its shell on its back?", "a snail", "a rabbit"),
    ("What do cows mostly eat?", "grass", "meat"),
    ("Which is bigger, an elephant or a mouse?", "an elephant", "a mouse"),
    ("What do caterpillars turn into?", "butterflies", "spiders"),
    ("What do many bears do through the winter?", "sleep in dens", "fly south"),
    ("Which animal uses its long neck to reach high leaves?", "a giraffe", "a hippo"),
    ("What do spiders spin to catch insects?", "webs", "nests"),
    ("Which animal hops and carries its baby in a pouch?", "a kangaroo", "a penguin"),
    ("What are baby frogs called?", "tadpoles", "cubs"),
    ("What is a baby cat called?", "a kitten", "a puppy"),
    ("What is a baby dog called?", "a puppy", "a calf"),
    ("Which animal can change its skin color to blend in?", "a chameleon", "a hamster"),
    ("What do squirrels store for the winter?", "nuts", "pebbles"),
    ("Where do honeybees live?", "in a hive", "in a burrow"),
    ("Which bird cannot fly but swims very well?", "a penguin", "a parrot"),
    ("What sound does a contented cat make?", "a purr", "a bark"),
    ("Which animal has black and white stripes?", "a zebra", "a lion"),
    ("What do fish use to breathe underwater?", "gills", "lungs"),
    ("What covers a bird's body?", "feathers", "scales"),
    ("What is the largest animal on Earth?", "the blue whale", "the elephant"),
)

_COMMONSENSE = _PHYSICAL_WORLD + _SOCIAL + _TIME + _TOOLS + _WEATHER + _FOOD + _ANIMALS


# --- Assembly -------------------------------------------------------------------------------


def _family_drafts() -> dict[str, list[_Draft]]:
    """Build the drafts of every family, keyed by category in :data:`CATEGORIES` order."""
    arithmetic = [
        _Draft(problem.question, str(problem.answer), str(problem.wrong))
        for problem in generate_arithmetic_problems()
    ]
    comparison_rng = random.Random(COMPARISON_SEED)
    sequence_rng = random.Random(SEQUENCE_SEED)
    return {
        "arithmetic": arithmetic,
        "comparison": _draw_unique(comparison_rng, _COMPARISON_TEMPLATES, COMPARISON_COUNT),
        "commonsense": [_Draft(*row) for row in _COMMONSENSE],
        "sequence": _draw_unique(sequence_rng, _SEQUENCE_TEMPLATES, SEQUENCE_COUNT),
    }


def load_reasoning_items() -> list[ReasoningItem]:
    """Build all reasoning items, family by family in :data:`CATEGORIES` order.

    Raises:
        ValueError: If two items share a question.
    """
    items: list[ReasoningItem] = []
    seen: dict[str, str] = {}
    for category, drafts in _family_drafts().items():
        for index, draft in enumerate(drafts):
            item_id = f"reasoning/{category}-{index:04d}"
            if draft.question in seen:
                raise ValueError(
                    f"{item_id} repeats the question of {seen[draft.question]}: {draft.question!r}"
                )
            seen[draft.question] = item_id
            items.append(
                ReasoningItem(
                    id=item_id,
                    question=draft.question,
                    correct=draft.correct,
                    wrong=draft.wrong,
                    category=category,
                    source=SOURCE,
                )
            )
    return items
