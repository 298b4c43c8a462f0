"""Safe YAML reading for files that trainers write (banks, papers).

* one pass of the parser (the C one where PyYAML has it) gives the data, its lines and every check below: the data
  is built straight from the event stream, so nothing hostile is composed before it is refused;
* only the safe loader, and no anchors or aliases at all (no alias bombs);
* nesting depth and file size are capped;
* scalars follow YAML 1.2's core schema: ``no``/``on`` stay strings and ``1:30`` stays ``"1:30"``;
* a key written twice is reported, never silently overwritten;
* every mapping and sequence remembers its line, so errors can name it;
* a control character written into the file is reported with its line; one written as an escape (``"\\e[5m"``)
  is found by :func:`unsafe_text_problems`, which bank and paper files go through.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from exam.errors import BankFormatError, Problem
from exam.i18n import t
from exam.safetext import unsafe_characters

MAX_BYTES = 16 * 1024 * 1024
"""The largest bank, paper or source file read, in bytes: a 20,000-question bank in the built-in banks' style is
about 14 MB (measured with the issue 17 generator; the built-in banks average 750 bytes a question)."""
MAX_DEPTH = 20


PARSES: Counter[str] = Counter()
"""How many times :func:`load_yaml` has parsed each file (by the name given) in this process: the tests pin the
cost of a load with it (one parse per file read cold, none for a bank or statute taken from the cache)."""

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CoreSchemaLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader whose implicit types are YAML 1.2 core schema only."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _add(tag: str, pattern: str, first: str) -> None:
    CoreSchemaLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_add("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_add("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
_add("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
_add(
    "tag:yaml.org,2002:float",
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+0123456789.",
)


class LineDict(dict[str, Any]):
    """A mapping read from YAML, with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    text_is_safe: bool = False
    """Set by :func:`load_yaml` on the document it returns when no text in it holds a character
    :func:`unsafe_text_problems` reports, which then need not visit every value again."""


class LineList(list[Any]):
    """A sequence read from YAML, with its line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]
    text_is_safe: bool = False
    """As :attr:`LineDict.text_is_safe`."""


def _scalar(tag: str, value: str) -> Any:
    if tag == "tag:yaml.org,2002:str" or tag == "!":
        return value
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        if value.startswith(("0x", "0o")):
            return int(value, 0)
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        low = value.lower().lstrip("+")
        if low.endswith(".inf"):
            return -math.inf if low.startswith("-") else math.inf
        if low == ".nan":
            return math.nan
        return float(value)
    raise ValueError(t("yaml.unsupported_tag", tag=tag))


_RESOLVERS = CoreSchemaLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"


def _resolve_plain(value: str) -> str:
    """The tag of a plain (unquoted, untagged) scalar under the core schema, as the resolver of PyYAML decides it."""
    for tag, pattern in _RESOLVERS.get(value[0] if value else "", ()):
        if pattern.match(value):
            return tag
    return _STR


_DUPLICATE = object()
"""The pending key of a mapping whose key was written twice: its value is read (the syntax is checked) and dropped."""


class _Builder:
    """Turns the parser's event stream into ``LineDict``/``LineList``/scalars in the same pass that checks it.

    One pass over the events does what composing and converting did before: the anchors, aliases and nesting guards,
    the core-schema scalars, the lines of every mapping, key and item, and the keys written twice. Nothing is composed
    first, so a hostile file (an alias bomb, a deep nesting) is refused from the stream, as it is read.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []  # problems that do not stop reading (keys written twice, unknown tags)
        self.refusals: list[Problem] = []  # anchors and aliases: the file is refused, listing all of them
        self.documents: list[Any] = []
        self.escaped_unsafe = False  # a double-quoted scalar wrote an unsafe character as an escape ("\\e")
        # Per open collection: [container, pending key (None: a key is awaited), its line, problems before it].
        self.stack: list[list[Any]] = []

    def attach(self, value: Any, line: int) -> None:
        if not self.stack:
            self.documents.append(value)
            return
        frame = self.stack[-1]
        container = frame[0]
        if container.__class__ is LineList:
            container.append(value)
            container.item_lines.append(line)
            return
        key = frame[1]
        if key is None:  # this value is a key
            if value.__class__ is not str:
                # Keys are names; a number key (e.g. the statutes' "no") is still usable as its text.
                value = str(value).lower() if isinstance(value, bool) else str(value)
            if value in container:
                self.problems.append(
                    Problem(self.name, line, None, t("yaml.duplicate_key", key=value, line=container.key_lines[value]))
                )
                frame[1], frame[3] = _DUPLICATE, len(self.problems)
            else:
                frame[1], frame[2] = value, line
            return
        frame[1] = None
        if key is _DUPLICATE:
            del self.problems[frame[3] :]  # the dropped value's own problems are not reported, as it is not read
            return
        container[key] = value
        container.key_lines[key] = frame[2]

    def feed(self, events: Any) -> None:
        scalar_event, start_events = yaml.ScalarEvent, (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        stack, name = self.stack, self.name
        for event in events:
            cls = event.__class__
            if cls is scalar_event:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    self.refusals.append(Problem(name, line, None, t("yaml.no_anchors")))
                tag, value = event.tag, event.value
                # Only a double-quoted scalar can hold a character not written as such in the file (an escape).
                if event.style == '"' and unsafe_characters(value):
                    self.escaped_unsafe = True
                if tag is None:
                    tag = _resolve_plain(value) if event.implicit[0] else _STR
                if tag is _STR:
                    self.attach(value, line)
                    continue
                try:
                    converted = _scalar(tag, value)
                except ValueError as exc:
                    self.problems.append(Problem(name, line, None, str(exc)))
                    converted = value
                self.attach(converted, line)
            elif cls in start_events:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    self.refusals.append(Problem(name, line, None, t("yaml.no_anchors")))
                if len(stack) >= MAX_DEPTH:
                    raise BankFormatError.single(name, line, None, t("yaml.too_deep", limit=MAX_DEPTH))
                container: LineDict | LineList
                if cls is yaml.MappingStartEvent:
                    container = LineDict()
                    container.key_lines = {}
                else:
                    container = LineList()
                    container.item_lines = []
                container.line = line
                stack.append([container, None, 0, 0])
            elif cls in end_events:
                container = stack.pop()[0]
                self.attach(container, container.line)
            elif cls is yaml.AliasEvent:
                line = event.start_mark.line + 1
                self.refusals.append(Problem(name, line, None, t("yaml.no_aliases")))
                self.attach(None, line)


def load_yaml(path: str | Path, text: str | None = None, collect: list[Problem] | None = None) -> Any:
    """Read a trainer's YAML file safely, in one pass of the parser; raise :class:`BankFormatError` listing every
    problem found.

    Args:
        path: The file (also the name used in problems when ``text`` is given).
        text: The file's content, if already read.
        collect: When given, problems that do not stop reading (a key written twice, an unsupported tag) are
            appended here and the data is returned, so a caller can report them together with its own checks.
            Problems that do stop reading (syntax, aliases, nesting, size) are always raised.

    Returns:
        The document: ``LineDict``/``LineList`` (with their lines) and core-schema scalars; ``None`` for a document
        that is only ``---``.

    Raises:
        BankFormatError: The file cannot be read, is over :data:`MAX_BYTES`, is not UTF-8, is not well-formed YAML,
            uses anchors or aliases, nests deeper than :data:`MAX_DEPTH`, holds a character YAML does not allow, has
            no document or more than one, or (without ``collect``) has a key written twice or an unsupported tag.
    """
    name = str(path)
    if text is None:
        text = read_text_capped(path)
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise BankFormatError.single(name, None, None, t("yaml.too_large_text", limit=MAX_BYTES))
    return load_yaml_text(name, text, collect)


def read_bytes_capped(path: str | Path) -> bytes:
    """The bytes of a trainer's file, refused over :data:`MAX_BYTES` before it is read.

    Raises:
        BankFormatError: The file cannot be read or is too large (naming its size and the limit).
    """
    name = str(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise BankFormatError.single(name, None, None, t("yaml.too_large", size=size, limit=MAX_BYTES))
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise BankFormatError.single(name, None, None, t("yaml.cannot_read", error=exc.strerror)) from None
    if len(content) > MAX_BYTES:  # it grew while being read
        raise BankFormatError.single(name, None, None, t("yaml.too_large", size=len(content), limit=MAX_BYTES))
    return content


def decode_utf8(name: str, content: bytes) -> str:
    """``content`` as UTF-8 text.

    Raises:
        BankFormatError: It is not UTF-8 (naming the byte), in file ``name``.
    """
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankFormatError.single(name, None, None, t("yaml.not_utf8", offset=exc.start)) from None


def read_text_capped(path: str | Path) -> str:
    """The UTF-8 text of a trainer's file, refused over :data:`MAX_BYTES` before it is read.

    Raises:
        BankFormatError: The file cannot be read, is too large, or is not UTF-8 (naming the byte).
    """
    return decode_utf8(str(path), read_bytes_capped(path))


def load_yaml_text(name: str, text: str, collect: list[Problem] | None = None) -> Any:
    """:func:`load_yaml` of ``text`` already read (and within the size cap); ``name`` is used in problems."""
    PARSES[name] += 1
    builder = _Builder(name)
    try:
        builder.feed(yaml.parse(text, Loader=CoreSchemaLoader))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file: say which, and where
        code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
        position = exc.position
        if 0 <= position < len(text) and ord(text[position]) == code:  # the pure-Python reader counts characters
            at = text.count("\n", 0, position) + 1
        else:  # libyaml (the C loader) counts bytes of the UTF-8 text
            at = text.encode("utf-8").count(b"\n", 0, position) + 1
        raise BankFormatError.single(name, at, None, t("yaml.unsafe_character", chars=f"U+{code:04X}")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankFormatError.single(name, line, None, t("yaml.syntax", error=exc.problem or exc)) from None
    except yaml.YAMLError as exc:
        raise BankFormatError.single(name, None, None, t("yaml.syntax", error=exc)) from None
    if builder.refusals:
        raise BankFormatError(builder.refusals)
    documents, problems = builder.documents, builder.problems
    if len(documents) > 1:
        raise BankFormatError.single(name, None, None, t("yaml.many_documents"))
    if not documents:  # nothing at all, or only comments
        raise BankFormatError.single(name, 1, None, t("yaml.empty"))
    if collect is None and problems:
        raise BankFormatError(problems)
    if collect is not None:
        collect.extend(problems)
    data = documents[0]
    if isinstance(data, (LineDict, LineList)):
        # Every text value is either written in the file as it is or is a double-quoted scalar checked above.
        data.text_is_safe = not builder.escaped_unsafe and not unsafe_characters(text)
    return data


def unsafe_text_problems(data: Any, path: str | Path) -> list[Problem]:
    """One problem per text value of ``data`` (as :func:`load_yaml` read it) that holds a control character, an
    escape sequence or a bidirectional override (see :mod:`exam.safetext`); line breaks and tabs are allowed.

    Such text would act on the terminal (blink, hide a link, retitle the window) or stop an xlsx export instead of
    being shown, so a bank or paper file carrying it is refused, naming the line and the characters found.

    Args:
        data: The document, ``LineDict``/``LineList`` from :func:`load_yaml` (plain values are checked too).
        path: The file name used in the problems.

    Returns:
        The problems in document order; the item is ``None`` (a caller names the question from the line).
    """
    problems: list[Problem] = []
    if getattr(data, "text_is_safe", False):  # load_yaml checked the file's text and its escapes in its one pass
        return problems

    def visit(value: Any, line: int | None) -> None:
        if isinstance(value, str):
            chars = unsafe_characters(value)
            if chars:
                problems.append(Problem(str(path), line, None, t("yaml.unsafe_text", chars=", ".join(chars))))
        elif isinstance(value, dict):
            key_lines = getattr(value, "key_lines", {})
            for key, item in value.items():
                visit(key, key_lines.get(key, getattr(value, "line", line)))
                visit(item, key_lines.get(key, getattr(value, "line", line)))
        elif isinstance(value, list):
            item_lines = getattr(value, "item_lines", [])
            for index, item in enumerate(value):
                visit(item, item_lines[index] if index < len(item_lines) else getattr(value, "line", line))

    visit(data, getattr(data, "line", None))
    return problems
