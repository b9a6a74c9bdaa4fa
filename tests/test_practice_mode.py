"""Practising a conversation, turn by turn through the skill (skill.dev.conversation.Conversation): the
start, feedback and the other person's reaction per kind of answer, the summary, and every way out
(stop met oefenen / annuleer, stop, a distress statement mid-practice), with speech,
shouldEndSession, reprompt and state asserted. FirstVariant makes the first scenario the overloaded
colleague (Sanne) and every prompt start at its first variant."""

from __future__ import annotations

import json

import pytest

from skill import datafiles
from skill.content import load_content
from skill.practice.scenarios import load_scenarios

from practice_helpers import CODES, REPLIES, say

PROMPTS = {}
for _name in ("practice.json", "prompts.json"):
    PROMPTS.update(json.loads(datafiles.read_text("locale", "nl-NL", _name))["prompts"])
SCENARIOS = load_scenarios(load_content())
SANNE = SCENARIOS.get("overloaded_colleague")
CONTENT = load_content()


def first(key: str, **fields) -> str:
    return PROMPTS[key][0].format(**fields)


def start(talk):
    talk.launch()
    return talk.intent("PracticeIntent")


def elicits_the_reply(reply) -> bool:
    directives = reply.response.get("directives") or []
    return any(
        d.get("type") == "Dialog.ElicitSlot"
        and d.get("slotToElicit") == "antwoord_vrij"
        and d["updatedIntent"]["name"] == "PracticeReplyIntent"
        for d in directives
    )


def section(talk):
    return talk.attributes.get("prac")


def test_laten_we_oefenen_sets_the_scene_and_the_other_person_speaks(talk):
    reply = start(talk)
    assert not reply.ended
    assert SANNE.situation in reply.speech
    assert SANNE.opening[0] in reply.speech
    assert reply.speech.endswith(first("practice_your_turn"))
    assert reply.reprompt == first("practice_reprompt")
    assert talk.attributes["offer"] == "practice"
    assert section(talk) == {"s": "overloaded_colleague", "t": 0, "g": 0, "h": "", "l": "o0"}
    assert elicits_the_reply(reply)


def test_a_one_shot_start_keeps_the_session_open_for_the_role_play(talk):
    reply = talk.intent("PracticeIntent")
    assert not reply.ended and SANNE.opening[0] in reply.speech and elicits_the_reply(reply)


def test_an_open_question_gets_praise_and_more_story(talk):
    start(talk)
    reply = say(talk, "wat maakt het op dit moment zo zwaar")
    assert reply.speech.startswith(first("practice_feedback_open_question"))
    assert SANNE.story[0] in reply.speech
    assert not reply.ended and reply.reprompt and elicits_the_reply(reply)
    assert section(talk)["t"] == 1 and section(talk)["h"] == "o" and section(talk)["g"] == 1


def test_advice_gets_feedback_tied_to_options_and_a_yes_but(talk):
    start(talk)
    reply = say(talk, "je moet gewoon wat vaker nee zeggen")
    assert SANNE.feedback["advice"][0] in reply.speech  # the scenario's own feedback
    assert "Hoe heb je dit eerder aangepakt?" in reply.speech  # the example phrase of 'opties'
    assert SANNE.reactions["advice"][0] in reply.speech and "maar" in SANNE.reactions["advice"][0]
    assert section(talk)["h"] == "a" and section(talk)["g"] == 0


def test_minimising_gets_the_validation_example_phrase(talk):
    start(talk)
    reply = say(talk, "ach kop op het komt wel goed")
    example = CONTENT.get("gevoelens").examples[0]
    assert reply.speech.startswith(
        first("practice_feedback_minimising") + " " + first("practice_suggest_minimising", example=example)
    )
    assert SANNE.reactions["minimising"][0] in reply.speech


def test_several_labels_the_one_that_most_needs_a_word_decides(talk):
    start(talk)
    reply = say(talk, "logisch dat je moe bent maar je moet echt eens vrij nemen")
    assert SANNE.feedback["advice"][0] in reply.speech


def test_the_last_answer_gets_the_short_verdict_and_the_summary_says_what_to_try(talk):
    start(talk)
    for words in ("wat is er", "wat nog meer", "hoe voelt dat"):
        say(talk, words)
    reply = say(talk, "kop op")
    gevoelens = CONTENT.get("gevoelens")
    assert reply.speech.startswith(first("practice_feedback_minimising") + " Sanne")  # no suggestion here
    assert reply.speech.count(gevoelens.examples[0]) == 1  # in the summary only
    assert first("practice_try", title="valideer gevoelens", example=gevoelens.examples[0]) in reply.speech


def test_four_answers_then_the_ending_and_a_summary_with_one_thing_to_try(talk):
    start(talk)
    say(talk, "wat maakt het zo zwaar")
    say(talk, "het klinkt alsof het je allemaal te veel wordt")
    say(talk, "dat heb ik ook gehad vorig jaar")
    reply = say(talk, "logisch dat je je zo voelt")
    assert SANNE.ending_good in reply.speech
    assert first("practice_step_out") in reply.speech
    assert first("practice_well_validation", other="Sanne") in reply.speech
    luisteren = CONTENT.get("luisteren")
    assert (
        first("practice_try", title="luister actief en met volle aandacht", example=luisteren.examples[2])
        in reply.speech
    )
    assert reply.speech.endswith(first("practice_again_question"))
    assert reply.reprompt == first("practice_again_reprompt")
    assert not reply.ended and not elicits_the_reply(reply)
    assert talk.attributes["offer"] == "practice_again" and section(talk) == {"x": "overloaded_colleague"}


def test_after_the_summary_yes_starts_another_scenario_and_no_moves_on(talk):
    start(talk)
    for words in ("je moet vrij nemen", "kop op", "je moet vrij nemen", "komt wel goed"):
        reply = say(talk, words)
    assert SANNE.ending_poor in reply.speech
    assert first("practice_well_none") in reply.speech
    reply = talk.intent("AMAZON.YesIntent")
    mark = SCENARIOS.get("friend_parent_ill")
    assert mark.opening[0] in reply.speech and section(talk)["s"] == mark.id
    for words in ("hoe gaat het met je vader", "wat zei de dokter", "wat heb je nodig", "hoe voel je je nu"):
        reply = say(talk, words)
    reply = talk.intent("AMAZON.NoIntent")  # no to "Wil je nog een gesprek oefenen?": done, as everywhere
    assert reply.ended and reply.speech in PROMPTS["goodbye_short"]


@pytest.mark.parametrize("intent", ["DontKnowIntent", "HintIntent"])
def test_ik_weet_het_niet_and_geef_een_hint_give_a_hint_with_an_example_phrase(talk, intent):
    start(talk)
    reply = talk.intent(intent)
    open_vragen = CONTENT.get("open_vragen")
    assert reply.speech.startswith(first("practice_hint", title="stel open vragen", example=open_vragen.examples[0]))
    assert not reply.ended and reply.reprompt and elicits_the_reply(reply)
    assert section(talk)["t"] == 0 and talk.attributes["offer"] == "practice"


def test_a_hint_after_advice_points_to_options(talk):
    start(talk)
    say(talk, "je zou eens met je baas moeten praten")
    reply = talk.intent("HintIntent")
    assert "Hoe heb je dit eerder aangepakt?" in reply.speech and section(talk)["t"] == 1


def test_herhaal_repeats_the_other_persons_line_without_feedback(talk):
    start(talk)
    say(talk, "wat is er aan de hand")
    reply = talk.intent("AMAZON.RepeatIntent")
    assert reply.speech.startswith(first("practice_repeat_intro", other="Sanne") + " " + SANNE.story[0])
    assert "open vraag" not in reply.speech and section(talk)["t"] == 1 and elicits_the_reply(reply)


def test_help_inside_explains_the_role_play_and_repeats_the_line(talk):
    start(talk)
    reply = talk.intent("AMAZON.HelpIntent")
    assert first("practice_help", other="Sanne") in reply.speech and SANNE.opening[0] in reply.speech
    assert not reply.ended and talk.attributes["offer"] == "practice"


@pytest.mark.parametrize(
    "send",
    [
        lambda talk: talk.intent("AMAZON.FallbackIntent"),
        lambda talk: talk.intent("PracticeReplyIntent"),  # the slot came empty
    ],
)
def test_nothing_heard_asks_again_and_counts_no_turn(talk, send):
    start(talk)
    reply = send(talk)
    assert reply.speech.startswith(first("practice_not_heard"))
    assert not reply.ended and section(talk)["t"] == 0 and elicits_the_reply(reply)


def test_ja_and_nee_are_replies_to_the_other_person(talk):
    start(talk)
    reply = talk.intent("AMAZON.YesIntent")
    assert reply.speech.startswith(
        first("practice_feedback_other")
        + " "
        + first("practice_suggest_other", example=CONTENT.get("open_vragen").examples[2])
    )
    assert section(talk)["h"] == "x"


def test_opnieuw_beginnen_starts_the_same_conversation_again(talk):
    start(talk)
    say(talk, "wat is er")
    reply = talk.intent("AMAZON.StartOverIntent")
    assert SANNE.opening[0] in reply.speech and section(talk)["t"] == 0 and section(talk)["s"] == SANNE.id


def test_stop_met_oefenen_leaves_the_role_play_keeps_the_session_and_it_can_be_resumed(talk):
    start(talk)
    say(talk, "wat maakt het zo druk")
    reply = talk.intent("AMAZON.CancelIntent")  # until LeaveIntent lands: "annuleer", "laat maar"
    assert reply.speech.startswith(first("practice_left"))
    assert not reply.ended and reply.reprompt == first("anything_else_reprompt")
    assert talk.attributes.get("offer") is None and not elicits_the_reply(reply)
    assert section(talk)["t"] == 1
    reply = talk.intent("TipIntent")  # something else in between
    assert "offer" in talk.attributes and talk.attributes["offer"] != "practice"
    reply = talk.intent("HintIntent")  # back to the role play where it was
    assert reply.speech.startswith(first("practice_back"))
    assert SANNE.story[0] in reply.speech and talk.attributes["offer"] == "practice" and elicits_the_reply(reply)


def test_stop_ends_the_skill_mid_practice(talk):
    start(talk)
    reply = talk.intent("AMAZON.StopIntent")
    assert reply.ended and reply.reprompt == "" and reply.speech
    assert talk.attributes == {}


@pytest.mark.parametrize("persoon", [None, "friend"])
def test_a_distress_statement_mid_practice_leaves_the_role_play_for_the_crisis_answer(talk, persoon):
    start(talk)
    say(talk, "wat is er")
    slots = {"persoon": (persoon, persoon)} if persoon else {}
    reply = talk.intent("CrisisIntent", **slots)
    assert "113" in reply.speech
    assert SANNE.story[0] not in reply.speech and "Sanne" not in reply.speech
    assert not reply.ended and reply.reprompt
    assert talk.attributes["offer"].startswith("care_") and not elicits_the_reply(reply)
    reply = talk.intent("AMAZON.RepeatIntent")  # the numbers again, not the other person's line
    assert "113" in reply.speech and talk.attributes["offer"].startswith("care_")
    assert "Sanne" not in reply.speech and section(talk)["t"] == 1


def test_outside_the_role_play_a_hint_offers_to_begin_one(talk):
    talk.launch()
    reply = talk.intent("HintIntent")
    assert reply.speech.startswith(first("practice_hint_outside"))
    assert talk.attributes["offer"] == "practice_start" and not reply.ended
    reply = talk.intent("AMAZON.YesIntent")
    assert SANNE.opening[0] in reply.speech and talk.attributes["offer"] == "practice"


def test_a_tampered_section_starts_afresh_and_never_crashes(talk):
    start(talk)
    for bad in (
        {"s": "nope", "t": 0, "g": 0, "h": "", "l": "o0"},
        {"s": SANNE.id, "t": 1, "g": 0, "h": "", "l": "o0"},
        {"s": SANNE.id, "t": 0, "g": 0, "h": "", "l": "s99"},
        {"s": SANNE.id, "t": 0, "g": 0, "h": "", "l": "rv0"},
        "x",
        {"s": SANNE.id, "t": 9, "g": 0, "h": "aaaaaaaaa", "l": "o0"},
    ):
        talk.attributes["prac"] = bad
        reply = say(talk, "wat is er")
        assert not reply.ended and SANNE.opening[0] in reply.speech
        assert section(talk)["t"] == 0


def test_the_session_ending_mid_practice_gets_an_empty_answer(talk):
    start(talk)
    reply = talk.end()
    assert reply.speech == "" and reply.response.get("directives") is None


def test_naar_het_begin_mid_practice_goes_back_to_the_welcome_and_leaves_the_role_play(talk):
    start(talk)
    reply = talk.intent("AMAZON.NavigateHomeIntent")
    assert not reply.ended and talk.attributes.get("offer") != "practice" and not elicits_the_reply(reply)
    assert "Sanne" not in reply.speech


@pytest.mark.parametrize("scenario_id", SCENARIOS.ids)
def test_every_scenario_can_be_practised_to_the_summary_with_every_kind_of_answer(talk, scenario_id):
    scenario = SCENARIOS.get(scenario_id)
    talk.launch()
    talk.attributes = dict(
        talk.attributes, offer="practice", prac={"s": scenario_id, "t": 0, "g": 0, "h": "", "l": "o1"}
    )
    reply = talk.intent("AMAZON.RepeatIntent")
    assert scenario.opening[1] in reply.speech
    labels = list(REPLIES)
    for n, label in enumerate(labels):
        if n and n % (SCENARIOS.turns - 1) == 0:  # start again before the summary, to hear every kind
            talk.intent("AMAZON.StartOverIntent")
        reply = say(talk, REPLIES[label])
        lines = scenario.story if label in ("open_question", "paraphrase", "validation") else scenario.reactions[label]
        assert any(line in reply.speech for line in lines), (label, reply.speech)
        assert section(talk)["h"][-1] == CODES[label]
    while talk.attributes.get("offer") == "practice":
        reply = say(talk, REPLIES["open_question"])
    assert scenario.ending_good in reply.speech or scenario.ending_poor in reply.speech
    assert talk.attributes["offer"] == "practice_again" and not reply.ended


@pytest.mark.parametrize(
    "answers, went_well",
    [
        (("wat is er", "wat nog meer", "je moet vrij nemen", "kop op"), False),  # half good, the last not
        (("je moet vrij nemen", "kop op", "wat is er", "wat nog meer"), True),  # half good, the last too
        (("wat is er", "kop op", "wat nog meer", "hoe voelt dat"), True),
    ],
)
def test_the_other_person_ends_well_when_most_answers_were_good_or_half_and_the_last(talk, answers, went_well):
    start(talk)
    for words in answers:
        reply = say(talk, words)
    assert (SANNE.ending_good in reply.speech) is went_well
    assert (SANNE.ending_poor in reply.speech) is not went_well


def test_stop_met_oefenen_is_leave_intent_with_the_activity_practice(talk):
    start(talk)
    reply = talk.intent("LeaveIntent", activiteit=("oefenen", "practice"))
    assert reply.speech.startswith(first("practice_left")) and not reply.ended
    assert talk.attributes.get("offer") is None and section(talk)["t"] == 0


def test_ga_verder_met_oefenen_resumes_where_the_role_play_was_left(talk):
    start(talk)
    say(talk, "wat maakt het zo druk")
    talk.intent("LeaveIntent", activiteit=("oefenen", "practice"))
    reply = talk.intent("ResumeIntent", activiteit=("oefenen", "practice"))
    assert reply.speech.startswith(first("practice_back")) and SANNE.story[0] in reply.speech
    assert talk.attributes["offer"] == "practice" and elicits_the_reply(reply) and section(talk)["t"] == 1


def test_resuming_with_no_role_play_kept_offers_to_begin_one(talk):
    talk.launch()
    reply = talk.intent("ResumeIntent", activiteit=("oefenen", "practice"))
    assert reply.speech.startswith(first("practice_nothing_to_resume")) and not reply.ended
    reply = talk.intent("AMAZON.YesIntent")
    assert SANNE.opening[0] in reply.speech and talk.attributes["offer"] == "practice"


def test_a_tip_asked_mid_practice_is_answered_and_yes_goes_back_to_the_role_play(talk):
    start(talk)
    reply = talk.intent("TipIntent")
    assert talk.attributes["offer"] == "resume_practice" and not elicits_the_reply(reply)
    assert reply.speech.endswith(first("practice_resume_question"))
    reply = talk.intent("AMAZON.YesIntent")
    assert SANNE.opening[0] in reply.speech and talk.attributes["offer"] == "practice" and elicits_the_reply(reply)


def test_every_label_of_the_classifier_has_its_code_and_feedback():
    """skill.practice.mode names the labels without importing the classifier at start-up."""
    from skill.practice import mode
    from skill.practice.classify import ALL_LABELS, OTHER

    assert mode.OTHER == OTHER
    assert set(mode.CODES) == set(mode.FEEDBACK_KEYS) == set(mode.PRIORITY) == set(ALL_LABELS)
    assert len(set(mode.CODES.values())) == len(ALL_LABELS)
