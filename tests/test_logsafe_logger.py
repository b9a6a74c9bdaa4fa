"""skill.logsafe.get_logger: the skill's loggers without importing ``logging`` at start-up, and the same
lines as ``logging.getLogger`` once something may be emitted."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from skill.logsafe import get_logger

REPO = Path(__file__).resolve().parents[1]


def _run(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True
    )


def test_debug_and_info_import_nothing_until_logging_is_loaded_and_a_warning_is_emitted():
    proc = _run(
        "import sys\n"
        "from skill.logsafe import get_logger\n"
        "log = get_logger('gesprekscoach.test')\n"
        "log.debug('quiet %s', 1); log.info('quiet too')\n"
        "print('logging' in sys.modules, log.isEnabledFor(10), log.isEnabledFor(30))\n"
        "log.warning('loud %s', 'now')\n"
        "print('logging' in sys.modules)\n"
    )
    assert proc.stdout.split() == ["False", "False", "True", "True"]
    assert proc.stderr.strip() == "loud now"  # logging's last-resort handler, as with logging.getLogger


def test_once_logging_is_configured_every_level_goes_to_the_real_logger_with_the_callers_line(caplog):
    log = get_logger("gesprekscoach.test")
    with caplog.at_level(logging.DEBUG, logger="gesprekscoach.test"):
        log.debug("d %s", 1)
        line = sys._getframe().f_lineno - 1
        log.info("i")
        log.warning("w")
        try:
            raise ValueError("boom")
        except ValueError as exc:
            log.exception("e %s", "x", exc_info=exc)
        assert log.isEnabledFor(logging.DEBUG)
    records = [r for r in caplog.records if r.name == "gesprekscoach.test"]
    assert [(r.levelno, r.getMessage()) for r in records] == [(10, "d 1"), (20, "i"), (30, "w"), (40, "e x")]
    assert records[0].lineno == line and records[0].pathname == __file__
    assert records[-1].exc_info and records[-1].exc_info[0] is ValueError
