"""Issue 15, conversation care: every example of the issue, said the way a person says it (resolved
by the sentence grammar, as `gesprekscoach chat` does: skill.dev.resolver.GrammarResolver) and sent through
the skill. Each asserts speech, shouldEndSession, reprompt and state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from quiz_helpers import C, a_question, section_with, text, variants
from skill import prompt_keys as K
from skill.dev import nlu
from skill.helplines import TEL_MARKER, HelplineError, load_helplines, parse_helplines
from skill.prompts import load_prompts
from skill.dev.resolver import GrammarResolver
from skill.ssml import Speech, validate

ROOT = Path(__file__).parent.parent
RESOLVER = GrammarResolver()
P = load_prompts()


def say(talk, words: str):
    """What a person says, resolved against the model and sent in the conversation."""
    resolution = RESOLVER.resolve(words)
    assert not resolution.fallback, f"{words!r} is not understood"
    return talk.intent(resolution.intent, resolution.slot_dicts(talk.skill_id))


def in_quiz(talk, question):
    talk.launch()
    say(talk, "start de quiz")
    talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section_with(question, index=1)}
    return talk.attributes["quiz"]


# --- distress and safety ---------------------------------------------------------------------------

SITUATIONS = [
    ("mijn zoon wil niet meer leven", "care_crisis_other", "care_question_talk", "care_crisis_other"),
    ("mijn vriendin wil zelfmoord plegen", "care_crisis_other", "care_question_talk", "care_crisis_other"),
    ("een leerling van mij praat over zelfmoord", "care_crisis_other", "care_question_talk", "care_crisis_other"),
    ("ik denk erover om er een eind aan te maken", "care_crisis_self", "care_question_numbers", "care_crisis_self"),
    ("ik wil niet meer leven", "care_crisis_self", "care_question_numbers", "care_crisis_self"),
    ("ik word mishandeld", "care_abuse_self", "care_question_numbers", "care_abuse_self"),
    ("ik ben bang dat mijn man me iets aandoet", "care_abuse_self", "care_question_numbers", "care_abuse_self"),
    ("mijn buurvrouw wordt geslagen", "care_abuse_other", "care_question_talk", "care_abuse_other"),
    ("ik ben in gevaar", "care_danger_self", "care_question_numbers", "care_danger_self"),
    ("hij heeft pillen ingenomen", "care_danger_other", "care_question_talk", "care_danger_other"),
    ("ik ben depressief", "care_low_self", "care_question_numbers", "care_low_self"),
    ("mijn collega is depressief", "care_low_other", "care_question_talk", "care_low_other"),
]


@pytest.mark.parametrize("words, answer, question, offer", SITUATIONS)
def test_distress_for_self_and_others_gets_a_warm_answer_with_where_to_turn(talk, words, answer, question, offer):
    talk.launch()
    reply = say(talk, words)
    assert reply.prompt_keys == (answer, question) and reply.speech == f"{text(answer)} {text(question)}"
    assert not reply.ended and reply.reprompt_keys == (question.replace("question", "reprompt"),)
    numbers = "care_numbers_" + offer.split("_")[1]
    written = Speech().say(P.variants(numbers)[0]).text()
    assert reply.card["content"].endswith(f"?\n\n{written}")  # what was said, then every number in writing


def test_the_crisis_card_lists_every_number_as_written(talk):
    talk.launch()
    card = say(talk, "ik wil niet meer leven").card["content"]
    for number in ("113", "0800-0113", "1813", "112"):
        assert number in card


MODEL = nlu.Resolver(nlu.load_model())


@pytest.mark.parametrize("words, answer, question, offer", SITUATIONS)
def test_the_model_alexa_gets_has_every_distress_example_as_a_sample(words, answer, question, offer):
    """Not only the chat's grammar: the committed interaction model itself matches each example."""
    resolution = MODEL.resolve(words)
    intent = {"crisis": "CrisisIntent", "abuse": "AbuseIntent", "danger": "DangerIntent", "low": "LowMoodIntent"}[
        offer.split("_")[1]
    ]
    assert resolution.intent == intent
    assert any(slot.name == "persoon" and slot.id for slot in resolution.slots) == offer.endswith("other")


@pytest.mark.parametrize("words", ["mijn zoon wil niet meer leven", "ik denk erover om er een eind aan te maken"])
def test_distress_one_shot_keeps_the_session_open(talk, words):
    reply = say(talk, words)
    assert not reply.ended and reply.speech.endswith("?")


@pytest.mark.parametrize(
    "kind, words",
    [
        ("crisis", "mijn vriendin wil zelfmoord plegen"),
        ("abuse", "mijn buurvrouw wordt geslagen"),
        ("low", "mijn collega is depressief"),
    ],
)
def test_wat_kan_ik_tegen_hem_zeggen_after_a_care_answer_gives_the_guidance_that_fits(talk, kind, words):
    talk.launch()
    say(talk, words)
    reply = say(talk, "wat kan ik tegen hem zeggen")
    assert reply.prompt_keys == ("care_talk_" + kind, K.CARE_QUESTION_AFTER_TALK) and not reply.ended
    numbers = say(talk, "ja")
    assert numbers.prompt_keys[0] == "care_numbers_" + kind and not numbers.ended
    bye = say(talk, "nee")
    assert bye.ended and bye.prompt_keys == ("care_numbers_" + kind, K.CARE_GOODBYE)


def test_yes_after_a_worry_about_someone_else_says_what_to_say(talk):
    talk.launch()
    say(talk, "mijn zoon wil niet meer leven")
    reply = say(talk, "ja")
    assert reply.speech.startswith(text("care_talk_crisis")) and not reply.ended


def test_the_crisis_guidance_is_listen_validate_and_no_promise_of_secrecy():
    for variant in variants("care_talk_crisis") + variants("care_talk_abuse"):
        assert "luister" in variant.lower()
        assert re.search(r"[Bb]eloof (geen geheimhouding|niet dat je het aan niemand vertelt)", variant)


def test_a_named_topic_after_a_care_answer_is_that_topic(talk):
    talk.launch()
    say(talk, "mijn zoon wil niet meer leven")
    reply = talk.intent("PrincipleIntent", principe="luisteren")
    assert reply.speech.startswith(C.get("luisteren").title)


def test_distress_mid_quiz_is_answered_and_the_quiz_waits(talk):
    section = in_quiz(talk, a_question("truth"))
    reply = say(talk, "ik wil niet meer leven")
    assert reply.speech.startswith(text("care_crisis_self")) and reply.attributes["quiz"] == section
    back = say(talk, "ga verder met de quiz")
    assert back.speech.startswith(text("quiz_resume")) and "Vraag 2 van 5" in back.speech
    assert back.attributes["offer"] == "quiz" and back.attributes["quiz"] == section


def test_the_wording_is_natural_dutch():
    every = " ".join(v for key in P.keys() for v in P.variants(key))
    for unidiomatic in ("Dank je dat je dit zegt", "daar hoef je niet alleen mee te blijven"):
        assert unidiomatic not in every
    assert "Fijn dat je het vertelt" in every and "niet alleen te dragen" in every


# --- the numbers ----------------------------------------------------------------------------------

SPOKEN = {  # how Dutch (and Flemish) speakers say them
    "nl_113": '<say-as interpret-as="digits">113</say-as>',
    "nl_0800_0113": '<say-as interpret-as="digits">0</say-as> <say-as interpret-as="cardinal">800</say-as>'
    '<break time="250ms"/><say-as interpret-as="digits">0113</say-as>',
    "nl_veilig_thuis": '<say-as interpret-as="digits">0</say-as> <say-as interpret-as="cardinal">800</say-as>'
    '<break time="250ms"/><say-as interpret-as="cardinal">2000</say-as>',
    "be_1813": '<say-as interpret-as="cardinal">18</say-as> <say-as interpret-as="cardinal">13</say-as>',
    "be_1712": '<say-as interpret-as="cardinal">17</say-as> <say-as interpret-as="cardinal">12</say-as>',
    "eu_112": '<say-as interpret-as="digits">112</say-as>',
}
WRITTEN = {
    "nl_113": "113",
    "nl_0800_0113": "0800-0113",
    "nl_veilig_thuis": "0800-2000",
    "be_1813": "1813",
    "be_1712": "1712",
    "eu_112": "112",
}


@pytest.mark.parametrize("ident", sorted(SPOKEN))
def test_every_number_is_spoken_the_dutch_way_and_written_as_published(ident):
    speech = Speech().say(f"Bel [[tel:{ident}]].")
    assert speech.ssml() == f'<speak><prosody rate="95%">Bel {SPOKEN[ident]}.</prosody></speak>'
    assert validate(speech.ssml()) == []
    assert speech.text() == f"Bel {WRITTEN[ident]}."


def test_the_helplines_are_data_with_their_source():
    helplines = load_helplines()
    assert set(helplines) == set(SPOKEN)
    for line in helplines.values():
        assert line.sources and all(url.startswith("https://") and org for org, url in line.sources)
    assert {c for line in helplines.values() for c in line.countries} == {"NL", "BE"}


def test_no_number_is_said_outside_the_helpline_data():
    """A number of three or more digits in a prompt would be read as "honderddertien": numbers go
    through [[tel:...]] so they are said the same way everywhere."""
    for key in P.keys():
        for variant in P.variants(key):
            assert not re.search(r"\d{3,}", TEL_MARKER.sub("", variant)), key


@pytest.mark.parametrize(
    "kind, needed",
    [
        ("crisis", {"nl_113", "be_1813", "eu_112"}),
        ("abuse", {"nl_veilig_thuis", "be_1712", "eu_112"}),
        ("low", {"nl_113", "be_1813"}),
        ("danger", {"eu_112"}),
    ],
)
def test_both_countries_numbers_in_every_variant(kind, needed):
    for who in ("self", "other"):
        for variant in P.variants(f"care_{kind}_{who}"):
            assert needed <= set(TEL_MARKER.findall(variant)), (kind, who, variant[:40])


def test_a_number_spoken_differently_from_how_it_is_dialled_is_refused_at_start_up():
    data = json.loads((ROOT / "skill/data/helplines.json").read_text(encoding="utf-8"))
    data["helplines"][1]["spoken"] = [["0", 800], ["0131"]]
    with pytest.raises(HelplineError, match="says 08000131"):
        parse_helplines(data)
    data = json.loads((ROOT / "skill/data/helplines.json").read_text(encoding="utf-8"))
    data["helplines"][0]["sources"] = [{"organisation": "x", "url": "http://example.org"}]
    with pytest.raises(HelplineError, match="sources"):
        parse_helplines(data)


# --- exits and flow: the quiz ---------------------------------------------------------------------


@pytest.mark.parametrize("words", ["stop de quiz", "ik wil stoppen", "ik wil niet meer"])
def test_leaving_the_quiz_keeps_it_and_the_session_and_ga_verder_resumes_where_you_were(talk, words):
    section = in_quiz(talk, a_question("open"))
    reply = say(talk, words)
    assert reply.prompt_keys == (K.QUIZ_LEFT, K.ANYTHING_ELSE) and not reply.ended
    assert reply.reprompt_keys == (K.ANYTHING_ELSE_REPROMPT,)
    back = say(talk, "ga verder met de quiz")
    assert back.prompt_keys[:2] == (K.QUIZ_RESUME, K.QUIZ_QUESTION_NUMBER) and "Vraag 2 van 5" in back.speech
    assert back.attributes["quiz"] == section and not back.ended


def test_herhaal_de_vraag_mid_quiz_repeats_the_question(talk):
    section = in_quiz(talk, a_question("truth"))
    reply = say(talk, "herhaal de vraag")
    assert reply.speech.startswith("Vraag 2 van 5") and a_question("truth").text in reply.speech
    assert reply.attributes["quiz"] == section and not reply.ended


@pytest.mark.parametrize("words", ["ja", "nee"])
def test_yes_or_no_to_an_abc_question_says_to_pick_a_letter(talk, words):
    section = in_quiz(talk, a_question("open"))
    reply = say(talk, words)
    assert reply.speech.startswith(text("quiz_yes_no_to_choice")) and "A:" in reply.speech
    assert reply.speech.endswith("?") and reply.attributes["quiz"] == section


def test_de_derde_in_a_quiz_is_answer_c(talk):
    question = a_question("open")
    in_quiz(talk, question)
    options = talk.attributes["quiz"]["o"]
    reply = say(talk, "de derde")
    assert reply.attributes["quiz"]["r"] == [1, 1 if options[2] == question.answer else 0]


def test_a_question_about_a_principle_mid_quiz_is_answered_and_the_quiz_waits(talk):
    section = in_quiz(talk, a_question("truth"))
    reply = say(talk, "wat is parafraseren")
    assert reply.speech.startswith(C.get("parafraseren").title)
    assert reply.prompt_keys[-1] == K.QUIZ_RESUME_QUESTION and reply.reprompt_keys == (K.RESUME_REPROMPT,)
    assert reply.attributes["quiz"] == section and not reply.ended
    back = say(talk, "ja")
    assert back.prompt_keys[:2] == (K.QUIZ_RESUME, K.QUIZ_QUESTION_NUMBER) and "Vraag 2 van 5" in back.speech


def test_a_tip_mid_quiz_then_ga_verder_met_de_quiz(talk):
    section = in_quiz(talk, a_question("open"))
    reply = say(talk, "geef me een tip")
    assert reply.speech.startswith(text("tip_intro")) and reply.speech.endswith(text("quiz_resume_question"))
    assert reply.attributes["quiz"] == section and reply.attributes["offer"] == "resume_quiz"
    back = say(talk, "ga verder met de quiz")
    assert back.speech.startswith(text("quiz_resume")) and back.attributes["quiz"] == section


def test_quiz_help_says_what_stop_really_does(talk):
    for variant in variants("quiz_help"):
        assert "stop de quiz" in variant and "skill af" in variant
    in_quiz(talk, a_question("truth"))
    assert say(talk, "help").speech.startswith(text("quiz_help"))
    stop = say(talk, "stop")
    assert stop.ended and stop.attributes == {}


def test_ga_verder_met_de_quiz_without_a_quiz_offers_one(talk):
    talk.launch()
    reply = say(talk, "ga verder met de quiz")
    assert reply.speech == f"{text('quiz_none')} {text('quiz_start_question')}"
    assert reply.attributes["offer"] == "quiz_start" and not reply.ended


# --- exits and flow: checklist, no, ordinals, tips --------------------------------------------------


def test_volgende_after_the_whole_checklist_starts_step_1(talk):
    talk.launch()
    whole = say(talk, "hoe sluit ik een gesprek af")
    assert whole.attributes["offer"] == "chk_steps"
    reply = say(talk, "volgende")
    assert reply.speech.startswith("Stap 1 van 4.") and reply.attributes["chk"] == {"v": 1, "s": 0}
    assert reply.attributes["offer"] == "chk_step" and not reply.ended


def test_leaving_the_checklist_and_resuming_at_the_same_step(talk):
    talk.launch()
    say(talk, "hoe sluit ik een gesprek af")
    say(talk, "volgende")
    say(talk, "volgende")
    left = say(talk, "ik ben klaar met de checklist")
    assert left.speech.startswith(text("chk_left")) and left.attributes["chk"] == {"v": 1, "s": 1}
    back = say(talk, "ga verder met de checklist")
    assert back.speech.startswith(f"{text('chk_resume')} Stap 2 van 4.") and back.attributes["offer"] == "chk_step"


@pytest.mark.parametrize("words", ["nee", "nee dank je"])
def test_no_when_nothing_is_pending_ends_with_a_short_goodbye(talk, words):
    talk.launch()
    say(talk, "geef me een tip")
    reply = say(talk, words)
    assert reply.speech == text("goodbye_short") and reply.ended and not reply.reprompt
    assert reply.attributes == {}


@pytest.mark.parametrize("words", ["ik wil niet meer", "ik wil stoppen", "genoeg zo"])
def test_leaving_outside_a_mode_ends_with_a_goodbye_that_names_where_to_talk(talk, words):
    """'ik wil niet meer' can also mean not wanting to live: the goodbye names 113 and 1813 in one sentence."""
    talk.launch()
    say(talk, "geef me een tip")
    reply = say(talk, words)
    assert reply.prompt_keys == (K.LEAVE_GOODBYE,) and reply.ended and not reply.reprompt
    assert "gratis: 113, of in België 18 13." in reply.speech or "Bel gerust 113, of in België 18 13." in reply.speech
    assert '<say-as interpret-as="digits">113</say-as>' in reply.ssml  # spoken as the helplines data says


def test_no_after_leaving_the_checklist_ends_instead_of_asking_again(talk):
    talk.launch()
    say(talk, "hoe sluit ik een gesprek af")
    say(talk, "volgende")
    done = say(talk, "nee")
    assert done.speech.startswith(text("chk_done")) and not done.ended
    assert say(talk, "nee").ended


@pytest.mark.parametrize("words, position", [("de derde", 2), ("nummer vijf", 4), ("de laatste", 9)])
def test_an_ordinal_after_the_list_of_topics_picks_that_topic(talk, words, position):
    talk.launch()
    say(talk, "welke onderwerpen zijn er")
    reply = say(talk, words)
    item = C.principles[position]
    assert reply.speech.startswith(item.title) and not reply.ended
    assert reply.attributes["ctx"]["p"] == item.id
    assert "quiz" not in reply.speech.lower()


def test_an_ordinal_without_a_list_says_the_list(talk):
    talk.launch()
    reply = say(talk, "de derde")
    assert reply.speech.startswith(text("pick_no_list")) and reply.attributes["ctx"] == {"k": "list", "i": 0}


@pytest.mark.parametrize("seed", range(6))
def test_two_tips_in_a_row_are_never_from_the_same_principle(seed):
    import random

    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.dev.conversation import Conversation

    talk = Conversation(build_skill(SkillConfig(rng=random.Random(seed))))
    talk.launch()
    tips = C.tips
    before = None
    for _ in range(len(tips)):
        unheard = [t for t in tips if t.index not in talk.attributes.get("seen", [])]
        reply = talk.intent("TipIntent")
        now = reply.attributes["ctx"]["p"]
        if any(t.principle.id != before for t in unheard):
            assert now != before
        before = now


def test_a_repeated_tip_is_not_announced_as_a_new_one(talk):
    talk.launch()
    talk.intent("TipIntent")
    talk.intent("TipIntent")
    reply = say(talk, "vorige")
    assert not any(reply.speech.startswith(v) for v in variants("tip_intro"))
    assert not any(v in reply.speech for v in variants("tip_intro"))


# --- one name, one word, and the certification paperwork ----------------------------------------------

MANIFEST = json.loads((ROOT / "interaction_model/skill.json").read_text(encoding="utf-8"))["manifest"]
LOCALE = MANIFEST["publishingInformation"]["locales"]["nl-NL"]


def test_the_spoken_name_is_the_invocation_name_everywhere(talk):
    invocation = nlu.load_model().invocation_name
    assert LOCALE["name"].lower() == invocation == "empathisch gesprek"
    reply = talk.launch()
    assert reply.card["title"] == LOCALE["name"]
    for variant in P.variants("welcome"):
        assert LOCALE["name"] in variant and "Gesprekscoach" not in variant
    assert all(LOCALE["name"] in v for v in P.variants("card_title"))


def test_one_word_for_the_ten_topics_and_no_made_up_words_to_say():
    every = " ".join(v for key in P.keys() for v in P.variants(key)).lower()
    assert "principe" not in every and "afsluitchecklist" not in every
    assert "principe" not in LOCALE["description"].lower()


def test_description_and_help_say_no_substitute_for_professional_advice():
    assert "geen vervanging van professioneel advies" in LOCALE["description"]
    for variant in P.variants("help"):
        assert "professione" in variant
    for number in ("113", "0800-0113", "1813", "0800-2000", "1712", "112"):
        assert number in LOCALE["description"]


def test_privacy_and_terms_point_at_the_webservice_and_reviewers_learn_the_crisis_flow():
    urls = MANIFEST["privacyAndCompliance"]["locales"]["nl-NL"]
    assert urls["privacyPolicyUrl"].startswith("https://") and urls["privacyPolicyUrl"].endswith("/privacy")
    assert urls["termsOfUseUrl"].startswith("https://") and urls["termsOfUseUrl"].endswith("/terms")
    instructions = MANIFEST["publishingInformation"]["testingInstructions"]
    for words in (
        "ik wil niet meer leven",
        "mijn zoon wil niet meer leven",
        "wat kan ik tegen hem zeggen",
        "1813",
        "112",
    ):
        assert words in instructions
