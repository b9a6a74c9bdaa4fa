"""check-model: our model passes; a broken copy of it fails for each class of problem."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.dev import model_check, nlu
from skill.handlers.base import IntentHandler
from tests.e2e_helpers import REPO, clean_env, gesprekscoach

PACKAGE = REPO / "interaction_model"


class Package:
    """A copy of interaction_model/ in tmp_path, edited through .model / .manifest."""

    def __init__(self, root: Path):
        shutil.copytree(PACKAGE, root)
        self.root = root
        self.model_path = root / "interactionModels" / "custom" / "nl-NL.json"
        self.manifest_path = root / "skill.json"
        self.raw = json.loads(self.model_path.read_text(encoding="utf-8"))
        self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))

    @property
    def language(self):
        return self.raw["interactionModel"]["languageModel"]

    def intent(self, name):
        return next(i for i in self.language["intents"] if i["name"] == name)

    def type_values(self, name="PRINCIPE"):
        return next(t for t in self.language["types"] if t["name"] == name)["values"]

    @property
    def example_phrases(self):
        return self.manifest["manifest"]["publishingInformation"]["locales"]["nl-NL"]["examplePhrases"]

    def check(self, **kwargs):
        self.model_path.write_text(json.dumps(self.raw, ensure_ascii=False), encoding="utf-8")
        self.manifest_path.write_text(json.dumps(self.manifest, ensure_ascii=False), encoding="utf-8")
        return model_check.check(self.root, **kwargs)


@pytest.fixture
def pkg(tmp_path):
    return Package(tmp_path / "pkg")


def messages(problems, severity="error"):
    return [str(p) for p in problems if p.severity == severity]


def assert_error(problems, *fragments):
    found = messages(problems)
    assert any(all(f in m for f in fragments) for m in found), f"no error with {fragments} in {found}"


# our own model ---------------------------------------------------------------------------------


def test_our_model_has_no_errors():
    problems = model_check.check(PACKAGE)
    assert messages(problems) == []


def test_an_unchanged_copy_has_no_errors(pkg):
    assert messages(pkg.check()) == []


def test_cli_passes_on_our_model():
    result = subprocess.run(
        gesprekscoach() + ["check-model"], cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check-model: OK" in result.stdout


def test_cli_fails_on_a_broken_model_with_a_readable_list(pkg):
    pkg.language["invocationName"] = "Coach"
    pkg.intent("TipIntent")["samples"].append("geef 2 tips")
    pkg.check()
    result = subprocess.run(
        gesprekscoach() + ["check-model", str(pkg.root)],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(lines) >= 3, result.stdout
    assert any("invocationName" in line and "lower case" in line for line in lines)
    assert any("two or more words" in line for line in lines)
    assert any("'geef 2 tips'" in line and "digits" in line for line in lines)
    assert "problem(s)" in result.stderr


# invocation name -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("coach", "two or more words"),
        ("Empathisch Gesprek", "lower case"),
        ("open het gesprek", "launch word 'open'"),
        ("vraag de coach", "launch word 'vraag'"),
        ("alexa gesprekscoach", "wake word 'alexa'"),
        ("gesprek nummer 2", "only letters"),
        ("gesprek-coach plus", "only letters"),
        ("coach van", "connecting word"),
        ("", "missing"),
    ],
)
def test_invocation_name_rules(pkg, name, fragment):
    pkg.language["invocationName"] = name
    assert_error(pkg.check(), "invocationName", fragment)


def test_invocation_name_rules_accept_ours():
    assert model_check.check_invocation("empathisch gesprek") == []


# samples resolve to their own intent only -------------------------------------------------------


def test_same_sample_in_two_intents(pkg):
    pkg.intent("ListPrinciplesIntent")["samples"].append("geef me een tip")
    assert_error(pkg.check(), "ListPrinciplesIntent sample 'geef me een tip'", "TipIntent")


def test_sample_matched_by_another_intents_slot_template(pkg):
    # "vertel over luisteren" is PrincipleIntent's "vertel over {principe}" with a listed synonym
    pkg.intent("TipIntent")["samples"].append("vertel over luisteren")
    assert_error(
        pkg.check(), "TipIntent sample 'vertel over luisteren'", "PrincipleIntent's sample 'vertel over {principe}'"
    )


def test_slot_template_matching_another_intents_sample(pkg):
    # a new synonym makes ExamplesIntent's "geef een {principe}" swallow TipIntent's "geef een tip"
    pkg.type_values()[0]["name"]["synonyms"].append("tip")
    problems = pkg.check()
    assert_error(problems, "ExamplesIntent sample 'geef een {principe}'", "TipIntent's sample 'geef een tip'")


def test_sample_that_is_a_builtin_phrase(pkg):
    pkg.intent("TipIntent")["samples"].append("stop")
    assert_error(pkg.check(), "TipIntent sample 'stop'", "AMAZON.StopIntent's built-in phrase 'stop'")


def test_case_and_punctuation_do_not_hide_a_conflict(pkg):
    pkg.intent("ListPrinciplesIntent")["samples"].append("Geef me een TIP")
    assert_error(pkg.check(), "ListPrinciplesIntent", "TipIntent")


def test_duplicate_sample_within_an_intent(pkg):
    pkg.intent("TipIntent")["samples"].append("Geef me een tip")
    assert_error(pkg.check(), "TipIntent sample 'Geef me een tip'", "duplicates")


# slots and slot types ---------------------------------------------------------------------------


def test_undefined_slot_reference(pkg):
    pkg.intent("TipIntent")["samples"].append("een tip over {onderwerp}")
    assert_error(pkg.check(), "TipIntent sample 'een tip over {onderwerp}'", "does not define")


def test_undefined_slot_type(pkg):
    pkg.intent("PrincipleIntent")["slots"][0]["type"] = "ONDERWERP"
    assert_error(pkg.check(), "PrincipleIntent", "undefined type 'ONDERWERP'")


def test_unused_slot_is_a_warning(pkg):
    pkg.intent("TipIntent")["slots"] = [{"name": "principe", "type": "PRINCIPE"}]
    problems = pkg.check()
    assert any("slot 'principe' is not used" in m for m in messages(problems, "warning"))


def test_duplicate_slot_value_id(pkg):
    values = pkg.type_values()
    values[1]["id"] = values[0]["id"]
    assert_error(pkg.check(), "slot type PRINCIPE", f"id {values[0]['id']!r} is used by more than one value")


def test_synonym_shared_between_values(pkg):
    values = pkg.type_values()
    values[1]["name"]["synonyms"].append("Goed luisteren")  # already a synonym of 'luisteren'
    assert_error(pkg.check(), "slot type PRINCIPE", "'Goed luisteren' belongs to both 'luisteren'")


def test_slot_type_without_values(pkg):
    pkg.language["types"].append({"name": "LEEG", "values": []})
    assert_error(pkg.check(), "slot type LEEG", "no values")


# sample count ------------------------------------------------------------------------------------


def test_too_few_samples_is_an_error(pkg):
    pkg.intent("CrisisIntent")["samples"] = pkg.intent("CrisisIntent")["samples"][:2]
    assert_error(pkg.check(), "CrisisIntent", "has 2 samples")


def test_few_samples_is_a_warning(pkg):
    pkg.intent("CrisisIntent")["samples"] = pkg.intent("CrisisIntent")["samples"][:6]
    problems = pkg.check()
    assert not [m for m in messages(problems) if "CrisisIntent" in m]
    assert any("CrisisIntent" in m and "only 6 samples" in m for m in messages(problems, "warning"))


def test_strict_cli_fails_on_warnings(pkg):
    pkg.intent("CrisisIntent")["samples"] = pkg.intent("CrisisIntent")["samples"][:6]
    pkg.check()
    base = gesprekscoach() + ["check-model", str(pkg.root)]
    assert subprocess.run(base, cwd=REPO, env=clean_env(), capture_output=True, timeout=120).returncode == 0
    assert (
        subprocess.run(base + ["--strict"], cwd=REPO, env=clean_env(), capture_output=True, timeout=120).returncode == 1
    )


def test_required_builtin_missing(pkg):
    pkg.language["intents"] = [i for i in pkg.language["intents"] if i["name"] != "AMAZON.CancelIntent"]
    assert_error(pkg.check(check_handlers=False), "AMAZON.CancelIntent is missing")


# characters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sample, fragment",
    [
        ("geef 1 tip", "digits"),
        ("geef een tip!", "!"),
        ("een tip, graag", ","),
        ("tip?", "?"),
        ("tip & truc", "&"),
        ("een tip (graag)", "("),
        ("een {tip", "unbalanced brace"),
    ],
)
def test_characters_alexa_rejects(pkg, sample, fragment):
    pkg.intent("TipIntent")["samples"].append(sample)
    assert_error(pkg.check(), f"TipIntent sample {sample!r}", fragment)


def test_characters_alexa_accepts(pkg):
    pkg.intent("TipIntent")["samples"] += ["een tip voor opa's verjaardag", "een tip a.u.b.", "een non-verbale tip"]
    assert not [m for m in messages(pkg.check()) if "TipIntent" in m]


# manifest example phrases ---------------------------------------------------------------------------


def test_example_phrase_that_does_not_resolve(pkg):
    pkg.example_phrases[1] = "Alexa, vraag empathisch gesprek om het weerbericht van morgen"
    assert_error(pkg.check(), "example phrase", "does not resolve to any intent")


def test_example_phrase_with_another_name(pkg):
    pkg.example_phrases[0] = "Alexa, open gesprekscoach"
    assert_error(pkg.check(), "example phrase 'Alexa, open gesprekscoach'", "invocation name")


def test_example_phrase_without_wake_word(pkg):
    pkg.example_phrases[0] = "open empathisch gesprek"
    assert_error(pkg.check(), "example phrase", "must start with 'Alexa, '")


def test_example_phrase_with_unlisted_slot_value(pkg):
    pkg.example_phrases[2] = "Alexa, vraag empathisch gesprek om uitleg over koken"
    assert_error(pkg.check(), "example phrase", "not listed")


def test_our_example_phrases_resolve():
    model = nlu.load_model(PACKAGE)
    resolver = nlu.Resolver(model)
    assert resolver.parse_invocation("Alexa, open empathisch gesprek") == ("launch", "")
    kind, rest = resolver.parse_invocation("Alexa, vraag empathisch gesprek om een tip")
    assert (kind, resolver.resolve_one_shot(rest).intent) == ("intent", "TipIntent")
    kind, rest = resolver.parse_invocation("Alexa, vraag empathisch gesprek hoe ik een gesprek moet afsluiten")
    resolution = resolver.resolve_one_shot(rest)
    assert resolution.intent == "PrincipleIntent" and resolution.slots[0].id == "afsluiten"


# handlers -------------------------------------------------------------------------------------------


def test_intent_without_handler(pkg):
    pkg.language["intents"].append(
        {
            "name": "WeerIntent",
            "slots": [],
            "samples": ["hoe wordt het weer", "wat voor weer wordt het", "het weerbericht", "weerbericht graag"],
        }
    )
    assert_error(pkg.check(), "intent WeerIntent", "no handler")


def test_handler_without_intent(pkg):
    pkg.language["intents"] = [i for i in pkg.language["intents"] if i["name"] != "ListPrinciplesIntent"]
    assert_error(pkg.check(), "handler ListHandler", "ListPrinciplesIntent", "does not declare")


def test_handler_list_can_be_given():
    class OnlyTips(IntentHandler):
        INTENTS = ("TipIntent", "AMAZON.PauseIntent")

    problems = model_check.check(PACKAGE, handlers=[OnlyTips])
    assert_error(problems, "handler OnlyTips", "AMAZON.PauseIntent")
    assert_error(problems, "intent PrincipleIntent", "no handler")
    assert not [m for m in messages(problems) if "intent TipIntent" in m]


def test_model_file_missing(tmp_path):
    assert_error(model_check.check(tmp_path), "not found")


def test_model_file_not_json(pkg):
    pkg.model_path.write_text("{nope", encoding="utf-8")
    assert_error(model_check.check(pkg.root), "not readable JSON")


# manifest: privacy and skill events -------------------------------------------------------------

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:gesprekscoach-skill"


def test_our_manifest_says_it_keeps_personal_data():
    # a record per person under a hash of the Alexa user id is still personal data (docs/deploy.md)
    assert model_check.check_manifest_privacy(PACKAGE, "nl-NL") == []


def test_personal_info_flag_and_urls_are_required(pkg):
    pkg.manifest["manifest"]["privacyAndCompliance"]["usesPersonalInfo"] = False
    assert_error(pkg.check(), "usesPersonalInfo must be true")
    del pkg.manifest["manifest"]["privacyAndCompliance"]["locales"]["nl-NL"]["termsOfUseUrl"]
    assert_error(pkg.check(), "nl-NL needs an https termsOfUseUrl")


def _subscribe(pkg, *args):
    from skill.dev import cli

    return cli.main(["subscribe-events", "--package", str(pkg.root), *args])


def _manifest(pkg):
    return json.loads(pkg.manifest_path.read_text(encoding="utf-8"))["manifest"]


def test_subscribe_events_writes_a_block_the_checker_accepts(pkg, capsys):
    before = pkg.manifest_path.read_text(encoding="utf-8")
    assert _subscribe(pkg, ARN) == 0
    events = _manifest(pkg)["events"]
    assert events == {"endpoint": {"uri": ARN}, "subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    assert model_check.check_events(pkg.root) == []
    assert messages(model_check.check(pkg.root)) == []
    # an https endpoint carries its certificate type
    assert _subscribe(pkg, "https://coach.example.nl/alexa", "--certificate", "Wildcard") == 0
    assert _manifest(pkg)["events"]["endpoint"] == {
        "uri": "https://coach.example.nl/alexa",
        "sslCertificateType": "Wildcard",
    }
    # --remove gives back the manifest as it was, byte for byte
    assert _subscribe(pkg, "--remove") == 0
    assert pkg.manifest_path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://coach.example.nl/alexa",
        "arn:aws:lambda:eu-west-1:12345:function:x",
        "coach.example.nl",
        "arn:aws:s3:::b",
    ],
)
def test_subscribe_events_refuses_an_endpoint_alexa_cannot_call(pkg, capsys, endpoint):
    before = pkg.manifest_path.read_text(encoding="utf-8")
    assert _subscribe(pkg, endpoint) == 2
    assert "subscribe-events:" in capsys.readouterr().err
    assert pkg.manifest_path.read_text(encoding="utf-8") == before


def test_events_without_skill_disabled_or_with_an_unhandled_event_fail(pkg):
    events = {"endpoint": {"uri": ARN}, "subscriptions": [{"eventName": "SKILL_ENABLED"}]}
    pkg.manifest["manifest"]["events"] = events
    problems = pkg.check()
    assert_error(problems, "SKILL_ENABLED is subscribed", "AlexaSkillEvent.SkillEnabled")
    assert_error(problems, "SKILL_DISABLED is not subscribed")
    events["subscriptions"] = [{"eventName": "SKILL_DISABLED"}, {"eventName": "SKILL_EXPLODED"}]
    assert_error(pkg.check(), "'SKILL_EXPLODED' is not a skill event")
    events["endpoint"] = {"uri": "https://coach.example.nl/alexa"}
    assert_error(pkg.check(), "needs sslCertificateType")


def test_events_need_a_handler_for_the_disable_event(tmp_path):
    class NoEvents(IntentHandler):
        INTENTS = ("TipIntent",)

    manifest = json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))
    manifest["manifest"]["events"] = {"endpoint": {"uri": ARN}, "subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    (tmp_path / "skill.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert model_check.check_events(tmp_path) == []  # our handlers answer it
    problems = model_check.check_events(tmp_path, [NoEvents])
    assert_error(problems, "SKILL_DISABLED is subscribed", "no handler answers AlexaSkillEvent.SkillDisabled")
