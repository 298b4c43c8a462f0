"""Sign-in codes and PINs: issued by ``exam roster``, stored only as hashes, checked by the service's sign-in."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import openpyxl
import pytest

from exam.cli import main
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.signin import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NameMismatchError,
    PinNotSetError,
    PinRuleError,
    SecretMissingError,
    SignInError,
    WrongSecretError,
    new_code,
)
from exam.store import TinyDBAttemptStore

ROWS = [
    ["姓名", "考号", "单位", "职务"],
    ["张三", "320101", "城关镇", "人大主席"],
    ["李四", "320102", "河口镇", "人大副主席"],
    ["=HYPERLINK(1)", "320103", "东关镇", ""],
]


@pytest.fixture(autouse=True)
def _fast_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAM_THROTTLE_SCALE", "0.001")


def roster_file(tmp_path: Path, rows: list[list[str]] = ROWS) -> Path:
    path = tmp_path / "花名册.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("utf-8-sig") + b"\r\n")
    return path


def read_slips(path: Path) -> dict[str, tuple[str, str, str]]:
    """考号 → (姓名, 单位, 登录码) as a trainer's Excel shows the slips."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "考号", "单位", "登录码")
    return {str(r[1]): (str(r[0]), str(r[2] or ""), str(r[3])) for r in rows[1:]}


def test_codes_use_no_look_alike_characters() -> None:
    """A code is CODE_LENGTH characters from the alphabet without 0/O, 1/I/L; codes differ from one another."""
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_roster_import_issues_codes_written_only_to_the_slips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    """`roster import --codes-out` gives every member a code on a readable slips file (0600, every trainee, names
    as text); the store holds only salted hashes; each code signs its trainee in."""
    db, slips = str(tmp_path / "db"), tmp_path / "登录码.xlsx"
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path)), "--codes-out", str(slips)]) == 0
    assert "3" in capsys.readouterr().out
    codes = read_slips(slips)
    assert set(codes) == {"320101", "320102", "320103"}
    assert codes["320101"][:2] == ("张三", "城关镇")
    assert codes["320103"][0] == "=HYPERLINK(1)"  # text, never a formula
    assert stat.S_IMODE(os.stat(slips).st_mode) == 0o600
    store = TinyDBAttemptStore(db)
    for trainee_id, (_, _, code) in codes.items():
        record = store.get_record("signin", trainee_id)
        assert record["kind"] == "code" and code not in str(record) and len(bytes.fromhex(record["salt"])) == 16
    service = ExamService(registry, store)
    signed = service.sign_in(Trainee("张三", "320101"), codes["320101"][2].lower())
    assert signed.via == "code" and signed.trainee.unit == "城关镇" and signed.trainee.position == "人大主席"


def test_reimport_keeps_codes_and_only_newcomers_get_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Importing the roster again keeps every existing code; a new member gets one, on a new slips file."""
    db = str(tmp_path / "db")
    first = tmp_path / "first.xlsx"
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path)), "--codes-out", str(first)]) == 0
    before = TinyDBAttemptStore(db).get_record("signin", "320101")
    more = ROWS + [["赵六", "320104", "西关镇", ""]]
    second = tmp_path / "second.xlsx"
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path, more)), "--codes-out", str(second)]) == 0
    assert set(read_slips(second)) == {"320104"}
    assert TinyDBAttemptStore(db).get_record("signin", "320101") == before


def test_import_without_codes_out_says_how_to_issue_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --codes-out nobody gets a code (it could not be shown), and the trainer is told the command."""
    db = str(tmp_path / "db")
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path))]) == 0
    assert "exam roster codes --missing" in capsys.readouterr().out
    assert TinyDBAttemptStore(db).get_record("signin", "320101") is None
    slips = tmp_path / "s.xlsx"
    assert main(["--db", db, "roster", "codes", "--missing", "-o", str(slips)]) == 0
    assert set(read_slips(slips)) == {"320101", "320102", "320103"}


def test_reissuing_one_code_leaves_the_others_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    """`roster codes --trainee ID` gives that trainee a new code (the old stops working); others keep theirs."""
    db, slips, again = str(tmp_path / "db"), tmp_path / "all.xlsx", tmp_path / "one.xlsx"
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path)), "--codes-out", str(slips)]) == 0
    old = read_slips(slips)
    assert main(["--db", db, "roster", "codes", "--trainee", "320102", "-o", str(again)]) == 0
    new = read_slips(again)
    assert set(new) == {"320102"}
    service = ExamService(registry, TinyDBAttemptStore(db))
    with pytest.raises(WrongSecretError):
        service.sign_in(Trainee("李四", "320102"), old["320102"][2])
    assert service.sign_in(Trainee("李四", "320102"), new["320102"][2]).via == "code"
    assert service.sign_in(Trainee("张三", "320101"), old["320101"][2]).via == "code"
    assert main(["--db", db, "roster", "codes", "--trainee", "999999", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "999999" in capsys.readouterr().err
    assert main(["--db", db, "roster", "codes", "--trainee", "320102", "-o", str(again)]) == 1  # exists: --force
    assert main(["--db", db, "roster", "codes", "--trainee", "320102", "-o", str(tmp_path / "x.docx")]) == 1


def test_reissuing_everyone_asks_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`roster codes -o` without a selection asks; "n" issues nothing and writes no file; "y" reissues all."""
    db, slips = str(tmp_path / "db"), tmp_path / "all.xlsx"
    assert main(["--db", db, "roster", "import", str(roster_file(tmp_path)), "--codes-out", str(slips)]) == 0
    before = TinyDBAttemptStore(db).get_record("signin", "320101")
    out = tmp_path / "again.xlsx"
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["--db", db, "roster", "codes", "-o", str(out)]) == 0
    assert not out.exists() and TinyDBAttemptStore(db).get_record("signin", "320101") == before
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["--db", db, "roster", "codes", "-o", str(out)]) == 0
    assert set(read_slips(out)) == {"320101", "320102", "320103"}
    assert TinyDBAttemptStore(db).get_record("signin", "320101") != before


def test_pin_is_set_once_checked_and_reset_by_the_trainer(
    service: ExamService, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new 考号 must set a PIN (4–6 digits, twice); then only that PIN signs in; `roster reset-pin` clears it."""
    wang = Trainee("王五", "w001")
    with pytest.raises(PinNotSetError):
        service.sign_in(wang, "")
    with pytest.raises(PinRuleError):
        service.set_first_pin(wang, "123", "123")
    with pytest.raises(PinRuleError):
        service.set_first_pin(wang, "1234", "1243")
    assert service.set_first_pin(wang, "１２３４", "1234").via == "pin"  # full-width digits from an input method
    with pytest.raises(SignInError):
        service.set_first_pin(wang, "5678", "5678")  # already set: nobody can overwrite it this way
    with pytest.raises(SecretMissingError):
        service.sign_in(wang, " ")
    with pytest.raises(WrongSecretError) as wrong:
        service.sign_in(wang, "5678")
    assert "秒" in str(wrong.value)
    assert service.sign_in(wang, "1234").trainee == wang
    assert "1234" not in str(service.store.get_record("signin", "w001"))
    assert main(["--db", str(store_dir), "roster", "reset-pin", "w001"]) == 0
    with pytest.raises(PinNotSetError):
        service.sign_in(wang, "1234")
    assert main(["--db", str(store_dir), "roster", "reset-pin", "w001"]) == 1
    assert "w001" in capsys.readouterr().err


def test_a_known_id_with_another_name_is_refused(service: ExamService, tmp_path: Path) -> None:
    """A 考号 on the roster, with a PIN, or with earlier attempts cannot be used under another name (spacing and
    full-width forms of the same name are the same name)."""
    service.store.put_record("roster", "r001", {"name": "赵六", "id": "r001", "unit": "", "position": ""})
    with pytest.raises(NameMismatchError):
        service.sign_in(Trainee("钱七", "r001"), "ABCDEF")
    service.set_first_pin(Trainee("王 五", "w001"), "2468", "2468")
    with pytest.raises(NameMismatchError):
        service.sign_in(Trainee("王六", "w001"), "2468")
    assert service.sign_in(Trainee("王五", "w001"), "2468").via == "pin"
    service.start_attempt(next(iter(service.registry.papers)), Trainee("孙八", "old1"))
    with pytest.raises(NameMismatchError):
        service.set_first_pin(Trainee("冒名", "old1"), "2468", "2468")
    assert service.set_first_pin(Trainee("孙八", "old1"), "2468", "2468").via == "pin"
