"""Distress said in a person's own words (skill.distress, skill/locale/nl-NL/distress/markers.json):
the development half of the care corpus is heard as care (tests/nl-NL/care_phrasings_dev.yaml; the test
half is only measured, by bench/care_phrasings.py), the chat and the browser page answer it with the
care intent for the right person, a role play keeps a question to the other character as a reply, and
the practice mode leaves the role play for a real statement that arrives as a free reply (Alexa)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.care_phrasings import CARE, load, outcome  # noqa: E402
from skill import distress  # noqa: E402
from skill import prompt_keys as K  # noqa: E402
from skill.dev.commands.chat import Chat  # noqa: E402
from skill.dev.resolver import GrammarResolver  # noqa: E402
from skill.practice.classify import MarkerError  # noqa: E402

DEV = load("dev")
# Development sentences still missed, each for a reason a marker cannot fix without misfiring:
KNOWN_MISSES = {
    "ik heb er al over nagedacht hoe ik het zou doen": "a plan named only by 'het': no word says what",
    "ik loop al een tijdje rond met de gedachte om er helemaal mee te stoppen, met leven bedoel ik": (
        "'ermee stoppen' is said of anything; the afterthought 'met leven' is too far from it"
    ),
    "mijn vader heeft laten vallen dat hij er een punt achter wil zetten": (
        "'er een punt achter zetten' is as often said of a job, a relationship or a club; no word says 'leven'"
    ),
    "mijn collega is helemaal op maar werkt toch gewoon door": (
        "'helemaal op' is also the everyday tiredness after sport or a long day; only 'werkt door' hints at more"
    ),
    # batch 6
    "de dagen duren zo lang nu mijn man gestorven is": (
        "heard as a low mood, but of the husband named after it: the speaker's grief is said through the one who died"
    ),
    "de buurman staat met een mes in zijn tuin iedereen te bedreigen": (
        "heard as danger, for the speaker: with one person named a threat is the speaker's; 'iedereen' is nobody in particular"
    ),
    "lachend vertelde mijn broer dat hij het touw al had gekocht": (
        "'een touw gekocht' is said of moving house or a washing line; no word says what the rope is for"
    ),
    "het zal wel loslopen, maar de pillen liggen al klaar": (
        "'de pillen liggen klaar' is also the week's dose set out by a carer; no word says what for"
    ),
}


@pytest.fixture(scope="module")
def resolver():
    return GrammarResolver()


def test_the_halves_are_disjoint_and_cover_every_care_intent_for_both_persons():
    test, test2 = load("test"), load("test2")
    sentences = [{c["sentence"] for c in half} for half in (DEV, test, test2)]
    assert sentences[0].isdisjoint(sentences[1]) and sentences[2].isdisjoint(sentences[0] | sentences[1])
    assert len(DEV) + len(test) >= 490 and len(test2) >= 190
    for half in (DEV, test, test2):
        kinds = {(c["intent"], c.get("who")) for c in half}
        assert {(i, w) for i in CARE for w in ("self", "other")} <= kinds
        assert sum(c["intent"] == "none" for c in half) >= 25


@pytest.mark.parametrize("case", DEV, ids=[c["sentence"] for c in DEV])
def test_development_sentence_gets_the_care_it_needs(resolver, case):
    got = outcome(resolver, case)
    if case["intent"] == "none":
        assert not got["care"], f"{case['sentence']!r} -> {got}"
        return
    right = (got["intent"], got["who"]) == (case["intent"], case["who"])
    if case["sentence"] in KNOWN_MISSES:  # kept honest: when one starts to work, take it off the list
        assert not right, f"now understood: remove it from KNOWN_MISSES ({KNOWN_MISSES[case['sentence']]})"
    else:
        assert right, got


def test_the_known_misses_are_still_in_the_development_half():
    assert set(KNOWN_MISSES) <= {c["sentence"] for c in DEV}


# the detector ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, label, who",
    [
        ("ik maak me zorgen om mijn moeder, ze wil niet meer leven", "crisis", "other"),
        ("mijn man slaat me", "abuse", "self"),
        ("een bewoner zegt dat een verzorger hem slaat", "abuse", "other"),
        ("een cliënt van mij uitte zelfmoordgedachten", "crisis", "other"),  # "van mij" is no subject
        ("wil je niet meer leven?", "crisis", "addressee"),
        ("mijn moeder heeft al haar pillen ingenomen", "danger", "other"),
        ("ik voel me de laatste tijd zo somber", "low_mood", "self"),
        # families of wording batch 5 showed missing, each said another way than the corpus says it
        ("ik hoop dat ik morgen niet meer wakker word", "crisis", "self"),
        ("ik ben zo moe van het leven", "crisis", "self"),
        ("ik wil me voor de trein gooien", "crisis", "self"),
        ("mijn moeder heeft ooit een poging gedaan", "crisis", "other"),
        ("een leerling vroeg me hoe je zelfmoord pleegt", "crisis", "other"),  # "me" was told
        ("ik ruik gas in de gang", "danger", "self"),
        ("er ligt een man in het water", "danger", "other"),
        ("mijn collega is net in elkaar gezakt", "danger", "other"),
        ("hij slaat me nu", "threat", "self"),
        ("bij de buren wordt nu iemand in elkaar geslagen", "threat", "other"),
        ("mijn stiefvader pakt mijn zakgeld af", "abuse", "self"),
        ("ik mag van hem nergens alleen heen", "abuse", "self"),  # "van hem": the one forbidding
        ("mijn vader trekt me aan mijn haren door de kamer", "abuse", "self"),
        ("ze ligt de hele dag in haar eigen plas", "abuse", "other"),
        ("ik heb niemand meer", "low_mood", "self"),
        ("mijn zus is helemaal kapot van de scheiding", "low_mood", "other"),
        ("ik lig elke nacht wakker", "low_mood", "self"),
        ("hij is zichzelf niet meer", "low_mood", "other"),
        ("mijn tante wil niet langer leven", "crisis", "other"),
        ("ik heb mezelf weer pijn gedaan", "crisis", "self"),
        ("mijn vriend zegt dat hij me vermoordt als ik wegga", "abuse", "self"),
        ("er wordt een kind verwaarloosd in onze straat", "abuse", "other"),
        ("mijn buurman is van zijn balkon gevallen", "danger", "other"),
        ("mijn opa mist mijn oma zo erg", "low_mood", "other"),
        ("ik kan niet meer genieten van het leven", "low_mood", "self"),
        ("een bewoner wordt door een collega ruw behandeld", "abuse", "other"),
        ("ik denk dat een leerling thuis slaag krijgt", "abuse", "other"),
        ("mijn moemoe is zo eenzaam", "low_mood", "other"),  # Flemish kin words count as someone else
        ("ik pieker elke nacht", "low_mood", "self"),
        ("een deelnemer liet doorschemeren dat hij niet meer verder wil", "crisis", "other"),
        ("een leerling maakt een sombere indruk", "low_mood", "other"),
        ("ik ga door een moeilijke periode", "low_mood", "self"),
        ("mijn buurvrouw vereenzaamt", "low_mood", "other"),
        # families of wording batch 6 showed missing (older people, youth workers, Dutch as a second
        # language, hints and half-jokes), each said another way than the corpus says it
        ("mijn broer wil zichzelf doodmaken", "crisis", "other"),
        ("ik had beter nooit geboren kunnen worden", "crisis", "self"),
        ("ik denk dat het voor iedereen makkelijker is als ik verdwijn", "crisis", "self"),
        ("ik denk er soms aan om tegen een boom te rijden", "crisis", "self"),
        ("ik kras als het te veel wordt", "crisis", "self"),
        ("mijn oma wil liefst bij opa in het graf liggen", "crisis", "other"),
        ("ik bid dat god me komt halen", "crisis", "self"),
        ("mijn opa zegt dat hij klaar is met het leven", "crisis", "other"),
        ("niemand zou me missen", "crisis", "self"),
        ("ik wil weg uit deze wereld", "crisis", "self"),
        ("mijn oma heeft een fles wijn met al haar pillen op", "danger", "other"),
        ("mijn moeder is gevallen en kan niet meer overeind komen", "danger", "other"),
        ("mijn oma bloedt aan haar hoofd", "danger", "other"),
        ("hij sneed zichzelf met een mes in zijn arm", "crisis", "other"),  # a knife to oneself: no threat
        ("mijn vrouw houdt mijn paspoort", "abuse", "self"),
        ("mijn man geeft me geen geld voor boodschappen", "abuse", "self"),
        ("mijn baas betaalt me geen loon", "abuse", "self"),
        ("mijn vader zegt dat ik niks waard ben", "abuse", "self"),
        ("mijn vriend pakt haar bij haar keel", "abuse", "other"),
        ("de verzorging laat mijn moeder in haar natte bed liggen", "abuse", "other"),
        ("een leerling krijgt thuis geen eten", "abuse", "other"),
        ("hij loopt al weken in dezelfde kleren", "abuse", "other"),
        ("mijn dochter moet van haar vriend drugs verkopen", "abuse", "other"),
        ("mijn nicht moet van haar ouders trouwen", "abuse", "other"),
        ("mijn vader tikt me als ik te laat ben", "abuse", "self"),
        ("ze maken mij dood als ik praat", "abuse", "self"),
        ("de avonden zijn zo lang zonder haar", "low_mood", "other"),
        ("er komt geen kat meer over de vloer", "low_mood", "self"),
        ("ik zit elke avond in mijn eentje", "low_mood", "self"),
        ("ik zie de zin van het leven niet meer", "low_mood", "self"),
        ("ik heb geen puf meer om iets te doen", "low_mood", "self"),
        ("mijn zoon is helemaal stilgevallen", "low_mood", "other"),
        ("een jongere uit de wijk is zo eenzaam", "low_mood", "other"),  # "jongere", "pupil": people too
        ("ik wil niet leven meer", "crisis", "self"),  # second-language word order
        ("ik wil slapen en nooit meer wakker", "crisis", "self"),
        ("het leven hangt me de keel uit", "crisis", "self"),
        ("mijn zoon zegt hij gaat zichzelf iets doen", "crisis", "other"),
        ("mijn oma is gevallen en ligt op de grond", "danger", "other"),
        ("een meisje uit mijn klas heeft een loverboy", "abuse", "other"),
        ("mijn man doet mij pijn", "abuse", "self"),
        ("ik ben alles beu", "low_mood", "self"),
        ("niemand praat met hem in de pauze", "low_mood", "other"),
        ("ik word niet meer blij van iets", "low_mood", "self"),
        ("een jongen dreigt te springen", "danger", "other"),
        ("een leerling heeft zich opgesloten op de wc en reageert niet", "danger", "other"),
        ("ach, wie zou me missen", "crisis", "self"),
        ("niemand zou het merken als ik weg was", "crisis", "self"),
        ("ons moeder wil niet meer, ze zegt dat het genoeg is geweest", "crisis", "other"),
        ("ik ben zo bang voor mijn vent", "abuse", "self"),
        ("onze trainer zit aan de meisjes in de kleedkamer", "abuse", "other"),
        ("de thuishulp steelt sieraden van mijn moeder", "abuse", "other"),
        ("mijn hart is gebroken sinds mijn man er niet meer is", "low_mood", "self"),
        ("mijn vrouw is vorige maand gestorven en ik kan het niet aan", "low_mood", "self"),
        ("ik heb niemand, mijn familie is ver weg in syrië", "low_mood", "self"),
        ("ik zit er een beetje doorheen maar het gaat wel", "low_mood", "self"),  # played down
    ],
)
def test_detector_label_and_person(text, label, who):
    found = distress.detect(text)
    assert found is not None and (found.label, found.who) == (label, who), found
    assert found.intent == distress.INTENTS[label] and found.marker


@pytest.mark.parametrize(
    "text",
    [
        "ik ben doodmoe",
        "ik ga dood van de honger",
        "ik wil niet meer oefenen",
        "mijn telefoon is leeg",
        "hoe steun ik mijn collega",  # "collega" ends in "ga": markers start at a word's start
        "wat zeg ik als iemand verdrietig is",  # a generic someone's low mood: the content answers
        # look-alikes of the families above
        "wij hebben ons te pletter gelachen",
        "we staan op het balkon te genieten van de zon",
        "ik hoop dat ik morgen niet meer wakker word van de buren",
        "ik heb al eens een poging gedaan om te stoppen met roken",
        "ik ben moe van het leven in de stad",
        "mijn vriendin zegt dat het haar pijn doet om dat te zien",
        "de parkeerplaats schiet vol",
        "ik lig elke nacht wakker van de baby",
        "de buurman heeft zijn sleutels verloren",
        "hoe geef ik feedback zonder dat iemand zich aangevallen voelt",
        "waarom is zelfmoord nog altijd zo'n taboe",
        "er is vorig jaar brand geweest in de school",
        "mijn baas vermoordt me als ik te laat kom",
        "het mes snijdt niet goed",
        "ik ga me even ophangen aan de telefoon met de bank",
        "hoe herken je een depressie",
        "ik verdrink in het werk",
        "we hebben de wedstrijd verloren",
        "ik zit in een drukke periode",
        "ik heb geen hoop meer dat de bus komt",
        # look-alikes of batch 6's families
        "ik maak me dood ongerust over mijn examen",
        "het is beter als ik even verdwijn naar de keuken",
        "mijn buurman reed vorige week tegen een paal",
        "ik snij de uien als het eten klaar is",
        "ik wil later naast mijn vrouw op het kerkhof liggen",
        "mijn dochter komt me zondag halen",
        "ik ben klaar met het leven in de stad",
        "niemand zou het missen als we die vergadering schrappen",
        "ik wil weg uit de wereld van de mode",
        "wijn en pillen gaan niet samen zegt de dokter",
        "mijn kleinzoon is gevallen met de fiets maar kon gewoon weer opstaan",
        "mijn zoon bloedt uit zijn neus",
        "ik snij de groente met een mes",
        "de douane pakt mijn paspoort even om te controleren",
        "mijn moeder geeft me geen geld voor snoep",
        "mijn baas betaalt geen reiskosten",
        "mijn kleinzoon pakt me bij mijn arm als we oversteken",
        "de kat laat me niet slapen in mijn bed",
        "we krijgen thuis geen eten vandaag want we gaan uit eten",
        "mijn dochter moet van haar vader eerst haar school afmaken voor ze gaat trouwen",
        "mijn collega tikt me op de schouder",
        "je maakt me dood met die grappen",
        "in juni duren de dagen zo lang",
        "we hebben geen kat meer sinds vorig jaar",
        "ik zit de hele dag in mijn eentje te puzzelen en dat vind ik heerlijk",
        "ik zie de zin van die regel niet",
        "ik heb geen zin meer om iets te doen aan die tuin",
        "de auto van mijn vader is stilgevallen",
        "hoe praat je met een puber over zelfmoord",
        "wat zijn signalen van kindermishandeling",
        "ik wil niet leven meer in deze stad",
        "de wekker zegt dat ik moet opstaan maar ik wil slapen",
        "het eten hangt me de keel uit",
        "ik ga mezelf iets lekkers doen",
        "mijn telefoon is gevallen en ligt op de grond",
        "hoe herken je een loverboy",
        "de tandarts doet me pijn",
        "ik ben het allemaal beu met die bouwvakkers",
        "niemand gaat met mij mee naar de markt",
        "ik word niet meer blij van de regen",
        "de ketting dreigt te springen",
        "ik heb me opgesloten om te studeren",
        "wie zou me missen op het feest als ik niet kom",
        "niemand zou het merken als ik een dag weg was",
        "het is genoeg geweest met die regen",
        "mijn zoon wil niet meer naar voetbal",
        "mijn kleinzoon pikt altijd snoep van mij",
        "ik zit aan de jongens te denken voor de selectie",
        "het hart van de pop is kapot",
        "ik kan het niet aan mijn moeder vertellen",
        "ik heb niemand gebeld",
        "",
    ],
)
def test_detector_leaves_ordinary_sentences_alone(text):
    assert distress.detect(text) is None


def test_every_pattern_compiles_and_a_broken_file_names_the_place():
    assert distress.validate() == distress.LABELS
    data = json.loads((Path(distress.__file__).parent / "locale/nl-NL/distress/markers.json").read_text("utf-8"))
    broken = json.loads(json.dumps(data))
    del broken["labels"]["abuse"]
    with pytest.raises(MarkerError, match="labels"):
        distress.parse(broken, "x")
    broken = json.loads(json.dumps(data))
    broken["labels"]["crisis"]["markers"].append("{NOPE} dood")
    with pytest.raises(MarkerError, match=r"x\.labels\.crisis\.markers\[\d+\].*unknown word list"):
        distress.parse(broken, "x")
    broken = json.loads(json.dumps(data))
    del broken["who"]["generic"]
    with pytest.raises(MarkerError, match="who"):
        distress.parse(broken, "x")


@pytest.mark.parametrize(
    "text, label, who",
    [
        ("ik kijk een film maar ik wil eigenlijk niet meer leven", "crisis", "self"),
        ("een film over zelfmoord, ik wil zelf ook dood", "crisis", "self"),
        ("ik weet het verschil tussen moe en depressief niet meer en ik wil niet meer leven", "crisis", "self"),
        ("ik heb een spreekbeurt morgen maar mijn broer zegt dat hij zichzelf wat aandoet", "crisis", "other"),
        ("ik kijk een serie maar mijn man slaat me", "abuse", "self"),
    ],
)
def test_a_sentence_wide_veto_does_not_silence_a_clause_of_the_speakers_own(text, label, who):
    """ "film", "werkstuk", "verschil tussen" rule a sentence out; for danger, suicidal thoughts and
    abuse the clauses without them ("maar", "en", a comma ...) are still read when they speak of the
    speaker or their own people."""
    found = distress.detect(text)
    assert found is not None and (found.label, found.who) == (label, who)


@pytest.mark.parametrize(
    "text",
    [
        "we keken een film en de hoofdpersoon wilde niet meer leven",  # nobody of the speaker's own
        "in de film wil hij zich van kant maken",
        "ik schrijf een werkstuk over zelfmoord",  # the veto and the marker in one clause
        "wat is het verschil tussen somberheid en depressie",
        "ik heb een boek gelezen en ik werd er heel somber van",  # a low mood: the veto holds
    ],
)
def test_a_sentence_wide_veto_still_holds_where_it_should(text):
    assert distress.detect(text) is None


@pytest.mark.parametrize(
    "text, label, who",
    [
        ("hoe praat ik met mijn zoon over zijn zelfmoordgedachten", "crisis", "other"),
        ("ik maak me zorgen over de zelfmoordgedachten van mijn zus", "crisis", "other"),
        ("ik zie signalen van mishandeling bij een leerling", "abuse", "other"),
        ("ik vermoed mishandeling bij een bewoner", "abuse", "other"),
        ("hoe praat ik met mijn zoon over mijn zelfmoordgedachten", "crisis", "self"),
        ("ik heb zelfmoordgedachten bij het minste", "crisis", "self"),  # "bij" without a person
        ("mijn oma is gevallen en ligt op de grond", "danger", "other"),  # "mijn" goes with "oma"
    ],
)
def test_whose_distress_a_possessive_or_a_person_after_it_decides(text, label, who):
    """The one who worries or notices is often the sentence's subject ("ik maak me zorgen over ...");
    a possessive right before the matched words, or "van"/"bij" and a person after them, says whose."""
    found = distress.detect(text)
    assert found is not None and (found.label, found.who) == (label, who)


def test_the_clause_breaks_are_data_and_required():
    data = json.loads((Path(distress.__file__).parent / "locale/nl-NL/distress/markers.json").read_text("utf-8"))
    assert {"maar", "en"} <= set(data["clause_breaks"].split("|"))
    del data["clause_breaks"]
    with pytest.raises(MarkerError, match=r"x\.clause_breaks"):
        distress.parse(data, "x")


# through the skill: the chat (the browser page resolves the same way) ----------------------------


@pytest.fixture
def chat(run):
    return Chat(run)  # checked responses, with the prompt keys each turn spoke


def test_someone_elses_crisis_in_a_long_sentence_gets_the_answer_for_a_supporter(chat):
    chat.say("open empathisch gesprek")
    reply, how = chat.say("ik maak me zorgen om mijn moeder, ze wil niet meer leven")
    assert how.startswith("CrisisIntent persoon=") and "-> mother" in how and "signs of distress" in how
    assert K.CARE_CRISIS_OTHER in reply.prompt_keys and "113" in reply.speech
    assert not reply.ended and reply.reprompt
    assert chat.talk.attributes["offer"] == "care_crisis_other"


def test_a_one_shot_in_own_words_gets_care_too(chat):
    reply, how = chat.say("vraag empathisch gesprek wat ik moet doen, mijn dochter zegt dat ze dood wil")
    assert how.startswith("CrisisIntent") and K.CARE_CRISIS_OTHER in reply.prompt_keys
    assert not reply.ended


def test_care_beats_a_content_intent_the_grammar_found(chat, resolver):
    text = "hoe sluit ik een gesprek af met iemand die suïcidaal is"
    assert resolver.resolve_grammar(text) is None or resolver.resolve_grammar(text).intent not in CARE
    chat.say("open empathisch gesprek")
    reply, how = chat.say(text)
    assert how.startswith("CrisisIntent persoon=") and K.CARE_CRISIS_OTHER in reply.prompt_keys


def test_in_a_role_play_a_question_or_a_shared_low_mood_is_a_reply_and_real_distress_is_not(chat):
    chat.say("open empathisch gesprek")
    chat.say("laten we oefenen")
    for reply_text in ("wil je soms niet meer leven?", "ik voel me zelf ook weleens eenzaam"):
        reply, how = chat.say(reply_text)
        assert how.startswith("PracticeReplyIntent"), how
        assert chat.talk.attributes["offer"] == "practice" and not reply.ended
    reply, how = chat.say("eerlijk gezegd wil ik zelf ook dood")
    assert how.startswith("CrisisIntent") and "persoon" not in how
    assert K.CARE_CRISIS_SELF in reply.prompt_keys and chat.talk.attributes["offer"] == "care_crisis_self"
    reply, how = chat.say("ga verder met oefenen")  # the role play waited
    assert how.startswith("ResumeIntent") and chat.talk.attributes["offer"] == "practice"


# the practice mode itself (Alexa: the words arrive in the free reply slot) --------------------------


def _start(talk):
    talk.launch()
    talk.intent("PracticeIntent")


@pytest.mark.parametrize(
    "words, key",
    [
        ("ik wil eigenlijk zelf ook dood", K.CARE_CRISIS_SELF),
        ("sorry, mijn vriend slaat me en ik durf niet naar huis", K.CARE_ABUSE_SELF),
        ("wacht, mijn moeder heeft net al haar pillen ingenomen", K.CARE_DANGER_OTHER),
    ],
)
def test_a_free_reply_that_says_real_distress_leaves_the_role_play(talk, words, key):
    _start(talk)
    before = dict(talk.attributes["prac"])
    reply = talk.intent("PracticeReplyIntent", antwoord_vrij=(words, None))
    assert key in reply.prompt_keys and not reply.ended and reply.reprompt
    assert talk.attributes["offer"].startswith("care_")
    assert talk.attributes["prac"] == before  # no practice turn counted; it can be resumed


@pytest.mark.parametrize("words", ["denk je weleens aan zelfmoord?", "ik voel me ook vaak somber"])
def test_a_free_reply_to_the_other_character_stays_in_the_role_play(talk, words):
    _start(talk)
    reply = talk.intent("PracticeReplyIntent", antwoord_vrij=(words, None))
    assert not any(k.startswith("care_") for k in reply.prompt_keys)
    assert talk.attributes["offer"] == "practice" and talk.attributes["prac"]["t"] == 1
