"""What may go into a log line. Read by the webservice's request line and the skill's own logging.

The intents where a person talks about suicide, abuse, danger or feeling very low are never logged by
name: the name alone says what someone told the skill (see the privacy statement, /privacy). Slot
values (the person's own words) are never logged at all.
"""

from __future__ import annotations

import sys
from typing import Optional

SENSITIVE_INTENTS = frozenset({"CrisisIntent", "AbuseIntent", "DangerIntent", "LowMoodIntent"})
REDACTED_INTENT = "sensitive"


def loggable_intent(name: Optional[str]) -> Optional[str]:
    """The intent name as it may be logged: sensitive ones as ``sensitive``, others cut to 64 chars."""
    if not isinstance(name, str):
        return None
    return REDACTED_INTENT if name in SENSITIVE_INTENTS else name[:64]


# The skill's loggers, without importing ``logging`` at start-up (about 3 ms of a Lambda cold start):
# until something imports and configures logging, the root logger is at WARNING and nothing below it
# is emitted, so a debug or info line is a no-op then, exactly as ``logging`` itself would make it.
# A warning or an error (or any line once logging is loaded, as the Lambda runtime and the
# webservice load it) goes to the real logger of that name.
DEBUG, INFO, WARNING, ERROR = 10, 20, 30, 40


class LazyLogger:
    """``logging.getLogger(name)``, imported when a line may be emitted (same names, levels, records)."""

    __slots__ = ("name", "_logger")

    def __init__(self, name: str):
        self.name = name
        self._logger = None

    def _real(self):
        if self._logger is None:
            import logging

            self._logger = logging.getLogger(self.name)
        return self._logger

    def isEnabledFor(self, level: int) -> bool:
        if self._logger is None and "logging" not in sys.modules:
            return level >= WARNING  # unconfigured logging: the root logger's default level
        return self._real().isEnabledFor(level)

    def _log(self, level: int, msg, args, kwargs) -> None:
        if self.isEnabledFor(level):
            kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 2  # the caller's line, not this one
            self._real().log(level, msg, *args, **kwargs)

    def debug(self, msg, *args, **kwargs) -> None:
        self._log(DEBUG, msg, args, kwargs)

    def info(self, msg, *args, **kwargs) -> None:
        self._log(INFO, msg, args, kwargs)

    def warning(self, msg, *args, **kwargs) -> None:
        self._log(WARNING, msg, args, kwargs)

    def error(self, msg, *args, **kwargs) -> None:
        self._log(ERROR, msg, args, kwargs)

    def exception(self, msg, *args, exc_info=True, **kwargs) -> None:
        self._log(ERROR, msg, args, dict(kwargs, exc_info=exc_info))


def get_logger(name: str) -> LazyLogger:
    return LazyLogger(name)
