"""Run one request envelope (a dict, as Alexa sends it) through a skill and get the response dict.

The webservice uses ask-sdk-webservice-support for this; tests, the chat simulator and the benchmarks
use this function so they take the same (de)serialisation path, with the skill's own serializer (the
FastSerializer from skill.builder; Lambda reads the event dict with its ``from_data``, proven the same
in tests/test_serializer_equivalence.py).
"""

from __future__ import annotations

from typing import Any, Dict

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope


def dispatch(skill: CustomSkill, envelope: Dict[str, Any]) -> Dict[str, Any]:
    serializer = skill.serializer
    request_envelope = serializer.deserialize(payload=_dumps(envelope), obj_type=RequestEnvelope)
    response_envelope = skill.invoke(request_envelope=request_envelope, context=None)
    return serializer.serialize(response_envelope)


def _dumps(obj: Any) -> str:
    import json

    return json.dumps(obj)
