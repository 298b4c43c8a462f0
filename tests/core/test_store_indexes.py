"""The folder store's derived indexes (issue 17): a trainee's attempts and the in-progress set, so start, resume,
the home screen and the expiry sweep read a bounded number of files however many attempts the store holds."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from exam.attempts import Attempt, AttemptStatus
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore, snapshots
from exam.store.atomic import CORRUPT_MARK
from exam.store.tinydb_store import FORMAT
from tests.conftest import FakeClock
from tests.core._support import tiny_registry

PAPER = "tiny"


@pytest.fixture
def tiny() -> Registry:
    return tiny_registry()


def closed_attempt(service: ExamService, trainee: Trainee) -> Attempt:
    """One attempt started and handed in through the service (the shape every copy below has)."""
    attempt = service.start_attempt(PAPER, trainee)
    return service.submit(attempt.attempt_id)[0]


def others(template: Attempt, count: int) -> Iterator[Attempt]:
    """``count`` copies of a closed attempt, each of another trainee (new ids)."""
    for i in range(count):
        trainee = Trainee(f"学员{i}", f"other-{i:05d}", "某镇")
        yield replace(template, attempt_id=uuid.uuid4().hex, trainee=trainee)


class FilesRead:
    """Records every store file read (``Path.read_bytes``, which every JSON read of the store goes through)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.paths: list[Path] = []
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            if str(root) in str(path):
                self.paths.append(path.relative_to(root))
            return real(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)

    def kinds(self) -> Counter[str]:
        """How many files of each folder were read (``index``, ``trainees``, ``attempts`` …)."""
        return Counter(path.parts[0] for path in self.paths)


def _store_with(tiny: Registry, root: Path, clock: FakeClock, count: int) -> ExamService:
    store = TinyDBAttemptStore(root)
    service = ExamService(tiny, store, clock, clock.monotonic)
    template = closed_attempt(service, Trainee("模板", "template"))
    service.import_attempts(list(others(template, count)))  # sealed here: no effect is left pending
    return service


def test_start_resume_and_home_read_the_same_files_with_10_or_200_stored(
    tiny: Registry, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting a paper, resuming it and the home screen read the same number of files of each kind whether the
    store holds 10 or 200 other attempts, and none of the index shards that list every attempt but the one being
    written (the store does not scan the index)."""
    read: dict[int, tuple[Counter[str], Counter[str], Counter[str]]] = {}
    for count in (10, 200):
        root = tmp_path / f"store-{count}"
        service = _store_with(tiny, root, clock, count)
        trainee = Trainee("张三", "320101")
        snapshots.SHARED.clear()  # the same cold start for both sizes
        with monkeypatch.context() as patch:
            files = FilesRead(patch, root)
            attempt = service.start_attempt(PAPER, trainee)
            started, files.paths = files.kinds(), []
            assert service.start_attempt(PAPER, trainee).attempt_id == attempt.attempt_id
            resumed, files.paths = files.kinds(), []
            home = service.home(trainee)
            shown = files.kinds()
        assert home.open_attempt is not None and home.open_attempt.attempt_id == attempt.attempt_id
        read[count] = (started, resumed, shown)
        assert resumed["index"] == 0 and shown["index"] == 0, (resumed, shown)
        assert started["index"] <= 1, started  # the shard of the new attempt's id, to add its row
    assert read[10] == read[200]


def test_the_expiry_sweep_reads_only_the_in_progress_set(
    tiny: Registry, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``finalise_expired`` finds the attempts in progress without reading the index shards, and closes the one
    whose time ran out while nobody held it."""
    root = tmp_path / "store"
    service = _store_with(tiny, root, clock, 50)
    attempt = service.start_attempt(PAPER, Trainee("张三", "320101"))
    clock.advance(hours=2)
    with monkeypatch.context() as patch:
        files = FilesRead(patch, root)
        closed = service.finalise_expired()
        assert files.kinds()["index"] <= 1  # only the closed attempt's own shard, to rewrite its row
    assert [a.attempt_id for a in closed] == [attempt.attempt_id]
    assert service.attempts(status=AttemptStatus.IN_PROGRESS) == []


def test_a_damaged_trainee_index_is_kept_and_rebuilt_from_the_shards(
    tiny: Registry, tmp_path: Path, clock: FakeClock
) -> None:
    """Garbage in a trainee's index file: a copy is kept, the file is rebuilt from the index shards, and the
    trainee's attempts are all counted (no extra attempt is allowed)."""
    root = tmp_path / "store"
    service = _store_with(tiny, root, clock, 5)
    trainee = Trainee("张三", "320101")
    first = closed_attempt(service, trainee)
    (path,) = [p for p in root.glob("trainees/*/*.json") if "320101" in p.read_text(encoding="utf-8")]
    path.write_bytes(b'{"attempts": ')
    assert [a.attempt_id for a in service.attempts(trainee_id=trainee.id)] == [first.attempt_id]
    assert list(path.parent.glob(f"{path.name}{CORRUPT_MARK}*"))
    assert json.loads(path.read_bytes())["attempts"].keys() == {first.attempt_id}


def test_a_damaged_in_progress_set_is_rebuilt(tiny: Registry, tmp_path: Path, clock: FakeClock) -> None:
    """Garbage in the in-progress set: it is rebuilt from the shards, so the open attempt is still found."""
    root = tmp_path / "store"
    service = _store_with(tiny, root, clock, 5)
    attempt = service.start_attempt(PAPER, Trainee("张三", "320101"))
    (root / "in_progress.json").write_bytes(b"[1, 2")
    assert [a.attempt_id for a in service.attempts(status=AttemptStatus.IN_PROGRESS)] == [attempt.attempt_id]


def test_a_version_2_store_is_upgraded_with_its_derived_indexes(
    tiny: Registry, tmp_path: Path, clock: FakeClock
) -> None:
    """A store in the version 2 layout (index shards only: what the previous release wrote) opens as version 3
    with a trainee index for every trainee and the in-progress set, so every listing by trainee or in progress
    matches the full listing filtered; the open attempt resumes and no extra attempt is allowed."""
    root = tmp_path / "store"
    service = _store_with(tiny, root, clock, 20)
    trainee = Trainee("张三", "320101")
    done = closed_attempt(service, trainee)
    open_ = service.start_attempt(PAPER, Trainee("李四", "320102"))
    # The version 2 layout: no derived index files, format.json at 2.
    for path in root.glob("trainees/*/*.json"):
        path.unlink()
    (root / "in_progress.json").unlink()
    (root / "format.json").write_text(json.dumps({"format": "township-exam-store", "version": 2}), encoding="utf-8")

    store = TinyDBAttemptStore(root)
    assert json.loads((root / "format.json").read_bytes())["version"] == FORMAT["version"]
    everything = store.list_attempts()
    for someone in {a.trainee.id for a in everything}:
        assert store.list_attempts(trainee_id=someone) == [a for a in everything if a.trainee.id == someone]
    assert store.list_attempts(status=AttemptStatus.IN_PROGRESS) == [open_.summary()]
    reopened = ExamService(tiny, store, clock, clock.monotonic)
    assert reopened.start_attempt(PAPER, Trainee("李四", "320102")).attempt_id == open_.attempt_id
    assert [a.attempt_id for a in reopened.history(trainee)] == [done.attempt_id]


def test_repair_rebuilds_the_derived_indexes(tiny: Registry, tmp_path: Path, clock: FakeClock) -> None:
    """``exam store repair`` writes every trainee index and the in-progress set again from the attempt files, and
    removes a trainee index whose attempts are gone."""
    root = tmp_path / "store"
    service = _store_with(tiny, root, clock, 3)
    trainee = Trainee("张三", "320101")
    attempt = service.start_attempt(PAPER, trainee)
    for path in root.glob("trainees/*/*.json"):
        path.write_text('{"attempts": {}}', encoding="utf-8")
    (root / "in_progress.json").write_text('{"attempts": {}}', encoding="utf-8")
    stray = root / "trainees" / "00" / ("0" * 32 + ".json")
    stray.parent.mkdir(exist_ok=True)
    stray.write_text('{"attempts": {}}', encoding="utf-8")
    store = TinyDBAttemptStore(root)
    store.repair()
    assert [a.attempt_id for a in store.list_attempts(trainee_id=trainee.id)] == [attempt.attempt_id]
    assert [a.attempt_id for a in store.list_attempts(status=AttemptStatus.IN_PROGRESS)] == [attempt.attempt_id]
    assert not stray.exists()
