"""Trainer commands behind the trainer passphrase (issue 11): every command of the `exam` tree that reads everyone's
results, shows answer keys or changes anything refuses without the passphrase once one is set, and works with it.

The command tree is walked, so a command added later is covered: it must either appear in OPEN (with the reason it
is safe for a trainee) or get sample arguments in TRAINER_COMMANDS, and then it is checked like the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from exam.cli import cli, main
from exam.cli.base import PASSPHRASE_VARIABLE
from exam.i18n import t
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.auth import set_passphrase
from exam.trainer.results_io import export_results
from tests.conftest import FakeClock
from tests.core._support import builtin_banks_present, command_tree
from tests.trainer._support import sit_paper

PASSPHRASE = "培训口令-2026"

OPEN = {
    "": "starts the app, where the trainer functions ask for the passphrase themselves",
    "banks list": "bank ids, titles and counts: no keys, no results",
    "banks validate": "checks the files the caller names and can read anyway",
    "banks import": "converts a file the caller has into a bank file; the store is not touched",
    "banks template": "writes the empty Excel template",
    "banks new": "writes a plugin skeleton",
    "papers list": "paper titles, counts and times",
    "plugins": "what is installed",
    "info": "version and folders",
    "serve": "serves the app, whose trainer functions ask for the passphrase",
    "trainer set-passphrase": "asks for the current passphrase itself before changing it",
}
"""Commands a trainee may run, each with the reason."""

TRAINER_COMMANDS = {
    "export scores": ["export", "scores", "--paper", "speech", "-o", "{out}/scores.xlsx"],
    "stats": ["stats", "--paper", "speech"],
    "regrade": ["regrade", "--paper", "speech", "--dry-run"],
    "mark": ["mark", "{attempt}", "1", "0"],
    "pending": ["pending"],
    "extra-time": ["extra-time", "--paper", "speech", "--trainee", "320101", "--minutes", "600"],
    "results": ["results"],
    "results export": ["results", "export", "-o", "{out}/results.jsonl"],
    "results import": ["results", "import", "{results}", "--key-file", "{other}"],
    "roster import": ["roster", "import", "{roster}"],
    "roster list": ["roster", "list"],
    "roster codes": ["roster", "codes", "-o", "{out}/slips.xlsx", "--yes"],
    "roster reset-pin": ["roster", "reset-pin", "320101"],
    "store repair": ["store", "repair"],
    "store copy": ["store", "copy", "--to", "{out}/copy"],
    "results verify": ["results", "verify"],
    "results seal": ["results", "seal", "--existing"],
    "papers print": ["papers", "print", "--paper", "speech", "-o", "{out}/paper.docx"],
    "results enter": [
        "results",
        "enter",
        "--paper",
        "speech",
        "--trainee",
        "320109",
        "--name",
        "赵六",
        "--code",
        "speech-1",
        "--answers",
        ",".join(["-"] * 30),
    ],  # fmt: skip
    "banks dump": ["banks", "dump", "--bank", "speech"],
    "banks export": ["banks", "export", "--bank", "speech", "-o", "{out}/speech.xlsx"],
}
"""Every trainer command with arguments that make it succeed on the store of :func:`room`."""


def command_paths() -> list[str]:
    """Every command that runs something: leaf commands, and groups that do something when called alone."""
    return [
        " ".join(path)
        for path, command in command_tree(cli)
        if not isinstance(command, click.Group) or command.invoke_without_command
    ]


GUARDED = [p for p in command_paths() if p not in OPEN]


@pytest.fixture(autouse=True)
def _shared_registry(monkeypatch: pytest.MonkeyPatch, registry: Registry) -> None:
    """Each `exam` run here uses the session's registry instead of loading every plugin again (speed only)."""
    monkeypatch.setattr("exam.plugins.load_registry", lambda *args, **kwargs: registry)


@pytest.fixture
def room(registry: Registry, tmp_path: Path, clock: FakeClock) -> Iterator[dict[str, str]]:
    """A training room's store: one submitted attempt, a results file from another machine, a roster file, the
    trainer passphrase set; and an empty folder for outputs. Yields the placeholders of TRAINER_COMMANDS."""
    if "speech" not in builtin_banks_present():
        pytest.skip("the built-in banks are not installed")
    other = ExamService(registry, TinyDBAttemptStore(tmp_path / "other"), clock, clock.monotonic)
    sit_paper(other, clock, Trainee("李四", "320102"), "speech", correct=10)
    results = tmp_path / "other.jsonl"
    export_results(other, results)
    store_dir = tmp_path / "store"
    service = ExamService(registry, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = sit_paper(service, clock, Trainee("张三", "320101"), "speech", correct=12)
    set_passphrase(service.store, PASSPHRASE)
    service.store.put_record(
        "roster", "320103", {"name": "王五", "id": "320103", "unit": "城关镇", "position": "人大主席"}
    )
    service.set_first_pin(Trainee("张三", "320101"), "2468", "2468")  # for roster reset-pin
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,考号,单位,职务\n王五,320103,城关镇,人大主席\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    yield {"db": str(store_dir), "attempt": attempt.attempt_id, "results": str(results), "roster": str(roster),
           "out": str(out), "other": str(tmp_path / "other")}  # fmt: skip


def args_for(path: str, room: dict[str, str]) -> list[str]:
    return ["--db", room["db"], *(a.format(**room) for a in TRAINER_COMMANDS[path])]


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its content: equal fingerprints mean nothing was written."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_every_command_is_either_open_or_a_trainer_command() -> None:
    """A new command must be decided on: listed as open (with a reason) or given sample arguments below."""
    paths = command_paths()
    undecided = [p for p in paths if p not in OPEN and p not in TRAINER_COMMANDS]
    assert undecided == [], f"decide for {undecided}: add to OPEN (why a trainee may run it) or TRAINER_COMMANDS"
    assert set(OPEN) | set(TRAINER_COMMANDS) == set(paths), "a listed command no longer exists"


@pytest.mark.parametrize("path", GUARDED)
def test_trainer_command_refuses_without_the_passphrase(
    path: str, room: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No passphrase given and nobody at a terminal to ask (stdin is not a terminal here): one message naming
    the environment variable, exit 1, nothing written and nothing printed on stdout."""
    before = fingerprint(tmp_path)
    assert main(args_for(path, room)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == t("cli.error", message=t("auth.cli_needed", variable=PASSPHRASE_VARIABLE))
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("path", GUARDED)
def test_trainer_command_refuses_a_wrong_passphrase(
    path: str, room: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong passphrase in the variable: one message, exit 1, no output written, nothing on stdout."""
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "wrong-passphrase")
    assert main(args_for(path, room)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert t("auth.cli_wrong_variable", variable=PASSPHRASE_VARIABLE) in captured.err
    assert list(Path(room["out"]).iterdir()) == []


@pytest.mark.parametrize("path", GUARDED)
def test_trainer_command_works_with_the_passphrase(
    path: str, room: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The right passphrase in the variable: the command runs (exit 0) and says or writes something."""
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    code = main(args_for(path, room))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() or list(Path(room["out"]).iterdir())
    assert t("auth.cli_needed", variable=PASSPHRASE_VARIABLE) not in captured.err


def test_extra_time_for_oneself_is_refused_without_the_passphrase(
    registry: Registry, room: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: a trainee out of the app grants themselves 600 minutes; refused, and nothing is granted;
    the trainer's passphrase grants it."""
    service = ExamService(registry, TinyDBAttemptStore(Path(room["db"])))
    assert main(args_for("extra-time", room)) == 1
    assert service.extra_minutes("speech", "320101") == 0
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    assert main(args_for("extra-time", room)) == 0
    assert service.extra_minutes("speech", "320101") == 600


@pytest.mark.parametrize("path", ["banks list", "papers list", "plugins", "info"])
def test_open_commands_need_no_passphrase(path: str, room: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """Open commands run for anyone even with a passphrase set (no prompt, no refusal)."""
    assert main(["--db", room["db"], *path.split()]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() and "auth" not in captured.err


def test_without_a_passphrase_set_trainer_commands_run_with_a_reminder_on_a_terminal(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No passphrase set: the command runs; a person at a terminal is told to set one, a script's log is not."""
    db = str(tmp_path / "fresh")
    assert main(["--db", db, "roster", "list"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("exam.cli.base._stderr_is_terminal", lambda: True)
    assert main(["--db", db, "roster", "list"]) == 0
    captured = capsys.readouterr()
    assert t("roster.none") in captured.out  # the (empty) roster is listed
    assert t("auth.cli_no_passphrase") in captured.err


def run_at_terminal(monkeypatch: pytest.MonkeyPatch, args: list[str], typed: list[str]) -> tuple[int, str]:
    """Run ``exam args`` as if typed at a terminal, answering the prompts with ``typed``; (exit status, output)."""
    monkeypatch.setattr("exam.cli.base._stdin_is_terminal", lambda: True)
    runner = CliRunner()
    with runner.isolation(input="".join(f"{line}\n" for line in typed)) as (out, err, _):
        code = main(args)
    return code, out.getvalue().decode("utf-8") + err.getvalue().decode("utf-8")


def test_the_prompt_hides_the_passphrase_and_accepts_the_right_one(
    room: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a terminal the passphrase is asked for with hidden input: it is never shown; the command then runs."""
    code, output = run_at_terminal(monkeypatch, args_for("roster list", room), [PASSPHRASE])
    assert code == 0
    assert t("auth.cli_prompt") in output and PASSPHRASE not in output
    assert "王五" in output


def test_the_prompt_gives_three_tries(room: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A typing mistake can be corrected; three wrong tries end the command with exit 1 and one clear message."""
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the growing delay is tested in tests/trainer
    code, output = run_at_terminal(monkeypatch, args_for("roster list", room), ["typo", PASSPHRASE])
    assert code == 0 and t("auth.cli_try_again") in output
    code, output = run_at_terminal(monkeypatch, args_for("roster list", room), ["a1", "a2", "a3", PASSPHRASE])
    assert code == 1
    assert output.count(t("auth.cli_prompt") + ": ") == 3
    assert t("auth.cli_wrong", count=3) in output and "王五" not in output
