"""When someone says they are not safe or want to die: answer with care and point to help
(113 Zelfmoordpreventie, 112 in an emergency). This comes first in the handler list."""

from __future__ import annotations

from skill.handlers.base import IntentHandler


class CrisisHandler(IntentHandler):
    INTENTS = ("CrisisIntent",)

    def respond(self, turn):
        # Always keep the session open here, even one-shot: the numbers may need repeating.
        return turn.ask(turn.speech("crisis"), question="crisis_question", reprompt="crisis_reprompt",
                        offer="crisis")


class YesCrisisHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent", "AMAZON.RepeatIntent")
    OFFER = "crisis"

    def respond(self, turn):
        return turn.ask(turn.speech("crisis_numbers"), question="crisis_question",
                        reprompt="crisis_reprompt", offer="crisis")


class NoCrisisHandler(IntentHandler):
    INTENTS = ("AMAZON.NoIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent")
    OFFER = "crisis"

    def respond(self, turn):
        return turn.tell(turn.speech("crisis_numbers", "crisis_goodbye"))
