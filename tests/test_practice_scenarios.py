"""The practice scenarios: loaded and validated like the content; what a malformed file is told."""

from __future__ import annotations

import copy
import json

import pytest

from skill import datafiles
from skill.content import load_content
from skill.practice.classify import ALL_LABELS
from skill.practice.scenarios import ScenarioError, load_scenarios, parse_scenarios

RAW = json.loads(datafiles.read_text("locale", "nl-NL", "practice", "scenarios.json"))
CONTENT = load_content()


def test_the_scenarios_load_and_cover_the_situations_of_the_issue():
    scenarios = load_scenarios(CONTENT)
    assert len(scenarios.scenarios) >= 8
    assert 3 <= scenarios.turns <= 5
    assert set(scenarios.ids) >= {
        "overloaded_colleague",
        "friend_parent_ill",
        "bullied_pupil",
        "lonely_neighbour",
        "absent_employee",
        "angry_person",
        "quiet_person",
        "closing_talk",
    }
    for scenario in scenarios.scenarios:
        assert len(scenario.story) >= scenarios.turns - 1
        assert all(CONTENT.get(pid) for pid in scenario.principles)
        # one sentence of situation (two at most), as the issue asks
        assert scenario.situation.count(".") <= 2, scenario.id


def test_advice_gets_a_yes_but_in_the_scenarios_where_the_other_person_talks():
    for scenario in load_scenarios(CONTENT).scenarios:
        if scenario.id != "quiet_person":
            assert any("maar" in line.lower() for line in scenario.reactions["advice"]), scenario.id


def test_every_label_is_tied_to_a_principle_and_one_of_its_example_phrases():
    labels = load_scenarios(CONTENT).labels
    assert set(labels) == set(ALL_LABELS)
    for info in labels.values():
        assert CONTENT.get(info.principle).examples[info.example]


def _broken(mutate, message):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(ScenarioError, match=message):
        parse_scenarios(data, CONTENT)


def test_a_malformed_file_names_the_place():
    _broken(lambda d: d.update(version=2), "version")
    _broken(lambda d: d.update(turns=7), "turns")
    _broken(lambda d: d["scenarios"].pop(), "at least 8")
    _broken(lambda d: d["scenarios"][0].update(id="Bad Id"), r"scenarios\[0\]\.id")
    _broken(lambda d: d["scenarios"][1].update(principles=["bestaat_niet"]), r"scenarios\[1\]\.principles")
    _broken(lambda d: d["scenarios"][2]["reactions"].pop("advice"), r"scenarios\[2\]\.reactions")
    _broken(lambda d: d["scenarios"][2]["reactions"].update(advice=[]), r"reactions\.advice")
    _broken(lambda d: d["scenarios"][3].update(story=["Een.", "Twee."]), r"scenarios\[3\]\.story")
    _broken(lambda d: d["scenarios"][4].update(opening=["  Hallo."]), "stray white space")
    _broken(
        lambda d: d["scenarios"][5]["feedback"].update(advice=["Zeg bijvoorbeeld: ‘Doe het gewoon.’"]),
        "not an example phrase",
    )
    _broken(lambda d: d["scenarios"][5].update(id=d["scenarios"][6]["id"]), "duplicate id")
    _broken(lambda d: d["labels"]["advice"].update(principle="nee"), r"labels\.advice\.principle")
    _broken(lambda d: d["labels"]["advice"].update(example=99), r"labels\.advice\.example")
    _broken(lambda d: d["labels"]["advice"].update(good=True), r"labels\.advice\.good")


@pytest.mark.parametrize("line", ["Ik denk aan zelfmoord.", "Mijn man heeft me geslagen.", "Ik wil niet meer leven."])
def test_suicide_and_abuse_are_never_role_play(line):
    _broken(lambda d: d["scenarios"][0]["story"].append(line), "never role play")
