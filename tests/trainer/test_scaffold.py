"""``exam banks new``: the bank plugin scaffold (exam.formats.scaffold)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

from exam.banks import load_bank_file
from exam.cli import main
from exam.errors import ExamError
from exam.formats.scaffold import scaffold_bank_plugin
from exam.plugins import Kind, Registry, load_registry


def test_scaffold_writes_a_plugin_whose_bank_registers(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scaffold's entry point names its package, whose hook registers a valid two-question bank."""
    project = scaffold_bank_plugin("my-town", tmp_path, title="本镇人大工作制度", doc="town-rules")
    assert project == tmp_path / "exam-bank-my-town"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["project"]["entry-points"]["exam"] == {"my-town": "exam_bank_my_town"}
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["exam_bank_my_town"]
    bank = load_bank_file(project / "exam_bank_my_town" / "my-town.bank.yaml", registry.types, registry.sources)
    assert (bank.id, bank.title, len(bank.questions)) == ("my-town", "本镇人大工作制度", 2)
    assert {q.citation.doc for q in bank.questions} == {"town-rules"}
    monkeypatch.syspath_prepend(str(project))
    try:
        module = importlib.import_module("exam_bank_my_town")
        loaded = load_registry(extra_plugins=[("my-town", module)])
    finally:
        sys.modules.pop("exam_bank_my_town", None)
    assert "my-town" in loaded.banks and loaded.provider(Kind.BANK, "my-town") == "my-town"
    assert not [f for f in loaded.failures if f.plugin == "my-town"]
    assert (project / "README.md").exists() and (project / "tests" / "test_bank.py").exists()


def test_scaffold_writes_any_title_safely(tmp_path: Path, registry: Registry) -> None:
    """A title with YAML and TOML syntax in it ends up in the bank and pyproject exactly as typed."""
    title = 'yes: "引号" #1 [x]'
    project = scaffold_bank_plugin("odd", tmp_path, title=title)
    bank = load_bank_file(project / "exam_bank_odd" / "odd.bank.yaml", registry.types, registry.sources)
    assert bank.title == title
    description = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["description"]
    assert description.startswith(title)


@pytest.mark.parametrize("name", ["My-Town", "../evil", "-x", "a b", "", "名字"])
def test_scaffold_refuses_names_that_are_not_bank_ids(tmp_path: Path, name: str) -> None:
    """Names that are not bank ids (so could name odd paths or packages) are refused with the rule."""
    with pytest.raises(ExamError, match="小写字母"):
        scaffold_bank_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_scaffold_never_overwrites_a_project(tmp_path: Path) -> None:
    """An existing project folder is left alone."""
    project = scaffold_bank_plugin("town", tmp_path)
    marker = project / "pyproject.toml"
    marker.write_text("mine", encoding="utf-8")
    with pytest.raises(ExamError, match="已存在"):
        scaffold_bank_plugin("town", tmp_path)
    assert marker.read_text(encoding="utf-8") == "mine"


def test_new_command_refuses_a_bank_id_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam banks new speech is refused: that bank id is taken by a built-in plugin."""
    assert main(["banks", "new", "speech", "-o", str(tmp_path)]) == 1
    assert "speech" in capsys.readouterr().err
    assert main(["banks", "new", "town", "-o", str(tmp_path)]) == 0
    assert "pip install -e" in capsys.readouterr().out


@pytest.mark.slow
def test_scaffolded_plugin_installs_into_a_fresh_venv_and_is_listed(tmp_path: Path) -> None:
    """pip install -e of the scaffold into a fresh venv (seeing this venv's packages) makes exam banks list show it,
    and the scaffold's own tests pass there. Offline: --no-index, --no-build-isolation, --no-deps."""
    assert importlib.util.find_spec("hatchling"), "the [test] extras provide hatchling, the scaffold's build backend"
    project = scaffold_bank_plugin("my-town", tmp_path, title="本镇人大工作制度")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # addsitedir (not a bare path) so this venv's own .pth files, e.g. the editable exam install, are processed.
    main_site = sysconfig.get_paths()["purelib"]
    Path(fresh_site, "_exam_main_venv.pth").write_text(f"import site; site.addsitedir({main_site!r})\n")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)

    before = run("-m", "exam", "banks", "list")
    assert before.returncode == 0, before.stderr
    assert "my-town" not in before.stdout
    install = run("-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
                  "-q", "-e", str(project))  # fmt: skip
    assert install.returncode == 0, install.stderr
    listed = run("-m", "exam", "banks", "list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "my-town" in line)
    assert "本镇人大工作制度" in line
    own_tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=project)
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    # The main venv is untouched: the plugin is not visible there.
    assert "my-town" not in load_registry().banks
