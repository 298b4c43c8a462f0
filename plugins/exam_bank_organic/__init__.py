"""Built-in bank plugin: the organic-law-2022 question bank (地方组织法), its source text and its default
paper.

Declared as an entry point in the group ``exam``, exactly like a third-party plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exam import hookimpl
from exam.resources import builtin_banks_dir
from exam.sources import SourceDocument, load_builtin_source

__version__ = "1.0.0"
DOC_ID = "organic-law-2022"


@hookimpl
def exam_register_sources(register: Callable[[SourceDocument], None]) -> None:
    register(load_builtin_source(DOC_ID))


@hookimpl
def exam_register_banks(register: Callable[[Any], None]) -> None:
    register(builtin_banks_dir() / f"{DOC_ID}.bank.yaml")


@hookimpl
def exam_register_papers(register: Callable[[Any], None]) -> None:
    register(builtin_banks_dir() / "papers" / "organic.paper.yaml")
