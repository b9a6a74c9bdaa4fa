"""The closing checklist as whole conversations: the whole list (in a session and one-shot), step by
step forward and back, past the last and before the first step, Repeat / StartOver / Help / No in
step mode, the offer after the closing principle, and a tampered step. Every response is checked for
valid SSML and size by the `talk` fixture (tests/conftest.py)."""

from __future__ import annotations

import pytest

from quiz_helpers import C, quoted, said, text
from skill import prompt_keys as K
from skill.checklist import ChecklistError, build_checklist, load_checklist

CHECKLIST = load_checklist(C)
CLOSING = C.get("afsluiten")


def step_text(n: int) -> str:
    return text("chk_step_position", n=str(n), total=str(len(CHECKLIST)))


def test_the_checklist_is_built_from_the_closing_principle():
    assert CHECKLIST.principle == "afsluiten" and len(CHECKLIST) == 4
    texts = [s.text for s in CHECKLIST.steps]
    assert texts[2:] == [a.text for a in CLOSING.advice[1:]]
    examples = [s.example for s in CHECKLIST.steps]
    assert "Dankjewel dat je dit met mij gedeeld hebt." in examples
    assert "Hoe voel je je nu na dit gesprek?" in examples
    assert set(CLOSING.examples) <= set(examples)


@pytest.mark.parametrize(
    "data, where",
    [
        ({"version": 2, "principle": "afsluiten", "steps": [{"advice": 0}]}, "version"),
        ({"version": 1, "principle": "sterrenkunde", "steps": [{"advice": 0}]}, "principle"),
        ({"version": 1, "principle": "afsluiten", "steps": []}, "steps"),
        ({"version": 1, "principle": "afsluiten", "steps": [{"advice": 9}]}, "steps[0].advice"),
        ({"version": 1, "principle": "afsluiten", "steps": [{"advice": 0, "text": " "}]}, "steps[0].text"),
    ],
)
def test_a_broken_checklist_file_fails_loudly_naming_the_place(data, where):
    with pytest.raises(ChecklistError, match=f"checklist.json.{where.replace('[', '.').replace(']', '.')}"):
        build_checklist(C, data)


def test_the_whole_list_numbered_with_pauses_then_the_offer_to_go_step_by_step(talk):
    talk.launch()
    reply = talk.intent("ChecklistIntent")
    assert reply.speech.startswith(text("chk_whole_intro", count="4"))
    positions = [reply.speech.index(text("chk_step_label", n=str(n))) for n in range(1, 5)]
    assert positions == sorted(positions)
    for step in CHECKLIST.steps:
        assert step.text in reply.speech
    assert quoted(reply.ssml) == []  # one breath per step: the example phrases come step by step
    assert reply.ssml.count('<break time="1000ms"/>') >= 3
    assert reply.speech.endswith(text("chk_whole_question")) and reply.reprompt and not reply.ended
    assert reply.prompt_keys[0] == K.CHK_WHOLE_INTRO and reply.prompt_keys[-1] == K.CHK_WHOLE_QUESTION
    yes = talk.intent("AMAZON.YesIntent")
    assert yes.speech.startswith(step_text(1)) and yes.prompt_keys[0] == K.CHK_STEP_POSITION


def test_one_shot_the_whole_list_and_the_session_ends(talk):
    reply = talk.intent("ChecklistIntent", manier=("stap voor stap", "stap_voor_stap"))
    assert reply.ended and not reply.reprompt
    for step in CHECKLIST.steps:
        assert step.text in reply.speech


def test_step_by_step_forward_past_the_last_step(talk):
    talk.launch()
    reply = talk.intent("ChecklistIntent", manier=("stap voor stap", "stap_voor_stap"))
    assert reply.speech.startswith(step_text(1)) and CHECKLIST.steps[0].text in reply.speech
    assert reply.speech.endswith(text("chk_step_question")) and reply.reprompt == text("chk_step_reprompt")
    assert reply.prompt_keys == (K.CHK_STEP_POSITION, K.EXAMPLE_LEAD, K.CHK_STEP_QUESTION)
    assert reply.reprompt_keys == (K.CHK_STEP_REPROMPT,)
    for n in range(2, 5):
        reply = talk.intent("AMAZON.NextIntent")
        assert reply.speech.startswith(step_text(n)) and CHECKLIST.steps[n - 1].text in reply.speech
        assert quoted(reply.ssml) == [CHECKLIST.steps[n - 1].example]
        assert reply.prompt_keys[0] == K.CHK_STEP_POSITION and not reply.ended
    assert reply.prompt_keys[-1] == K.CHK_LAST_QUESTION
    past = talk.intent("AMAZON.NextIntent")
    assert past.prompt_keys[0] == K.CHK_PAST_LAST and not past.ended
    assert "chk" not in past.attributes and "offer" not in past.attributes
    after = talk.intent("AMAZON.NextIntent")  # out of the checklist now: general navigation again
    assert "chk" not in after.attributes


def test_step_by_step_back_before_the_first_step(talk):
    talk.launch()
    talk.intent("ChecklistIntent", manier="stap_voor_stap")
    talk.intent("AMAZON.NextIntent")
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith(step_text(1)) and back.prompt_keys[0] == K.CHK_STEP_POSITION
    before = talk.intent("AMAZON.PreviousIntent")
    assert before.speech.startswith(text("chk_before_first") + " " + step_text(1))
    assert before.prompt_keys[:2] == (K.CHK_BEFORE_FIRST, K.CHK_STEP_POSITION)


def test_repeat_start_over_help_and_no_in_step_mode(talk):
    talk.launch()
    talk.intent("ChecklistIntent", manier="stap_voor_stap")
    third = None
    for _ in range(2):
        third = talk.intent("AMAZON.NextIntent")
    repeat = talk.intent("AMAZON.RepeatIntent")
    assert repeat.speech.startswith(step_text(3)) and repeat.attributes["chk"]["s"] == 2
    assert CHECKLIST.steps[2].text in repeat.speech and quoted(repeat.ssml) == quoted(third.ssml)
    help_ = talk.intent("AMAZON.HelpIntent")
    assert help_.speech.startswith(text("chk_help")) and step_text(3) not in help_.speech  # short: help only
    assert help_.attributes["chk"]["s"] == 2 and help_.attributes["offer"] == "chk_step" and not help_.ended
    over = talk.intent("AMAZON.StartOverIntent")
    assert said(over.speech, "start_over") and step_text(1) in over.speech and over.attributes["chk"]["s"] == 0
    no = talk.intent("AMAZON.NoIntent")
    assert said(no.speech, "chk_done") and "chk" not in no.attributes and not no.ended


def test_yes_after_the_last_step_starts_again(talk):
    talk.launch()
    talk.intent("ChecklistIntent", manier="stap_voor_stap")
    for _ in range(3):
        talk.intent("AMAZON.NextIntent")
    yes = talk.intent("AMAZON.YesIntent")
    assert said(yes.speech, "start_over") and step_text(1) in yes.speech and yes.attributes["chk"]["s"] == 0


def test_yes_in_step_mode_goes_to_the_next_step(talk):
    talk.launch()
    talk.intent("ChecklistIntent", manier="stap_voor_stap")
    assert talk.intent("AMAZON.YesIntent").speech.startswith(step_text(2))


def test_the_closing_principle_offers_the_checklist_and_yes_leads_into_it(talk):
    talk.launch()
    first = talk.intent("PrincipleIntent", principe=("afsluiten", "afsluiten"))
    assert first.speech.startswith(CLOSING.title) and first.speech.endswith(text("principle_more_question"))
    assert first.attributes["offer"] == "more"
    reply = talk.intent("AMAZON.YesIntent")
    assert CLOSING.advice[-1].text in reply.speech and CLOSING.advice[0].text not in reply.speech
    assert (
        reply.speech.endswith(text("checklist_offer_question"))
        and "Wil je de checklist stap voor stap horen?" in reply.speech
    )
    assert reply.reprompt == text("checklist_offer_reprompt") and reply.attributes["offer"] == "checklist"
    yes = talk.intent("AMAZON.YesIntent")
    assert yes.speech.startswith(step_text(1)) and yes.attributes["offer"] == "chk_step"


def test_other_principles_still_offer_example_phrases(talk):
    talk.launch()
    reply = talk.intent("PrincipleIntent", principe="grenzen")
    assert reply.attributes["offer"] == "examples"


@pytest.mark.parametrize(
    "section",
    [
        None,
        {"v": 1, "s": 4},
        {"v": 1, "s": -1},
        {"v": 2, "s": 0},
        {"v": 1, "s": "1"},
        {"v": 1, "s": 1, "x": 0},
        {"v": 1},
    ],
)
def test_a_tampered_step_starts_the_list_again_kindly(talk, section):
    talk.launch()
    talk.attributes = {**talk.attributes, "offer": "chk_step"}
    if section is not None:
        talk.attributes["chk"] = section
    reply = talk.intent("AMAZON.NextIntent")
    assert reply.speech.startswith(text("chk_lost") + " " + step_text(1))
    assert reply.attributes["chk"] == {"v": 1, "s": 0} and not reply.ended


def test_step_mode_keeps_its_step_in_the_checklists_own_section():
    """skill.handlers.checklist names the section without importing skill.checklist at start-up: the
    same name, and one the session state keeps."""
    from skill import checklist
    from skill.handlers.checklist import CHECKLIST as MODE, SECTION
    from skill.state import FEATURE_SECTIONS

    assert MODE.SECTION == SECTION == checklist.SECTION and SECTION in FEATURE_SECTIONS
