"""The one skill builder. The webservice (skill.web) and Lambda (lambda/lambda_function.py) both
call it, so both run exactly the same skill.

Handlers are registered in one explicit, ordered list (skill.handlers.HANDLERS): the first handler
whose can_handle matches wins (skill.routing only skips handlers that cannot take the intent).
Cross-cutting work lives in interceptors (skill.interceptors).
"""

from __future__ import annotations

from typing import Optional

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder

from skill.config import SkillConfig


def build_skill_builder(config: Optional[SkillConfig] = None) -> SkillBuilder:
    from skill.checklist import load_checklist
    from skill.content import load_content
    from skill.budgets import load_budgets
    from skill.handlers import EXCEPTION_HANDLERS, HANDLERS
    from skill.helplines import check_prompts, load_helplines
    from skill.interceptors import request_interceptors, response_interceptors
    from skill.practice.scenarios import load_practice
    from skill import prompt_keys
    from skill.prompts import load_prompts
    from skill.quiz import load_bank
    from skill.routing import IndexedSkillBuilder
    from skill.store import make_adapter

    config = config or SkillConfig()
    content = load_content(config.content_path)
    prompts = load_prompts(config.prompts_path)
    prompt_keys.check(prompts)  # every key the code declares has a prompt, every prompt is declared
    check_prompts(prompts, load_helplines())  # every helpline a prompt names exists, numbers valid
    load_budgets()
    load_practice(content)  # the practice scenarios and reply markers, validated at start-up

    adapter = make_adapter(config)  # None without a store; boto3 is imported only for DynamoDB
    sb = IndexedSkillBuilder(persistence_adapter=adapter)
    sb.skill_id = config.skill_id
    for handler_class in HANDLERS:
        sb.add_request_handler(handler_class())
    for handler_class in EXCEPTION_HANDLERS:
        sb.add_exception_handler(handler_class(content, prompts, config.rng))
    for interceptor in request_interceptors(
        content, prompts, config, adapter, bank=load_bank(content), checklist=load_checklist(content)
    ):
        sb.add_global_request_interceptor(interceptor)
    for interceptor in response_interceptors(adapter, config.on_turn):
        sb.add_global_response_interceptor(interceptor)
    return sb


def build_skill(config: Optional[SkillConfig] = None) -> CustomSkill:
    """A ready CustomSkill; call skill.invoke(...) or use skill.dev.runtime.dispatch(skill, envelope).
    The webservice, the Lambda handler, the tests and the benches all build it here."""
    return use_fast_serializer(build_skill_builder(config).create())


def use_fast_serializer(skill: CustomSkill) -> CustomSkill:
    """Give the skill skill.serializer.FastSerializer: DefaultSerializer's objects and JSON, faster."""
    from skill.serializer import FastSerializer

    skill.serializer = FastSerializer()
    return skill
