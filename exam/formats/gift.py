"""Moodle GIFT: import and export (https://docs.moodle.org/en/GIFT_format).

What Moodle defines, and how our types map to it:

=============  ====================================================================================
single         ``stem{=right ~wrong ~wrong}``
multiple       ``stem{~%50%right ~%50%right ~%-100%wrong}`` (no ``=``; weights > 0 are the keys)
judge          ``stem{T}`` / ``stem{F}`` (``TRUE``/``FALSE`` too)
blank          ``text {=a =b} text``: the block stands where the blank is; ``=a =b`` are accepted answers
short          ``stem{}`` (an essay); the reference answer and keywords travel in the ``// exam:`` comment
=============  ====================================================================================

* ``::title::`` before the text is the question's name; we write and read the question id there.
* ``####text`` inside the braces is the general feedback: our ``explanation``.
* Lines starting with ``//`` are comments. Moodle reads ``[id:…]`` and ``[tag:…]`` in them (idnumber and tags),
  and so do we. Our other fields (source, quote, difficulty, points, tags, negated, group, application, a short
  answer's key, a blank key with an order-free answer, which Moodle sees as its items joined by 、) go in
  one line ``// exam: {JSON}`` that Moodle ignores and we read back, so our own round trip keeps everything.
  The bank's id, title, version … go in ``// exam-bank: {JSON}`` at the top of the file.
* Escapes, as Moodle writes them: ``\\~ \\= \\# \\{ \\} \\:`` for the special characters, ``\\\\`` for a backslash
  and ``\\n`` for a line break.
* Questions are separated by blank lines; ``$CATEGORY:`` lines are accepted and ignored.

Limits: numerical (``{#…}``) and matching (``{=a -> b}``) questions and descriptions (no braces) have no
counterpart here and are reported. Per-answer feedback (``=right#feedback``) and partial-credit weights of a
single-choice question are dropped. Moodle accepts one answer block per question, so a blank question with
several blanks is written with one block per blank: we read it back, Moodle would read only the first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from exam.banks import QUESTION_ID
from exam.formats.document import ImportedBank, bank_meta, line_dict, line_list, question_document
from exam.formats.htmltext import html_to_text
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank
from exam.qtypes import BLANK_MARK

# Private placeholders for escaped characters while the structure is parsed (Unicode noncharacters never occur
# in interchange text; Moodle does the same with "&&058;" and friends).
_ESCAPES = {":": "\ufdd0", "#": "\ufdd1", "=": "\ufdd2", "{": "\ufdd3", "}": "\ufdd4", "~": "\ufdd5"}
_RESTORE = str.maketrans({v: k for k, v in _ESCAPES.items()})
_SPECIAL = "~=#{}:"
_WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]*)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_MOODLE_ID = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f])+)\]")
_MOODLE_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f])*)\]")
COMMENT = "//"
QUESTION_MARK = "exam:"
BANK_MARK = "exam-bank:"
TRUE_WORDS = ("T", "TRUE")
FALSE_WORDS = ("F", "FALSE")
_ESCAPED_BRACES = {"escaped_open": "\\{", "escaped_close": "\\}"}
_EXAMPLES = {"numerical": "{#…}", "matching": "{=a -> b}"}
CHOICE_BLANK = "（ ）"
"""What a missing-word multiple-choice block becomes in a single/multiple stem."""


def escape(text: str) -> str:
    """Text as GIFT writes it: specials and backslashes escaped, line breaks as ``\\n``."""
    out = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _out(text: str) -> str:
    """:func:`escape`, and text that starts like a format marker (``[html]…``) keeps it as text behind ``[moodle]``."""
    return ("[moodle]" if _FORMAT.match(text) else "") + escape(text)


def _protect(text: str) -> str:
    """Replace escaped characters by placeholders (``\\\\`` → ``\\``, ``\\n`` → line break)."""
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            if following == "\\":
                out.append("\\")
                i += 2
                continue
            if following in _ESCAPES:
                out.append(_ESCAPES[following])
                i += 2
                continue
            if following == "n":
                out.append("\n")
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _clean(text: str, fmt: str = "moodle") -> str:
    """A piece of question text as plain text: a format marker at its start overrides ``fmt``; ``html`` text is
    laid out as a browser would (:func:`~exam.formats.htmltext.html_to_text`); escapes restored; trimmed.

    ``[markdown]`` text is kept as written: Markdown is meant to read well as plain text.
    """
    text = text.strip()
    marker = _FORMAT.match(text)
    if marker:
        fmt = marker.group(1).lower()
        text = text[marker.end() :]
    text = _restore(text)
    if fmt == "html":
        return html_to_text(text)
    return text.strip()


def _text_format(text: str) -> str:
    """The format a question's text declares (``[html]…``), which its answers and feedback follow too."""
    marker = _FORMAT.match(text.strip())
    return marker.group(1).lower() if marker else "moodle"


def category_tag(path: str) -> str | None:
    """The tag a Moodle category stands for: its last part (``$course$/top/宪法/第三章`` → ``第三章``), or ``None``
    for Moodle's own top levels."""
    parts = [part.strip() for part in path.replace("//", "\ufdd6").split("/")]
    names = [p.replace("\ufdd6", "/") for p in parts if p and not (p.startswith("$") and p.endswith("$"))]
    names = [name for name in names if name.lower() != "top"]
    return names[-1] if names else None


# -- export ---------------------------------------------------------------------------------------------------------


def weight_text(count: int) -> str:
    """The weight of each of ``count`` keys, as Moodle writes it (``33.33333``: Moodle accepts listed values only)."""
    value = round(100 / count, 5)
    return str(int(value)) if value.is_integer() else f"{value:.5f}".rstrip("0")


def _json_line(mark: str, data: Mapping[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
    # U+2028/U+2029 are line breaks to some readers; keep the comment on one line for everyone.
    return f"{COMMENT} {mark} " + text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _moodle_comment(record: Mapping[str, Any]) -> str:
    parts = [f"[id:{record['id']}]"]
    for tag in record.get("tags") or []:
        if not re.search(r"[<>`\x00-\x1f]", tag):
            parts.append(f"[tag:{tag.replace(']', chr(92) + ']')}]")
    return f"{COMMENT} " + " ".join(parts)


def question_gift(record: Mapping[str, Any]) -> str:
    """One question (a bank-file record) as GIFT lines, without the separating blank line."""
    qtype = record["type"]
    extra: dict[str, Any] = {
        "source": record["source"],
        "quote": record["quote"],
        "difficulty": record.get("difficulty", 2),
        "tags": list(record.get("tags") or []),
        "points": record.get("points"),
    }
    for flag in ("negated", "group", "application"):
        if record.get(flag):
            extra[flag] = record[flag]
    feedback = f"####{_out(record['explanation'])}" if record.get("explanation") else ""
    stem = record["stem"]
    answer = record["answer"]
    if qtype == "single":
        lines = [
            f"\t{'=' if letter == answer else '~'}{_out(option)}"
            for letter, option in zip(OPTION_LETTERS, record["options"], strict=False)
        ]
        body = f"{_out(stem)}{{\n" + "\n".join(lines) + (f"\n\t{feedback}" if feedback else "") + "\n}"
    elif qtype == "multiple":
        weight = weight_text(len(answer))
        lines = [
            f"\t~%{weight if letter in answer else '-100'}%{_out(option)}"
            for letter, option in zip(OPTION_LETTERS, record["options"], strict=False)
        ]
        body = f"{_out(stem)}{{\n" + "\n".join(lines) + (f"\n\t{feedback}" if feedback else "") + "\n}"
    elif qtype == "judge":
        body = f"{_out(stem)}{{{'T' if answer else 'F'}{feedback}}}"
    elif qtype == "blank":
        pieces = stem.split(BLANK_MARK)
        if any(isinstance(a, Mapping) for group in answer for a in group):
            extra["answer"] = answer  # an order-free answer: Moodle reads its items in the order written
        blocks = ["{" + " ".join("=" + _out(_accepted_text(a)) for a in group) for group in answer]
        if blocks:
            blocks[-1] += feedback
        blocks = [block + "}" for block in blocks]
        body = _out(pieces[0]) + "".join(block + escape(piece) for block, piece in zip(blocks, pieces[1:], strict=True))
    else:  # short, or a plugin's type: an essay; the key travels in the comment
        extra["type"] = qtype
        extra["answer"] = answer
        if record.get("options"):
            extra["options"] = list(record["options"])
        body = f"{_out(stem)}{{{feedback}}}"
    # The id travels in [id:…] (Moodle's idnumber); ::title:: is the question's name, written only when it has one.
    name = f"::{escape(record['title'])}::" if record.get("title") else ""
    return "\n".join([_moodle_comment(record), _json_line(QUESTION_MARK, extra), name + body])


def _accepted_text(accepted: Any) -> str:
    """An accepted blank answer as text: an order-free one (``{"any_order": [...]}``) as its items joined by 、."""
    return "、".join(accepted["any_order"]) if isinstance(accepted, Mapping) else str(accepted)


def export_gift(bank: Bank) -> str:
    """The whole bank as a GIFT file (UTF-8 text)."""
    parts = [
        f"{COMMENT} {bank.title} ({bank.id} {bank.version}): exam banks export --format gift",
        _json_line(BANK_MARK, bank_meta(bank)),
    ]
    blocks = ["\n".join(parts)]
    blocks += [question_gift(question_document(q)) for q in bank.questions]
    return "\n\n".join(blocks) + "\n"


# -- import ---------------------------------------------------------------------------------------------------------


def _split_answers(text: str) -> list[tuple[str, str]]:
    """``=a ~b ~%50%c`` → ``[("=", "a"), ("~", "b"), ("~", "%50%c")]`` (text still protected)."""
    answers: list[tuple[str, str]] = []
    current: list[str] | None = None
    marker = ""
    for char in text:
        if char in "=~":
            if current is not None:
                answers.append((marker, "".join(current)))
            marker, current = char, []
        elif current is not None:
            current.append(char)
        elif not char.isspace():
            return []  # text before the first = or ~: not a list of answers
    if current is not None:
        answers.append((marker, "".join(current)))
    return answers


def _answer_parts(raw: str, fmt: str = "moodle") -> tuple[float | None, str]:
    """``%50%text#feedback`` → ``(50.0, "text")``; the per-answer feedback is dropped."""
    raw = raw.strip()
    weight = None
    if match := _WEIGHT.match(raw):
        weight = float(match.group(1))
        raw = raw[match.end() :]
    text = raw.split("#", 1)[0]
    return weight, _clean(text, fmt)


def _blocks(text: str) -> list[tuple[int, int]] | str:
    """Positions of ``{…}`` answer blocks, or the reason they cannot be read."""
    spans = []
    start = None
    for index, char in enumerate(text):
        if char == "{":
            if start is not None:
                return t("formats.gift_nested_brace", brace="{", **_ESCAPED_BRACES)
            start = index
        elif char == "}":
            if start is None:
                return t("formats.gift_unbalanced", **_ESCAPED_BRACES)
            spans.append((start, index))
            start = None
    if start is not None:
        return t("formats.gift_unbalanced", **_ESCAPED_BRACES)
    return spans


def _question_from_block(lines: list[tuple[int, str]], out: ImportedBank, category: str | None) -> None:
    """Convert one blank-line-separated block. A block that cannot be converted is reported and left out; a question
    of a kind without a counterpart here is reported as skipped (the rest of the file still imports)."""
    comments = [(n, line.strip()[2:].strip()) for n, line in lines if line.strip().startswith(COMMENT)]
    body = [(n, line) for n, line in lines if not line.strip().startswith(COMMENT)]
    start = body[0][0]
    text = _protect("\n".join(line for _, line in body).strip())

    extra: dict[str, Any] = {}
    extra_line = start
    moodle_id = ""
    moodle_tags: list[str] = [category] if category else []
    for number, comment in comments:
        if comment.startswith(QUESTION_MARK):
            try:
                data = json.loads(comment[len(QUESTION_MARK) :])
            except json.JSONDecodeError as exc:
                out.leave_out(number, None, t("formats.gift_bad_json", error=exc.msg))
                return
            if not isinstance(data, dict):
                out.leave_out(number, None, t("formats.gift_bad_json", error="not an object"))
                return
            extra, extra_line = data, number
            continue  # its text (a quote, say) is data, not Moodle annotations
        if not moodle_id and (match := _MOODLE_ID.search(comment)):
            moodle_id = match.group(1).replace("\\]", "]").strip()
        moodle_tags += [m.replace("\\]", "]").strip() for m in _MOODLE_TAG.findall(comment) if m.strip()]

    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            out.leave_out(start, None, t("formats.gift_title_unclosed"))
            return
        title = _clean(text[2:end])
        text = text[end + 2 :].lstrip()
    # A Moodle idnumber is free text; only one that is a valid question id is kept, the others get q001 … .
    qid = moodle_id if QUESTION_ID.match(moodle_id) else ""
    item = qid or title or None
    fmt = _text_format(text)

    spans = _blocks(text)
    if isinstance(spans, str):
        out.leave_out(start, item, spans)
        return
    if not spans:
        out.skip(start, item, t("formats.skipped_kind", kind=t("formats.kind_description")))
        return

    feedback = ""
    raw_blocks = []
    for begin, end in spans:
        inner = text[begin + 1 : end]
        cut = inner.rfind("####")
        if cut >= 0:
            feedback = _clean(inner[cut + 4 :], fmt)
            inner = inner[:cut]
        raw_blocks.append(inner.strip())

    question: dict[str, Any] = {"id": qid}
    if title:
        question["title"] = title
    first = raw_blocks[0]
    kind = _kind(first)
    if len(spans) > 1 and any(_kind(block) != "shortanswer" for block in raw_blocks):
        out.skip(start, item, t("formats.skipped_kind", kind=t("formats.kind_several_blocks")))
        return
    if kind in ("numerical", "matching"):
        out.skip(start, item, t("formats.skipped_kind", kind=t(f"formats.kind_{kind}")))
        return

    before, after = text[: spans[0][0]], text[spans[-1][1] + 1 :]
    if kind == "shortanswer":
        pieces = [before]
        pieces += [text[end + 1 : next_begin] for (_, end), (next_begin, _) in zip(spans, spans[1:], strict=False)]
        pieces.append(after)
        question["type"] = "blank"
        question["stem"] = _clean(BLANK_MARK.join(pieces), fmt)
        groups = []
        for block in raw_blocks:
            parts = [_answer_parts(raw, fmt) for _, raw in _split_answers(block)]
            # Partial-credit alternatives (=%50%…) have no counterpart: a blank is right or wrong.
            groups.append(line_list([text_ for weight, text_ in parts if weight is None or weight >= 100], start))
        question["answer"] = line_list(groups, start)
        if isinstance(extra.get("answer"), list):  # our own key (order-free answers) rides in the comment
            question["answer"] = _as_line_list(extra["answer"], extra_line)
    elif kind == "truefalse":
        question["type"] = "judge"
        question["stem"] = _clean(before + after, fmt)
        question["answer"] = first.split("#", 1)[0].strip().upper() in TRUE_WORDS
    elif kind == "essay":
        question["type"] = extra.get("type", "short")
        question["stem"] = _clean(before + after, fmt)
        if "options" in extra:
            question["options"] = _as_line_list(extra["options"], extra_line)
        question["answer"] = extra.get("answer", {"reference": "", "keywords": []})
    else:  # multiple choice
        answers = [(marker, *_answer_parts(raw, fmt)) for marker, raw in _split_answers(first)]
        if not answers:
            out.leave_out(start, item, t("formats.gift_bad_answers"))
            return
        equals = [i for i, (marker, _, _) in enumerate(answers) if marker == "="]
        if len(equals) > 1:
            out.leave_out(start, item, t("formats.gift_several_right"))
            return
        if equals:  # Moodle: one "=" makes a single-answer question
            question["type"] = "single"
            question["answer"] = OPTION_LETTERS[equals[0]] if equals[0] < len(OPTION_LETTERS) else ""
        else:  # no "=": several answers, the ones with a positive weight are right
            question["type"] = "multiple"
            question["answer"] = [
                OPTION_LETTERS[i] for i, (_, weight, _) in enumerate(answers)
                if weight is not None and weight > 0 and i < len(OPTION_LETTERS)
            ]  # fmt: skip
        question["options"] = line_list([text_ for _, _, text_ in answers], start)
        # Missing-word format (text after the block): the block stood inside the sentence, keep its place.
        question["stem"] = _clean(before + CHOICE_BLANK + after if after.strip() else before, fmt)

    question["explanation"] = feedback
    question["source"] = extra.get("source")
    question["quote"] = extra.get("quote", "")
    for key in ("difficulty", "points"):
        if extra.get(key) is not None:
            question[key] = extra[key]
    tags = extra.get("tags", moodle_tags)
    if tags:
        question["tags"] = _as_line_list(tags, extra_line)
    for flag in ("negated", "group", "application"):
        if extra.get(flag):
            question[flag] = extra[flag]
    key_lines = {
        key: extra_line
        for key in ("source", "quote", "difficulty", "points", "tags", "negated", "group", "application")
    }
    out.questions.append(line_dict(question, start, key_lines))


def _as_line_list(value: Any, line: int) -> Any:
    """A list from the ``// exam:`` comment with its line; anything else as it is, for the loader to report."""
    return line_list(value, line) if isinstance(value, list) else value


def _kind(answer_text: str) -> str:
    """Moodle's order of tests on the text inside the braces."""
    if answer_text == "":
        return "essay"
    if answer_text.startswith("#"):
        return "numerical"
    if "~" in answer_text:
        return "multichoice"
    if "=" in answer_text and "->" in answer_text:
        return "matching"
    if answer_text.split("#", 1)[0].strip().upper() in TRUE_WORDS + FALSE_WORDS:
        return "truefalse"
    return "shortanswer"


def parse_gift(text: str, path: str) -> ImportedBank:
    """Read a GIFT file's text; every problem names its line, every question is imported or reported."""
    out = ImportedBank(path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any(ch in text for ch in _ESCAPES.values()):
        out.problem(None, None, t("formats.gift_private_characters"))
        return out
    block: list[tuple[int, str]] = []
    category: str | None = None
    for number, line in enumerate([*lines, ""], 1):
        if line.strip():
            block.append((number, line))
            continue
        if not block:
            continue
        # $CATEGORY: lines set the category of the questions after them (kept as a tag); Moodle lets them share
        # a block with the question that follows.
        for _, content in block:
            if content.strip().startswith("$CATEGORY:"):
                category = category_tag(content.strip()[len("$CATEGORY:") :])
        block = [(n, content) for n, content in block if not content.strip().startswith("$CATEGORY:")]
        if not block:
            continue
        if all(content.strip().startswith(COMMENT) for _, content in block):
            for n, content in block:
                comment = content.strip()[2:].strip()
                if comment.startswith(BANK_MARK):
                    try:
                        meta = json.loads(comment[len(BANK_MARK) :])
                    except json.JSONDecodeError as exc:
                        out.problem(n, None, t("formats.gift_bad_json", error=exc.msg))
                        continue
                    if isinstance(meta, dict):
                        out.meta.update(meta)
        else:
            _question_from_block(block, out, category)
        block = []
    if not out.questions and not out.problems and not out.skipped:
        out.problem(None, None, t("formats.no_questions"))
    return out
