"""The utterance resolver against our real interaction model."""

from __future__ import annotations

import pytest

from skill.dev import nlu


@pytest.fixture(scope="module")
def resolver():
    return nlu.Resolver(nlu.load_model())


@pytest.mark.parametrize(
    "said, intent, slot_id",
    [
        ("geef me een tip", "TipIntent", None),
        ("Geef me een TIP!", "TipIntent", None),
        ("help me afsluiten", "PrincipleIntent", "afsluiten"),
        ("Help me, afsluiten?", "PrincipleIntent", "afsluiten"),
        ("wat is lichaamstaal", "PrincipleIntent", "non_verbaal"),
        ("vertel over non-verbaal", "PrincipleIntent", "non_verbaal"),
        ("geef een open vraag", "ExamplesIntent", "open_vragen"),
        ("welke tips heb je", "ListPrinciplesIntent", None),
        ("stop", "AMAZON.StopIntent", None),
        ("Stop.", "AMAZON.StopIntent", None),
        ("help", "AMAZON.HelpIntent", None),
        ("ja", "AMAZON.YesIntent", None),
        ("nee", "AMAZON.NoIntent", None),
        ("volgende", "AMAZON.NextIntent", None),
        ("herhaal", "AMAZON.RepeatIntent", None),
        ("annuleer", "AMAZON.CancelIntent", None),
        ("ik denk aan zelfmoord", "CrisisIntent", None),
        ("hoeveel kost een brood", "AMAZON.FallbackIntent", None),
        ("", "AMAZON.FallbackIntent", None),
    ],
)
def test_resolves(resolver, said, intent, slot_id):
    resolution = resolver.resolve(said)
    assert resolution.intent == intent, resolution.describe()
    if slot_id:
        assert [s.id for s in resolution.slots] == [slot_id]
        assert resolution.slots[0].status == "ER_SUCCESS_MATCH"


def test_unlisted_value_in_a_carrier_phrase_is_no_match(resolver):
    resolution = resolver.resolve("help me met het weer")
    assert resolution.intent == "PrincipleIntent"
    (slot,) = resolution.slots
    assert (slot.value, slot.id, slot.status) == ("het weer", None, "ER_SUCCESS_NO_MATCH")
    (envelope_slot,) = resolution.slot_dicts()
    assert envelope_slot["value"] == "het weer"
    assert envelope_slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"


def test_a_bare_slot_sample_takes_listed_values_only(resolver):
    assert resolver.resolve("afsluiten").intent == "PrincipleIntent"
    assert resolver.resolve("koken").intent == "AMAZON.FallbackIntent"


def test_listed_value_resolves_to_id_in_the_envelope(resolver):
    (slot,) = resolver.resolve("help me afronden").slot_dicts()
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "zorgvuldig afsluiten", "id": "afsluiten"}
    assert authority["authority"].endswith(".PRINCIPE")


def test_exact_sample_beats_slot_value(resolver):
    # "herhaal" is RepeatIntent's; the synonym "herhalen" (parafraseren) is a different word
    assert resolver.resolve("herhaal").intent == "AMAZON.RepeatIntent"


def test_builtin_slot_types_take_any_words():
    model = nlu.model_from_json(
        {
            "interactionModel": {
                "languageModel": {
                    "invocationName": "test skill",
                    "intents": [
                        {
                            "name": "ZoekIntent",
                            "slots": [{"name": "wat", "type": "AMAZON.SearchQuery"}],
                            "samples": ["zoek {wat}"],
                        }
                    ],
                }
            }
        }
    )
    resolution = nlu.Resolver(model).resolve("zoek een goed boek")
    assert resolution.intent == "ZoekIntent"
    assert resolution.slots[0].value == "een goed boek" and resolution.slots[0].status is None
    assert "resolutions" not in resolution.slot_dicts()[0]


def test_builtin_phrases_only_for_declared_builtins():
    model = nlu.model_from_json(
        {
            "interactionModel": {
                "languageModel": {
                    "invocationName": "test skill",
                    "intents": [{"name": "AMAZON.StopIntent", "samples": []}],
                }
            }
        }
    )
    resolver = nlu.Resolver(model)
    assert resolver.resolve("stop").intent == "AMAZON.StopIntent"
    assert resolver.resolve("help").intent == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    "said, expected",
    [
        ("open empathisch gesprek", ("launch", "")),
        ("Alexa, open empathisch gesprek", ("launch", "")),
        ("start empathisch gesprek", ("launch", "")),
        ("vraag empathisch gesprek om een tip", ("intent", "om een tip")),
        ("Alexa, vraag aan empathisch gesprek: geef een tip", ("intent", "geef een tip")),
        ("geef een open vraag", None),
        ("open vragen", None),
    ],
)
def test_invocation(resolver, said, expected):
    assert resolver.parse_invocation(said) == expected


def test_one_shot_drops_a_connecting_word_only_when_needed(resolver):
    assert resolver.resolve_one_shot("om een tip").intent == "TipIntent"
    assert resolver.resolve_one_shot("hoe werkt het").intent == "AMAZON.HelpIntent"


def test_normalize():
    assert nlu.normalize("  Geef  me, een TIP! ") == "geef me een tip"
    assert nlu.normalize("non-verbaal") == "non verbaal"
    assert nlu.normalize("Beëindigen") == "beëindigen"
    assert nlu.normalize("opa’s") == "opas"
