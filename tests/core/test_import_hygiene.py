"""The core imports without Textual: plugins and scripts can use it on a machine without a terminal UI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core._support import clean_env

CORE_MODULES = [
    "exam", "exam.models", "exam.qtypes", "exam.grading", "exam.banks", "exam.yamlsafe", "exam.papers",
    "exam.plugins", "exam.hookspecs", "exam.service", "exam.store", "exam.cli", "exam.i18n", "exam.builtin",
]  # fmt: skip

PROBE = """
import json, sys
modules = json.loads(sys.argv[1])
import importlib
for name in modules:
    importlib.import_module(name)
after_import = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
from exam.cli import main
codes = [main(["--help"]), main(["banks", "list"]), main(["plugins"]), main(["papers", "list"]), main(["results"])]
after_cli = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"after_import": after_import, "after_cli": after_cli, "codes": codes}), file=sys.stderr)
"""


def run_probe(tmp_path: Path, modules: list[str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(tmp_path),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_core_modules_do_not_import_textual(tmp_path: Path) -> None:
    """Importing the core (models, banks, papers, plugins, service, store, cli) and running CLI subcommands that
    do not start the app leaves Textual unimported."""
    report = run_probe(tmp_path, CORE_MODULES)
    assert report["after_import"] == []
    assert report["after_cli"] == []
    assert report["codes"] == [0, 0, 0, 0, 0]


@pytest.mark.parametrize("module", ["exam", "exam.service", "exam.plugins", "exam.store", "exam.cli"])
def test_each_core_module_alone_does_not_import_textual(tmp_path: Path, module: str) -> None:
    """Each entry point of the core, imported on its own in a fresh interpreter, does not pull in Textual."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=clean_env(tmp_path), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- issue 17: each command imports what it uses, and the app's first screen needs nothing loaded -------------------

HEAVY_THIRD_PARTY = [
    "openpyxl", "docx", "psycopg", "inscriptis", "defusedxml", "aiohttp", "textual_serve", "hypothesis", "lxml",
]  # fmt: skip
"""Libraries only some trainer commands (or only tests) need: spreadsheets, Word, PostgreSQL, HTML, the web server."""

LOADING = ["pluggy", "yaml", "tinydb", "filelock", "exam.plugins", "exam.banks", "exam.service", "exam.store"]
"""What loading the plugins and banks and opening the store brings in."""

MODULES_PROBE = """
import contextlib, io, json, sys
from exam.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def imported_by(tmp_path: Path, code: str, *args: str) -> list[str]:
    """The modules imported in a fresh interpreter that ran ``code`` (which prints them as JSON, last, on stderr)."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(tmp_path),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report.get("code", 0) == 0, result.stderr
    return report["modules"]  # type: ignore[no-any-return]


def among(modules: list[str], names: list[str]) -> list[str]:
    """Those of ``names`` that are imported: the module itself or any of its submodules."""
    return sorted({name for name in names for m in modules if m == name or m.startswith(name + ".")})


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["banks", "--help"], ["stats", "--help"], ["export", "scores", "--help"], ["results", "--help"],
     ["serve", "--help"], ["roster", "--help"], ["papers", "--help"], ["store", "--help"], ["trainer", "--help"]],
    ids=" ".join,
)  # fmt: skip
def test_help_pages_import_no_loading_and_no_heavy_library(tmp_path: Path, argv: list[str]) -> None:
    """``exam --help`` and every group's help page import neither Textual, nor the plugin and bank machinery, nor the
    store, nor any library a command needs only when it runs (openpyxl, python-docx, psycopg, aiohttp, ...)."""
    modules = imported_by(tmp_path, MODULES_PROBE, json.dumps(argv))
    assert among(modules, ["textual", *HEAVY_THIRD_PARTY, *LOADING]) == []


def test_a_subcommand_imports_only_its_own_command_module(tmp_path: Path) -> None:
    """``exam banks --help`` imports the ``banks`` command module and none of the other commands' modules."""
    modules = imported_by(tmp_path, MODULES_PROBE, json.dumps(["banks", "--help"]))
    commands = sorted(m for m in modules if m.startswith("exam.cli.") and m != "exam.cli.base")
    assert commands == ["exam.cli.banks"]


SIGN_IN_PROBE = """
import json, sys, threading
import exam.cli  # as the exam command does before it starts the app
from exam.tui.app import ExamApp
from exam.tui.screens.signin import SignInScreen

never = threading.Event()
seen = {}

async def probe(pilot):
    for _ in range(100):
        await pilot.pause()
        if isinstance(pilot.app.screen, SignInScreen) and pilot.app.screen.query("#signin"):
            break
    seen["screen"] = type(pilot.app.screen).__name__
    seen["modules"] = sorted(sys.modules)
    never.set()
    pilot.app.exit()

ExamApp(service_factory=lambda: (never.wait(), None)[1], lang="zh").run(headless=True, size=(100, 30), auto_pilot=probe)
print(json.dumps(seen), file=sys.stderr)
"""


def test_the_sign_in_screen_is_drawn_without_loading_or_trainer_modules(tmp_path: Path) -> None:
    """Up to the drawn sign-in screen the app imports no plugin, bank or store machinery (that loads on a worker once
    the screen is up), no trainer module, no other command's module and no heavy library."""
    modules = imported_by(tmp_path, SIGN_IN_PROBE)
    assert "exam.tui.screens.signin" in modules
    assert among(modules, [*HEAVY_THIRD_PARTY, *LOADING, "exam.trainer", "exam.seals", "exam.formats"]) == []
    assert sorted(m for m in modules if m.startswith("exam.cli.")) == ["exam.cli.base"]


REGISTRY_PROBE = """
import json, sys
from exam.plugins import load_registry
registry = load_registry()
assert {"xlsx", "csv"} <= set(registry.exporters)
print(json.dumps({"modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_loading_the_registry_imports_no_score_sheet_writer(tmp_path: Path) -> None:
    """Registering the xlsx and csv exporters (at every start of every command) does not import the writers, the
    store or openpyxl: they are imported when a score sheet is written (issue 17)."""
    modules = imported_by(tmp_path, REGISTRY_PROBE)
    assert "exam.builtin" in modules
    assert among(modules, ["exam.sheets", "exam.store", "openpyxl", "filelock", "tinydb"]) == []
