"""The trainer passphrase (培训管理口令) that guards the trainer functions of the TUI.

Stored as a salted scrypt hash (:func:`hashlib.scrypt`) with its parameters in the store record
``trainer/passphrase``; never the passphrase itself. Checking compares in constant time
(:func:`hmac.compare_digest`). Every check goes through the cross-process :class:`~exam.throttle.Throttle` under the
key ``"trainer"``: the try is counted and its slot reserved under the store's lock *before* the wait, and only a right
passphrase resets the count, so quitting mid-wait or guessing from several windows or processes at once does not help.

Trainees' sign-in secrets (a roster member's 登录码, a walk-in's PIN) are hashed here too, by :func:`hash_secret`: the
same scrypt with lighter parameters (see :data:`SECRET_SCRYPT_N`).
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
from exam.throttle import TRAINER, Clock, Throttle, wall_clock

TABLE = "trainer"
HASH_KEY = "passphrase"
THROTTLE_KEY = "trainer"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32
SALT_BYTES = 16
MIN_LENGTH = 6
BASE_DELAY = TRAINER.base
MAX_DELAY = TRAINER.max_delay
SECRET_SCRYPT_N = 2**12
"""scrypt cost for trainees' codes and PINs: 4 MiB and a few milliseconds per check instead of 16 MiB, so a roster
of hundreds gets its codes at once and a room of 100 signs in together without stalling the machine. A heavier hash
would not protect a 4-digit PIN anyway (10 000 values are tried offline in seconds whatever the cost); what protects
the secrets is that the store is out of trainees' reach and that online tries are throttled (:mod:`exam.throttle`).
A 6-character code (31⁶ ≈ 8.9 × 10⁸ values) still costs about a CPU-year to search offline at this setting."""

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


def hash_passphrase(text: str, salt: bytes | None = None, n: int = SCRYPT_N) -> dict[str, Any]:
    """The record stored for a passphrase: algorithm, parameters, salt and hash (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _derive(text, salt, n, SCRYPT_R, SCRYPT_P, KEY_LENGTH)
    return {
        "algorithm": "scrypt",
        "n": n,
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


def hash_secret(text: str) -> dict[str, Any]:
    """The record stored for a trainee's code or PIN: like :func:`hash_passphrase`, at :data:`SECRET_SCRYPT_N`."""
    return hash_passphrase(text, n=SECRET_SCRYPT_N)


def matches(record: Any, text: str) -> bool:
    """Whether ``text`` hashes to the stored ``record`` (constant-time compare); a damaged record never matches."""
    if not isinstance(record, dict) or "hash" not in record:
        return False
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
    except (KeyError, TypeError, ValueError, OverflowError, MemoryError):
        return False  # a damaged record never lets anyone in
    return hmac.compare_digest(actual, expected)


def set_passphrase(store: AttemptStore, text: str, now: datetime | None = None) -> None:
    """Store a new trainer passphrase (salted scrypt hash) and clear the count of wrong tries."""
    check_passphrase_rules(text)
    record = hash_passphrase(text)
    record["set_at"] = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    store.put_record(TABLE, HASH_KEY, record)
    Throttle(store, TRAINER).reset(THROTTLE_KEY)


def has_passphrase(store: AttemptStore) -> bool:
    """Whether a trainer passphrase has been set."""
    record = store.get_record(TABLE, HASH_KEY)
    return isinstance(record, dict) and "hash" in record


def failure_count(store: AttemptStore) -> int:
    """Wrong tries (and tries being checked) since the last right one."""
    return Throttle(store, TRAINER).failures(THROTTLE_KEY)


def failure_delay(failures: int) -> float:
    """Seconds to wait before a check after ``failures`` wrong tries: 0, then 1, 2, 4, 8 … up to a minute."""
    return TRAINER.delay(failures)


def verify_passphrase(
    store: AttemptStore, text: str, sleep: Sleep = _sleep, *, clock: Clock = wall_clock, scale: float | None = None
) -> bool:
    """Whether ``text`` is the trainer passphrase, after the delay the earlier wrong tries call for.

    The try is throttled across processes (:class:`~exam.throttle.Throttle`, key ``"trainer"``): N tries at once
    take at least as long as N one after another. Returns ``False`` when no passphrase is set or its record is
    damaged. ``sleep`` and ``clock`` are injectable so tests need not wait; ``scale`` multiplies the delays
    (default ``EXAM_THROTTLE_SCALE`` or 1).

    Raises:
        exam.throttle.ThrottledError: so many tries are already waiting that this one would wait over 20 minutes.
    """
    record = store.get_record(TABLE, HASH_KEY)
    if not isinstance(record, dict) or "hash" not in record:
        return False
    throttle = Throttle(store, TRAINER, scale=scale, sleep=sleep, clock=clock)
    return throttle.attempt(THROTTLE_KEY, lambda: matches(record, text))
