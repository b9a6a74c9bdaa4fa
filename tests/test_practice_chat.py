"""Hearing a practice reply in the chat simulator as Alexa would after Dialog.ElicitSlot: the whole
sentence fills PracticeReplyIntent.antwoord_vrij, unless it is a carrier-phrase sample of that intent,
a literal sample of another intent ("geef een hint", "herhaal", "stop") or a statement of distress."""

from __future__ import annotations

import pytest

from skill.dev import nlu
from skill.dev.commands.chat import Chat
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
