"""The documented dialogues are tested transcripts: docs/dialogues.md and the README's sample dialogues
are parsed (each "**Gebruiker:** …" line, then the "**Alexa:** …" reply) and replayed through the chat's
resolver (skill.dev.commands.chat.Chat: the sentence grammar, as `gesprekscoach chat` understands it) into a
skill seeded the way the docs were made (tests.conftest.FirstVariant(7): prompts start at their first
variant and rotate from there). Every documented reply must be what the skill says now, so the docs
cannot drift. The transcripts of `gesprekscoach chat` in the README and docs/chat.md are replayed
the same way and must be exactly the lines the chat prints.

Rules of the transcript format:
- one dialogue per "## " section of docs/dialogues.md, per "> " blockquote in the README's
  "## Sample dialogues"; each dialogue starts with a freshly built skill;
- "Alexa, open empathisch gesprek." opens the skill; "Alexa, vraag empathisch gesprek: …" is a one-shot;
  a dialogue whose first line is not an invocation starts in an opened session (launch, not shown);
- a reply is compared with the plain text of the speech; "*(sessie beëindigd)*" at its end says the
  session ends there (and its absence that it stays open);
- "…" in a documented reply elides words: the parts around it must appear in that order, the first at
  the start and the last at the end.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

from skill.builder import build_skill
from skill.dev.commands.chat import Chat, format_reply
from skill.config import SkillConfig
from skill.dev.response_check import problems
from skill.dev.runtime import dispatch
from tests.conftest import FirstVariant

REPO = Path(__file__).resolve().parents[1]
ENDED = "*(sessie beëindigd)*"
ELISION = "…"
TURN = re.compile(r"\*\*(Gebruiker|Alexa):\*\*\s*")

Dialogue = List[Tuple[str, str]]  # (what the person says, the documented reply)


def turns(text: str) -> Dialogue:
    """The (user line, reply) pairs of one dialogue's text."""
    pieces = TURN.split(text)
    marked = [(pieces[i], " ".join(pieces[i + 1].split())) for i in range(1, len(pieces) - 1, 2)]
    out: Dialogue = []
    for (who, line), (next_who, reply) in zip(marked, marked[1:]):
        if who == "Gebruiker":
            assert next_who == "Alexa", f"a user line without a reply: {line!r}"
            out.append((line, reply))
    assert len(out) * 2 == len(marked), f"unpaired turns in {text[:80]!r}"
    return out


def dialogues_doc() -> List[Tuple[str, Dialogue]]:
    text = (REPO / "docs" / "dialogues.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    return [(f"dialogues.md: {s.splitlines()[0]}", turns(s)) for s in sections]


def readme_samples() -> List[Tuple[str, Dialogue]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Sample dialogues\n", 1)[1].split("\n## ", 1)[0]
    quotes, current = [], []
    for line in section.splitlines() + [""]:
        if line.startswith(">"):
            current.append(line[1:].strip())
        elif current:
            quotes.append(" ".join(current))
            current = []
    return [(f"README sample {n + 1}", turns(q)) for n, q in enumerate(quotes)]


DIALOGUES = dialogues_doc() + readme_samples()


def matches(documented: str, said: str) -> bool:
    parts = [p.strip() for p in documented.split(ELISION)]
    if len(parts) == 1:
        return documented == said
    if not (said.startswith(parts[0]) and said.endswith(parts[-1])):
        return False
    pos = len(parts[0])
    for part in parts[1:-1]:
        found = said.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return pos <= len(said) - len(parts[-1])


def replay(dialogue: Dialogue):
    """Yield (user line, documented reply, what the skill said) for every turn."""
    skill = build_skill(SkillConfig(rng=FirstVariant(7)))

    def send(envelope):
        response = dispatch(skill, envelope)
        assert not problems(response), f"invalid response for Alexa: {problems(response)}"
        return response

    chat = Chat(send)
    if chat.resolver.parse_invocation(dialogue[0][0]) is None:
        chat.say("")
    for user, documented in dialogue:
        reply, understood = chat.say(user)
        said = reply.speech + (" " + ENDED if reply.ended else "")
        yield user, documented, said, understood


def test_the_docs_hold_dialogues():
    names = [name for name, _ in DIALOGUES]
    assert len([n for n in names if n.startswith("dialogues.md")]) >= 4
    assert len([n for n in names if n.startswith("README")]) >= 2
    assert all(len(d) >= 3 for _, d in DIALOGUES), names


@pytest.mark.parametrize("dialogue", [d for _, d in DIALOGUES], ids=[n for n, _ in DIALOGUES])
def test_documented_dialogue_is_what_the_skill_says(dialogue):
    for user, documented, said, understood in replay(dialogue):
        assert matches(documented, said), (
            f"\nuser:       {user!r} [{understood}]\ndocumented: {documented}\nskill says: {said}"
        )


def test_elision_matching():
    assert matches("Stap 1. … Stap 4. Klaar?", "Stap 1. Stap 2. Stap 3. Stap 4. Klaar?")
    assert not matches("Stap 1. … Stap 4. Klaar?", "Stap 1. Stap 2. Klaar?")
    assert not matches("Stap 1. … Stap 1.", "Stap 1.")
    assert not matches("Ja.", "Ja. *(sessie beëindigd)*")
    assert matches("Vraag 3 van 5. …", "Vraag 3 van 5. Een stelling.")


# `gesprekscoach chat` transcripts (```text blocks of "jij>" lines) in the README and docs/chat.md --------


def chat_transcripts() -> List[Tuple[str, List[str]]]:
    out = []
    for name in ("README.md", "docs/chat.md"):
        text = (REPO / name).read_text(encoding="utf-8")
        for n, block in enumerate(re.findall(r"```text\n(jij>.*?)```", text, flags=re.S)):
            out.append((f"{name} chat {n + 1}", block.rstrip("\n").split("\n")))
    return out


CHAT_TRANSCRIPTS = chat_transcripts()


def test_the_docs_hold_chat_transcripts():
    assert [name for name, _ in CHAT_TRANSCRIPTS] == ["README.md chat 1", "docs/chat.md chat 1"]


@pytest.mark.parametrize("lines", [t for _, t in CHAT_TRANSCRIPTS], ids=[n for n, _ in CHAT_TRANSCRIPTS])
def test_documented_chat_transcript_is_what_chat_prints(lines):
    """Exactly the lines `gesprekscoach chat` prints (what was understood, the speech with its pauses,
    the card, the end of the session), for each "jij>" line."""
    chat = Chat(build_skill(SkillConfig(rng=FirstVariant(7))))
    printed: List[str] = []
    for line in lines:
        if line.startswith("jij>"):
            said = line[len("jij>") :].strip()
            reply, understood = chat.say(said)
            printed += [line] + format_reply(reply, resolution=understood)
    assert printed == lines
