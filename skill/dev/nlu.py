"""Resolve what a person says to an intent and slots, from the real interaction model file, the way
Alexa's sample utterances work. Used by ``gesprekscoach chat`` and ``gesprekscoach check-model``.

- Sample templates with ``{slot}`` placeholders; case and punctuation are ignored.
- A custom slot matches its listed values and synonyms, resolved to the value's id
  (ER_SUCCESS_MATCH). In a sample with other words around the slot, unlisted words (one to five)
  also fill the slot, with ER_SUCCESS_NO_MATCH, as Alexa does; a sample that is nothing but a slot
  only takes listed values (otherwise it would swallow every sentence).
- Built-in AMAZON.* slot types take any words (no entity resolution).
- Built-in intents match their samples in the model plus a small set of Dutch phrases Alexa's
  built-in intents carry themselves (BUILTIN_PHRASES; only for built-ins the model declares).
- Anything unmatched is AMAZON.FallbackIntent.
- Precedence: an exact sample beats a sample with listed slot values, which beats one with unlisted
  words; within a class the sample with the most literal words wins, then model order.

It also knows the invocation phrases ("open empathisch gesprek", "vraag empathisch gesprek om een
tip"): see parse_invocation. No Flask, no SDK: plain JSON and regular expressions.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

DEFAULT_PACKAGE = Path(__file__).resolve().parents[2] / "interaction_model"  # skill/dev/nlu.py -> the checkout
DEFAULT_LOCALE = "nl-NL"
FALLBACK = "AMAZON.FallbackIntent"

# Phrases Alexa's built-in intents understand in Dutch without any sample in our model. A documented,
# deliberately small set: the words a person is most likely to say. Only used for built-ins the
# model declares. Keep them out of slot values (a literal phrase beats a slot value anyway).
BUILTIN_PHRASES: Dict[str, Tuple[str, ...]] = {
    "AMAZON.StopIntent": ("stop", "stoppen", "hou op", "houd op", "ophouden"),
    "AMAZON.CancelIntent": ("annuleer", "annuleren", "laat maar", "laat maar zitten", "vergeet het"),
    "AMAZON.HelpIntent": ("help", "hulp", "help me"),
    "AMAZON.YesIntent": ("ja", "jawel", "ja hoor", "ja graag", "oké", "okay", "ok"),
    "AMAZON.NoIntent": ("nee", "neen", "nee hoor", "nee dank je", "nee bedankt"),
    "AMAZON.NextIntent": ("volgende", "ga door", "de volgende"),
    "AMAZON.PreviousIntent": ("vorige", "ga terug", "terug"),
    "AMAZON.RepeatIntent": ("herhaal", "herhaal dat", "nog eens", "opnieuw zeggen"),
    "AMAZON.StartOverIntent": ("begin opnieuw", "opnieuw beginnen", "start opnieuw"),
    "AMAZON.NavigateHomeIntent": ("naar het begin", "terug naar het begin", "naar huis"),
    "AMAZON.MoreIntent": ("meer",),
    "AMAZON.PauseIntent": ("pauze", "pauzeer"),
    "AMAZON.ResumeIntent": ("ga verder", "hervat"),
}

# Invocation: "Alexa, open empathisch gesprek" launches; "Alexa, vraag empathisch gesprek om een tip"
# is a one-shot. Launch phrases may come before the invocation name; connecting words may follow it.
WAKE_WORDS = ("alexa", "amazon", "echo", "computer", "ziggy")
LAUNCH_PHRASES = (
    "open",
    "start",
    "begin",
    "vraag aan",
    "vraag",
    "zeg tegen",
    "zeg",
    "vertel",
    "gebruik",
    "laat",
    "speel",
    "activeer",
    "praat met",
    "spreek met",
    "ask",
    "open up",
    "launch",
    "tell",
    "start up",
    "run",
    "use",
    "talk to",
    "play",
    "load",
    "resume",
    "begin with",
)
# Words that may stand between the invocation name and the request ("vraag X om een tip", "vraag X
# hoe ik ..."). Tried as-is first, then with the connecting word removed.
CONNECTING_WORDS = (
    "om",
    "of",
    "naar",
    "hoe",
    "wat",
    "over",
    "voor",
    "dat",
    "te",
    "en",
    "met",
    "bij",
    "to",
    "for",
    "about",
    "if",
    "whether",
    "that",
)

_SLOT = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_NON_WORD = re.compile(r"[^\w{}]+|_")
WILDCARD_MAX_WORDS = 5


def normalize(text: str) -> str:
    """Lower case, punctuation and dashes to spaces, spaces collapsed (accents kept: é is a letter)."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)  # "opa's" -> "opas", as Alexa writes it without '
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass
class SlotValue:
    id: str
    name: str
    synonyms: List[str]

    def phrases(self) -> List[str]:
        return [self.name] + list(self.synonyms)


@dataclass
class Intent:
    name: str
    samples: List[str]
    slots: Dict[str, str]  # slot name -> type name

    @property
    def builtin(self) -> bool:
        return self.name.startswith("AMAZON.")


@dataclass
class Model:
    """The nl-NL language model of a skill package, as plain data."""

    invocation_name: str
    intents: Dict[str, Intent]
    types: Dict[str, List[SlotValue]]
    path: Optional[Path] = None
    raw: Dict[str, Any] = field(default_factory=dict)


def model_file(package: Path | str = DEFAULT_PACKAGE, locale: str = DEFAULT_LOCALE) -> Path:
    package = Path(package)
    if package.is_file():
        return package
    return package / "interactionModels" / "custom" / f"{locale}.json"


def load_model(package: Path | str = DEFAULT_PACKAGE, locale: str = DEFAULT_LOCALE) -> Model:
    """Load a model from a skill package folder (or the model JSON file itself)."""
    path = model_file(package, locale)
    raw = json.loads(path.read_text(encoding="utf-8"))
    return model_from_json(raw, path)


def model_from_json(raw: Dict[str, Any], path: Optional[Path] = None) -> Model:
    language = (raw.get("interactionModel") or raw).get("languageModel") or {}
    intents: Dict[str, Intent] = {}
    for item in language.get("intents") or []:
        slots = {s.get("name"): s.get("type") for s in item.get("slots") or [] if s.get("name")}
        intents[item.get("name")] = Intent(item.get("name"), list(item.get("samples") or []), slots)
    types: Dict[str, List[SlotValue]] = {}
    for item in language.get("types") or []:
        values = []
        for value in item.get("values") or []:
            name = value.get("name") or {}
            values.append(
                SlotValue(
                    str(value.get("id") or name.get("value") or ""),
                    name.get("value") or "",
                    list(name.get("synonyms") or []),
                )
            )
        types[item.get("name")] = values
    return Model(language.get("invocationName") or "", intents, types, path, raw)


# matching --------------------------------------------------------------------------------------


@dataclass
class SlotResult:
    name: str
    value: str
    type: str
    id: Optional[str] = None  # the resolved id (ER_SUCCESS_MATCH)
    resolved_name: Optional[str] = None
    custom: bool = True  # False for AMAZON.* types: no entity resolution

    @property
    def status(self) -> Optional[str]:
        if not self.custom:
            return None
        return "ER_SUCCESS_MATCH" if self.id is not None else "ER_SUCCESS_NO_MATCH"


@dataclass
class Resolution:
    intent: str
    slots: List[SlotResult]
    sample: Optional[str]  # the sample (template) that matched; None for a fallback
    text: str
    how: str = "model"  # "grammar" (exact, skill.dev.resolver), "model" (exact sample), "near", "distress"
    score: Optional[float] = None  # a near match's similarity, 0-100

    @property
    def near(self) -> bool:
        return self.how == "near"

    @property
    def fallback(self) -> bool:
        return self.sample is None

    def slot_dicts(self, skill_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The slots as Alexa sends them (skill.dev.envelopes.slot), with entity resolution."""
        from skill.dev import envelopes

        kwargs = {"skill_id": skill_id} if skill_id else {}
        out = []
        for s in self.slots:
            if s.custom:
                out.append(
                    envelopes.slot(
                        s.name,
                        s.value,
                        resolved_id=s.id,
                        resolved_name=s.resolved_name,
                        slot_type=s.type,
                        no_match=s.id is None,
                        **kwargs,
                    )
                )
            else:
                out.append(envelopes.slot(s.name, s.value, **kwargs))
        # slots the sample did not fill are still sent, without a value (as Alexa does)
        return out

    def describe(self) -> str:
        parts = [self.intent]
        for s in self.slots:
            parts.append(
                f"{s.name}={s.value!r}" + (f" -> {s.id}" if s.id else " (ER_SUCCESS_NO_MATCH)" if s.custom else "")
            )
        if self.near:
            parts.append(f"(near match {self.score:.0f}%: {self.sample!r})")
        if self.how == "distress":
            parts.append(f"(signs of distress: {self.sample!r})")
        return " ".join(parts)


# Intents an utterance reaches even while a slot is elicited, with slots or not (see elicited_resolution):
# distress, and leaving or resuming an activity ("stop met oefenen").
ALWAYS_HEARD = frozenset(
    {"CrisisIntent", "AbuseIntent", "DangerIntent", "LowMoodIntent", "LeaveIntent", "ResumeIntent"}
)


def elicited_resolution(
    found: "Resolution", intent_name: str, slot_name: str, model: "Model", text: str
) -> "Resolution":
    """What Alexa does while the skill elicits a slot (Dialog.ElicitSlot): the utterance fills that
    slot, whole, unless it was understood exactly as the elicited intent itself (a carrier phrase), as
    another intent without slots ("geef een hint", "herhaal", "stop"), or as one of ALWAYS_HEARD; those
    reach their intents as usual. found: the utterance (text) resolved the usual way."""
    exact = not found.fallback and not found.near
    if exact and (found.intent == intent_name or not found.slots or found.intent in ALWAYS_HEARD):
        return found
    intent = model.intents.get(intent_name)
    words = " ".join(text.split())  # the sentence as said or typed (the mode reads its punctuation)
    if intent is None or slot_name not in intent.slots or not normalize(words):
        return found
    slot = SlotResult(
        slot_name,
        words,
        intent.slots[slot_name] or "AMAZON.SearchQuery",
        custom=not (intent.slots[slot_name] or "AMAZON.").startswith("AMAZON."),
    )
    return Resolution(intent_name, [slot], "{%s}" % slot_name, text)


# precedence classes
EXACT, LISTED, WILDCARD = 0, 1, 2


@dataclass
class Template:
    intent: str
    sample: str
    literal_words: int
    slot_names: List[str]
    regex: "re.Pattern[str]"  # slots as generic word groups; the words are checked afterwards
    slot_types: List[str]  # type of each slot (AMAZON.* or custom)
    words: FrozenSet[str] = frozenset()  # the sample's literal words (all must occur in a match)
    builtin_phrase: bool = False

    @property
    def exact(self) -> bool:
        return not self.slot_names


class Resolver:
    """Resolves utterances against a Model. Build once, resolve many.

    A sample with slots is one regular expression with a word group per slot; whether the words in
    a group are a listed value (LISTED) or unlisted words (WILDCARD, at most WILDCARD_MAX_WORDS, only
    in a sample with words of its own) is decided after the match from the slot type's values. Samples
    are indexed by their rarest literal word, so a sentence is only tried against samples whose words
    it contains."""

    def __init__(self, model: Model, *, builtin_phrases: bool = True):
        self.model = model
        self.templates: List[Template] = []
        self._exact: Optional[Dict[str, List[Tuple[int, Template]]]] = None  # built on first use
        self._index: Dict[str, List[Tuple[int, Template]]] = {}
        self._bare: List[Tuple[int, Template]] = []  # slotted samples without literal words
        self._values: Dict[str, Dict[str, SlotValue]] = {}  # type -> normalized phrase -> value
        for type_name, values in model.types.items():
            table: Dict[str, SlotValue] = {}
            for value in values:
                for phrase in value.phrases():
                    table.setdefault(normalize(phrase), value)
            table.pop("", None)
            self._values[type_name] = table
        for intent in model.intents.values():
            for sample in intent.samples:
                template = self._compile(intent, sample)
                if template is not None:
                    self.templates.append(template)
            if builtin_phrases and intent.builtin:
                for phrase in BUILTIN_PHRASES.get(intent.name, ()):
                    template = self._compile(intent, phrase)
                    if template is not None:
                        template.builtin_phrase = True
                        self.templates.append(template)

    def _compile(self, intent: Intent, sample: str) -> Optional[Template]:
        pieces = _SLOT.split(sample)  # literal, slot, literal, slot, ...
        parts: List[str] = []
        slot_names: List[str] = []
        slot_types: List[str] = []
        words: List[str] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                for word in normalize(piece).split():
                    words.append(word)
                    parts.append(re.escape(word))
                continue
            slot_names.append(piece)
            slot_types.append(intent.slots.get(piece) or "AMAZON.SearchQuery")
            parts.append(rf"(?P<s{len(slot_names) - 1}>\S+(?: \S+)*?)")
        if not parts:
            return None
        return Template(
            intent.name, sample, len(words), slot_names, re.compile(" ".join(parts)), slot_types, frozenset(words)
        )

    def _build_index(self) -> None:
        self._exact = {}
        frequency: Dict[str, int] = {}
        for template in self.templates:
            for word in template.words:
                frequency[word] = frequency.get(word, 0) + 1
        for order, template in enumerate(self.templates):
            if template.exact:
                self._exact.setdefault(normalize(template.sample), []).append((order, template))
            elif not template.words:
                self._bare.append((order, template))
            else:
                key = min(template.words, key=lambda w: (frequency[w], w))
                self._index.setdefault(key, []).append((order, template))

    # ------------------------------------------------------------------------------------------
    def matches(
        self, text: str, *, wildcard: bool = True, normalized: bool = False
    ) -> List[Tuple[int, Template, Dict[str, str]]]:
        """Every template that matches text, as (class, template, {slot: words}), best first
        (normalized: text is already normalize()d)."""
        norm = text if normalized else normalize(text)
        if self._exact is None:
            self._build_index()
        said = set(norm.split())
        candidates = list(self._exact.get(norm, []))
        for order, template in self._bare:
            type_name = template.slot_types[0]
            if (
                len(template.slot_names) > 1
                or type_name.startswith("AMAZON.")
                or norm in self._values.get(type_name, ())
            ):
                candidates.append((order, template))
        for word in said:
            candidates += self._index.get(word, ())
        found = []
        for order, template in candidates:
            if not template.words <= said:
                continue
            match = template.regex.fullmatch(norm)
            if match is None:
                continue
            words = {name: match.group(f"s{i}") for i, name in enumerate(template.slot_names)}
            kind = self._kind(template, words)
            if kind is None and len(template.slot_names) > 1:
                words, kind = self._retry(template, norm)
            if kind is None or (kind == WILDCARD and not wildcard):
                continue
            found.append((kind, -template.literal_words, order, template, words))
        found.sort(key=lambda item: item[:3])
        return [(kind, template, words) for kind, _, _, template, words in found]

    def _kind(self, template: Template, words: Dict[str, str]) -> Optional[int]:
        if template.exact:
            return EXACT
        listed = True
        for name, type_name in zip(template.slot_names, template.slot_types):
            said = words[name]
            if type_name.startswith("AMAZON."):
                listed = False  # a built-in slot type took the words: rank as less specific
                if len(said.split()) > WILDCARD_MAX_WORDS * 2 + 1:
                    return None
            elif said not in self._values.get(type_name, {}):
                if not template.literal_words or len(said.split()) > WILDCARD_MAX_WORDS:
                    return None  # a bare slot takes listed values only
                listed = False
        return LISTED if listed else WILDCARD

    def _retry(self, template: Template, norm: str) -> Tuple[Dict[str, str], Optional[int]]:
        """A sample with several slots: try every way to split the words over the slots."""
        best: Tuple[Dict[str, str], Optional[int]] = ({}, None)
        pattern = template.regex.pattern.replace("*?)", "*)")
        for lazy in (template.regex, re.compile(pattern)):
            match = lazy.fullmatch(norm)
            if match is None:
                continue
            words = {name: match.group(f"s{i}") for i, name in enumerate(template.slot_names)}
            kind = self._kind(template, words)
            if kind is not None and (best[1] is None or kind < best[1]):
                best = (words, kind)
        return best

    def resolve(self, text: str) -> Resolution:
        found = self.matches(text)
        if not found:
            return Resolution(FALLBACK, [], None, text)
        _, template, words = found[0]
        intent = self.model.intents[template.intent]
        slots = [self._slot(intent, name, value) for name, value in words.items()]
        return Resolution(intent.name, slots, template.sample, text)

    def resolve_elicited(self, text: str, intent_name: str, slot_name: str) -> Resolution:
        return elicited_resolution(self.resolve(text), intent_name, slot_name, self.model, text)

    def _slot(self, intent: Intent, name: str, words: str) -> SlotResult:
        type_name = intent.slots.get(name) or "AMAZON.SearchQuery"
        if type_name.startswith("AMAZON."):
            return SlotResult(name, words, type_name, custom=False)
        value = self._values.get(type_name, {}).get(normalize(words))
        if value is None:
            return SlotResult(name, words, type_name)
        return SlotResult(name, words, type_name, id=value.id, resolved_name=value.name)

    # invocation -----------------------------------------------------------------------------
    def parse_invocation(self, text: str) -> Optional[Tuple[str, str]]:
        """("launch", "") for "(Alexa,) open empathisch gesprek", ("intent", rest) for a one-shot
        like "vraag empathisch gesprek om een tip" (rest: "om een tip"); None when text does not
        name the skill."""
        return parse_invocation(text, self.model.invocation_name)

    def resolve_one_shot(self, rest: str) -> Resolution:
        """Resolve what follows the invocation name: as said, else without a connecting word."""
        first = self.resolve(rest)
        words = normalize(rest).split()
        if first.fallback and len(words) > 1 and words[0] in CONNECTING_WORDS:
            second = self.resolve(" ".join(words[1:]))
            if not second.fallback:
                return second
        return first


def strip_wake_word(text: str) -> Tuple[bool, str]:
    words = normalize(text).split()
    if words and words[0] in WAKE_WORDS:
        return True, " ".join(words[1:])
    return False, " ".join(words)


def parse_invocation(text: str, invocation_name: str) -> Optional[Tuple[str, str]]:
    _, said = strip_wake_word(text)
    name = normalize(invocation_name)
    if not name:
        return None
    for phrase in sorted(LAUNCH_PHRASES, key=len, reverse=True):
        prefix = f"{phrase} {name}"
        if said == prefix:
            return "launch", ""
        if said.startswith(prefix + " "):
            return "intent", said[len(prefix) + 1 :]
    # "<invocation name> <request>" without a launch phrase is not something Alexa accepts
    if said == name:
        return "launch", ""
    return None


def iter_samples(model: Model) -> Iterable[Tuple[Intent, str]]:
    for intent in model.intents.values():
        for sample in intent.samples:
            yield intent, sample
