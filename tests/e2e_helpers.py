"""Start ``gesprekscoach serve`` as a real process on a free port (for the process test, the chat
--url test and the virtual-alexa end-to-end tests)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

REPO = Path(__file__).resolve().parents[1]


def gesprekscoach() -> List[str]:
    """The installed console script next to this Python, else ``python -m skill.dev.cli``."""
    script = Path(sys.executable).with_name("gesprekscoach")
    if script.exists():
        return [str(script)]
    found = shutil.which("gesprekscoach")
    return [found] if found else [sys.executable, "-m", "skill.dev.cli"]


def clean_env(extra: Optional[dict] = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class ServeProcess:
    """``gesprekscoach serve --port 0 [flags]`` as a real process; .url is http://127.0.0.1:PORT.
    Used by the process test, the chat --url test and the virtual-alexa end-to-end tests."""

    def __init__(self, *flags: str, env: Optional[dict] = None, timeout: float = 30.0):
        # --port 0: the OS picks a free port; the server prints the one it got
        self.proc = subprocess.Popen(
            gesprekscoach() + ["serve", "--host", "127.0.0.1", "--port", "0", *flags],
            cwd=REPO,
            env=clean_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self._first_line(timeout=60)
        if "listening on http://" not in line:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise RuntimeError(f"gesprekscoach serve did not start: {line!r} {err}")
        self.url = line.split("listening on ", 1)[1].split()[0].rstrip("/")
        # Drain both pipes from now on: the server writes a log line per request, and a pipe nobody
        # reads fills up (64 KiB) and then blocks the server mid-request (seen as a 30 s hang).
        self._out: List[str] = [line]
        self._err: List[str] = []
        self._drains = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for drain in self._drains:
            drain.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gesprekscoach serve never became healthy")
            time.sleep(0.05)

    def _first_line(self, timeout: float) -> str:
        """The server's first line of output, without hanging if it never prints one."""
        lines: List[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not lines:
            self.proc.kill()
            raise RuntimeError(f"gesprekscoach serve printed nothing in {timeout} s")
        return lines[0]

    @staticmethod
    def _drain(pipe, into: List[str]) -> None:
        for text in iter(pipe.readline, ""):
            into.append(text)

    def stop(self):
        """Stop the server; (exit code, everything it wrote to stdout, everything to stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for drain in self._drains:
            drain.join(timeout=5)
        return self.proc.returncode, "".join(self._out), "".join(self._err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class DevServer(ServeProcess):
    """``gesprekscoach serve --dev`` (signature check off; timestamp and skill id checks on)."""

    def __init__(self, *flags: str, env: Optional[dict] = None, timeout: float = 30.0):
        super().__init__("--dev", *flags, env=env, timeout=timeout)


def virtual_alexa_model(target: Path, source: Optional[Path] = None) -> Path:
    """Our nl-NL model for virtual-alexa: the same file, with the Dutch phrases Alexa's built-in
    intents carry themselves (skill.dev.nlu.BUILTIN_PHRASES) added as samples of those built-ins.
    virtual-alexa only adds English ones ("help", "stop"), so "ja" or "annuleer" would not match."""
    import json

    from skill.dev import nlu

    source = source or nlu.model_file()
    raw = json.loads(Path(source).read_text(encoding="utf-8"))
    for intent in raw["interactionModel"]["languageModel"]["intents"]:
        samples = intent.setdefault("samples", [])
        known = {nlu.normalize(s) for s in samples}
        for phrase in nlu.BUILTIN_PHRASES.get(intent["name"], ()):
            if nlu.normalize(phrase) not in known:
                samples.append(phrase)
    target.write_text(json.dumps(raw, ensure_ascii=False, indent=2), encoding="utf-8")
    return target
