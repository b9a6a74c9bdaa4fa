"""One round of the quiz and its session section, kept small and validated on every read.

The section "quiz" in the session state:
  while a round runs   {"v": 1, "q": [question keys], "n": current index, "r": [result codes],
                        "o": [option keys of the current question], "f": [focus principle ids]}
  after a round        {"v": 1, "f": [principle ids to look at again]}
Only keys and indexes, never text. Anything else (another version, an unknown key, a question the
bank no longer has, options that do not fit the question) reads as "bad": the handler says so kindly
and offers a new round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple

from skill.quiz import ACTIVE, BAD, DONT_KNOW, ENDED, NONE, RESULTS, RIGHT, SECTION, SKIPPED, WRONG  # noqa: F401
from skill.quiz.bank import CHOICES, PHRASE, TRUTH, Bank, Question

# SECTION, the results (WRONG, RIGHT, DONT_KNOW, SKIPPED) and read_section's statuses (NONE, ACTIVE,
# ENDED, BAD) are defined in skill.quiz, which the handlers import at start-up without this module.
SECTION_VERSION = 1
MAX_QUESTIONS = 10


@dataclass
class Round:
    questions: List[str]
    index: int = 0
    results: List[int] = field(default_factory=list)
    options: List[str] = field(default_factory=list)
    focus: List[str] = field(default_factory=list)

    # reading ---------------------------------------------------------------------------------
    def current(self, bank: Bank) -> Question:
        return bank.get(self.questions[self.index])  # type: ignore[return-value]

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    @property
    def is_last(self) -> bool:
        return self.index == len(self.questions) - 1

    @property
    def right(self) -> int:
        return self.results.count(RIGHT)

    @property
    def answered(self) -> int:
        return len(self.results)

    def to_look_at(self, bank: Bank) -> List[str]:
        """Principle ids of the questions not answered right, in order, once each."""
        out: List[str] = []
        for key, result in zip(self.questions, self.results):
            principle = bank.get(key).principle  # type: ignore[union-attr]
            if result != RIGHT and principle not in out:
                out.append(principle)
        return out

    # changing --------------------------------------------------------------------------------
    def record(self, result: int, bank: Bank, rng) -> None:
        """Note the result of the current question and move on (new options for the next one)."""
        self.results.append(result)
        self.index += 1
        self.options = [] if self.finished else make_options(bank, self.current(bank), rng)

    def to_section(self) -> dict:
        section = {
            "v": SECTION_VERSION,
            "q": list(self.questions),
            "n": self.index,
            "r": list(self.results),
            "o": list(self.options),
        }
        if self.focus:
            section["f"] = list(self.focus)
        return section


def ended_section(look_at: Sequence[str]) -> dict:
    return {"v": SECTION_VERSION, "f": list(look_at)}


# a new round -----------------------------------------------------------------------------------


def new_round(bank: Bank, rng, focus: Sequence[str] = (), focus_limit: Optional[int] = None) -> Tuple[Round, int]:
    """A round of bank.round_size questions; with focus, questions on those principles first
    (at most focus_limit of them, when given).

    Returns the round and how many of its questions are on the focus principles.
    """
    focus = [p for p in focus if bank.content.get(p) is not None]
    size = bank.round_size
    chosen: List[Question] = []
    if focus:
        chosen = _varied(
            [q for q in bank.questions if q.principle in focus],
            rng,
            size if focus_limit is None else min(size, focus_limit),
            chosen,
        )
    on_focus = len(chosen)
    chosen += _varied([q for q in bank.questions if q.principle not in focus], rng, size - len(chosen), chosen)
    rng.shuffle(chosen)
    game = Round([q.key for q in chosen], focus=list(focus))
    game.options = make_options(bank, chosen[0], rng)
    return game, on_focus


def _varied(pool: List[Question], rng, count: int, already: List[Question]) -> List[Question]:
    """count questions from pool, taking the kinds in turn, other principles and texts first."""
    if count <= 0:
        return []
    by_kind = {}
    for question in pool:
        by_kind.setdefault(question.kind, []).append(question)
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    # A random order per kind, sorted by random keys: the same as shuffling, several times faster than
    # random.shuffle's pure-Python loop (this runs at every quiz start, on the whole bank).
    # Only the first few of each kind can ever be needed (round-robin over kinds, some skipped as too
    # alike): keep 4 x count per kind, a uniform random choice, so the interleaving stays short.
    for kind in kinds:
        by_kind[kind].sort(key=lambda _question: rng.getrandbits(32))
        del by_kind[kind][4 * count :]
    order: List[Question] = []
    while any(by_kind.values()):
        for kind in kinds:
            if by_kind[kind]:
                order.append(by_kind[kind].pop())
    out: List[Question] = []
    keys = {q.key for q in already}
    texts = {q.text for q in already}
    principles = {q.principle for q in already}
    for strict in (True, False):
        for question in order:
            if len(out) == count:
                return out
            if question.key in keys or question.text in texts:
                continue
            if strict and question.principle in principles:
                continue
            out.append(question)
            keys.add(question.key)
            texts.add(question.text)
            principles.add(question.principle)
    return out


def make_options(bank: Bank, question: Question, rng) -> List[str]:
    if question.kind == TRUTH:
        return []
    options = [question.answer] + rng.sample(bank.distractor_pool(question), CHOICES - 1)
    rng.shuffle(options)
    return options


# answers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the user said: a letter (0, 1, 2), a principle id, or a truth ("waar" / "niet_waar")."""

    letter: Optional[int] = None
    principle: Optional[str] = None
    truth: Optional[str] = None


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "right", "wrong", "unmatched" (fits no option), "not_option"
    chosen: Optional[str] = None


def judge(bank: Bank, game: Round, answer: Answer) -> Verdict:
    question = game.current(bank)
    chosen: Optional[str] = None
    if question.kind == TRUTH:
        chosen = answer.truth
    elif answer.letter is not None and 0 <= answer.letter < len(game.options):
        chosen = game.options[answer.letter]
    elif answer.principle is not None and question.kind == PHRASE:
        if answer.principle not in game.options:
            return Verdict("not_option", answer.principle)
        chosen = answer.principle
    if chosen is None:
        return Verdict("unmatched")
    return Verdict("right" if chosen == question.answer else "wrong", chosen)


# the section, validated --------------------------------------------------------------------------


def read_section(raw: Any, bank: Bank) -> Tuple[str, Optional[Round]]:
    """(status, round): NONE (no section), ACTIVE (a round runs), ENDED (round has focus = the
    principles to look at again), BAD (malformed, tampered or stale)."""
    if raw is None:
        return NONE, None
    try:
        return _read(raw, bank)
    except (TypeError, ValueError, KeyError, AttributeError):
        return BAD, None


def _ids(value: Any, bank: Bank) -> Optional[List[str]]:
    if not isinstance(value, list) or len(value) > len(bank.content.principles):
        return None
    if len(set(map(str, value))) != len(value) or not all(bank.content.get(p) for p in value):
        return None
    return list(value)


def _read(raw: Any, bank: Bank) -> Tuple[str, Optional[Round]]:
    if not isinstance(raw, dict) or raw.get("v") != SECTION_VERSION:
        return BAD, None
    focus = _ids(raw.get("f", []), bank)
    if focus is None:
        return BAD, None
    if "q" not in raw:
        if set(raw) - {"v", "f"}:
            return BAD, None
        return ENDED, Round([], focus=focus)
    if set(raw) - {"v", "q", "n", "r", "o", "f"}:
        return BAD, None
    keys, index, results, options = raw["q"], raw.get("n"), raw.get("r"), raw.get("o", [])
    if not isinstance(keys, list) or not 1 <= len(keys) <= MAX_QUESTIONS or len(set(map(str, keys))) != len(keys):
        return BAD, None
    if not all(bank.get(key) for key in keys):
        return BAD, None
    if type(index) is not int or not 0 <= index < len(keys):
        return BAD, None
    if (
        not isinstance(results, list)
        or len(results) != index
        or not all(type(r) is int and r in RESULTS for r in results)
    ):
        return BAD, None
    question = bank.get(keys[index])
    if not isinstance(options, list):
        return BAD, None
    if question.choice:
        if (
            len(options) != CHOICES
            or len(set(map(str, options))) != CHOICES
            or question.answer not in options
            or not all(bank.valid_option(question, o) for o in options)
        ):
            return BAD, None
    elif options:
        return BAD, None
    return ACTIVE, Round(list(keys), index, list(results), list(options), focus)
