"""AWS Lambda entry point: ``lambda_function.lambda_handler`` (what the ASK CLI and SAM configure).

The same skill as the webservice (skill.builder.build_skill, with its FastSerializer), built ONCE per
container at cold start and reused by every invocation. (ask-sdk-core's ``SkillBuilder.lambda_handler()``
makes a new CustomSkill, with a new DefaultSerializer and our intent index, on every call.) Otherwise
it does what the SDK's handler does: event -> RequestEnvelope -> skill.invoke -> response dict. The
event is already parsed JSON, so the serializer reads it as it is instead of dumping and re-parsing it
(``FastSerializer.from_data``; same objects, see tests/test_serializer_equivalence.py).

Lambda requests come from the Alexa trigger, which AWS already restricts to the skill id; we also
check it (GESPREKSCOACH_SKILL_ID, done by ask-sdk-core) when it is set. This module imports neither
Flask nor skill.web nor cryptography, so a cold start costs what a bare ask-sdk-core skill costs.
The ``skill`` package sits next to this file in the deployed zip (see docs/deploy.md).
"""

import gc

# Init makes many long-lived objects (modules, content, handlers): no cyclic garbage collection passes
# over them while it runs (about 35 fewer), and once it is done they are frozen, so the collections
# during invocations do not walk them again (see the end of this file).
gc.disable()

from ask_sdk_model import RequestEnvelope  # noqa: E402

from skill.builder import build_skill  # noqa: E402
from skill.config import SkillConfig  # noqa: E402


def make_handler(config=None, *, preload=False):
    """A Lambda handler around one skill built now for the given config (default: from the
    environment). Tests use this. preload=False: the content and the prompts are loaded and validated
    now, the other data files on the first request that needs them (skill.builder; package-lambda
    validated them all in the code it staged)."""
    skill = build_skill(config or SkillConfig.from_env(), preload=preload)
    serializer = skill.serializer
    invoke = skill.invoke

    def handler(event, context):
        request_envelope = serializer.from_data(event, RequestEnvelope)
        return serializer.serialize(invoke(request_envelope=request_envelope, context=context))

    handler.skill = skill
    return handler


# Built once per container (at cold start), reused by every invocation.
try:
    lambda_handler = make_handler()
    gc.freeze()
finally:
    gc.enable()
