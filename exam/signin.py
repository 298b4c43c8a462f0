"""Trainee sign-in with a secret: a roster member's 登录码, or a PIN chosen at the first sign-in.

Two ways a training runs:

* **With a roster** (``exam roster import``): each member gets a sign-in code of :data:`CODE_LENGTH` characters
  from :data:`CODE_ALPHABET` (no 0/O, 1/I/L look-alikes), drawn with :mod:`secrets`. Only its salted hash is kept, so
  the plain codes exist once: on the slips written when they are issued (``exam roster codes -o``); issuing again
  replaces them.
* **Without a roster** (or a 考号 that has no code): the first sign-in with a 考号 sets a PIN of 4–6 digits, typed
  twice; later sign-ins need it; a trainer clears it with ``exam roster reset-pin``.

The secrets live in the store table ``signin`` under the 考号: ``{"kind": "code"|"pin", "name", "set_at"}`` plus the
scrypt record of :func:`exam.trainer.auth.hash_secret`. A known 考号 (on the roster, with a secret, or with attempts)
typed with another name is refused before any secret is checked. Every check is throttled across processes per
考号 (:mod:`exam.throttle`, keys ``code:<考号>`` and ``pin:<考号>``).

Only :func:`sign_in` and :func:`set_first_pin` make a :class:`SignedIn`; the app keeps that as the one identity its
screens use to reach a trainee's attempts, history and 错题本.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exam.errors import ExamError
from exam.i18n import t
from exam.models import Trainee
from exam.store.base import AttemptStore
from exam.throttle import TRAINEE, Throttle
from exam.trainer.auth import hash_secret, matches

SECRETS_TABLE = "signin"
ROSTER_TABLE = "roster"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without the look-alikes 0/O, 1/I/L (31 characters, so a code carries ~29.7 bits)."""
CODE_LENGTH = 6
PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
CODE = "code"
PIN = "pin"


@dataclass(frozen=True)
class SignedIn:
    """A trainee whose secret was checked by :func:`sign_in` (or who just set their PIN); ``via`` is ``"code"`` or
    ``"pin"``."""

    trainee: Trainee
    via: str


class SignInError(ExamError):
    """Sign-in refused; the message says why and what to do."""


class NameMismatchError(SignInError):
    """The 考号 belongs to a trainee with another name."""


class SecretMissingError(SignInError):
    """No code or PIN was typed."""


class WrongSecretError(SignInError):
    """The code or PIN is wrong; ``wait`` is how many seconds the next try will wait at least."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class PinNotSetError(SignInError):
    """This 考号 has no secret yet: the trainee chooses a PIN (:func:`set_first_pin`)."""


class PinRuleError(SignInError):
    """A PIN that is not 4–6 digits, or the two typings differ."""


def same_name(a: str, b: str) -> bool:
    """Whether two spellings are the same name: NFKC, spaces dropped, case folded (全角/半角 alike)."""

    def key(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return key(a) == key(b)


def normalise_code(text: str) -> str:
    """A typed code as stored: NFKC (full-width letters), upper case, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()


def normalise_pin(text: str) -> str:
    """A typed PIN as stored: NFKC (full-width digits), spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def new_code() -> str:
    """A fresh sign-in code: :data:`CODE_LENGTH` characters drawn with :func:`secrets.choice`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def secret_kind(store: AttemptStore, trainee_id: str) -> str | None:
    """``"code"`` or ``"pin"`` when the 考号 has a secret, else ``None``."""
    record = store.get_record(SECRETS_TABLE, trainee_id)
    kind = record.get("kind") if isinstance(record, dict) and "hash" in record else None
    return kind if kind in (CODE, PIN) else None


def codes_needed(store: AttemptStore, members: Iterable[Trainee]) -> list[Trainee]:
    """The members who have no sign-in code yet (none issued, or only a PIN)."""
    return [m for m in members if secret_kind(store, m.id) != CODE]


def new_codes(members: Iterable[Trainee]) -> list[tuple[Trainee, str]]:
    """A fresh code for each member, not stored yet (see :func:`store_codes`)."""
    return [(member, new_code()) for member in members]


def store_codes(store: AttemptStore, issued: Iterable[tuple[Trainee, str]], now: datetime) -> int:
    """Keep the hash of each member's new code (replacing any code or PIN they had); returns how many.

    The plain codes are not kept: the caller writes them on slips *before* calling this, so a failed write never
    leaves trainees with codes nobody can read. Each member's throttle count starts again.
    """
    throttle = Throttle(store, TRAINEE)
    count = 0
    for member, code in issued:
        record = hash_secret(code)
        record.update(kind=CODE, name=member.name, set_at=now.isoformat(timespec="seconds"))
        store.put_record(SECRETS_TABLE, member.id, record)
        throttle.reset(f"{CODE}:{member.id}")
        count += 1
    return count


def reset_pin(store: AttemptStore, trainee_id: str) -> bool:
    """Clear the PIN of ``trainee_id`` so the next sign-in sets a new one; ``False`` if it had none.

    A roster code is left alone (reissue it with ``exam roster codes --trainee``).
    """
    if secret_kind(store, trainee_id) != PIN:
        return False
    store.put_record(SECRETS_TABLE, trainee_id, None)
    Throttle(store, TRAINEE).reset(f"{PIN}:{trainee_id}")
    return True


def _roster_member(store: AttemptStore, trainee_id: str) -> dict[str, Any] | None:
    record = store.get_record(ROSTER_TABLE, trainee_id)
    return record if isinstance(record, dict) and isinstance(record.get("name"), str) else None


def _registered_name(store: AttemptStore, trainee_id: str, known_name: str | None) -> str | None:
    member = _roster_member(store, trainee_id)
    if member is not None:
        return str(member["name"])
    record = store.get_record(SECRETS_TABLE, trainee_id)
    if isinstance(record, dict) and isinstance(record.get("name"), str):
        return str(record["name"])
    return known_name


def _check_name(store: AttemptStore, trainee: Trainee, known_name: str | None) -> Trainee:
    """The trainee as registered (roster spelling and, where the form is blank, its 单位/职务); refuses another
    name."""
    registered = _registered_name(store, trainee.id, known_name)
    if registered is not None and not same_name(registered, trainee.name):
        raise NameMismatchError(t("signin.name_mismatch", id=trainee.id))
    member = _roster_member(store, trainee.id)
    if member is None:
        return trainee
    return Trainee(
        name=str(member["name"]),
        id=trainee.id,
        unit=trainee.unit or str(member.get("unit", "")),
        position=trainee.position or str(member.get("position", "")),
    )


def sign_in(
    store: AttemptStore, trainee: Trainee, secret: str, known_name: str | None = None, throttle: Throttle | None = None
) -> SignedIn:
    """Check the trainee's code or PIN and return their identity.

    Args:
        trainee: what the form holds (name and 考号 required).
        secret: the 登录码 or PIN as typed.
        known_name: the name on the trainee's earlier attempts, if any (a 考号 used before secrets existed).
        throttle: the throttle to go through (tests pass a scaled one); default :data:`exam.throttle.TRAINEE`.

    Raises:
        NameMismatchError: the 考号 is registered with another name (nothing is checked or counted).
        PinNotSetError: the 考号 has no secret yet: ask for a new PIN and call :func:`set_first_pin`.
        SecretMissingError: nothing typed in the secret field.
        WrongSecretError: the secret is wrong (counted; ``wait`` says how long the next try waits).
        exam.throttle.ThrottledError: too many tries are waiting for this 考号.
    """
    who = _check_name(store, trainee, known_name)
    record = store.get_record(SECRETS_TABLE, trainee.id)
    kind = secret_kind(store, trainee.id)
    if kind is None:
        raise PinNotSetError(t("signin.pin_not_set"))
    if not secret.strip():
        raise SecretMissingError(t(f"signin.need_{kind}"))
    typed = normalise_code(secret) if kind == CODE else normalise_pin(secret)
    throttle = throttle or Throttle(store, TRAINEE)
    key = f"{kind}:{trainee.id}"
    if not throttle.attempt(key, lambda: matches(record, typed)):
        wait = throttle.next_delay(key)
        raise WrongSecretError(t(f"signin.wrong_{kind}", seconds=max(1, round(wait))), wait)
    return SignedIn(who, kind)


def check_pin_rules(pin: str, again: str) -> str:
    """The PIN as stored, if it is 4–6 digits typed the same twice.

    Raises:
        PinRuleError: not 4–6 digits, or the two typings differ.
    """
    first, second = normalise_pin(pin), normalise_pin(again)
    if not PIN_PATTERN.match(first):
        raise PinRuleError(t("signin.pin_rule"))
    if first != second:
        raise PinRuleError(t("signin.pin_mismatch"))
    return first


def set_first_pin(
    store: AttemptStore, trainee: Trainee, pin: str, again: str, now: datetime, known_name: str | None = None
) -> SignedIn:
    """Set the PIN of a 考号 that has no secret yet and sign the trainee in.

    The record is created under the store's lock only if still absent, so two windows racing for one 考号 end with
    one PIN.

    Raises:
        NameMismatchError: the 考号 is registered with another name.
        PinRuleError: not 4–6 digits, or the two typings differ.
        SignInError: the 考号 got a code or PIN meanwhile (sign in with that).
    """
    who = _check_name(store, trainee, known_name)
    typed = check_pin_rules(pin, again)
    record = hash_secret(typed)
    record.update(kind=PIN, name=who.name, set_at=now.isoformat(timespec="seconds"))
    created: list[bool] = []

    def create(old: Any) -> Any:
        if isinstance(old, dict) and "hash" in old:
            created.append(False)
            return old
        created.append(True)
        return record

    store.update_record(SECRETS_TABLE, trainee.id, create)
    if not created[0]:
        raise SignInError(t("signin.pin_taken"))
    return SignedIn(who, PIN)
