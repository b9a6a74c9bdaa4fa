"""The baseline every benchmark compares against: a bare hello-world ask-sdk-core skill.

One intent (HelloWorldIntent) and a fixed speech, like the ASK hello-world template, plus a catch-all
so that every request of the benchmark mixes gets an answer (a bare skill with no handler for a
request raises instead, which would make the baseline look slower, not faster). No interceptors, no
content, no session state.

- ``build_baseline_skill()``: a CustomSkill (for skill.dev.runtime.dispatch and the web apps).
- ``lambda_handler``: its Lambda entry, built at import like any Lambda function (for cold start).
"""

from __future__ import annotations

from typing import Optional

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type

SPEECH = "Hallo wereld!"


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak(SPEECH).ask(SPEECH).response


class HelloWorldIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("HelloWorldIntent")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak(SPEECH).ask(SPEECH).response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


class CatchAllRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return handler_input.response_builder.speak(SPEECH).ask(SPEECH).response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        return handler_input.response_builder.speak(SPEECH).ask(SPEECH).response


def build_baseline_builder(skill_id: Optional[str] = None) -> SkillBuilder:
    sb = SkillBuilder()
    sb.skill_id = skill_id
    sb.add_request_handler(LaunchRequestHandler())
    sb.add_request_handler(HelloWorldIntentHandler())
    sb.add_request_handler(SessionEndedRequestHandler())
    sb.add_request_handler(CatchAllRequestHandler())
    sb.add_exception_handler(CatchAllExceptionHandler())
    return sb


def build_baseline_skill(skill_id: Optional[str] = None):
    return build_baseline_builder(skill_id).create()


lambda_handler = build_baseline_builder().lambda_handler()
