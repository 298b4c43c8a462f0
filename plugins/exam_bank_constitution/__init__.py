"""Built-in bank plugin: the constitution-2018 question bank (宪法),
the text of the Constitution (2018 revision) that its questions cite, and its default paper.

The three files are inside this package and read with :mod:`importlib.resources`, as a third-party bank plugin
made by ``exam banks new`` reads its own; the package is declared as an entry point in the group ``exam``.
"""

from __future__ import annotations

from exam.packaged import packaged_bank_hooks
from exam.sources import load_statute

__version__ = "1.0.0"
DOC_ID = "constitution-2018"
SHORT_TITLE = "宪法"

exam_register_sources, exam_register_banks, exam_register_papers = packaged_bank_hooks(
    __name__,
    bank=f"{DOC_ID}.bank.yaml",
    paper="constitution.paper.yaml",
    source="constitution-2018.yaml",
    read_source=lambda path: load_statute(path, DOC_ID, SHORT_TITLE),
)
