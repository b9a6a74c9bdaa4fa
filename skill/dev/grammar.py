"""The sentence grammar (``skill/locale/<locale>/sentences/*.yaml``) and the interaction model built from it.

Tooling and webservice only (``gesprekscoach build-model``, ``check-model``, ``chat``): it needs hassil and
PyYAML and is never imported on the Lambda path (skill.builder does not import it).

The grammar files are home-assistant/intents style YAML, in hassil's template syntax:

- ``intents: {Name: {data: [{sentences: [...]}]}}``: sentence templates per intent, with ``(a|b)``
  alternatives, ``[optional]`` words, ``<rule>`` references to shared ``expansion_rules`` and ``{list}``
  references that become the intent's slots;
- ``expansion_rules`` and ``skip_words`` (words the chat resolver may ignore, like "alsjeblieft");
- our own keys, which hassil never sees:
  ``slot_types: {TYPE: {list: name, values: [{id, name, synonyms}]}}`` (the Alexa slot types; a type with
  ``content: principles`` takes its values from skill/data/principles.json),
  ``open_values: {carriers: [...]}`` on a type whose unlisted values the chat resolver accepts (as
  ER_SUCCESS_NO_MATCH) in a sample that has one of those words,
  ``model: {max_samples, max_builtin_samples}`` (caps per intent), and
  ``pending_handlers: [Intent, ...]``: intents whose handler is being written on another branch; the
  handler cross-check tolerates them only while no handler declares them (remove the entry when it lands);
  ``builtin: AMAZON.SearchQuery`` on a slot type: a list that takes any words (a hassil wildcard list),
  emitted as that built-in type and never as a custom type;
  ``slot_samples: {Intent: {slot: [...]}}``: the samples Alexa uses while the skill elicits that slot
  (Dialog.ElicitSlot; "{antwoord_vrij}" alone is allowed there, not in an intent sample);
  ``dialog`` and ``prompts``: the interaction model's dialog model and its prompts, copied as they are.

Built-in intents (``AMAZON.*``) carry only sentences that extend what Alexa understands by itself; the
phrases Alexa knows without samples (skill.dev.nlu.BUILTIN_PHRASES) are added for the chat resolver only.

Building the model: every template is expanded with ``{slot}`` references kept; per intent, every
expansion of a block marked ``metadata: {model: all}`` (the most common phrasings) is a sample; then the
samples cover every template and every alternative of every template (greedy), then are filled up evenly to the
cap; a sample that two intents produce stays with the first intent and is reported; the output is
deterministic (same grammar and content -> byte-identical JSON).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml
from hassil import Intents
from hassil.expression import (
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sentence,
    Sequence as HSequence,
    TextChunk,
)

from skill import datafiles


from skill.dev import nlu

DEFAULT_LOCALE = "nl-NL"
EXPANSION_LIMIT = 4000  # expansions kept per template (spread evenly over all combinations)
DEFAULT_MAX_SAMPLES = 150
DEFAULT_MAX_BUILTIN_SAMPLES = 20
OWN_KEYS = ("slot_types", "model", "pending_handlers", "invocation_name", "slot_samples", "dialog", "prompts")
# Words no Dutch sample may end with (articles, prepositions that need a noun, conjunctions): an optional
# part that drops what follows leaves them dangling. (Separable particles like "uit", "over", "voor" and
# pronouns may end a Dutch sentence: "leg het uit", "sla deze over", "wat zei je".)
DANGLING_END_WORDS = frozenset(
    "de een om te van met bij als en of naar mijn jouw welke tegen tot zonder omdat want".split()
)
# Words that cannot stand alone before a bare slot: "dat {antwoord}" is what an optional "[ik denk]" leaves.
DANGLING_LEAD_WORDS = frozenset("dat als om te en of de het een van met die".split())


def sentences_dir(locale: str = DEFAULT_LOCALE) -> Path:
    return Path(datafiles.path("locale", locale, "sentences"))


def model_path(locale: str = DEFAULT_LOCALE) -> Path:
    return nlu.model_file(nlu.DEFAULT_PACKAGE, locale)


# loading -----------------------------------------------------------------------------------------


@dataclass
class SlotType:
    name: str
    list_name: str
    values: List[nlu.SlotValue]
    open_values: bool = False  # people say values we do not list (the chat resolver's model step)
    carriers: FrozenSet[str] = frozenset()  # ... after one of these words ("help me met koken")
    builtin: str = ""  # an Alexa built-in type (AMAZON.SearchQuery) whose slot takes any words


@dataclass
class Grammar:
    locale: str
    raw: Dict[str, Any]  # the merged YAML (with our own keys)
    intents: Intents  # hassil's view: templates, rules, lists, skip words
    slot_types: Dict[str, SlotType]  # Alexa type name -> values
    list_types: Dict[str, str]  # list (= slot) name -> Alexa type name
    intent_order: List[str]
    pending_handlers: List[str]
    max_samples: int
    max_builtin_samples: int
    invocation_name: str
    files: List[Path] = field(default_factory=list)

    def slots_of(self, intent: str) -> List[str]:
        """Slot names an intent's templates refer to, in order of first use."""
        names: List[str] = []
        for data in self.intents.intents[intent].data:
            for sentence in data.sentences:
                for ref in _list_refs(sentence.expression, self.intents.expansion_rules):
                    if ref not in names:
                        names.append(ref)
        return names

    def builtin(self, intent: str) -> bool:
        return intent.startswith("AMAZON.")


def _merge(into: Dict[str, Any], other: Dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        else:
            into[key] = value


def _principle_values() -> List[nlu.SlotValue]:
    from skill.content import load_content

    return [nlu.SlotValue(p.id, p.name, [s for s in p.synonyms if s != p.name]) for p in load_content()]


def load_grammar(locale: str = DEFAULT_LOCALE, directory: Optional[Path] = None) -> Grammar:
    directory = Path(directory) if directory else sentences_dir(locale)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no grammar files in {directory}")
    raw: Dict[str, Any] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _merge(raw, data)
    slot_types: Dict[str, SlotType] = {}
    for type_name, spec in (raw.get("slot_types") or {}).items():
        if spec.get("content") == "principles":
            values = _principle_values()
        else:
            values = [
                nlu.SlotValue(str(v["id"]), str(v["name"]), [str(s) for s in v.get("synonyms") or []])
                for v in spec.get("values") or []
            ]
        open_values = spec.get("open_values") or False
        carriers = frozenset(open_values.get("carriers") or ()) if isinstance(open_values, dict) else frozenset()
        slot_types[type_name] = SlotType(
            type_name, spec["list"], values, bool(open_values), carriers, str(spec.get("builtin") or "")
        )
    list_types = {t.list_name: t.builtin or t.name for t in slot_types.values()}
    hassil_dict = {k: v for k, v in raw.items() if k not in OWN_KEYS}
    hassil_dict.setdefault("language", locale.split("-")[0])
    hassil_dict["lists"] = {
        t.list_name: {"wildcard": True}
        if t.builtin
        else {
            "values": [
                {"in": phrase, "out": v.id}
                for v in t.values
                for phrase in dict.fromkeys(nlu.normalize(p) for p in v.phrases())
                if phrase
            ]
        }
        for t in slot_types.values()
    }
    # Phrases Alexa's built-ins know by themselves: for the chat resolver (never emitted as samples).
    for name, phrases in nlu.BUILTIN_PHRASES.items():
        if name in hassil_dict["intents"]:
            hassil_dict["intents"][name]["data"].append(
                {"sentences": list(phrases), "metadata": {"builtin_phrase": True}}
            )
    intents = Intents.from_dict(hassil_dict)
    model = raw.get("model") or {}
    return Grammar(
        locale=locale,
        raw=raw,
        intents=intents,
        slot_types=slot_types,
        list_types=list_types,
        intent_order=list(raw["intents"].keys()),
        pending_handlers=list(raw.get("pending_handlers") or []),
        max_samples=int(model.get("max_samples", DEFAULT_MAX_SAMPLES)),
        max_builtin_samples=int(model.get("max_builtin_samples", DEFAULT_MAX_BUILTIN_SAMPLES)),
        invocation_name=str(raw.get("invocation_name") or ""),
        files=files,
    )


def pending_handlers(locale: str = DEFAULT_LOCALE) -> List[str]:
    """The grammar's pending_handlers list, read without hassil (for the handler cross-check)."""
    out: List[str] = []
    for path in sorted(sentences_dir(locale).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out += [str(x) for x in data.get("pending_handlers") or []]
    return out


# expansion ---------------------------------------------------------------------------------------

Expansion = Tuple[str, FrozenSet[Tuple[int, int]]]  # (text with {slot} refs, alternatives chosen)


def _list_refs(expr: Expression, rules: Dict[str, Sentence], depth: int = 0) -> Iterable[str]:
    if isinstance(expr, ListReference):
        yield expr.slot_name
    elif isinstance(expr, RuleReference):
        if depth < 20:
            yield from _list_refs(rules[expr.rule_name].expression, rules, depth + 1)
    elif isinstance(expr, (HSequence, Alternative, Permutation)):
        for item in expr.items:
            yield from _list_refs(item, rules, depth)


def _clean(text: str) -> str:
    return " ".join(text.split())


class Expander:
    """Expands hassil expressions into sentences with {slot} references, tracking which branch of
    which alternative each sentence took (for coverage)."""

    def __init__(self, rules: Dict[str, Sentence], limit: int = EXPANSION_LIMIT):
        self.rules = rules
        self.limit = limit
        self._rule_cache: Dict[str, List[Expansion]] = {}
        self._ids: Dict[int, int] = {}

    def _alt_id(self, node: Expression) -> int:
        return self._ids.setdefault(id(node), len(self._ids))

    def expand(self, expr: Expression) -> List[Expansion]:
        if isinstance(expr, TextChunk):
            return [(expr.text, frozenset())]
        if isinstance(expr, ListReference):
            return [(" {" + expr.slot_name + "} ", frozenset())]
        if isinstance(expr, RuleReference):
            name = expr.rule_name
            if name not in self._rule_cache:
                if name not in self.rules:
                    raise GrammarError(f"unknown expansion rule <{name}>")
                self._rule_cache[name] = self.expand(self.rules[name].expression)
            return self._rule_cache[name]
        if isinstance(expr, Alternative):
            alt = self._alt_id(expr)
            out: List[Expansion] = []
            for index, item in enumerate(expr.items):
                for text, chosen in self.expand(item):
                    out.append((text, chosen | {(alt, index)}))
            return out
        if isinstance(expr, Permutation):
            raise GrammarError("permutations (a;b) are not used in this grammar")
        if isinstance(expr, HSequence):
            parts = [self.expand(item) for item in expr.items]
            return [
                ("".join(t for t, _ in combo), frozenset().union(*(c for _, c in combo)))
                for combo in _spread_product(parts, self.limit)
            ]
        raise GrammarError(f"unexpected expression {type(expr).__name__}")

    def sentence(self, sentence: Sentence) -> List[Expansion]:
        out: Dict[str, FrozenSet] = {}
        for text, chosen in self.expand(sentence.expression):
            text = _clean(text)
            if text and text not in out:
                out[text] = chosen
        return list(out.items())


def _spread_product(parts: List[List[Expansion]], limit: int) -> Iterable[Tuple[Expansion, ...]]:
    """The cartesian product, or when it is larger than limit: every option of every part once
    (the others at their first option), then combinations spread evenly over the whole product."""
    sizes = [len(p) for p in parts]
    total = 1
    for size in sizes:
        total *= size
    if total <= limit:
        yield from itertools.product(*parts)
        return
    seen = set()

    def pick(indexes):
        key = tuple(indexes)
        if key in seen:
            return None
        seen.add(key)
        return tuple(part[i] for part, i in zip(parts, indexes))

    for position, size in enumerate(sizes):
        for option in range(size):
            indexes = [0] * len(sizes)
            indexes[position] = option
            combo = pick(indexes)
            if combo is not None:
                yield combo
    step = max(1, total // max(1, limit - len(seen)))
    number = 0
    while len(seen) < limit and number < total:
        rest, indexes = number, []
        for size in sizes:
            indexes.append(rest % size)
            rest //= size
        combo = pick(indexes)
        if combo is not None:
            yield combo
        number += step


class GrammarError(Exception):
    pass


def template_expansions(
    grammar: Grammar,
    intent: str,
    *,
    limit: int = EXPANSION_LIMIT,
    include_builtin_phrases: bool = False,
    core: Optional[bool] = None,
) -> List[Tuple[str, List[Expansion]]]:
    """[(template text, its expansions)] for one intent, in grammar order. core=True: only the
    blocks marked ``metadata: {model: all}`` (every expansion becomes a sample), False: the others."""
    expander = Expander(grammar.intents.expansion_rules, limit)
    out = []
    for data in grammar.intents.intents[intent].data:
        metadata = data.metadata or {}
        if metadata.get("builtin_phrase") and not include_builtin_phrases:
            continue
        if core is not None and (metadata.get("model") == "all") != core:
            continue
        for sentence in data.sentences:
            out.append((sentence.text or "", expander.sentence(sentence)))
    return out


def all_expansions(grammar: Grammar, intent: str, **kwargs) -> List[str]:
    out: Dict[str, None] = {}
    for _, expansions in template_expansions(grammar, intent, **kwargs):
        for text, _ in expansions:
            out.setdefault(text, None)
    return list(out)


def sample_problems(text: str, slots: Sequence[str] = ()) -> List[str]:
    """What is wrong with a sample as Dutch (a dangling word, a doubled word, bad slot refs)."""
    problems = []
    words = text.split()
    if not words:
        return ["empty"]
    if words[-1] in DANGLING_END_WORDS:
        problems.append(f"ends with the dangling word {words[-1]!r}")
    if len(words) == 2 and words[0] in DANGLING_LEAD_WORDS and words[1].startswith("{"):
        problems.append(f"is only {words[0]!r} and a slot")
    for a, b in zip(words, words[1:]):
        if a == b:
            problems.append(f"has the word {a!r} twice in a row")
        if a.startswith("{") and b.startswith("{"):
            problems.append("has two slots in a row")
    for ref in re.findall(r"\{([^}]*)\}", text):
        if ref not in slots:
            problems.append(f"refers to the unknown slot {{{ref}}}")
    if text != text.lower():
        problems.append("has capitals")
    return problems


# choosing samples --------------------------------------------------------------------------------


def choose_samples(templates: List[Tuple[str, List[Expansion]]], cap: int) -> List[str]:
    """Per template: its plainest expansion (fewest words) first, then a cover of every alternative of
    the template (for each alternative not yet covered, the shortest expansion that takes it; an
    alternative of a shared rule is covered once per intent); then, up to cap, more expansions of each
    template in turn, short ones first and spread over the rest. Deterministic."""
    chosen: Dict[str, None] = {}
    covered: set = set()  # per intent: a shared rule's alternatives are covered once
    for _, expansions in templates:
        if not expansions:
            continue
        length = {text: (len(text.split()), len(text), i) for i, (text, _) in enumerate(expansions)}
        wanted = frozenset().union(*(alts for _, alts in expansions))
        plainest = min(expansions, key=lambda e: length[e[0]])
        chosen.setdefault(plainest[0], None)
        covered |= plainest[1]
        # each alternative not yet covered: the shortest expansion that takes it
        by_length = sorted(expansions, key=lambda e: length[e[0]])
        for alternative in sorted(wanted):
            if alternative in covered:
                continue
            best = next(e for e in by_length if alternative in e[1])
            chosen.setdefault(best[0], None)
            covered |= best[1]
    if len(chosen) >= cap:
        return list(chosen)
    queues = []
    for _, expansions in templates:
        rest = sorted((text for text, _ in expansions if text not in chosen), key=lambda text: len(text.split()))
        if rest:
            queues.append(rest)
    need = cap - len(chosen)
    per = max(1, -(-need // max(1, len(queues))))
    spread = []
    for rest in queues:
        # the shortest half first, then evenly over the rest
        short = rest[: max(1, per // 2)]
        longer = rest[len(short) :]
        stride = max(1, len(longer) // max(1, per - len(short)))
        spread.append(short + longer[::stride])
    for group in itertools.zip_longest(*spread):
        for text in group:
            if text is not None and len(chosen) < cap:
                chosen.setdefault(text, None)
        if len(chosen) >= cap:
            break
    return list(chosen)


@dataclass
class BuildReport:
    dropped: List[Tuple[str, str, str]] = field(default_factory=list)  # (sample, kept in, dropped from)
    problems: List[str] = field(default_factory=list)
    counts: Dict[str, int] = field(default_factory=dict)


def build_model(grammar: Optional[Grammar] = None) -> Tuple[Dict[str, Any], BuildReport]:
    grammar = grammar or load_grammar()
    report = BuildReport()
    owner: Dict[str, str] = {}
    intents_json = []
    for name in grammar.intent_order:
        slots = grammar.slots_of(name)
        for slot in slots:
            if slot not in grammar.list_types:
                report.problems.append(f"{name}: {{{slot}}} is not a list of any slot type")
        core = [text for _, expansions in template_expansions(grammar, name, core=True) for text, _ in expansions]
        templates = template_expansions(grammar, name, core=False)
        for template, expansions in template_expansions(grammar, name):
            for text, _ in expansions:
                for problem in sample_problems(text, slots):
                    report.problems.append(f"{name}: template {template!r} gives {text!r}, which {problem}")
        cap = grammar.max_builtin_samples if grammar.builtin(name) else grammar.max_samples
        samples = []
        for text in dict.fromkeys(core + choose_samples(templates, max(0, cap - len(core)))):
            key = nlu.normalize(text.replace("{", " LBRACE ").replace("}", " RBRACE "))
            if key in owner and owner[key] != name:
                report.dropped.append((text, owner[key], name))
                continue
            owner[key] = name
            samples.append(text)
        report.counts[name] = len(samples)
        elicited = (grammar.raw.get("slot_samples") or {}).get(name) or {}
        slots_json = []
        for s in slots:
            slot_json = {"name": s, "type": grammar.list_types.get(s, "")}
            if elicited.get(s):
                slot_json["samples"] = list(elicited[s])
            slots_json.append(slot_json)
        intents_json.append({"name": name, "slots": slots_json, "samples": samples})
    types_json = []
    for slot_type in grammar.slot_types.values():
        if slot_type.builtin:
            continue
        types_json.append(
            {
                "name": slot_type.name,
                "values": [
                    {"id": v.id, "name": {"value": v.name, "synonyms": list(v.synonyms)}} for v in slot_type.values
                ],
            }
        )
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": grammar.invocation_name, "intents": intents_json, "types": types_json}
        }
    }
    for key in ("dialog", "prompts"):
        if grammar.raw.get(key):
            model["interactionModel"][key] = grammar.raw[key]
    return model, report


def model_text(model: Dict[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, indent=2) + "\n"


def stale(path: Optional[Path] = None, locale: str = DEFAULT_LOCALE, directory: Optional[Path] = None) -> Optional[str]:
    """None when the model file equals what the grammar builds now; else a short explanation.
    (Content is compared, never file times: a git clone does not keep them.)"""
    path = Path(path) if path else model_path(locale)
    expected = model_text(build_model(load_grammar(locale, directory))[0])
    try:
        actual = path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"cannot read {path}: {exc}"
    if actual == expected:
        return None
    old = json.loads(actual)["interactionModel"]["languageModel"] if actual.strip() else {}
    new = json.loads(expected)["interactionModel"]["languageModel"]
    old_i = {i["name"]: i for i in old.get("intents", [])}
    differing = [i["name"] for i in new["intents"] if old_i.get(i["name"]) != i]
    differing += [n for n in old_i if n not in {i["name"] for i in new["intents"]}]
    if old.get("types") != new["types"]:
        differing.append("slot types")
    where = ", ".join(differing[:6]) + (" …" if len(differing) > 6 else "") or "formatting"
    return f"differs from what the grammar builds ({where}): run 'gesprekscoach build-model'"
