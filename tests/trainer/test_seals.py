"""Tamper-evident results (issue 11): seals, ``exam results verify``, sealed exports and imports.

Tampering is done as a person at the machine would do it: the attempt file and its index row edited with a text
editor (here: json), a file deleted, two lines of the seal log swapped, an old copy of a file put back.
"""

from __future__ import annotations

import json
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exam.attempts import Attempt
from exam.cli import main
from exam.context import AppContext
from exam.models import Trainee
from exam.plugins import Registry
from exam.seals import KEY_BYTES, TamperedError, load_or_create_key
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.regrade import apply_regrade, mark_answer, plan_regrade
from exam.trainer.scoresheet import Selection
from tests._support import store_root
from tests.conftest import FakeClock
from tests.trainer._support import MINI_KEYS, mini_registry, sit, sit_paper

# -- tampering as a person with a text editor would do it -----------------------------------------------------------


def attempt_file(root: Path, attempt_id: str) -> Path:
    return root / "attempts" / attempt_id[:2] / f"{attempt_id}.json"


def shard_file(root: Path, attempt_id: str) -> Path:
    return root / "index" / f"{attempt_id[:2]}.json"


def edit_attempt(root: Path, attempt_id: str, change: Callable[[dict[str, Any]], None], index: bool = True) -> None:
    """Change the stored record (and, with ``index``, its index row the same way where the field is there)."""
    path = attempt_file(root, attempt_id)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["attempt"]["1"])
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    if index:
        shard = shard_file(root, attempt_id)
        rows = json.loads(shard.read_text(encoding="utf-8"))
        for row in rows["_default"].values():
            if row["attempt_id"] == attempt_id:
                change(row)
        shard.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def set_score(value: float) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        record["score"] = value
        record["passed"] = True

    return change


def verify(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--db", str(root), "results", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def mini(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    return ExamService(mini_registry(registry), store, clock, clock.monotonic)


@pytest.fixture
def room(mini: ExamService, clock: FakeClock) -> list[Attempt]:
    """Three trainees sat the three-question paper (scores 2, 3, 1)."""
    rows = [("A", "B", "D"), ("A", "B", "C"), ("A", "C", "D")]
    return [
        sit(mini, clock, Trainee(f"学员{n}", f"T{n}"), "mini", {f"mini:q{i}": r for i, r in enumerate(row, 1)})
        for n, row in enumerate(rows, 1)
    ]


# -- honest stores --------------------------------------------------------------------------------------------------


def test_an_honest_store_with_regrades_and_marks_verifies(
    room: list[Attempt],
    registry: Registry,
    service: ExamService,
    store: TinyDBAttemptStore,
    store_dir: Path,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Closing seals each attempt once; a regrade and a hand mark seal the changed attempts again; verify passes
    with exit 0 and the counts, and ``exam results`` says so in one line."""
    corrected = ExamService(mini_registry(registry, {**MINI_KEYS, "mini:q3": "D"}), store, clock, clock.monotonic)
    assert apply_regrade(corrected, plan_regrade(corrected, "mini"), by="王老师") == 3
    short = sit_paper(service, clock, Trainee("赵六", "T6"), "constitution", correct=0)
    question = next(a for a in short.answers if a.type == "short")
    mark_answer(service, short.attempt_id, question.question_id, 5, by="王老师")
    log = store.seal_log()
    reasons = [(r["attempt_id"], r["reason"]) for r in log]
    assert [r for _a, r in reasons] == ["close"] * 3 + ["regrade"] * 3 + ["close", "mark"]
    assert [r["seq"] for r in log] == list(range(1, 9))
    code, out = verify(store_dir, capsys)
    assert code == 0, out
    assert "共检查 4 份已交答卷，4 份与封存一致；封存记录 8 条" in out
    assert main(["--db", str(store_dir), "results"]) == 0
    assert "防篡改校验：通过（4 份" in capsys.readouterr().out


def test_the_key_file_is_32_random_bytes_mode_0600_made_once(store_dir: Path, room: list[Attempt]) -> None:
    """The first seal made ``seal.key`` beside the store: 32 bytes, readable by its owner only; processes creating
    it at the same moment all end with the one key."""
    key_path = store_dir / "seal.key"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert len(key_path.read_bytes()) == KEY_BYTES
    fresh = store_dir.parent / "fresh.key"
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(load_or_create_key(fresh))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and keys[0] == fresh.read_bytes()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert not [p for p in fresh.parent.iterdir() if p.name.startswith(".fresh.key")]  # no temporary files left


def test_a_crash_between_close_and_seal_is_completed_exactly_once(
    mini: ExamService, store: TinyDBAttemptStore, store_dir: Path, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """The process dies after the closed attempt is written and before its seal: the seal stays pending (verify
    says so and does not call it tampering); the next start seals it, and doing the effects again adds nothing."""
    attempt = mini.start_attempt("mini", Trainee("甲", "T1"))
    mini.save_answer(attempt.attempt_id, "mini:q1", "A")

    class Died(BaseException):
        """The process is killed (not an error the service could handle)."""

    def die(_make: object) -> None:
        raise Died

    with monkeypatch.context() as patch:
        patch.setattr(store, "append_seals", die)
        with pytest.raises(Died):
            mini.submit(attempt.attempt_id)
    assert store.get_attempt(attempt.attempt_id).closed
    assert store.seal_log() == []
    assert store.pending_effects() == {attempt.attempt_id: ("seal", "wrong_book", "notify")}
    code, out = verify(store_dir, capsys)
    assert code == 0 and "封存还没完成" in out
    restarted = ExamService(mini.registry, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    restarted.start_attempt("mini", Trainee("乙", "T2"))
    assert restarted.complete_pending_effects() == 0
    assert [(r["attempt_id"], r["reason"]) for r in store.seal_log()] == [(attempt.attempt_id, "close")]
    assert verify(store_dir, capsys)[0] == 0


# -- each kind of tampering is detected and named -------------------------------------------------------------------


def test_the_issue_edit_13_5_to_95_is_named_and_survives_no_repair(
    room: list[Attempt], mini: ExamService, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attempt file and its index row edited to 95 points: verify names the attempt and the total as edited,
    exits 1; ``exam results`` and the score sheet say the check failed; ``exam store repair`` does not launder it."""
    victim = room[2]
    edit_attempt(store_dir, victim.attempt_id, set_score(95))
    code, out = verify(store_dir, capsys)
    assert code == 1
    assert f"[被改动] 答卷 {victim.attempt_id[:8]}（学员3 T3）：总分或是否合格" in out
    assert out.count("[") == 1  # the two honest attempts are not named
    assert main(["--db", str(store_dir), "results"]) == 0
    listing = capsys.readouterr().out
    assert "防篡改校验：未通过" in listing and "（被改动）" in listing
    assert main(["--db", str(store_dir), "store", "repair"]) == 0
    capsys.readouterr()
    code, out = verify(store_dir, capsys)
    assert code == 1 and victim.attempt_id[:8] in out
    report = mini.score_report(Selection("mini"))
    sheet = tmp_path / "scores.xlsx"
    mini.export_scores(report, "xlsx", sheet)
    workbook = load_workbook(sheet)
    summary = [tuple(r) for r in workbook["汇总"].iter_rows(values_only=True)]
    assert any(row[0] == "防篡改校验" and "未通过" in str(row[1]) for row in summary)
    scores = [tuple(r) for r in workbook["成绩单"].iter_rows(values_only=True)]
    flagged = [row for row in scores if row[2] == "T3"]
    assert "未通过防篡改校验：被改动" in str(flagged[0][-1])


def test_an_edited_answer_is_named(room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One response changed in the file (the score left alone): the attempt is named with 作答内容 edited."""

    def change(record: dict[str, Any]) -> None:
        record["responses"]["mini:q3"]["response"] = "C"

    edit_attempt(store_dir, room[0].attempt_id, change, index=False)
    code, out = verify(store_dir, capsys)
    assert code == 1 and f"[被改动] 答卷 {room[0].attempt_id[:8]}" in out and "作答内容" in out


def test_an_edited_index_row_alone_is_named(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the index row edited (what ``exam results`` lists): named as the index differing from the file."""
    shard = shard_file(store_dir, room[1].attempt_id)
    rows = json.loads(shard.read_text(encoding="utf-8"))
    for row in rows["_default"].values():
        if row["attempt_id"] == room[1].attempt_id:
            row["status"] = "auto_submitted"
    shard.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    code, out = verify(store_dir, capsys)
    assert code == 1 and room[1].attempt_id[:8] in out and "索引中的成绩与答卷文件不一致" in out


def test_a_deleted_attempt_is_named(room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An attempt file removed and the index repaired: the chain still holds it, so it is named as deleted."""
    attempt_file(store_dir, room[0].attempt_id).unlink()
    assert main(["--db", str(store_dir), "store", "repair"]) == 0
    capsys.readouterr()
    code, out = verify(store_dir, capsys)
    assert code == 1 and f"[被删除] 答卷 {room[0].attempt_id[:8]}" in out


def test_reordered_seal_records_are_named(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two lines of the seal log swapped: the records out of place are named as reordered."""
    log = store_dir / "seals.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    lines[0], lines[1] = lines[1], lines[0]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = verify(store_dir, capsys)
    assert code == 1
    assert f"[顺序被打乱] 答卷 {room[1].attempt_id[:8]}" in out and f"[顺序被打乱] 答卷 {room[0].attempt_id[:8]}" in out


def test_a_forged_seal_record_is_named(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A seal record edited to match an edited attempt, without the key: its MAC fails; the attempt is named."""
    log = store_dir / "seals.jsonl"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    records[2]["digest"] = "0" * 64
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out = verify(store_dir, capsys)
    assert code == 1 and f"[封存记录损坏] 答卷 {room[2].attempt_id[:8]}" in out and "第 3 行" in out


def test_an_old_record_put_back_is_named_as_replayed(
    room: list[Attempt], registry: Registry, store: TinyDBAttemptStore, store_dir: Path, clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A copy of the attempt file (and index) from before a regrade put back: it matches an earlier seal of the
    attempt, not the latest, and is named as replayed."""
    victim = room[0]  # 2 points before the regrade, 3 after
    saved_file = attempt_file(store_dir, victim.attempt_id).read_bytes()
    saved_shard = shard_file(store_dir, victim.attempt_id).read_bytes()
    corrected = ExamService(mini_registry(registry, {**MINI_KEYS, "mini:q3": "D"}), store, clock, clock.monotonic)
    apply_regrade(corrected, plan_regrade(corrected, "mini"))
    assert verify(store_dir, capsys)[0] == 0
    attempt_file(store_dir, victim.attempt_id).write_bytes(saved_file)
    shard_file(store_dir, victim.attempt_id).write_bytes(saved_shard)
    code, out = verify(store_dir, capsys)
    assert code == 1 and f"[被旧记录替换] 答卷 {victim.attempt_id[:8]}" in out


def test_an_attempt_added_without_a_seal_is_named(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A made-up attempt (a copy of another under a new id) dropped into a sealed store is named as unsealed."""
    fake_id = "f" * 32
    source = attempt_file(store_dir, room[1].attempt_id)
    document = json.loads(source.read_text(encoding="utf-8"))
    document["attempt"]["1"]["attempt_id"] = fake_id
    target = attempt_file(store_dir, fake_id)
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(store_dir), "store", "repair"]) == 0
    capsys.readouterr()
    code, out = verify(store_dir, capsys)
    assert code == 1 and f"[没有封存] 答卷 {fake_id[:8]}" in out


def test_a_missing_key_is_reported_not_replaced(
    room: list[Attempt], mini: ExamService, store: TinyDBAttemptStore, store_dir: Path, clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Without seal.key nothing can be checked: verify fails naming the key, and closing does not make a new key
    (which would break every seal); the seal waits."""
    (store_dir / "seal.key").unlink()
    code, out = verify(store_dir, capsys)
    assert code == 1 and "seal.key" in out
    later = sit(mini, clock, Trainee("丁", "T9"), "mini", {"mini:q1": "A"})
    assert not (store_dir / "seal.key").exists()
    assert later.attempt_id in store.pending_effects()


def strip_seals(root: Path) -> None:
    """Make the store look like one from before seals: no log, no key, no lookup of the latest seals."""
    (root / "seals.jsonl").unlink()
    (root / "seal.key").unlink()
    shutil.rmtree(root / "records" / "seal_latest")


def test_a_removed_seal_log_is_reported(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """seals.jsonl deleted (or emptied) while the key is there: the store does not pass as one from before seals."""
    (store_dir / "seals.jsonl").write_bytes(b"")
    code, out = verify(store_dir, capsys)
    assert code == 1 and "seals.jsonl 不见了或被清空" in out


# -- a store from before seals --------------------------------------------------------------------------------------


def test_a_store_from_before_seals_is_unsealed_not_tampered_then_sealed_once(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No seal log and no key (an older release): verify reports the attempts as unsealed, not tampered, exit 0;
    ``exam results seal --existing`` seals each one, named; then verify passes and a second run seals nothing."""
    strip_seals(store_dir)
    code, out = verify(store_dir, capsys)
    assert code == 0 and "3 份答卷来自还没有封存的旧成绩库（不算篡改）" in out
    assert main(["--db", str(store_dir), "results", "seal", "--existing"]) == 0
    out = capsys.readouterr().out
    assert all(a.attempt_id[:8] in out for a in room) and "共封存 3 份答卷" in out
    assert verify(store_dir, capsys)[0] == 0
    assert main(["--db", str(store_dir), "results", "seal", "--existing"]) == 0
    assert "共封存 0 份答卷" in capsys.readouterr().out


def test_the_first_close_after_an_upgrade_seals_the_existing_attempts(
    room: list[Attempt], mini: ExamService, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """Upgrading is automatic: the first seal of a store first seals the attempts it already had."""
    strip_seals(store.root)
    sit(mini, clock, Trainee("丁", "T9"), "mini", {"mini:q1": "A"})
    assert [r["reason"] for r in store.seal_log()] == ["existing"] * 3 + ["close"]


# -- exports carry seals; imports verify them -----------------------------------------------------------------------


@pytest.fixture
def laptop(registry: Registry, tmp_path: Path, clock: FakeClock) -> ExamService:
    """Another computer with its own store (and so its own key)."""
    return ExamService(mini_registry(registry), TinyDBAttemptStore(tmp_path / "laptop"), clock, clock.monotonic)


def exported(service: ExamService, path: Path) -> list[str]:
    assert main(["--db", str(store_root(service)), "results", "export", "-o", str(path)]) == 0
    return path.read_text(encoding="utf-8").splitlines()


def test_an_edited_export_is_refused_naming_the_attempt(
    room: list[Attempt], mini: ExamService, laptop: ExamService, store_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A score edited in an export file: importing with the sender's key refuses the file, naming the line, the
    attempt and what changed; nothing of it is stored."""
    lines = exported(mini, tmp_path / "room.jsonl")
    record = json.loads(lines[2])
    record["score"], record["passed"] = 95, True
    lines[2] = json.dumps(record, ensure_ascii=False)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["--db", str(store_root(laptop)), "results", "import", str(edited), "--key-file", str(store_dir)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"第 3 行 答卷 {room[1].attempt_id[:8]}（学员2 T2）：内容被改动：总分或是否合格" in err
    assert laptop.attempts() == []


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], "文件被改动"),  # lines swapped
        (lambda lines: [lines[0], *lines[2:]], "文件被改动"),  # an attempt removed
        (lambda lines: lines[:-1], "校验行不见了"),  # the trailer cut off
    ],
)
def test_a_changed_export_file_is_refused(
    room: list[Attempt], mini: ExamService, laptop: ExamService, store_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], tamper: Callable[[list[str]], list[str]], reason: str,
) -> None:  # fmt: skip
    """Lines reordered, removed, or the closing MAC line cut off: the file MAC tells, and the file is refused."""
    lines = tamper(exported(mini, tmp_path / "room.jsonl"))
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["--db", str(store_root(laptop)), "results", "import", str(changed), "--key-file", str(store_dir)])
    assert code == 1 and reason in capsys.readouterr().err
    assert laptop.attempts() == []


def test_without_the_senders_key_a_file_is_refused_and_the_wrong_key_is_named(
    room: list[Attempt], mini: ExamService, laptop: ExamService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file from another computer cannot be verified with this store's key: refused, saying which key sealed it;
    a --key-file of another store is named as the wrong key."""
    exported(mini, tmp_path / "room.jsonl")
    sit(laptop, FakeClock(), Trainee("丙", "L1"), "mini", {"mini:q1": "A"})
    capsys.readouterr()
    root = str(store_root(laptop))
    assert main(["--db", root, "results", "import", str(tmp_path / "room.jsonl")]) == 1
    assert "缺少这个密钥无法验证" in capsys.readouterr().err
    assert main(["--db", root, "results", "import", str(tmp_path / "room.jsonl"), "--key-file", root]) == 1
    assert "不是封存这个文件的密钥" in capsys.readouterr().err


def test_allow_unverified_imports_marked_and_the_mark_shows(
    room: list[Attempt], mini: ExamService, laptop: ExamService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --allow-unverified an edited file is imported: its attempts are marked unverified (the file MAC fails,
    so none of them is vouched for), in ``exam results``, ``verify`` and the score sheet; they are sealed here, so a
    later edit in this store is still caught."""
    lines = exported(mini, tmp_path / "room.jsonl")
    record = json.loads(lines[1])
    record["score"] = 3
    lines[1] = json.dumps(record, ensure_ascii=False)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    root = store_root(laptop)
    key = ["--key-file", str(store_root(mini) / "seal.key")]
    capsys.readouterr()
    assert main(["--db", str(root), "results", "import", str(edited), *key, "--allow-unverified"]) == 0
    out = capsys.readouterr().out
    assert "新增 3 份" in out and "其中 3 份答卷未经验证" in out
    assert main(["--db", str(root), "results"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("（未验证）") == 3 and "其中 3 份是未经验证导入的" in listing
    code, out = verify(root, capsys)
    assert code == 0 and "用 --allow-unverified 导入" in out and room[0].attempt_id[:8] in out
    rows = laptop.score_report(Selection("mini")).to_sheet().rows
    notes = {row[2]: row[-1] for row in rows}
    assert notes["T1"] == notes["T2"] == "导入未验证"
    edit_attempt(root, room[2].attempt_id, set_score(3))
    assert verify(root, capsys)[0] == 1


def test_a_version_1_file_needs_allow_unverified(
    room: list[Attempt], mini: ExamService, laptop: ExamService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file written by the previous release (no seals) is refused as unverifiable; with --allow-unverified all
    of its attempts come in marked unverified."""
    lines = exported(mini, tmp_path / "room.jsonl")
    header = json.loads(lines[0])
    header["version"] = 1
    header.pop("seal")
    old = [json.dumps(header)] + [
        json.dumps({k: v for k, v in json.loads(line).items() if k != "seal"}) for line in lines[1:-1]
    ]
    path = tmp_path / "old.jsonl"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    root = str(store_root(laptop))
    capsys.readouterr()
    assert main(["--db", root, "results", "import", str(path)]) == 1
    assert "旧版本导出的文件" in capsys.readouterr().err
    assert main(["--db", root, "results", "import", str(path), "--allow-unverified"]) == 0
    assert "其中 3 份答卷未经验证" in capsys.readouterr().out


def test_a_file_exported_here_imports_back_with_this_stores_own_key(
    room: list[Attempt], mini: ExamService, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup export of this store verifies with the store's own key: no --key-file needed (all skipped)."""
    exported(mini, tmp_path / "backup.jsonl")
    capsys.readouterr()
    assert main(["--db", str(store_dir), "results", "import", str(tmp_path / "backup.jsonl")]) == 0
    assert "跳过 3 份" in capsys.readouterr().out


def test_key_file_must_exist(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--key-file pointing at nothing is one clear error naming the path."""
    (tmp_path / "r.jsonl").write_text("", encoding="utf-8")
    assert main(["--db", str(store_dir), "results", "import", str(tmp_path / "r.jsonl"), "--key-file", "nope"]) == 1
    assert "nope" in capsys.readouterr().err


def test_seal_log_torn_tail_is_cut_before_the_next_append(
    room: list[Attempt], mini: ExamService, store: TinyDBAttemptStore, clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A crash in the middle of an append leaves half a line: the next seal cuts it off (it was never acknowledged)
    and the chain stays whole."""
    with open(store.root / "seals.jsonl", "ab") as log:
        log.write(b'{"seq": 4, "attempt')
    sit(mini, clock, Trainee("丁", "T9"), "mini", {"mini:q1": "A"})
    assert [r["seq"] for r in store.seal_log()] == [1, 2, 3, 4]
    assert verify(store.root, capsys)[0] == 0


def test_an_unused_context_does_not_create_a_key(tmp_path: Path) -> None:
    """Opening a store (``exam results`` on an empty store) does not make a key: it is made on the first seal."""
    assert main(["--db", str(tmp_path / "s"), "results"]) == 0
    assert not (tmp_path / "s" / "seal.key").exists()


def test_tampering_in_the_senders_store_travels_with_the_export(
    room: list[Attempt], mini: ExamService, laptop: ExamService, store_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """An attempt edited in the sender's store is exported with its (old) seal under a valid file MAC: the importer
    names it; with --allow-unverified only that attempt is marked unverified."""
    edit_attempt(store_dir, room[2].attempt_id, set_score(95))
    exported(mini, tmp_path / "room.jsonl")
    root, key = str(store_root(laptop)), ["--key-file", str(store_dir)]
    capsys.readouterr()
    assert main(["--db", root, "results", "import", str(tmp_path / "room.jsonl"), *key]) == 1
    err = capsys.readouterr().err
    assert "1 份答卷与其封存不一致" in err and f"答卷 {room[2].attempt_id[:8]}（学员3 T3）" in err
    assert main(["--db", root, "results", "import", str(tmp_path / "room.jsonl"), *key, "--allow-unverified"]) == 0
    assert "其中 1 份答卷未经验证" in capsys.readouterr().out
    assert laptop.verify_seals().unverified == [room[2].attempt_id]


def test_a_trainers_change_never_launders_a_tampered_attempt(
    room: list[Attempt], registry: Registry, mini: ExamService, store: TinyDBAttemptStore, store_dir: Path,
    clock: FakeClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A hand mark or a regrade of an attempt that fails its seal would seal the tampering in: both are refused
    (``exam regrade --dry-run`` too), naming the attempt, and nothing is written."""
    victim = room[0]

    def points(record: dict[str, Any]) -> None:
        if "answers" in record:  # the attempt file; its index row has only the total
            record["answers"][1]["points"] = 1.0  # q2 answered wrong, made right by hand in the file
        record["score"] = 3.0

    edit_attempt(store_dir, victim.attempt_id, points)
    before = attempt_file(store_dir, victim.attempt_id).read_bytes()
    log_before = (store_dir / "seals.jsonl").read_bytes()
    with pytest.raises(TamperedError, match=victim.attempt_id[:8]):
        mark_answer(mini, victim.attempt_id, "mini:q3", 1, by="王老师")
    corrected = ExamService(mini_registry(registry, {**MINI_KEYS, "mini:q3": "D"}), store, clock, clock.monotonic)
    with pytest.raises(TamperedError, match="被改动"):
        plan_regrade(corrected, "mini")
    assert attempt_file(store_dir, victim.attempt_id).read_bytes() == before
    assert (store_dir / "seals.jsonl").read_bytes() == log_before
    monkeypatch.setattr(AppContext, "registry", property(lambda self: corrected.registry))
    assert main(["--db", str(store_dir), "regrade", "--paper", "mini", "--dry-run"]) == 1
    assert f"答卷 {victim.attempt_id[:8]} 未通过防篡改校验" in capsys.readouterr().err
    honest = room[1]
    assert mark_answer(mini, honest.attempt_id, "mini:q3", 0, by="王老师").score == 2


def test_findings_read_in_english_too(room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --lang en the report is English with ASCII punctuation around the trainee."""
    edit_attempt(store_dir, room[2].attempt_id, set_score(95))
    assert main(["--lang", "en", "--db", str(store_dir), "results", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"[edited] attempt {room[2].attempt_id[:8]} (学员3 T3): total or pass" in out


# -- issue 17: reports compare the attempts they read or show, each read once ----------------------------------------


def test_a_page_of_results_checks_the_attempts_it_shows_and_says_what_it_did_not(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Newest first, one attempt a page: the edited attempt (the oldest, the last page) is named on its own page;
    another page checks its own attempt and says how many it did not compare, pointing to ``exam results verify``."""
    victim = room[0]
    edit_attempt(store_dir, victim.attempt_id, set_score(95))
    assert main(["--db", str(store_dir), "results", "--page-size", "1", "--page", "1"]) == 0
    first = capsys.readouterr().out
    assert "防篡改校验：通过（1 份" in first
    assert "另有 2 份不在本页或本表，未逐份比对内容；全部核对请运行 exam results verify。" in first
    assert main(["--db", str(store_dir), "results", "--page-size", "1", "--page", "3"]) == 0
    last = capsys.readouterr().out
    assert "防篡改校验：未通过" in last and "（被改动）" in last
    assert main(["--db", str(store_dir), "results", "--all"]) == 0
    assert "防篡改校验：未通过" in capsys.readouterr().out


def test_a_deleted_attempt_is_named_on_every_page(
    room: list[Attempt], store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the chain and the index show (here: a sealed attempt removed from both) needs no attempt read: every
    page reports it."""
    victim = room[1]
    attempt_file(store_dir, victim.attempt_id).unlink()
    shard = shard_file(store_dir, victim.attempt_id)
    rows = json.loads(shard.read_text(encoding="utf-8"))
    rows["_default"] = {k: r for k, r in rows["_default"].items() if r["attempt_id"] != victim.attempt_id}
    shard.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    main(["--db", str(store_dir), "store", "repair"])  # the per-trainee index follows the main one
    capsys.readouterr()
    for page in ("1", "2"):
        assert main(["--db", str(store_dir), "results", "--page-size", "1", "--page", page]) == 0
        assert "防篡改校验：未通过" in capsys.readouterr().out


def test_the_score_sheet_reads_each_attempt_once_for_figures_and_seals(
    room: list[Attempt], mini: ExamService, store: TinyDBAttemptStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tamper check of a score sheet compares the attempts the sheet streams: no attempt is read a second time
    (``get_attempt`` runs once per attempt, for the stream itself), and the verdict counts all three."""
    reads: list[str] = []
    original = TinyDBAttemptStore.get_attempt

    def counted(self: TinyDBAttemptStore, attempt_id: str) -> Attempt:
        reads.append(attempt_id)
        return original(self, attempt_id)

    monkeypatch.setattr(TinyDBAttemptStore, "get_attempt", counted)
    streamed: list[str] = []
    original_iter = ExamService.iter_attempts

    def counted_iter(self: ExamService, *args: Any, **kwargs: Any) -> Any:
        for attempt in original_iter(self, *args, **kwargs):
            streamed.append(attempt.attempt_id)
            yield attempt

    monkeypatch.setattr(ExamService, "iter_attempts", counted_iter)
    report = mini.score_report(Selection("mini"))
    assert sorted(streamed) == sorted(a.attempt_id for a in room)
    assert len(streamed) == len(set(streamed))
    assert sorted(reads) == sorted(streamed)
    assert report.seal_line.startswith("防篡改校验：通过（3 份")


@pytest.mark.parametrize("seed", ["a", "b", "c"])
def test_the_paper_digest_is_the_canonical_json_digest_byte_for_byte(registry: Registry, seed: str) -> None:
    """The seals digest a drawn paper with each question's JSON cached (issue 17); the bytes must be exactly those of
    ``canonical(drawn.to_dict())``, or every seal made before would read as edited. Every built-in paper, drawn twice
    (the second time from the cache), and a paper whose title and section hold quotes, backslashes and the like."""
    from dataclasses import replace as replaced

    from exam.papers import assemble_paper
    from exam.seals import SEAL_VERSION, _paper_digest, _sha256

    for spec in registry.papers.values():
        drawn = assemble_paper(spec, registry.banks, seed)
        expected = _sha256([SEAL_VERSION, "paper", drawn.to_dict()])
        assert _paper_digest(drawn) == expected
        assert _paper_digest(drawn) == expected
        odd = replaced(
            drawn,
            title='引号"\\ 和 \u2028',
            questions=tuple(replaced(q, section='第"一"部分\\', points=q.points + 0.5) for q in drawn.questions),
        )
        assert _paper_digest(odd) == _sha256([SEAL_VERSION, "paper", odd.to_dict()])
        # Equal as dict keys, different as JSON ("2" and "2.0", "0.0" and "-0.0", true and 1): kept apart.
        for points in (2, 2.0, 2, 0.0, -0.0, True, 1):
            same = replaced(drawn, questions=tuple(replaced(q, points=points) for q in drawn.questions))
            assert _paper_digest(same) == _sha256([SEAL_VERSION, "paper", same.to_dict()])
        for order in ((1, 0), (True, False), (1, 0)):  # a hand-edited attempt's order as booleans
            same = replaced(drawn, questions=tuple(replaced(q, option_order=order) for q in drawn.questions))
            assert _paper_digest(same) == _sha256([SEAL_VERSION, "paper", same.to_dict()])
