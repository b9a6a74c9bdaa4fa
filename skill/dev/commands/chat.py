"""``gesprekscoach chat``: talk to the skill without an Echo.

Type what you would say to Alexa; the words are resolved against the real interaction model
(skill.dev.nlu: samples, slot values and synonyms with entity resolution, the fallback for anything else),
turned into a real request envelope and sent through the same skill builder in process (or to a
running server with --url). Session attributes carry from turn to turn exactly as Alexa carries
them (skill.dev.conversation). Empty input, or "open empathisch gesprek", opens the skill; "vraag
empathisch gesprek om een tip" is a one-shot. A session that ends starts fresh on the next line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, TextIO

from skill.errors import GesprekscoachError

HELP = "Talk to the skill in the console (no Echo needed); --say for one-shot use, --speak to hear it."

PAUSE = "…"
ENDED = "(sessie beëindigd)"
ESPEAK_HINT = (
    "espeak-ng is not installed. Install it to hear the answers:\n"
    "  Debian/Ubuntu: sudo apt-get install espeak-ng\n"
    "  macOS:         brew install espeak-ng\n"
    "  Fedora:        sudo dnf install espeak-ng"
)
MIN_PAUSE_MS = 300  # shorter breaks are not shown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--say",
        action="append",
        metavar="TEXT",
        default=None,
        help="say this and print the answer (repeatable: one session, in order); no interactive prompt",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the raw request and response envelopes (JSON) instead of text"
    )
    parser.add_argument(
        "--url",
        default=None,
        help="send requests to a running server (e.g. http://127.0.0.1:8080/alexa, "
        "started with 'gesprekscoach serve --dev') instead of in process",
    )
    parser.add_argument(
        "--speak", action="store_true", help="read the answers aloud with espeak-ng's Dutch voice (fed the SSML)"
    )
    parser.add_argument(
        "--wav-dir",
        default=None,
        metavar="DIR",
        help="with or without --speak: write each answer as a WAV file into DIR",
    )
    parser.add_argument(
        "--model",
        "--package",
        dest="model",
        metavar="DIR",
        default=os.environ.get("GESPREKSCOACH_MODEL_PACKAGE") or None,
        help="skill package folder whose interaction model resolves what you say "
        "(its samples only; env GESPREKSCOACH_MODEL_PACKAGE); default: the project's "
        "sentence grammar, with near matches marked as such",
    )
    parser.add_argument(
        "--skill-id",
        default=None,
        help="application id in the requests (default: env GESPREKSCOACH_SKILL_ID, else a test id)",
    )


# rendering ---------------------------------------------------------------------------------------


def _style(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def readable(ssml: str, *, pause: str = PAUSE, color: bool = False) -> str:
    """SSML as text to read: tags dropped, pauses of MIN_PAUSE_MS or more shown as a discreet …,
    example phrases (the slower prosody) in ‘quotes’."""
    from skill.ssml import QUOTE_RATE, plain_text

    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        return plain_text(ssml)
    marker = "\x00"
    out: List[str] = []

    def walk(element) -> None:
        tag = element.tag
        quoted = tag == "prosody" and element.attrib.get("rate") == QUOTE_RATE
        if tag == "break":
            time = element.attrib.get("time", "")
            ms = (
                int(time[:-2])
                if time.endswith("ms") and time[:-2].isdigit()
                else int(float(time[:-1]) * 1000)
                if time.endswith("s") and time[:-1].replace(".", "").isdigit()
                else 500
            )
            if ms >= MIN_PAUSE_MS or element.attrib.get("strength") in ("strong", "x-strong"):
                out.append(f" {marker} ")
            else:
                out.append(" ")
        if quoted:
            out.append("‘")
        if element.text:
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if quoted:
            out.append("’")

    walk(root)
    text = " ".join("".join(out).split())
    text = text.replace("‘ ", "‘").replace(" ’", "’")
    # no pause mark at the edges, one for a run of pauses
    parts = [p.strip() for p in text.split(marker)]
    parts = [p for p in parts if p]
    shown = _style(pause, "2", color)
    return f" {shown} ".join(parts)


def _same_words(a: str, b: str) -> bool:
    from skill.dev.nlu import normalize

    return normalize(a) == normalize(b)


def format_reply(reply, *, color: bool = False, resolution=None) -> List[str]:
    """The lines to print for one answer: what was understood, the speech, the card, the end."""
    from skill.dev.response_check import problems

    lines: List[str] = []
    if resolution is not None:
        lines.append(_style(f"  [{resolution}]", "2", color))
    if reply.ssml:
        lines.append(_style("alexa> ", "1", color) + readable(reply.ssml, color=color))
    elif reply.request["request"]["type"] != "SessionEndedRequest":
        lines.append(_style("alexa> ", "1", color) + _style("(zegt niets)", "2", color))
    card = reply.card
    if card:
        title = card.get("title") or ""
        content = card.get("content") or card.get("text") or ""
        if _same_words(content, reply.speech):
            lines.append(_style(f"  [kaart] {title} (met dezelfde tekst)", "36", color))
        else:
            lines.append(_style(f"  [kaart] {title}", "36", color))
            for line in content.splitlines():
                lines.append(_style(f"    {line}" if line.strip() else "", "36", color))
    for problem in problems(reply.envelope):
        lines.append(_style(f"  ! invalid response for Alexa: {problem}", "31", color))
    if reply.ended:
        lines.append(_style(ENDED, "2", color))
    return lines


# sending -----------------------------------------------------------------------------------------


def http_sender(url: str, timeout: float = 15.0) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    """POST each envelope to a running server; a 4xx/5xx answer becomes a readable error."""
    import urllib.error
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        url = urllib.parse.urlunsplit(parts._replace(path="/alexa"))

    def send(envelope: Dict[str, Any]) -> Dict[str, Any]:
        body = json.dumps(envelope).encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace")[:500]
            hint = (
                " (is the server running with --dev? chat cannot sign requests)" if err.code in (400, 401, 403) else ""
            )
            raise ChatError(f"{url} answered HTTP {err.code}{hint}: {detail}") from None
        except (urllib.error.URLError, OSError) as err:
            raise ChatError(f"cannot reach {url}: {getattr(err, 'reason', err)}") from None

    return send


class ChatError(GesprekscoachError):
    """The chat cannot reach or use its server; the message says why."""


class Chat:
    """One chat: say(text) returns the turns it caused as (reply, resolution description)."""

    def __init__(self, send=None, *, model_dir=None, skill_id: Optional[str] = None):
        from skill.dev import envelopes, nlu
        from skill.dev.conversation import Conversation

        if send is None:
            from skill.builder import build_skill
            from skill.config import SkillConfig

            config = SkillConfig.from_env()
            if skill_id:
                config.skill_id = skill_id
            send = build_skill(config)
        if model_dir is None:
            # the project's own model: understand with the sentence grammar it is built from
            from skill.dev.resolver import GrammarResolver

            self.resolver = GrammarResolver()
        else:
            self.resolver = nlu.Resolver(nlu.load_model(model_dir))
        self.talk = Conversation(send, skill_id=skill_id or envelopes.DEFAULT_SKILL_ID)

    def say(self, text: str):
        """Send what a person says; returns (reply, description of how it was understood)."""
        from skill.dev import envelopes, nlu

        text = text.strip()
        if not text:
            return self.talk.launch(), "LaunchRequest"
        invocation = self.resolver.parse_invocation(text)
        if invocation is not None:
            kind, rest = invocation
            if kind == "launch":
                return self.talk.launch(), "LaunchRequest"
            # a one-shot: a new session that starts with an intent
            self.talk.session_id, self.talk.attributes = None, {}
            resolution = self.resolver.resolve_one_shot(rest)
        else:
            _, words = nlu.strip_wake_word(text)  # "Alexa, stop" in a session is just "stop"
            elicited = self._elicited()
            if elicited:  # the skill asked for a slot (Dialog.ElicitSlot): the words fill it, whole
                resolution = self.resolver.resolve_elicited(words, *elicited)
            else:
                resolution = self.resolver.resolve(words)
        envelope = envelopes.intent(
            resolution.intent,
            resolution.slot_dicts(self.talk.skill_id),
            new=not self.talk.in_session,
            attributes=self.talk.attributes,
            session_id=self.talk.session_id,
            skill_id=self.talk.skill_id,
        )
        return self.talk.send(envelope), resolution.describe()

    def _elicited(self):
        """(intent, slot) when the last answer in this session elicited a slot, else None."""
        return self.talk.elicited if self.talk.in_session else None


# speaking ----------------------------------------------------------------------------------------


class Speaker:
    def __init__(self, *, aloud: bool, wav_dir: Optional[str]):
        self.aloud = aloud
        self.wav_dir = Path(wav_dir) if wav_dir else None
        self.count = 0
        self.binary = shutil.which("espeak-ng")
        if self.wav_dir:
            self.wav_dir.mkdir(parents=True, exist_ok=True)

    @property
    def available(self) -> bool:
        return self.binary is not None

    def command(self, ssml: str, wav: Optional[Path] = None) -> List[str]:
        cmd = [self.binary or "espeak-ng", "-v", "nl", "-m"]
        if wav is not None:
            cmd += ["-w", str(wav)]
        return cmd + [ssml]

    def speak(self, ssml: str) -> Optional[Path]:
        if not ssml:
            return None
        self.count += 1
        written = None
        if self.wav_dir:
            written = self.wav_dir / f"antwoord-{self.count:03d}.wav"
            subprocess.run(
                self.command(ssml, written), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        if self.aloud:
            subprocess.run(self.command(ssml), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return written


# the command -------------------------------------------------------------------------------------


def _turn(chat: Chat, text: str, args, speaker: Optional[Speaker], out: TextIO, color: bool) -> None:
    reply, understood = chat.say(text)
    if args.json:
        print(
            json.dumps(
                {"said": text, "understood": understood, "request": reply.request, "response": reply.envelope},
                ensure_ascii=False,
                indent=2,
            ),
            file=out,
        )
    else:
        for line in format_reply(reply, color=color, resolution=understood):
            print(line, file=out)
    if speaker is not None:
        written = speaker.speak(reply.ssml)
        if written is not None and not args.json:
            print(_style(f"  [wav] {written}", "2", color), file=out)
    out.flush()


def run(args: argparse.Namespace, out: TextIO = None, inp: TextIO = None) -> int:
    out = out or sys.stdout
    speaker = None
    if args.speak or args.wav_dir:
        speaker = Speaker(aloud=args.speak, wav_dir=args.wav_dir)
        if not speaker.available:
            print(ESPEAK_HINT, file=sys.stderr)
            return 1
    skill_id = args.skill_id or os.environ.get("GESPREKSCOACH_SKILL_ID") or None
    send = http_sender(args.url) if args.url else None
    try:
        chat = Chat(send, model_dir=args.model, skill_id=skill_id)
    except (OSError, ValueError) as exc:
        print(
            f"chat: cannot load the interaction model ({exc}). chat needs the skill package folder with "
            "interactionModels/custom/nl-NL.json (the project's interaction_model/): pass --package DIR or "
            "set GESPREKSCOACH_MODEL_PACKAGE",
            file=sys.stderr,
        )
        return 1
    color = not args.json and out.isatty() and not os.environ.get("NO_COLOR")

    try:
        if args.say is not None:
            for text in args.say:
                if not args.json:
                    print(_style("jij> ", "1", color) + text, file=out)
                _turn(chat, text, args, speaker, out, color)
            return 0
        return _interactive(chat, args, speaker, out, inp, color)
    except ChatError as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return 1


def _interactive(chat: Chat, args, speaker, out: TextIO, inp: Optional[TextIO], color: bool) -> int:
    if inp is None:
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:  # pragma: no cover - Windows
            pass
    where = args.url or "in process"
    print(
        f"Gesprekscoach chat ({where}). Type what you would say to Alexa, for example "
        f"'help me afsluiten', 'geef een open vraag' or 'stop'.\n"
        f"An empty line opens the skill; Ctrl-D quits.",
        file=out,
    )
    while True:
        try:
            if inp is None:
                text = input(_style("jij> ", "1", color))
            else:
                line = inp.readline()
                if not line:
                    raise EOFError
                text = line.rstrip("\n")
                print(f"jij> {text}", file=out)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        try:
            _turn(chat, text, args, speaker, out, color)
        except ChatError as exc:
            print(f"chat: {exc}", file=sys.stderr)
