"""Random and mutated Alexa request envelopes, for the property tests and for bench/fuzz.py.

One mutator, two sources of choices:

- ``HypothesisDraw(data)``: choices drawn from hypothesis (``st.data()``), so failures shrink;
- ``RandomDraw(random.Random(seed))``: plain seeded randomness, for the long fuzz run against a live
  server (bench/fuzz.py), where hypothesis' per-example overhead is not wanted.

``envelope(draw)`` picks a realistic base envelope (every request type Alexa sends, our intents and
unknown ones, slots with and without resolution, real and garbage session attributes) and then
applies a few mutations (delete a key, swap a value for one of another type, huge strings, odd
Unicode, extra keys, garbage or oversized session attributes).
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from skill.dev import envelopes as E

PRINCIPLE_IDS = [
    "luisteren",
    "vertrouwen",
    "non_verbaal",
    "open_vragen",
    "parafraseren",
    "gevoelens",
    "opties",
    "grenzen",
    "cultuur",
    "afsluiten",
]
OUR_INTENTS = [
    "TipIntent",
    "PrincipleIntent",
    "ExamplesIntent",
    "ListPrinciplesIntent",
    "CrisisIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
]
OTHER_INTENTS = [
    "QuizIntent",
    "StartQuizIntent",
    "QuizAnswerIntent",
    "ChecklistIntent",
    "AnswerIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.LoopOffIntent",
    "AMAZON.ShuffleOnIntent",
    "AMAZON.SendToPhoneIntent",
    "AMAZON.SelectIntent",
    "HelloWorldIntent",
    "",
    "x" * 300,
    "Intent\u0000Null",
    "Ïntent.ünïcode",
    "AMAZON.",
]
SLOT_NAMES = ["principe", "antwoord", "letter", "Principe", "", "nummer", "x" * 100]
# Request types Alexa sends to custom skills (and some it sends to other kinds), plus nonsense.
REQUEST_TYPES = [
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
    "SessionResumedRequest",
    "System.ExceptionEncountered",
    "Connections.Response",
    "Connections.Request",
    "Display.ElementSelected",
    "Alexa.Presentation.APL.UserEvent",
    "Alexa.Presentation.APL.LoadIndexListData",
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed",
    "PlaybackController.NextCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.PreviousCommandIssued",
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "AlexaHouseholdListEvent.ItemsCreated",
    "Messaging.MessageReceived",
    "Reminders.ReminderCreated",
    "Dialog.API.Invoked",
    "Dialog.InputRequest",
    "GameEngine.InputHandlerEvent",
    "CustomInterfaceController.EventsReceived",
    "LaunchRequest ",
    "launchrequest",
    "Unknown.Type",
]
SESSION_END_REASONS = ["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]
ER_CODES = ["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION"]
DIALOG_STATES = [None, "STARTED", "IN_PROGRESS", "COMPLETED"]
# Values outside ask-sdk-model's enums: the deserializer refuses them (a 400 on the webservice).
BAD_ENUMS = ["SOMETHING_ELSE", "BOGUS", "WEIRD", ""]

# Strings that tend to break things: odd Unicode, markup, huge.
NASTY_STRINGS = [
    "",
    " ",
    "\u0000",
    "\n\r\t",
    "\ufeff",
    "\u200b\u200d",
    "\u202etxet",
    "e\u0301\u0301\u0301",
    "\ud800",
    "\udfff",
    "a\ud83dz",
    "\U0001f600\U0001f4a9",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "<speak>",
    "</speak><audio src='x'/>",
    "&amp;&lt;&",
    "]]>",
    "<![CDATA[x]]>",
    "'\"\\",
    "%s%n{0}",
    "${jndi:ldap://x}",
    "null",
    "true",
    "0",
    "-1",
    "1e309",
    "NaN",
    "ŁÓDŹ",
    "ij IJ ß ẞ",
    "afsluiten",
    "open_vragen",
    "luisteren ",
    "AFSLUITEN",
    "x" * 10_000,
    "é" * 5000,
    "😀" * 3000,
    "<" * 2000,
    "&" * 3000,
]


class Draw:
    """The choices the mutator makes; two implementations below."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.integer(0, len(seq) - 1)]

    def boolean(self) -> bool:
        return self.integer(0, 1) == 1

    def text(self) -> str:
        raise NotImplementedError

    def json_value(self, depth: int = 0) -> Any:
        raise NotImplementedError


class RandomDraw(Draw):
    def __init__(self, rnd: random.Random):
        self.rnd = rnd

    def integer(self, lo: int, hi: int) -> int:
        return self.rnd.randint(lo, hi)

    def text(self) -> str:
        kind = self.rnd.randint(0, 3)
        if kind == 0:
            return self.rnd.choice(NASTY_STRINGS)
        if kind == 1:  # random code points, surrogates included
            return "".join(chr(self.rnd.randint(0, 0x10FFFF)) for _ in range(self.rnd.randint(0, 40)))
        if kind == 2:
            return "".join(chr(self.rnd.randint(32, 0x2FF)) for _ in range(self.rnd.randint(0, 40)))
        return self.rnd.choice(NASTY_STRINGS) * self.rnd.randint(1, 3)

    def json_value(self, depth: int = 0) -> Any:
        kind = self.rnd.randint(0, 8 if depth < 3 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return self.rnd.choice([True, False])
        if kind == 2:
            return self.rnd.choice([0, -1, 1, 2**31, -(2**63), 10**30, 7])
        if kind == 3:
            return self.rnd.choice([0.5, -0.0, 1e308, -1e-308, 3.14])
        if kind in (4, 5, 6):
            return self.text()
        if kind == 7:
            return [self.json_value(depth + 1) for _ in range(self.rnd.randint(0, 4))]
        return {self.text()[:20]: self.json_value(depth + 1) for _ in range(self.rnd.randint(0, 4))}


class HypothesisDraw(Draw):
    """Choices from a hypothesis ``st.data()`` object (so failing examples shrink)."""

    def __init__(self, data):
        from hypothesis import strategies as st

        self.data = data
        self.st = st
        text = st.one_of(
            st.sampled_from(NASTY_STRINGS),
            st.text(st.characters(codec=None, categories=None), max_size=40),
            st.text(max_size=40),
        )
        self._text = text
        scalars = st.one_of(
            st.none(),
            st.booleans(),
            st.integers(min_value=-(2**63), max_value=10**30),
            st.floats(allow_nan=False, allow_infinity=False),
            text,
        )
        self._json = st.recursive(
            scalars,
            lambda inner: st.one_of(
                st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
            ),
            max_leaves=8,
        )

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(min_value=lo, max_value=hi))

    def text(self) -> str:
        return self.data.draw(self._text)

    def json_value(self, depth: int = 0) -> Any:
        return self.data.draw(self._json)


# ----------------------------------------------------------------------------------------------------
# base envelopes


def _slots(draw: Draw, well_formed: bool = False) -> List[Dict[str, Any]]:
    out = []
    for _ in range(draw.integer(0, 2)):
        name = draw.choice(SLOT_NAMES)
        kind = draw.integer(0, 4)
        if kind == 0:  # resolved to one of ours
            pid = draw.choice(PRINCIPLE_IDS)
            out.append(E.slot(name, pid.replace("_", " "), resolved_id=pid))
        elif kind == 1:  # heard, not matched
            out.append(E.slot(name, draw.text(), no_match=True))
        elif kind == 2:  # no resolution at all
            out.append(E.slot(name, draw.text()))
        elif kind == 3:  # empty slot (nothing said)
            out.append(E.slot(name))
        else:  # resolved to an id we do not know, or an odd ER status
            s = E.slot(name, draw.text(), resolved_id=draw.text())
            s["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] = draw.choice(
                ER_CODES if well_formed else ER_CODES + BAD_ENUMS
            )
            out.append(s)
    return out


def real_attributes(draw: Draw) -> Dict[str, Any]:
    """Session attributes of the kind our skill writes (v1 state), sometimes tampered."""
    attrs: Dict[str, Any] = {"v": 1}
    if draw.boolean():
        attrs["ctx"] = {
            "k": draw.choice(["tip", "principle", "examples", "list", "quiz"]),
            "p": draw.choice(PRINCIPLE_IDS + [None, "onbekend"]),
            "i": draw.integer(-2, 40),
        }
    if draw.boolean():
        attrs["offer"] = draw.choice(["tip", "examples", "next", "crisis", "quiz", "checklist", "BAD OFFER"])
    if draw.boolean():
        attrs["seen"] = [draw.integer(-1, 60) for _ in range(draw.integer(0, 6))]
    if draw.boolean():
        attrs["rot"] = {draw.choice(["welcome", "tip_intro", "help", "zz"]): draw.integer(-1, 120)}
    if draw.boolean():
        attrs["last"] = {
            "s": draw.choice(
                [
                    "<speak>Hallo</speak>",
                    "<speak>" + "a" * 9000 + "</speak>",
                    "<speak><audio src='https://x'/></speak>",
                    "geen ssml",
                ]
            )
        }
    if draw.boolean():
        attrs[draw.choice(["quiz", "chk", "zz", "Quiz", "x" * 40])] = draw.json_value()
    return attrs


def garbage_attributes(draw: Draw) -> Any:
    kind = draw.integer(0, 4)
    if kind == 0:
        return draw.json_value()
    if kind == 1:  # oversized
        return {"v": 1, "blob": "x" * draw.choice([1000, 30_000, 100_000])}
    if kind == 2:  # many feature sections, each big
        return {"v": 1, **{f"s{i}": {"data": "y" * 4000} for i in range(draw.integer(1, 20))}}
    if kind == 3:
        return {"v": draw.json_value(), "ctx": draw.json_value(), "seen": draw.json_value()}
    return {draw.text()[:30]: draw.json_value() for _ in range(draw.integer(0, 5))}


def base_envelope(draw: Draw, *, well_formed: bool = False, timestamp: Optional[str] = None) -> Dict[str, Any]:
    """A realistic envelope. well_formed: only values ask-sdk-model accepts (valid enums, session
    attributes an object), so the skill itself must answer it."""
    kind = draw.integer(0, 9)
    attrs = None
    if draw.integer(0, 2) == 0:
        attrs = real_attributes(draw)
    elif draw.integer(0, 3) == 0:
        attrs = garbage_attributes(draw)
        if well_formed and not isinstance(attrs, dict):
            attrs = {"v": attrs}
    if kind == 0:
        env = E.launch()
    elif kind in (1, 2, 3, 4):
        env = E.intent(draw.choice(OUR_INTENTS), _slots(draw, well_formed), new=draw.boolean())
    elif kind == 5:
        env = E.intent(
            draw.choice(OTHER_INTENTS),
            _slots(draw, well_formed),
            new=draw.boolean(),
            dialog_state=draw.choice(DIALOG_STATES if well_formed else DIALOG_STATES + BAD_ENUMS),
        )
    elif kind == 6:
        err = {"type": "INVALID_RESPONSE", "message": draw.text()} if draw.boolean() else None
        env = E.session_ended(
            draw.choice(SESSION_END_REASONS if well_formed else SESSION_END_REASONS + BAD_ENUMS), error=err
        )
    else:
        env = E.launch()
        env["request"]["type"] = draw.choice(REQUEST_TYPES)
        if env["request"]["type"] == "CanFulfillIntentRequest":
            env["request"]["intent"] = {"name": draw.choice(OUR_INTENTS + OTHER_INTENTS), "slots": {}}
    if timestamp is not None:
        env["request"]["timestamp"] = timestamp
    if attrs is not None:
        env["session"]["attributes"] = attrs
        env["session"]["new"] = False
    return env


# ----------------------------------------------------------------------------------------------------
# mutations


def _paths(obj: Any, prefix: Tuple = ()) -> List[Tuple]:
    out = []
    if isinstance(obj, dict):
        for key in obj:
            out.append(prefix + (key,))
            out += _paths(obj[key], prefix + (key,))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            out.append(prefix + (i,))
            out += _paths(item, prefix + (i,))
    return out


def _parent(env: Any, path: Tuple) -> Any:
    node = env
    for key in path[:-1]:
        node = node[key]
    return node


def _other_type(draw: Draw, value: Any) -> Any:
    choices: List[Callable[[], Any]] = [
        lambda: None,
        lambda: 0,
        lambda: True,
        lambda: [],
        lambda: {},
        lambda: draw.text(),
        lambda: draw.json_value(),
        lambda: 1.5,
    ]
    return choices[draw.integer(0, len(choices) - 1)]()


def mutate(draw: Draw, env: Dict[str, Any]) -> Dict[str, Any]:
    paths = _paths(env)
    if not paths:
        return env
    path = paths[draw.integer(0, len(paths) - 1)]
    parent = _parent(env, path)
    key = path[-1]
    op = draw.integer(0, 6)
    if op == 0:  # missing key / element
        del parent[key]
    elif op == 1:  # wrong type
        parent[key] = _other_type(draw, parent[key])
    elif op == 2:  # a string value made odd or huge
        parent[key] = draw.text() if draw.boolean() else draw.choice(NASTY_STRINGS) * draw.integer(1, 20)
    elif op == 3 and isinstance(parent[key], dict):  # an extra key
        parent[key][draw.text()[:40]] = draw.json_value()
    elif op == 4:  # session attributes: garbage or oversized
        if isinstance(env.get("session"), dict):
            env["session"]["attributes"] = garbage_attributes(draw)
    elif op == 5:  # the request type, swapped
        if isinstance(env.get("request"), dict):
            env["request"]["type"] = draw.choice(REQUEST_TYPES)
    else:  # an unknown intent
        req = env.get("request")
        if isinstance(req, dict):
            req["type"] = "IntentRequest"
            req["intent"] = {
                "name": draw.choice(OTHER_INTENTS),
                "confirmationStatus": "NONE",
                "slots": {s["name"]: s for s in _slots(draw)},
            }
    return env


def envelope(draw: Draw, *, max_mutations: int = 3, timestamp: Optional[str] = None) -> Dict[str, Any]:
    """A base envelope with 0..max_mutations mutations (0 is common, so valid requests are covered).
    timestamp: the request timestamp to use (default: now), for servers with a fixed clock."""
    env = base_envelope(draw, timestamp=timestamp)
    for _ in range(draw.integer(0, max_mutations)):
        env = mutate(draw, env)
    return env


def to_body(env: Any) -> bytes:
    """JSON as Alexa would send it (lone surrogates escaped, as json.dumps does)."""
    return json.dumps(env).encode("utf-8")


def copy_env(env: Dict[str, Any]) -> Dict[str, Any]:
    return copy.deepcopy(env)


def lone_surrogate(obj: Any) -> bool:
    """True when obj cannot be encoded as UTF-8 JSON (it holds a lone surrogate)."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def attributes_of(env: Any) -> Any:
    session = env.get("session") if isinstance(env, dict) else None
    return session.get("attributes") if isinstance(session, dict) else None
