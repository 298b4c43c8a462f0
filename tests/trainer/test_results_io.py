"""Collecting results from several machines: ``exam results export`` / ``exam results import``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exam.cli import main
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import AttemptStore, TinyDBAttemptStore
from exam.trainer.results_io import FORMAT_NAME, FORMAT_VERSION, ResultsFileError, export_results, read_results_file
from tests._support import store_root
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper


@pytest.fixture
def laptop_b(registry: Registry, tmp_path: Path, clock: FakeClock) -> ExamService:
    """A second machine with its own store."""
    return ExamService(registry, TinyDBAttemptStore(tmp_path / "laptop-b"), clock, clock.monotonic)


def ids(store: AttemptStore) -> list[str]:
    return sorted(s.attempt_id for s in store.list_attempts())


def test_export_writes_a_header_and_full_closed_attempts(
    service: ExamService, clock: FakeClock, trainee: Trainee, tmp_path: Path
) -> None:
    """The file starts with a versioned header naming the seal key; each line is a whole closed attempt (snapshot,
    history) with its seal; the last line is the file MAC; an attempt still in progress is left out."""
    done = sit_paper(service, clock, trainee, "speech", correct=12)
    service.start_attempt("speech", Trainee("李四", "320199"))
    out = tmp_path / "room1.jsonl"
    assert export_results(service, out) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert (header["format"], header["version"], header["attempts"]) == (FORMAT_NAME, FORMAT_VERSION, 1)
    record = json.loads(lines[1])
    assert len(lines) == 3 and set(json.loads(lines[2])) == {"file_mac"}
    assert header["seal"]["algorithm"] == "HMAC-SHA256" and len(header["seal"]["key_id"]) == 16
    seal = record.pop("seal")
    assert seal["attempt_id"] == done.attempt_id and seal["reason"] == "close"
    assert record == done.to_json()
    assert record["attempt_id"] == done.attempt_id and record["drawn"] == done.paper_snapshot.to_dict()
    assert record["history"] == [] and record["score"] == done.score


def test_two_machines_merge_without_duplicates(
    service: ExamService, laptop_b: ExamService, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A's results imported into B, then B's into A (each with the sender's key, or its own): both hold the union;
    importing again adds nothing."""
    a1 = sit_paper(service, clock, Trainee("甲", "1001"), "speech", correct=20)
    a2 = sit_paper(service, clock, Trainee("乙", "1002"), "constitution", correct=30)
    b1 = sit_paper(laptop_b, clock, Trainee("丙", "2001"), "speech", correct=25)
    a_file, b_file = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["--db", str(store_root(service)), "results", "export", "-o", str(a_file)]) == 0
    a_key = ["--key-file", str(store_root(service) / "seal.key")]
    assert main(["--db", str(store_root(laptop_b)), "results", "import", str(a_file), *a_key]) == 0
    assert "新增 2 份" in capsys.readouterr().out
    assert ids(laptop_b.store) == sorted([a1.attempt_id, a2.attempt_id, b1.attempt_id])
    assert main(["--db", str(store_root(laptop_b)), "results", "export", "-o", str(b_file)]) == 0
    b_key = ["--key-file", str(store_root(laptop_b))]  # the sender's store folder does as well
    assert main(["--db", str(store_root(service)), "results", "import", str(b_file), str(a_file), *b_key]) == 0
    out = capsys.readouterr().out
    assert "新增 1 份答卷，跳过 4 份" in out
    assert ids(service.store) == ids(laptop_b.store)
    assert len(ids(service.store)) == 3
    merged = service.store.get_attempt(b1.attempt_id)
    assert merged.score == b1.score and merged.drawn == b1.drawn
    assert [s.attempt_id for s in service.store.list_attempts(paper="speech")].count(b1.attempt_id) == 1


def test_a_malformed_line_is_reported_with_its_number_and_nothing_of_that_file_is_imported(
    service: ExamService, laptop_b: ExamService, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Line 3 broken: the error names line 3, no attempt of that file is stored, another good file still is."""
    for n in range(3):
        sit_paper(service, clock, Trainee(f"学员{n}", f"10{n}"), "speech", correct=n)
    good = tmp_path / "good.jsonl"
    export_results(service, good)
    lines = good.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([lines[0], lines[1], lines[2][:-10], lines[3]]) + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError) as info:
        read_results_file(broken)
    assert info.value.line == 3
    other = tmp_path / "other.jsonl"
    sit_paper(laptop_b, clock, Trainee("丙", "2001"), "speech", correct=5)
    export_results(laptop_b, other)
    fresh = TinyDBAttemptStore(tmp_path / "collector")
    b_key = ["--key-file", str(store_root(laptop_b))]
    assert main(["--db", str(fresh.root), "results", "import", str(broken), str(other), *b_key]) == 1
    captured = capsys.readouterr()
    assert "第 3 行" in captured.err and "broken.jsonl" in captured.err
    assert "新增 1 份" in captured.out
    assert ids(fresh) == ids(laptop_b.store)


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (lambda a: a.pop("drawn"), 2, "drawn"),
        (lambda a: a.update(status="in_progress"), 2, "in_progress"),
        (lambda a: a.update(attempt_id="../../etc/passwd"), 2, "attempt_id"),
        (lambda a: a.update(score="100"), 2, "score"),
        (lambda a: a["answers"].append({"question_id": 5}), 2, "answers"),
    ],
)
def test_attempt_lines_are_checked_field_by_field(
    service: ExamService, clock: FakeClock, trainee: Trainee, tmp_path: Path, change: object, line: int, fragment: str
) -> None:
    """A missing snapshot, an open attempt, a bad id, a text score or a bad answer is refused with the field named."""
    sit_paper(service, clock, trainee, "speech", correct=3)
    out = tmp_path / "r.jsonl"
    export_results(service, out)
    header, body, _trailer = out.read_text(encoding="utf-8").splitlines()
    attempt = json.loads(body)
    change(attempt)  # type: ignore[operator]
    out.write_text(header + "\n" + json.dumps(attempt, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match=fragment) as info:
        read_results_file(out)
    assert info.value.line == line


def test_files_that_are_not_exports_are_refused(tmp_path: Path) -> None:
    """No header, a newer format version, invalid UTF-8 or a missing file: each is one clear error."""
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"attempt_id": "x"}\n', encoding="utf-8")
    with pytest.raises(ResultsFileError, match="文件头"):
        read_results_file(plain)
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION + 1}) + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match="升级"):
        read_results_file(newer)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"format": "township-exam-results", "version": 1}\n\xff\xfe\n')
    with pytest.raises(ResultsFileError) as info:
        read_results_file(binary)
    assert info.value.line == 2
    with pytest.raises(ResultsFileError, match="不存在"):
        read_results_file(tmp_path / "missing.jsonl")


def test_export_does_not_overwrite_without_force(
    service: ExamService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing export file is kept unless --force is given."""
    out = tmp_path / "r.jsonl"
    out.write_text("keep", encoding="utf-8")
    assert main(["--db", str(store_root(service)), "results", "export", "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "keep"
    assert main(["--db", str(store_root(service)), "results", "export", "-o", str(out), "--force"]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["format"] == FORMAT_NAME


def test_results_still_lists_attempts_as_table_and_jsonl(
    service: ExamService, clock: FakeClock, trainee: Trainee, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exam results`` (now a group) still prints the table and the jsonl records."""
    done = sit_paper(service, clock, trainee, "speech", correct=10)
    assert main(["--db", str(store_root(service)), "results"]) == 0
    assert done.attempt_id[:8] in capsys.readouterr().out
    assert main(["--db", str(store_root(service)), "results", "--paper", "speech", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["attempt_id"] for r in records] == [done.attempt_id]
    assert "drawn" not in records[0]
