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
