"""ask-resources.json (ASK CLI) and template.yaml (SAM) agree with the code they deploy."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ask_resources_points_at_the_lambda_folder_and_its_handler():
    config = json.loads((REPO / "ask-resources.json").read_text())
    profile = config["profiles"]["default"]
    assert (REPO / profile["skillMetadata"]["src"] / "skill.json").is_file()
    assert profile["code"]["default"]["src"] == "./lambda"  # the ASK CLI convention; hooks/build.sh zips it
    infra = profile["skillInfrastructure"]
    assert infra["type"] == "@ask-cli/lambda-deployer"
    assert infra["userConfig"]["handler"] == "lambda_function.lambda_handler"
    assert re.fullmatch(r"python3\.\d+", infra["userConfig"]["runtime"])


def test_sam_template_has_an_alexa_trigger_restricted_to_the_skill_id():
    text = (REPO / "template.yaml").read_text()
    assert "Transform: AWS::Serverless-2016-10-31" in text
    assert re.search(r"^\s+CodeUri: build/lambda$", text, re.M)
    assert re.search(r"^\s+Handler: lambda_function\.lambda_handler$", text, re.M)
    trigger = text[text.index("Events:"):text.index("Outputs:")]
    assert "Type: AlexaSkill" in trigger and "SkillId: !Ref SkillId" in trigger
    assert "GESPREKSCOACH_SKILL_ID: !Ref SkillId" in text


def test_runtimes_agree_and_are_lambda_runtimes():
    from skill.commands import package_lambda

    found = package_lambda.configured_runtimes(REPO)
    assert set(found) == {"ask-resources.json", "template.yaml"}
    assert len(set(found.values())) == 1 and set(found.values()) <= set(package_lambda.SUPPORTED_RUNTIMES)
    config = json.loads((REPO / "ask-resources.json").read_text())
    runtime = config["profiles"]["default"]["skillInfrastructure"]["userConfig"]["runtime"]
    assert runtime == "python" + found["ask-resources.json"]
    assert f"Runtime: {runtime}" in (REPO / "template.yaml").read_text()


def test_handler_module_exists():
    assert (REPO / "lambda" / "lambda_function.py").is_file()
    assert "lambda_handler = " in (REPO / "lambda" / "lambda_function.py").read_text()
