"""Writing a bank back to a ``*.bank.yaml`` file that :mod:`exam.banks` reads (see docs/bank-format.md).

The output is meant to be read and edited by a trainer:

* Chinese stays Chinese (``allow_unicode``), long lines are never folded;
* keys come in the documented order, one blank line between questions, short lists in flow style
  (``tags: [国家机构, 地方人大]``, ``source: {doc: …, article: 95, paragraph: 1}``);
* a string is written plain only when no YAML reader could take it for anything else. YAML 1.1 readers (PyYAML,
  many editors) turn ``yes``/``no``/``on``/``off``/``y``/``n`` into booleans and ``1:30`` into 5400, YAML 1.2 readers
  (our loader) turn ``0o17`` into 15; so every string that looks like a number, a boolean, null, a date or starts
  with an indicator character is quoted, and so is every string with ``:``, ``#``, brackets or quotes in it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from exam.formats.document import BANK_ORDER, QUESTION_ORDER, bank_document
from exam.models import Bank

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

# Words some YAML reader takes for a boolean or null (YAML 1.1 spec: y|n|yes|no|on|off|true|false, any case).
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<"}
# First characters that make a plain scalar a number, a date, or a YAML indicator.
_RISKY_START = set("0123456789+-.~=<!&*?|>'\"%@`#,[]{}:")
# Characters that are syntax somewhere in YAML (flow collections, comments, mapping values, quotes).
_RISKY_ANYWHERE = set(":#,[]{}&*!|>'\"%@`\\")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

_FLOW_KEYS = {"tags", "sources", "source"}
"""Keys whose value is short enough to read best on one line."""


def plain_is_safe(text: str) -> bool:
    """Whether ``text`` may be written without quotes and read back as the same string by any YAML reader."""
    if not text or text != text.strip() or _CONTROL.search(text):
        return False
    if text.lower() in _RESERVED or text[0] in _RISKY_START:
        return False
    return not any(c in _RISKY_ANYWHERE for c in text)


class _BankDumper(yaml.SafeDumper):
    """Indents lists under their key, as docs/bank-format.md does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _scalar(value: Any, block_text: bool) -> yaml.ScalarNode:
    if isinstance(value, bool):
        return yaml.ScalarNode(_BOOL, "true" if value else "false")
    if value is None:
        return yaml.ScalarNode(_NULL, "null")
    if isinstance(value, int):
        return yaml.ScalarNode(_INT, str(value))
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return yaml.ScalarNode(_INT, str(int(value)))
        return yaml.ScalarNode(_FLOAT, repr(value))
    text = str(value)
    lines_start_plainly = all(not line[:1].isspace() for line in text.split("\n"))
    if "\n" in text and block_text and not text.endswith("\n") and lines_start_plainly:
        # A literal block reads best; the emitter falls back to double quotes when one cannot hold the text.
        # (A trailing line break would need "|+", after which PyYAML ends the document with "..."; a line that
        # starts with white space such as U+00A0 is taken for indentation when read back.)
        style: str | None = "|"
    elif plain_is_safe(text):
        style = None
    else:
        style = '"'
    return yaml.ScalarNode(_STR, text, style=style)


def _reads_on_one_line(item: Any) -> bool:
    """A plain value, or an order-free blank answer (``{any_order: [主动性, 积极性]}``)."""
    if isinstance(item, Mapping):
        return set(item) == {"any_order"}
    return not isinstance(item, (list, tuple))


def _node(value: Any, key: str | None = None, flow: bool = False, order: Sequence[str] = ()) -> yaml.Node:
    if isinstance(value, Mapping):
        flow = flow or key in _FLOW_KEYS
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        pairs = [(_scalar(k, False), _node(value[k], k, flow)) for k in keys]
        return yaml.MappingNode(_MAP, pairs, flow_style=flow)
    if isinstance(value, (list, tuple)):
        items = list(value)
        # Lists of plain values (tags, keys such as [A, C], one blank's answers) read best on one line;
        # options and lists of lists (blanks, keyword groups) one item per line.
        one_line = (
            flow
            or key in _FLOW_KEYS
            or (key not in ("options", "questions") and all(_reads_on_one_line(i) for i in items))
        )
        nodes = [_node(item, None, one_line) for item in items]
        return yaml.SequenceNode(_SEQ, nodes, flow_style=one_line)
    return _scalar(value, block_text=not flow)


def _serialize(node: yaml.Node) -> str:
    return yaml.serialize(node, Dumper=_BankDumper, allow_unicode=True, width=1_000_000, indent=2)


def dump_document(document: Mapping[str, Any], header: str | None = None) -> str:
    """YAML text for a bank document (``bank:`` and ``questions:``), in the documented key order.

    Args:
        document: ``{"bank": {...}, "questions": [{...}, ...]}`` as built by :mod:`exam.formats.document`.
        header: Comment lines put at the top (without ``#``), e.g. where the bank was converted from.
    """
    meta = _node(document.get("bank", {}), "bank", order=BANK_ORDER)
    questions = [_node(q, order=QUESTION_ORDER) for q in document.get("questions", [])]
    parts = []
    if header:
        parts.append("".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()))
    parts.append(_serialize(yaml.MappingNode(_MAP, [(_scalar("bank", False), meta)])))
    if questions:
        parts.append("\nquestions:\n")
        blocks = []
        for question in questions:
            text = _serialize(yaml.SequenceNode(_SEQ, [question], flow_style=False))
            blocks.append("".join("  " + line if line.strip() else line for line in text.splitlines(True)))
        parts.append("\n".join(blocks))
    else:
        parts.append("\nquestions: []\n")
    return "".join(parts)


def dump_bank(bank: Bank, header: str | None = None) -> str:
    """YAML text for a validated bank; reading it back gives the same questions."""
    return dump_document(bank_document(bank), header)
