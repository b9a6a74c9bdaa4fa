"""What may go into a log line. Read by the webservice's request line and the skill's own logging.

The intents where a person talks about suicide, abuse, danger or feeling very low are never logged by
name: the name alone says what someone told the skill (see the privacy statement, /privacy). Slot
values (the person's own words) are never logged at all.
"""

from __future__ import annotations

from typing import Optional

SENSITIVE_INTENTS = frozenset({"CrisisIntent", "AbuseIntent", "DangerIntent", "LowMoodIntent"})
REDACTED_INTENT = "sensitive"


def loggable_intent(name: Optional[str]) -> Optional[str]:
    """The intent name as it may be logged: sensitive ones as ``sensitive``, others cut to 64 chars."""
    if not isinstance(name, str):
        return None
    return REDACTED_INTENT if name in SENSITIVE_INTENTS else name[:64]
