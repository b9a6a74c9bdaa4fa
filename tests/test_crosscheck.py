"""Content, interaction model, handlers and prompts checked against each other
(in the spirit of home-assistant/intents' validator)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from skill.content import load_content
from skill.dev.grammar import pending_handlers
from skill.handlers import HANDLERS
from skill import prompt_keys
from skill.prompts import Prompts, load_prompts

ROOT = Path(__file__).parent.parent
MODEL = json.loads((ROOT / "interaction_model/interactionModels/custom/nl-NL.json").read_text(encoding="utf-8"))
LANGUAGE_MODEL = MODEL["interactionModel"]["languageModel"]
MODEL_INTENTS = {intent["name"] for intent in LANGUAGE_MODEL["intents"]}
HANDLED = {name for handler in HANDLERS for name in getattr(handler, "INTENTS", ())}
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}


def test_invocation_name():
    assert LANGUAGE_MODEL["invocationName"] == "empathisch gesprek"


PENDING = set(pending_handlers())  # the grammar's intents whose handler another branch is writing


def test_every_intent_in_the_model_has_a_handler():
    """An intent on the grammar's pending_handlers list is tolerated only while no handler declares it."""
    assert MODEL_INTENTS - HANDLED - PENDING == set()


def test_no_pending_intent_has_a_handler_already():
    """When a pending intent's handler lands, its entry must go from the grammar's pending_handlers."""
    assert PENDING & HANDLED == set()


def test_every_handled_intent_is_in_the_model():
    assert HANDLED - MODEL_INTENTS == set()


def test_the_built_ins_a_certified_skill_needs_are_in_the_model():
    assert REQUIRED_BUILT_INS <= MODEL_INTENTS


def test_every_principle_is_a_slot_value_with_its_words_as_synonyms():
    principe = next(t for t in LANGUAGE_MODEL["types"] if t["name"] == "PRINCIPE")
    values = {v["id"]: v["name"] for v in principe["values"]}
    content = load_content()
    assert set(values) == set(content.ids)
    for item in content:
        words = {values[item.id]["value"], *values[item.id].get("synonyms", [])}
        assert words == {item.name, *item.synonyms}, item.id


def test_custom_intents_have_around_twenty_samples_each():
    for intent in LANGUAGE_MODEL["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(intent["samples"]) >= 18, intent["name"]
            assert len(set(intent["samples"])) == len(intent["samples"]), intent["name"]


def test_the_slot_intents_use_the_principle_slot():
    for intent in LANGUAGE_MODEL["intents"]:
        for sample in intent["samples"]:
            for slot in re.findall(r"\{(\w+)\}", sample):
                assert slot in {s["name"] for s in intent.get("slots", [])}, (intent["name"], sample)


def _skill_trees():
    for path in (ROOT / "skill").rglob("*.py"):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _prompt_key_references():
    """(path, name) of every K.NAME in the skill's code (K: skill.prompt_keys imported as K)."""
    for path, tree in _skill_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "K":
                yield path, node.attr


def test_every_prompt_key_is_declared_once_and_has_a_prompt():
    prompts = load_prompts()
    prompt_keys.check(prompts)  # what the builder does at start-up
    assert prompt_keys.ALL == set(prompts.keys())
    names = [name for name in vars(prompt_keys) if name.isupper() and name != "ALL"]
    assert all(getattr(prompt_keys, name) == name.lower() for name in names)


def test_check_refuses_a_missing_or_an_undeclared_prompt():
    variants = {key: load_prompts().variants(key) for key in load_prompts().keys()}
    with pytest.raises(prompt_keys.PromptKeyError, match="quiz_right"):
        prompt_keys.check(Prompts({k: v for k, v in variants.items() if k != "quiz_right"}))
    with pytest.raises(prompt_keys.PromptKeyError, match="not_in_the_code"):
        prompt_keys.check(Prompts({**variants, "not_in_the_code": ("Hallo.",)}))


def test_every_prompt_key_the_code_asks_for_exists_and_every_prompt_is_used():
    """Complete, unlike a search for string literals: the code names every prompt as a K constant (dict
    values and conditional branches too), so a key it asks for is a K.NAME reference that must be
    declared; a declared key (= a prompt) no reference uses is unused."""
    referenced = {name for _, name in _prompt_key_references()}
    declared = {name for name in vars(prompt_keys) if name.isupper() and name != "ALL"}
    unknown = sorted(
        f"{path.relative_to(ROOT)}: K.{name}" for path, name in _prompt_key_references() if name not in declared
    )
    assert unknown == []
    assert sorted(declared - referenced) == []


def test_no_prompt_key_is_written_as_a_bare_string():
    """turn.line / speech / title, question= / reprompt= and anything_else take K constants, not strings."""
    offenders = []
    for path, tree in _skill_trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            args = list(node.args) if name in ("line", "speech", "title", "anything_else") else []
            args += [k.value for k in node.keywords if k.arg in ("question", "reprompt")]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    offenders.append(f"{path.relative_to(ROOT)}:{arg.lineno}: {arg.value!r}")
    assert offenders == []


def test_no_spoken_dutch_sentences_in_python_code():
    """Spoken text lives in data. A string literal with three or more Dutch words and a capital
    or sentence mark in the skill's code is flagged (docstrings and comments are not looked at)."""
    import ast

    dutch = re.compile(r"\b(je|jij|het|een|niet|wil|ik|de|van|dat)\b")
    offenders = []
    for path in (ROOT / "skill").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if len(dutch.findall(node.value)) >= 3 and re.search(r"[.?!]\s*$", node.value):
                    offenders.append(f"{path.relative_to(ROOT)}: {node.value[:60]!r}")
    assert offenders == []
