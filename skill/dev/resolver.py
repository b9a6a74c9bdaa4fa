"""What ``gesprekscoach chat`` understands: the sentence grammar first, then a near match.

Used by the chat (and anything that goes through its resolution path); tooling and webservice only,
never on the Lambda path (it needs hassil and rapidfuzz). The steps, in order:

1. exact, grammar: hassil matches the sentence against every template of the grammar (all expansions,
   not only the samples chosen for the model), skip words ignored ("graag", "alsjeblieft", "eens"),
   slot values from the slot types (listed values and synonyms, resolved to their id);
   A distress intent found here answers at once.
   Signs of distress (skill.distress): a sentence the grammar does not hear as distress, but that says
   it in the speaker's own words ("ik maak me zorgen om mijn moeder, ze wil niet meer leven"), goes to
   the care intent for those words, with a {persoon} when it is about someone else, before any other
   step and before a content intent the grammar found: a careful answer beats a tip. In a role play
   (a free-text slot elicited) a question to the other character ("wil je niet meer leven?") and
   a low mood shared with them ("ik voel me ook weleens eenzaam") are replies, not distress;
2. exact, model: the generated model's own samples with listed slot values;
3. near: what Alexa's NLU generalises to, approximated. Listed slot values in the sentence are replaced
   by their {slot} and skip words dropped; the result is compared with every expansion of the grammar
   that has the same slots (rapidfuzz's Indel similarity on the words, 0-100); a score of NEAR_THRESHOLD or more
   resolves to that expansion's intent, marked ``near`` (the transcript shows "near match NN%").
   Built-in intents (stop, yes, no, ...) take no near matches: a near "ja" is not a yes.
4. a model sample whose slot takes words that are not a listed value (ER_SUCCESS_NO_MATCH: "help me met
   koken"), as Alexa does, in a sample with at least WILDCARD_MIN_WORDS words of its own, only for
   slot types marked ``open_values`` in the grammar (PRINCIPE: people name topics we do not have; a
   closed list like RANGNUMMER does not turn "ik wil een taxi" into a pick), and only in a sample with
   one of the type's carrier words ("help me met koken", not "wat is de snelste auto");
5. anything else: AMAZON.FallbackIntent.

The invocation ("open empathisch gesprek", "vraag empathisch gesprek hoe ik beter kan luisteren") is
parsed as in skill.dev.nlu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from skill import distress
from skill.dev import nlu

NEAR_THRESHOLD = 80.0
CARE_INTENTS = frozenset(distress.INTENTS.values())
PERSON_SLOT, SOMEONE = "persoon", "someone"  # the care intents' slot; its value for an unnamed person
NEAR_MIN_WORDS = 2  # a one-word sentence is never a near match
WILDCARD_MIN_WORDS = 3  # unlisted slot words only in a sample with this many words of its own
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


@dataclass
class _NearIndex:
    choices: Dict[Tuple[str, ...], List[str]]  # slot names -> expansions with those {slots}
    intents: Dict[Tuple[str, ...], List[str]]  # parallel: the intent of each expansion


def _word_ratio(a: str, b: str, *, score_cutoff: float = 0, **_) -> float:
    """Like fuzz.ratio, on words instead of characters (a word more or less costs the same, whatever
    its length)."""
    from rapidfuzz.distance import Indel

    score = Indel.normalized_similarity(a.split(), b.split()) * 100
    return score if score >= score_cutoff else 0


def project_model(grammar) -> nlu.Model:
    """The project's interaction model: its file in a checkout; installed from a wheel (no checkout), the
    same model built from the grammar, which ships as package data (build-model's check keeps the two
    equal)."""
    from skill.dev import grammar as grammar_module

    path = nlu.model_file(nlu.DEFAULT_PACKAGE)
    if path.is_file():
        return nlu.load_model()
    raw, _ = grammar_module.build_model(grammar)
    return nlu.model_from_json(raw, path)


class GrammarResolver:
    """resolve(text) -> skill.dev.nlu.Resolution, on the grammar (hassil) with a near-match step."""

    def __init__(
        self,
        grammar=None,
        model: Optional[nlu.Model] = None,
        *,
        near_threshold: float = NEAR_THRESHOLD,
        near: bool = True,
        distress: bool = True,
    ):
        from skill.dev import grammar as grammar_module

        self.grammar = grammar or grammar_module.load_grammar()
        self.model = model or project_model(self.grammar)
        self.model_resolver = nlu.Resolver(self.model)
        self.near_threshold = near_threshold
        self.near_enabled = near
        self.distress_enabled = distress  # off: what the grammar (and so the model's samples) hears alone
        self._near: Optional[_NearIndex] = None
        self._values: Dict[str, Dict[str, nlu.SlotValue]] = {}
        for slot_type in self.grammar.slot_types.values():
            table: Dict[str, nlu.SlotValue] = {}
            for value in slot_type.values:
                for phrase in value.phrases():
                    table.setdefault(nlu.normalize(phrase), value)
            table.pop("", None)
            self._values[slot_type.name] = table
        self._order = {name: i for i, name in enumerate(self.grammar.intent_order)}
        self._open = {t.name: t for t in self.grammar.slot_types.values() if t.open_values}
        self._skip = {w for w in (nlu.normalize(s) for s in self.grammar.intents.skip_words) if " " not in w}

    # exact, on the grammar ---------------------------------------------------------------------
    def resolve_grammar(self, text: str) -> Optional[nlu.Resolution]:
        from hassil.recognize import recognize_all

        norm = nlu.normalize(text)
        if not norm:
            return None
        best = None
        for result in recognize_all(norm, self.grammar.intents):
            if result.unmatched_entities:
                continue
            key = (-len(result.entities), -(result.text_chunks_matched or 0), self._order.get(result.intent.name, 999))
            if best is None or key < best[0]:
                best = (key, result)
        if best is None:
            return None
        result = best[1]
        slots = []
        for name, entity in result.entities.items():
            type_name = self.grammar.list_types.get(name, "")
            if type_name.startswith("AMAZON."):  # a built-in phrase slot: the words, no entity resolution
                slots.append(nlu.SlotResult(name, str(entity.text).strip(), type_name, custom=False))
                continue
            value = self._values.get(type_name, {}).get(nlu.normalize(str(entity.text)))
            slots.append(
                nlu.SlotResult(
                    name,
                    nlu.normalize(str(entity.text)),
                    type_name,
                    id=str(entity.value),
                    resolved_name=value.name if value else None,
                )
            )
        sample = (result.intent_sentence.text if result.intent_sentence is not None else None) or norm
        return nlu.Resolution(result.intent.name, slots, sample, text, how="grammar")

    # near ----------------------------------------------------------------------------------------
    def _near_index(self) -> _NearIndex:
        if self._near is None:
            from skill.dev import grammar as grammar_module

            choices: Dict[Tuple[str, ...], Dict[str, str]] = {}
            for intent in self.grammar.intent_order:
                if intent.startswith("AMAZON."):
                    continue
                for text in grammar_module.all_expansions(self.grammar, intent):
                    slots = tuple(sorted(set(_PLACEHOLDER.findall(text))))
                    choices.setdefault(slots, {}).setdefault(text, intent)
            self._near = _NearIndex(
                {k: list(v) for k, v in choices.items()}, {k: list(v.values()) for k, v in choices.items()}
            )
        return self._near

    def _find_values(self, norm: str) -> List[Tuple[str, str, nlu.SlotValue, str]]:
        """(slot name, type, value, words) for the longest listed phrase of each slot type in norm."""
        found = []
        padded = f" {norm} "
        for slot_type in self.grammar.slot_types.values():
            best = None
            for phrase, value in self._values[slot_type.name].items():
                if f" {phrase} " in padded and (best is None or len(phrase) > len(best[0])):
                    best = (phrase, value)
            if best is not None:
                found.append((slot_type.list_name, slot_type.name, best[1], best[0]))
        return found

    def resolve_near(self, text: str) -> Optional[nlu.Resolution]:
        from rapidfuzz import process

        norm = " ".join(w for w in nlu.normalize(text).split() if w not in self._skip)
        if len(norm.split()) < NEAR_MIN_WORDS:
            return None
        index = self._near_index()
        queries: List[Tuple[str, Tuple[str, ...], List[nlu.SlotResult]]] = [(norm, (), [])]
        for slot, type_name, value, words in self._find_values(norm):
            query = f" {norm} ".replace(f" {words} ", f" {{{slot}}} ", 1).strip()
            queries.append(
                (query, (slot,), [nlu.SlotResult(slot, words, type_name, id=value.id, resolved_name=value.name)])
            )
        best = None
        for query, slots, slot_results in queries:
            choices = index.choices.get(slots)
            if not choices:
                continue
            for scorer in (_word_ratio,):
                hit = process.extractOne(query, choices, scorer=scorer, score_cutoff=self.near_threshold)
                if hit is None:
                    continue
                sample, score, position = hit
                # prefer the higher score; on a tie, the query with a listed slot value
                key = (score, len(slots))
                if best is None or key > best[0]:
                    best = (key, index.intents[slots][position], sample, score, slot_results)
        if best is None:
            return None
        _, intent, sample, score, slot_results = best
        return nlu.Resolution(intent, slot_results, sample, text, how="near", score=round(score, 1))

    # the model's samples -----------------------------------------------------------------------
    def resolve_model(self, text: str, *, wildcard: bool) -> Optional[nlu.Resolution]:
        """A sample of the generated model; wildcard: also a slot filled with unlisted words, in a
        sample with at least WILDCARD_MIN_WORDS words of its own ("help me met {principe}")."""
        for kind, template, words in self.model_resolver.matches(text, wildcard=wildcard):
            if kind == nlu.WILDCARD and not self._open_slot(template, words):
                continue
            intent = self.model.intents[template.intent]
            slots = [self.model_resolver._slot(intent, name, value) for name, value in words.items()]
            return nlu.Resolution(intent.name, slots, template.sample, text, how="model")
        return None

    def _open_slot(self, template, words: Dict[str, str]) -> bool:
        """May this sample take these unlisted words? Only for a type with open_values, in a sample
        of WILDCARD_MIN_WORDS words or more that has one of the type's carrier words."""
        if template.literal_words < WILDCARD_MIN_WORDS:
            return False
        for type_name, name in zip(template.slot_types, template.slot_names):
            table = self._values.get(type_name)
            if table is None or words[name] in table:
                continue
            slot_type = self._open.get(type_name)
            if slot_type is None or (slot_type.carriers and not slot_type.carriers & template.words):
                return False
        return True

    def resolve_elicited(self, text: str, intent_name: str, slot_name: str) -> nlu.Resolution:
        """While the skill elicits a slot: see skill.dev.nlu.elicited_resolution. A free-text slot
        is a role play's reply: "je" there is the other character."""
        intent = self.model.intents.get(intent_name)
        free = intent is not None and (intent.slots.get(slot_name) or "AMAZON.SearchQuery") == "AMAZON.SearchQuery"
        found = self.resolve(text, role_play=free)
        return nlu.elicited_resolution(found, intent_name, slot_name, self.model, text)

    # distress in the speaker's own words ---------------------------------------------------------
    def resolve_distress(self, text: str, *, role_play: bool = False) -> Optional[nlu.Resolution]:
        if not self.distress_enabled:
            return None
        found = distress.detect(text)
        if found is None:
            return None
        who = found.who
        if role_play and (who == distress.ADDRESSEE or not found.acute):
            # said to the other character, or telling them "ik voel me ook weleens eenzaam": a reply
            return None
        if who == distress.ADDRESSEE:
            who = distress.SELF  # "wat doe je als je niet meer wil leven": the speaker
        slots: List[nlu.SlotResult] = []
        if who == distress.OTHER:
            slots.append(self._person(text))
        return nlu.Resolution(found.intent, slots, found.marker, text, how="distress")

    def _person(self, text: str) -> nlu.SlotResult:
        """The persoon slot for someone else: the person named (a listed value), else "iemand"."""
        intent = self.model.intents.get("CrisisIntent")
        type_name = (intent.slots.get(PERSON_SLOT) if intent else None) or "PERSOON"
        for slot, found_type, value, words in self._find_values(nlu.normalize(text)):
            if found_type == type_name:
                return nlu.SlotResult(slot, words, found_type, id=value.id, resolved_name=value.name)
        slot_type = self.grammar.slot_types.get(type_name)
        name = next((v.name for v in (slot_type.values if slot_type else ()) if v.id == SOMEONE), SOMEONE)
        return nlu.SlotResult(PERSON_SLOT, name, type_name, id=SOMEONE, resolved_name=name)

    # the pipeline --------------------------------------------------------------------------------
    def resolve(self, text: str, *, role_play: bool = False) -> nlu.Resolution:
        exact = self.resolve_grammar(text)
        if exact is not None and exact.intent in CARE_INTENTS:
            return exact
        care = self.resolve_distress(text, role_play=role_play)
        if care is not None:
            return care
        if exact is not None:
            return exact
        for step in (
            lambda t: self.resolve_model(t, wildcard=False),
            self.resolve_near if self.near_enabled else lambda t: None,
            lambda t: self.resolve_model(t, wildcard=True),
        ):
            found = step(text)
            if found is not None:
                return found
        return nlu.Resolution(nlu.FALLBACK, [], None, text)

    # invocation ----------------------------------------------------------------------------------
    def parse_invocation(self, text: str) -> Optional[Tuple[str, str]]:
        return nlu.parse_invocation(text, self.model.invocation_name or self.grammar.invocation_name)

    def resolve_one_shot(self, rest: str) -> nlu.Resolution:
        """What follows the invocation name: as said, else without a connecting word ("om", "of",
        "naar"), the exact steps before any near match."""
        words = nlu.normalize(rest).split()
        tries = [rest]
        if len(words) > 1 and words[0] in nlu.CONNECTING_WORDS:
            tries.append(" ".join(words[1:]))
        exact = {rest: self.resolve_grammar(rest)}  # the grammar runs once on the sentence as said
        if exact[rest] is None or exact[rest].intent not in CARE_INTENTS:
            care = self.resolve_distress(rest)
            if care is not None:
                return care

        def grammar(attempt: str) -> Optional[nlu.Resolution]:
            return exact[attempt] if attempt in exact else self.resolve_grammar(attempt)

        steps = [grammar, lambda t: self.resolve_model(t, wildcard=False)]
        if self.near_enabled:
            steps.append(self.resolve_near)
        steps.append(lambda t: self.resolve_model(t, wildcard=True))
        for step in steps:
            for attempt in tries:
                found = step(attempt)
                if found is not None:
                    found.text = rest
                    return found
        return nlu.Resolution(nlu.FALLBACK, [], None, rest)
