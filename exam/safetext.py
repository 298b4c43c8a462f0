"""Text from outside the program made safe to show: no control character or escape sequence reaches a terminal or
a spreadsheet cell.

Names, units and positions come from rosters, results files and the sign-in form; titles and question text come
from plugins and bank files. Any of them may carry characters that a terminal acts on instead of showing: C0
controls (NUL, ESC, BEL, backspace, carriage return), DEL, C1 controls (U+0080–U+009F, among them U+009B, a
one-character CSI), escape sequences (``ESC [ 5 m`` blinks, ``ESC ] 8 ; ; URL ESC \\`` makes a hidden link, OSC 0
retitles the window) and the bidirectional overrides that make text read in a different order than it is stored
(the "Trojan Source" trick, CVE-2021-42574). openpyxl refuses C0 controls in a cell outright
(``IllegalCharacterError``), so one such name would stop a whole score sheet.

:func:`safe_text` removes all of them, whole escape sequences first so that no printable tail (``[5m``) is left
behind; line breaks and tabs are kept only where text may have several lines. It is applied once where text enters
(results import, the sign-in form) and again where text leaves (terminal tables, JSON lines, CLI error messages,
csv and xlsx cells, the trainer screen), so text stored by an older version is safe too. Files a trainer or an author
can fix are checked, not cleaned: a bank, paper or source file with such characters is a problem reported with its
file and line (:func:`unsafe_characters`, :func:`exam.yamlsafe.unsafe_text_problems`), a roster row is refused
naming the row, and a plugin's object is refused naming the field (:func:`unsafe_fields`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from typing import Any

# Whole sequences, so that their printable parameters go with them. ECMA-48 shapes: CSI (ESC [ or U+009B) with
# parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F and one final byte 0x40–0x7E; OSC (ESC ] or U+009D) and
# the string commands DCS, SOS, PM, APC up to BEL or ST (ESC \ or U+009C); any other ESC with its intermediate and
# final byte (ESC ( B, ESC 7, ...).
_ESCAPE_SEQUENCE = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]) [^\x07\x1b\x9c]{0,4096} (?:\x07|\x1b\\|\x9c)
    | \x1b [\x20-\x2f]* [\x30-\x7e]
    """,
    re.VERBOSE,
)

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Arabic letter mark, LRM, RLM, the embeddings and overrides (LRE RLE PDF LRO RLO) and the isolates (LRI RLI FSI
PDI): Unicode's explicit directional formatting characters (UAX #9)."""

LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
"""LINE SEPARATOR, PARAGRAPH SEPARATOR and NEXT LINE: line breaks outside ASCII, shown as ``\\n`` where text may
have several lines and as a space elsewhere."""


def _unsafe(ch: str, multiline: bool) -> bool:
    if ch in "\n\t":
        return not multiline
    return unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or ch in LINE_SEPARATORS


# The same test as _unsafe as one character class (category Cc is exactly U+0000–U+001F and U+007F–U+009F), so that
# clean text, nearly all text, is passed by one regex scan instead of a Python loop over its characters.
_OTHERS = "".join(sorted(BIDI_CONTROLS | LINE_SEPARATORS))
_UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_OTHERS}]")
_UNSAFE_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_OTHERS}]")


def _has_unsafe(text: str, multiline: bool) -> bool:
    return (_UNSAFE_IN_LINES if multiline else _UNSAFE_IN_A_LINE).search(text) is not None


def safe_text(text: str, multiline: bool = False) -> str:
    """``text`` without escape sequences, control characters or bidirectional overrides.

    Args:
        text: Any text from outside the program.
        multiline: Whether the text may have several lines (a question stem, a table cell): line breaks (``\\n``,
            ``\\r\\n``, a lone ``\\r``, U+2028, U+2029, U+0085) become ``\\n`` and tabs stay. Otherwise (a name, a
            title) each of them becomes one space.

    Returns:
        The text with every escape sequence removed whole and every other character of Unicode category ``Cc``
        (C0, DEL, C1) and every character of :data:`BIDI_CONTROLS` removed; unchanged (the same object) when there
        was nothing to remove, so clean text costs one scan.
    """
    if not _has_unsafe(text, multiline):
        return text
    text = text.replace("\r\n", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    out = []
    for ch in text:
        if ch in "\n\r\t" or ch in LINE_SEPARATORS:
            out.append(("\t" if ch == "\t" else "\n") if multiline else " ")
        elif not _unsafe(ch, multiline):
            out.append(ch)
    return "".join(out)


def safe_line(text: str) -> str:
    """:func:`safe_text` for one line (a name, 考号, unit, position, title), with spaces at either end removed."""
    return safe_text(text).strip()


def unsafe_characters(text: str, multiline: bool = True) -> list[str]:
    """The characters :func:`safe_text` would remove or replace, each once, as ``U+001B`` in order of appearance.

    Used to report (rather than clean) a bank file's text; ``[]`` when the text is safe.
    """
    found: list[str] = []
    if not _has_unsafe(text, multiline):
        return found
    for ch in text:
        name = f"U+{ord(ch):04X}"
        if _unsafe(ch, multiline) and name not in found:
            found.append(name)
    return found


def safe_value(value: Any) -> Any:
    """A table or spreadsheet cell made safe: text through :func:`safe_text` (several lines allowed), any other
    value unchanged."""
    return safe_text(value, multiline=True) if isinstance(value, str) else value


def safe_data(value: Any) -> Any:
    """JSON-shaped data (dicts, lists, text, numbers) with every text, keys included, through :func:`safe_text`
    (several lines allowed); a new object where anything changed, the values themselves otherwise."""
    if isinstance(value, str):
        return safe_text(value, multiline=True)
    if isinstance(value, list):
        return [safe_data(item) for item in value]
    if isinstance(value, dict):
        return {safe_data(key): safe_data(item) for key, item in value.items()}
    return value


def safe_json(value: Any, indent: int | None = None) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)`` with every character :func:`safe_text` would remove
    written as a ``\\uXXXX`` escape: the same JSON value for a program, nothing a terminal acts on for a person.

    ``json.dumps`` escapes only U+0000–U+001F; DEL, the C1 controls (U+009B is a one-character CSI) and the
    bidirectional overrides would otherwise be written raw. They can only occur inside strings, where an escape is
    valid JSON.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if not _has_unsafe(text, True):
        return text
    return "".join(f"\\u{ord(ch):04x}" if _unsafe(ch, True) else ch for ch in text)


def unsafe_fields(value: Any, where: str = "") -> list[tuple[str, list[str]]]:
    """Every text inside ``value`` that holds what :func:`safe_text` would remove (line breaks and tabs allowed).

    Walks dataclass fields, mappings (keys and values), lists, tuples and sets; used to check what a plugin returns
    (a :class:`~exam.models.Bank` object, a paper, a source document) before it is admitted.

    Args:
        value: The object to check.
        where: The name of ``value`` in the returned paths.

    Returns:
        ``(path, characters)`` pairs such as ``("questions[3].stem", ["U+001B"])``, in field order.
    """
    found: list[tuple[str, list[str]]] = []
    if isinstance(value, str):
        chars = unsafe_characters(value)
        if chars:
            found.append((where, chars))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            found += unsafe_fields(getattr(value, item.name), f"{where}.{item.name}" if where else item.name)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += unsafe_fields(key, f"{where}[{key!r}]")
            found += unsafe_fields(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            found += unsafe_fields(item, f"{where}[{index}]")
    return found
