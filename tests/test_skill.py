"""The core conversation: launch, tips, principles, example phrases, the list, navigation,
built-ins, one-shot versus in-session, bad input. Every response is also checked for validity
(tests/conftest.py)."""

from __future__ import annotations

import re

import pytest
from ask_sdk_core.exceptions import AskSdkException

from skill.dev import envelopes
from skill.builder import build_skill
from skill.config import SkillConfig
from skill.content import load_content
from skill.prompts import load_prompts
from skill.dev.runtime import dispatch
from skill.ssml import plain_text, speech

P = load_prompts()
C = load_content()


def text(key: str, variant: int = 0, **fields) -> str:
    """A prompt variant as plain text (as Reply.speech shows it)."""
    return plain_text(speech(P.variants(key)[variant].format(**fields)).ssml())


def quoted(ssml: str):
    """The phrases read as example quotes (slower, with pauses)."""
    return re.findall(r'<break time="\d+ms"/><prosody rate="90%">([^<]+)</prosody><break', ssml)


# --- opening, help, closing -------------------------------------------------------------------


def test_launch_welcomes_says_what_you_can_ask_and_asks(talk):
    reply = talk.launch()
    assert reply.speech == f"{text('welcome')} {text('welcome_question')}"
    assert reply.speech.endswith("?")
    assert not reply.ended
    assert reply.reprompt == text("welcome_reprompt")
    assert reply.card["title"] == "Empathisch gesprek"


def test_help_says_more_than_the_welcome_keeps_the_session_and_ends_in_a_question(talk):
    welcome = talk.launch()
    reply = talk.intent("AMAZON.HelpIntent")
    assert reply.speech.startswith(text("help"))
    assert len(reply.speech) > len(welcome.speech)
    assert reply.speech.endswith("?") and not reply.ended and reply.reprompt


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_end(talk, intent):
    talk.launch()
    reply = talk.intent(intent)
    assert reply.speech == text("goodbye")
    assert reply.ended and not reply.reprompt
    assert reply.attributes == {}


def test_prompts_rotate_so_help_twice_is_not_word_for_word_the_same(talk):
    talk.launch()
    first = talk.intent("AMAZON.HelpIntent")
    second = talk.intent("AMAZON.HelpIntent")
    assert first.speech.startswith(text("help", 0))
    assert second.speech.startswith(text("help", 1))
    assert talk.intent("AMAZON.HelpIntent").speech.startswith(text("help", 0))


def test_navigate_home_goes_back_to_the_welcome(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="grenzen")
    reply = talk.intent("AMAZON.NavigateHomeIntent")
    assert reply.speech.startswith(text("welcome", 1)) and not reply.ended
    assert "ctx" not in reply.attributes


def test_fallback_says_what_the_skill_can_do_and_keeps_the_session(talk):
    talk.launch()
    reply = talk.intent("AMAZON.FallbackIntent")
    assert reply.speech == f"{text('fallback')} {text('fallback_question')}"
    assert not reply.ended and reply.reprompt


def test_an_intent_the_skill_does_not_know_gets_the_fallback(talk):
    talk.launch()
    reply = talk.intent("BestelPizzaIntent")
    assert reply.speech.startswith(text("fallback")) and not reply.ended


def test_session_ended_request_gets_no_speech(run):
    response = run(envelopes.session_ended("EXCEEDED_MAX_REPROMPTS"))
    assert "outputSpeech" not in response["response"]
    response = run(envelopes.session_ended("ERROR", error={"type": "INVALID_RESPONSE", "message": "x"}))
    assert "outputSpeech" not in response["response"]


def test_a_request_type_without_speech_gets_an_empty_response(run):
    envelope = envelopes.launch()
    envelope["request"] = {
        "type": "System.ExceptionEncountered",
        "requestId": "r",
        "timestamp": envelope["request"]["timestamp"],
        "locale": "nl-NL",
        "error": {"type": "INVALID_RESPONSE", "message": "m"},
        "cause": {"requestId": "r0"},
    }
    response = run(envelope)
    assert "outputSpeech" not in response["response"]


# --- tips --------------------------------------------------------------------------------------


def test_one_shot_tip_answers_and_ends(talk):
    reply = talk.intent("TipIntent")  # a new session that starts with the intent
    assert reply.ended and not reply.reprompt
    tip = next(t for t in C.tips if t.principle.title in reply.speech and t.advice.text in reply.speech)
    assert quoted(reply.ssml) == [tip.example]
    assert reply.card["title"] == tip.principle.title
    assert "Wil je" not in reply.speech


def test_tip_in_a_session_asks_for_another_and_yes_gives_a_new_one(talk):
    talk.launch()
    first = talk.intent("TipIntent")
    assert not first.ended and first.speech.endswith(text("tip_question", 0))
    assert first.reprompt == text("tip_reprompt", 0)
    assert first.attributes["offer"] == "tip" and len(first.attributes["seen"]) == 1
    second = talk.intent("AMAZON.YesIntent")
    assert second.attributes["seen"][0] == first.attributes["seen"][0]
    assert second.attributes["seen"][1] != first.attributes["seen"][0]


def test_every_tip_comes_by_once_before_any_repeats(talk):
    talk.launch()
    seen = []
    for _ in range(len(C.tips)):
        reply = talk.intent("TipIntent")
        seen.append(reply.attributes["ctx"]["i"])
        assert text("tips_all_heard") not in reply.speech
    assert sorted(seen) == list(range(len(C.tips)))
    again = talk.intent("TipIntent")
    assert again.speech.startswith(text("tips_all_heard"))
    assert len(again.attributes["seen"]) == 1


# --- principles and example phrases --------------------------------------------------------------


def test_principle_by_name_gives_title_advice_and_offers_example_phrases(talk):
    talk.launch()
    reply = talk.intent("PrincipleIntent", principe=("in je eigen woorden", "gevoelens"))
    item = C.get("gevoelens")
    assert reply.speech.startswith(item.title + ".")
    for advice in item.advice:
        assert advice.text in reply.speech
    assert reply.speech.endswith(text("principle_question", 0)) and not reply.ended
    assert reply.attributes["offer"] == "examples"
    yes = talk.intent("AMAZON.YesIntent")
    assert quoted(yes.ssml) == list(item.examples)
    assert not yes.ended and yes.attributes["offer"] == "next"


def test_no_to_the_offer_ends_with_a_short_goodbye(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="gevoelens")
    reply = talk.intent("AMAZON.NoIntent")
    assert reply.speech == text("goodbye_short")
    assert reply.ended and not reply.reprompt


def test_a_long_principle_gives_what_fits_in_one_breath_and_the_rest_on_meer(talk):
    talk.launch()
    item = C.get("parafraseren")
    first = talk.intent("PrincipleIntent", principe=("in je eigen woorden", "parafraseren"))
    assert item.advice[0].text in first.speech and item.advice[-1].text not in first.speech
    assert first.speech.endswith(text("principle_more_question")) and first.attributes["offer"] == "more"
    assert first.reprompt == text("principle_more_reprompt") and not first.ended
    rest = talk.intent("AMAZON.MoreIntent")
    assert item.advice[-1].text in rest.speech and item.advice[0].text not in rest.speech
    assert rest.speech.endswith(text("principle_question", 0)) and rest.attributes["offer"] == "examples"
    assert quoted(talk.intent("AMAZON.YesIntent").ssml) == list(item.examples)


def test_one_shot_principle_gives_what_fits_in_one_breath_and_ends(talk):
    reply = talk.intent("PrincipleIntent", principe=("hoe ik een gesprek moet afsluiten", "afsluiten"))
    item = C.get("afsluiten")
    assert reply.ended and reply.speech.startswith(item.title)
    assert item.advice[0].text in reply.speech and len(reply.speech.split()) <= 60
    reply = talk.intent("PrincipleIntent", principe="gevoelens")
    assert reply.ended and quoted(reply.ssml) == [C.get("gevoelens").examples[0]]


def test_geef_een_open_vraag_reads_the_open_questions_aloud_with_pauses(talk):
    reply = talk.intent("ExamplesIntent", principe=("open vraag", "open_vragen"))
    assert quoted(reply.ssml)[:2] == ["Wat houdt je bezig?", "Hoe beïnvloedt dit je dagelijks leven?"]
    assert reply.ended
    assert "‘Wat houdt je bezig?’" in reply.card["content"]


def test_example_phrases_without_a_topic_follow_the_principle_just_discussed(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="opties")
    reply = talk.intent("ExamplesIntent")
    assert quoted(reply.ssml) == list(C.get("opties").examples)


def test_every_example_phrase_is_reachable_by_voice(talk):
    reached = set()
    for item in C:
        reached.update(quoted(talk.intent("ExamplesIntent", principe=item.id).ssml))
    assert reached == {phrase for item in C for phrase in item.examples}


def test_list_names_all_ten_topics_then_invites_a_choice(talk):
    talk.launch()
    reply = talk.intent("ListPrinciplesIntent")
    for item in C:
        assert item.name in reply.speech
    assert reply.speech.endswith(text("list_question", 0)) and not reply.ended


@pytest.mark.parametrize("slot, key", [(("koken", None), "unknown_topic"), (None, "missing_topic")])
def test_unknown_or_missing_topic_says_which_topics_exist_and_asks_again(talk, slot, key):
    reply = talk.intent("PrincipleIntent", principe=slot) if slot else talk.intent("PrincipleIntent")
    assert reply.speech.startswith(text(key)) and text("topic_suggestions") in reply.speech
    assert not reply.ended and reply.reprompt  # no dead end, even one-shot


def test_a_slot_id_that_is_not_a_principle_is_treated_as_unknown(talk):
    reply = talk.intent("PrincipleIntent", principe=("iets", "bestaat_niet"))
    assert reply.speech.startswith(text("unknown_topic")) and not reply.ended


# --- navigation ----------------------------------------------------------------------------------


def test_repeat_says_exactly_the_same_again(talk):
    talk.launch()
    said = talk.intent("PrincipleIntent", principe="cultuur")
    again = talk.intent("AMAZON.RepeatIntent")
    assert again.ssml == said.ssml and again.reprompt == said.reprompt and not again.ended
    assert talk.intent("AMAZON.YesIntent").attributes["ctx"] == {"k": "principle", "p": "cultuur", "i": 8}


def test_repeat_with_nothing_said_yet(talk):
    reply = talk.intent("AMAZON.RepeatIntent")
    assert reply.speech.startswith(text("nothing_to_repeat")) and not reply.ended


def test_next_and_previous_walk_through_the_principles(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="luisteren")
    nxt = talk.intent("AMAZON.NextIntent")
    assert nxt.speech.startswith(C.principles[1].title)
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith(C.principles[0].title)
    first = talk.intent("AMAZON.PreviousIntent")
    assert first.speech.startswith(text("first_principle") + " " + C.principles[0].title)


def test_next_after_the_last_principle_wraps_round_and_says_so(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="afsluiten")
    reply = talk.intent("AMAZON.NextIntent")
    assert reply.speech.startswith(text("last_principle") + " " + C.principles[0].title)


def test_next_after_example_phrases_gives_the_next_principles_phrases(talk):
    talk.launch()
    talk.intent("ExamplesIntent", principe="open_vragen")
    reply = talk.intent("AMAZON.NextIntent")
    assert quoted(reply.ssml) == list(C.get("parafraseren").examples)
    yes = talk.intent("AMAZON.YesIntent")  # "Wil je voorbeeldzinnen bij het volgende onderwerp horen?"
    assert quoted(yes.ssml) == list(C.get("gevoelens").examples)


def test_previous_after_tips_goes_back_to_the_tip_before(talk):
    talk.launch()
    first = talk.intent("TipIntent")
    talk.intent("TipIntent")
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.attributes["ctx"] == first.attributes["ctx"]
    forward = talk.intent("AMAZON.NextIntent")
    assert forward.attributes["ctx"]["i"] == forward.attributes["seen"][1]


def test_next_with_nothing_said_starts_at_the_first_principle_and_previous_has_nothing(talk):
    talk.launch()
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith(text("nothing_before")) and not back.ended
    assert talk.intent("AMAZON.NextIntent").speech.startswith(C.principles[0].title)


def test_start_over(talk):
    talk.launch()
    talk.intent("PrincipleIntent", principe="grenzen")
    reply = talk.intent("AMAZON.StartOverIntent")
    assert reply.speech.startswith(text("start_over", 0) + " " + C.principles[0].title)
    talk.intent("TipIntent")
    talk.intent("TipIntent")
    reply = talk.intent("AMAZON.StartOverIntent")
    assert len(reply.attributes["seen"]) == 1


def test_yes_and_no_without_an_open_offer(talk):
    talk.launch()
    talk.intent("ListPrinciplesIntent")
    reply = talk.intent("AMAZON.YesIntent")
    assert reply.speech.startswith(text("no_offer")) and not reply.ended
    reply = talk.intent("AMAZON.NoIntent")
    assert reply.speech == text("goodbye_short") and reply.ended


# --- safety ----------------------------------------------------------------------------------------


def test_distress_is_answered_with_care_and_points_to_113_1813_and_112(talk):
    reply = talk.intent("CrisisIntent")
    assert reply.speech == f"{text('care_crisis_self')} {text('care_question_numbers')}"
    assert '<say-as interpret-as="digits">113</say-as>' in reply.ssml
    assert '<say-as interpret-as="digits">112</say-as>' in reply.ssml
    assert "1813" in reply.card["content"]
    assert not reply.ended and reply.reprompt == text("care_reprompt_numbers")
    again = talk.intent("AMAZON.YesIntent")
    assert again.speech.startswith(text("care_numbers_crisis")) and not again.ended
    assert "0800-0113" in again.card["content"]
    bye = talk.intent("AMAZON.NoIntent")
    assert bye.ended and bye.speech.endswith(text("care_goodbye"))


# --- robustness ----------------------------------------------------------------------------------


def test_an_exception_inside_a_handler_gets_a_friendly_apology(talk, monkeypatch, caplog):
    import skill.answers

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(skill.answers, "tip", broken)
    talk.launch()
    reply = talk.intent("TipIntent")
    assert reply.speech.startswith(text("error")) and not reply.ended and reply.reprompt
    assert "kapot" in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.parametrize(
    "attributes",
    [
        {"v": 1, "ctx": "garbage", "seen": [999, "x", -1], "rot": {"welcome": -5, "onbekend": 1}, "offer": 12},
        {"v": 1, "ctx": {"k": "principle", "p": "bestaat_niet", "i": 3}, "offer": "examples"},
        {"v": 1, "ctx": {"k": "tip", "i": 10**9}, "seen": "alles", "last": {"s": "<speak><audio src='x'/></speak"}},
        {"v": 99, "ctx": {"k": "principle", "p": "luisteren", "i": 0}},
        {"quiz": "x", "chk": [1, 2], "v": None},
    ],
)
@pytest.mark.parametrize(
    "intent",
    [
        "AMAZON.NextIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.YesIntent",
        "AMAZON.StartOverIntent",
        "ExamplesIntent",
        "TipIntent",
    ],
)
def test_tampered_or_stale_session_state_never_crashes(run, attributes, intent):
    response = run(envelopes.intent(intent, attributes=attributes))
    speech = plain_text(response["response"]["outputSpeech"]["ssml"])
    assert not speech.startswith(text("error")) and not speech.startswith(text("error", 1))
    assert response["response"]["shouldEndSession"] is False


def test_repeat_of_tampered_speech_is_refused_not_replayed(run):
    attributes = {"v": 1, "last": {"s": "<speak><script>x</script></speak>"}}
    response = run(envelopes.intent("AMAZON.RepeatIntent", attributes=attributes))
    assert "script" not in response["response"]["outputSpeech"]["ssml"]
    assert plain_text(response["response"]["outputSpeech"]["ssml"]).startswith(text("nothing_to_repeat"))


def test_state_stays_small(talk):
    talk.launch()
    for _ in range(25):
        reply = talk.intent("TipIntent")
    assert len(str({k: v for k, v in reply.attributes.items() if k != "last"})) < 300


def test_a_request_for_another_skill_is_refused_when_a_skill_id_is_set():
    mine = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
    skill = build_skill(SkillConfig(skill_id=mine))
    assert dispatch(skill, envelopes.launch(skill_id=mine))["response"]["shouldEndSession"] is False
    with pytest.raises(AskSdkException):
        dispatch(skill, envelopes.launch())


def test_the_advice_to_let_silences_be_gets_a_silence_of_its_own(talk):
    talk.launch()
    reply = talk.intent("PrincipleIntent", principe=("stiltes", "non_verbaal"))
    assert 'meer te vertellen. <break time="1000ms"/>' in reply.ssml
    assert reply.ssml.count('time="1000ms"') == 1


def test_only_small_known_feature_sections_are_carried_over(run):
    attributes = {"v": 1, "quiz": {"d": "y" * 4000}, "chk": {"v": 1, "s": 0}, "onbekend": {"x": 1}}
    response = run(envelopes.intent("AMAZON.HelpIntent", attributes=attributes))
    kept = response["sessionAttributes"]
    assert "quiz" not in kept and "onbekend" not in kept and kept["chk"] == {"v": 1, "s": 0}


def test_text_that_cannot_be_encoded_is_never_echoed(run):
    import json

    attributes = {"v": 1, "quiz": {"q": "\ud800"}, "last": {"s": "<speak>\ud800</speak>"}}
    response = run(envelopes.intent("AMAZON.RepeatIntent", attributes=attributes))
    json.dumps(response, ensure_ascii=False).encode("utf-8")
    assert plain_text(response["response"]["outputSpeech"]["ssml"]).startswith(text("nothing_to_repeat"))


def test_help_names_every_feature_so_each_can_be_found_by_voice():
    for variant in P.variants("help"):
        for words in (
            "tip",
            "voorbeeldzin",
            "onderwerp",
            "welke onderwerpen zijn er",
            "start de quiz",
            "hoe sluit ik een gesprek af",
            "professione",
        ):
            assert words in variant, (words, variant[:40])
        assert "afsluitchecklist" not in variant and "principe" not in variant


def test_prompt_keys_are_recorded_for_tests_and_never_reach_alexa():
    """SkillConfig.on_turn sees each Turn's prompt keys; the response is the same with or without it."""
    from skill.dev.conversation import PROMPT_KEYS_FIELD
    from tests.conftest import FirstVariant

    seen = []
    hooked = build_skill(SkillConfig(rng=FirstVariant(7), on_turn=lambda turn: seen.append(turn.prompt_keys)))
    plain = build_skill(SkillConfig(rng=FirstVariant(7)))
    envelope = envelopes.launch()
    response = dispatch(hooked, envelope)
    assert response == dispatch(plain, envelope) and PROMPT_KEYS_FIELD not in response
    assert seen == [["welcome", "welcome_question"]]
