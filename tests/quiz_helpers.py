"""Helpers for the quiz and checklist conversations: prompt text as spoken, and answering the open
quiz question right or wrong from what the session state says."""

from __future__ import annotations

import re

from skill.content import load_content
from skill.prompts import load_prompts
from skill.quiz import load_bank
from skill.ssml import plain_text, speech

P = load_prompts()
C = load_content()
BANK = load_bank(C)
LETTER_IDS = ("a", "b", "c")


def text(key: str, variant: int = 0, **fields) -> str:
    """A prompt variant as plain text (as Reply.speech shows it)."""
    return plain_text(speech(P.variants(key)[variant].format(**fields)).ssml())


def variants(key: str, **fields):
    return [text(key, i, **fields) for i in range(len(P.variants(key)))]


def said(speech: str, key: str, **fields) -> bool:
    """Whether any variant of a prompt is in the speech."""
    return any(v in speech for v in variants(key, **fields))


def quoted(ssml: str):
    return re.findall(r'<break time="\d+ms"/><prosody rate="90%">([^<]+)</prosody><break', ssml)


def current(attributes):
    """(question, options) of the open question in the session state."""
    section = attributes["quiz"]
    return BANK.get(section["q"][section["n"]]), section["o"]


def answer(talk, right: bool = True):
    """Answer the open question, right or wrong, the way people say it ("klopt", "de eerste")."""
    question, options = current(talk.attributes)
    if question.kind == "truth":
        value = question.answer if right else ({"waar", "niet_waar"} - {question.answer}).pop()
        spoken = "klopt" if value == "waar" else "klopt niet"
        return talk.intent("QuizAnswerIntent", antwoord=(spoken, value)), question
    index = options.index(question.answer) if right else (options.index(question.answer) + 1) % 3
    return talk.intent(
        "QuizAnswerIntent", antwoord=(["de eerste", "de tweede", "de derde"][index], LETTER_IDS[index])
    ), question


def a_question(kind: str, principle: str = None):
    return next(q for q in BANK.questions if q.kind == kind and (principle is None or q.principle == principle))


def section_with(question, *, index: int = 0, total: int = 5, options=None):
    """A valid quiz section whose open question (at index) is the one given."""
    others = [q.key for q in BANK.questions if q.key != question.key][: total - 1]
    keys = others[:index] + [question.key] + others[index:]
    if options is None and question.choice:
        options = [question.answer] + BANK.distractor_pool(question)[:2]
    return {"v": 1, "q": keys, "n": index, "r": [1] * index, "o": options or []}
