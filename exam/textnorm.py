"""Text normalisation shared by grading and the grounding checks.

Two strings that a reader would call "the same words" must compare equal: full-width and half-width forms,
white space, the look-alikes 〇 (U+3007) and ○ (U+25CB), and (for answers) punctuation.
"""

from __future__ import annotations

import re
import unicodedata

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
    """Whether ``needle`` occurs in ``haystack`` after :func:`normalize_text` on both."""
    return normalize_text(needle) in normalize_text(haystack)


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
