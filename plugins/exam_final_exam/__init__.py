"""Built-in plugin: the 结业综合考试 paper, drawn from all five built-in banks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exam import hookimpl
from exam.resources import builtin_banks_dir

__version__ = "1.0.0"


@hookimpl
def exam_register_papers(register: Callable[[Any], None]) -> None:
    register(builtin_banks_dir() / "papers" / "final.paper.yaml")
