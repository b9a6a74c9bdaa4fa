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
