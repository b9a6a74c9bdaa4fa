"""Which kind of reply someone gave in a practice conversation: rules over Dutch word order and
markers, kept as data (skill/locale/<locale>/practice/markers.json), small and explainable.

Labels (several can hold): open_question, closed_question, paraphrase, validation, advice,
minimising, self_talk; "other" when none does. The question labels are about form (question word
first = open, finite verb first or a tag like "klopt dat?" = closed); the others about what the
reply does. classify() also says which marker decided each label, so feedback can be explained.

Marker syntax (one pattern per string, matched per sentence on lower-case words):
  a|b      one of these words             x?      an optional word (or group a|b?)
  *        0-3 words                      **      0-8 words
  ^        start of a sentence or clause (after a comma), after filler words (en, maar, nou, ...)
  ^^       start of a sentence only (after filler words): "Als ik jou was, zou ik" is no question
  $        end of a sentence or clause    ?$      end of a sentence that ended with a question mark
  !a|b     the next word is none of these
  {NAME}   a word list from the file's "words" (e.g. {QW} for the question words)
A label holds when one of its "markers" matches and no "not" pattern of it matches overlapping
that match in the same sentence.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from skill import LOCALE, datafiles

LABELS = ("open_question", "closed_question", "paraphrase", "validation", "advice", "minimising", "self_talk")
OTHER = "other"
ALL_LABELS = LABELS + (OTHER,)


class MarkerError(ValueError):
    """The markers file is malformed; the message names the place."""


class Sentence(NamedTuple):
    text: str  # " "-joined lower-case words with a trailing space; commas are words ","
    question: bool  # it ended with a question mark
    words: FrozenSet[str]  # the words of text (for the markers' word filter, Rule.needs)


class Rule:
    """One marker; its regex is compiled on first use (the Lambda cold start pays nothing for it)."""

    __slots__ = ("source", "pattern", "question_only", "needs", "_regex")

    def __init__(self, source: str, pattern: str, question_only: bool, needs: Optional[FrozenSet[str]] = None):
        self.source = source
        self.pattern = pattern
        self.question_only = question_only
        # One of these words must be in a sentence for the pattern to match (the alternatives of its
        # most selective word that is not optional): a sentence without any is passed over without
        # running the regex. None: no such word.
        self.needs = needs
        self._regex = None

    @property
    def regex(self) -> "re.Pattern[str]":
        if self._regex is None:
            self._regex = re.compile(self.pattern)
        return self._regex


class Classification(NamedTuple):
    labels: Tuple[str, ...]
    evidence: Dict[str, str]  # label -> the marker that decided it

    def has(self, label: str) -> bool:
        return label in self.labels


_SPLIT = re.compile(r"([.?!;:…\n]+)")
_NOT_WORD = re.compile(r"[^\w',\- ]+")
_WORD = re.compile(r"^[\w'\-]+$")
_ACUTE = str.maketrans("áéíóú", "aeiou")  # stress marks: "wél", "níet", "oké" read as "wel", "niet", "oke"


WORD_START = "(?:^|(?<= ))"  # a pattern that must begin at a word's start (after a space)
SENTENCE_START = "¶"  # marks where a sentence starts, after its filler words
CLAUSE_START = "§"  # marks where a clause after a comma starts, after its filler words


def sentences(text: str, fillers=frozenset()) -> List[Sentence]:
    """The sentences of a reply, as lower-case words with a start mark after the leading filler words
    of the sentence and of each clause after a comma ("nou , ¶ wat is er ")."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'").translate(_ACUTE)
    text = text.replace(SENTENCE_START, " ").replace(CLAUSE_START, " ")
    parts = _SPLIT.split(text)
    out: List[Sentence] = []
    for i in range(0, len(parts), 2):
        chunk = _NOT_WORD.sub(" ", parts[i]).replace(",", " , ")
        words = [w.strip("'-") or w for w in chunk.split()]
        words = [w for w in words if w]
        while words and words[0] == ",":
            words.pop(0)
        if not words:
            continue
        marked: List[str] = []
        mark = SENTENCE_START
        for word in words:
            if mark and word not in fillers and word != ",":
                marked.append(mark)
                mark = ""
            marked.append(word)
            if word == ",":
                mark = mark or CLAUSE_START
        end = parts[i + 1] if i + 1 < len(parts) else ""
        out.append(Sentence(" ".join(marked) + " ", "?" in end, frozenset(marked)))
    return out


class Classifier:
    def __init__(self, rules: Dict[str, Tuple[Tuple[Rule, ...], Tuple[Rule, ...]]], fillers=frozenset()):
        self._rules = rules
        self._fillers = frozenset(fillers)

    def classify(self, text: str) -> Classification:
        found: Dict[str, str] = {}
        for sentence in sentences(text if isinstance(text, str) else "", self._fillers):
            for label in LABELS:
                if label in found:
                    continue
                markers, vetoes = self._rules[label]
                hit = _first_hit(markers, vetoes, sentence)
                if hit:
                    found[label] = hit
        labels = tuple(label for label in LABELS if label in found) or (OTHER,)
        return Classification(labels, found)


def _spans(rule: Rule, sentence: Sentence):
    if rule.question_only and not sentence.question:
        return []
    if rule.needs is not None and rule.needs.isdisjoint(sentence.words):
        return []
    return [m.span() for m in rule.regex.finditer(sentence.text)]


def _first_hit(markers, vetoes, sentence: Sentence) -> Optional[str]:
    blocked = [span for veto in vetoes for span in _spans(veto, sentence)]
    for rule in markers:
        for start, end in _spans(rule, sentence):
            if start == end:
                end += 1
            if not any(s < end and start < (e if e > s else s + 1) for s, e in blocked):
                return rule.source
    return None


# --- the pattern language -------------------------------------------------------------------


def compile_pattern(source: str, words: Dict[str, str], where: str) -> Rule:
    if not isinstance(source, str) or not source.strip() or source != source.strip():
        raise MarkerError(f"{where}: must be a non-empty string without stray white space")
    tokens = source.split()
    question_only = False
    if tokens[-1] == "?$":
        question_only = True
        tokens[-1] = "$"
    parts: List[str] = []
    needs: Optional[FrozenSet[str]] = None
    for token in tokens:
        if token in ("^", "^^"):
            if parts:
                raise MarkerError(f"{where}: {token} may only open a pattern")
            parts.append(f"{SENTENCE_START} " if token == "^^" else f"[{SENTENCE_START}{CLAUSE_START}] ")
        elif token == "$":
            parts.append(r"(?=$|, )")
        elif token == "*":
            parts.append(r"(?:[^ ]+ ){0,3}?")
        elif token == "**":
            parts.append(r"(?:[^ ]+ ){0,8}?")
        elif token.startswith("!"):
            parts.append(rf"(?!(?:{_alternatives(_words_of(token[1:], words, where))}) )")
        else:
            optional = token.endswith("?") and len(token) > 1
            body = token[:-1] if optional else token
            alternatives = frozenset(_words_of(body, words, where))
            group = rf"(?:{_alternatives(alternatives)}) "
            parts.append(f"(?:{group})?" if optional else group)
            if not optional and (needs is None or len(alternatives) < len(needs)):
                needs = alternatives
    if all(
        p.startswith("(?=") or p.startswith("(?!") or p.startswith(SENTENCE_START) or p.startswith("[") for p in parts
    ):
        raise MarkerError(f"{where}: {source!r} matches no word")
    # a marker begins at a word's start: "ga" does not match the end of "collega"
    return Rule(source, WORD_START + "".join(parts), question_only, needs)


def _words_of(body: str, words: Dict[str, str], where: str) -> List[str]:
    """The words one token of a pattern stands for ("a|b|{LIST}"), as sentences() reads the text."""
    out: List[str] = []
    for alt in body.split("|"):
        alt = alt.translate(_ACUTE)
        if alt.startswith("{") and alt.endswith("}"):
            name = alt[1:-1]
            if name not in words:
                raise MarkerError(f"{where}: unknown word list {alt}")
            out.extend(word.translate(_ACUTE) for word in words[name].split("|"))
        elif alt == ",":
            out.append(",")
        elif _WORD.match(alt):
            out.append(alt)
        else:
            raise MarkerError(f"{where}: {alt!r} is not a word")
    return out


def _alternatives(alternatives) -> str:
    """A regex alternation of words, the longest first."""
    return "|".join(re.escape(w) for w in sorted(set(alternatives), key=len, reverse=True))


def word_list(value, where: str) -> str:
    """A "a|b|c" word list from a markers file, checked."""
    if not isinstance(value, str) or not value or not all(_WORD.match(w) for w in value.split("|")):
        raise MarkerError(f"{where}: must be words separated by |")
    return value


def parse_header(data, origin: str) -> Tuple[Dict[str, str], FrozenSet[str]]:
    """A markers file's version, word lists and fillers, checked: (words, fillers)."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise MarkerError(f"{origin}: must be an object with version 1")
    raw_words = data.get("words", {})
    if not isinstance(raw_words, dict):
        raise MarkerError(f"{origin}.words: must be an object")
    words = {name: word_list(value, f"{origin}.words.{name}") for name, value in raw_words.items()}
    fillers = frozenset(word_list(data.get("fillers"), f"{origin}.fillers").translate(_ACUTE).split("|"))
    return words, fillers


def parse_rules(data, names, words: Dict[str, str], origin: str):
    """label -> (markers, vetoes) for exactly these label names, from data["labels"], compiled."""
    labels = data.get("labels")
    if not isinstance(labels, dict) or set(labels) != set(names):
        raise MarkerError(f"{origin}.labels: must have exactly {', '.join(names)}")

    rules = {}
    for label in names:
        entry = labels[label]
        where = f"{origin}.labels.{label}"
        if not isinstance(entry, dict) or not isinstance(entry.get("markers"), list) or not entry["markers"]:
            raise MarkerError(f"{where}.markers: must be a non-empty list")
        vetoes = entry.get("not", [])
        if not isinstance(vetoes, list):
            raise MarkerError(f"{where}.not: must be a list")
        rules[label] = (
            tuple(compile_pattern(p, words, f"{where}.markers[{i}]") for i, p in enumerate(entry["markers"])),
            tuple(compile_pattern(p, words, f"{where}.not[{i}]") for i, p in enumerate(vetoes)),
        )
    return rules


def parse_markers(data, origin: str = "markers") -> Classifier:
    words, fillers = parse_header(data, origin)
    return Classifier(parse_rules(data, LABELS, words, origin), fillers)


def read_markers(locale: str, folder: str) -> Tuple[object, str]:
    """(the parsed JSON, its name for messages) of locale/<locale>/<folder>/markers.json."""
    origin = f"locale/{locale}/{folder}/markers.json"
    try:
        return json.loads(datafiles.read_text("locale", locale, folder, "markers.json")), origin
    except json.JSONDecodeError as exc:
        raise MarkerError(f"{origin}: not valid JSON: {exc}") from None


@lru_cache(maxsize=4)
def load_classifier(locale: str = LOCALE) -> Classifier:
    return parse_markers(*read_markers(locale, "practice"))


def classify(text: str, locale: str = LOCALE) -> Classification:
    return load_classifier(locale).classify(text)


# --- shared with skill.distress (the same pattern language over other labels) ----------------


def first_match(markers, vetoes, sentence: Sentence) -> Optional[Tuple[Rule, Tuple[int, int]]]:
    """The first marker that matches the sentence outside every veto, with the span it matched."""
    blocked = [span for veto in vetoes for span in _spans(veto, sentence)]
    for rule in markers:
        for start, end in _spans(rule, sentence):
            stop = end + 1 if start == end else end
            if not any(s < stop and start < (e if e > s else s + 1) for s, e in blocked):
                return rule, (start, end)
    return None
