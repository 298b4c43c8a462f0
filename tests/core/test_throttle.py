"""The brute-force throttle holds across processes: N wrong tries at once take at least as long as N in a row."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest

from exam.models import Trainee
from exam.signin import WrongSecretError, set_first_pin, sign_in
from exam.store import TinyDBAttemptStore
from exam.throttle import TRAINEE, TRAINER, Policy, Throttle, ThrottledError, scale_from_env
from exam.trainer.auth import failure_count, set_passphrase, verify_passphrase
from tests.conftest import FakeClock

TRIES = 20
TRAINER_SCALE = 0.002
"""20 wrong passphrases wait 0 + 1 + 2 + … + 32 + 13 × 60 = 843 s unscaled: 1.7 s here."""
PIN_SCALE = 0.0005
"""20 wrong PINs wait 0 + 1 + … + 256 + 10 × 300 = 3511 s unscaled: 1.8 s here."""


def total_delay(policy: Policy, tries: int, scale: float) -> float:
    """What ``tries`` wrong tries one after another wait in all."""
    return scale * sum(policy.delay(n) for n in range(tries))


def guess_passphrase(root: str, barrier: Any, results: Any) -> None:
    """One process: one wrong trainer passphrase, at the same moment as the others."""
    try:
        store = TinyDBAttemptStore(root)
        barrier.wait()
        results.put(verify_passphrase(store, "wrong-guess", scale=TRAINER_SCALE))
    except BaseException as exc:  # reported to the test rather than lost in a child's stderr
        results.put(f"{type(exc).__name__}: {exc}")


def guess_pin(root: str, barrier: Any, results: Any) -> None:
    """One process: one wrong PIN for 考号 p001, at the same moment as the others."""
    try:
        store = TinyDBAttemptStore(root)
        throttle = Throttle(store, TRAINEE, scale=PIN_SCALE)
        barrier.wait()
        try:
            sign_in(store, Trainee("王五", "p001"), "0000", throttle=throttle)
        except WrongSecretError:
            results.put(False)
        else:
            results.put(True)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def run_parallel(target: Any, root: Path) -> tuple[float, list[Any]]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(TRIES + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(str(root), barrier, results)) for _ in range(TRIES)]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.monotonic()
    outcomes = [results.get(timeout=120) for _ in procs]
    elapsed = time.monotonic() - started
    for proc in procs:
        proc.join(timeout=30)
    return elapsed, outcomes


@pytest.mark.slow
def test_twenty_parallel_wrong_passphrases_take_as_long_as_twenty_in_a_row(tmp_path: Path) -> None:
    """20 processes guessing the trainer passphrase at once wait at least the sum of the 20 sequential delays, and
    all 20 tries are counted (the old unlocked read-modify-write let them all through in 1.5 s)."""
    sequential_root, parallel_root = tmp_path / "seq", tmp_path / "par"
    for root in (sequential_root, parallel_root):
        set_passphrase(TinyDBAttemptStore(root), "the-passphrase")
    expected = total_delay(TRAINER, TRIES, TRAINER_SCALE)

    store = TinyDBAttemptStore(sequential_root)
    started = time.monotonic()
    assert not any(verify_passphrase(store, "wrong-guess", scale=TRAINER_SCALE) for _ in range(TRIES))
    sequential = time.monotonic() - started

    parallel, outcomes = run_parallel(guess_passphrase, parallel_root)
    assert outcomes == [False] * TRIES
    assert failure_count(TinyDBAttemptStore(parallel_root)) == TRIES
    assert sequential >= expected
    assert parallel >= expected


@pytest.mark.slow
def test_twenty_parallel_wrong_pins_take_as_long_as_twenty_in_a_row(tmp_path: Path, clock: FakeClock) -> None:
    """The same for one trainee's PIN: 20 wrong PINs at once wait at least what 20 in a row wait."""
    sequential_root, parallel_root = tmp_path / "seq", tmp_path / "par"
    for root in (sequential_root, parallel_root):
        set_first_pin(TinyDBAttemptStore(root), Trainee("王五", "p001"), "2468", "2468", clock.now)
    expected = total_delay(TRAINEE, TRIES, PIN_SCALE)

    store = TinyDBAttemptStore(sequential_root)
    throttle = Throttle(store, TRAINEE, scale=PIN_SCALE)
    started = time.monotonic()
    for _ in range(TRIES):
        with pytest.raises(WrongSecretError):
            sign_in(store, Trainee("王五", "p001"), "0000", throttle=throttle)
    sequential = time.monotonic() - started

    parallel, outcomes = run_parallel(guess_pin, parallel_root)
    assert outcomes == [False] * TRIES
    assert Throttle(TinyDBAttemptStore(parallel_root), TRAINEE).failures("pin:p001") == TRIES
    assert sequential >= expected
    assert parallel >= expected


class Waits:
    """A fake clock that sleeping advances: records each wait, takes no real time."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def test_each_try_reserves_the_slot_after_the_last_one(store: TinyDBAttemptStore) -> None:
    """Tries reserved before any of them has waited (as parallel ones are) queue one behind the other: the n-th
    waits the sum of the delays before it, not just its own delay."""
    fake = Waits()
    throttle = Throttle(store, TRAINER, scale=1.0, sleep=fake.sleep, clock=fake.clock)
    assert [throttle.reserve("trainer") for _ in range(5)] == [0, 1, 3, 7, 15]
    assert throttle.failures("trainer") == 5


def test_a_right_secret_resets_the_count_and_keys_are_separate(store: TinyDBAttemptStore) -> None:
    """After a right try the next wrong one waits nothing; another key's count is untouched."""
    fake = Waits()
    throttle = Throttle(store, TRAINEE, scale=1.0, sleep=fake.sleep, clock=fake.clock)
    for _ in range(3):
        assert not throttle.attempt("pin:a", lambda: False)
    assert fake.waits == [1.0, 2.0]
    assert throttle.failures("pin:b") == 0
    assert throttle.attempt("pin:a", lambda: True)
    assert fake.waits == [1.0, 2.0, 4.0]
    assert throttle.failures("pin:a") == 0
    assert not throttle.attempt("pin:a", lambda: False)
    assert fake.waits == [1.0, 2.0, 4.0]


def test_a_flood_is_refused_without_checking_beyond_the_queue_limit(store: TinyDBAttemptStore) -> None:
    """A try whose slot would be more than max_queue ahead is refused at once, says how long to wait, checks
    nothing and counts nothing; so a flood cannot lock the owner out for hours."""
    fake = Waits()
    policy = Policy(base=1.0, max_delay=10.0, max_queue=30.0)
    throttle = Throttle(store, policy, scale=1.0, sleep=fake.sleep, clock=fake.clock)
    reserved = [throttle.reserve("k") for _ in range(7)]  # the next would start 35 s ahead: 5 s over the limit
    assert reserved == [0, 1, 3, 7, 15, 25, 35]
    checked: list[bool] = []

    def check() -> bool:
        checked.append(True)
        return True

    with pytest.raises(ThrottledError) as refused:
        throttle.attempt("k", check)
    assert checked == [] and throttle.failures("k") == 7
    assert refused.value.seconds == pytest.approx(5.0)
    assert "5" in str(refused.value)


def test_the_scale_comes_from_the_environment_and_never_switches_the_throttle_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """EXAM_THROTTLE_SCALE sets the scale; zero, negative or unreadable values fall back to 1."""
    monkeypatch.setenv("EXAM_THROTTLE_SCALE", "0.01")
    assert scale_from_env() == 0.01
    for bad in ("0", "-1", "nan", "inf", "fast"):
        monkeypatch.setenv("EXAM_THROTTLE_SCALE", bad)
        assert scale_from_env() == 1.0


def test_a_damaged_record_starts_from_zero_rather_than_crashing(store: TinyDBAttemptStore) -> None:
    """A throttle record edited into nonsense counts as no failures (the next wrong try counts again)."""
    store.put_record("throttle", "trainer", {"failures": "many", "not_before": "soon"})
    fake = Waits()
    throttle = Throttle(store, TRAINER, scale=1.0, sleep=fake.sleep, clock=fake.clock)
    assert throttle.reserve("trainer") == 0
    assert throttle.failures("trainer") == 1
