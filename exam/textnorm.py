"""Text normalisation shared by grading and the grounding checks.

Two strings that a reader would call "the same words" must compare equal: full-width and half-width forms,
white space, the look-alikes 〇 (U+3007) and ○ (U+25CB), and (for answers) punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

_LOOKALIKES = str.maketrans(
    {
        "○": "〇",  # WHITE CIRCLE -> IDEOGRAPHIC NUMBER ZERO
        "◯": "〇",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "—": "-",
        "－": "-",
        "〜": "~",
    }
)
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Fold width (NFKC), look-alikes and quote styles, and drop all white space.

    Punctuation is kept (in its half-width form), so a quote still has to match the source's punctuation.
    """
    text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    return _SPACE.sub("", text)


def normalize_answer(text: str) -> str:
    """Normalise a typed answer for comparison: :func:`normalize_text` without any punctuation, case-folded."""
    return _PUNCT.sub("", normalize_text(text)).casefold()


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` after :func:`normalize_text` on both.

    The haystack is normalised once per distinct text (:func:`normalized_source`): a bank's questions cite the same
    articles and sections over and over, and the grounding checks compare every option with the same quote.
    """
    return normalize_text(needle) in normalized_source(haystack)


@lru_cache(maxsize=4096)
def normalized_source(text: str) -> str:
    """:func:`normalize_text` of a cited text, remembered for the :data:`4096 <functools.lru_cache>` texts used last.

    A statute has a few hundred 款 and a speech a few dozen sections, so every cited place of the built-in sources
    stays in the cache while a bank is checked; the texts are held by their sources anyway.
    """
    return normalize_text(text)


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Write 1..999 the way statutes number articles: 1 → 一, 10 → 十, 15 → 十五, 95 → 九十五, 101 → 一百零一."""
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


# -- comparing answers: numbers and declared equivalents -------------------------------------------------------------

_NUMERAL_DIGITS = {
    **dict.fromkeys("〇零", 0), **dict.fromkeys("一壹", 1), **dict.fromkeys("二两贰", 2), **dict.fromkeys("三叁", 3),
    **dict.fromkeys("四肆", 4), **dict.fromkeys("五伍", 5), **dict.fromkeys("六陆", 6), **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8), **dict.fromkeys("九玖", 9),
}  # fmt: skip
_SMALL_UNITS = {**dict.fromkeys("十拾", 10), **dict.fromkeys("百佰", 100), **dict.fromkeys("千仟", 1000)}
_LARGE_UNITS = {"万": 10**4, "亿": 10**8}
_NUMERAL_RUN = re.compile(
    "([0-9]*)([" + "".join(_NUMERAL_DIGITS) + "".join(_SMALL_UNITS) + "".join(_LARGE_UNITS) + "]+)"
)
_ARABIC_FRACTION = re.compile(r"([0-9]+)/([0-9]+)")
_ARABIC_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")
_ARABIC_DECIMAL = re.compile(r"([0-9])\.([0-9])")


def _read_numeral(arabic: str, run: str) -> str | None:
    """The Arabic form of one run of Chinese numerals (``arabic``: Arabic digits written just before it, as in 1万).

    A run without units (一八四〇, 二〇一八, 三) is read digit by digit; a run with units (十八, 一百零五, 两千, 十万)
    by place value. ``None`` when the run is not a well-formed number (三四十, 十十): it is then left as written.
    """
    if not any(c in _SMALL_UNITS or c in _LARGE_UNITS for c in run):
        return arabic + "".join(str(_NUMERAL_DIGITS[c]) for c in run)
    total = section = 0
    number = int(arabic) if arabic else 0
    pending = bool(arabic)  # a digit waits for its unit
    last_unit = 0  # the unit just before a closing digit: 一百二 is 120 and 两千五 2500 (102 is 一百零二)
    for char in run:
        if char in _NUMERAL_DIGITS:
            digit = _NUMERAL_DIGITS[char]
            if pending and digit:
                return None  # two digits without a unit between them (三四十)
            if not digit:
                last_unit = 0
            number, pending = digit, digit != 0
        elif char in _SMALL_UNITS:
            # 十 alone means 一十; 百分之 means 一百分之
            section += (number if pending else 1) * _SMALL_UNITS[char]
            number, pending, last_unit = 0, False, _SMALL_UNITS[char]
        else:
            section += number
            if char == "亿":
                total = (total + section) * _LARGE_UNITS[char]
            else:
                total += (section or 1) * _LARGE_UNITS[char]
            section, number, pending, last_unit = 0, 0, False, _LARGE_UNITS[char]
    if pending and last_unit >= 100:
        number *= last_unit // 10
    return str(total + section + number)


def normalize_numbers(text: str) -> str:
    """Write every number of ``text`` in Arabic digits, so that equal numbers read the same however written.

    Chinese numerals become Arabic (三 → 3, 十八 → 18, 一百零五 → 105, 两个月 → 2个月, 一八四〇 → 1840 digit by
    digit), fractions and percentages take one form (三分之二 and 2/3 → 3分之2; 百分之五十 and 50% → 100分之50), and a
    decimal point between digits reads 点 (1.5 → 1点5, as 一点五 becomes). Expects :func:`normalize_text` output
    (half-width digits and punctuation); words that merely contain a numeral (统一, 一律) change the same way on both
    sides of a comparison, so they still compare equal.
    """
    text = _ARABIC_FRACTION.sub(lambda m: f"{m.group(2)}分之{m.group(1)}", text)
    text = _ARABIC_PERCENT.sub(lambda m: f"百分之{m.group(1)}", text)
    text = _ARABIC_DECIMAL.sub(r"\1点\2", text)

    def arabic(match: re.Match[str]) -> str:
        read = _read_numeral(match.group(1), match.group(2))
        return match.group(0) if read is None else read

    return _NUMERAL_RUN.sub(arabic, text)


_TERM_MARKS = 0xE000
"""Matched terms are replaced by a private-use character per class, which no term or answer contains."""


@dataclass(frozen=True)
class TermTable:
    """Interchangeable terms declared by a bank (``equivalents:``), ready to apply to normalised answers.

    Attributes:
        pattern: Every term (in :func:`answer_form` without terms), longest first, so the longest term wins at a
            position (人民代表大会 before 人大).
        marks: The class mark that replaces each term.
    """

    pattern: re.Pattern[str] | None
    marks: Mapping[str, str]

    def apply(self, text: str) -> str:
        """``text`` with each declared term (left to right, longest first) replaced by its class's mark."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.marks[m.group(0)], text)


@lru_cache(maxsize=256)
def term_table(equivalents: tuple[tuple[str, ...], ...]) -> TermTable:
    """Compile a bank's ``equivalents`` (each inner tuple a set of interchangeable terms).

    A term that normalises to nothing is ignored (the loader refuses one). Raises ``ValueError`` when one term is
    in two classes, which would make the table ambiguous (the loader reports that with the line).
    """
    marks: dict[str, str] = {}
    for index, terms in enumerate(equivalents):
        mark = chr(_TERM_MARKS + index)
        for term in terms:
            form = answer_form(term)
            if not form:
                continue
            if marks.get(form, mark) != mark:
                raise ValueError(f"term {term!r} is in two classes of equivalents")
            marks[form] = mark
    if not marks:
        return TermTable(None, {})
    ordered = sorted(marks, key=lambda form: (-len(form), form))
    return TermTable(re.compile("|".join(re.escape(form) for form in ordered)), marks)


def answer_form(text: str, equivalents: tuple[tuple[str, ...], ...] = ()) -> str:
    """The form in which a typed answer is compared with a key: two answers are the same when their forms are.

    :func:`normalize_text` (width, white space, 〇/○), then :func:`normalize_numbers` (三 = 3, 两个月 = 2个月), then
    punctuation dropped and case folded as in :func:`normalize_answer`, then the bank's declared ``equivalents``
    (人大 = 人民代表大会) replaced by one mark per class. Empty when ``text`` is only punctuation.
    """
    form = _PUNCT.sub("", normalize_numbers(normalize_text(text))).casefold()
    return term_table(equivalents).apply(form) if equivalents else form
