"""Damaged store files are handled one way everywhere: for every file kind and every kind of damage, what the app
does raises only the program's own errors, each naming the damaged file; a damaged file is copied aside once, not
once per try; a listing never silently drops an attempt; repair moves aside only files whose content is damaged
(never one it merely could not open), after which everything works again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from exam.errors import ExamError
from exam.models import Trainee
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.store.atomic import CORRUPT_MARK
from tests.conftest import FakeClock
from tests.core._support import tiny_registry

PAPER = "tiny"
KINDS = ("index", "attempt", "journal", "wrong_book", "lock", "trainer_record")
DAMAGES = ("empty", "list", "null", "truncated", "garbage", "wrong_shape", "missing_keys", "directory", "unreadable")
CONTENT = {"empty", "list", "null", "truncated", "garbage", "wrong_shape", "missing_keys"}


class Room:
    """A store with trainee A's submitted attempt (with 错题本 entries) and trainee B's attempt in progress."""

    def __init__(self, root: Path, clock: FakeClock) -> None:
        self.root = root
        self.clock = clock
        self.service = self.open()
        self.a, self.b = Trainee("甲", "A1"), Trainee("乙", "B1")
        attempt = self.service.start_attempt(PAPER, self.a)
        for item in attempt.paper_snapshot.questions:
            wrong = "D" if item.question.type == "single" else not item.question.answer
            self.service.save_answer(attempt.attempt_id, item.id, wrong)
        self.a_id = self.service.submit(attempt.attempt_id)[0].attempt_id
        self.service.set_extra_minutes(PAPER, self.b.id, 5)
        running = self.service.start_attempt(PAPER, self.b)
        self.b_id = running.attempt_id
        self.question = running.paper_snapshot.questions[0].id
        self.service.save_answer(self.b_id, self.question, "A")

    def open(self) -> ExamService:
        return ExamService(tiny_registry(), TinyDBAttemptStore(self.root), self.clock, self.clock.monotonic)

    def target(self, kind: str) -> Path:
        if kind == "index":
            return self.root / "index" / f"{self.a_id[:2]}.json"
        if kind == "attempt":
            return self.root / "attempts" / self.a_id[:2] / f"{self.a_id}.json"
        if kind == "journal":
            return self.root / "attempts" / self.b_id[:2] / f"{self.b_id}.journal"
        if kind == "wrong_book":
            return next((self.root / "records" / "wrong_book").glob("*.json"))
        if kind == "lock":
            return self.root / "store.lock"
        return next((self.root / "records" / "extra_time").glob("*.json"))

    def exercise(self, service: ExamService) -> list[ExamError]:
        """Everything the app does that reads or writes these files; the program's own errors are collected."""
        errors: list[ExamError] = []
        steps: list[Any] = [
            lambda: service.attempts(),
            lambda: service.attempt(self.a_id),
            lambda: service.history(self.a),
            lambda: service.wrong_book(self.a),
            lambda: service.extra_minutes(PAPER, self.b.id),
            lambda: service.start_attempt(PAPER, self.b),
            lambda: service.save_answer(self.b_id, self.question, "B"),
            lambda: service.attempt(self.b_id),
        ]
        for step in steps:
            try:
                step()
            except ExamError as exc:  # anything else fails the test: that would be an internal error
                errors.append(exc)
        return errors


def damage(path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = path.read_bytes() if path.is_file() else b""
    contents = {
        "empty": b"",
        "list": b"[]",
        "null": b"null",
        "truncated": raw[: max(1, len(raw) // 2)],
        "garbage": b"\x00\xff garbage \x00",
        "wrong_shape": b'{"something": "else"}',
        "missing_keys": b'{"_default": {"1": {"nothing": 1}}, "attempt": {"1": {"attempt_id": "x"}}}',
    }
    if how in contents:
        path.write_bytes(contents[how])
    elif how == "directory":
        path.unlink()
        path.mkdir()
    elif how == "unreadable":  # as root chmod does not stop us: refuse to open it, as the kernel would
        real_read, real_open = Path.read_bytes, os.open

        def read_bytes(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_read(self)

        def os_open(name: Any, *args: Any, **kwargs: Any) -> int:
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        monkeypatch.setattr("os.open", os_open)


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_damaged_file(kind: str, how: str, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    room = Room(tmp_path / "store", clock)
    target = room.target(kind)
    damage(target, how, monkeypatch)
    service = room.open() if kind != "lock" or how not in ("directory", "unreadable") else None
    if service is None:  # the store cannot even open its lock: one clear message naming it
        with pytest.raises(ExamError) as info:
            room.open().start_attempt(PAPER, room.b)
        assert str(target) in str(info.value)
        return
    first = room.exercise(service)
    second = room.exercise(service)  # the trainee dismisses the message and tries again
    for error in first + second:
        assert str(target) in str(error) or str(target.parent) in str(error), (kind, how, error)
    copies = list(target.parent.glob(f"{target.name}{CORRUPT_MARK}*"))
    assert len(copies) <= 1, copies  # set aside once, not once per try
    listing = service.attempts()
    assert {room.a_id, room.b_id} <= {a.attempt_id for a in listing} or listing.unreadable  # type: ignore[attr-defined]

    report = service.store.repair()  # type: ignore[attr-defined]
    if how in ("directory", "unreadable"):
        assert not [p for p in report.set_aside if Path(p).name.startswith(target.name)], report
        if kind in ("attempt", "wrong_book", "trainer_record"):
            assert str(target) in report.unreadable, report
        monkeypatch.undo()
        if target.is_dir():  # the trainer moves the folder away, as the message says, and repairs again
            shutil.rmtree(target)
        room.open().store.repair()  # type: ignore[attr-defined]
    elif kind in ("attempt", "wrong_book", "trainer_record") and how in CONTENT:
        assert [p for p in report.set_aside if Path(p).name.startswith(target.name + CORRUPT_MARK)], report
    after = room.exercise(room.open())
    assert after == [] or all(str(room.a_id) in str(e) for e in after), after  # only A's lost attempt is missing
