"""gesprekscoach chat: through its functions, and as a command in a subprocess."""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import subprocess
import sys

import pytest

from skill.dev.commands import chat as chat_command
from skill.dev.commands.chat import ENDED, PAUSE, Chat, format_reply, readable
from skill.dev.response_check import problems
from skill.dev.runtime import dispatch
from tests.e2e_helpers import REPO, DevServer, clean_env, gesprekscoach


@pytest.fixture
def chat(skill):
    def send(envelope):
        response = dispatch(skill, envelope)
        assert not problems(response)
        return response

    return Chat(send)


def args(**kwargs):
    parser = argparse.ArgumentParser()
    chat_command.add_arguments(parser)
    namespace = parser.parse_args([])
    for key, value in kwargs.items():
        setattr(namespace, key, value)
    return namespace


def run_cli(*argv, env=None, timeout=120):
    return subprocess.run(
        gesprekscoach() + ["chat", *argv], cwd=REPO, env=clean_env(env), capture_output=True, text=True, timeout=timeout
    )


def json_documents(text):
    decoder, pos, out = json.JSONDecoder(), 0, []
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        doc, pos = decoder.raw_decode(text, pos)
        out.append(doc)
    return out


# rendering -----------------------------------------------------------------------------------------


def test_readable_shows_pauses_discreetly_and_quotes():
    ssml = (
        '<speak><prosody rate="95%">Hallo.<break time="600ms"/>Zeg dan:<break time="350ms"/>'
        '<prosody rate="90%">Hoe gaat het?</prosody><break time="600ms"/><break time="1s"/>'
        'Kort<break time="100ms"/>even.<break time="600ms"/></prosody></speak>'
    )
    assert readable(ssml) == f"Hallo. {PAUSE} Zeg dan: {PAUSE} ‘Hoe gaat het?’ {PAUSE} Kort even."


def test_readable_digits_and_escapes():
    ssml = '<speak>Bel <say-as interpret-as="digits">08000113</say-as> &amp; praat</speak>'
    assert readable(ssml) == "Bel 08000113 & praat"


def test_readable_survives_broken_ssml():
    assert "kapot" in readable("<speak>kapot")


# conversations -------------------------------------------------------------------------------------


def test_empty_input_launches(chat):
    reply, understood = chat.say("")
    assert understood == "LaunchRequest"
    assert reply.request["request"]["type"] == "LaunchRequest"
    assert reply.request["session"]["new"] is True
    assert not reply.ended and reply.speech


@pytest.mark.parametrize(
    "said", ["open empathisch gesprek", "Alexa, open empathisch gesprek", "start empathisch gesprek"]
)
def test_open_phrase_launches(chat, said):
    reply, _ = chat.say(said)
    assert reply.request["request"]["type"] == "LaunchRequest"


def test_session_attributes_carry_like_alexa(chat):
    first, _ = chat.say("")
    second, understood = chat.say("help me afsluiten")
    assert understood.startswith("PrincipleIntent principe='afsluiten' -> afsluiten")
    assert second.request["session"]["new"] is False
    assert second.request["session"]["sessionId"] == first.request["session"]["sessionId"]
    assert second.request["session"]["attributes"] == first.attributes
    third, _ = chat.say("volgende")
    assert third.request["session"]["attributes"] == second.attributes
    assert third.request["request"]["intent"]["name"] == "AMAZON.NextIntent"
    assert "Sluit zorgvuldig af" in second.speech


def test_slots_go_out_with_entity_resolution(chat):
    chat.say("")
    reply, _ = chat.say("geef een open vraag")
    slot = reply.request["request"]["intent"]["slots"]["principe"]
    assert slot["value"] == "open vraag"
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == "open_vragen"


def test_wake_word_is_ignored_in_a_session(chat):
    chat.say("")
    reply, understood = chat.say("Alexa, stop")
    assert understood == "AMAZON.StopIntent" and reply.ended


def test_unmatched_goes_to_fallback(chat):
    chat.say("")
    reply, understood = chat.say("hoeveel kost een brood")
    assert understood == "AMAZON.FallbackIntent"
    assert reply.request["request"]["intent"]["name"] == "AMAZON.FallbackIntent"
    assert not reply.ended


def test_ended_session_starts_fresh(chat):
    first, _ = chat.say("")
    stop, _ = chat.say("stop")
    assert stop.ended
    again, _ = chat.say("een tip")
    assert again.request["session"]["new"] is True
    assert again.request["session"]["sessionId"] != first.request["session"]["sessionId"]
    assert again.request["session"]["attributes"] == {}


def test_one_shot_is_a_new_session_with_an_intent(chat):
    chat.say("")
    chat.say("help me afsluiten")
    reply, understood = chat.say("Alexa, vraag empathisch gesprek om een tip")
    assert understood == "TipIntent"
    assert reply.request["request"]["type"] == "IntentRequest"
    assert reply.request["session"]["new"] is True and reply.request["session"]["attributes"] == {}


def test_format_reply_shows_card_and_end(chat):
    reply, understood = chat.say("vraag empathisch gesprek om een tip")
    lines = format_reply(reply, resolution=understood)
    assert lines[0] == "  [TipIntent]"
    assert lines[1].startswith("alexa> ")
    assert any(line.startswith("  [kaart] ") for line in lines)
    assert lines[-1] == ENDED
    assert not any("\033[" in line for line in lines)
    colored = format_reply(reply, resolution=understood, color=True)
    assert any("\033[" in line for line in colored)


def test_run_with_say_prints_a_transcript(chat, monkeypatch):
    out = io.StringIO()
    assert chat_command.run(args(say=["", "help me afsluiten", "stop"]), out=out) == 0
    text = out.getvalue()
    assert text.count("jij> ") == 3
    assert "alexa> " in text and "Sluit zorgvuldig af" in text
    assert text.rstrip().endswith(ENDED)


def test_interactive_reads_lines_until_end_of_input():
    out = io.StringIO()
    inp = io.StringIO("\nwelke tips heb je\nstop\neen tip\n")
    assert chat_command.run(args(), out=out, inp=inp) == 0
    text = out.getvalue()
    assert "An empty line opens the skill" in text
    assert text.count(ENDED) == 2  # "stop" ends it; the one-shot tip after it starts and ends a new one
    assert "[ListPrinciplesIntent]" in text


# the command in a subprocess ------------------------------------------------------------------------


def test_cli_say():
    result = run_cli("--say", "", "--say", "help me afsluiten", "--say", "stop")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "jij> help me afsluiten" in out
    assert "[PrincipleIntent principe='afsluiten' -> afsluiten]" in out
    assert f" {PAUSE} " in out
    assert out.rstrip().endswith(ENDED)
    assert "\033[" not in out  # no colours when not on a terminal


def test_cli_json_prints_envelopes():
    result = run_cli("--json", "--say", "open empathisch gesprek", "--say", "geef een open vraag")
    assert result.returncode == 0, result.stderr
    first, second = json_documents(result.stdout)
    assert first["request"]["request"]["type"] == "LaunchRequest"
    assert first["response"]["version"] == "1.0"
    assert second["said"] == "geef een open vraag"
    assert second["request"]["request"]["intent"]["name"] == "ExamplesIntent"
    assert second["request"]["session"]["attributes"] == first["response"]["sessionAttributes"]
    assert second["response"]["response"]["shouldEndSession"] is False


def test_cli_url_talks_to_a_running_server():
    with DevServer() as server:
        result = run_cli("--url", server.url, "--say", "", "--say", "welke tips heb je", "--say", "stop")
    assert result.returncode == 0, result.stderr
    assert "[ListPrinciplesIntent]" in result.stdout
    assert result.stdout.rstrip().endswith(ENDED)


def test_cli_url_unreachable_is_a_readable_error():
    result = run_cli("--url", "http://127.0.0.1:9/alexa", "--say", "")
    assert result.returncode == 1
    assert "cannot reach" in result.stderr


def test_cli_speak_without_espeak_says_how_to_install(tmp_path):
    result = run_cli("--speak", "--say", "", env={"PATH": str(tmp_path)})
    assert result.returncode == 1
    assert "apt-get install espeak-ng" in result.stderr


@pytest.fixture
def fake_espeak(tmp_path):
    """An espeak-ng that records its arguments (and writes the -w file)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "espeak.log"
    script = bin_dir / "espeak-ng"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if '-w' in sys.argv: open(sys.argv[sys.argv.index('-w') + 1], 'wb').write(b'RIFF')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir, log


def test_cli_speak_feeds_ssml_to_the_dutch_voice(fake_espeak, tmp_path):
    bin_dir, log = fake_espeak
    wav_dir = tmp_path / "wav"
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_cli("--speak", "--wav-dir", str(wav_dir), "--say", "", "--say", "stop", env={"PATH": path})
    assert result.returncode == 0, result.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 4  # per answer: one to write the WAV, one to speak
    for call in calls:
        assert call[:3] == ["-v", "nl", "-m"]
        assert call[-1].startswith("<speak>") and call[-1].endswith("</speak>")
    assert sorted(p.name for p in wav_dir.iterdir()) == ["antwoord-001.wav", "antwoord-002.wav"]
    assert "[wav] " in result.stdout


def test_chat_does_not_load_flask():
    code = (
        "import sys; from skill.dev.cli import main; main(['chat', '--say', 'een tip']); "
        "print('FLASK' if 'flask' in sys.modules else 'NOFLASK')"
    )
    import sys

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().endswith("NOFLASK"), result.stdout + result.stderr


def test_real_espeak_writes_dutch_speech(tmp_path):
    """The real espeak-ng (installed by .ci/run and the Makefile's speak-deps target)."""
    result = run_cli("--wav-dir", str(tmp_path), "--say", "")
    assert result.returncode == 0, result.stderr
    wav = tmp_path / "antwoord-001.wav"
    assert wav.read_bytes()[:4] == b"RIFF" and wav.stat().st_size > 10000
