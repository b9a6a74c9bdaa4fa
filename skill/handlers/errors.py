"""The one catch-all exception handler: log the exception, apologise, keep the conversation going."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler

from skill import prompt_keys as K
from skill.logsafe import get_logger
from skill.ssml import Speech
from skill.state import State, save_state
from skill.turn import TURN_KEY, Turn

log = get_logger("gesprekscoach.skill")


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def __init__(self, content, prompts, rng):
        self.content, self.prompts, self.rng = content, prompts, rng

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        log.exception("handler failed: %s", type(exception).__name__, exc_info=exception)
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if turn is None:  # the failure came before the state was read: start clean
            turn = Turn(handler_input, self.content, self.prompts, self.rng, State(rot=self.prompts.rotation()))
            handler_input.attributes_manager.request_attributes[TURN_KEY] = turn
        # Drop whatever a half-finished handler put into the response.
        handler_input.response_builder.response.card = None
        handler_input.response_builder.response.reprompt = None
        handler_input.response_builder.response.directives = None
        response = turn.ask(
            Speech().say(turn.line(K.ERROR)), question=K.ERROR_QUESTION, reprompt=K.WELCOME_REPROMPT, offer=None
        )
        # Response interceptors do not run after an exception: write the validated state back here,
        # or ask-sdk would echo the raw incoming attributes.
        save_state(handler_input, turn.state.to_attributes())
        return response
