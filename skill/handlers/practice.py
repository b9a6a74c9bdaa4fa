"""Practising a conversation (skill.practice.mode.PRACTICE): starting it, and routing to the mode
while the role play is open. PracticeModeHandler comes right after the safety handlers, so a
statement of distress mid-practice still gets the crisis answer at once."""

from __future__ import annotations

from skill import answers
from skill.handlers.base import IntentHandler
from skill.practice.mode import PRACTICE, REPLY_INTENT
from skill.turn import Turn


class PracticeModeHandler(IntentHandler):
    """While the role play is open: its replies, hints, repeat, help, fallback, yes/no, start over;
    "stop met oefenen" (LeaveIntent) and Cancel ("annuleer", "laat maar") leave it (kept, so it can be
    resumed)."""

    INTENTS = PRACTICE.INTENTS + ("AMAZON.CancelIntent", "LeaveIntent")
    OFFER = PRACTICE.OFFER

    def respond(self, turn):
        if turn.intent_name in ("AMAZON.CancelIntent", "LeaveIntent"):
            return PRACTICE.leave(turn)
        return PRACTICE.answer(turn)


class PracticeHandler(IntentHandler):
    """"laten we oefenen", "oefen een gesprek": a new role play."""

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


class NoPracticeHandler(_PracticeOfferHandler):
    INTENTS = ("AMAZON.NoIntent",)

    def respond(self, turn):
        return answers.anything_else(turn, "declined")


class PracticeOutsideHandler(IntentHandler):
    """A reply or a hint request when no role play is open: go back to one that was left, else
    offer to begin one."""

    INTENTS = (REPLY_INTENT, "HintIntent")

    def respond(self, turn):
        if PRACTICE.can_resume(turn):
            return PRACTICE.resume(turn)
        return turn.ask(turn.speech("practice_hint_outside"), question="practice_again_question",
                        reprompt="practice_start_reprompt", offer=PRACTICE.START_OFFER)
