"""Source texts the questions cite: statutes (one string per 款) and the speech (by section).

A :class:`SourceLibrary` answers "what does the cited place say?" for grounding checks and the review screen.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from exam.bankcache import ContentCache, default_cache
from exam.errors import BankFormatError, NotFoundError
from exam.i18n import t
from exam.textnorm import chinese_numeral

PREAMBLE = "序言"


@dataclass(frozen=True)
class Citation:
    """Where a question's answer is stated: a statute article/paragraph or a speech section."""

    doc: str
    article: int | None = None
    paragraph: int | None = None
    section: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The documented JSON form: ``doc``, ``article``, ``paragraph``, ``section`` (unused ones ``None``)."""
        return {"doc": self.doc, "article": self.article, "paragraph": self.paragraph, "section": self.section}

    def label(self, library: SourceLibrary | None = None) -> str:
        """Human label such as ``宪法 第九十五条第一款`` or ``讲话 一（二）``."""
        title = library.short_title(self.doc) if library and self.doc in library else self.doc
        if self.article is not None:
            text = f"第{chinese_numeral(self.article)}条"
            if self.paragraph is not None:
                text += f"第{chinese_numeral(self.paragraph)}款"
            return f"{title} {text}"
        if self.section == PREAMBLE and self.paragraph is not None:
            return f"{title} 序言第{chinese_numeral(self.paragraph)}自然段"
        return f"{title} {self.section or ''}".strip()


@dataclass(frozen=True)
class Article:
    """One article (条) of a statute: its number, chapter and 节 headings, and its 款 in order."""

    no: int
    chapter: str
    section: str | None
    paragraphs: tuple[str, ...]


@dataclass
class SourceDocument:
    """One source text: a statute (articles, optional preamble) or a speech (named sections)."""

    doc_id: str
    title: str
    short_title: str
    version: str = ""
    articles: dict[int, Article] = field(default_factory=dict)
    preamble: tuple[str, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)

    def text(self, citation: Citation) -> str:
        """The text at ``citation``; raises :class:`NotFoundError` naming what is missing."""
        if citation.article is not None:
            article = self.articles.get(citation.article)
            if article is None:
                raise NotFoundError(t("source.no_article", doc=self.short_title, article=citation.article))
            if citation.paragraph is None:
                return "\n".join(article.paragraphs)
            if not 1 <= citation.paragraph <= len(article.paragraphs):
                raise NotFoundError(
                    t("source.no_paragraph", doc=self.short_title, article=citation.article,
                      count=len(article.paragraphs), paragraph=citation.paragraph)
                )  # fmt: skip
            return article.paragraphs[citation.paragraph - 1]
        if citation.section == PREAMBLE and self.preamble:
            if citation.paragraph is None:
                return "\n".join(self.preamble)
            if not 1 <= citation.paragraph <= len(self.preamble):
                raise NotFoundError(
                    t("source.no_preamble_paragraph", doc=self.short_title, paragraph=citation.paragraph)
                )
            return self.preamble[citation.paragraph - 1]
        if citation.section is not None:
            key = section_key(citation.section)
            for name, body in self.sections.items():
                if section_key(name) == key:
                    return body
            raise NotFoundError(t("source.no_section", doc=self.short_title, section=citation.section))
        raise NotFoundError(t("source.no_place", doc=self.short_title))

    def to_data(self) -> dict[str, Any]:
        """The document as plain JSON data (what :meth:`from_data` reads back and :meth:`fingerprint` hashes)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "short_title": self.short_title,
            "version": self.version,
            "articles": [[a.no, a.chapter, a.section, list(a.paragraphs)] for a in self.articles.values()],
            "preamble": list(self.preamble),
            "sections": [[name, body] for name, body in self.sections.items()],
        }

    @classmethod
    def from_data(cls, data: Any) -> SourceDocument:
        """The document :meth:`to_data` wrote.

        Raises:
            TypeError, ValueError, KeyError: ``data`` is not what :meth:`to_data` writes.
        """
        texts = (data["doc_id"], data["title"], data["short_title"], data["version"])
        if not all(type(text) is str for text in texts):
            raise TypeError("source document text")
        doc = cls(doc_id=texts[0], title=texts[1], short_title=texts[2], version=texts[3])
        doc.preamble = _texts(data["preamble"])
        for no, chapter, section, paragraphs in data["articles"]:
            if type(no) is not int or type(chapter) is not str or (section is not None and type(section) is not str):
                raise TypeError("source article")
            doc.articles[no] = Article(no, chapter, section, _texts(paragraphs))
        for name, body in data["sections"]:
            if type(name) is not str or type(body) is not str:
                raise TypeError("source section")
            doc.sections[name] = body
        return doc

    def fingerprint(self) -> str:
        """Hex SHA-256 of the whole document (:meth:`to_data`): a validated bank kept in the cache
        (:mod:`exam.bankcache`) is used again only while the texts it cites have the fingerprint they had."""
        data = json.dumps(self.to_data(), ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def article_text(self, no: int) -> str:
        """The whole article ``no``, 款 by 款 joined with newlines, for the review screen.

        Raises:
            NotFoundError: The statute has no article ``no``.
        """
        return self.text(Citation(self.doc_id, article=no))


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not list or not all(type(item) is str for item in value):
        raise TypeError("not a list of text")
    return tuple(value)


def section_key(name: str) -> str:
    """Section ids compare after NFKC, so ``一（二）`` and ``一(二)`` are the same."""
    return unicodedata.normalize("NFKC", name).replace(" ", "")


def load_statute(
    path: Path, doc_id: str, short_title: str, cache: ContentCache | None | Literal["default"] = "default"
) -> SourceDocument:
    """Read a statute file (``title``, optional ``version`` and ``preamble``, ``articles`` of ``no``, ``chapter``,
    optional ``section`` and ``paragraphs``) with the safe loader of :mod:`exam.yamlsafe`.

    Args:
        path: The ``*.yaml`` file.
        doc_id: The id questions cite it by (``source.doc``).
        short_title: The name shown in citation labels (``宪法``).
        cache: Where a statute read before from the same bytes is taken from, and a newly read one stored
            (:mod:`exam.bankcache`); ``"default"``: the user's cache folder (``EXAM_CACHE_DIR``); ``None``: none.

    Returns:
        The document, articles by number, each article's 款 in order.

    Raises:
        BankFormatError: The file cannot be read, is not safe, well-formed YAML, or has control characters or
            escape sequences in its text (:func:`exam.yamlsafe.unsafe_text_problems`).
        KeyError, TypeError, ValueError: A required key is missing or of the wrong kind (the statute files ship
            with their plugin and are checked by the bank tests).
    """
    from exam.yamlsafe import decode_utf8, load_yaml, load_yaml_text, read_bytes_capped  # a Citation needs no YAML

    store = default_cache() if cache == "default" else cache
    if store is None or store.folder is None:
        return _read_statute(path, load_yaml(path), doc_id, short_title)
    content = read_bytes_capped(path)
    key = store.key("statute", content + f"\0{doc_id}\0{short_title}".encode())
    cached = store.get("statute", key)
    if cached is not None:
        try:
            return SourceDocument.from_data(cached)
        except Exception:  # not what to_data writes (any way at all): read the file instead
            pass
    doc = _read_statute(path, load_yaml_text(str(path), decode_utf8(str(path), content)), doc_id, short_title)
    store.put("statute", key, doc.to_data())
    return doc


def _read_statute(path: Path, data: Any, doc_id: str, short_title: str) -> SourceDocument:
    from exam.yamlsafe import unsafe_text_problems

    unsafe = unsafe_text_problems(data, path)
    if unsafe:
        raise BankFormatError(unsafe)
    version = str(data.get("version", ""))
    doc = SourceDocument(doc_id=doc_id, title=data["title"], short_title=short_title, version=version)
    doc.preamble = tuple(data.get("preamble") or ())
    for item in data["articles"]:
        no = int(item["no"])
        doc.articles[no] = Article(no, item.get("chapter", ""), item.get("section"), tuple(item["paragraphs"]))
    return doc


_PART = re.compile(r"^([一二三四五六七八九十]+)、")
_POINT = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
_SPEECH_END = "由互联网用户分享整理"


def parse_speech(text: str, doc_id: str = "speech", short_title: str = "讲话") -> SourceDocument:
    """Split the speech into sections: 标题, 引言, 一, 一（一）, …, 结语 (see docs/bank-format.md)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sections: dict[str, list[str]] = {"标题": [lines[0]], "引言": []}
    current = "引言"
    part = ""
    for line in lines[1:]:
        if _SPEECH_END in line:
            break
        if m := _PART.match(line):
            part = m.group(1)
            current = part
        elif (m := _POINT.match(line)) and part:
            current = f"{part}（{m.group(1)}）"
        elif line.startswith("总之"):
            current = "结语"
        sections.setdefault(current, []).append(line)
    return SourceDocument(
        doc_id=doc_id,
        title=lines[0],
        short_title=short_title,
        sections={name: "\n".join(body) for name, body in sections.items()},
    )


class SourceLibrary:
    """The source texts known to this installation, by doc id; read-only once made.

    Args:
        documents: doc id -> document (copied).
    """

    def __init__(self, documents: Mapping[str, SourceDocument] | None = None) -> None:
        self._docs: dict[str, SourceDocument] = dict(documents or {})

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def __getitem__(self, doc_id: str) -> SourceDocument:
        """The document ``doc_id``.

        Raises:
            NotFoundError: No such document.
        """
        try:
            return self._docs[doc_id]
        except KeyError:
            raise NotFoundError(t("source.unknown_doc", doc=doc_id)) from None

    def ids(self) -> list[str]:
        """Every doc id, sorted."""
        return sorted(self._docs)

    def short_title(self, doc_id: str) -> str:
        """The short title shown in citation labels (``宪法``).

        Raises:
            KeyError: No such document.
        """
        return self._docs[doc_id].short_title

    def text(self, citation: Citation) -> str:
        """The text at ``citation``.

        Raises:
            NotFoundError: The document, or the place in it, does not exist (the message names what is missing).
        """
        return self[citation.doc].text(citation)
