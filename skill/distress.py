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

Who: a pronoun inside the matched words decides first ("slaat me", "doet zichzelf pijn", "mijn leven",
"mijn moeder"); for what is done to someone (threats, abuse: "victim_labels" in the data) a "me",
"mij" or "ons" anywhere in the sentence then means the speaker; else the nearest subject before the
match in the same sentence (a person inside "door mijn oom" or "als kind" is none, nor the "me" someone
told something: "een cliënt vroeg me hoe ..."), else the first after it, else anyone named in the
sentence means someone else. The text paths (chat, browser page) turn a hit into the care intent
(skill.dev.resolver); the practice mode checks every free reply with it.
Small and lazy: the patterns compile on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

import re

from skill import LOCALE

# label in the data -> the care intent that answers it (skill.handlers.safety)
INTENTS = {
    "danger": "DangerIntent",
    "threat": "DangerIntent",  # someone threatening the speaker or another now (who: the one threatened)
    "crisis": "CrisisIntent",
    "abuse": "AbuseIntent",
    "low_mood": "LowMoodIntent",
}
LABELS = tuple(INTENTS)  # the order they are tried in
SELF, OTHER, ADDRESSEE = "self", "other", "addressee"
DEFAULT_SELF = "default_self"
GENERIC = "generic"  # someone in general ("iemand"): other, but a low mood of theirs is a content question
WHO_KEYS = (
    "self_in_match",
    "other_in_match",
    "self_subject",
    "other_subject",
    "addressee",
    "preposition",
    "bare_preposition",
    "determiner",
    "possessive",
    "generic",
    "victim_self",
    "not_victim_after",
    "impersonal_after",
    "public_place",
    "object_verb",
    "relative",
    "perceive",
    "self_object",
    "self_perceiver",
    "self_possessive",
    "told",
    "other_possessive",
    "owner_after",
)
_WORDS = re.compile(r"[\w']+")


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
    def __init__(self, rules, anywhere, fillers, spelling, who, kin, victim, default_self, breaks):
        self._rules = rules  # label -> (markers, vetoes), in LABELS order
        self._anywhere = anywhere  # label -> patterns that rule the whole sentence out
        self._breaks = breaks  # words that start a new clause ("maar", "en"): see _own_clauses
        # words that put the speaker or their own people in a clause ("ik", "me", "mijn")
        self._real_life = who["self_subject"] | who["self_in_match"] | who["self_possessive"]
        self._fillers = fillers
        self._spelling: Dict[str, str] = spelling  # short spellings read as the full word
        self._who: Dict[str, FrozenSet[str]] = who
        self._kin: FrozenSet[str] = kin
        self._victim = victim  # labels whose "who" is the one it is done to ("hij slaat me": the speaker)
        self._default_self = default_self  # ... and, with nobody else named, the speaker

    def detect(self, text: str) -> Optional[Distress]:
        from skill.practice.classify import first_match, sentences

        if not isinstance(text, str) or not text.strip():
            return None
        if self._spelling:  # "nie" -> "niet", "mn" -> "mijn": said or typed the short way
            text = _WORDS.sub(lambda m: self._spelling.get(m.group(0).lower(), m.group(0)), text)
        parts = sentences(text, self._fillers)
        for label in LABELS:
            markers, vetoes = self._rules[label]
            anywhere = self._anywhere.get(label, ())
            for sentence in parts:
                if any(rule.regex.search(sentence.text) for rule in anywhere):
                    # "in de film ...", "dit weer maakt me depressief": not about a person now. Danger,
                    # suicidal thoughts and abuse are still heard in a clause of the speaker's own
                    # without that word: "ik kijk een film maar ik wil niet meer leven".
                    sentence = self._own_clauses(sentence, anywhere) if label != "low_mood" else None
                    if sentence is None:
                        continue
                hit = first_match(markers, vetoes, sentence)
                if hit is not None:
                    rule, (start, end) = hit
                    words = sentence.text.split()
                    first = len(sentence.text[:start].split())
                    last = first + len(sentence.text[start:end].split())
                    mode = DEFAULT_SELF if label in self._default_self else label in self._victim
                    who = self._whom(words, first, last, parts, victim=mode)
                    if who == GENERIC:
                        if label == "low_mood":
                            break  # "wat zeg ik als iemand verdrietig is": a question for the content
                        who = OTHER
                    return Distress(label, who, rule.source, " ".join(words[first:last]))
        return None

    def _own_clauses(self, sentence, anywhere):
        """The clauses of a sentence that no sentence-wide veto rules out, as a sentence of their own,
        when they speak of the speaker or their own people; None otherwise (the veto holds for the
        whole sentence, as when it spans clauses)."""
        from skill.practice.classify import CLAUSE_START, SENTENCE_START, Sentence

        clauses: List[List[str]] = [[]]
        for word in sentence.text.split():
            if word == "," or word in self._breaks:
                clauses.append([])
            elif word not in (SENTENCE_START, CLAUSE_START):
                clauses[-1].append(word)
        clauses = [clause for clause in clauses if clause]
        kept = [c for c in clauses if not any(r.regex.search(f"{SENTENCE_START} {' '.join(c)} ") for r in anywhere)]
        if not kept or len(kept) == len(clauses) or not any(w in self._real_life for c in kept for w in c):
            return None
        text = f"{SENTENCE_START} " + f" , {CLAUSE_START} ".join(" ".join(clause) for clause in kept) + " "
        return Sentence(text, sentence.question, frozenset(text.split()))

    def _whom(self, words, first: int, last: int, parts, *, victim) -> str:
        w = self._who
        for i in range(first, last):  # a pronoun or "mijn" in the matched words decides first
            found = self._in_match(words, i)
            if found:
                return found
        found = self._owner(words, first, last)  # "zijn zelfmoordgedachten", "mishandeling bij een leerling"
        if found:
            return found
        if victim:
            found = self._victim_of(words)
            if found:
                return found
            if victim == DEFAULT_SELF:  # a threat with nobody else named: the speaker, unless out in public
                return OTHER if any(word in w["public_place"] for word in words) else SELF
        for i in range(first - 1, -1, -1):  # the nearest subject before the match
            if words[i] == "die" and i > 0 and words[i - 1] in w["generic"]:
                return GENERIC  # "iemand die ...": still the generic someone
            found = self._subject(words, i)
            if found:
                return found
        for i in range(last, len(words)):  # inverted order: "denkt hij aan zelfmoord"
            found = self._subject(words, i)
            if found:
                return found
        if any(word in self._kin for sentence in parts for word in sentence.text.split()):
            return OTHER
        return SELF

    def _owner(self, words, first: int, last: int) -> Optional[str]:
        """Whose the matched words are when a possessive stands right before them ("mijn", "zijn",
        "haar" zelfmoordgedachten) or a person follows them ("... van mijn zus", "... bij een
        leerling"): that decides before the subject of the sentence, who is often only the one who
        worries or notices ("ik maak me zorgen over de zelfmoordgedachten van mijn zus")."""
        w = self._who
        if 0 < first < len(words) and words[first] not in self._kin:  # ("mijn zoon is ...": his, not mine)
            if words[first - 1] in w["self_possessive"]:
                return SELF
            if words[first - 1] in w["other_possessive"]:
                return OTHER
        if last + 1 < len(words) and words[last] in w["owner_after"]:
            i = last + 1
            if words[i] in w["determiner"] and i + 1 < len(words):
                i += 1
            if words[i] in self._kin:
                return OTHER
        return None

    def _victim_of(self, words) -> Optional[str]:
        """For what is done to someone: "... dreigt me te steken" is the speaker; a person named after
        the first one ("mijn buurman bedreigt zijn vrouw", "de buren zitten binnen") someone else."""
        w = self._who
        for i, word in enumerate(words):
            if word in w["victim_self"] and not self._after(words, i, w["possessive"]):
                if i + 1 < len(words) and words[i + 1] in w["not_victim_after"]:
                    continue  # "ik maak me zorgen", "ik vraag me af"
                return SELF
        people = 0
        for i, word in enumerate(words):
            if word in self._kin or word in w["other_in_match"] or word in w["other_subject"]:
                if not self._governed(words, i):
                    people += 1
                    if people > 1:
                        return OTHER
        return None

    def _in_match(self, words, i: int) -> Optional[str]:
        w = self._who
        word = words[i]
        if word in w["self_in_match"]:
            perceived = word in w["self_perceiver"] and self._after(words, i, w["perceive"])
            told = word in w["self_object"] and self._after(words, i, w["told"])
            if perceived or told or self._after(words, i, w["possessive"]):
                return None  # "een cliënt van mij", "dan hoor ik klappen", "ze vroeg me": not the one it is about
            return SELF
        if word in w["other_in_match"]:
            if self._after(words, i, w["possessive"]):
                return None  # "ik mag van hem nergens heen": the one who forbids, not the one it is about
            return OTHER
        if word in w["addressee"]:
            return ADDRESSEE
        if word in w["self_possessive"] and i + 1 < len(words) and not self._after(words, i, w["preposition"]):
            return OTHER if words[i + 1] in self._kin else SELF  # "mijn moeder" / "mijn leven"
        return None

    @staticmethod
    def _after(words, i: int, before: FrozenSet[str]) -> bool:
        return i > 0 and words[i - 1] in before

    def _subject(self, words, i: int) -> Optional[str]:
        word = words[i]
        w = self._who
        if word in w["self_object"] and (self._after(words, i, w["preposition"]) or self._after(words, i, w["told"])):
            return None  # "een cliënt van mij", "een cliënt vroeg me hoe ...": not the one it is about
        if word in self._kin and i + 1 < len(words) and words[i + 1] in w["relative"]:
            return OTHER  # "met een teamlid dat ...": the subject of what follows
        if word in self._kin and self._governed(words, i):
            return None  # "als kind", "door mijn oom", "ik mis mijn vader": not the subject
        if word in w["self_subject"]:
            return SELF
        if word in w["addressee"]:
            if self._after(words, i, w["impersonal_after"]):
                return None  # "(ze zocht op) hoe je zelfmoord pleegt": anyone, not the one spoken to
            return ADDRESSEE
        if word in w["generic"] and word in (w["other_subject"] | self._kin):
            return GENERIC
        if word in w["other_subject"] or word in self._kin:
            return OTHER
        return None

    def _governed(self, words, i: int) -> bool:
        """Is the person word at i inside a prepositional phrase ("door mijn oom", "als kind")?"""
        w = self._who
        if i > 0 and words[i - 1] in w["bare_preposition"] and words[i] not in w["other_subject"]:
            return True  # "als kind" (but "als iemand ...", "als mijn moeder belt": a clause)
        j = i - 1
        if j >= 0 and words[j] in w["determiner"]:
            j -= 1
        return j >= 0 and (words[j] in w["preposition"] or words[j] in w["object_verb"])


def parse(data, origin: str = "distress") -> Detector:
    from skill.practice.classify import MarkerError, compile_pattern, parse_header, parse_rules, word_list

    words, fillers = parse_header(data, origin)
    rules = parse_rules(data, LABELS, words, origin)
    everywhere = data.get("not_in_sentence", [])
    anywhere = {}
    for label in LABELS:
        patterns = everywhere + data["labels"][label].get("not_in_sentence", [])
        if not isinstance(patterns, list):
            raise MarkerError(f"{origin}.labels.{label}.not_in_sentence: must be a list")
        anywhere[label] = tuple(compile_pattern(p, words, f"{origin}.not_in_sentence") for p in patterns)
    spelling = data.get("spelling", {})
    if not isinstance(spelling, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in spelling.items()
    ):
        raise MarkerError(f"{origin}.spelling: must map words to words")
    who = data.get("who")
    if not isinstance(who, dict) or set(who) != set(WHO_KEYS):
        raise MarkerError(f"{origin}.who: must have exactly {', '.join(WHO_KEYS)}")
    who_sets = {key: frozenset(word_list(who[key], f"{origin}.who.{key}").split("|")) for key in WHO_KEYS}
    breaks = frozenset(word_list(data.get("clause_breaks"), f"{origin}.clause_breaks").split("|"))
    kin = frozenset(words.get("KIN", "").split("|")) - {""}
    lists = {}
    for key in ("victim_labels", "victim_default_self"):
        value = data.get(key, [])
        if not isinstance(value, list) or not set(value) <= set(LABELS):
            raise MarkerError(f"{origin}.{key}: must be a list of labels")
        lists[key] = frozenset(value)
    return Detector(
        rules,
        anywhere,
        fillers,
        {k.lower(): v for k, v in spelling.items()},
        who_sets,
        kin,
        lists["victim_labels"],
        lists["victim_default_self"],
        breaks,
    )


@lru_cache(maxsize=4)
def load_detector(locale: str = LOCALE) -> Detector:
    from skill.practice.classify import read_markers

    return parse(*read_markers(locale, "distress"))


def detect(text: str, locale: str = LOCALE) -> Optional[Distress]:
    return load_detector(locale).detect(text)


def validate(locale: str = LOCALE) -> Tuple[str, ...]:
    """Compile every pattern now (skill.builder.check_data: the webservice's start-up, package-lambda,
    tests): a broken file fails loudly."""
    detector = load_detector(locale)
    for label in LABELS:
        markers, vetoes = detector._rules[label]
        for rule in markers + vetoes + detector._anywhere[label]:
            rule.regex  # noqa: B018 - compiles it
    return LABELS
