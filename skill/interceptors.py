"""Cross-cutting work, around every handler:

- TurnInterceptor (request): validates the session state and makes the Turn handlers work with.
- LogRequestInterceptor (request): one debug line with the request type and intent (no user data).
- SaveStateInterceptor (response): writes the state back into the session attributes and keeps
  the answer for Repeat.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_model import IntentRequest

from skill.logsafe import loggable_intent
from skill.state import MAX_TEXT, State
from skill.turn import TURN_KEY, Turn

log = logging.getLogger("gesprekscoach.skill")


def request_name(handler_input) -> str:
    request = handler_input.request_envelope.request
    if isinstance(request, IntentRequest) and request.intent is not None:
        return f"IntentRequest:{loggable_intent(request.intent.name)}"
    return getattr(request, "object_type", None) or type(request).__name__


class TurnInterceptor(AbstractRequestInterceptor):
    def __init__(self, content, prompts, rng):
        self.content = content
        self.prompts = prompts
        self.rng = rng
        self._tip_count = len(content.tips)
        self._ids = frozenset(content.ids)

    def process(self, handler_input):
        session = handler_input.request_envelope.session
        raw = session.attributes if session is not None else None
        state = State.from_attributes(raw, principle_ids=self._ids, tip_count=self._tip_count,
                                      prompts=self.prompts)
        if state.repaired:
            log.info("session state repaired: dropped malformed or stale attributes")
        handler_input.attributes_manager.request_attributes[TURN_KEY] = Turn(
            handler_input, self.content, self.prompts, self.rng, state)


class LogRequestInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input):
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request %s", request_name(handler_input))


def save_state(handler_input, attributes) -> None:
    """Set the session attributes of the response (not possible for a request without a session)."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = attributes


class SaveStateInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input, response):
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if turn is None or response is None:
            return
        if response.should_end_session is not False:
            # Session ends (or no speech): nothing to carry over.
            save_state(handler_input, {})
            return
        speech = response.output_speech
        ssml = getattr(speech, "ssml", None)
        if ssml and len(ssml) <= MAX_TEXT:
            last = {"s": ssml}
            reprompt = getattr(getattr(response.reprompt, "output_speech", None), "ssml", None)
            if reprompt:
                last["r"] = reprompt
            turn.state.last = last
        save_state(handler_input, turn.state.to_attributes())


def request_interceptors(content, prompts, config):
    return [LogRequestInterceptor(), TurnInterceptor(content, prompts, config.rng)]


def response_interceptors():
    return [SaveStateInterceptor()]
