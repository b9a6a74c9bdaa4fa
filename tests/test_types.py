"""Our own errors share one base class, and the command line turns them into a message, not a traceback;
choices are enums, not strings with a comment."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from skill.checklist import ChecklistError
from skill.dev.cli import main
from skill.dev.commands import package_lambda
from skill.content import ContentError
from skill.errors import DataError, GesprekscoachError
from skill.dev.model_check import ERROR, WARNING, Problem, Severity, errors
from skill.prompts import PromptError


@pytest.mark.parametrize("error", [ContentError, ChecklistError, PromptError])
def test_data_errors_are_ours_and_still_value_errors(error):
    assert issubclass(error, DataError) and issubclass(error, GesprekscoachError) and issubclass(error, ValueError)


def test_packaging_errors_are_ours():
    assert issubclass(package_lambda.PackagingError, GesprekscoachError)


def test_the_command_line_reports_our_errors_without_a_traceback(tmp_path, capsys):
    root = tmp_path / "checkout"
    (root / "lambda").mkdir(parents=True)
    (root / "skill").mkdir()
    (root / "lambda" / "lambda_function.py").write_text("import skill\n")
    (root / "lambda" / "requirements.txt").write_text("ask-sdk-core\n")
    (root / "skill" / "__init__.py").write_text("")
    (root / "ask-resources.json").write_text(json.dumps({"runtime": "python3.12"}))
    (root / "template.yaml").write_text("      Runtime: python3.13\n")
    code = main(["package-lambda", "--source", str(root), "--build-dir", str(tmp_path / "b"), "--no-check"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith("gesprekscoach package-lambda: the deploy configs disagree on the runtime")


def test_problem_severity_is_an_enum():
    problems = [Problem(ERROR, "a", "broken"), Problem(WARNING, "b", "odd")]
    assert errors(problems) == problems[:1]
    assert str(problems[0]) == "error: a: broken" and Severity("warning") is WARNING
    with pytest.raises(ValueError):
        Severity("fatal")


def _plan(**given):
    args = argparse.Namespace(python_version=None, runtime_python=None, no_compile=False)
    vars(args).update(given)
    return args


def test_the_bytecode_decision_is_an_enum(tmp_path):
    here = package_lambda.here()
    plan = package_lambda.plan_runtime(_plan(python_version=here), None)
    assert plan.bytecode is package_lambda.Bytecode.BY_RUNTIME_PYTHON and plan.python == sys.executable
    plan = package_lambda.plan_runtime(_plan(python_version="3.98"), None)
    assert plan.bytecode is package_lambda.Bytecode.LEFT_OUT and plan.python is None
    plan = package_lambda.plan_runtime(_plan(no_compile=True), None)
    assert plan.bytecode is package_lambda.Bytecode.NOT_WANTED and plan.runtime == package_lambda.DEFAULT_RUNTIME
    (tmp_path / "template.yaml").write_text("      Runtime: python3.98\n")
    plan = package_lambda.plan_runtime(_plan(), tmp_path)
    assert plan.bytecode is package_lambda.Bytecode.RUNTIME_FOLLOWED and plan.changed == ("template.yaml",)
    assert plan.runtime == here and (tmp_path / "template.yaml").read_text() == f"      Runtime: python{here}\n"


def test_pauses_are_an_enum():
    from skill.content import load_content
    from skill.ssml import PAUSES, Pause, Speech

    pauses = {advice.pause for principle in load_content().principles for advice in principle.advice}
    assert pauses and all(isinstance(p, Pause) for p in pauses)
    assert set(PAUSES) == set(Pause)
    # content and handlers may still write the plain word: the same pause
    assert Speech().say("a").pause("long").ssml() == Speech().say("a").pause(Pause.LONG).ssml()
    assert f'<break time="{PAUSES[Pause.LONG]}ms"/>' in Speech().say("a").pause(Pause.LONG).ssml()
