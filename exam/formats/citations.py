"""出处 as one line of text, for formats that have no room for a mapping (the Excel 出处 column).

The form is ``DOC PLACE``: a document, white space, and where in it::

    constitution-2018 第95条第1款      {doc: constitution-2018, article: 95, paragraph: 1}
    deputies-law-2025 第25条           {doc: deputies-law-2025, article: 25}
    constitution-2018 序言第7段        {doc: constitution-2018, section: 序言, paragraph: 7}
    speech 一（二）                     {doc: speech, section: 一（二）}

``DOC`` is a doc id, or a short title the installation knows (宪法, 代表法, 讲话); ``《》`` around it are ignored.
Numbers may be Arabic or Chinese (第九十五条第一款). Anything after ``DOC`` that is not ``第N条[第M款]`` or
``序言[第N段]`` is a section name. :func:`format_citation` writes the first form; :func:`parse_citation_text` reads
all of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from exam.i18n import t
from exam.sources import PREAMBLE, SourceLibrary
from exam.textnorm import chinese_numeral

_NUMBER = r"([0-9]+|[零〇一二两三四五六七八九十百]+)"
_ARTICLE = re.compile(rf"^第{_NUMBER}条(?:第{_NUMBER}款)?$")
_PREAMBLE = re.compile(rf"^{PREAMBLE}(?:第{_NUMBER}(?:自然)?段)?$")
_SPLIT = re.compile(r"\s+")


@cache
def _chinese_numbers() -> dict[str, int]:
    numbers = {chinese_numeral(n): n for n in range(1, 1000)}
    numbers.update({"一" + chinese_numeral(n): n for n in range(10, 20)})  # 一十五 is also written
    return numbers


def parse_number(text: str) -> int:
    """``95`` or ``九十五`` → 95; raises ValueError."""
    if text.isdigit():
        return int(text)
    value = _chinese_numbers().get(text.replace("〇", "零").replace("两", "二"))
    if value is None:
        raise ValueError(text)
    return value


def format_citation(source: dict[str, Any]) -> str:
    """The one-line form of a ``source:`` mapping."""
    doc = source["doc"]
    if source.get("article") is not None:
        text = f"第{source['article']}条"
        if source.get("paragraph") is not None:
            text += f"第{source['paragraph']}款"
        return f"{doc} {text}"
    if source.get("section") == PREAMBLE and source.get("paragraph") is not None:
        return f"{doc} {PREAMBLE}第{source['paragraph']}段"
    return f"{doc} {source.get('section') or ''}".strip()


def parse_citation_text(text: str, library: SourceLibrary | None = None) -> dict[str, Any]:
    """Read the one-line form into a ``source:`` mapping; raises ValueError with a message naming the form."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    parts = _SPLIT.split(cleaned, maxsplit=1)
    if len(parts) != 2 or not parts[1].strip():
        raise ValueError(t("formats.citation_form", text=text))
    doc, place = parts[0].strip("《》"), parts[1].strip()
    if library is not None and doc not in library:
        doc = next((d for d in library.ids() if library.short_title(d) == doc), doc)
    compact = _SPLIT.sub("", place)
    if match := _ARTICLE.match(compact):
        try:
            article = parse_number(match.group(1))
            paragraph = parse_number(match.group(2)) if match.group(2) else None
        except ValueError:
            raise ValueError(t("formats.citation_number", text=text)) from None
        result: dict[str, Any] = {"doc": doc, "article": article}
        if paragraph is not None:
            result["paragraph"] = paragraph
        return result
    if match := _PREAMBLE.match(compact):
        result = {"doc": doc, "section": PREAMBLE}
        if match.group(1):
            try:
                result["paragraph"] = parse_number(match.group(1))
            except ValueError:
                raise ValueError(t("formats.citation_number", text=text)) from None
        return result
    return {"doc": doc, "section": place}
