"""Plugins: third-party packages found by entry point, a plugins folder, allow/deny lists, and broken plugins that
never take the others down."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from exam.cli import main
from exam.plugins import Kind, PluginFailure, Registry, load_registry
from tests.core._support import (
    BUILTIN_PLUGIN_PACKAGES,
    PROJECT_ROOT,
    bank_yaml,
    builtin_banks_present,
    clean_env,
    derive_registry,
    make_venv,
    pip_install,
    write_plugin_package,
)

GOOD_PLUGIN = {
    "__init__.py": '''\
        """A third-party bank plugin."""
        from pathlib import Path

        from exam import hookimpl


        @hookimpl
        def exam_register_banks(register):
            register(Path(__file__).with_name("townrules.bank.yaml"))
        ''',
    "townrules.bank.yaml": bank_yaml("townrules"),
}
BROKEN_PLUGIN = {"__init__.py": 'raise RuntimeError("boom on import")\n'}


# -- third-party packages installed into a fresh venv ---------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A fresh venv with the project (editable, no deps) and two plugin packages installed, one of them broken."""
    root = tmp_path_factory.mktemp("plugin-venv")
    python = make_venv(root / "venv")
    pip_install(python, "-e", str(PROJECT_ROOT))
    good = write_plugin_package(root / "good", "exam-bank-townrules", "exam_bank_townrules", "townrules", GOOD_PLUGIN)
    broken = write_plugin_package(root / "broken", "exam-broken-plugin", "exam_broken_plugin", "broken", BROKEN_PLUGIN)
    pip_install(python, str(good), str(broken))
    yield python, root


def run_exam(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python.parent / "exam"), *args], capture_output=True, text=True, cwd=cwd, env=clean_env(cwd), timeout=120
    )


@pytest.mark.slow
def test_installed_plugin_package_bank_is_listed(plugin_venv: tuple[Path, Path]) -> None:
    """A plugin package with an ``exam`` entry point, pip-installed into the venv, contributes its bank, listed by
    `exam banks list` next to the built-in banks, even while another installed plugin fails on import."""
    python, root = plugin_venv
    result = run_exam(python, root, "banks", "list")
    assert result.returncode == 0, result.stderr
    assert "townrules" in result.stdout and "本镇人大工作制度" in result.stdout
    for bank in builtin_banks_present():
        assert bank in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "exam plugins" in result.stderr  # the broken one is pointed out, in one line


@pytest.mark.slow
def test_broken_plugin_package_is_reported_by_exam_plugins(plugin_venv: tuple[Path, Path]) -> None:
    """A plugin package whose module raises on import is listed by `exam plugins` as failed, with the reason; the
    working plugin is listed as ok with its version and contribution."""
    python, root = plugin_venv
    result = run_exam(python, root, "plugins", "--format", "json")
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["broken"]["ok"] is False
    assert any("RuntimeError" in e and "boom on import" in e for e in plugins["broken"]["errors"])
    good = plugins["townrules"]
    assert good["ok"] is True and good["version"] == "1.2.3" and good["contributed"] == ["bank:townrules"]
    assert good["hooks"] == ["exam_register_banks"]
    assert "exam-bank-townrules" in good["origin"]
    table = run_exam(python, root, "plugins")
    assert "boom on import" in table.stdout and "townrules" in table.stdout


@pytest.mark.slow
def test_plugin_venv_is_isolated_from_the_checkout(plugin_venv: tuple[Path, Path]) -> None:
    """The test venv is a real fresh one: the plugin packages are not visible to the main environment, and the
    checkout's top-level folders are not importable there."""
    python, root = plugin_venv
    probe = "import importlib.util as u; print([n for n in ('plugins', 'tests', 'question_banks') if u.find_spec(n)])"
    result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=root, env=clean_env(root))
    assert result.stdout.strip() == "[]", result.stderr
    assert "townrules" not in load_registry().banks


# -- the plugins folder ----------------------------------------------------------------------------------------------

BAD_BANK = bank_yaml("bad-bank").replace("answer: B", "answer: Q")


def write_plugins_dir(folder: Path) -> Path:
    """One working plugin and one of every kind of broken plugin."""
    folder.mkdir()
    files = {
        "good_bank/__init__.py": """\
            from pathlib import Path
            from exam import hookimpl
            __version__ = "0.3"

            @hookimpl
            def exam_register_banks(register):
                register(Path(__file__).with_name("town.bank.yaml"))
            """,
        "good_bank/town.bank.yaml": bank_yaml("town-rules"),
        "syntax_error.py": "def oops(:\n    pass\n",
        "import_error.py": "import exam_no_such_module_xyz\n",
        "misspelled.py": """\
            from exam import hookimpl

            @hookimpl
            def exam_register_bank(register):
                pass
            """,
        "raises_in_hook.py": """\
            from exam import hookimpl

            @hookimpl
            def exam_register_banks(register):
                raise RuntimeError("题库服务器连不上")
            """,
        "invalid_bank.py": f"""\
            from pathlib import Path
            from exam import hookimpl

            @hookimpl
            def exam_register_banks(register):
                path = Path(__file__).with_name("bad.bank.yaml.txt")
                path.write_text({BAD_BANK!r}, encoding="utf-8")
                register(path)
            """,
        "duplicate_bank.py": f"""\
            from pathlib import Path
            from exam import hookimpl

            @hookimpl
            def exam_register_banks(register):
                path = Path(__file__).with_name("speech-again.bank.yaml.txt")
                path.write_text({bank_yaml("speech")!r}, encoding="utf-8")
                register(path)
            """,
        "wrong_signature.py": """\
            from exam import hookimpl

            @hookimpl
            def exam_register_banks(reg):
                pass
            """,
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def dir_registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Registry]:
    folder = write_plugins_dir(tmp_path_factory.mktemp("dirplugins") / "plugins")
    return folder, load_registry(plugins_dir=folder)


def reasons(registry: Registry, plugin: str) -> list[str]:
    return [f.reason for f in registry.failures if f.plugin == plugin]


@pytest.mark.parametrize(
    ("plugin", "words"),
    [
        ("syntax_error", ["SyntaxError", "syntax_error.py", "line 1"]),
        ("import_error", ["ModuleNotFoundError", "exam_no_such_module_xyz"]),
        ("misspelled", ["exam_register_bank", "拼写"]),
        ("raises_in_hook", ["exam_register_banks", "RuntimeError", "题库服务器连不上", "raises_in_hook.py"]),
        ("invalid_bank", ["bad.bank.yaml.txt", "答案“Q”"]),
        ("duplicate_bank", ["speech", "已由"]),
        ("wrong_signature", ["exam_register_banks", "reg"]),
    ],
)
def test_broken_dir_plugin_is_recorded_with_its_reason(
    dir_registry: tuple[Path, Registry], plugin: str, words: list[str]
) -> None:
    """Each kind of broken plugin in the plugins folder is recorded as (plugin, reason), the reason saying what
    went wrong and where."""
    _, registry = dir_registry
    (reason,) = reasons(registry, plugin)
    for word in words:
        assert word in reason
    assert PluginFailure(plugin, reason) in registry.failures
    assert registry.plugins[plugin].ok is False


def test_broken_dir_plugins_do_not_take_the_others_down(dir_registry: tuple[Path, Registry]) -> None:
    """With seven broken plugins in the folder, the built-in banks, papers and types load, and so does the working
    folder plugin's bank; the duplicate never replaces the original."""
    _, registry = dir_registry
    assert set(builtin_banks_present()) <= set(registry.banks)
    assert "town-rules" in registry.banks and registry.provider(Kind.BANK, "town-rules") == "good_bank"
    assert registry.plugins["good_bank"].ok and registry.plugins["good_bank"].version == "0.3"
    assert registry.provider(Kind.BANK, "speech") == "speech"
    assert registry.banks["speech"].title != "本镇人大工作制度"
    assert "bad-bank" not in registry.banks
    assert {"single", "multiple", "judge", "blank", "short"} <= set(registry.types)
    assert {"speech", "final"} <= set(registry.papers)
    failed = {f.plugin for f in registry.failures}
    assert failed == {
        "syntax_error", "import_error", "misspelled", "raises_in_hook", "invalid_bank", "duplicate_bank",
        "wrong_signature",
    }  # fmt: skip


def test_exam_plugins_shows_dir_plugin_failures(
    dir_registry: tuple[Path, Registry], capsys: pytest.CaptureFixture[str]
) -> None:
    """`exam plugins` lists every plugin with its status; failed ones show why. `exam banks list` still works and
    points at `exam plugins` in one line."""
    folder, _ = dir_registry
    assert main(["--plugins-dir", str(folder), "plugins", "--format", "json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["good_bank"]["ok"] and listed["good_bank"]["contributed"] == ["bank:town-rules"]
    assert not listed["syntax_error"]["ok"] and listed["syntax_error"]["errors"]
    assert listed["exam.builtin"]["ok"]

    assert main(["--plugins-dir", str(folder), "plugins"]) == 0
    table = capsys.readouterr().out
    assert "题库服务器连不上" in table and "出错" in table and "正常" in table

    assert main(["--plugins-dir", str(folder), "banks", "list"]) == 0
    captured = capsys.readouterr()
    assert "town-rules" in captured.out and "speech" in captured.out
    assert "7" in captured.err and "exam plugins" in captured.err and "Traceback" not in captured.err


def test_missing_plugins_dir_is_a_recorded_failure(tmp_path: Path) -> None:
    """A plugins folder that does not exist is reported, and everything else loads."""
    registry = load_registry(plugins_dir=tmp_path / "nowhere")
    assert any("nowhere" in f.reason for f in registry.failures)
    assert "speech" in registry.banks


# -- allow and deny lists --------------------------------------------------------------------------------------------


def test_exam_load_plugins_loads_only_the_listed_plugins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """EXAM_LOAD_PLUGINS=speech loads the core and the speech plugin only (entry points and folder plugins)."""
    folder = write_plugins_dir(tmp_path / "plugins")
    monkeypatch.setenv("EXAM_LOAD_PLUGINS", "speech, good_bank")
    registry = load_registry(plugins_dir=folder)
    assert set(registry.banks) == {"speech", "town-rules"}
    assert set(registry.plugins) == {"exam.builtin", "speech", "good_bank"}
    assert registry.failures == []


def test_exam_disable_plugins_skips_the_listed_plugins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """EXAM_DISABLE_PLUGINS skips entry-point and folder plugins by name; a paper needing a skipped bank is
    refused with a reason, the rest loads."""
    folder = write_plugins_dir(tmp_path / "plugins")
    monkeypatch.setenv(
        "EXAM_DISABLE_PLUGINS",
        "speech,syntax_error,import_error,misspelled,raises_in_hook,invalid_bank,duplicate_bank,wrong_signature",
    )
    registry = load_registry(plugins_dir=folder)
    assert "speech" not in registry.banks and "speech" not in registry.plugins
    assert "town-rules" in registry.banks and "constitution-2018" in registry.banks
    assert [f.plugin for f in registry.failures] == ["final-exam"]  # the final paper draws from the speech bank
    assert "speech" in registry.failures[0].reason


def test_allow_and_deny_lists_apply_to_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same variables drive `exam banks list`."""
    monkeypatch.setenv("EXAM_LOAD_PLUGINS", "constitution-2018")
    assert main(["banks", "list"]) == 0
    out = capsys.readouterr().out
    assert "constitution-2018" in out and "speech" not in out


def test_exam_plugins_shows_each_plugins_own_version(registry: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    """`exam plugins --format json` gives each built-in plugin its module's ``__version__`` and the core plugin the
    core's version, not the distribution's version for all."""
    import importlib

    import exam

    assert main(["plugins", "--format", "json"]) == 0
    shown = {p["name"]: p["version"] for p in json.loads(capsys.readouterr().out)}
    assert shown["exam.builtin"] == exam.__version__
    for name, package in BUILTIN_PLUGIN_PACKAGES.items():
        assert shown[name] == importlib.import_module(package).__version__ == registry.plugins[name].version
    assert exam.__version__ not in {shown[name] for name in BUILTIN_PLUGIN_PACKAGES}  # 0.1.0 vs the plugins' 1.0.0


def test_the_loaded_registry_cannot_be_changed(registry: Registry) -> None:
    """The registry is frozen after loading: its fields, its item tables and its plugin table refuse changes, so no
    test or screen can change what another sees."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry.banks = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        registry.banks["speech"] = registry.banks["constitution-2018"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del registry.papers["speech"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        registry.entries[Kind.BANK]["x"] = registry.entries[Kind.BANK]["speech"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry.plugins["speech"].errors = ("x",)  # type: ignore[misc]
    assert registry.provider(Kind.BANK, "speech") == "speech"


def test_a_derived_registry_leaves_the_original_as_it_was(registry: Registry) -> None:
    """A registry made from the loaded one with a bank replaced and a failure added (as tests make them) changes
    nothing the loaded one reports."""
    speech = registry.banks["speech"]
    derived = derive_registry(
        registry,
        banks={"speech": dataclasses.replace(speech, questions=speech.questions[:3])},
        failures=[PluginFailure("broken", "ImportError: x")],
    )
    assert len(derived.banks["speech"].questions) == 3 and derived.provider(Kind.BANK, "speech") == "tests"
    assert registry.banks["speech"] is speech and registry.provider(Kind.BANK, "speech") == "speech"
    assert PluginFailure("broken", "ImportError: x") in derived.failures
    assert "broken" not in registry.plugins and registry.failures == []
