"""The trainer passphrase (培训管理口令) that guards the trainer functions of the TUI.

Stored as a salted scrypt hash (:func:`hashlib.scrypt`) with its parameters in the store record
``trainer/passphrase``; never the passphrase itself. Checking compares in constant time
(:func:`hmac.compare_digest`). Wrong tries are counted in ``trainer/passphrase_failures``, which survives a
restart, and every check first waits :func:`failure_delay` of that count, so guessing gets slower and slower.
The count is raised *before* the wait and reset only by a right passphrase, so quitting mid-wait or guessing from
several windows at once does not help.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from exam.errors import ExamError
from exam.i18n import t
from exam.store.base import AttemptStore

TABLE = "trainer"
HASH_KEY = "passphrase"
FAILURES_KEY = "passphrase_failures"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32
SALT_BYTES = 16
MIN_LENGTH = 6
BASE_DELAY = 1.0
MAX_DELAY = 60.0

Sleep = Callable[[float], None]


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so a test (or the TUI) can replace time.sleep


class PassphraseError(ExamError):
    """A passphrase that cannot be set (too short, blank)."""


def _normalise(text: str) -> bytes:
    # The same passphrase typed with a different input method (full-width letters, composed characters) matches.
    return unicodedata.normalize("NFKC", text).encode("utf-8")


def _derive(text: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(_normalise(text), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * 1024 * 1024)


def hash_passphrase(text: str, salt: bytes | None = None) -> dict[str, Any]:
    """The record stored for a passphrase: algorithm, parameters, salt and hash (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _derive(text, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH)
    return {
        "algorithm": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "length": KEY_LENGTH,
        "salt": salt.hex(),
        "hash": digest.hex(),
    }


def check_passphrase_rules(text: str) -> None:
    """Raise :class:`PassphraseError` unless ``text`` is an acceptable passphrase."""
    if not text.strip():
        raise PassphraseError(t("auth.blank"))
    if len(text) < MIN_LENGTH:
        raise PassphraseError(t("auth.too_short", count=MIN_LENGTH))


def set_passphrase(store: AttemptStore, text: str, now: datetime | None = None) -> None:
    """Store a new trainer passphrase (salted scrypt hash) and clear the count of wrong tries."""
    check_passphrase_rules(text)
    record = hash_passphrase(text)
    record["set_at"] = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    store.put_record(TABLE, HASH_KEY, record)
    store.put_record(TABLE, FAILURES_KEY, 0)


def has_passphrase(store: AttemptStore) -> bool:
    """Whether a trainer passphrase has been set."""
    record = store.get_record(TABLE, HASH_KEY)
    return isinstance(record, dict) and "hash" in record


def failure_count(store: AttemptStore) -> int:
    """Wrong tries since the last right one."""
    value = store.get_record(TABLE, FAILURES_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def failure_delay(failures: int) -> float:
    """Seconds to wait before a check after ``failures`` wrong tries: 0, then 1, 2, 4, 8 … up to a minute."""
    if failures <= 0:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2.0 ** min(failures - 1, 16))


def verify_passphrase(store: AttemptStore, text: str, sleep: Sleep = _sleep) -> bool:
    """Whether ``text`` is the trainer passphrase, after the delay the earlier wrong tries call for.

    Returns ``False`` when no passphrase is set. ``sleep`` is injectable so tests need not wait.
    """
    record = store.get_record(TABLE, HASH_KEY)
    if not isinstance(record, dict) or "hash" not in record:
        return False
    failures = failure_count(store)
    store.put_record(TABLE, FAILURES_KEY, failures + 1)  # counted before the wait: see the module docstring
    delay = failure_delay(failures)
    if delay:
        sleep(delay)
    try:
        expected = bytes.fromhex(record["hash"])
        actual = _derive(
            text,
            bytes.fromhex(record["salt"]),
            int(record["n"]),
            int(record["r"]),
            int(record["p"]),
            int(record.get("length", len(expected))),
        )
    except (KeyError, TypeError, ValueError):
        return False  # a damaged record never lets anyone in
    if hmac.compare_digest(actual, expected):
        store.put_record(TABLE, FAILURES_KEY, 0)
        return True
    return False
