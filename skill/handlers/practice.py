"""Practising a conversation: starting it and the offers around it. While the role play is open,
skill.handlers.modes.ModeHandler routes to the mode object (skill.practice.mode.PRACTICE), after the
safety handlers, so a statement of distress mid-practice still gets the care answer at once."""

from __future__ import annotations

from skill import prompt_keys as K
from skill.handlers.base import IntentHandler
from skill.practice.mode import PRACTICE, REPLY_INTENT
from skill.turn import Turn


class PracticeHandler(IntentHandler):
    """ "laten we oefenen", "oefen een gesprek": a new role play."""

    INTENTS = ("PracticeIntent",)

    def respond(self, turn):
        return PRACTICE.start(turn)


class _PracticeOfferHandler(IntentHandler):
    """While "Wil je nog een gesprek oefenen?" or "Zullen we er een beginnen?" is open."""

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        return turn.intent_name in self.INTENTS and turn.state.offer in (PRACTICE.AGAIN_OFFER, PRACTICE.START_OFFER)


class YesPracticeHandler(_PracticeOfferHandler):
    INTENTS = ("AMAZON.YesIntent",)

    def respond(self, turn):
        return PRACTICE.start(turn)


class PracticeOutsideHandler(IntentHandler):
    """A reply or a hint request when no role play is open: go back to one that was left, else
    offer to begin one."""

    INTENTS = (REPLY_INTENT, "HintIntent")

    def respond(self, turn):
        if PRACTICE.can_resume(turn):
            return PRACTICE.resume(turn)
        return turn.ask(
            turn.speech(K.PRACTICE_HINT_OUTSIDE),
            question=K.PRACTICE_AGAIN_QUESTION,
            reprompt=K.PRACTICE_START_REPROMPT,
            offer=PRACTICE.START_OFFER,
        )
