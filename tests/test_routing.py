"""The indexed request mapper picks exactly the handler the full ordered scan would pick, and the
compact rotation state survives a round trip and rejects tampering."""

from __future__ import annotations

import json
import random

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper

from skill.dev import envelopes
from skill.builder import build_skill_builder
from skill.checklist import load_checklist
from skill.config import SkillConfig
from skill.content import load_content
from skill.interceptors import TurnInterceptor
from skill.prompts import load_prompts, parse_prompts
from skill.quiz import load_bank
from skill.routing import IndexedRequestMapper
from tests.test_crosscheck import MODEL_INTENTS

OFFERS = [None, "tip", "examples", "next", "crisis", "quiz", "quiz_again", "quiz_start", "checklist", "chk_step"]


def _chains():
    config = build_skill_builder(SkillConfig(rng=random.Random(1))).skill_configuration
    mapper = config.request_mappers[0]
    assert isinstance(mapper, IndexedRequestMapper)
    return mapper.request_handler_chains


@pytest.mark.parametrize("offer", OFFERS)
def test_the_indexed_mapper_picks_what_the_full_scan_picks(offer):
    chains = _chains()
    full, indexed = GenericRequestMapper(chains), IndexedRequestMapper(chains)
    content = load_content()
    interceptor = TurnInterceptor(
        content, load_prompts(), random.Random(1), bank=load_bank(content), checklist=load_checklist(content)
    )
    serializer = DefaultSerializer()
    requests = [
        envelopes.intent(name, attributes={"v": 1, "offer": offer} if offer else None)
        for name in sorted(MODEL_INTENTS) + ["OnbekendIntent"]
    ]
    requests += [envelopes.launch(), envelopes.session_ended()]
    for envelope in requests:
        request = serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        handler_input = HandlerInput(
            request_envelope=request, attributes_manager=AttributesManager(request_envelope=request)
        )
        interceptor.process(handler_input)
        expected = full.get_request_handler_chain(handler_input)
        got = indexed.get_request_handler_chain(handler_input)
        assert expected is not None and got is expected, (envelope["request"], offer)


def test_rotation_is_one_short_string_and_round_trips():
    prompts = parse_prompts({"prompts": {"a": ["1", "2"], "b": ["x", "y", "z"], "c": ["alleen"]}})
    rotation = prompts.rotation()
    assert not rotation
    rng = random.Random(4)
    first = [prompts.pick("b", rotation, rng) for _ in range(2)]
    encoded = rotation.encode()
    assert len(encoded) == 2 and encoded[0] == "-"  # "c" has one variant: it takes no place
    again = prompts.rotation(encoded)
    third = prompts.pick("b", again, rng)
    assert {*first, third} == {"x", "y", "z"}


@pytest.mark.parametrize("tampered", [None, 12, "", "---", "-?", "-9-9", "-!", ["0", "1"], "-" * 4])
def test_a_tampered_rotation_starts_afresh(tampered):
    prompts = parse_prompts({"prompts": {"a": ["1", "2"], "b": ["x", "y", "z"], "c": ["alleen"]}})
    rotation = prompts.rotation(tampered)
    assert rotation.encode() == "--"
    assert prompts.pick("b", rotation, random.Random(0)) in {"x", "y", "z"}


def test_a_position_past_the_variants_is_ignored():
    prompts = parse_prompts({"prompts": {"a": ["1", "2"], "b": ["x", "y", "z"], "c": ["alleen"]}})
    rotation = prompts.rotation("-z-")  # 35: no such variant
    assert prompts.pick("b", rotation, random.Random(0)) in {"x", "y", "z"}
    assert rotation.encode()[1] in "012"


@pytest.mark.parametrize(
    "raw, repaired",
    [
        (None, False),
        ({}, False),
        ([], True),
        ("", True),
        (0, True),
        (False, True),
        ("x", True),
        ({"v": 2, "offer": "tip"}, True),
        ({"v": 1}, False),
        ({"v": 1, "offer": "Tip!"}, True),
        ({"v": 1, "last": {"s": "<speak>café</speak>"}}, False),
        ({"v": 1, "last": {"s": "<speak>caf\udce9</speak>"}}, True),  # a lone surrogate cannot be echoed
        ({"v": 1, "quiz": {"q": ["x" * 3000]}}, False),  # too big a section is dropped (not a core key)
    ],
)
def test_session_state_reads_what_is_valid_and_says_when_it_dropped_something(raw, repaired):
    from skill.content import load_content
    from skill.prompts import load_prompts
    from skill.state import State

    content = load_content()
    state = State.from_attributes(raw, principle_ids=content.ids, tip_count=len(content.tips), prompts=load_prompts())
    assert state.repaired is repaired
    assert state.rot is not None and not state.rot  # a fresh rotation: nothing said yet
    if isinstance(raw, dict) and raw.get("v") == 1:
        assert state.last == (raw.get("last") if not repaired else None)
        assert "quiz" not in state.sections
