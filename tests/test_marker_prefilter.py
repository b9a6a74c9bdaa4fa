"""The marker language's word filter (skill/practice/classify.py, Rule.needs): a pattern is only run
on a sentence that holds one of the words it cannot match without. Proven here on every sentence of
the corpora (care, phrasings, practice replies): the filter never passes over a sentence the regex
would match, and the distress detector and the practice classifier answer exactly as without it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill import distress
from skill.practice import classify

CORPORA = Path(__file__).parent / "nl-NL"


def _texts():
    out = []
    for path in sorted(CORPORA.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for item in data.get("tests") or data.get("replies") or []:
            text = item.get("sentence") or item.get("text")
            if isinstance(text, str):
                out.append(text)
    return out


TEXTS = _texts()


def _rules():
    detector = distress.load_detector()
    rules = [rule for markers, vetoes in detector._rules.values() for rule in markers + vetoes]
    for markers, vetoes in classify.load_classifier()._rules.values():
        rules += list(markers) + list(vetoes)
    return rules


def test_the_corpora_and_the_rules_are_there():
    assert len(TEXTS) > 2000
    rules = _rules()
    assert len(rules) > 500
    assert sum(rule.needs is not None for rule in rules) > 0.9 * len(rules)


def test_no_sentence_a_pattern_matches_is_passed_over():
    rules = _rules()
    for text in TEXTS:
        for sentence in classify.sentences(text):
            for rule in rules:
                if rule.needs is not None and rule.needs.isdisjoint(sentence.words):
                    assert rule.regex.search(sentence.text) is None, (rule.source, sentence.text)


@pytest.fixture
def without_filter(monkeypatch):
    """The same rules with the filter off (every regex runs), for comparison."""
    saved = [(rule, rule.needs) for rule in _rules()]

    def off():
        for rule, _ in saved:
            rule.needs = None

    yield off
    for rule, needs in saved:
        rule.needs = needs


def test_the_detector_and_the_classifier_answer_as_without_the_filter(without_filter):
    with_filter = [(distress.detect(text), classify.classify(text)) for text in TEXTS]
    without_filter()
    assert [(distress.detect(text), classify.classify(text)) for text in TEXTS] == with_filter


def test_a_broken_filter_is_caught():
    """The check above can fail: a rule whose filter names the wrong words passes over a match."""
    rule = classify.compile_pattern("niet meer leven", {}, "x")
    assert rule.needs == {"niet"}  # the first of the most selective words
    (sentence,) = classify.sentences("ik wil niet meer leven")
    assert classify._spans(rule, sentence)
    rule.needs = frozenset({"nooit"})
    assert not classify._spans(rule, sentence)  # what the corpus check would catch
