"""Quality checks of a whole bank: overlapping questions, key positions, application questions.

:mod:`exam.grounding` asks whether each question is stated by its text; this module asks whether the bank as a
whole trains well (issue 16):

* **Overlapping pairs.** Two questions of one bank *overlap* when their quotes, with punctuation and white space
  removed, share a common substring at least :data:`OVERLAP_SHARE` (60 %) as long as the shorter quote. An
  overlapping pair that does not share a ``group`` may ask the same fact twice, or one may give the other away;
  ``exam banks validate`` lists such pairs as warnings (errors with ``--strict``).
* **Key positions.** How often each letter is the key of a single-choice question; how many multiple-choice
  questions have at least two wrong options; at which positions their wrong options stand.
* **Application questions.** The share of questions marked ``application: true``.
* **Half-width punctuation in Chinese text.** ``,`` ``;`` ``:`` ``?`` ``!`` ``(`` ``)`` next to Chinese characters in
  what a trainee reads (stem, options, typed answers, explanation; not ``quote``, which copies the source), listed
  by ``exam banks validate`` as warnings (issue 10); the built-in banks have none (``tests/banks``).

The figures are printed by ``exam banks validate --figures`` and by the bank tests (``tests/banks``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exam.errors import Problem
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank, Question, ShortAnswer
from exam.textnorm import normalize_answer

OVERLAP_SHARE = 0.6
"""Two quotes overlap when a common substring is at least this share of the shorter quote's length."""


@dataclass(frozen=True)
class Overlap:
    """Two questions whose quotes overlap (``first`` comes earlier in the bank).

    Attributes:
        common: Length of the longest common substring of the two quotes (punctuation and white space removed).
        shorter: Length of the shorter quote, in the same form.
    """

    first: Question
    second: Question
    common: int
    shorter: int


def quote_letters(quote: str) -> str:
    """A quote as the overlap check compares it: width folded, punctuation and white space removed."""
    return normalize_answer(quote)


def overlap_needed(a: str, b: str) -> int:
    """How many characters two quotes (as :func:`quote_letters`) must share to overlap; 0 when one is empty."""
    shorter = min(len(a), len(b))
    return math.ceil(OVERLAP_SHARE * shorter - 1e-9) if shorter else 0


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest string that occurs in both ``a`` and ``b``."""
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size


def quotes_overlap(a: str, b: str) -> bool:
    """Whether two quotes (as :func:`quote_letters`) share a substring of :func:`overlap_needed` characters.

    Decided without computing the longest common substring: some window of that length of the shorter quote must
    occur in the longer one.
    """
    need = overlap_needed(a, b)
    if not need:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return any(short[i : i + need] in long for i in range(len(short) - need + 1))


def shares_group(a: Question, b: Question) -> bool:
    """Whether two questions are declared related: same bank and same ``group``."""
    return a.group is not None and a.bank == b.bank and a.group == b.group


def overlapping_pairs(questions: Sequence[Question], *, include_grouped: bool = False) -> list[Overlap]:
    """Pairs of questions whose quotes overlap, in bank order; without ``include_grouped`` only the pairs that do
    not share a group (the ones to fix: give them one group, or make them ask different things)."""
    letters = [quote_letters(q.quote) for q in questions]
    pairs: list[Overlap] = []
    for i, first in enumerate(questions):
        for j in range(i + 1, len(questions)):
            second = questions[j]
            if not include_grouped and shares_group(first, second):
                continue
            if quotes_overlap(letters[i], letters[j]):
                common = longest_common_substring(letters[i], letters[j])
                pairs.append(Overlap(first, second, common, min(len(letters[i]), len(letters[j]))))
    return pairs


def overlap_warnings(bank: Bank) -> list[Problem]:
    """One :class:`~exam.errors.Problem` per ungrouped overlapping pair, at the later question's line."""
    path = bank.path or bank.id
    return [
        Problem(
            path,
            pair.second.line,
            pair.second.id,
            t("bankcheck.overlap", other=pair.first.id, line=pair.first.line, common=pair.common, shorter=pair.shorter),
        )
        for pair in overlapping_pairs(bank.questions)
    ]


# -- key positions and application questions -------------------------------------------------------------------------


def _keys(question: Question) -> set[str]:
    answer = question.answer
    return {answer} if isinstance(answer, str) else set(answer)  # type: ignore[arg-type]


@dataclass(frozen=True)
class KeySpread:
    """Where the keys of a bank's choice questions stand.

    Attributes:
        single_keys: Per letter, how many single-choice questions have it as the key.
        multiple: How many multiple-choice questions there are.
        multiple_two_wrong: How many of them have at least two wrong options.
        wrong_positions: Per letter, how many multiple-choice questions have a wrong option there.
        last_only_wrong: How many multiple-choice questions have exactly one wrong option, and it is the last.
    """

    single_keys: dict[str, int]
    multiple: int
    multiple_two_wrong: int
    wrong_positions: dict[str, int]
    last_only_wrong: int

    @property
    def singles(self) -> int:
        """How many single-choice questions were counted."""
        return sum(self.single_keys.values())

    def single_share(self, letter: str) -> float:
        """The share (0..1) of single-choice keys that are ``letter``; 0.0 without any single-choice question."""
        return self.single_keys.get(letter, 0) / self.singles if self.singles else 0.0

    @property
    def top_single(self) -> tuple[str, float]:
        """The letter most often keyed in single-choice questions, and its share (``("", 0.0)`` without any)."""
        if not self.singles:
            return "", 0.0
        letter = max(sorted(self.single_keys), key=lambda k: self.single_keys[k])
        return letter, self.single_share(letter)

    @property
    def two_wrong_share(self) -> float:
        """The share (0..1) of multiple-choice questions with at least two wrong options."""
        return self.multiple_two_wrong / self.multiple if self.multiple else 0.0


def key_spread(questions: Iterable[Question]) -> KeySpread:
    """How the keys of single- and multiple-choice ``questions`` fall on the option letters (other types are
    skipped)."""
    single: Counter[str] = Counter()
    wrong_at: Counter[str] = Counter()
    multiple = two_wrong = last_only = 0
    for question in questions:
        if question.type == "single":
            single.update(_keys(question))
        elif question.type == "multiple":
            keys = _keys(question)
            wrong = [letter for letter in OPTION_LETTERS[: len(question.options)] if letter not in keys]
            multiple += 1
            two_wrong += len(wrong) >= 2
            last_only += wrong == [OPTION_LETTERS[len(question.options) - 1]]
            wrong_at.update(wrong)
    return KeySpread(dict(sorted(single.items())), multiple, two_wrong, dict(sorted(wrong_at.items())), last_only)


@dataclass(frozen=True)
class BankQuality:
    """The issue-16 figures of one bank."""

    bank_id: str
    total: int
    application: int
    spread: KeySpread
    overlaps: tuple[Overlap, ...]
    """Overlapping pairs that do not share a group."""

    @property
    def application_share(self) -> float:
        """The share (0..1) of application questions (应用题); 0.0 for an empty bank."""
        return self.application / self.total if self.total else 0.0


def bank_quality(bank: Bank) -> BankQuality:
    """The issue-16 figures of ``bank``: application share, key spread and overlapping quotes outside a group."""
    questions = bank.questions
    return BankQuality(
        bank_id=bank.id,
        total=len(questions),
        application=sum(q.application for q in questions),
        spread=key_spread(questions),
        overlaps=tuple(overlapping_pairs(questions)),
    )


def quality_lines(quality: BankQuality) -> list[str]:
    """The figures as lines of text (in the current language), for ``exam banks validate --figures`` and tests."""
    spread = quality.spread
    singles = "  ".join(f"{letter} {n} ({spread.single_share(letter):.0%})" for letter, n in spread.single_keys.items())
    wrong = "  ".join(f"{letter} {n}" for letter, n in spread.wrong_positions.items())
    return [
        t("bankcheck.application", count=quality.application, total=quality.total,
          share=f"{quality.application_share:.0%}"),
        t("bankcheck.single_keys", count=spread.singles, spread=singles or "-"),
        t("bankcheck.multiple_two_wrong", count=spread.multiple_two_wrong, total=spread.multiple,
          share=f"{spread.two_wrong_share:.0%}", last=spread.last_only_wrong),
        t("bankcheck.wrong_positions", spread=wrong or "-"),
        t("bankcheck.overlaps", count=len(quality.overlaps)),
    ]  # fmt: skip


# -- half-width punctuation in Chinese text (issue 10) ----------------------------------------------------------------

HALF_WIDTH_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
"""Half-width marks that Chinese text writes full width (GB/T 15834-2011), and their full-width forms."""

_CHINESE = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]")  # CJK marks, ideographs, full-width forms


def half_width_marks(text: str) -> list[tuple[int, str]]:
    """Half-width ``, ; : ? ! ( )`` in Chinese text, as ``(offset, mark)`` in text order.

    A mark is in Chinese text when the nearest character on either side that is neither a space nor another such
    mark is Chinese (an ideograph, a full-width form or a CJK or curly quote mark): ``任期,五年``, ``(按制度)?``.
    Marks among Latin letters and digits (``10:30``, ``(a)``) are left alone."""
    skip = set(HALF_WIDTH_MARKS)

    def chinese_from(index: int, step: int) -> bool:
        while 0 <= index < len(text) and (text[index] in skip or text[index].isspace()):
            index += step
        return 0 <= index < len(text) and _CHINESE.match(text[index]) is not None

    return [(i, c) for i, c in enumerate(text) if c in skip and (chinese_from(i - 1, -1) or chinese_from(i + 1, 1))]


def _answer_texts(question: Question) -> list[str]:
    answer = question.answer
    if isinstance(answer, ShortAnswer):
        return [answer.reference, *(word for group in answer.keywords for word in group)]
    if question.type == "blank" and isinstance(answer, tuple):
        return [str(text) for accepted in answer for text in accepted]
    return []


def question_texts(question: Question) -> list[tuple[str, str]]:
    """The Chinese text of ``question`` a trainee reads, as ``(field, text)``: stem, options, the typed answers
    (blank and short), explanation. ``quote`` is not among them: it copies the source word for word."""
    texts = [("stem", question.stem)]
    texts += [(f"options[{i}]", option) for i, option in enumerate(question.options)]
    texts += [("answer", text) for text in _answer_texts(question)]
    texts.append(("explanation", question.explanation))
    return texts


def punctuation_warnings(bank: Bank) -> list[Problem]:
    """One :class:`~exam.errors.Problem` per field (the bank's title and description, each question's
    :func:`question_texts`) that has a half-width mark in Chinese text (see :func:`half_width_marks`), at the
    question's line, naming the field, the marks and the words around them."""
    path = bank.path or bank.id
    problems: list[Problem] = []
    fields: list[tuple[Question | None, str, str]] = [
        (None, "title", bank.title),
        (None, "description", bank.description),
    ]
    fields += [(question, name, text) for question in bank.questions for name, text in question_texts(question)]
    for question, field_name, text in fields:
        marks = half_width_marks(text)
        if not marks:
            continue
        offset = marks[0][0]
        problems.append(
            Problem(
                path,
                question.line if question else None,
                question.id if question else None,
                t(
                    "bankcheck.half_width",
                    field=field_name,
                    marks=" ".join(
                        f"“{mark}”→“{HALF_WIDTH_MARKS[mark]}”" for mark in dict.fromkeys(m for _, m in marks)
                    ),
                    count=len(marks),
                    context=text[max(0, offset - 8) : offset + 9],
                ),
            )
        )
    return problems
