"""Signs of distress in a free sentence: "ik maak me zorgen om mijn moeder, ze wil niet meer leven".

A grammar hears the sentences it was written for; a person in distress says it their own way, with
context around it. detect(text) reads the whole sentence for markers of acute danger, suicidal thoughts
or self-harm, violence or abuse, and a very low mood (data: skill/locale/<locale>/distress/markers.json, in
the pattern language of the practice markers, skill/practice/classify.py), tried in that order, and
says whom it is about:

- "self": the speaker ("ik wil er niet meer zijn", "mijn man slaat me");
- "other": someone else ("ze wil niet meer leven", "hij slaat haar", "iemand die suïcidaal is");
- "addressee": the person spoken to ("wil je niet meer leven?"): in a role play that is the other
  character, a question the trainee asks, not distress; elsewhere it reads as the speaker.

Who: a pronoun inside the matched words decides first ("slaat me", "doet zichzelf pijn"), else the
nearest subject before the match in the same sentence (the words from its start), else the first after
it, else anyone named in the sentence means someone else. The text paths (chat, browser page) turn a
hit into the care intent (skill.dev.resolver); the practice mode checks every free reply with it.
Small and lazy: the patterns compile on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, FrozenSet, NamedTuple, Optional, Tuple

from skill import LOCALE

# label in the data -> the care intent that answers it (skill.handlers.safety)
INTENTS = {
    "danger": "DangerIntent",
    "crisis": "CrisisIntent",
    "abuse": "AbuseIntent",
    "low_mood": "LowMoodIntent",
}
LABELS = tuple(INTENTS)
SELF, OTHER, ADDRESSEE = "self", "other", "addressee"
GENERIC = "generic"  # someone in general ("iemand"): other, but a low mood of theirs is a content question
WHO_KEYS = (
    "self_in_match",
    "other_in_match",
    "self_subject",
    "other_subject",
    "addressee",
    "preposition",
    "generic",
)
OBJECT_PRONOUNS = frozenset({"me", "mij"})  # the speaker, unless after a preposition ("een cliënt van mij")


class Distress(NamedTuple):
    label: str  # one of LABELS
    who: str  # SELF, OTHER or ADDRESSEE
    marker: str  # the marker that decided it (for the transcript and the tests)
    words: str  # the matched words

    @property
    def intent(self) -> str:
        return INTENTS[self.label]

    @property
    def acute(self) -> bool:
        """Danger, suicidal thoughts or abuse: these leave a role play at once; a low mood does not."""
        return self.label != "low_mood"


class Detector:
    def __init__(self, rules, fillers: FrozenSet[str], who: Dict[str, FrozenSet[str]], kin: FrozenSet[str]):
        self._rules = rules  # label -> (markers, vetoes), in LABELS order
        self._fillers = fillers
        self._who = who
        self._kin = kin

    def detect(self, text: str) -> Optional[Distress]:
        from skill.practice.classify import first_match, sentences

        if not isinstance(text, str) or not text.strip():
            return None
        parts = sentences(text, self._fillers)
        for label in LABELS:
            markers, vetoes = self._rules[label]
            for sentence in parts:
                hit = first_match(markers, vetoes, sentence)
                if hit is not None:
                    rule, (start, end) = hit
                    who = self._whom(sentence.text, start, end, parts)
                    if who == GENERIC:
                        if label == "low_mood":
                            break  # "wat zeg ik als iemand verdrietig is": a question for the content
                        who = OTHER
                    return Distress(label, who, rule.source, sentence.text[start:end].strip())
        return None

    def _whom(self, text: str, start: int, end: int, parts) -> str:
        w = self._who
        inside = text[start:end].split()
        for i, word in enumerate(inside):
            if word in w["self_in_match"]:
                return SELF
            if word in w["other_in_match"]:
                return OTHER
            if word in w["addressee"]:
                return ADDRESSEE
            if word == "mijn" and i + 1 < len(inside) and inside[i + 1] in self._kin:
                return OTHER
        before = text[:start].split()
        for i in range(len(before) - 1, -1, -1):
            if before[i] == "die" and i > 0 and before[i - 1] in w["generic"]:
                return GENERIC  # "iemand die ...": still the generic someone
            found = self._subject(before, i)
            if found:
                return found
        after = text[end:].split()
        for i in range(len(after)):
            found = self._subject(after, i)
            if found:
                return found
        if any(word in self._kin for sentence in parts for word in sentence.text.split()):
            return OTHER
        return SELF

    def _subject(self, words, i: int) -> Optional[str]:
        word = words[i]
        w = self._who
        if word in OBJECT_PRONOUNS and i > 0 and words[i - 1] in w["preposition"]:
            return None
        if word in w["self_subject"]:
            return SELF
        if word in w["addressee"]:
            return ADDRESSEE
        if word in w["generic"] and word in (w["other_subject"] | self._kin):
            return GENERIC
        if word in w["other_subject"] or word in self._kin:
            return OTHER
        return None


def parse(data, origin: str = "distress") -> Detector:
    from skill.practice.classify import MarkerError, parse_header, parse_rules, word_list

    words, fillers = parse_header(data, origin)
    rules = parse_rules(data, LABELS, words, origin, word_start=True)
    who = data.get("who")
    if not isinstance(who, dict) or set(who) != set(WHO_KEYS):
        raise MarkerError(f"{origin}.who: must have exactly {', '.join(WHO_KEYS)}")
    who_sets = {key: frozenset(word_list(who[key], f"{origin}.who.{key}").split("|")) for key in WHO_KEYS}
    kin = frozenset(words.get("KIN", "").split("|")) - {""}
    return Detector(rules, fillers, who_sets, kin)


@lru_cache(maxsize=4)
def load_detector(locale: str = LOCALE) -> Detector:
    from skill.practice.classify import read_markers

    return parse(*read_markers(locale, "distress"))


def detect(text: str, locale: str = LOCALE) -> Optional[Distress]:
    return load_detector(locale).detect(text)


def validate(locale: str = LOCALE) -> Tuple[str, ...]:
    """Compile every pattern now (start-up of the webservice, tests): a broken file fails loudly."""
    detector = load_detector(locale)
    for markers, vetoes in detector._rules.values():
        for rule in markers + vetoes:
            rule.regex  # noqa: B018 - compiles it
    return LABELS
