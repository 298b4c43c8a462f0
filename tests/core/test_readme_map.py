"""The README's developer map names every module of ``exam/`` (issue 9), so a newcomer finds where each thing is."""

from __future__ import annotations

import re

from tests.core._support import PROJECT_ROOT


def test_the_developer_map_names_every_module() -> None:
    """Every module and package under exam/ (but __init__) is named in the map under "For developers"."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For developers", 1)[1].split("```")[1]
    package = PROJECT_ROOT / "exam"
    names = {p.stem for p in package.rglob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", section))
    assert missing == []
