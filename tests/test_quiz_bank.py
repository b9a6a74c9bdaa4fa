"""The quiz bank: generated from the content (a new example phrase makes a new question), the
hand-written data validated against the content, options that cannot be mistaken for the answer."""

from __future__ import annotations

import copy
import json
import random
from importlib import resources

import pytest

from quiz_helpers import BANK, C
from skill.content import parse_content
from skill.quiz import QuizDataError, new_round
from skill.quiz.bank import build_bank
from skill.quiz.game import make_options

DATA = json.loads(resources.files("skill").joinpath("data/quiz.json").read_text(encoding="utf-8"))
RAW_CONTENT = json.loads(resources.files("skill").joinpath("data/principles.json").read_text(encoding="utf-8"))


def test_every_example_phrase_is_a_question_unless_excluded():
    phrases = {(q.principle, q.text) for q in BANK.questions if q.kind == "phrase"}
    for principle in C:
        for phrase in principle.examples:
            if phrase not in DATA["phrase_questions"]["exclude"]:
                assert (principle.id, phrase) in phrases


def test_a_new_example_phrase_makes_new_questions():
    raw = copy.deepcopy(RAW_CONTENT)
    target = next(p for p in raw["principles"] if p["id"] == DATA["open_question_principle"])
    target["examples"].append("Wat zou je het liefst willen veranderen?")
    bank = build_bank(parse_content(raw), DATA)
    texts = [q.text for q in bank.questions]
    assert texts.count("Wat zou je het liefst willen veranderen?") == 2  # a phrase and an open question
    assert len(bank.questions) == len(BANK.questions) + 2


def test_every_principle_has_questions_and_every_question_a_why_from_the_content_or_its_own():
    assert {q.principle for q in BANK.questions} == set(C.ids)
    content_text = " ".join(p.summary + " " + " ".join(a.text for a in p.advice) for p in C)
    own = {f"w:{s['id']}": s["why"] for s in DATA["statements"] if "why" in s}
    assert own, "the statement about secrecy explains itself (issue 15)"
    for question in BANK.questions:
        assert question.why and (question.why in content_text or question.why == own.get(question.key)), question.key


def test_options_hold_the_answer_and_two_distractors_that_cannot_be_mistaken_for_it():
    rng = random.Random(3)
    for question in BANK.questions:
        if not question.choice:
            continue
        for _ in range(5):
            options = make_options(BANK, question, rng)
            assert len(set(options)) == 3 and question.answer in options
            for option in options:
                if option == question.answer:
                    continue
                assert BANK.valid_option(question, option)
                if question.kind == "phrase":
                    assert frozenset((option, question.principle)) not in BANK.confusable
                    assert question.text not in C.get(option).examples


def test_a_round_has_five_different_questions_of_more_than_one_kind():
    for seed in range(30):
        game, _ = new_round(BANK, random.Random(seed))
        questions = [BANK.get(k) for k in game.questions]
        assert len(questions) == 5 and len({q.text for q in questions}) == 5
        assert len({q.kind for q in questions}) >= 2
        assert len({q.principle for q in questions}) == 5


def _broken(change):
    data = copy.deepcopy(DATA)
    change(data)
    return data


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(letters=["A", "B"]), "letters"),
        (lambda d: d.update(round_size=0), "round_size"),
        (lambda d: d.update(open_question_principle="sterrenkunde"), "open_question_principle"),
        (
            lambda d: d["phrase_questions"]["confusable"].append(["luisteren", "sterrenkunde"]),
            "phrase_questions.confusable[14]",
        ),
        (lambda d: d.update(closed_questions=["Ben je moe"]), "closed_questions"),
        (lambda d: d["statements"][0].update(principle="sterrenkunde"), "statements[0].principle"),
        (lambda d: d["statements"][0].update(advice=99), "statements[0].advice"),
        (lambda d: d["statements"][1].update(id=d["statements"][0]["id"]), "statements[1].id"),
        (lambda d: d["statements"][0].update(true="ja"), "statements[0].true"),
        (lambda d: d["statements"][0].update(text="geen zin"), "statements[0].text"),
    ],
)
def test_broken_quiz_data_fails_loudly_naming_the_place(change, where):
    with pytest.raises(QuizDataError) as info:
        build_bank(C, _broken(change))
    assert f"quiz.json.{where}:" in str(info.value)
