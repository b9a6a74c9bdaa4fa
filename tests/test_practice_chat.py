"""Hearing a practice reply in the chat simulator as Alexa would after Dialog.ElicitSlot: the whole
sentence fills PracticeReplyIntent.antwoord_vrij, unless it is a carrier-phrase sample of that intent,
a literal sample of another intent ("geef een hint", "herhaal", "stop") or a statement of distress."""

from __future__ import annotations

import pytest

from practice_helpers import at, spoken
from skill.content import load_content
from skill.dev import nlu
from skill.dev.commands.chat import Chat
from skill.practice.scenarios import load_scenarios
from tests.conftest import checked


@pytest.fixture
def chat(skill):
    return Chat(checked(skill))


def practising(chat):
    chat.say("")
    reply, understood = chat.say("laten we oefenen")
    assert understood == "PracticeIntent" and chat.talk.attributes["offer"] == "practice"
    return chat


@pytest.mark.parametrize(
    "said, understood",
    [
        (
            "hoe gaat het met je",
            "PracticeReplyIntent antwoord_vrij='hoe gaat het met je'",
        ),  # not a question to the coach
        ("Wat houdt je bezig?", "PracticeReplyIntent antwoord_vrij='wat houdt je bezig'"),  # as Alexa sends it
        ("geef een open vraag", "PracticeReplyIntent antwoord_vrij='geef een open vraag'"),  # slot sample, not exact
        ("ik zeg dan je moet gewoon nee zeggen", "PracticeReplyIntent antwoord_vrij='je moet gewoon nee zeggen'"),
        ("geef een hint", "HintIntent"),
        ("herhaal", "AMAZON.RepeatIntent"),
        ("ja", "AMAZON.YesIntent"),
        ("ik wil niet meer leven", "CrisisIntent"),
    ],
)
def test_during_practice_a_reply_is_taken_whole(chat, said, understood):
    practising(chat)
    _, got = chat.say(said)
    assert got == understood


def test_a_reply_gets_feedback_and_the_sentence_was_classified_as_typed(chat):
    practising(chat)
    reply, _ = chat.say("Het klinkt alsof je het gevoel hebt dat je tekortschiet.")
    assert chat.talk.attributes["prac"]["h"] == "p" and not reply.ended


def test_outside_practice_the_same_words_are_resolved_as_usual(chat):
    chat.say("")
    _, got = chat.say("hoe gaat het met je")
    assert not got.startswith("PracticeReplyIntent")


def test_resolve_elicited_falls_back_to_a_plain_resolve_for_an_unknown_intent():
    resolver = nlu.Resolver(nlu.load_model())
    assert (
        resolver.resolve_elicited("hoe gaat het", "NoSuchIntent", "x").intent == resolver.resolve("hoe gaat het").intent
    )
    assert resolver.resolve_elicited("", "PracticeReplyIntent", "antwoord_vrij").intent == nlu.FALLBACK


def test_the_browser_page_hears_a_practice_reply_whole_across_its_stored_sessions(skill):
    from skill.web.page import ELICITED_KEY, Coach, Session

    coach = Coach(skill, None)
    reply, understood, session_id, attributes = coach.turn("laten we oefenen", None, "user-1")
    assert understood == "PracticeIntent" and attributes[ELICITED_KEY] == ["PracticeReplyIntent", "antwoord_vrij"]
    reply, understood, session_id, attributes = coach.turn(
        "hoe gaat het met je", Session(session_id, attributes, 0.0), "user-1"
    )
    assert understood == "PracticeReplyIntent antwoord_vrij='hoe gaat het met je'"
    assert ELICITED_KEY not in reply.request["session"]["attributes"]  # never sent to the skill
    assert attributes["prac"]["h"] == "o"
    reply, understood, session_id, attributes = coach.turn("annuleer", Session(session_id, attributes, 0.0), "user-1")
    assert ELICITED_KEY not in attributes
    _, understood, _, _ = coach.turn("hoe gaat het met je", Session(session_id, attributes, 0.0), "user-1")
    assert not understood.startswith("PracticeReplyIntent")


@pytest.mark.parametrize(
    "words, understood, keeps_playing, key",
    [
        ("stop met oefenen", "LeaveIntent activiteit='oefenen' -> practice", False, "practice_left"),
        ("ik wil stoppen met oefenen", "LeaveIntent activiteit='oefenen' -> practice", False, "practice_left"),
        ("annuleer", "AMAZON.CancelIntent", False, "practice_left"),
        ("laat maar", "AMAZON.CancelIntent", False, "practice_left"),
        ("ik weet het niet", "DontKnowIntent", True, "practice_hint"),
        ("geef me een hint", "HintIntent", True, "practice_hint"),
        ("zeg het nog eens", "AMAZON.RepeatIntent", True, "practice_repeat_intro"),
        ("help", "AMAZON.HelpIntent", True, "practice_help"),
        ("hoe werkt dit", "AMAZON.HelpIntent", True, "practice_help"),
        ("opnieuw beginnen", "AMAZON.StartOverIntent", True, "practice_other_goes_on"),
    ],
)
def test_every_way_out_of_and_help_in_the_role_play_typed_during_practice(chat, words, understood, keeps_playing, key):
    """Typed while the reply slot is elicited, these reach their own intents, not the reply."""
    practising(chat)
    other = load_scenarios(load_content()).get(chat.talk.attributes["prac"]["s"]).other
    reply, got = chat.say(words)
    assert got == understood and not reply.ended
    assert spoken(reply.speech, key, other=other), reply.speech
    assert (chat.talk.attributes.get("offer") == "practice") is keeps_playing
    assert (reply.elicited == ("PracticeReplyIntent", "antwoord_vrij")) is keeps_playing
    assert chat.talk.attributes["prac"]["t"] == 0  # none of these counts as an answer


def test_stop_typed_during_practice_ends_the_session(chat):
    practising(chat)
    reply, got = chat.say("stop")
    assert got == "AMAZON.StopIntent" and reply.ended and reply.elicited is None


@pytest.mark.parametrize("words", ["ik wil niet meer leven", "ik zie het niet meer zitten"])
def test_distress_typed_during_practice_gets_the_crisis_answer_and_leaves_the_role_play(chat, words):
    practising(chat)
    reply, got = chat.say(words)
    assert got == "CrisisIntent" and not reply.ended and "113" in reply.speech
    assert chat.talk.attributes["offer"].startswith("care_") and reply.elicited is None
    _, got = chat.say("hoe gaat het met je")  # no longer taken as a reply to the other person
    assert not got.startswith("PracticeReplyIntent")


@pytest.mark.parametrize("scenario_id", load_scenarios(load_content()).ids)
def test_every_scenario_can_be_played_to_its_summary_in_the_chat(chat, scenario_id):
    """Through the model resolver, as typed or heard: each reply fills the elicited slot whole."""
    scenario = load_scenarios(load_content()).get(scenario_id)
    practising(chat)
    at(chat.talk, scenario_id)
    reply, _ = chat.say("herhaal")
    assert scenario.opening[0] in reply.speech
    for words in (
        "wat maakt het zo zwaar",
        "ben je moe",
        "het klinkt alsof het je te veel wordt",
        "logisch dat je je zo voelt",
    ):
        reply, got = chat.say(words)
        assert got == f"PracticeReplyIntent antwoord_vrij='{words}'"
    assert scenario.ending_good in reply.speech and chat.talk.attributes["offer"] == "practice_again"
    assert chat.talk.attributes["prac"] == {"x": scenario_id} and not reply.ended
