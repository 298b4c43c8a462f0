"""A brute-force throttle that holds across processes: each wrong secret makes the next try wait longer.

Every try at a secret (the trainer passphrase, a trainee's 登录码 or PIN, later a browser address) goes through
:meth:`Throttle.attempt` with a key naming what is guessed (``"trainer"``, ``"code:<考号>"``, ``"pin:<考号>"``,
``"room:<address>"``). The key's record ``{"failures": n, "not_before": t}`` lives in the store table ``throttle`` and
is changed only by :meth:`~exam.store.base.AttemptStore.update_record`, under the store's lock, so windows, browser
sessions and CLI processes all see one counter.

A try *reserves its slot* under the lock before it checks anything::

    slot        = max(now, not_before) + scale × delay(failures)
    delay(0)    = 0
    delay(n)    = min(max_delay, base × 2 ** (n − 1))      # base 1 s: 1, 2, 4, 8 … seconds
    failures   += 1; not_before = slot                     # counted before the check

then sleeps until its slot (outside the lock) and only then compares the secret. A right secret sets ``failures``
back to 0. Because slots are handed out one after another, N tries started at once end no sooner than the same N
tries made one by one: the 20 tries that took 1.5 s in parallel with the old read-modify-write now take the sum of
their delays (with the trainer policy 0 + 1 + 2 + … + 32 + 13 × 60 s ≈ 14 minutes). Quitting during the wait does not
help either: the failure is already counted.

A try whose slot would lie more than ``max_queue`` seconds ahead is refused at once (:class:`ThrottledError`,
saying how long to wait) without checking the secret, so a flood of guesses cannot push the rightful owner's next
try hours away. ``scale`` (``EXAM_THROTTLE_SCALE``, default 1) multiplies every delay; tests use a tiny scale so the
proportions hold while the waits stay short. It gives nobody anything new: a person who can set the environment of
an ``exam`` process can read the store's hashes directly (see docs/security.md).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exam.errors import ExamError
from exam.i18n import t
from exam.store.base import AttemptStore

TABLE = "throttle"
SCALE_ENV = "EXAM_THROTTLE_SCALE"

Sleep = Callable[[float], None]
Clock = Callable[[], float]


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so a test can replace time.sleep


def wall_clock() -> float:
    return time.time()  # the wall clock: the one clock every process on the machine shares


@dataclass(frozen=True)
class Policy:
    """How fast the delay grows: ``base`` seconds after the first wrong try, doubling, at most ``max_delay``;
    a try whose slot lies more than ``max_queue`` seconds ahead is refused (all before scaling)."""

    base: float = 1.0
    max_delay: float = 60.0
    max_queue: float = 20 * 60.0

    def delay(self, failures: int) -> float:
        """Seconds a try waits after ``failures`` wrong tries (unscaled): 0, then base, 2 × base … max_delay."""
        if failures <= 0:
            return 0.0
        return min(self.max_delay, self.base * 2.0 ** min(failures - 1, 32))


TRAINER = Policy(base=1.0, max_delay=60.0)
"""The trainer passphrase: a long secret, so a minute at most between tries."""
TRAINEE = Policy(base=1.0, max_delay=300.0, max_queue=60 * 60.0)
"""A trainee's PIN has only 10 000–1 000 000 values: up to five minutes between tries (a 4-digit PIN takes weeks
to find); a trainee who mistypes twice waits 1 and 2 seconds. A flood of guesses can hold one 考号's next try off for
an hour at most; a trainer's PIN reset or code reissue clears its count at once."""


class ThrottledError(ExamError):
    """Too many tries are waiting for this key: try again in ``seconds``; the secret was not checked."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(t("throttle.wait", seconds=math.ceil(seconds)))


def scale_from_env() -> float:
    """``EXAM_THROTTLE_SCALE`` as a positive number, else 1 (an unusable value never switches the throttle off)."""
    try:
        value = float(os.environ.get(SCALE_ENV, "1"))
    except ValueError:
        return 1.0
    return value if math.isfinite(value) and value > 0 else 1.0


def _state(value: Any) -> tuple[int, float]:
    if not isinstance(value, dict):
        return 0, 0.0
    failures = value.get("failures")
    not_before = value.get("not_before")
    count = failures if isinstance(failures, int) and not isinstance(failures, bool) and failures > 0 else 0
    if isinstance(not_before, (int, float)) and not isinstance(not_before, bool) and math.isfinite(not_before):
        return count, float(not_before)
    return count, 0.0


class Throttle:
    """Tries at secrets, slowed down per key across processes (see the module docstring for the rule)."""

    def __init__(
        self,
        store: AttemptStore,
        policy: Policy = TRAINEE,
        scale: float | None = None,
        sleep: Sleep = _sleep,
        clock: Clock = wall_clock,
    ) -> None:
        self.store = store
        self.policy = policy
        self.scale = scale_from_env() if scale is None else scale
        self.sleep = sleep
        self.clock = clock

    def failures(self, key: str) -> int:
        """Wrong tries (and tries still being checked) for ``key`` since the last right one."""
        return _state(self.store.get_record(TABLE, key))[0]

    def next_delay(self, key: str) -> float:
        """Seconds (scaled) the next try for ``key`` will wait at least, for a message after a wrong try."""
        return self.scale * self.policy.delay(self.failures(key))

    def reserve(self, key: str) -> float:
        """Count a try for ``key`` and reserve its slot; returns the seconds to wait before checking.

        Raises:
            ThrottledError: the slot would lie more than ``max_queue`` (scaled) ahead; nothing is counted.
        """
        limit = self.scale * self.policy.max_queue
        outcome: dict[str, float] = {}

        def take(value: Any) -> Any:
            failures, not_before = _state(value)
            now = self.clock()
            if not_before - now > limit + self.scale * self.policy.max_delay:
                not_before = now  # the wall clock went back: no queue can be that long
            start = max(now, not_before)
            if start - now > limit:
                outcome["refused"] = start - now - limit
                return value
            slot = start + self.scale * self.policy.delay(failures)
            outcome["wait"] = slot - now
            return {"failures": failures + 1, "not_before": slot}

        self.store.update_record(TABLE, key, take)
        if "refused" in outcome:
            raise ThrottledError(outcome["refused"])
        return outcome["wait"]

    def succeeded(self, key: str) -> None:
        """A right secret: the count for ``key`` starts again from 0 (tries already queued keep their slots)."""

        def clear(value: Any) -> Any:
            return {"failures": 0, "not_before": _state(value)[1]}

        self.store.update_record(TABLE, key, clear)

    def reset(self, key: str) -> None:
        """Forget every try for ``key`` (a trainer reset the secret)."""
        self.store.put_record(TABLE, key, {"failures": 0, "not_before": 0.0})

    def attempt(self, key: str, check: Callable[[], bool]) -> bool:
        """Reserve a slot for ``key``, wait for it, then run ``check``; a ``True`` result resets the count.

        Raises:
            ThrottledError: too many tries are queued for ``key`` (``check`` is not run).
        """
        wait = self.reserve(key)
        if wait > 0:
            self.sleep(wait)
        if check():
            self.succeeded(key)
            return True
        return False
