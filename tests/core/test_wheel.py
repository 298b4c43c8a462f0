"""The wheel: built from the checkout, installed non-editable into a fresh venv, it lists the built-in banks from
another folder and installs no generic top-level package (``plugins``, ``tests``, ``question_banks``)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.core._support import (
    BUILTIN_PLUGIN_PACKAGES,
    PROJECT_ROOT,
    builtin_banks_present,
    clean_env,
    make_venv,
    pip_install,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline with the main venv's build backend."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--quiet", "-w", str(out), str(PROJECT_ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("township_exam-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (not editable); returns its python."""
    python = make_venv(tmp_path_factory.mktemp("wheel-venv") / "venv")
    pip_install(python, str(wheel))
    return python


def test_wheel_contains_the_packages_and_banks_and_nothing_generic(wheel: Path) -> None:
    """The wheel holds ``exam`` and the built-in plugins under their own names, each bank plugin with its bank,
    paper and source text inside its package; no top-level ``plugins``, ``tests`` or ``question_banks``."""
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {
        "exam",
        "exam_bank_speech",
        "exam_bank_constitution",
        "exam_bank_deputies",
        "exam_bank_organic",
        "exam_bank_election",
        "exam_final_exam",
        "exam_store_postgres",
    }
    for bank in builtin_banks_present():
        package = BUILTIN_PLUGIN_PACKAGES[bank]
        assert f"{package}/{bank}.bank.yaml" in names
        assert any(name.startswith(f"{package}/") and name.endswith(".paper.yaml") for name in names)
    assert "exam_bank_speech/speech.txt" in names
    assert "exam_final_exam/final.paper.yaml" in names
    # exam serve's own page and statics (issue 12): the browser page must work from an installed wheel.
    for served in ("templates/app_index.html", "templates/room.html", "static/js/textual.js", "static/css/xterm.css"):
        assert f"exam/serve/{served}" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[exam]" in text and "speech = exam_bank_speech" in text and "exam = exam.cli:main" in text


def test_installed_wheel_lists_the_builtin_banks_from_another_folder(installed: Path, tmp_path: Path) -> None:
    """`exam banks list` run from /tmp (not the checkout) lists the built-in banks, read from the installed
    package."""
    elsewhere = Path("/tmp")
    result = subprocess.run(
        [str(installed.parent / "exam"), "banks", "list"],
        capture_output=True, text=True, cwd=elsewhere, env=clean_env(tmp_path), timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    present = builtin_banks_present()  # all three; the Deputies Law bank file was being written meanwhile
    assert len(present) >= 2
    for bank in present:
        assert bank in result.stdout
    assert result.stderr == ""  # no plugin problems
    probe = "import exam, importlib.resources as r; print(exam.__file__); print(r.files('exam_bank_speech'))"
    where = subprocess.run(
        [str(installed), "-c", probe],
        capture_output=True, text=True, cwd=elsewhere, env=clean_env(tmp_path), timeout=60,
    )  # fmt: skip
    module_file, banks_dir = where.stdout.split()
    venv = str(installed.parent.parent)
    assert module_file.startswith(venv) and banks_dir.startswith(venv)
    assert not banks_dir.startswith(str(PROJECT_ROOT))


@pytest.mark.parametrize("name", ["plugins", "tests", "question_banks"])
def test_installed_wheel_has_no_generic_top_level_package(installed: Path, tmp_path: Path, name: str) -> None:
    """`python -c "import plugins"` (or tests, question_banks) fails in the wheel's venv (run from an empty folder
    under /tmp, so only what is installed could answer)."""
    result = subprocess.run(
        [str(installed), "-c", f"import {name}"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr
