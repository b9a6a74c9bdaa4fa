"""Where a person's profile is kept between sessions (issue 9): SQLite on one host, DynamoDB on Lambda
or for several hosts. Both are ask-sdk-core persistence adapters (AbstractPersistenceAdapter), so the
skill code does not know which one runs (SQLite also offers read_record / write_record, the record as
the JSON text it keeps, which skill.memory uses when an adapter has them).

Configuration (skill.config.SkillConfig.store, ``--store``, GESPREKSCOACH_STORE):
  none              no memory between sessions
  sqlite            SQLite in the default file (see default_sqlite_path)
  sqlite:PATH       SQLite in PATH (created on first use)
  dynamodb:TABLE    the DynamoDB table TABLE (region: AWS_REGION / AWS_DEFAULT_REGION, else eu-west-1)

Records are keyed by user_key(): a SHA-256 hash of Alexa's user id, so the raw id never reaches the
store. Every stored record carries a revision (REV): a save only succeeds when the stored revision is
still the one read (compare and swap), otherwise StoreConflict, so two devices of one person cannot
overwrite each other's quiz answers (skill.memory merges and retries). This module imports neither
sqlite3 nor boto3: each adapter's module is imported only when that store is chosen.
"""

from __future__ import annotations

import os
from typing import Mapping, NamedTuple, Optional, Tuple

from ask_sdk_core.exceptions import PersistenceException

STORE_ENV = "GESPREKSCOACH_STORE"
REV = "_rev"  # the record's revision, as the adapters hand it over (not stored in the data)
RETENTION_DAYS = 365  # a record nobody used for this long is gone (DynamoDB TTL, SQLite purge)
DEFAULT_TIMEOUT = 1.0  # seconds per store call (SQLite busy wait, DynamoDB connect and read)
DEFAULT_REGION = "eu-west-1"
KINDS = ("none", "sqlite", "dynamodb")
_KEY_PREFIX = b"gesprekscoach/user/v1:"


class StoreConflict(PersistenceException):
    """The record changed since it was read (another device of the same person saved first)."""


class StoreConfigError(ValueError):
    """A --store value that does not parse."""


class StoreSpec(NamedTuple):  # not a frozen dataclass: cheaper to import at a cold start
    kind: str  # one of KINDS
    target: str = ""  # file path (sqlite) or table name (dynamodb)

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind


def default_sqlite_path(environ: Optional[Mapping[str, str]] = None) -> str:
    """$XDG_DATA_HOME/gesprekscoach/profiles.sqlite3 (XDG_DATA_HOME defaults to ~/.local/share)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "gesprekscoach", "profiles.sqlite3")


def parse_store(value: Optional[str], environ: Optional[Mapping[str, str]] = None) -> StoreSpec:
    text = (value or "none").strip()
    kind, _, target = text.partition(":")
    kind = kind.strip().lower()
    target = target.strip()
    if kind not in KINDS:
        raise StoreConfigError(f"unknown store {text!r}: use none, sqlite[:PATH] or dynamodb:TABLE")
    if kind == "none":
        return StoreSpec("none")
    if kind == "sqlite":
        return StoreSpec(
            "sqlite", os.path.abspath(os.path.expanduser(target)) if target else default_sqlite_path(environ)
        )
    if not target or not all(c.isalnum() or c in "_.-" for c in target) or not 3 <= len(target) <= 255:
        raise StoreConfigError(f"bad DynamoDB table name {target!r} (3-255 of a-z A-Z 0-9 _ . -)")
    return StoreSpec("dynamodb", target)


def user_key(request_envelope) -> str:
    """The key of a person's record: SHA-256 of Alexa's user id (never the id itself).

    Still personal data: the same user id always gives the same key, so whoever has the user id can
    find the record. It keeps the raw id out of the store and its backups, nothing more.
    """
    global _last_key, _sha256
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    user = getattr(system, "user", None) or getattr(getattr(request_envelope, "session", None), "user", None)
    user_id = getattr(user, "user_id", None)
    last = _last_key
    if last[0] is user_id:  # this request's own id (the very object): its key was made for its read
        return last[1]
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request has no user id")
    if _sha256 is None:
        _sha256 = _builtin_sha256()
    key = _sha256(_KEY_PREFIX + user_id.encode("utf-8", "surrogatepass")).hexdigest()
    _last_key = (user_id, key)
    return key


# The last key made, with the user id object it was made from: a request's read and write (and a
# re-read after a conflict) hash its id once. Compared by identity, so it only serves the request
# whose envelope holds that very string (a new request parses a new one).
_last_key: Tuple[object, str] = (object(), "")
_sha256 = None


def _builtin_sha256():
    """Python's own SHA-256 (the same digest as hashlib's): on a request among other work it takes a
    third of the time of OpenSSL's (2.5-3.5 against 5-9 µs, bench/memory.py's conversation), and it
    does not load OpenSSL's libcrypto (+3.7 MB RSS at a cold start). hashlib's when it is missing."""
    for module in ("_sha2", "_sha256"):  # Python 3.12+, 3.11
        try:
            return __import__(module).sha256
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256

    return sha256


def make_adapter(config):
    """The persistence adapter the configuration asks for (None for 'none'). Imports only its own
    store's module, so boto3 is loaded only when the store is DynamoDB."""
    spec = parse_store(config.store) if isinstance(config.store, (str, type(None))) else config.store
    if spec.kind == "sqlite":
        from skill.store.sqlite import SqliteAdapter

        return SqliteAdapter(spec.target, timeout=config.store_timeout)
    if spec.kind == "dynamodb":
        from skill.store.dynamodb import make_dynamodb_adapter

        return make_dynamodb_adapter(
            spec.target, region=config.aws_region, endpoint_url=config.dynamodb_endpoint, timeout=config.store_timeout
        )
    return None
