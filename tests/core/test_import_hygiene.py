"""The core imports without Textual: plugins and scripts can use it on a machine without a terminal UI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def imported_by(tmp_path: Path, code: str, *args: str, full: bool = False) -> Any:
    """The modules imported in a fresh interpreter that ran ``code`` (which prints them as JSON, last, on stderr); with
    ``full``, all that ``code`` printed."""
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
    return report if full else report["modules"]


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
    """``exam banks --help`` imports the ``banks`` command module and none of the other commands' modules (the group
    and the shared plumbing, ``exam.cli.root`` and ``exam.cli.base``, are not commands)."""
    modules = imported_by(tmp_path, MODULES_PROBE, json.dumps(["banks", "--help"]))
    commands = sorted(m for m in modules if m.startswith("exam.cli.") and m not in ("exam.cli.base", "exam.cli.root"))
    assert commands == ["exam.cli.banks"]


SIGN_IN_PROBE = """
import gc, json, os, sys, threading
import exam.context
from exam.cli import main

# The exam command as a trainee starts it, on Textual's headless driver; loading never ends (it waits for the probe).
os.environ["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
never = threading.Event()
exam.context.AppContext.service = property(lambda self: (never.wait(), None)[1])
events = []
gc.callbacks.append(lambda phase, info: events.append("collection") if phase == "start" else None)
seen = {}
real_enable = gc.enable

def enable():
    # The app turns the collector back on once the sign-in screen is drawn: look at what start-up did until then.
    events.append("enable")
    if seen:
        return real_enable()
    from textual._context import active_app
    app = active_app.get()
    seen["screen"] = type(app.screen).__name__
    seen["drawn"] = bool(app.screen.query("#signin"))
    seen["stack"] = [type(screen).__name__ for screen in app.screen_stack]
    seen["modules"] = sorted(sys.modules)
    never.set()
    app.call_later(app.exit)
    real_enable()

gc.enable = enable
code = main([])
print(json.dumps({**seen, "code": code, "events": events, "enabled": gc.isenabled()}), file=sys.stderr)
"""


def test_the_sign_in_screen_is_drawn_without_loading_or_trainer_modules(tmp_path: Path) -> None:
    """Up to the drawn sign-in screen ``exam`` imports no plugin, bank or store machinery (that loads on a worker once
    the screen is up), no domain model, no trainer module, no heavy library, and neither click nor any module of the
    command line's group: a bare ``exam`` needs none of them to show the first screen. That screen is the only one
    built: it is the app's default screen, not pushed over Textual's blank one."""
    report = imported_by(tmp_path, SIGN_IN_PROBE, full=True)
    assert (report["screen"], report["drawn"], report["stack"]) == ("SignInScreen", True, ["SignInScreen"])
    modules = report["modules"]
    assert "exam.tui.screens.signin" in modules
    assert among(modules, [*HEAVY_THIRD_PARTY, *LOADING, "exam.trainer", "exam.seals", "exam.formats"]) == []
    assert among(modules, ["click", "exam.models", "exam.sources", "exam.bankcache", "exam.yamlsafe"]) == []
    assert among(modules, ["exam.safetext"]) == []
    assert sorted(m for m in modules if m.startswith("exam.cli.")) == []


def test_no_garbage_collection_runs_before_the_sign_in_screen_is_drawn(tmp_path: Path) -> None:
    """``exam`` pauses Python's cyclic garbage collector from the start of the app to the drawn sign-in screen (start-up
    makes tens of thousands of objects that stay in use: collecting then only delays the screen), and collects again
    once it is drawn; the command ends with the collector on."""
    report = imported_by(tmp_path, SIGN_IN_PROBE, full=True)
    assert report["code"] == 0
    assert report["events"][0] == "enable", report["events"]
    assert report["screen"] == "SignInScreen"
    assert report["enabled"] is True


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
