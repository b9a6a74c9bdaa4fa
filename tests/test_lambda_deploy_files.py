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
    assert infra["type"] == "@ask-cli/cfn-deployer"  # it also makes the profiles table (issue 9)
    assert infra["userConfig"]["handler"] == "lambda_function.lambda_handler"
    assert re.fullmatch(r"python3\.\d+", infra["userConfig"]["runtime"])
    assert (REPO / infra["userConfig"]["templatePath"]).is_file()


def _profiles_table(text):
    table = text[text.index("ProfilesTable:\n") :]
    table = table[: table.index("\n\n")]
    assert "Type: AWS::DynamoDB::Table" in table and "BillingMode: PAY_PER_REQUEST" in table
    assert "AttributeName: id" in table and "KeyType: HASH" in table  # the adapter's partition key
    assert "AttributeName: expires" in table  # TTL: records nobody used expire
    assert 'GESPREKSCOACH_STORE: !Sub "dynamodb:${ProfilesTable}"' in text
    assert "dynamodb:GetItem, dynamodb:PutItem, dynamodb:DeleteItem" in text


def test_both_deploy_templates_make_the_profiles_table_and_point_the_skill_at_it():
    config = json.loads((REPO / "ask-resources.json").read_text())
    stack = REPO / config["profiles"]["default"]["skillInfrastructure"]["userConfig"]["templatePath"]
    _profiles_table((REPO / "template.yaml").read_text())
    text = stack.read_text()
    _profiles_table(text)
    assert "SkillEndpoint:" in text and "EventSourceToken: !Ref SkillId" in text


def test_sam_template_has_an_alexa_trigger_restricted_to_the_skill_id():
    text = (REPO / "template.yaml").read_text()
    assert "Transform: AWS::Serverless-2016-10-31" in text
    assert re.search(r"^\s+CodeUri: build/lambda$", text, re.M)
    assert re.search(r"^\s+Handler: lambda_function\.lambda_handler$", text, re.M)
    trigger = text[text.index("Events:") : text.index("Outputs:")]
    assert "Type: AlexaSkill" in trigger and "SkillId: !Ref SkillId" in trigger
    assert "GESPREKSCOACH_SKILL_ID: !Ref SkillId" in text


def test_runtimes_agree_and_are_lambda_runtimes():
    from skill.dev.commands import package_lambda

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
