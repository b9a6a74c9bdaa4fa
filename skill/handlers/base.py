"""Small building blocks for handlers."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from skill.turn import Turn


class IntentHandler(AbstractRequestHandler):
    """Handles the intents named in INTENTS; when OFFER is set, only while that offer is open."""

    INTENTS: tuple = ()
    OFFER: str = ""

    def can_handle(self, handler_input) -> bool:
        # The Turn (made by a request interceptor, before handlers are chosen) knows the intent name:
        # one attribute read per handler instead of ask-sdk's predicate closures.
        turn = Turn.of(handler_input)
        if turn.intent_name not in self.INTENTS:
            return False
        return not self.OFFER or turn.state.offer == self.OFFER

    def handle(self, handler_input):
        return self.respond(Turn.of(handler_input))

    def respond(self, turn: Turn):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class RequestTypeHandler(AbstractRequestHandler):
    REQUEST_TYPE: str = ""

    def can_handle(self, handler_input) -> bool:
        return is_request_type(self.REQUEST_TYPE)(handler_input)

    def handle(self, handler_input):
        return self.respond(Turn.of(handler_input))

    def respond(self, turn: Turn):  # pragma: no cover
        raise NotImplementedError
