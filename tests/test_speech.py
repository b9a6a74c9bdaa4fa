"""The SSML module and the prompts loader."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from skill.prompts import PromptError, load_prompts, parse_prompts
from skill.ssml import Speech, plain_text, speech, validate


def test_text_is_escaped_and_wrapped_in_a_calm_rate():
    out = speech('Jip & Janneke <zeggen> "hoi"').ssml()
    assert out == '<speak><prosody rate="95%">Jip &amp; Janneke &lt;zeggen&gt; "hoi"</prosody></speak>'
    assert validate(out) == []


def test_quotes_get_pauses_around_them_and_a_slower_rate():
    out = Speech().say("Zeg bijvoorbeeld:").quote("Klopt dat?").ssml()
    assert '<break time="350ms"/><prosody rate="90%">Klopt dat?</prosody><break time="600ms"/>' in out
    assert Speech().say("Zeg:").quote("Klopt dat?").text() == "Zeg: ‘Klopt dat?’"


def test_markers_for_pauses_and_digits():
    s = speech("Bel [[cijfers:0800-0113]]. [[pauze]] Of bel [[cijfers:112]].")
    assert '<say-as interpret-as="digits">08000113</say-as>.' in s.ssml()
    assert '<break time="350ms"/>' in s.ssml()
    assert s.text() == "Bel 0800-0113. Of bel 112."


def test_two_pauses_in_a_row_become_the_longer_one():
    out = Speech().say("a").pause("short").pause("long").say("b").ssml()
    assert out.count("<break") == 1 and "1000ms" in out


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("<speak>open", "not well-formed"),
        ("<speak><script>x</script></speak>", "<script> is not supported"),
        ('<speak><break time="20s"/></speak>', "longer than Alexa's 10 seconds"),
        ('<speak><break time="lang"/></speak>', "is not like 500ms"),
        ('<speak><prosody rate="5%">x</prosody></speak>', "at least 20%"),
        ('<speak><p onclick="x">x</p></speak>', "not allowed on <p>"),
        ("<p>x</p>", "not <speak>"),
        ("<speak>" + "a" * 8001 + "</speak>", "over Alexa's 8000"),
    ],
)
def test_validate_finds_what_alexa_would_reject(bad, problem):
    assert any(problem in p for p in validate(bad)), validate(bad)


def test_plain_text_drops_tags():
    assert plain_text('<speak>Bel <say-as interpret-as="digits">113</say-as>, nu.</speak>') == "Bel 113, nu."


# --- prompts ------------------------------------------------------------------------------------


def test_every_prompt_renders_to_valid_ssml():
    prompts = load_prompts()
    for key in prompts.keys():
        for variant in prompts.variants(key):
            # every placeholder filled: {name} with a topic, any other ({count}, {n}, ...) with a number
            rendered = speech(variant.format_map(defaultdict(lambda: "2", name="open vragen"))).ssml()
            assert validate(rendered) == [], (key, variant)


def test_rotation_starts_where_the_rng_says_and_cycles_through_all_variants():
    prompts = parse_prompts({"prompts": {"groet": ["a", "b", "c"]}})
    rotation = {}
    rng = random.Random(3)
    start = int(random.Random(3).random() * 3)
    got = [prompts.pick("groet", rotation, rng) for _ in range(4)]
    expected = ["abc"[(start + i) % 3] for i in range(4)]
    assert got == expected and rotation == {"groet": (start + 4) % 3}


def test_rotation_ignores_a_tampered_position():
    prompts = parse_prompts({"prompts": {"groet": ["a", "b"]}})
    rotation = {"groet": 17}
    assert prompts.pick("groet", rotation, random.Random(0)) in {"a", "b"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"prompts": {"x": []}}, r"prompts\.x: must be a non-empty list"),
        ({"prompts": {"x": ["ok", ""]}}, r"prompts\.x\[1\]: must be a non-empty string"),
        ({"prompts": {"x": ["over {name}", "over {naam}"]}}, r"prompts\.x\[1\]: uses placeholders \['naam'\]"),
        ({"prompts": {"x": ["a", "a"]}}, r"prompts\.x: has a duplicate variant"),
        ({"prompts": {"x": ["{"]}}, r"prompts\.x\[0\]: bad placeholder"),
        ({"nope": {}}, r"must be an object with a 'prompts' object"),
    ],
)
def test_broken_prompt_files_fail_naming_the_place(data, message):
    with pytest.raises(PromptError, match=message):
        parse_prompts(data)


def test_a_prompt_file_that_is_not_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(PromptError, match="p.json: not valid JSON"):
        load_prompts(str(path))


# ---------------------------------------------------------------- SSML as pieces for the browser page


def test_speech_pieces_map_breaks_to_pauses_and_prosody_to_rates():
    from skill.ssml import PAUSES, speech, speech_pieces

    ssml = speech("Een tip.").pause("long").quote("Wat houdt je bezig?").say("Bel [[cijfers:0800-0113]].").ssml()
    assert speech_pieces(ssml) == [
        {"text": "Een tip.", "rate": 0.95, "pause_ms": PAUSES["long"] + PAUSES["short"]},
        {"text": "Wat houdt je bezig?", "rate": 0.9, "pause_ms": PAUSES["medium"]},
        {"text": "Bel 0 8 0 0 0 1 1 3.", "rate": 0.95, "pause_ms": 0},
    ]


def test_speech_pieces_of_hand_written_ssml():
    from skill.ssml import speech_pieces

    assert speech_pieces(
        '<speak><break time="2s"/>Hoi <prosody rate="slow">rustig</prosody> '
        '<break strength="strong"/><emphasis>klaar</emphasis></speak>'
    ) == [
        {"text": "", "rate": 1.0, "pause_ms": 2000},
        {"text": "Hoi", "rate": 1.0, "pause_ms": 0},
        {"text": "rustig", "rate": 0.75, "pause_ms": 750},
        {"text": "klaar", "rate": 1.0, "pause_ms": 0},
    ]
    assert speech_pieces('<speak>a<break time="60s"/>b</speak>')[0]["pause_ms"] == 10000  # capped
    assert speech_pieces("<speak></speak>") == []
    assert speech_pieces("not <ssml") == [{"text": "not <ssml", "rate": 1.0, "pause_ms": 0}]
