"""Distress and safety: suicidal thoughts (CrisisIntent), violence or abuse (AbuseIntent), acute
danger (DangerIntent) and feeling very low (LowMoodIntent). First in the handler list, in any mode
(a quiz or checklist in progress stays paused and can be resumed).

Without a `persoon` slot the speaker means themselves; with one, someone else, and the answer is for
the person supporting them. Each answer is short and warm, names where to turn (helplines as data in
skill/data/helplines.json, both countries the skill is distributed in), and keeps the session open:
"ja" repeats the numbers (or, for someone else, says what you can say to them), and "wat kan ik
tegen hem zeggen?" (ExamplesIntent or PrincipleIntent without a topic) gets the guidance that fits:
listen, acknowledge the feeling, do not promise secrecy. No, Stop and Cancel end with the numbers.

Offers: "care_<kind>_self", "care_<kind>_other", "care_<kind>_talked" (after the guidance).
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Tuple

from skill import prompt_keys as K
from skill.handlers.base import IntentHandler
from skill.turn import Turn
from skill.slots import resolved_id
from skill.ssml import Speech

PERSON_SLOT = "persoon"
OFFER_PREFIX = "care_"


class Care(NamedTuple):  # a NamedTuple: a frozen dataclass costs more at start-up
    kind: str
    self_answer: str  # prompt keys
    other_answer: str
    numbers: str
    talk: str


CARE = {
    "CrisisIntent": Care("crisis", K.CARE_CRISIS_SELF, K.CARE_CRISIS_OTHER, K.CARE_NUMBERS_CRISIS, K.CARE_TALK_CRISIS),
    "AbuseIntent": Care("abuse", K.CARE_ABUSE_SELF, K.CARE_ABUSE_OTHER, K.CARE_NUMBERS_ABUSE, K.CARE_TALK_ABUSE),
    "DangerIntent": Care("danger", K.CARE_DANGER_SELF, K.CARE_DANGER_OTHER, K.CARE_NUMBERS_DANGER, K.CARE_TALK_DANGER),
    "LowMoodIntent": Care("low", K.CARE_LOW_SELF, K.CARE_LOW_OTHER, K.CARE_NUMBERS_LOW, K.CARE_TALK_LOW),
}
_BY_KIND = {care.kind: care for care in CARE.values()}


def open_care(turn) -> Tuple[Optional[Care], str]:
    """(care, who) of the care offer that is open: who is "self", "other" or "talked"."""
    offer = turn.state.offer or ""
    if not offer.startswith(OFFER_PREFIX):
        return None, ""
    kind, _, who = offer[len(OFFER_PREFIX) :].rpartition("_")
    return _BY_KIND.get(kind), who


def _offer(care: Care, who: str) -> str:
    return f"{OFFER_PREFIX}{care.kind}_{who}"


def numbers(turn, care: Care):
    return turn.ask(
        turn.speech(care.numbers),
        question=K.CARE_QUESTION_NUMBERS,
        reprompt=K.CARE_REPROMPT_NUMBERS,
        offer=_offer(care, "self"),
    )


def talk(turn, care: Care):
    """What you can say to the person you worry about (listen, acknowledge, no promise of secrecy)."""
    return turn.ask(
        turn.speech(care.talk),
        question=K.CARE_QUESTION_AFTER_TALK,
        reprompt=K.CARE_REPROMPT_NUMBERS,
        offer=_offer(care, "talked"),
    )


def answer(turn, care: Care, someone_else: bool):
    """The care answer: for the speaker, or for someone supporting another person."""
    # Always keep the session open here, even one-shot: the numbers may need repeating.
    # the card lists every number in writing (the first variant of the numbers, not rotated)
    card = Speech().say(turn.prompts.variants(care.numbers)[0])
    return turn.ask(
        turn.speech(care.other_answer if someone_else else care.self_answer),
        question=K.CARE_QUESTION_TALK if someone_else else K.CARE_QUESTION_NUMBERS,
        reprompt=K.CARE_REPROMPT_TALK if someone_else else K.CARE_REPROMPT_NUMBERS,
        offer=_offer(care, "other" if someone_else else "self"),
        card_more=card,
    )


class CareHandler(IntentHandler):
    INTENTS = tuple(CARE)

    def respond(self, turn):
        _, someone_else = resolved_id(turn.request, PERSON_SLOT)
        return answer(turn, CARE[turn.intent_name], bool(someone_else))


class OpenCareHandler(IntentHandler):
    """Base: only while a care offer is open."""

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        return turn.intent_name in self.INTENTS and open_care(turn)[0] is not None


class CareYesHandler(OpenCareHandler):
    INTENTS = ("AMAZON.YesIntent", "AMAZON.RepeatIntent")

    def respond(self, turn):
        care, who = open_care(turn)
        if who == "other" and turn.intent_name == "AMAZON.YesIntent":
            return talk(turn, care)
        return numbers(turn, care)


class CareTalkHandler(OpenCareHandler):
    """ "wat kan ik tegen hem zeggen?", "hoe begin ik het gesprek?" after a care answer."""

    INTENTS = ("ExamplesIntent", "PrincipleIntent")

    def can_handle(self, handler_input) -> bool:
        if not super().can_handle(handler_input):
            return False
        _, named = resolved_id(Turn.of(handler_input).request, "principe")
        return not named  # a named topic gets that topic

    def respond(self, turn):
        return talk(turn, open_care(turn)[0])


class CareNoHandler(OpenCareHandler):
    INTENTS = ("AMAZON.NoIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "LeaveIntent")

    def respond(self, turn):
        care, _ = open_care(turn)
        return turn.tell(turn.speech(care.numbers, K.CARE_GOODBYE))
