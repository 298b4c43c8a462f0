"""Built-in bank plugin: the deputies-law-2025 question bank (代表法),
the text of the Deputies Law (2025 revision) that its questions cite, and its default paper.

The three files are inside this package and read with :mod:`importlib.resources`, as a third-party bank plugin
made by ``exam banks new`` reads its own; the package is declared as an entry point in the group ``exam``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from exam import hookimpl
from exam.sources import SourceDocument, load_statute

__version__ = "1.0.0"
DOC_ID = "deputies-law-2025"
SHORT_TITLE = "代表法"
BANK_FILE = f"{DOC_ID}.bank.yaml"
PAPER_FILE = "deputies.paper.yaml"
SOURCE_FILE = "deputies-law-2025.yaml"


@hookimpl
def exam_register_sources(register: Callable[[SourceDocument], None]) -> None:
    """Register the source text (document id ``deputies-law-2025``)."""
    with resources.as_file(resources.files(__name__) / SOURCE_FILE) as path:
        register(load_statute(path, DOC_ID, SHORT_TITLE))


@hookimpl
def exam_register_banks(register: Callable[[Path], None]) -> None:
    """Register this package's bank file; the core validates it."""
    with resources.as_file(resources.files(__name__) / BANK_FILE) as path:
        register(path)


@hookimpl
def exam_register_papers(register: Callable[[Path], None]) -> None:
    """Register this package's default paper."""
    with resources.as_file(resources.files(__name__) / PAPER_FILE) as path:
        register(path)
