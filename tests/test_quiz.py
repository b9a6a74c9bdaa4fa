"""The quiz as whole conversations: a full round with right, wrong, unmatched, "weet ik niet" and
skipped answers; Repeat, Help, Previous, StartOver and Stop mid-quiz; answers by letter, by principle
name and by yes/no; a round on one principle; tampered and outdated state; an answer with no quiz.
Every response is checked for valid SSML and size by the `talk` fixture (tests/conftest.py)."""

from __future__ import annotations

import json

import pytest

from quiz_helpers import BANK, C, a_question, answer, current, said, section_with, text, variants
from skill import prompt_keys as K
from skill.quiz.game import ACTIVE, BAD, read_section


def start(talk, **slots):
    talk.launch()
    return talk.intent("QuizIntent", **slots)


def test_start_says_how_to_answer_and_asks_the_first_of_five_questions(talk):
    reply = start(talk)
    assert reply.speech.startswith(text("quiz_intro", count="5"))
    assert text("quiz_question_number", n="1", total="5") in reply.speech
    assert not reply.ended and reply.reprompt
    assert reply.prompt_keys[:2] == (K.QUIZ_INTRO, K.QUIZ_QUESTION_NUMBER)
    question, options = current(reply.attributes)
    if question.choice:
        assert reply.prompt_keys[-1] == K.QUIZ_CHOICE_QUESTION and reply.reprompt_keys == (K.QUIZ_CHOICE_REPROMPT,)
        assert reply.speech.endswith(text("quiz_choice_question"))
        assert len(options) == 3 and question.answer in options
    else:
        assert reply.prompt_keys[-1] == K.QUIZ_TRUTH_QUESTION and reply.reprompt_keys == (K.QUIZ_TRUTH_REPROMPT,)
        assert reply.speech.endswith(text("quiz_truth_question")) and options == []


def test_the_state_holds_ids_and_indexes_never_text(talk):
    reply = start(talk)
    blob = json.dumps(reply.attributes["quiz"], ensure_ascii=False)
    assert len(blob) < 300
    for question in BANK.questions:
        assert question.text not in blob


def test_a_full_round_right_wrong_unmatched_dont_know_and_skipped_with_the_score(talk):
    start(talk)
    reply, first = answer(talk, right=True)
    assert reply.prompt_keys[0] == K.QUIZ_RIGHT and first.why in reply.speech
    assert text("quiz_question_number", n="2", total="5") in reply.speech
    assert K.QUIZ_QUESTION_NUMBER in reply.prompt_keys

    _, options = current(talk.attributes)
    reply, second = answer(talk, right=False)
    assert reply.prompt_keys[0] == K.QUIZ_WRONG and second.why in reply.speech
    if second.choice:
        letter = "ABC"[options.index(second.answer)]
        assert reply.prompt_keys[1] == K.QUIZ_CORRECT_CHOICE
        assert said(reply.speech, "quiz_correct_choice", letter=letter)
        assert BANK.option_text(second.answer) in reply.speech
    else:
        correct = K.QUIZ_CORRECT_TRUE if second.answer == "waar" else K.QUIZ_CORRECT_FALSE
        assert reply.prompt_keys[1] == correct

    before = reply.attributes["quiz"]
    unmatched = talk.intent("QuizAnswerIntent", antwoord=("banaan", None))
    assert unmatched.prompt_keys[0] == K.QUIZ_UNMATCHED and not unmatched.ended
    assert K.QUIZ_QUESTION_NUMBER not in unmatched.prompt_keys  # no mark, the same question again
    assert unmatched.attributes["quiz"] == before
    assert unmatched.reprompt

    third, _ = current(talk.attributes)
    reply = talk.intent("DontKnowIntent")
    assert reply.prompt_keys[0] == K.QUIZ_DONT_KNOW and third.why in reply.speech

    fourth, _ = current(talk.attributes)
    reply = talk.intent("SkipIntent")
    assert reply.prompt_keys[0] == K.QUIZ_SKIPPED and fourth.why in reply.speech
    assert K.QUIZ_LAST_QUESTION in reply.prompt_keys and K.QUIZ_QUESTION_NUMBER not in reply.prompt_keys

    reply, fifth = answer(talk, right=True)
    assert fifth.why in reply.speech
    assert K.QUIZ_END in reply.prompt_keys and K.QUIZ_SCORE in reply.prompt_keys
    assert said(reply.speech, "quiz_score", right="2", total="5")
    missed = [q.principle for q in (second, third, fourth)]
    names = [C.get(p).name for p in dict.fromkeys(missed)]
    for name in names:
        assert name in reply.speech
    assert reply.prompt_keys[-1] == K.QUIZ_AGAIN_FOCUS_QUESTION and not reply.ended

    again = talk.intent("AMAZON.YesIntent")  # a new round, focused on what to look at again
    assert again.prompt_keys[0] == K.QUIZ_INTRO_AGAIN
    principles = [BANK.get(k).principle for k in again.attributes["quiz"]["q"]]
    assert set(missed) <= set(principles)
    assert sum(p in missed for p in principles) >= min(5, sum(q.principle in missed for q in BANK.questions))


def test_all_right_and_none_right_are_said_kindly(talk):
    start(talk)
    for _ in range(5):
        reply, _ = answer(talk, right=True)
    assert said(reply.speech, "quiz_score_all", total="5") and reply.attributes["quiz"] == {"v": 1, "f": []}
    assert reply.speech.endswith(tuple(variants("quiz_again_question")))
    start(talk)
    for _ in range(5):
        reply = talk.intent("DontKnowIntent")
    assert said(reply.speech, "quiz_score_none", total="5")
    assert not any(word in reply.speech.lower() for word in ("jammer", "slecht", "fout"))


def test_an_answer_by_principle_name_counts_and_one_not_among_the_options_is_re_asked(talk):
    question = a_question("phrase", "parafraseren")
    talk.launch()
    section = section_with(question)
    talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section}
    outsider = next(p.id for p in C if p.id not in section["o"])
    reply = talk.intent("PrincipleIntent", principe=outsider)
    assert said(reply.speech, "quiz_not_an_option", name=C.get(outsider).name)
    assert reply.attributes["quiz"] == section and not reply.ended
    reply = talk.intent("PrincipleIntent", principe=("in je eigen woorden", "parafraseren"))
    assert said(reply.speech, "quiz_right") and reply.attributes["quiz"]["r"] == [1]


@pytest.mark.parametrize("intent, right", [("AMAZON.YesIntent", True), ("AMAZON.NoIntent", False)])
def test_yes_and_no_answer_a_true_or_false_question(talk, intent, right):
    question = next(q for q in BANK.questions if q.kind == "truth" and q.answer == "waar")
    talk.launch()
    talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section_with(question)}
    reply = talk.intent(intent)
    assert reply.attributes["quiz"]["r"] == [1 if right else 0]
    assert said(reply.speech, "quiz_right_true" if right else "quiz_correct_true")


def test_yes_to_a_multiple_choice_question_is_re_asked_with_the_options(talk):
    question = a_question("open")
    talk.launch()
    section = section_with(question)
    talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section}
    reply = talk.intent("AMAZON.YesIntent")
    assert said(reply.speech, "quiz_yes_no_to_choice") and said(reply.speech, "quiz_options_again")
    assert not said(reply.speech, "quiz_unmatched")
    for key in section["o"]:
        assert BANK.option_text(key) in reply.speech
    assert reply.attributes["quiz"] == section


def test_repeat_mid_quiz_says_the_question_and_its_options_again(talk):
    first = start(talk)
    reply = talk.intent("AMAZON.RepeatIntent")
    question, options = current(reply.attributes)
    assert reply.speech.startswith(text("quiz_question_number", n="1", total="5"))
    assert question.text in reply.speech
    for key in options:
        assert BANK.option_text(key) in reply.speech
    assert reply.attributes["quiz"] == first.attributes["quiz"] and not reply.ended


def test_help_mid_quiz_explains_how_to_answer_then_asks_for_the_answer(talk):
    first = start(talk)
    reply = talk.intent("AMAZON.HelpIntent")
    question, _ = current(reply.attributes)
    assert reply.speech.startswith(text("quiz_help")) and len(reply.speech.split()) <= 50
    assert question.text not in reply.speech and reply.speech.endswith("?") and reply.reprompt and not reply.ended
    assert reply.attributes["quiz"] == first.attributes["quiz"] and reply.attributes["offer"] == "quiz"


def test_previous_and_next_and_start_over_mid_quiz(talk):
    start(talk)
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith(text("quiz_no_back")) and back.attributes["quiz"]["n"] == 0
    nxt = talk.intent("AMAZON.NextIntent")  # "volgende": skip this one
    assert said(nxt.speech, "quiz_skipped") and nxt.attributes["quiz"]["r"] == [3]
    over = talk.intent("AMAZON.StartOverIntent")
    assert said(over.speech, "quiz_start_over") and over.attributes["quiz"]["n"] == 0


def test_stop_mid_quiz_ends_the_quiz_and_the_session_with_the_score_so_far(talk):
    start(talk)
    answer(talk, right=True)
    answer(talk, right=False)
    reply = talk.intent("AMAZON.StopIntent")
    assert reply.ended and not reply.reprompt and reply.attributes == {}
    assert said(reply.speech, "quiz_stopped") and said(reply.speech, "quiz_score", right="1", total="2")
    assert said(reply.speech, "goodbye")


def test_quiz_over_a_principle_asks_about_that_principle(talk):
    reply = start(talk, principe=("open vragen", "open_vragen"))
    assert said(reply.speech, "quiz_intro_focus", count="5", name="open vragen")
    assert not said(reply.speech, "quiz_focus_partial", name="open vragen")
    assert {BANK.get(k).principle for k in reply.attributes["quiz"]["q"]} == {"open_vragen"}
    assert reply.attributes["quiz"]["f"] == ["open_vragen"]


def test_quiz_over_a_principle_with_few_questions_fills_up_and_says_so(talk, monkeypatch):
    monkeypatch.setattr(type(BANK), "round_size", property(lambda self: 9), raising=False)
    reply = start(talk, principe="grenzen")
    assert said(reply.speech, "quiz_focus_partial", name="grenzen en tempo")
    principles = [BANK.get(k).principle for k in reply.attributes["quiz"]["q"]]
    assert len(principles) == 9 and principles.count("grenzen") == sum(q.principle == "grenzen" for q in BANK.questions)


def test_quiz_over_an_unknown_topic_says_so_and_asks_about_everything(talk):
    reply = start(talk, principe=("sterrenkunde", None))
    assert reply.speech.startswith(text("quiz_unknown_topic")) and reply.attributes["offer"] == "quiz"


def test_a_one_shot_quiz_keeps_the_session_open(talk):
    reply = talk.intent("QuizIntent")
    assert not reply.ended and reply.attributes["offer"] == "quiz"


@pytest.mark.parametrize("intent", ["QuizAnswerIntent", "DontKnowIntent", "SkipIntent"])
def test_an_answer_when_no_quiz_runs_offers_one(talk, intent):
    talk.launch()
    reply = talk.intent(intent, antwoord=("b", "b")) if intent == "QuizAnswerIntent" else talk.intent(intent)
    assert reply.speech.startswith(text("quiz_none")) and reply.attributes["offer"] == "quiz_start"
    assert not reply.ended
    yes = talk.intent("AMAZON.YesIntent")
    assert yes.speech.startswith(text("quiz_intro", count="5")) and yes.attributes["offer"] == "quiz"


def test_an_answer_after_a_detour_goes_back_to_the_open_question(talk):
    first = start(talk)
    talk.intent("TipIntent")
    reply = talk.intent("QuizAnswerIntent", antwoord=("a", "a"))
    assert reply.speech.startswith(text("quiz_resume"))
    assert reply.attributes["quiz"] == first.attributes["quiz"] and reply.attributes["offer"] == "quiz"


def _valid_section():
    return section_with(a_question("phrase", "luisteren"), index=2)


TAMPERED = {
    "old version": lambda s: {**s, "v": 0},
    "newer version": lambda s: {**s, "v": 2},
    "unknown question": lambda s: {**s, "q": ["z:sterrenkunde:0"] + s["q"][1:]},
    "index out of range": lambda s: {**s, "n": 9},
    "negative index": lambda s: {**s, "n": -1},
    "index not a number": lambda s: {**s, "n": "2"},
    "results do not fit": lambda s: {**s, "r": [1]},
    "bad result code": lambda s: {**s, "r": [1, 7]},
    "options without the answer": lambda s: {**s, "o": [o for o in C.ids if o not in s["o"]][:3]},
    "options as text": lambda s: {**s, "o": ["actief luisteren", "b", "c"]},
    "two options": lambda s: {**s, "o": s["o"][:2]},
    "unknown key": lambda s: {**s, "x": 1},
    "duplicate questions": lambda s: {**s, "q": [s["q"][0]] * 5},
    "questions as text": lambda s: {**s, "q": "alles"},
    "focus not a principle": lambda s: {**s, "f": ["sterrenkunde"]},
    "not an object": lambda s: ["quiz"],
    "missing": lambda s: None,
}


@pytest.mark.parametrize("change", TAMPERED.values(), ids=TAMPERED.keys())
@pytest.mark.parametrize(
    "intent", ["QuizAnswerIntent", "AMAZON.RepeatIntent", "DontKnowIntent", "AMAZON.HelpIntent", "PrincipleIntent"]
)
def test_tampered_or_outdated_state_is_said_kindly_with_the_offer_of_a_new_round(talk, change, intent):
    talk.launch()
    section = change(_valid_section())
    talk.attributes = {**talk.attributes, "offer": "quiz"}
    if section is not None:
        talk.attributes["quiz"] = section
    slots = (
        {"antwoord": ("a", "a")}
        if intent == "QuizAnswerIntent"
        else {"principe": "luisteren"}
        if intent == "PrincipleIntent"
        else {}
    )
    reply = talk.intent(intent, **slots)
    assert reply.speech.startswith(text("quiz_lost")) and not reply.ended
    assert reply.attributes["offer"] == "quiz_start" and "quiz" not in reply.attributes
    yes = talk.intent("AMAZON.YesIntent")
    assert yes.attributes["offer"] == "quiz" and read_section(yes.attributes["quiz"], BANK)[0] == ACTIVE


def test_a_tampered_section_without_an_open_question_is_also_caught(talk):
    talk.launch()
    talk.attributes = {**talk.attributes, "quiz": {"v": 1, "q": 5}}
    reply = talk.intent("SkipIntent")
    assert reply.speech.startswith(text("quiz_lost"))


def test_the_valid_section_used_above_is_valid():
    assert read_section(_valid_section(), BANK)[0] == ACTIVE
    assert read_section({"v": 1, "q": []}, BANK)[0] == BAD
