"""Built-in bank plugin: the speech question bank (动员讲话精神题库),
the text of the speech that its questions cite, and its default paper.

The three files are inside this package and read with :mod:`importlib.resources`, as a third-party bank plugin
made by ``exam banks new`` reads its own; the package is declared as an entry point in the group ``exam``.
"""

from __future__ import annotations

from exam.packaged import packaged_bank_hooks
from exam.sources import parse_speech

__version__ = "1.0.0"
DOC_ID = "speech"
SHORT_TITLE = "讲话"

exam_register_sources, exam_register_banks, exam_register_papers = packaged_bank_hooks(
    __name__,
    bank=f"{DOC_ID}.bank.yaml",
    paper="speech.paper.yaml",
    source="speech.txt",
    read_source=lambda path: parse_speech(path.read_text(encoding="utf-8"), DOC_ID, SHORT_TITLE),
)
