"""The one base class of the errors Gesprekscoach raises on purpose.

Bad data files (content, prompts, quiz, checklist), a Lambda zip that cannot be built, a chat that
cannot reach its server: each has its own class, and each derives from ``GesprekscoachError``, so a
caller can tell our own, explained failures from bugs with one ``except``. (The handlers for errors
during a request are skill.handlers.errors; this is not about those.)
"""

from __future__ import annotations


class GesprekscoachError(Exception):
    """An error of our own, with a message that says what is wrong and where."""


class DataError(GesprekscoachError, ValueError):
    """A data file of the skill is malformed or does not fit the others; the message names the place."""
