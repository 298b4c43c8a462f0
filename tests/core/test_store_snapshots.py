"""Content-addressed question snapshots in the folder store (issue 17): each drawn question is stored once, shared
between attempts, and every attempt still reads back exactly as the trainee saw it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from exam.attempts import Attempt
from exam.errors import StoreError
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.store import snapshots as snapshot_module
from tests.conftest import FakeClock
from tests.core._support import tiny_registry

PAPER = "tiny"


@pytest.fixture
def tiny() -> Registry:
    return tiny_registry()


@pytest.fixture(autouse=True)
def _cold_cache() -> None:
    """Every test starts with no parsed snapshot in the process, so reads go to the files."""
    snapshot_module.SHARED.clear()


def _answered(service: ExamService, trainee: Trainee, close: bool, seed: str | None = None) -> Attempt:
    attempt = service.start_attempt(PAPER, trainee, seed)
    for item in attempt.paper_snapshot.questions:
        question = item.question
        service.save_answer(attempt.attempt_id, question.id, "B" if question.type == "single" else True)
    return service.submit(attempt.attempt_id)[0] if close else service.attempt(attempt.attempt_id)


def test_attempts_read_back_field_for_field_and_share_one_file_per_question(
    tiny: Registry, tmp_path: Path, clock: FakeClock
) -> None:
    """Two trainees draw the same questions: there is one snapshot file per question, the attempt files hold only
    references, and both attempts (one open, one closed) read back with the same ``to_json()`` as when written."""
    store = TinyDBAttemptStore(tmp_path / "store")
    service = ExamService(tiny, store, clock, clock.monotonic)
    closed = _answered(service, Trainee("张三", "320101"), close=True, seed="same")
    still_open = _answered(service, Trainee("李四", "320102"), close=False, seed="same")
    drawn = [item.question.id for item in closed.paper_snapshot.questions]
    assert drawn == [item.question.id for item in still_open.paper_snapshot.questions]
    files = sorted((tmp_path / "store" / "questions").glob("*.json"))
    assert len(files) == len(drawn)
    for path in files:  # named by the SHA-256 of its own bytes
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem
    for attempt in (closed, still_open):
        raw = next((tmp_path / "store" / "attempts").glob(f"*/{attempt.attempt_id}.json")).read_text("utf-8")
        assert all(item.question.stem not in raw for item in attempt.paper_snapshot.questions)
    snapshot_module.SHARED.clear()
    reopened = TinyDBAttemptStore(tmp_path / "store")
    assert reopened.get_attempt(closed.attempt_id).to_json() == closed.to_json()
    assert reopened.get_attempt(still_open.attempt_id).to_json() == still_open.to_json()


def test_a_damaged_snapshot_is_one_clear_error_naming_the_file_and_the_attempt(
    tiny: Registry, tmp_path: Path, clock: FakeClock
) -> None:
    """A snapshot edited or removed: reading an attempt that refers to it is a StoreError naming the snapshot file
    and the attempt (never a wrong question, never a traceback); repair keeps the attempt and lists it."""
    root = tmp_path / "store"
    service = ExamService(tiny, TinyDBAttemptStore(root), clock, clock.monotonic)
    attempt = _answered(service, Trainee("张三", "320101"), close=True)
    victim = next((root / "questions").glob("*.json"))
    data = json.loads(victim.read_bytes())
    data["stem"] = "被改过的题干"
    victim.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    snapshot_module.SHARED.clear()
    store = TinyDBAttemptStore(root)
    with pytest.raises(StoreError) as info:
        store.get_attempt(attempt.attempt_id)
    assert str(victim) in str(info.value) and attempt.attempt_id in str(info.value)
    victim.unlink()
    with pytest.raises(StoreError) as info:
        store.get_attempt(attempt.attempt_id)
    assert str(victim) in str(info.value)
    report = store.repair()
    assert report.set_aside == () and any(attempt.attempt_id in entry for entry in report.unreadable)
    assert [a.attempt_id for a in store.list_attempts()] == [attempt.attempt_id]


def test_a_crash_after_the_snapshots_before_the_attempt_leaves_a_usable_store(
    tiny: Registry, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshots are written (durably) before the attempt that refers to them: a crash in between leaves only
    unreferenced snapshots, and the next start draws, writes and reads the attempt normally."""
    import exam.store.tinydb_store as tinydb_store

    root = tmp_path / "store"
    service = ExamService(tiny, TinyDBAttemptStore(root), clock, clock.monotonic)
    from exam.store.atomic import write_json as real

    class Killed(BaseException):
        pass

    def dies_at_the_attempt(path: Path, data: object) -> None:
        if path.parent.name == "staging":
            raise Killed
        real(path, data)

    monkeypatch.setattr(tinydb_store, "write_json", dies_at_the_attempt)
    with pytest.raises(Killed):
        service.start_attempt(PAPER, Trainee("张三", "320101"))
    monkeypatch.undo()
    assert list((root / "questions").glob("*.json"))
    snapshot_module.SHARED.clear()
    again = ExamService(tiny, TinyDBAttemptStore(root), clock, clock.monotonic)
    attempt = again.start_attempt(PAPER, Trainee("张三", "320101"))
    assert again.attempt(attempt.attempt_id).to_json() == attempt.to_json()
    assert len(again.attempts()) == 1


def test_attempts_stored_inline_by_the_previous_format_read_as_before_and_their_seals_verify(
    tiny: Registry, tmp_path: Path, clock: FakeClock
) -> None:
    """A version 2 store (each attempt file holding its drawn questions in full, no snapshot files): after the
    upgrade every attempt reads back unchanged and ``exam results verify`` finds nothing wrong."""
    root = tmp_path / "store"
    service = ExamService(tiny, TinyDBAttemptStore(root), clock, clock.monotonic)
    attempts = [_answered(service, Trainee(f"学员{i}", f"32010{i}"), close=i < 2) for i in range(3)]
    # What the previous release wrote: the whole record inline; no questions/, no derived indexes.
    for attempt in attempts:
        path = next((root / "attempts").glob(f"*/{attempt.attempt_id}.json"))
        record = attempt.to_json()
        if not attempt.closed:
            record["responses"] = {}
        path.write_text(json.dumps({"attempt": {"1": record}}, ensure_ascii=False), encoding="utf-8")
    for path in (root / "questions").glob("*.json"):
        path.unlink()
    for path in (root / "trainees").glob("*/*.json"):
        path.unlink()
    (root / "in_progress.json").unlink()
    (root / "format.json").write_text(json.dumps({"format": "township-exam-store", "version": 2}), encoding="utf-8")
    snapshot_module.SHARED.clear()

    upgraded = ExamService(tiny, TinyDBAttemptStore(root), clock, clock.monotonic)
    for attempt in attempts:
        assert upgraded.attempt(attempt.attempt_id).to_json() == attempt.to_json()
    report = upgraded.verify_seals()
    assert report.ok and report.sealed == 2, report.findings
    # A change to an old attempt writes it in the new form; it still reads back and verifies.
    upgraded.submit(attempts[2].attempt_id)
    snapshot_module.SHARED.clear()
    assert list((root / "questions").glob("*.json"))
    assert upgraded.verify_seals().ok
