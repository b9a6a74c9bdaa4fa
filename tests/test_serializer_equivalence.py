"""skill.serializer.FastSerializer gives exactly what ask-sdk-core's DefaultSerializer gives.

Over the corpus of tests/serializer_corpus.py (the envelopes the tests and benches use, each also as
a full-size device sends it; fuzzed and mutated envelopes; envelopes generated from ask_sdk_model's
type maps for every request type; every model class; responses with every directive type and odd
session attributes): the same objects (classes, attributes and their order, values, enum members,
datetimes with the same kind of tzinfo), the same exceptions (type and message), and responses
serialized to the same structure and the same JSON bytes. Timestamps are checked in several process
time zones (dateutil's tzlocal()/tz.UTC quirk). Deliberately broken serializers must be caught, so
this test is known to be able to fail.
"""

from __future__ import annotations

import json
import random
import time

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import serializer as fast
from skill.builder import build_skill
from skill.config import SkillConfig
from skill.serializer import FastSerializer

from tests import serializer_corpus as corpus

SDK = DefaultSerializer()


@pytest.fixture(scope="module", autouse=True)
def sdk_class_maps_restored():
    """DefaultSerializer.serialize grows a class's attribute_map for good when an instance carries
    its own deserialized_types (the corpus has such objects): put every map back afterwards."""
    SAVED_MAPS.update(
        {
            cls: dict(cls.attribute_map)
            for cls in corpus.all_model_classes()
            if isinstance(getattr(cls, "attribute_map", None), dict)
        }
    )
    yield
    reset_class_maps()


SAVED_MAPS: dict = {}


def reset_class_maps():
    for cls, mapping in SAVED_MAPS.items():
        if cls.attribute_map != mapping:
            cls.attribute_map.clear()
            cls.attribute_map.update(mapping)


@pytest.fixture(scope="module")
def envelopes():
    return corpus.skill_envelopes() + corpus.fuzzed_envelopes(600) + corpus.generated_envelopes(per_type=4)


@pytest.fixture(scope="module")
def responses(envelopes):
    """(response envelope object, label): our skill's answers to the corpus, then generated ones."""
    skill = build_skill(SkillConfig(rng=random.Random(16)))
    out = []
    for env in envelopes:
        try:
            request = SDK.deserialize(json.dumps(env), RequestEnvelope)
            out.append((skill.invoke(request_envelope=request, context=None), env.get("request")))
        except Exception:  # refused by the SDK, or no handler for that request type: no response
            continue
    out += [(obj, "generated response") for obj in corpus.generated_responses()]
    out += [(obj, "model object") for obj in corpus.model_objects()]
    return out


def request_differences(serializer, envelopes, *, first_only=False):
    found = []
    for env in envelopes:
        payload = json.dumps(env)
        want = corpus.outcome(SDK.deserialize, payload, RequestEnvelope)
        for how, got in (
            ("deserialize", corpus.outcome(serializer.deserialize, payload, RequestEnvelope)),
            ("from_data", corpus.outcome(serializer.from_data, json.loads(payload), RequestEnvelope)),
            (
                "read_request (the webservice)",
                corpus.outcome(fast.read_request, serializer, json.loads(payload), payload, RequestEnvelope),
            ),
        ):
            diff = corpus.difference(want, got)
            if diff:
                found.append(f"{how}: {diff}  (request: {json.dumps(env.get('request'))[:300]})")
                if first_only:
                    return found
    return found


def response_differences(serializer, responses, *, first_only=False):
    found = []
    for obj, label in responses:
        want = corpus.outcome(SDK.serialize, obj)
        got = corpus.outcome(serializer.serialize, obj)
        diff = corpus.difference(want, got) or corpus.difference(corpus.json_bytes(want), corpus.json_bytes(got))
        if diff:
            found.append(f"{diff}  ({str(label)[:200]})")
            if first_only:
                return found
    return found


def test_the_corpus_is_large_and_varied(envelopes, responses):
    from ask_sdk_model import Directive, Request

    kinds = {e["request"].get("type") for e in envelopes if isinstance(e.get("request"), dict)}
    assert set(Request.discriminator_value_class_map) <= kinds
    big = [e for e in envelopes if 3000 <= len(json.dumps(e)) <= 4500 and "Viewport" in e.get("context", {})]
    assert len(big) >= 50
    assert len(envelopes) >= 1000
    answered = [o for o, label in responses if isinstance(label, dict)]
    assert len(answered) >= 200
    directives = {
        type(d).__name__
        for o, _ in responses
        if getattr(o, "response", None) is not None and not isinstance(o, list)
        for d in (o.response.directives or [])
    }
    assert len(directives) >= len(Directive.discriminator_value_class_map) - 3
    # both outcomes occur: requests the SDK accepts and ones it refuses
    refused = sum(
        isinstance(corpus.outcome(SDK.deserialize, json.dumps(e), RequestEnvelope), corpus._Raised)
        for e in envelopes[-300:]
    )
    assert 10 <= refused <= 290


def test_same_request_objects_and_exceptions(envelopes):
    assert request_differences(FastSerializer(), envelopes) == []


def test_same_response_structure_and_json_bytes(responses):
    assert response_differences(FastSerializer(), responses) == []


def test_the_fast_path_takes_the_common_requests():
    """Equal results could also come from falling back every time: the real envelopes (and the full
    device ones) must be read without DefaultSerializer."""
    from skill.dev import envelopes as E

    class NoFallback(FastSerializer):
        def from_data(self, data, obj_type, payload=None):
            return self._code.reader(obj_type)(data)

    reset_class_maps()  # the corpus's odd objects may have grown some (see the test below)
    strict = NoFallback()
    for env in (
        E.launch(),
        E.on_device(E.intent("TipIntent", [E.slot("principe", "luisteren", resolved_id="luisteren")])),
    ):
        assert (
            corpus.difference(
                SDK.deserialize(json.dumps(env), RequestEnvelope), strict.deserialize(json.dumps(env), RequestEnvelope)
            )
            is None
        )
    # what Alexa sends for every request type (valid values, '...Z' timestamps): the fast path
    clean = corpus.generated_envelopes(per_type=2)  # the first two per type are clean
    taken = [e for e in clean if not isinstance(corpus.outcome(strict.from_data, e, RequestEnvelope), corpus._Raised)]
    assert len(taken) >= 0.9 * len(clean)


def test_a_class_map_grown_by_the_sdk_sends_that_class_to_the_sdk(monkeypatch):
    from ask_sdk_model import Session
    from skill.dev import envelopes as E

    monkeypatch.setattr(Session, "attribute_map", dict(Session.attribute_map))
    odd = SDK.deserialize(json.dumps({"new": True, "deserialized_types": {"y": "str"}}), Session)
    with pytest.raises(AttributeError):
        SDK.serialize(odd)  # the SDK's quirk: it fails, but Session.attribute_map now has "y"
    assert "y" in Session.attribute_map
    env = E.launch()
    env["session"]["y"] = "a key the SDK now thinks Session knows"
    for payload in (json.dumps(env), json.dumps(E.launch())):
        want = corpus.outcome(SDK.deserialize, payload, RequestEnvelope)
        assert corpus.difference(want, corpus.outcome(FastSerializer().deserialize, payload, RequestEnvelope)) is None
    assert isinstance(corpus.outcome(SDK.deserialize, json.dumps(env), RequestEnvelope), corpus._Raised)


class Counted:
    """Not an ask_sdk_model class: its __init__ does more than set fields, and the SDK calls it."""

    deserialized_types = {"a": "str"}
    attribute_map = {"a": "a"}
    made = 0

    def __init__(self, a=None):
        Counted.made += 1
        self.a, self.number = a, Counted.made


def test_a_class_of_our_own_is_made_as_the_sdk_makes_it():
    got = {}
    for name, serializer in (("sdk", SDK), ("fast", FastSerializer())):
        Counted.made = 0
        got[name] = [vars(serializer.deserialize('{"a": "x"}', f"{__name__}.Counted")) for _ in range(3)]
    assert got["fast"] == got["sdk"] == [{"a": "x", "number": n} for n in (1, 2, 3)]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Amsterdam", "GMT", "America/New_York", "Asia/Kolkata"])
def test_timestamps_in_every_process_time_zone(zone, monkeypatch):
    from skill.dev import envelopes as E

    envs = [E.launch(timestamp=stamp) for stamp in corpus.STAMPS]
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert request_differences(FastSerializer(), envs) == []
        launch = FastSerializer().deserialize(json.dumps(envs[0]), RequestEnvelope)
        assert type(launch.request.timestamp.tzinfo).__name__ == ("tzlocal" if zone == "UTC" else "tzutc")
    finally:
        monkeypatch.undo()
        time.tzset()


# ------------------------------------------------------------------------------------------------
# broken serializers the comparison must catch


def _always_utc(value):
    from dateutil import tz

    m = fast._STAMP(value) if isinstance(value, str) else None
    if m is None:
        raise fast._Fallback
    y, mo, d, h, mi, s, frac = m.groups()
    return fast.datetime(
        int(y), int(mo), int(d), int(h), int(mi), int(s), int(frac.ljust(6, "0")) if frac else 0, tzinfo=tz.UTC
    )


_TIMESTAMP = fast._timestamp


def _fraction_as_written(value):
    out = _TIMESTAMP(value)
    m = fast._STAMP(value)
    return out.replace(microsecond=int(m.group(7))) if m.group(7) else out


class _Broken(FastSerializer):
    codegen = fast._Codegen

    def __init__(self):
        self._code = self.codegen()


class _NoneFieldsWritten(fast._Codegen):
    def _make_writer(self, t):
        fn = super()._make_writer(t)
        types = getattr(t, "deserialized_types", None)
        if not isinstance(types, dict) or fn in (None, fast._fail) or not t.__module__.startswith("ask_sdk_model"):
            return fn
        names = {**t.attribute_map, **{k: k for k in types if k not in t.attribute_map}}

        def write(obj):
            out = fn(obj)
            return {names[a]: out.get(names[a]) for a in types}

        return write


class _SortedKeys(fast._Codegen):
    def _write_dict(self, obj):
        return {k: self.write(obj[k]) for k in sorted(obj, key=str)}


class _TupleAsList(fast._Codegen):
    def _make_writer(self, t):
        if issubclass(t, tuple):
            return self._write_list
        return super()._make_writer(t)


class _LenientEnums(fast._Codegen):
    def _make_reader(self, obj_type):
        if isinstance(obj_type, str) and obj_type.startswith("ask_sdk_model."):
            obj_type = fast._load_class(obj_type)
        if isinstance(obj_type, type) and issubclass(obj_type, fast.Enum):
            members = {m.value: m for m in obj_type}
            return lambda v: members.get(v, v)
        return super()._make_reader(obj_type)


class _NoDiscriminator(fast._Codegen):
    def _make_discriminated(self, base):
        return self.builder(base)


class _NoFallback(FastSerializer):
    def from_data(self, data, obj_type, payload=None):
        return self._code.reader(obj_type)(data)


BROKEN = {
    "timestamps always tz.UTC": ("requests", {"_timestamp": _always_utc}, None),
    "fraction of a second not padded": ("requests", {"_timestamp": _fraction_as_written}, None),
    "unknown JSON keys dropped": ("requests", {"_extras": lambda obj, data, known: None}, None),
    "float fields keep JSON integers": ("requests", {"_read_float": lambda v: v}, None),
    "unknown enum values kept as strings": ("requests", {}, _LenientEnums),
    "discriminator ignored": ("requests", {}, _NoDiscriminator),
    "no fallback to the SDK": ("requests", {}, _NoFallback),
    "None fields written": ("responses", {}, _NoneFieldsWritten),
    "dict keys sorted": ("responses", {}, _SortedKeys),
    "tuples written as lists (same JSON, other structure)": ("responses", {}, _TupleAsList),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_serializer_is_caught(name, envelopes, responses, monkeypatch):
    side, patches, variant = BROKEN[name]
    for attr, value in patches.items():
        monkeypatch.setattr(fast, attr, value)
    if variant is None or issubclass(variant, fast._Codegen):
        broken = type("Broken", (_Broken,), {"codegen": variant or fast._Codegen})()
    else:
        broken = variant()
    if side == "requests":
        assert request_differences(broken, envelopes, first_only=True), name
    else:
        assert response_differences(broken, responses, first_only=True), name


# ------------------------------------------------------------------------------------------------
# the code compiled ahead (skill/serializer_code.py)


def test_the_code_compiled_ahead_is_what_the_serializer_generates_now():
    """Stale entries (another ask-sdk-model, a changed generator) would never be used: regenerate
    with `python -m tests.serializer_corpus --write-code`. The cold start path (a LaunchRequest and
    our answer) must be covered completely."""
    from skill.serializer_code import CODE
    from skill.dev import envelopes as E

    now = set(corpus.generated_sources(corpus.precompiled_envelopes()))
    assert set(CODE) <= now, "skill/serializer_code.py is stale: python -m tests.serializer_corpus --write-code"
    assert set(corpus.generated_sources([E.launch()])) <= set(CODE)


def test_the_code_compiled_ahead_gives_the_same_results(monkeypatch, envelopes, responses):
    from skill.serializer_code import CODE

    monkeypatch.setattr(fast, "_PRECOMPILED", CODE)
    used = []
    monkeypatch.setattr(fast, "FunctionType", lambda code, env: _function_type(code, env, used, CODE))
    assert request_differences(FastSerializer(), envelopes[:400]) == []
    assert response_differences(FastSerializer(), responses[:300]) == []
    assert sum(used) >= 30


def _function_type(code, env, used, precompiled):
    from types import FunctionType

    used.append(code in precompiled.values())
    return FunctionType(code, env)
