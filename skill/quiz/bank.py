"""The question bank: generated from the content, plus hand-written data (skill/data/quiz.json).

Three kinds of question, each with a stable key (kept in the session, never the text):
  phrase  "z:<principle id>:<n>"  Which principle does example phrase n of this principle belong to?
                                  Options: principle ids.
  open    "o:<n>"                 Which of these is an open question? n indexes the open questions
                                  among the example phrases of the open-question principle.
                                  Options: "o:<n>" (the right one) and "d:<m>" (closed questions).
  truth   "w:<statement id>"      True or false? The hand-written statements.

A new example phrase in principles.json makes a new phrase question (and, for the open-question
principle, a new open question) without touching this code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Tuple

from skill import datafiles
from skill.errors import DataError
from skill.content import Content, Principle, load_content
from skill.quiz import CHOICES, OPEN, PHRASE, TRUTH  # noqa: F401  (kinds, options per question: skill.quiz)


class QuizDataError(DataError):
    """skill/data/quiz.json is malformed or does not fit the content; the message names the place."""


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # PHRASE, OPEN or TRUTH
    principle: str  # the principle it is about (for "look at this again")
    text: str  # the phrase or statement read out
    answer: str  # the right option key; for TRUTH "waar" or "niet_waar"
    why: str  # one sentence from the content that explains the answer

    @property
    def choice(self) -> bool:
        return self.kind != TRUTH


@dataclass(frozen=True)
class Bank:
    content: Content
    questions: Tuple[Question, ...]
    letters: Tuple[str, ...]
    round_size: int
    closed: Tuple[str, ...]
    open_texts: Tuple[str, ...]
    confusable: FrozenSet[FrozenSet[str]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {q.key: q for q in self.questions})

    def get(self, key) -> Optional[Question]:
        return self._by_key.get(key) if isinstance(key, str) else None  # type: ignore[attr-defined]

    def option_text(self, key: str) -> Optional[str]:
        """What an option says: a principle's name, an open question or a closed question."""
        principle = self.content.get(key)
        if principle is not None:
            return principle.name
        kind, _, index = key.partition(":")
        texts = {"o": self.open_texts, "d": self.closed}.get(kind)
        if texts is None or not index.isdigit() or int(index) >= len(texts):
            return None
        return texts[int(index)]

    def valid_option(self, question: Question, key) -> bool:
        if not isinstance(key, str):
            return False
        if question.kind == PHRASE:
            return self.content.get(key) is not None
        if question.kind == OPEN:
            return key == question.answer or (key.startswith("d:") and self.option_text(key) is not None)
        return False

    def distractor_pool(self, question: Question) -> List[str]:
        """Wrong options that cannot be mistaken for right ones."""
        if question.kind == OPEN:
            return [f"d:{i}" for i in range(len(self.closed))]
        if question.kind == PHRASE:
            pool = [
                p.id
                for p in self.content
                if p.id != question.principle
                and frozenset((p.id, question.principle)) not in self.confusable
                and question.text not in p.examples
            ]
            if len(pool) < CHOICES - 1:  # the data excludes too much: fall back to any other one
                pool = [p.id for p in self.content if p.id != question.principle]
            return pool
        return []


def first_sentence(text: str) -> str:
    match = re.match(r"^(.+?[.?!])\s", text)
    return match.group(1) if match else text


def _why(principle: Principle, advice: Optional[int]) -> str:
    if advice is not None:
        return principle.advice[advice].text
    return first_sentence(principle.summary)


def _advice_of(principle: Principle, phrase: str) -> Optional[int]:
    for i, item in enumerate(principle.advice):
        if phrase in item.examples:
            return i
    return None


def build_bank(content: Content, data, origin: str = "quiz.json") -> Bank:
    """The whole bank; raises QuizDataError when the data is malformed or names unknown things."""

    def fail(where: str, problem: str):
        raise QuizDataError(f"{origin}.{where}: {problem}")

    if not isinstance(data, dict) or data.get("version") != 1:
        fail("version", "must be 1")
    letters = data.get("letters")
    if not (isinstance(letters, list) and len(letters) == CHOICES and all(isinstance(x, str) and x for x in letters)):
        fail("letters", f"must be {CHOICES} labels")
    size = data.get("round_size")
    if type(size) is not int or not 1 <= size <= 10:
        fail("round_size", "must be a whole number from 1 to 10")
    open_principle = content.get(data.get("open_question_principle"))
    if open_principle is None:
        fail("open_question_principle", "must be a principle id")
    phrase_data = data.get("phrase_questions") or {}
    exclude = phrase_data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        fail("phrase_questions.exclude", "must be a list of phrases")
    pairs = phrase_data.get("confusable", [])
    confusable = set()
    for i, pair in enumerate(pairs if isinstance(pairs, list) else [None]):
        if not (isinstance(pair, list) and len(pair) == 2 and all(content.get(p) for p in pair)):
            fail(f"phrase_questions.confusable[{i}]", "must be two principle ids")
        confusable.add(frozenset(pair))
    closed = data.get("closed_questions")
    if not (
        isinstance(closed, list)
        and len(closed) >= CHOICES - 1
        and all(isinstance(x, str) and x.strip() == x and x.endswith("?") for x in closed)
    ):
        fail("closed_questions", f"must be at least {CHOICES - 1} questions, each ending in '?'")

    questions: List[Question] = []
    for principle in content:
        for n, phrase in enumerate(principle.examples):
            if phrase in exclude:
                continue
            questions.append(
                Question(
                    f"z:{principle.id}:{n}",
                    PHRASE,
                    principle.id,
                    phrase,
                    principle.id,
                    _why(principle, _advice_of(principle, phrase)),
                )
            )
    open_texts = tuple(p for p in open_principle.examples if p.endswith("?"))
    for n, phrase in enumerate(open_texts):
        questions.append(
            Question(f"o:{n}", OPEN, open_principle.id, phrase, f"o:{n}", first_sentence(open_principle.summary))
        )
    statements = data.get("statements")
    if not isinstance(statements, list) or not statements:
        fail("statements", "must be a non-empty list")
    seen = set()
    for i, item in enumerate(statements):
        where = f"statements[{i}]"
        if not isinstance(item, dict):
            fail(where, "must be an object")
        sid, text, truth = item.get("id"), item.get("text"), item.get("true")
        if not (isinstance(sid, str) and sid.replace("_", "").isalnum() and sid.islower()) or sid in seen:
            fail(f"{where}.id", "must be a unique lower-case id")
        seen.add(sid)
        if not (isinstance(text, str) and text.strip() == text and text.endswith(".")):
            fail(f"{where}.text", "must be a sentence ending in '.'")
        if type(truth) is not bool:
            fail(f"{where}.true", "must be true or false")
        principle = content.get(item.get("principle"))
        if principle is None:
            fail(f"{where}.principle", "must be a principle id")
        advice = item.get("advice")
        if advice is not None and (type(advice) is not int or not 0 <= advice < len(principle.advice)):
            fail(f"{where}.advice", f"must index the advice of {principle.id}")
        why = item.get("why")  # optional: an explanation of its own, else from the content
        if why is not None and not (isinstance(why, str) and why.strip() == why and why.endswith(".")):
            fail(f"{where}.why", "must be a sentence ending in '.'")
        questions.append(
            Question(
                f"w:{sid}", TRUTH, principle.id, text, "waar" if truth else "niet_waar", why or _why(principle, advice)
            )
        )
    return Bank(content, tuple(questions), tuple(letters), size, tuple(closed), open_texts, frozenset(confusable))


def _read_data():
    text = datafiles.read_text("data", "quiz.json")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuizDataError(f"quiz.json: not valid JSON: {exc}") from None


def load_bank(content: Optional[Content] = None) -> Bank:
    """The bank for this content, built anew: the skill builder builds it once and handlers get it
    through the Turn (turn.bank)."""
    return build_bank(content or load_content(), _read_data())
