"""``exam banks new NAME``: a bank plugin package a trainer can edit, test and ``pip install -e``.

The package follows the built-in banks: a hatchling project whose entry point in the group ``exam`` names a
module with one ``exam_register_banks`` hook, which registers the bank YAML shipped inside the package (read with
:mod:`importlib.resources`). docs/writing-a-bank-plugin.md walks through it.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from exam import __version__
from exam.banks import BANK_ID
from exam.errors import ExamError
from exam.formats.yaml_writer import plain_is_safe
from exam.i18n import t

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "exam-bank-{name}"
version = "0.1.0"
description = {toml_description}
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["township-exam>={core_version}"]

# This entry point is how the exam system finds the plugin (group "exam", like the built-in banks).
[project.entry-points.exam]
{name} = "{package}"

[tool.hatch.build.targets.wheel]
packages = ["{package}"]
"""

INIT = '''\
"""Question bank plugin "{name}".

The exam system loads this module through the entry point in pyproject.toml and calls the hook below.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from exam import hookimpl

__version__ = "0.1.0"
BANK_FILE = "{name}.bank.yaml"


@hookimpl
def exam_register_banks(register: Callable[[Any], None]) -> None:
    """Register this package's bank file; the exam system validates it and reports any problem."""
    with resources.as_file(resources.files(__name__) / BANK_FILE) as path:
        register(path)
'''

BANK = """\
# {title}：题库文件。格式见 docs/bank-format.md；改完后运行 exam banks validate 检查。
# 下面两道是示例题，请改成自己的题目。出处（source）写所依据文件的编号 {doc} 和条款；
# 该文件不在系统内置原文中时，系统不核对原文（quote），请务必照原文逐字摘录。
bank:
  id: {name}
  title: {yaml_title}
  version: "0.1"
  description: {yaml_title}
  sources: [{doc}]

questions:
  - id: q001
    type: single
    stem: （示例）把这里改成题干。本题的正确答案是哪一项？（ ）
    options:
      - 正确答案
      - 干扰项一
      - 干扰项二
      - 干扰项三
    answer: A
    explanation: （示例）说明为什么 A 正确，并写明依据的条款，如第一条第一款。
    source: {{doc: {doc}, article: 1, paragraph: 1}}
    quote: （示例）把所引条款中支持答案的原话逐字复制到这里。
    difficulty: 1
    tags: [示例]

  - id: q002
    type: judge
    stem: （示例）这是一道判断题：题干陈述与原文一致时，答案写 true，否则写 false。
    answer: true
    explanation: （示例）引用原文“……”，说明题干为什么正确或错误。
    source: {{doc: {doc}, article: 1, paragraph: 1}}
    quote: （示例）把所引条款中的原话逐字复制到这里。
    difficulty: 1
    tags: [示例]
"""

TEST = '''\
"""Checks for the "{name}" bank plugin: run with  python -m pytest tests"""

from __future__ import annotations

from pathlib import Path

from exam.banks import load_bank_file
from exam.plugins import load_registry

BANK_FILE = Path(__file__).resolve().parent.parent / "{package}" / "{name}.bank.yaml"


def test_bank_file_is_valid() -> None:
    """The bank file loads without a single problem (the same check as  exam banks validate)."""
    registry = load_registry()
    bank = load_bank_file(BANK_FILE, registry.types, registry.sources)
    assert bank.id == "{name}"
    assert bank.questions


def test_plugin_registers_the_bank() -> None:
    """Once installed (pip install -e .), the plugin's bank is loaded by the exam system."""
    registry = load_registry()
    failures = [f.reason for f in registry.failures if f.plugin == "{name}"]
    assert not failures
    assert "{name}" in registry.banks
'''

README = """\
# exam-bank-{name}：{title}

乡镇人大主席培训考试系统的题库插件。

## 修改题库

题目在 `{package}/{name}.bank.yaml`，格式见考试系统的 `docs/bank-format.md`。改完后检查：

    exam banks validate {package}/{name}.bank.yaml

也可以先在 Excel 模板（题库模板.xlsx）里编题，再用
`exam banks import 题库.xlsx -o {package}/{name}.bank.yaml --bank-id {name} --force` 转换。

## 安装

在本目录中（使用安装了考试系统的同一个 Python 环境）：

    pip install -e .
    exam banks list        # 列表中应出现 {name}

## 测试

    python -m pytest tests
"""

GITIGNORE = "__pycache__/\n*.egg-info/\ndist/\nbuild/\n"


def package_name(name: str) -> str:
    return "exam_bank_" + name.replace("-", "_")


def scaffold_bank_plugin(name: str, folder: Path, title: str | None = None, doc: str | None = None) -> Path:
    """Create ``folder/exam-bank-NAME`` with the plugin's files; returns the project folder.

    Raises:
        ExamError: ``name`` is not a valid bank id, or the project folder exists already.
    """
    if not BANK_ID.match(name):
        raise ExamError(t("formats.scaffold_bad_name", name=name))
    doc = doc or name
    if not BANK_ID.match(doc):
        raise ExamError(t("formats.scaffold_bad_doc", doc=doc))
    title = (title or name).strip()
    if not title or len(title) > 100 or any(unicodedata.category(c).startswith("C") for c in title):
        raise ExamError(t("formats.scaffold_bad_title"))
    project = folder / f"exam-bank-{name}"
    if project.exists():
        raise ExamError(t("formats.output_exists", path=project))
    if not folder.is_dir():
        raise ExamError(t("formats.output_no_folder", folder=folder))
    package = package_name(name)
    values = {
        "name": name, "title": title, "doc": doc, "package": package, "core_version": __version__,
        # JSON strings are valid TOML basic strings and YAML double-quoted scalars.
        "toml_description": json.dumps(f"{title}：乡镇人大主席培训考试系统的题库插件", ensure_ascii=False),
        "yaml_title": title if plain_is_safe(title) else json.dumps(title, ensure_ascii=False),
    }  # fmt: skip
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        ".gitignore": GITIGNORE,
        f"{package}/__init__.py": INIT,
        f"{package}/{name}.bank.yaml": BANK,
        "tests/test_bank.py": TEST,
    }
    try:
        project.mkdir()
        for relative, template in files.items():
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.format(**values), encoding="utf-8")
    except OSError as exc:
        raise ExamError(t("formats.cannot_write", path=project, error=exc.strerror or exc)) from None
    return project
