"""The content file against the user's source document, and the loader's validation."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from pathlib import Path

import pytest

from skill.content import ContentError, load_content, parse_content

HERE = Path(__file__).parent
SOURCE = HERE / "data" / "gesprekstips.txt"
SHARED_SOURCE = HERE.parent.parent / "shared" / "seeds" / "gesprekstips.txt"
PACKAGED = HERE.parent / "skill" / "data" / "principles.json"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(re.sub(r"[^\w\s/-]", " ", text).split())


def source_text() -> str:
    return " ".join(SOURCE.read_text(encoding="utf-8").split())


def source_sections():
    """(title, [bullets]) as the source gives them, bullets joined across PDF line breaks."""
    lines = [line.strip() for line in SOURCE.read_text(encoding="utf-8").splitlines()]
    sections, title, bullets, current = [], None, [], None
    for line in lines[3:]:
        if not line:
            continue
        if line.startswith("●"):
            current = line[1:].strip()
            bullets.append(current)
        elif current is not None and (line[0].islower() or line[0] in "'(" or not line[0].isalpha()):
            bullets[-1] = bullets[-1] + " " + line
        else:
            if title:
                sections.append((title, bullets))
            title, bullets, current = line, [], None
    sections.append((title, bullets))
    return sections


def test_bundled_source_is_the_users_document():
    if SHARED_SOURCE.exists():
        assert SHARED_SOURCE.read_text(encoding="utf-8") == SOURCE.read_text(encoding="utf-8")


def test_ten_principles_with_the_source_titles_in_order():
    content = load_content()
    titles = [title for title, _ in source_sections()]
    assert len(titles) == 10
    assert [p.title for p in content] == titles


def test_every_example_phrase_of_the_source_is_in_the_content():
    quoted = re.findall(r"'([^']+)'", source_text())
    assert len(quoted) == 12
    content = load_content()
    phrases = {norm(phrase) for p in content for phrase in p.examples}
    for phrase in quoted:
        assert norm(phrase) in phrases, phrase


def test_every_piece_of_advice_of_the_source_is_in_the_content():
    """Nothing dropped: nearly every word of each bullet is in its principle's advice and examples.
    (Mended slips and moved quotes account for the rest.)"""
    content = load_content()
    for title, bullets in source_sections():
        principle = next(p for p in content if p.title == title)
        words_here = set(norm(" ".join([a.text for a in principle.advice] + list(principle.examples))).split())
        assert bullets, title
        for bullet in bullets:
            words = [
                w
                for w in norm(re.sub(r"'[^']+'", " ", bullet)).split()
                if w not in {"voorbeelden", "kunnen", "zijn", "is", "hem/haar", "of", "vraag"}
            ]
            missing = [w for w in words if w not in words_here]
            assert len(missing) <= 1, f"{title}: {bullet!r} misses {missing}"


def test_pdf_slips_are_mended():
    text = " ".join(a.text for p in load_content() for a in p.advice)
    assert "minder expressief is" not in text
    assert "minder expressief." in text
    assert "zonder te onderbreken" in text


def test_every_principle_has_examples_synonyms_and_a_spoken_name():
    for principle in load_content():
        assert principle.examples and principle.synonyms and principle.name and principle.summary
        assert principle.name == principle.name.lower()


def test_tips_cover_every_piece_of_advice():
    content = load_content()
    assert len(content.tips) == sum(len(p.advice) for p in content)
    for tip in content.tips:
        assert tip.example in tip.principle.examples


# --- the validator, with broken copies -----------------------------------------------------


def good():
    return json.loads(PACKAGED.read_text(encoding="utf-8"))


def write(tmp_path, data) -> str:
    path = tmp_path / "principles.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_packaged_file_validates(tmp_path):
    assert len(load_content(write(tmp_path, good())).principles) == 10


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: d["principles"][2].pop("title"), r"principles\[2\]\.title: missing"),
        (
            lambda d: d["principles"][4].__setitem__("id", d["principles"][1]["id"]),
            r"principles\[4\]\.id: duplicate id 'vertrouwen'",
        ),
        (
            lambda d: (
                d["principles"][3]["advice"].__setitem__(0, {"text": d["principles"][3]["advice"][0]["text"]}),
                d["principles"][3].__setitem__("examples", []),
            ),
            r"principles\[3\]: has no example phrase",
        ),
        (lambda d: d["principles"][0].__setitem__("advice", []), r"principles\[0\]\.advice: must be a non-empty list"),
        (
            lambda d: d["principles"][5]["advice"][1].__setitem__("text", "  "),
            r"principles\[5\]\.advice\[1\]\.text: must be a non-empty string",
        ),
        (
            lambda d: d["principles"][6]["synonyms"].append("luisteren"),
            r"principles\[6\]\.synonyms: 'luisteren' is already a synonym of luisteren",
        ),
        (lambda d: d["principles"][7].__setitem__("id", "Grenzen!"), r"principles\[7\]\.id: 'Grenzen!' may hold only"),
        (
            lambda d: d["principles"][8]["advice"][0].__setitem__("examples", "Hallo"),
            r"advice\[0\]\.examples: must be a list",
        ),
        (lambda d: d.__setitem__("version", 2), r"\.version: must be 1"),
        (
            lambda d: d["principles"][2]["advice"][1].__setitem__("pause", "eeuwig"),
            r"principles\[2\]\.advice\[1\]\.pause: must be one of",
        ),
        (lambda d: d.__setitem__("principles", {}), r"\.principles: must be a non-empty list"),
    ],
)
def test_broken_files_fail_loudly_naming_the_place(tmp_path, breakage, message):
    data = good()
    breakage(data)
    with pytest.raises(ContentError, match=message):
        load_content(write(tmp_path, data))


def test_a_file_that_is_not_json_fails_naming_the_file(tmp_path):
    path = tmp_path / "kapot.json"
    path.write_text('{"version": 1,', encoding="utf-8")
    with pytest.raises(ContentError, match="kapot.json: not valid JSON"):
        load_content(str(path))


def test_a_broken_file_stops_the_skill_from_building(tmp_path):
    from skill.builder import build_skill
    from skill.config import SkillConfig

    data = good()
    del data["principles"][9]["synonyms"]
    with pytest.raises(ContentError, match=r"principles\[9\]\.synonyms: missing"):
        build_skill(SkillConfig(content_path=write(tmp_path, data)))


def test_parse_content_does_not_mutate_its_input():
    data = good()
    before = copy.deepcopy(data)
    parse_content(data)
    assert data == before


def test_a_tip_gets_the_example_phrase_that_fits_its_advice():
    content = load_content()
    luisteren = content.get("luisteren")
    assert [luisteren.example_for(i) for i in range(3)] == [
        "Vertel maar, ik luister.",
        "Ja.",
        "Neem je tijd, ik ben er.",
    ]
    assert content.get("open_vragen").example_for(1) == "Waar wil je het vandaag over hebben?"
