"""Check a skill package (skill.json + interactionModels/custom/<locale>.json) before uploading it.

check(package) returns a list of Problems; an empty list (or only warnings) means the model is sound.
Rules (the ones the Alexa developer console would reject, or that make the skill misunderstand):

- invocation name (nl-NL): two or more words, lower case, letters only, no launch phrases, no wake
  words, no connecting word at either end;
- samples: no digits or punctuation Alexa rejects (allowed: letters, spaces, periods of
  abbreviations, apostrophes, hyphens, {slot} references), not empty, at most 200 characters, no
  duplicates within an intent;
- every sample resolves to its own intent only: no sample of one intent is matched by another
  intent's sample (slots filled with each listed value and synonym);
- slot references defined in the intent; slot types defined; declared slots used;
- slot value ids unique within a type; a value or synonym belongs to one value only;
- sample count per custom intent (error below MIN_SAMPLES, warning below RECOMMENDED_SAMPLES);
- required built-in intents declared (Cancel, Help, Stop, NavigateHome) and Fallback recommended;
- manifest example phrases: start with "Alexa, ", name the skill with a launch phrase, and what
  follows resolves to an intent (not the fallback);
- manifest privacy: a skill that keeps a record per person (issue 9) says it uses personal information
  and gives a privacy policy and terms URL for the locale;
- manifest events (when present): each subscription is a skill event a handler answers
  (SKILL_DISABLED -> AlexaSkillEvent.SkillDisabled), the endpoint is a Lambda ARN or an https URL with a
  certificate type (`gesprekscoach subscribe-events` writes the block);
- intents with no handler, and handlers for intents the model does not declare (an intent on the
  grammar's pending_handlers list is tolerated while no handler declares it; a stale entry is a warning);
- the project's own model: the JSON equals what the sentence grammar builds (skill.dev.grammar), so a
  grammar change without `gesprekscoach build-model` fails (content is compared, not file times).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

from skill.dev import nlu

MIN_SAMPLES = 3
RECOMMENDED_SAMPLES = 10
MAX_SAMPLE_CHARS = 200
MAX_EXAMPLE_PHRASES = 3
REQUIRED_BUILTINS = ("AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.NavigateHomeIntent")
RECOMMENDED_BUILTINS = ("AMAZON.FallbackIntent",)
# Launch words (Dutch and English) an invocation name may not contain.
INVOCATION_LAUNCH_WORDS = {
    "open",
    "start",
    "begin",
    "vraag",
    "zeg",
    "vertel",
    "gebruik",
    "laat",
    "speel",
    "activeer",
    "ask",
    "launch",
    "tell",
    "run",
    "use",
    "talk",
    "play",
    "load",
    "resume",
    "stop",
    "annuleer",
}
INVOCATION_EDGE_WORDS = {
    "om",
    "of",
    "naar",
    "van",
    "voor",
    "met",
    "aan",
    "tegen",
    "en",
    "als",
    "dat",
    "te",
    "to",
    "from",
    "by",
    "if",
    "and",
    "whether",
    "de",
    "het",
    "een",
}
# In a sample: letters (any script), spaces, periods (abbreviations), apostrophes, hyphens.
SAMPLE_PUNCTUATION = " .'’-"
_SLOT = re.compile(r"\{([^{}]*)\}")


class Severity(StrEnum):
    ERROR = "error"  # the developer console would refuse the model, or the skill would misunderstand
    WARNING = "warning"  # allowed, but worth a look (check-model --strict counts these too)


ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Problem:
    severity: Severity
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


def errors(problems: Iterable[Problem]) -> List[Problem]:
    return [p for p in problems if p.severity is ERROR]


def handler_intents(handlers: Optional[Sequence[type]] = None) -> Dict[str, List[str]]:
    """Intent name -> names of the handler classes declaring it (IntentHandler.INTENTS)."""
    if handlers is None:
        from skill.handlers import HANDLERS as handlers
    out: Dict[str, List[str]] = {}
    for handler in handlers:
        for name in getattr(handler, "INTENTS", ()) or ():
            out.setdefault(name, []).append(handler.__name__)
    return out


def check(
    package: Path | str = nlu.DEFAULT_PACKAGE,
    *,
    locale: str = nlu.DEFAULT_LOCALE,
    handlers: Optional[Sequence[type]] = None,
    check_handlers: bool = True,
    check_grammar: Optional[bool] = None,
    pending: Optional[Sequence[str]] = None,
) -> List[Problem]:
    """Every problem found in the package folder (or a model JSON file: then no manifest checks).
    check_grammar (default: when package is the project's own) compares the model with the grammar;
    pending: intents waiting for a handler (default: the grammar's pending_handlers list)."""
    package = Path(package)
    own = package.resolve() == Path(nlu.DEFAULT_PACKAGE).resolve()
    if check_grammar is None:
        check_grammar = own
    problems: List[Problem] = []
    path = nlu.model_file(package, locale)
    if not path.exists():
        return [Problem(ERROR, str(path), "interaction model file not found")]
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem(ERROR, str(path), f"not readable JSON: {exc}")]
    model = nlu.model_from_json(raw, path)
    problems += check_invocation(model.invocation_name)
    problems += check_types(model)
    problems += check_intents(model)
    problems += check_conflicts(model)
    if package.is_dir():
        problems += check_manifest(package, model, locale)
        problems += check_manifest_privacy(package, locale)
        if check_handlers:
            problems += check_events(package, handlers)
    if check_handlers:
        if pending is None:
            pending = _pending(locale)
        problems += check_handler_coverage(model, handler_intents(handlers), pending)
    if check_grammar:
        problems += check_grammar_freshness(path, locale)
    return problems


def _pending(locale: str) -> List[str]:
    from skill.dev import grammar

    try:
        return grammar.pending_handlers(locale)
    except OSError:
        return []


def check_grammar_freshness(path: Path, locale: str) -> List[Problem]:
    """The model file must be exactly what the grammar builds now."""
    from skill.dev import grammar

    if not grammar.sentences_dir(locale).is_dir():
        return []
    try:
        problem = grammar.stale(path, locale)
    except Exception as exc:  # a broken grammar is reported, not a crash
        return [Problem(ERROR, "grammar", f"cannot build the model from the grammar: {exc}")]
    return [Problem(ERROR, str(path), f"is older than the sentence grammar: it {problem}")] if problem else []


# invocation name ---------------------------------------------------------------------------------


def check_invocation(name: str) -> List[Problem]:
    where = "invocationName"
    out: List[Problem] = []
    if not name or not name.strip():
        return [Problem(ERROR, where, "missing")]
    if name != name.lower():
        out.append(Problem(ERROR, where, f"{name!r} must be lower case"))
    if not re.fullmatch(r"[^\W\d_]+(?:[ .'][^\W\d_]*)*", name.strip()):
        out.append(
            Problem(
                ERROR,
                where,
                f"{name!r} may hold only letters, spaces, periods and apostrophes (no digits or other punctuation)",
            )
        )
    words = nlu.normalize(name).split()
    if len(words) < 2:
        out.append(Problem(ERROR, where, f"{name!r} must have two or more words"))
    for word in words:
        if word in INVOCATION_LAUNCH_WORDS:
            out.append(Problem(ERROR, where, f"{name!r} contains the launch word {word!r}"))
        if word in nlu.WAKE_WORDS:
            out.append(Problem(ERROR, where, f"{name!r} contains the wake word {word!r}"))
    if words and (words[0] in INVOCATION_EDGE_WORDS or words[-1] in INVOCATION_EDGE_WORDS):
        out.append(Problem(ERROR, where, f"{name!r} starts or ends with a connecting word"))
    return out


# slot types --------------------------------------------------------------------------------------


def check_types(model: nlu.Model) -> List[Problem]:
    out: List[Problem] = []
    used = {t for intent in model.intents.values() for t in intent.slots.values()}
    for type_name, values in model.types.items():
        where = f"slot type {type_name}"
        if not values:
            out.append(Problem(ERROR, where, "has no values"))
        if type_name not in used:
            out.append(Problem(WARNING, where, "is not used by any slot"))
        ids: Dict[str, int] = {}
        owner: Dict[str, str] = {}
        for value in values:
            if not value.id:
                out.append(Problem(ERROR, where, f"value {value.name!r} has no id"))
            elif value.id in ids:
                out.append(Problem(ERROR, where, f"id {value.id!r} is used by more than one value"))
            ids[value.id] = 1
            if not nlu.normalize(value.name):
                out.append(Problem(ERROR, where, f"value {value.id!r} has no name"))
            seen_here = set()
            for phrase in value.phrases():
                key = nlu.normalize(phrase)
                if not key:
                    continue
                if phrase.strip().lower() in seen_here:
                    out.append(Problem(WARNING, where, f"{phrase!r} is listed twice for value {value.id!r}"))
                    continue
                seen_here.add(phrase.strip().lower())
                if key in owner and owner[key] != value.id:
                    out.append(
                        Problem(
                            ERROR,
                            where,
                            f"{phrase!r} belongs to both {owner[key]!r} and "
                            f"{value.id!r}: entity resolution cannot choose",
                        )
                    )
                owner.setdefault(key, value.id)
    return out


# intents and samples -----------------------------------------------------------------------------


def check_intents(model: nlu.Model) -> List[Problem]:
    out: List[Problem] = []
    for name in REQUIRED_BUILTINS:
        if name not in model.intents:
            out.append(Problem(ERROR, "intents", f"the required built-in {name} is missing"))
    for name in RECOMMENDED_BUILTINS:
        if name not in model.intents:
            out.append(
                Problem(WARNING, "intents", f"{name} is missing: unmatched requests will go to some other intent")
            )
    for intent in model.intents.values():
        where = f"intent {intent.name}"
        for slot_name, type_name in intent.slots.items():
            if not type_name:
                out.append(Problem(ERROR, where, f"slot {slot_name!r} has no type"))
            elif not type_name.startswith("AMAZON.") and type_name not in model.types:
                out.append(Problem(ERROR, where, f"slot {slot_name!r} has the undefined type {type_name!r}"))
        referenced = set()
        seen: Dict[str, str] = {}
        for sample in intent.samples:
            swhere = f"{where} sample {sample!r}"
            refs = _SLOT.findall(sample)
            referenced.update(refs)
            for ref in refs:
                if ref not in intent.slots:
                    out.append(Problem(ERROR, swhere, f"refers to slot {{{ref}}} that the intent does not define"))
            literal = _SLOT.sub(" x ", sample).strip()
            if not sample.strip():
                out.append(Problem(ERROR, swhere, "is empty"))
            elif "{" in literal or "}" in literal:
                out.append(Problem(ERROR, swhere, "has an unbalanced brace"))
            elif re.search(r"\d", literal):
                out.append(Problem(ERROR, swhere, "has digits: write numbers as words"))
            else:
                bad = sorted({ch for ch in literal if not (ch.isalpha() or ch in SAMPLE_PUNCTUATION)})
                if bad:
                    out.append(Problem(ERROR, swhere, f"has characters Alexa rejects: {' '.join(bad)}"))
            if len(sample) > MAX_SAMPLE_CHARS:
                out.append(Problem(ERROR, swhere, f"is longer than {MAX_SAMPLE_CHARS} characters"))
            key = _SLOT.sub(lambda m: "{" + m.group(1) + "}", nlu.normalize(sample))
            if key in seen:
                out.append(Problem(ERROR, swhere, f"duplicates sample {seen[key]!r}"))
            seen.setdefault(key, sample)
        for slot_name in intent.slots:
            if slot_name not in referenced and intent.samples:
                out.append(Problem(WARNING, where, f"slot {slot_name!r} is not used in any sample"))
        if not intent.builtin:
            count = len(intent.samples)
            if count < MIN_SAMPLES:
                out.append(
                    Problem(
                        ERROR,
                        where,
                        f"has {count} samples; a custom intent needs at least "
                        f"{MIN_SAMPLES} (better {RECOMMENDED_SAMPLES} or more)",
                    )
                )
            elif count < RECOMMENDED_SAMPLES:
                out.append(
                    Problem(WARNING, where, f"has only {count} samples; {RECOMMENDED_SAMPLES} or more recommended")
                )
    return out


def _concrete(
    model: nlu.Model, intent: nlu.Intent, sample: str, phrases: Optional[Dict[str, List[str]]] = None
) -> List[str]:
    """Sentences a person could say for this sample, normalized: each slot in turn takes every listed
    value and synonym, the other slots their first value (AMAZON.* types: a placeholder word)."""
    pieces = _SLOT.split(sample)
    if len(pieces) == 1:
        return [nlu.normalize(sample)]
    phrases = {} if phrases is None else phrases

    def options(ref: str) -> List[str]:
        type_name = intent.slots.get(ref) or ""
        if type_name not in phrases:
            values = model.types.get(type_name) or []
            normalized = [nlu.normalize(p) for v in values for p in v.phrases()]
            phrases[type_name] = [p for p in dict.fromkeys(normalized) if p] or ["iets"]
        return phrases[type_name]

    literal = [nlu.normalize(piece) for piece in pieces[0::2]]
    refs = pieces[1::2]
    firsts = {ref: options(ref)[0] for ref in refs}
    out: List[str] = []
    for ref in dict.fromkeys(refs):
        for phrase in options(ref):
            fill = dict(firsts, **{ref: phrase})
            words = [literal[0]]
            for i, name in enumerate(refs):
                words += [fill[name], literal[i + 1]]
            out.append(" ".join(w for w in words if w))
    return out


_CONFLICTS_CACHE: Dict[str, List[Problem]] = {}


def check_conflicts(model: nlu.Model) -> List[Problem]:
    """No sample of one intent may be matched by a sample of another intent (a built-in phrase
    counts as a sample of its built-in intent). The answer depends only on the intents and slot
    types, so it is remembered for the last few models checked in this process."""
    key = json.dumps(
        [
            [(i.name, i.samples, sorted(i.slots.items())) for i in model.intents.values()],
            [(n, [(v.id, v.name, v.synonyms) for v in vs]) for n, vs in model.types.items()],
        ],
        ensure_ascii=False,
    )
    if key not in _CONFLICTS_CACHE:
        if len(_CONFLICTS_CACHE) >= 4:
            _CONFLICTS_CACHE.pop(next(iter(_CONFLICTS_CACHE)))
        _CONFLICTS_CACHE[key] = _find_conflicts(model)
    return list(_CONFLICTS_CACHE[key])


def _find_conflicts(model: nlu.Model) -> List[Problem]:
    resolver = nlu.Resolver(model)
    out: List[Problem] = []
    reported = set()
    tried = set()
    phrases: Dict[str, List[str]] = {}
    for intent, sample in nlu.iter_samples(model):
        if _SLOT.sub("", sample) and re.search(r"\d", _SLOT.sub("", sample)):
            continue  # reported as a character problem
        for sentence in _concrete(model, intent, sample, phrases):
            if (intent.name, sentence) in tried:
                continue
            tried.add((intent.name, sentence))
            for _, template, _ in resolver.matches(sentence, wildcard=False, normalized=True):
                if template.intent == intent.name:
                    continue
                key = (intent.name, sample, template.intent, template.sample)
                if key in reported:
                    continue
                reported.add(key)
                what = "built-in phrase" if template.builtin_phrase else "sample"
                said = "" if sentence == nlu.normalize(sample) else f" (said as {sentence!r})"
                out.append(
                    Problem(
                        ERROR,
                        f"intent {intent.name} sample {sample!r}",
                        f"is also matched by {template.intent}'s {what} {template.sample!r}{said}",
                    )
                )
    return out


# manifest ----------------------------------------------------------------------------------------


def check_manifest(package: Path, model: nlu.Model, locale: str) -> List[Problem]:
    path = package / "skill.json"
    if not path.exists():
        return [Problem(ERROR, str(path), "skill manifest not found")]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem(ERROR, str(path), f"not readable JSON: {exc}")]
    info = (((manifest.get("manifest") or {}).get("publishingInformation") or {}).get("locales") or {}).get(locale)
    if info is None:
        return [Problem(ERROR, "skill.json", f"no publishing information for {locale}")]
    phrases = info.get("examplePhrases") or []
    out: List[Problem] = []
    if not phrases:
        out.append(Problem(ERROR, "skill.json examplePhrases", "none given"))
    if len(phrases) > MAX_EXAMPLE_PHRASES:
        out.append(Problem(ERROR, "skill.json examplePhrases", f"more than {MAX_EXAMPLE_PHRASES}"))
    resolver = nlu.Resolver(model)
    for index, phrase in enumerate(phrases):
        where = f"skill.json example phrase {phrase!r}"
        if not re.match(r"^Alexa, \S", phrase):
            out.append(Problem(ERROR, where, "must start with 'Alexa, '"))
        if re.search(r"\d", phrase):
            out.append(Problem(ERROR, where, "has digits: write numbers as words"))
        parsed = resolver.parse_invocation(phrase)
        if parsed is None:
            out.append(
                Problem(
                    ERROR,
                    where,
                    f"does not open the skill by its invocation name {model.invocation_name!r} with a launch phrase",
                )
            )
            continue
        kind, rest = parsed
        if kind == "launch":
            if index != 0:
                out.append(Problem(WARNING, where, "only the first example phrase should be a plain launch"))
            continue
        resolution = resolver.resolve_one_shot(rest)
        if resolution.fallback:
            out.append(Problem(ERROR, where, f"{rest!r} does not resolve to any intent"))
        elif any(s.custom and s.id is None for s in resolution.slots):
            out.append(
                Problem(
                    ERROR, where, f"{rest!r} resolves to {resolution.describe()}, with a slot value that is not listed"
                )
            )
    return out


# skill events and privacy --------------------------------------------------------------------------

# Skill event subscription names (manifest.events.subscriptions) -> the request type Alexa sends.
EVENT_REQUEST_TYPES = {
    "SKILL_ENABLED": "AlexaSkillEvent.SkillEnabled",
    "SKILL_DISABLED": "AlexaSkillEvent.SkillDisabled",
    "SKILL_PERMISSION_ACCEPTED": "AlexaSkillEvent.SkillPermissionAccepted",
    "SKILL_PERMISSION_CHANGED": "AlexaSkillEvent.SkillPermissionChanged",
    "SKILL_ACCOUNT_LINKED": "AlexaSkillEvent.SkillAccountLinked",
}
# The events the skill needs: disabling it deletes the person's record (issue 9).
REQUIRED_EVENTS = ("SKILL_DISABLED",)
LAMBDA_ARN = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")


def _read_manifest(package: Path) -> Optional[dict]:
    try:
        return json.loads((package / "skill.json").read_text(encoding="utf-8")).get("manifest") or {}
    except (OSError, ValueError, AttributeError):
        return None  # check_manifest reports it


def endpoint_problem(endpoint: object) -> Optional[str]:
    """Why an events endpoint ({"uri": ..., "sslCertificateType": ...}) is not usable, or None."""
    if not isinstance(endpoint, dict) or not isinstance(endpoint.get("uri"), str):
        return "no endpoint uri"
    uri = endpoint["uri"]
    if uri.startswith("arn:"):
        return None if LAMBDA_ARN.match(uri) else f"{uri!r} is not a Lambda function ARN"
    if not re.match(r"^https://[^/\s]+(/\S*)?$", uri):
        return f"{uri!r} is neither a Lambda function ARN nor an https URL"
    if endpoint.get("sslCertificateType") not in CERTIFICATE_TYPES:
        return f"an https endpoint needs sslCertificateType, one of {', '.join(CERTIFICATE_TYPES)}"
    return None


def handled_request_types(handlers: Optional[Sequence[type]] = None) -> List[str]:
    if handlers is None:
        from skill.handlers import HANDLERS as handlers
    return [h.REQUEST_TYPE for h in handlers if getattr(h, "REQUEST_TYPE", "")]


def check_events(package: Path, handlers: Optional[Sequence[type]] = None) -> List[Problem]:
    manifest = _read_manifest(package)
    if manifest is None or "events" not in manifest:
        return []  # subscribed after the first deploy, once the endpoint is known (docs/deploy.md)
    events = manifest["events"]
    where = "skill.json events"
    if not isinstance(events, dict):
        return [Problem(ERROR, where, "must be an object with endpoint and subscriptions")]
    out: List[Problem] = []
    problem = endpoint_problem(events.get("endpoint"))
    if problem:
        out.append(Problem(ERROR, where, problem))
    subscriptions = events.get("subscriptions")
    if not isinstance(subscriptions, list):
        return out + [Problem(ERROR, where, "subscriptions must be a list")]
    names = [s.get("eventName") if isinstance(s, dict) else None for s in subscriptions]
    handled = set(handled_request_types(handlers))
    for name in names:
        request_type = EVENT_REQUEST_TYPES.get(name)
        if request_type is None:
            out.append(Problem(ERROR, where, f"{name!r} is not a skill event this checker knows"))
        elif request_type not in handled:
            out.append(Problem(ERROR, where, f"{name} is subscribed, but no handler answers {request_type}"))
    for name in REQUIRED_EVENTS:
        if name not in names:
            out.append(Problem(ERROR, where, f"{name} is not subscribed (disabling the skill must delete the record)"))
    return out


def check_manifest_privacy(package: Path, locale: str) -> List[Problem]:
    manifest = _read_manifest(package)
    if manifest is None:
        return []
    privacy = manifest.get("privacyAndCompliance") or {}
    where = "skill.json privacyAndCompliance"
    out: List[Problem] = []
    if privacy.get("usesPersonalInfo") is not True:
        out.append(
            Problem(
                ERROR,
                where,
                "usesPersonalInfo must be true: the skill keeps a record per person under a hash of the "
                "Alexa user id, which is still personal data (docs/deploy.md)",
            )
        )
    urls = (privacy.get("locales") or {}).get(locale) or {}
    for key in ("privacyPolicyUrl", "termsOfUseUrl"):
        if not str(urls.get(key, "")).startswith("https://"):
            out.append(Problem(ERROR, where, f"{locale} needs an https {key}"))
    return out


# handlers ----------------------------------------------------------------------------------------


def check_handler_coverage(
    model: nlu.Model, handled: Dict[str, List[str]], pending: Sequence[str] = ()
) -> List[Problem]:
    out: List[Problem] = []
    for name in pending:
        if name in handled:
            out.append(
                Problem(WARNING, f"intent {name}", "has a handler now: remove it from pending_handlers in the grammar")
            )
    for name in model.intents:
        if name not in handled and name in pending:
            continue  # its handler is being written on another branch
        if name not in handled:
            out.append(Problem(ERROR, f"intent {name}", "no handler declares it (only the catch-all would answer it)"))
    for name, owners in sorted(handled.items()):
        if name not in model.intents:
            out.append(
                Problem(
                    ERROR,
                    f"handler {', '.join(owners)}",
                    f"handles {name}, which the interaction model does not declare",
                )
            )
    return out


def summary(package: Path | str = nlu.DEFAULT_PACKAGE, locale: str = nlu.DEFAULT_LOCALE) -> str:
    model = nlu.load_model(package, locale)
    samples = sum(len(i.samples) for i in model.intents.values())
    values = sum(len(v) for v in model.types.values())
    return (
        f"{model.invocation_name!r}: {len(model.intents)} intents, {samples} samples, "
        f"{len(model.types)} slot types with {values} values"
    )
