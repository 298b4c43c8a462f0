"""Helpers shared by the core tests: small banks and registries, fresh virtual environments, the ``exam`` script.

Nothing here imports Textual.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import sysconfig
import textwrap
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import click
import pluggy

from exam import PROJECT_NAME, hookimpl, hookspecs
from exam.attempts import Attempt, AttemptStatus
from exam.models import Bank, Question, ShortAnswer, Trainee
from exam.papers import PaperSpec, SectionSpec, assemble_paper
from exam.plugins import Kind, PluginFailure, PluginInfo, Registered, Registry
from exam.qtypes import BUILTIN_TYPES
from exam.sources import Citation

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILTIN_BANKS = ("speech", "constitution-2018", "deputies-law-2025")


def exam_script() -> Path:
    """The installed ``exam`` command of the environment running the tests."""
    return Path(sys.executable).parent / "exam"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment for a child process: no user config, a private store, Chinese unless told otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAM_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        EXAM_CONFIG=str(tmp_path / "no-config.yaml"),
        EXAM_DB=str(tmp_path / "child-store"),
        # the session's bank cache (tests/conftest.py), never the developer's own cache folder
        EXAM_CACHE_DIR=os.environ.get("EXAM_CACHE_DIR") or str(tmp_path / "bank-cache"),
        EXAM_LANG="zh",
        XDG_DATA_HOME=str(tmp_path / "xdg" / "xdg_data_home"),
        XDG_STATE_HOME=str(tmp_path / "xdg" / "xdg_state_home"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg" / "xdg_config_home"),
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
    )
    env.update(extra)
    return env


BUILTIN_PLUGIN_PACKAGES = {
    "speech": "exam_bank_speech",
    "constitution-2018": "exam_bank_constitution",
    "deputies-law-2025": "exam_bank_deputies",
    "organic-law-2022": "exam_bank_organic",
    "election-law-2020": "exam_bank_election",
    "final-exam": "exam_final_exam",
}
"""Each built-in plugin (its entry-point name, which for a bank plugin is also the bank's id) and its package."""


def builtin_plugin_dir(name: str) -> Path:
    """The folder of built-in plugin ``name`` (a bank id or ``final-exam``): its module and its data files."""
    return Path(str(resources.files(BUILTIN_PLUGIN_PACKAGES[name])))


def builtin_banks_present() -> tuple[str, ...]:
    """The built-in banks whose files exist right now (the Deputies Law bank may still be being written)."""
    return tuple(b for b in BUILTIN_BANKS if (builtin_plugin_dir(b) / f"{b}.bank.yaml").exists())


# -- fresh virtual environments ------------------------------------------------------------------------------------


def make_venv(path: Path) -> Path:
    """A fresh venv (no ``--system-site-packages``, no pip of its own) whose only borrowed code is the main venv's
    third-party packages, reached through a ``.pth`` file. Returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True)
    python = path / "bin" / "python"
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    site_packages = Path(out.stdout.strip())
    # A plain path line: the main venv's own .pth files (among them this project's editable hook) are not run, so
    # only its third-party packages become importable. Named to sort before an editable hook that needs them.
    (site_packages / "00-main-venv-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def pip_install(python: Path, *args: str) -> None:
    """``pip install`` into another environment, offline, with the main venv's pip and build backend."""
    cmd = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check", "install",
           "--no-deps", "--no-index", "--no-build-isolation", "--quiet", *args]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, f"pip failed:\n{result.stdout}\n{result.stderr}"


def write_plugin_package(folder: Path, dist: str, module: str, entry_point: str, files: dict[str, str]) -> Path:
    """A third-party plugin project: its own pyproject with an entry point in the group ``exam``."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "{dist}"
            version = "1.2.3"
            dependencies = []

            [project.entry-points.exam]
            {entry_point} = "{module}"

            [tool.hatch.build.targets.wheel]
            packages = ["{module}"]
            """
        ),
        encoding="utf-8",
    )
    package = folder / module
    package.mkdir()
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


# -- small banks ---------------------------------------------------------------------------------------------------


def bank_yaml(bank_id: str = "town-rules", questions: str | None = None, doc: str = "town-doc") -> str:
    """A small valid bank file citing a document that is not a built-in source (so no grounding check applies)."""
    if questions is None:
        questions = f"""\
          - id: q1
            type: single
            stem: 乡镇人民代表大会每届任期几年？
            options: [三年, 五年, 四年, 六年]
            answer: B
            explanation: 本镇制度第一条规定每届任期五年。
            source: {{doc: {doc}, article: 1, paragraph: 1}}
            quote: 每届任期五年
          - id: q2
            type: judge
            stem: 主席团在大会闭会期间也存在。
            answer: true
            explanation: 本镇制度第二条规定主席团闭会期间办理日常工作。
            source: {{doc: {doc}, article: 2}}
            quote: 主席团闭会期间办理日常工作
          - id: q3
            type: blank
            stem: 人大代表由选民____选举。
            answer: [[直接]]
            explanation: 本镇制度第三条。
            source: {{doc: {doc}, article: 3}}
            quote: 由选民直接选举
        """
    return textwrap.dedent(
        f"""\
            bank:
              id: {bank_id}
              title: 本镇人大工作制度
              version: "1.0"
            questions:
            """
    ) + textwrap.indent(textwrap.dedent(questions), "  ")


def make_question(
    qid: str,
    qtype: str = "single",
    bank: str = "b",
    tags: Sequence[str] = (),
    difficulty: int = 2,
    article: int = 1,
    points: float = 2,
) -> Question:
    """A valid question built directly (no YAML), for assembly and store tests."""
    options: tuple[str, ...] = ()
    answer: object
    stem = f"题目 {qid}"
    if qtype == "single":
        options, answer = ("甲", "乙", "丙", "丁"), "B"
    elif qtype == "multiple":
        options, answer = ("甲", "乙", "丙", "丁"), ("A", "C")
    elif qtype == "judge":
        answer = True
    elif qtype == "blank":
        stem += " ____"
        answer = (("五", "5"),)
    else:
        answer = ShortAnswer("参考答案", (("要点一",), ("要点二",)))
    return Question(
        id=f"{bank}:{qid}",
        bank=bank,
        type=qtype,
        stem=stem,
        answer=answer,
        explanation="解析",
        source=Citation("doc", article=article),
        quote="原文",
        options=options,
        difficulty=difficulty,
        tags=tuple(tags),
        points=points,
    )


TINY_PAPER = PaperSpec(
    id="tiny",
    title="小测验",
    time_limit=30,
    pass_mark=2,
    sections=(SectionSpec("single", 2, 2, "单选"), SectionSpec("judge", 1, 1, "判断")),
)


def tiny_registry() -> Registry:
    """A registry without plugin discovery: the built-in types, one small bank and one tiny paper (fast to build)."""
    questions = tuple(make_question(f"s{i}") for i in range(4)) + tuple(
        make_question(f"j{i}", "judge") for i in range(2)
    )
    return Registry(
        entries={
            Kind.TYPE: {t.name: Registered(t, "test") for t in BUILTIN_TYPES},
            Kind.BANK: {"b": Registered(Bank("b", "小题库", "1", questions), "test")},
            Kind.PAPER: {TINY_PAPER.id: Registered(TINY_PAPER, "test")},
        },
        plugins={"test": PluginInfo("test")},
    )


def derive_registry(
    registry: Registry,
    *,
    banks: Mapping[str, Bank] | None = None,
    papers: Mapping[str, PaperSpec] | None = None,
    only_these_papers: bool = False,
    plugins: Mapping[str, PluginInfo] | None = None,
    failures: Iterable[PluginFailure] = (),
    provider: str = "tests",
) -> Registry:
    """A new registry like ``registry`` (which is left as it is), so that no test can change another's.

    Args:
        registry: The registry to start from (usually the session's built-in one).
        banks: Banks to add or replace, by id, recorded as supplied by ``provider``.
        papers: Papers to add or replace, likewise.
        only_these_papers: Drop every paper of ``registry`` first, so only ``papers`` remain.
        plugins: Replaces the plugin table (``{}`` for a registry that reports no plugin).
        failures: Plugin failures to report as if found while loading.
        provider: The plugin name recorded for ``banks`` and ``papers``.
    """
    entries = {kind: dict(table) for kind, table in registry.entries.items()}
    if only_these_papers:
        entries[Kind.PAPER] = {}
    entries[Kind.BANK].update({k: Registered(bank, provider) for k, bank in (banks or {}).items()})
    entries[Kind.PAPER].update({k: Registered(paper, provider) for k, paper in (papers or {}).items()})
    table = dict(registry.plugins if plugins is None else plugins)
    for failure in failures:
        info = table.get(failure.plugin, PluginInfo(failure.plugin))
        table[failure.plugin] = dataclasses.replace(info, errors=(*info.errors, failure.reason))
    return dataclasses.replace(registry, entries=entries, plugins=table)


def with_submission_listener(registry: Registry) -> tuple[Registry, list[dict[str, Any]]]:
    """A copy of ``registry`` whose one plugin appends every ``exam_attempt_submitted`` event to the returned list
    (``registry`` itself is left as it is)."""
    events: list[dict[str, Any]] = []

    class Listener:
        @hookimpl
        def exam_attempt_submitted(self, attempt: dict[str, Any]) -> None:
            events.append(attempt)

    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(Listener(), name="listener")
    return dataclasses.replace(registry, pm=pm), events


def new_attempt_record(registry: Registry, trainee: Trainee, now: datetime, seed: str) -> Attempt:
    """An in-progress attempt of the tiny paper, as ``ExamService.start_attempt`` builds it, for
    ``AttemptStore.create_attempt`` (skips the service's scans of every stored attempt, which would dominate
    tests that create a thousand attempts)."""
    drawn = assemble_paper(TINY_PAPER, registry.banks, seed)
    return Attempt(
        attempt_id=uuid.uuid4().hex,
        trainee=trainee,
        paper=TINY_PAPER.id,
        paper_title=TINY_PAPER.title,
        status=AttemptStatus.IN_PROGRESS,
        started_at=now,
        deadline=now + timedelta(minutes=TINY_PAPER.time_limit),
        max_score=drawn.max_score,
        origin="test",
        drawn=drawn,
    )


def command_tree(root: click.Command, path: list[str] | None = None) -> Iterator[tuple[list[str], click.Command]]:
    """Every command under ``root`` with its path (``["results", "export"]``), hidden ones included, through click's
    own lookup (``list_commands``/``get_command``), so subcommands the CLI imports lazily are found too."""
    path = path or []
    yield path, root
    if isinstance(root, click.Group):
        ctx = click.Context(root)
        for name in root.list_commands(ctx):
            command = root.get_command(ctx, name)
            if command is not None:
                yield from command_tree(command, [*path, name])
