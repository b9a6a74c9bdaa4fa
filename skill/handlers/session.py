"""Opening, help, closing and the requests every certified skill must answer."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model import IntentRequest

from skill import prompt_keys as K
from skill.handlers.base import IntentHandler, RequestTypeHandler
from skill.logsafe import get_logger, loggable_intent
from skill.turn import Turn

log = get_logger("gesprekscoach.skill")


def welcome(turn: Turn):
    return turn.ask(turn.speech(K.WELCOME), question=K.WELCOME_QUESTION, reprompt=K.WELCOME_REPROMPT)


class LaunchHandler(RequestTypeHandler):
    REQUEST_TYPE = "LaunchRequest"

    def respond(self, turn):
        from skill.handlers.memory import welcome_back

        return welcome_back(turn) or welcome(turn)


class NavigateHomeHandler(IntentHandler):
    INTENTS = ("AMAZON.NavigateHomeIntent",)

    def respond(self, turn):
        turn.state.ctx = None
        return welcome(turn)


class HelpHandler(IntentHandler):
    INTENTS = ("AMAZON.HelpIntent",)

    def respond(self, turn):
        return turn.ask(turn.speech(K.HELP), question=K.HELP_QUESTION, reprompt=K.HELP_REPROMPT)


class StopHandler(IntentHandler):
    INTENTS = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def respond(self, turn):
        return turn.tell(turn.speech(K.GOODBYE), card=False)


def fallback(turn):
    """What was said is not understood (AMAZON.FallbackIntent, or an intent no handler takes)."""
    return turn.ask(turn.speech(K.FALLBACK), question=K.FALLBACK_QUESTION, reprompt=K.WELCOME_REPROMPT)


class FallbackHandler(IntentHandler):
    INTENTS = ("AMAZON.FallbackIntent",)

    def respond(self, turn):
        return fallback(turn)


class SessionEndedHandler(RequestTypeHandler):
    """The session ended (silence, an error, or the user left): no speech is allowed here."""

    REQUEST_TYPE = "SessionEndedRequest"

    def respond(self, turn):
        request = turn.request
        error = getattr(request, "error", None)
        reason = getattr(getattr(request, "reason", None), "value", None)
        if error is not None:
            log.warning("session ended: %s %s", reason, getattr(getattr(error, "object_type", None), "value", error))
        else:
            log.debug("session ended: %s", reason)
        return turn.handler_input.response_builder.response


class UnhandledHandler(AbstractRequestHandler):
    """Last in the list: an intent no other handler took gets the fallback answer; any other
    request type (System.ExceptionEncountered, ...) gets an empty response, as Alexa expects."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        turn = Turn.of(handler_input)
        if isinstance(turn.request, IntentRequest):
            log.info("no handler for intent %s", loggable_intent(getattr(turn.request.intent, "name", None)))
            return fallback(turn)
        return handler_input.response_builder.response
