"""The one skill builder. The webservice (skill.web) and Lambda (lambda/lambda_function.py) both
call it, so both run exactly the same skill.

Handlers are registered in one explicit, ordered list (skill.handlers.HANDLERS): the first handler
whose can_handle matches wins (skill.routing only skips handlers that cannot take the intent).
Cross-cutting work lives in interceptors (skill.interceptors).

Data files are validated at start-up (``preload=True``, the default: the webservice, the tests, the
chat simulator): a broken file stops the start. The Lambda entry builds with ``preload=False`` to keep
its cold start short: the content and the prompts (every request needs them) are still loaded and
validated at init, every other file (the practice scenarios and reply markers, the distress markers,
the helplines, the quiz bank, the checklist) on the first request that uses it, once per container,
with the same checks. ``gesprekscoach package-lambda`` runs check_data() on the code it stages, so a
zip with a broken or missing file is never built (tests/test_lambda_package.py breaks each one).
"""

from __future__ import annotations

from typing import Optional

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder

from skill.config import SkillConfig
from skill.datafiles import Deferred


def check_data(content=None, prompts=None) -> None:
    """Load and validate every data file the skill reads (raises skill.errors.DataError subclasses):
    what a start-up with preload=True checks, beyond the content and the prompts themselves."""
    from skill import distress
    from skill.budgets import load_budgets
    from skill.checklist import load_checklist
    from skill.content import load_content
    from skill.helplines import check_prompts, load_helplines
    from skill.modes import modes
    from skill.practice.scenarios import load_practice
    from skill.prompts import load_prompts
    from skill.quiz import load_bank

    content = content if content is not None else load_content()
    prompts = prompts if prompts is not None else load_prompts()
    check_prompts(prompts, load_helplines())  # every helpline a prompt names exists, numbers valid
    load_budgets()
    load_practice(content)  # the practice scenarios and reply markers
    distress.validate()  # the markers of distress in a practice reply, every pattern compiled
    load_bank(content)
    load_checklist(content)
    modes()  # every mode's module


def _load_bank(content):
    from skill.quiz import load_bank

    return load_bank(content)


def _load_checklist(content):
    from skill.checklist import load_checklist

    return load_checklist(content)


def build_skill_builder(config: Optional[SkillConfig] = None, *, preload: bool = True) -> SkillBuilder:
    from skill.content import load_content
    from skill.handlers import EXCEPTION_HANDLERS, HANDLERS
    from skill.interceptors import request_interceptors, response_interceptors
    from skill import prompt_keys
    from skill.prompts import load_prompts
    from skill.routing import IndexedSkillBuilder
    from skill.store import make_adapter

    config = config or SkillConfig()
    content = load_content(config.content_path)
    prompts = load_prompts(config.prompts_path)
    prompt_keys.check(prompts)  # every key the code declares has a prompt, every prompt is declared
    bank = Deferred(_load_bank, content)
    checklist = Deferred(_load_checklist, content)
    if preload:
        check_data(content, prompts)
        bank.get()
        checklist.get()

    adapter = make_adapter(config)  # None without a store; boto3 is imported only for DynamoDB
    sb = IndexedSkillBuilder(persistence_adapter=adapter)
    sb.skill_id = config.skill_id
    for handler_class in HANDLERS:
        sb.add_request_handler(handler_class())
    for handler_class in EXCEPTION_HANDLERS:
        sb.add_exception_handler(handler_class(content, prompts, config.rng))
    for interceptor in request_interceptors(content, prompts, config, adapter, bank=bank, checklist=checklist):
        sb.add_global_request_interceptor(interceptor)
    for interceptor in response_interceptors(adapter, config.on_turn):
        sb.add_global_response_interceptor(interceptor)
    return sb


def build_skill(config: Optional[SkillConfig] = None, *, preload: bool = True) -> CustomSkill:
    """A ready CustomSkill; call skill.invoke(...) or use skill.dev.runtime.dispatch(skill, envelope).
    The webservice, the Lambda handler, the tests and the benches all build it here. preload: see
    the module's docstring (only the Lambda entry passes False)."""
    return use_fast_serializer(build_skill_builder(config, preload=preload).create())


def use_fast_serializer(skill: CustomSkill) -> CustomSkill:
    """Give the skill skill.serializer.FastSerializer: DefaultSerializer's objects and JSON, faster."""
    from skill.serializer import FastSerializer

    skill.serializer = FastSerializer()
    return skill
