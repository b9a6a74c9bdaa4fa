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
from typing import Callable, Dict, Optional, Tuple

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.store import DEFAULT_TIMEOUT, RETENTION_DAYS, REV, StoreConflict, user_key

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS profiles ("
    "key TEXT PRIMARY KEY, rev INTEGER NOT NULL, data TEXT NOT NULL, expires INTEGER NOT NULL)"
)
_READ = "SELECT rev, data, expires FROM profiles WHERE key = ?"
_INSERT = "INSERT INTO profiles (key, rev, data, expires) VALUES (?, 1, ?, ?) ON CONFLICT (key) DO NOTHING"
_UPDATE = "UPDATE profiles SET rev = rev + 1, data = ?, expires = ? WHERE key = ? AND rev = ?"
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
        if getattr(local, "conn", None) is not None and local.pid == _pid:
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
        local.conn, local.pid = conn, _pid
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # the record as text (what skill.memory uses: no JSON round trip it would only undo) ------------
    def read_record(self, request_envelope) -> Tuple[Optional[int], Optional[str]]:
        """(revision, the stored JSON text): (None, None) when there is no row, (revision, None) when
        the row expired (the caller starts afresh and may overwrite it)."""
        key = self.keygen(request_envelope)
        try:
            row = self._connect().execute(_READ, (key,)).fetchone()
        except (sqlite3.Error, OSError) as exc:  # locked, busy, disk I/O, corrupt file, no folder ...
            raise _failed("read", exc) from exc
        if row is None:
            return None, None
        rev, data, expires = row
        return rev, (data if expires >= self.clock() else None)

    def write_record(self, request_envelope, data: str, expected: Optional[int]) -> int:
        """Write the JSON text if the stored revision is still `expected` (None: if there is no row
        yet); the new revision. Else StoreConflict: never a blind overwrite."""
        key = self.keygen(request_envelope)
        expires = int(self.clock()) + self.retention
        try:
            conn = self._connect()
            if expected is None:
                changed = conn.execute(_INSERT, (key, data, expires)).rowcount
            else:
                changed = conn.execute(_UPDATE, (data, expires, key, int(expected))).rowcount
        except (sqlite3.Error, OSError) as exc:
            raise _failed("write", exc) from exc
        if changed != 1:
            raise StoreConflict("the record changed since it was read")
        return 1 if expected is None else int(expected) + 1

    # AbstractPersistenceAdapter -------------------------------------------------------------------
    def get_attributes(self, request_envelope) -> Dict[str, object]:
        """The stored record with its revision under REV; {} when there is none. An expired or
        unreadable row gives only its revision (the caller starts afresh and may overwrite it)."""
        rev, data = self.read_record(request_envelope)
        if rev is None:
            return {}
        if data is None:
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
        data = json.dumps(
            {k: v for k, v in attributes.items() if k != REV},
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        attributes[REV] = self.write_record(request_envelope, data, attributes.get(REV))

    def delete_attributes(self, request_envelope) -> None:
        key = self.keygen(request_envelope)
        try:
            self._connect().execute("DELETE FROM profiles WHERE key = ?", (key,))
        except (sqlite3.Error, OSError) as exc:
            raise _failed("delete", exc) from exc


# This process's id, renewed in a child after a fork: a connection is used only by the process (and
# thread) that opened it, without asking the system for the process id on every call.
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _failed(what: str, exc: BaseException) -> PersistenceException:
    return PersistenceException(f"SQLite {what} failed: {type(exc).__name__}: {exc}")
