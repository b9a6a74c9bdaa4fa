"""Reading the package's data files (content, quiz, checklist, prompts).

Plain file paths next to this module: importlib.resources would pull zipfile and friends into every
Lambda cold start, and the package is always installed as files (pip, the Lambda zip, a checkout).
"""

from __future__ import annotations

import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def path(*parts: str) -> str:
    return os.path.join(PACKAGE_DIR, *parts)


def read_text(*parts: str) -> str:
    with open(path(*parts), encoding="utf-8") as handle:
        return handle.read()


def listdir(*parts: str):
    return sorted(os.listdir(path(*parts)))


class Deferred:
    """A value loaded on first use and kept: Deferred(load_bank, content).get() calls load_bank(content)
    once (the Lambda entry's skill loads the quiz bank and the checklist on the first request that
    needs them; see skill.builder). An exception is not kept: the next get() tries again."""

    __slots__ = ("_load", "_args", "_value", "_done")

    def __init__(self, load, *args):
        self._load = load
        self._args = args
        self._value = None
        self._done = False

    def get(self):
        if not self._done:
            self._value = self._load(*self._args)
            self._done = True
        return self._value
