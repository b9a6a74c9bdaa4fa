"""The corpus and the comparison for tests/test_serializer_equivalence.py.

Request envelopes (JSON-like dicts):
- ``skill_envelopes()``: what the tests, the chat simulator and the benches send: every intent of the
  interaction model with and without its slots, launch, session ends, a long recorded conversation
  (quiz, checklist, navigation) with the session attributes the skill really carries, and each of
  them again as a full-size device would send it (skill.dev.envelopes.on_device: 2.5-4 KB);
- ``fuzzed_envelopes()``: tests/fuzzing.py's realistic and mutated envelopes (plain seeded);
- ``generated_envelopes()``: made from ask_sdk_model's own type maps: for every request type, and
  every subtype of every discriminated field, filled from its ``deserialized_types`` (every field or a
  few, valid enum values or not, JSON keys the model does not know, timestamps in many forms, values
  of the wrong type now and then).
Response objects: ``generated_responses()``: ResponseEnvelopes with every directive type and odd
session attribute values, beside the responses our skill gives to the envelopes above.

``difference(a, b)`` is a strict comparison: same classes all the way down (list is not tuple, bool
is not int), the same attributes in the same order (unknown JSON keys included), the same enum
members, the same datetimes with the same kind of tzinfo and offset.
"""

from __future__ import annotations

import copy
import json
import math
import pkgutil
import random
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Dict, List, Optional

from skill.dev import envelopes as E

STAMPS = [
    "2026-11-26T20:31:07Z",
    "2026-11-26T20:31:07.5Z",
    "2026-11-26T20:31:07.123456Z",
    "2026-11-26T20:31:07.1234567Z",
    "2026-02-29T10:00:00Z",
    "2026-03-29T01:30:00Z",
    "2026-10-25T02:30:00Z",
    "2026-11-26T20:31:07+01:00",
    "2026-11-26T20:31:07+00:00",
    "2026-11-26T20:31:07",
    "2026-11-26",
    "2026-11-26T24:00:00Z",
    "2026-13-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2026-11-26T20:31:07z",
    "2026-11-26 20:31:07Z",
    "2026-11-26T20:31:07GMT",
    "2026-11-26T20:31:07UTC",
    "\u0662\u0660\u0662\u0666-11-26T20:31:07Z",
    "",
    "gisteren",
    "2026-11-26T20:31:07.Z",
]
STRINGS = ["", "x", "afsluiten", "\ud800", "\U0001f600", "amzn1.ask.skill.1", "nl-NL", "é" * 40]
WRONG = [None, 0, 1.5, True, "7", "1.5", "true", [], {}, ["a"], {"a": 1}, 2**70, -0.0]
UNKNOWN_KEYS = [
    "futureField",
    "object_type",
    "_Request__discriminator_value",
    "deserialized_types",
    "attribute_map",
    "__module__",
    "to_dict",
    "type2",
    "",
    "ü",
]


# ------------------------------------------------------------------------------------------------
# envelopes the tests and benches use


def skill_envelopes() -> List[Dict[str, Any]]:
    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.dev.conversation import Conversation

    model = json.loads(
        (_repo() / "interaction_model" / "interactionModels" / "custom" / "nl-NL.json").read_text("utf-8")
    )["interactionModel"]["languageModel"]
    values = {
        t["name"]: [v["id"] if "id" in v else v["name"]["value"] for v in t["values"]] for t in model.get("types", [])
    }
    for t in model.get("types", []):
        values[t["name"]] = [v.get("id") or v["name"]["value"] for v in t["values"]]
    out = [
        E.launch(),
        E.session_ended(),
        E.session_ended("ERROR", error={"type": "INVALID_RESPONSE", "message": "x"}),
        E.session_ended("EXCEEDED_MAX_REPROMPTS"),
    ]
    for intent in model["intents"]:
        out.append(E.intent(intent["name"]))
        out.append(E.intent(intent["name"], new=True, dialog_state="STARTED"))
        slots = intent.get("slots") or []
        if slots:
            filled = []
            for s in slots:
                ids = values.get(s["type"]) or ["x"]
                filled.append(E.slot(s["name"], str(ids[0]), resolved_id=str(ids[0]), slot_type=s["type"]))
            out.append(E.intent(intent["name"], filled))
            out.append(
                E.intent(
                    intent["name"], [E.slot(s["name"], "onbekend", no_match=True, slot_type=s["type"]) for s in slots]
                )
            )
            out.append(E.intent(intent["name"], [E.slot(s["name"]) for s in slots]))
    talk = Conversation(build_skill(SkillConfig(rng=random.Random(16))))
    names = {i["name"] for i in model["intents"]}
    script = [
        ("launch", {}),
        ("TipIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.PreviousIntent", {}),
        ("PrincipleIntent", {"principe": "afsluiten"}),
        ("AMAZON.YesIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.RepeatIntent", {}),
        ("ExamplesIntent", {"principe": "open_vragen"}),
        ("QuizIntent", {}),
        ("QuizAnswerIntent", {"antwoord": "a"}),
        ("DontKnowIntent", {}),
        ("SkipIntent", {}),
        ("QuizAnswerIntent", {"antwoord": "b"}),
        ("QuizAnswerIntent", {"antwoord": "waar"}),
        ("ChecklistIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.HelpIntent", {}),
        ("ListPrinciplesIntent", {}),
        ("AMAZON.FallbackIntent", {}),
        ("CrisisIntent", {}),
        ("AMAZON.StartOverIntent", {}),
        ("AMAZON.NoIntent", {}),
        ("AMAZON.StopIntent", {}),
    ]
    for name, slots in script:
        if name == "launch":
            out.append(talk.launch().request)
        elif name in names:
            out.append(talk.intent(name, **slots).request)
    try:
        from bench.dispatch import request_mix

        out += [env for _, env in request_mix()]
    except ImportError:  # the bench package is not importable from here: the mix is covered above
        pass
    devices = [
        E.on_device(env, kind="hub" if i % 2 else "speaker", with_person=i % 3 != 0) for i, env in enumerate(out)
    ]
    return out + devices


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]


def fuzzed_envelopes(count: int, seed: int = 16) -> List[Dict[str, Any]]:
    from tests import fuzzing

    rnd = random.Random(seed)
    draw = fuzzing.RandomDraw(rnd)
    out = []
    for i in range(count):
        if i % 4 == 0:
            env = fuzzing.base_envelope(draw, well_formed=True)
        elif i % 7 == 1:  # a full-size device envelope, mutated
            env = E.on_device(fuzzing.base_envelope(draw), kind=rnd.choice(["hub", "speaker"]))
            for _ in range(rnd.randint(0, 4)):
                env = fuzzing.mutate(draw, env)
        else:
            env = fuzzing.envelope(draw, max_mutations=4)
        if i % 5 == 0 and isinstance(env.get("request"), dict):
            env["request"]["timestamp"] = rnd.choice(STAMPS)
        out.append(env)
    return out


# ------------------------------------------------------------------------------------------------
# generated from ask_sdk_model's type maps


def all_model_classes() -> List[type]:
    import importlib

    import ask_sdk_model

    classes = []
    for info in pkgutil.walk_packages(ask_sdk_model.__path__, "ask_sdk_model."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and obj.__module__ == module.__name__
                and (hasattr(obj, "deserialized_types") or issubclass(obj, Enum))
            ):
                classes.append(obj)
    return classes


def _load(name: str):
    import importlib

    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)


class Generator:
    """JSON for a type string of ask_sdk_model, from its type maps."""

    def __init__(
        self,
        rnd: random.Random,
        *,
        wrong: float = 0.03,
        unknown: float = 0.05,
        sparse: float = 0.3,
        max_depth: int = 5,
        clean: bool = False,
    ):
        """clean: only what Alexa sends (valid enum values and subtypes, '...Z' timestamps)."""
        self.rnd, self.wrong, self.unknown, self.sparse, self.max_depth = rnd, wrong, unknown, sparse, max_depth
        self.clean = clean
        self.turn: Dict[type, int] = {}

    def value(self, kind: str, depth: int = 0, *, subtype: Optional[str] = None) -> Any:
        rnd = self.rnd
        if rnd.random() < self.wrong:
            return rnd.choice(WRONG)
        if kind.startswith("list["):
            inner = kind[5:-1]
            return [self.value(inner, depth + 1) for _ in range(rnd.randint(0, 2 if depth < 3 else 1))]
        if kind.startswith("dict("):
            inner = kind.split(", ", 1)[1][:-1]
            return {
                rnd.choice(["a", "principe", "ü", ""]): self.value(inner, depth + 1) for _ in range(rnd.randint(0, 2))
            }
        if kind == "str":
            return rnd.choice(STRINGS)
        if kind in ("int", "long"):
            return rnd.choice([0, 1, -5, 123, 2**64])
        if kind == "float":
            return rnd.choice([0.5, 1280, 160, -0.0, 1e300, 3])
        if kind == "bool":
            return rnd.choice([True, False])
        if kind == "datetime":
            return rnd.choice(STAMPS[:3]) if self.clean or rnd.random() < 0.6 else rnd.choice(STAMPS)
        if kind == "date":
            return rnd.choice(["2026-11-26", "2026-11-26T20:00:00Z", "x"])
        if kind == "object":
            return rnd.choice([{"a": [1, "b", None]}, "x", 3, 1.5, [1, {"c": True}], {}])
        return self.model(_load(kind), depth, subtype=subtype)

    def model(self, cls: type, depth: int = 0, *, subtype: Optional[str] = None) -> Any:
        rnd = self.rnd
        if issubclass(cls, Enum):
            members = [m.value for m in cls]
            return rnd.choice(members) if self.clean or rnd.random() > 0.05 else rnd.choice(["BOGUS", "", 3])
        if depth > self.max_depth:
            return None
        data: Dict[str, Any] = {}
        if hasattr(cls, "get_real_child_model") and getattr(cls, "discriminator_value_class_map", None):
            mapping = cls.discriminator_value_class_map
            if subtype is None:  # take the subtypes in turn, so every one comes up
                keys = sorted(mapping)
                n = self.turn.get(cls, rnd.randrange(len(keys)))
                self.turn[cls] = n + 1
                subtype = keys[n % len(keys)] if self.clean or rnd.random() > 0.02 else "Unknown.Type"
            data[cls.json_discriminator_key] = subtype
            target = _load(mapping[subtype]) if subtype in mapping else cls
        else:
            target = cls
        names = target.attribute_map
        for attr, kind in target.deserialized_types.items():
            key = names.get(attr, attr)
            if key in data or (rnd.random() < self.sparse and depth > 0):
                continue
            data[key] = self.value(kind, depth + 1)
        if rnd.random() < self.unknown:
            data[rnd.choice(UNKNOWN_KEYS)] = rnd.choice(["x", 1, {"y": [2]}, None])
        return data


def generated_envelopes(per_type: int = 4, seed: int = 16) -> List[Dict[str, Any]]:
    from ask_sdk_model import Request, RequestEnvelope

    rnd = random.Random(seed)
    out = []
    for request_type in sorted(Request.discriminator_value_class_map):
        for i in range(per_type):
            gen = Generator(
                rnd,
                wrong=0.0 if i < 2 else 0.03,
                unknown=0.0 if i == 0 else 0.05,
                sparse=0.0 if i == 1 else 0.3,
                max_depth=3 if i == 1 else 5,
                clean=i < 2,
            )
            env = gen.model(RequestEnvelope)
            env["request"] = gen.value("ask_sdk_model.request.Request", 1, subtype=request_type)
            out.append(env)
    return out


def model_objects(seed: int = 16) -> List[Any]:
    """An instance of every model class, made by DefaultSerializer from generated JSON (so unknown
    keys, odd values and all), for the serialize side."""
    from ask_sdk_core.serialize import DefaultSerializer

    sdk = DefaultSerializer()
    rnd = random.Random(seed)
    out = []
    for cls in all_model_classes():
        if issubclass(cls, Enum):
            out.append(next(iter(cls)))
            continue
        for i in range(2):
            gen = Generator(rnd, wrong=0.0, unknown=0.1, sparse=0.3 * i, max_depth=4)
            try:
                out.append(sdk.deserialize(json.dumps(gen.model(cls)), f"{cls.__module__}.{cls.__name__}"))
            except Exception:
                pass
    return out


class Slotted:
    __slots__ = ("a",)


class NoTypes:
    pass


def generated_responses() -> List[Any]:
    """ResponseEnvelopes with every directive type, odd session attribute values, and values the SDK
    refuses (it raises AttributeError for an object it does not know)."""
    from ask_sdk_model import Directive, Response, ResponseEnvelope
    from ask_sdk_model.ui import PlayBehavior, SsmlOutputSpeech

    from ask_sdk_core.serialize import DefaultSerializer

    sdk = DefaultSerializer()
    rnd = random.Random(16)
    out = []
    for kind in sorted(Directive.discriminator_value_class_map):
        gen = Generator(rnd, wrong=0.0, unknown=0.0, max_depth=4)
        directive = gen.value("ask_sdk_model.directive.Directive", 1, subtype=kind)
        try:
            obj = sdk.deserialize(
                json.dumps({"version": "1.0", "response": {"directives": [directive]}}), ResponseEnvelope
            )
        except Exception:
            continue
        out.append(obj)
    speech = SsmlOutputSpeech(ssml="<speak>x</speak>", play_behavior=PlayBehavior.REPLACE_ALL)
    odd = [
        {"t": (1, "a", (2,))},
        {"d": Decimal("3"), "e": Decimal("2.5")},
        {"when": datetime(2026, 1, 1)},
        {"day": date(2026, 1, 1)},
        {"enum": PlayBehavior.ENQUEUE},
        {"model": speech},
        {"nested": [{"x": [None, True, 1, 1.5, "s"]}]},
        {"big": 2**80, "nan": math.nan, "inf": math.inf},
        {"sur": "\ud800"},
        {1: "int key", None: "none key"},
        {"obj": NoTypes()},
        {"slot": Slotted()},
        {"b": b"bytes"},
        {"set": {1, 2}},
        {"od": __import__("collections").OrderedDict(a=1)},
    ]
    for attrs in odd:
        out.append(
            ResponseEnvelope(
                version="1.0",
                session_attributes=attrs,
                response=Response(output_speech=speech, should_end_session=False),
            )
        )
    shadow = Response(output_speech=speech)
    shadow.deserialized_types = {"output_speech": "x"}  # an instance attribute the SDK reads
    out.append(ResponseEnvelope(version="1.0", response=shadow))
    out.append(None)
    out.append([speech, (speech,)])
    return out


# ------------------------------------------------------------------------------------------------
# comparison


def outcome(fn, *args) -> Any:
    """fn(*args), or ("raised", exception type, message)."""
    try:
        return fn(*args)
    except Exception as exc:  # the exceptions are part of what must be equal
        return _Raised(type(exc), str(exc))


class _Raised:
    def __init__(self, kind, message):
        self.kind, self.message = kind, message

    def __repr__(self):
        return f"raised {self.kind.__name__}: {self.message[:200]}"


def difference(a: Any, b: Any, path: str = "") -> Optional[str]:
    """None when a and b are the same in every respect that matters; else where they differ."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__} ({a!r:.80} / {b!r:.80})"
    if isinstance(a, _Raised):
        same = a.kind is b.kind and a.message == b.message
        return None if same else f"{path}: {a!r} != {b!r}"
    if isinstance(a, float):
        return (
            None
            if (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)
            else f"{path}: {a!r} != {b!r}"
        )
    if isinstance(a, datetime):
        if (a, a.fold, repr(a.tzinfo), type(a.tzinfo), a.utcoffset(), a.tzname()) != (
            b,
            b.fold,
            repr(b.tzinfo),
            type(b.tzinfo),
            b.utcoffset(),
            b.tzname(),
        ):
            return f"{path}: {a!r} != {b!r}"
        return None
    if isinstance(a, Enum):
        return None if a is b else f"{path}: {a!r} != {b!r}"
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)!r:.200} != {list(b)!r:.200}"
        for key in a:
            found = difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return difference(vars(a), vars(b), f"{path}<{type(a).__name__}>")
    return None if a == b else f"{path}: {a!r:.80} != {b!r:.80}"


def json_bytes(obj: Any) -> Any:
    """The response as the webservice (ensure_ascii=False) and Lambda (ensure_ascii=True) send it."""
    return outcome(lambda: (json.dumps(obj, ensure_ascii=False), json.dumps(obj)))


def deep_copy(env):
    return copy.deepcopy(env)


# ------------------------------------------------------------------------------------------------
# skill/serializer_code.py: the generated code compiled ahead (python -m tests.serializer_corpus --write-code)

CODE_FILE = _repo() / "skill" / "serializer_code.py"


def generated_sources(envelopes: List[Dict[str, Any]]) -> List[str]:
    """The source of every function FastSerializer generates for these requests and our skill's
    responses to them, each once, sorted."""
    from ask_sdk_model import RequestEnvelope

    from skill import serializer as S
    from skill.builder import build_skill
    from skill.config import SkillConfig

    saved, S._PRECOMPILED, S._RECORD = S._PRECOMPILED, {}, []
    try:
        skill = build_skill(SkillConfig(rng=random.Random(16)))
        ser = S.FastSerializer()
        for env in envelopes:
            request = ser.from_data(json.loads(json.dumps(env)), RequestEnvelope)
            try:
                ser.serialize(skill.invoke(request_envelope=request, context=None))
            except Exception:  # no handler for it: only the request side counts
                pass
        return sorted(set(S._RECORD))
    finally:
        S._PRECOMPILED, S._RECORD = saved, None


def code_module(sources: List[str]) -> str:
    out = [
        '"""GENERATED by `python -m tests.serializer_corpus --write-code`; do not edit.',
        "",
        "skill/serializer.py's generated readers and writers for the classes of the requests the tests and",
        "benches send (skill.dev.envelopes, full-size device envelopes included) and of our responses, compiled",
        "ahead so a cold start does not spend ~0.3 ms per class in compile(). Keyed by their source: any",
        "source not here (another ask-sdk-model, another class) is compiled at its first use instead.",
        '"""',
        "# flake8: noqa",
        "",
    ]
    for i, source in enumerate(sources):
        head, _, body = source.partition("\n")
        out += [head.replace(head[4 : head.index("(")], f"_{i}", 1), body, "", ""]
    out.append("CODE = {")
    out += [f"    {source!r}: _{i}.__code__," for i, source in enumerate(sources)]
    out.append("}")
    return "\n".join(out) + "\n"


def precompiled_envelopes() -> List[Dict[str, Any]]:
    return skill_envelopes()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--write-code"]:
        raise SystemExit("usage: python -m tests.serializer_corpus --write-code")
    CODE_FILE.write_text(code_module(generated_sources(precompiled_envelopes())), encoding="utf-8")
    print(f"wrote {CODE_FILE}")
