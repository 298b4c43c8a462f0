"""Safe YAML reading for files that trainers write (banks, papers).

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
import re
from pathlib import Path
from typing import Any

import yaml

from exam.errors import BankFormatError, Problem
from exam.i18n import t
from exam.safetext import unsafe_characters

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20

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


class LineList(list[Any]):
    """A sequence read from YAML, with its line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    tag = node.tag
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
    if tag in ("tag:yaml.org,2002:str", "!"):
        return value
    raise ValueError(t("yaml.unsupported_tag", tag=tag))


def _convert(node: yaml.Node, path: str, problems: list[Problem]) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        try:
            return _scalar(node)
        except ValueError as exc:
            problems.append(Problem(path, line, None, str(exc)))
            return node.value
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_convert(item, path, problems) for item in node.value)
        seq.line = line
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    if isinstance(node, yaml.MappingNode):
        mapping = LineDict()
        mapping.line = line
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, problems)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                # Keys are names; a number key (e.g. the statutes' "no") is still usable as its text.
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in mapping:
                problems.append(
                    Problem(path, key_line, None, t("yaml.duplicate_key", key=key, line=mapping.key_lines[key]))
                )
                continue
            mapping[key] = _convert(value_node, path, problems)
            mapping.key_lines[key] = key_line
        return mapping
    raise ValueError(f"unknown node {node!r}")


def load_yaml(path: str | Path, text: str | None = None, collect: list[Problem] | None = None) -> Any:
    """Read a trainer's YAML file safely; raise :class:`BankFormatError` listing every problem found.

    Args:
        path: The file (also the name used in problems when ``text`` is given).
        text: The file's content, if already read.
        collect: When given, problems that do not stop reading (a key written twice, an unsupported tag) are
            appended here and the data is returned, so a caller can report them together with its own checks.
            Problems that do stop reading (syntax, aliases, nesting, size) are always raised.
    """
    p = Path(path)
    name = str(path)
    if text is None:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise BankFormatError.single(name, None, None, t("yaml.cannot_read", error=exc.strerror)) from None
        if size > MAX_BYTES:
            raise BankFormatError.single(name, None, None, t("yaml.too_large", size=size, limit=MAX_BYTES))
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise BankFormatError.single(name, None, None, t("yaml.not_utf8", offset=exc.start)) from None
        except OSError as exc:
            raise BankFormatError.single(name, None, None, t("yaml.cannot_read", error=exc.strerror)) from None
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise BankFormatError.single(name, None, None, t("yaml.too_large_text", limit=MAX_BYTES))

    problems: list[Problem] = []
    try:
        depth = 0
        for event in yaml.parse(text, Loader=CoreSchemaLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(name, line, None, t("yaml.no_aliases")))
            elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                problems.append(Problem(name, line, None, t("yaml.no_anchors")))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise BankFormatError.single(name, line, None, t("yaml.too_deep", limit=MAX_DEPTH))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        if problems:
            raise BankFormatError(problems)
        documents = list(yaml.compose_all(text, Loader=CoreSchemaLoader))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file: say which, and where
        code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
        position = exc.position
        if 0 <= position < len(text) and ord(text[position]) == code:  # the pure-Python reader counts characters
            line = text.count("\n", 0, position) + 1
        else:  # libyaml (the C loader) counts bytes of the UTF-8 text
            line = text.encode("utf-8").count(b"\n", 0, position) + 1
        raise BankFormatError.single(name, line, None, t("yaml.unsafe_character", chars=f"U+{code:04X}")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankFormatError.single(name, line, None, t("yaml.syntax", error=exc.problem or exc)) from None
    except yaml.YAMLError as exc:
        raise BankFormatError.single(name, None, None, t("yaml.syntax", error=exc)) from None
    if len(documents) > 1:
        raise BankFormatError.single(name, None, None, t("yaml.many_documents"))
    if not documents or documents[0] is None:  # nothing at all, or only comments
        raise BankFormatError.single(name, 1, None, t("yaml.empty"))
    data = _convert(documents[0], name, problems)
    if collect is None and problems:
        raise BankFormatError(problems)
    if collect is not None:
        collect.extend(problems)
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
