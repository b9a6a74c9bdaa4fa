"""Helpers for the practice conversations: one reply per kind of answer, and a role play set to any
point of a scenario through its session section (skill/practice/mode.py explains the section)."""

from __future__ import annotations

import re

from skill.prompts import load_prompts

PROMPTS = load_prompts()

REPLIES = {  # one reply per kind of answer, as said to the other person
    "open_question": "wat maakt het zo moeilijk",
    "closed_question": "ben je moe",
    "paraphrase": "het klinkt alsof het je allemaal te veel is",
    "validation": "logisch dat je je zo voelt",
    "advice": "je moet er gewoon eens uit",
    "minimising": "ach het valt vast wel mee",
    "self_talk": "dat heb ik ook gehad",
    "other": "hm",
}
CODES = dict(zip(REPLIES, "ocpvamsx"))  # the letter the session section keeps per kind of answer
GOOD = ("open_question", "paraphrase", "validation")


def at(talk, scenario_id: str, history: str = "", line: str = "o0") -> None:
    """Put the conversation in the role play of a scenario, after the answers in history (one code
    each), with the other person's last line as given ("o1": opening 1, "s2": story 2, "ra0": the
    first reaction to advice)."""
    good = sum(code in "opv" for code in history)
    section = {"s": scenario_id, "t": len(history), "g": good, "h": history, "l": line}
    talk.attributes = {**talk.attributes, "offer": "practice", "prac": section}


def say(talk, words: str):
    return talk.intent("PracticeReplyIntent", antwoord_vrij=(words, None))


def spoken(speech: str, key: str, **fields) -> bool:
    """Whether a variant of a prompt was said: its words in order, with the given fields filled in
    and any other field (a principle's title, an example phrase) standing for any words."""
    for variant in PROMPTS.variants(key):
        pieces = re.split(r"\{\w+\}", re.sub(r"\{(\w+)\}", lambda m: fields.get(m[1], m[0]), variant))
        if re.search(".*?".join(re.escape(piece.strip()) for piece in pieces if piece.strip()), speech):
            return True
    return False
