"""The trainer passphrase: salted scrypt hash, constant-time check, growing delay after wrong tries."""

from __future__ import annotations

import hmac
import io
import time
from pathlib import Path

import pytest

from exam.cli import main
from exam.store import TinyDBAttemptStore
from exam.trainer import auth
from exam.trainer.auth import (
    PassphraseError,
    failure_count,
    failure_delay,
    has_passphrase,
    set_passphrase,
    verify_passphrase,
)


class FakeSleep:
    """Records the waits instead of waiting, and moves its own wall clock on by each (pass ``clock=sleep.clock``)."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1_000_000.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def test_the_passphrase_is_stored_only_as_a_salted_scrypt_hash(store: TinyDBAttemptStore) -> None:
    """The record holds algorithm, parameters, salt and hash, never the text; setting it again changes the salt."""
    assert not has_passphrase(store)
    set_passphrase(store, "人大培训2026")
    record = store.get_record("trainer", "passphrase")
    assert has_passphrase(store)
    assert record["algorithm"] == "scrypt"
    assert (record["n"], record["r"], record["p"]) == (auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert len(bytes.fromhex(record["salt"])) == auth.SALT_BYTES
    assert "人大培训2026" not in str(record)
    set_passphrase(store, "人大培训2026")
    again = store.get_record("trainer", "passphrase")
    assert again["salt"] != record["salt"] and again["hash"] != record["hash"]


def test_verify_accepts_the_passphrase_and_rejects_others(store: TinyDBAttemptStore) -> None:
    """The right text passes (also typed full-width), a wrong one or an unset passphrase fails."""
    sleep = FakeSleep()
    assert verify_passphrase(store, "anything", sleep) is False  # nothing set yet
    set_passphrase(store, "secret-123")
    assert verify_passphrase(store, "secret-123", sleep) is True
    assert verify_passphrase(store, "ｓｅｃｒｅｔ－１２３", sleep) is True  # full-width input method
    assert verify_passphrase(store, "secret-124", sleep) is False
    assert verify_passphrase(store, "", sleep) is False


def test_the_comparison_is_constant_time(store: TinyDBAttemptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashes are compared with hmac.compare_digest."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    set_passphrase(store, "secret-123")
    assert verify_passphrase(store, "secret-123", FakeSleep())
    assert len(calls) == 1 and len(calls[0][0]) == auth.KEY_LENGTH


def test_wrong_tries_make_each_next_check_wait_longer(store: TinyDBAttemptStore) -> None:
    """After 1, 2, 3 wrong tries the next check waits 1, 2, 4 s; the right passphrase resets the count."""
    set_passphrase(store, "secret-123")
    sleep = FakeSleep()
    for _ in range(3):
        assert not verify_passphrase(store, "guess", sleep, clock=sleep.clock)
    assert sleep.waits == [1.0, 2.0]
    assert failure_count(store) == 3
    assert verify_passphrase(store, "secret-123", sleep, clock=sleep.clock)
    assert sleep.waits == [1.0, 2.0, 4.0]  # even the right passphrase waits out the earlier failures
    assert failure_count(store) == 0
    assert verify_passphrase(store, "secret-123", sleep, clock=sleep.clock)
    assert sleep.waits == [1.0, 2.0, 4.0]


def test_the_failure_count_survives_a_restart(store_dir: Path) -> None:
    """Wrong tries are counted in the store, so restarting the program does not reset the delay."""
    store = TinyDBAttemptStore(store_dir)
    set_passphrase(store, "secret-123")
    sleep = FakeSleep()
    for _ in range(4):
        verify_passphrase(store, "guess", sleep, clock=sleep.clock)
    sleep.waits.clear()
    assert not verify_passphrase(TinyDBAttemptStore(store_dir), "guess", sleep, clock=sleep.clock)
    assert sleep.waits == [8.0]


def test_delay_grows_and_is_capped() -> None:
    """0 for no failure, doubling from 1 s, never more than a minute."""
    assert [failure_delay(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 32, 60]
    assert failure_delay(10_000) == auth.MAX_DELAY


def test_short_or_blank_passphrases_are_refused(store: TinyDBAttemptStore) -> None:
    """Fewer than six characters, or only spaces, cannot be set."""
    with pytest.raises(PassphraseError):
        set_passphrase(store, "12345")
    with pytest.raises(PassphraseError):
        set_passphrase(store, "       ")
    assert not has_passphrase(store)


def test_a_damaged_record_lets_nobody_in(store: TinyDBAttemptStore) -> None:
    """A record with a broken salt or missing parameters fails closed."""
    set_passphrase(store, "secret-123")
    record = store.get_record("trainer", "passphrase")
    store.put_record("trainer", "passphrase", dict(record, salt="not hex"))
    assert not verify_passphrase(store, "secret-123", FakeSleep())


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # stdin is not a terminal here
def test_cli_sets_and_changes_the_passphrase(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """set-passphrase asks twice; changing it asks for the current one first; a mismatch changes nothing."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    monkeypatch.setattr("sys.stdin", io.StringIO("first-pass\nfirst-pass\n"))
    assert main(["--db", str(store_dir), "trainer", "set-passphrase"]) == 0
    store = TinyDBAttemptStore(store_dir)
    assert verify_passphrase(store, "first-pass", FakeSleep())
    monkeypatch.setattr("sys.stdin", io.StringIO("first-pass\nsecond-pass\nsecond-typo\n"))
    assert main(["--db", str(store_dir), "trainer", "set-passphrase"]) == 1
    assert "不一致" in capsys.readouterr().err
    assert verify_passphrase(store, "first-pass", FakeSleep())
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-pass\n"))
    assert main(["--db", str(store_dir), "trainer", "set-passphrase"]) == 1
    assert "当前口令不对" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("first-pass\nsecond-pass\nsecond-pass\n"))
    assert main(["--db", str(store_dir), "trainer", "set-passphrase"]) == 0
    assert waits == [1.0]  # the check after the wrong current passphrase waited
    assert verify_passphrase(store, "second-pass", FakeSleep())
    assert not verify_passphrase(store, "first-pass", FakeSleep())
