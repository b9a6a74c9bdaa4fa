"""The sentence grammar, the model built from it, and the chat resolver on it (issue 14)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.dev import grammar, nlu
from skill.dev.resolver import GrammarResolver

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def built():
    g = grammar.load_grammar()
    model, report = grammar.build_model(g)
    return g, model, report


@pytest.fixture(scope="module")
def resolver():
    return GrammarResolver()


def _intents(model):
    return {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}


def test_the_model_file_is_what_the_grammar_builds(built):
    _, model, _ = built
    assert grammar.model_path().read_text(encoding="utf-8") == grammar.model_text(model)
    assert grammar.stale() is None


def test_the_build_is_deterministic(built):
    _, model, _ = built
    again, _ = grammar.build_model(grammar.load_grammar())
    assert grammar.model_text(again) == grammar.model_text(model)


def test_no_expansion_of_any_template_is_ungrammatical(built):
    _, _, report = built
    assert report.problems == []


@pytest.mark.parametrize(
    "sample, problem",
    [
        ("dat {antwoord}", "only 'dat' and a slot"),
        ("ik denk van", "dangling word 'van'"),
        ("geef me een", "dangling word 'een'"),
        ("wat is is {principe}", "twice in a row"),
        ("wat is {onbekend}", "unknown slot"),
    ],
)
def test_the_ungrammatical_sample_check_catches(sample, problem):
    assert any(problem in p for p in grammar.sample_problems(sample, ["antwoord", "principe"]))


def test_an_optional_part_that_leaves_a_dangling_word_is_reported(tmp_path):
    directory = _grammar_copy(tmp_path)
    (directory / "99_extra.yaml").write_text(
        "language: nl\nintents:\n  QuizAnswerIntent:\n    data:\n      - sentences:\n"
        '          - "[ik denk] dat {antwoord}"\n',
        encoding="utf-8",
    )
    _, report = grammar.build_model(grammar.load_grammar(directory=directory))
    assert any("'dat {antwoord}'" in p and "only 'dat' and a slot" in p for p in report.problems)


def test_every_template_and_every_alternative_is_represented(built):
    g, model, _ = built
    intents = _intents(model)
    for name in g.intent_order:
        samples = set(intents[name]["samples"])
        templates = grammar.template_expansions(g, name)
        wanted = set()
        covered = set()
        for template, expansions in templates:
            assert any(text in samples for text, _ in expansions), (name, template)
            for text, alternatives in expansions:
                wanted |= alternatives
                if text in samples:
                    covered |= alternatives
        assert wanted - covered == set(), name


def test_sample_counts_stay_within_bounds(built):
    g, model, _ = built
    for name, intent in _intents(model).items():
        cap = g.max_builtin_samples if name.startswith("AMAZON.") else 300
        assert len(intent["samples"]) <= cap, name
        if not name.startswith("AMAZON."):
            assert len(intent["samples"]) >= 18, name
    size = len(grammar.model_text(model).encode("utf-8"))
    assert size < 250_000  # Alexa allows 1.5 MB; we stay far below it


def test_slot_references_match_the_declared_slots(built):
    _, model, _ = built
    for intent in _intents(model).values():
        declared = {s["name"] for s in intent["slots"]}
        used = {ref for sample in intent["samples"] for ref in nlu._SLOT.findall(sample)}
        assert used == declared, intent["name"]


def test_a_sentence_two_intents_produce_stays_with_the_first_and_is_reported(tmp_path):
    directory = _grammar_copy(tmp_path)
    (directory / "99_extra.yaml").write_text(
        'language: nl\nintents:\n  ProgressIntent:\n    data:\n      - sentences:\n          - "geef me een tip"\n',
        encoding="utf-8",
    )
    model, report = grammar.build_model(grammar.load_grammar(directory=directory))
    assert ("geef me een tip", "TipIntent", "ProgressIntent") in report.dropped
    assert "geef me een tip" in _intents(model)["TipIntent"]["samples"]
    assert "geef me een tip" not in _intents(model)["ProgressIntent"]["samples"]


def _grammar_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "sentences"
    shutil.copytree(grammar.sentences_dir(), directory)
    return directory


def test_a_grammar_change_makes_the_model_stale(tmp_path):
    directory = _grammar_copy(tmp_path)
    path = directory / "60_memory.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"hoe ver ben ik"', '"hoe ver ben ik nu"'), encoding="utf-8"
    )
    problem = grammar.stale(grammar.model_path(), directory=directory)
    assert problem is not None and "ProgressIntent" in problem and "build-model" in problem
    assert grammar.stale(grammar.model_path(), directory=grammar.sentences_dir()) is None


def test_check_model_fails_on_a_stale_model(tmp_path, monkeypatch):
    from skill.dev import model_check

    directory = _grammar_copy(tmp_path)
    path = directory / "60_memory.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"hoe ver ben ik"', '"hoe ver ben ik nu"'), encoding="utf-8"
    )
    monkeypatch.setattr(grammar, "sentences_dir", lambda locale="nl-NL": directory)
    problems = model_check.check_grammar_freshness(grammar.model_path(), "nl-NL")
    assert [p.severity for p in problems] == ["error"]
    assert "older than the sentence grammar" in problems[0].message


def test_build_model_check_flag(tmp_path):
    copy = tmp_path / "nl-NL.json"
    copy.write_text(
        grammar.model_path().read_text(encoding="utf-8").replace('"tip van de dag"', '"tip"', 1), encoding="utf-8"
    )
    cli = [sys.executable, "-m", "skill.dev.cli", "build-model", "--check", "--output"]
    assert subprocess.run(cli + [str(copy)], capture_output=True, text=True).returncode == 1
    assert subprocess.run(cli + [str(grammar.model_path())], capture_output=True, text=True).returncode == 0


def test_build_model_writes_the_model(tmp_path):
    out = tmp_path / "model.json"
    proc = subprocess.run(
        [sys.executable, "-m", "skill.dev.cli", "build-model", "--output", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == grammar.model_path().read_text(encoding="utf-8")
    assert "TipIntent:" in proc.stdout


def test_principle_values_come_from_the_content(built):
    from skill.content import load_content

    _, model, _ = built
    principe = next(t for t in model["interactionModel"]["languageModel"]["types"] if t["name"] == "PRINCIPE")
    content = load_content()
    assert [v["id"] for v in principe["values"]] == list(content.ids)
    all_words = {s for v in principe["values"] for s in v["name"]["synonyms"]}
    assert "volgende stap" not in all_words  # it hijacked "volgende" in the checklist
    assert {
        "als iemand gaat huilen",
        "als het stil valt",
        "als iemand boos is",
        "als ik het niet begrijp",
        "open vraag",
    } <= all_words


def test_antwoord_has_no_ordinals(built):
    _, model, _ = built
    antwoord = next(t for t in model["interactionModel"]["languageModel"]["types"] if t["name"] == "ANTWOORD")
    words = {w for v in antwoord["values"] for w in [v["name"]["value"], *v["name"]["synonyms"]]}
    assert not any(o in w for w in words for o in ("eerste", "tweede", "derde", "laatste", "nummer"))


# the resolver -----------------------------------------------------------------------------------

ISSUE_EXAMPLES = [
    # (said, intent, slot name, slot id)
    ("wat zijn open vragen", "PrincipleIntent", "principe", "open_vragen"),
    ("wat doe ik als het stil valt", "PrincipleIntent", "principe", "non_verbaal"),
    ("wat doe ik als iemand gaat huilen", "PrincipleIntent", "principe", "gevoelens"),
    ("wat kan ik zeggen als iemand verdrietig is", "ExamplesIntent", "principe", "gevoelens"),
    ("voorbeelden bij afsluiten", "ExamplesIntent", "principe", "afsluiten"),
    ("wat kan ik zeggen", "ExamplesIntent", None, None),
    ("wat moet ik zeggen", "ExamplesIntent", None, None),
    ("wat kan ik tegen hem zeggen", "ExamplesIntent", None, None),
    ("wat kan ik allemaal vragen", "ListPrinciplesIntent", None, None),
    ("ik denk B", "QuizAnswerIntent", "antwoord", "b"),
    ("de tweede", "PickIntent", "nummer", "2"),
    ("het eerste antwoord", "PickIntent", "nummer", "1"),
    ("volgens mij niet", "QuizAnswerIntent", "antwoord", "niet_waar"),
    ("dat klopt", "QuizAnswerIntent", "antwoord", "waar"),
    ("volgende", "AMAZON.NextIntent", None, None),
    ("volgende stap", "AMAZON.NextIntent", None, None),
    ("stop", "AMAZON.StopIntent", None, None),
    ("stop de quiz", "LeaveIntent", "activiteit", "quiz"),
    ("ga verder met de checklist", "ResumeIntent", "activiteit", "checklist"),
    ("mijn zoon wil niet meer leven", "CrisisIntent", "persoon", "son"),
    ("ik wil niet meer leven", "CrisisIntent", None, None),
    ("mijn buurvrouw wordt geslagen", "AbuseIntent", "persoon", "neighbour"),
    ("hij heeft pillen ingenomen", "DangerIntent", "persoon", "someone"),
    ("mijn collega is depressief", "LowMoodIntent", "persoon", "colleague"),
    ("praat wat langzamer", "PaceIntent", "tempo", "slower"),
    ("hoe sta ik ervoor", "ProgressIntent", None, None),
    ("vergeet mij", "ForgetMeIntent", None, None),
    ("geef mij alsjeblieft eens een tip", "TipIntent", None, None),
]


@pytest.mark.parametrize("said, intent, slot, slot_id", ISSUE_EXAMPLES)
def test_the_issue_examples_are_understood_exactly(resolver, said, intent, slot, slot_id):
    resolution = resolver.resolve(said)
    assert (resolution.intent, resolution.near) == (intent, False), resolution.describe()
    if slot:
        assert [(s.name, s.id) for s in resolution.slots] == [(slot, slot_id)]
        assert resolution.slots[0].status == "ER_SUCCESS_MATCH"


@pytest.mark.parametrize(
    "said, intent, slot_id",
    [
        ("vraag empathisch gesprek hoe ik beter kan luisteren", "PrincipleIntent", "luisteren"),
        ("vraag empathisch gesprek welke tips er zijn", "ListPrinciplesIntent", None),
        ("vraag empathisch gesprek wat ik kan zeggen als iemand huilt", "ExamplesIntent", "gevoelens"),
        ("vraag empathisch gesprek om een tip voor een moeilijk gesprek", "TipIntent", None),
        ("Alexa, vraag empathisch gesprek om een tip", "TipIntent", None),
        ("vraag empathisch gesprek hoe ik een gesprek moet afsluiten", "PrincipleIntent", "afsluiten"),
    ],
)
def test_one_shots_in_natural_word_order(resolver, said, intent, slot_id):
    kind, rest = resolver.parse_invocation(said)
    resolution = resolver.resolve_one_shot(rest)
    assert (kind, resolution.intent, resolution.near) == ("intent", intent, False), resolution.describe()
    assert [s.id for s in resolution.slots] == ([slot_id] if slot_id else [])


def test_one_shot_subordinate_clauses_are_samples_in_the_model():
    model = nlu.Resolver(nlu.load_model())
    for rest, intent in [
        ("hoe ik beter kan luisteren", "PrincipleIntent"),
        ("welke tips er zijn", "ListPrinciplesIntent"),
        ("om een tip", "TipIntent"),
        ("wat ik kan zeggen als iemand huilt", "ExamplesIntent"),
    ]:
        assert model.resolve(rest).intent == intent, rest


def test_a_near_match_is_marked_as_such(resolver):
    resolution = resolver.resolve("geef me eventjes een tip alstjeblieft")
    assert resolution.intent == "TipIntent" and resolution.near
    assert resolution.score is not None and resolution.score >= resolver.near_threshold
    assert "near match" in resolution.describe()


def test_a_near_match_keeps_a_listed_slot_value(resolver):
    resolution = resolver.resolve("hoe moet ik nou toch beter luisteren dan")
    assert resolution.intent == "PrincipleIntent", resolution.describe()
    assert [s.id for s in resolution.slots] == ["luisteren"]


@pytest.mark.parametrize("said", ["hoeveel kost een brood", "zet de verwarming hoger", "blabla", "ja nee misschien"])
def test_off_topic_goes_to_fallback(resolver, said):
    assert resolver.resolve(said).intent == nlu.FALLBACK


def test_an_unlisted_value_in_a_model_sample_is_no_match(resolver):
    resolution = resolver.resolve("help me met koken")
    assert resolution.intent == "PrincipleIntent"
    assert [(s.value, s.id) for s in resolution.slots] == [("koken", None)]


def test_builtins_take_no_near_match(resolver):
    assert resolver.resolve("jaa graag hoor zeker weten").intent != "AMAZON.YesIntent"


def test_the_chat_uses_the_grammar():
    from skill.dev.commands.chat import Chat

    chat = Chat()
    assert isinstance(chat.resolver, GrammarResolver)
    _, understood = chat.say("wat doe ik als iemand gaat huilen")
    assert understood == "PrincipleIntent principe='als iemand gaat huilen' -> gevoelens"


def test_the_sentences_ship_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/sentences/*.yaml"' in pyproject
    assert json.loads(grammar.model_path().read_text(encoding="utf-8"))
