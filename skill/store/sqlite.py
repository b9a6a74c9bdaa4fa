"""SQLite store: one file, one table, for the webservice on one host (several gunicorn workers and
threads included).

- The file and its folder are created on first use (not at start-up), private to the skill's user
  (file 0600; a new folder 0700).
- WAL mode: readers never wait for the writer; one writer at a time, others wait up to `timeout`
  seconds (SQLite's busy timeout) and then the call fails with PersistenceException: the skill
  answers that turn without memory.
- One connection per process and thread (connections are not shared across a fork or threads).
- Every save is a compare and swap on the row's revision, in one statement: no lost update between
  workers or devices (StoreConflict when the row changed since it was read).
- Rows unused for RETENTION_DAYS read as absent and are purged when a process first opens the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from typing import Callable, Dict

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.store import DEFAULT_TIMEOUT, RETENTION_DAYS, REV, StoreConflict, user_key

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS profiles ("
    "key TEXT PRIMARY KEY, rev INTEGER NOT NULL, data TEXT NOT NULL, expires INTEGER NOT NULL)"
)
_DAY = 86400


class SqliteAdapter(AbstractPersistenceAdapter):
    def __init__(
        self,
        path: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        keygen: Callable = user_key,
        retention_days: int = RETENTION_DAYS,
        clock: Callable[[], float] = time.time,
    ):
        self.path = path
        self.timeout = timeout
        self.keygen = keygen
        self.retention = retention_days * _DAY
        self.clock = clock
        self._local = threading.local()

    # connection ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "conn", None) is not None and local.pid == os.getpid():
            return local.conn
        folder = os.path.dirname(self.path)
        if folder:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        # Readable by the skill's user only (SQLite gives its -wal and -shm files the same mode).
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, no fsync per turn
            conn.execute(_SCHEMA)
            conn.execute("DELETE FROM profiles WHERE expires < ?", (int(self.clock()),))
        except BaseException:
            conn.close()
            raise
        local.conn, local.pid = conn, os.getpid()
        return conn

    def _run(self, what: str, action):
        try:
            return action(self._connect())
        except sqlite3.Error as exc:  # locked, busy, disk I/O, corrupt file, ...
            raise PersistenceException(f"SQLite {what} failed: {type(exc).__name__}: {exc}") from exc
        except OSError as exc:  # the folder cannot be made
            raise PersistenceException(f"SQLite {what} failed: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # AbstractPersistenceAdapter -------------------------------------------------------------------
    def get_attributes(self, request_envelope) -> Dict[str, object]:
        """The stored record with its revision under REV; {} when there is none. An expired or
        unreadable row gives only its revision (the caller starts afresh and may overwrite it)."""
        key = self.keygen(request_envelope)
        row = self._run(
            "read", lambda c: c.execute("SELECT rev, data, expires FROM profiles WHERE key = ?", (key,)).fetchone()
        )
        if row is None:
            return {}
        rev, data, expires = row
        if expires < self.clock():
            return {REV: rev}
        try:
            attributes = json.loads(data)
        except ValueError:
            attributes = None
        if not isinstance(attributes, dict):
            return {REV: rev, "v": None}  # damaged: reads as an unknown version
        attributes[REV] = rev
        return attributes

    def save_attributes(self, request_envelope, attributes) -> None:
        """Write the record if its stored revision is still attributes[REV] (or, without REV, if
        there is no row yet); set attributes[REV] to the new revision. Else StoreConflict."""
        key = self.keygen(request_envelope)
        expected = attributes.get(REV)
        data = json.dumps(
            {k: v for k, v in attributes.items() if k != REV},
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        expires = int(self.clock()) + self.retention
        if expected is None:
            changed = self._run(
                "write",
                lambda c: (
                    c.execute(
                        "INSERT INTO profiles (key, rev, data, expires) VALUES (?, 1, ?, ?) "
                        "ON CONFLICT (key) DO NOTHING",
                        (key, data, expires),
                    ).rowcount
                ),
            )
            new_rev = 1
        else:
            changed = self._run(
                "write",
                lambda c: (
                    c.execute(
                        "UPDATE profiles SET rev = rev + 1, data = ?, expires = ? WHERE key = ? AND rev = ?",
                        (data, expires, key, int(expected)),
                    ).rowcount
                ),
            )
            new_rev = int(expected) + 1
        if changed != 1:
            raise StoreConflict("the record changed since it was read")
        attributes[REV] = new_rev

    def delete_attributes(self, request_envelope) -> None:
        key = self.keygen(request_envelope)
        self._run("delete", lambda c: c.execute("DELETE FROM profiles WHERE key = ?", (key,)))
