"""Every filter of a trainer command is checked: a paper, 单位, 考号 or date range that matches nothing is an error
naming it (exit 1), never an empty report or a change made to nobody."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from exam.cli import main
from exam.models import Trainee
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper


@pytest.fixture
def sat(service: ExamService, clock: FakeClock, store: TinyDBAttemptStore) -> None:
    """Two trainees of 城关镇 and 东湖街道 sit the speech paper on the clock's day; one of 西山镇 is on the roster."""
    sit_paper(service, clock, Trainee("王五", "320105", "城关镇", "人大主席"), "speech", 20)
    sit_paper(service, clock, Trainee("赵六", "320106", "东湖街道", "人大主席"), "speech", 10)
    store.put_record("roster", "320199", {"name": "李四", "id": "320199", "unit": "西山镇", "position": "人大主席"})


def day(clock: FakeClock) -> str:
    moment: datetime = clock()
    return moment.date().isoformat()


def run(store_dir: Path, *args: str) -> int:
    return main(["--db", str(store_dir), *args])


PAPER_COMMANDS = [
    ["export", "scores", "-o", "{out}"],
    ["stats"],
    ["regrade", "--dry-run"],
    ["pending"],
    ["extra-time", "--trainee", "320105", "--minutes", "5"],
    ["results"],
    ["results", "export", "-o", "{out}"],
]


@pytest.mark.parametrize("command", PAPER_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.usefixtures("sat")
def test_every_command_with_a_paper_refuses_an_unknown_paper(
    command: list[str], store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--paper nope``: exit 1, the message names ``nope`` and the known papers, and no file is written."""
    out = tmp_path / "out.xlsx"
    args = [a.replace("{out}", str(out)) for a in command]
    where = 2 if args[0] in {"export", "results"} and len(args) > 1 and not args[1].startswith("-") else 1
    args[where:where] = ["--paper", "nope"]
    assert run(store_dir, *args) == 1
    err = capsys.readouterr().err
    assert "nope" in err and "speech" in err
    assert not out.exists()


@pytest.mark.parametrize("command", [["export", "scores", "-o", "{out}"], ["stats"]], ids=["export", "stats"])
@pytest.mark.usefixtures("sat")
def test_reports_refuse_an_unknown_unit_naming_the_known_ones(
    command: list[str], store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--unit 城关`` (a typo for 城关镇): exit 1, and the message lists the units of the roster and the attempts."""
    out = tmp_path / "out.xlsx"
    args = [a.replace("{out}", str(out)) for a in command]
    assert run(store_dir, *args, "--paper", "speech", "--unit", "城关") == 1
    err = capsys.readouterr().err
    assert "城关" in err and "城关镇" in err and "东湖街道" in err and "西山镇" in err
    assert not out.exists()
    assert run(store_dir, *args, "--paper", "speech", "--unit", "西山镇") == 0  # on the roster only: all 缺考


@pytest.mark.usefixtures("sat")
def test_reports_refuse_a_reversed_date_range(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--from`` after ``--to``: exit 1 naming both dates, rather than listing everyone as 缺考."""
    out = tmp_path / "out.xlsx"
    code = run(store_dir, "export", "scores", "--paper", "speech", "-o", str(out), "--from", "2026-12-01",
               "--to", "2026-11-01")  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "2026-12-01" in err and "2026-11-01" in err and "颠倒" in err
    assert not out.exists()


@pytest.mark.usefixtures("sat")
def test_reports_refuse_a_date_range_with_no_attempt_naming_the_days_sat(
    store_dir: Path, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A range in which nobody sat the paper: exit 1, and the message gives the day it was sat."""
    assert run(store_dir, "stats", "--paper", "speech", "--from", "2020-01-01", "--to", "2020-01-31") == 1
    err = capsys.readouterr().err
    assert "2020-01-01" in err and day(clock) in err
    assert run(store_dir, "stats", "--paper", "speech", "--from", day(clock), "--to", day(clock)) == 0


@pytest.mark.usefixtures("sat")
def test_extra_time_for_an_unknown_trainee_is_refused_and_records_nothing(
    store_dir: Path, store: TinyDBAttemptStore, service: ExamService, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--trainee`` that is neither on the roster nor in any attempt: exit 1, no extra minutes stored; a roster
    member who has not started yet may be given time."""
    assert run(store_dir, "extra-time", "--paper", "speech", "--trainee", "999999", "--minutes", "10") == 1
    assert "999999" in capsys.readouterr().err
    assert service.extra_minutes("speech", "999999") == 0
    assert run(store_dir, "extra-time", "--paper", "speech", "--trainee", "320199", "--minutes", "10") == 0
    assert (
        ExamService(service.registry, TinyDBAttemptStore(store_dir), service.clock).extra_minutes("speech", "320199")
        == 10
    )
