"""Grounding checks: is every keyed answer stated by the text the question cites?

These are stricter than loading a bank (:mod:`exam.banks`) and are what the built-in banks must pass
(``tests/banks/test_grounding.py``). Trainers can run them on their own banks::

    python -m exam.grounding my.bank.yaml
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from exam.errors import BankFormatError, Problem
from exam.i18n import t
from exam.models import OPTION_LETTERS, AnyOrder, Bank, Question, ShortAnswer
from exam.sources import PREAMBLE, SourceLibrary, section_key
from exam.textnorm import chinese_numeral, contains, normalize_answer

NEAR_DUPLICATE_RATIO = 0.9
_QUOTED = re.compile(r"“([^”]+)”")


def _key_options(question: Question) -> set[int]:
    answer = question.answer
    letters: tuple[str, ...] = (answer,) if isinstance(answer, str) else answer  # type: ignore[assignment]
    return {OPTION_LETTERS.index(letter) for letter in letters}


def check_question(question: Question, library: SourceLibrary) -> list[str]:
    """Every grounding problem of one question (empty when it is grounded)."""
    problems: list[str] = []
    src = question.source
    if src is None:
        return [t("grounding.unsourced")]
    if src.doc not in library:
        return [t("grounding.doc_not_shipped", doc=src.doc, known=", ".join(library.ids()))]
    try:
        cited = library.text(src)
    except Exception as exc:
        return [t("bank.source_missing", error=exc)]
    quote = question.quote
    if not contains(cited, quote):
        problems.append(t("grounding.quote_not_in_source"))

    if question.type in ("single", "multiple"):
        keys = _key_options(question)
        for i, option in enumerate(question.options):
            present = contains(quote, option)
            if question.negated:
                if i in keys and present:
                    problems.append(t("grounding.negated_key_in_quote", letter=OPTION_LETTERS[i], option=option))
                if i not in keys and not present:
                    problems.append(t("grounding.negated_option_missing", letter=OPTION_LETTERS[i], option=option))
            elif i in keys and not present:
                problems.append(t("grounding.key_not_in_quote", letter=OPTION_LETTERS[i], option=option))
        normalised = [normalize_answer(o) for o in question.options]
        if len(set(normalised)) != len(normalised):
            problems.append(t("grounding.options_repeated"))
    elif question.type == "blank":
        for i, accepted in enumerate(question.answer, 1):  # type: ignore[arg-type]
            for answer in accepted:
                # An order-free answer is grounded item by item: the quote states each, in its own order.
                for text in answer.items if isinstance(answer, AnyOrder) else (answer,):
                    if not contains(quote, text):
                        problems.append(t("grounding.blank_not_in_quote", n=i, text=text))
    elif question.type == "judge":
        spans = [s for s in _QUOTED.findall(question.explanation) if len(normalize_answer(s)) >= 4]
        if not any(contains(quote, span) for span in spans):
            problems.append(t("grounding.judge_needs_quote"))
    elif question.type == "short":
        assert isinstance(question.answer, ShortAnswer)
        for group in question.answer.keywords:
            if not any(contains(quote, word) for word in group):
                problems.append(t("grounding.keywords_not_in_quote", group=list(group)))

    if src.article is not None:
        article = f"第{chinese_numeral(src.article)}条"  # named as the (Chinese) explanation names it
        if article not in question.explanation:
            problems.append(t("grounding.explanation_names", place=article))
    elif src.section == PREAMBLE:
        if PREAMBLE not in question.explanation:
            problems.append(t("grounding.explanation_names", place=PREAMBLE))
    elif src.section is not None and section_key(src.section) not in section_key(question.explanation):
        problems.append(t("grounding.explanation_section", section=src.section))
    return problems


def _stem_key(stem: str) -> str:
    return normalize_answer(stem)


def near_duplicate_stems(questions: Iterable[Question]) -> list[tuple[Question, Question]]:
    """Pairs of questions (of any type) whose normalised stems are equal or nearly so."""
    items = [(q, _stem_key(q.stem)) for q in questions]
    pairs = []
    for i, (a, ka) in enumerate(items):
        for b, kb in items[i + 1 :]:
            if ka == kb:
                pairs.append((a, b))
                continue
            # The ratio can be at most 2·min/(sum) of the lengths: skip pairs that cannot reach the bar cheaply.
            if 2 * min(len(ka), len(kb)) < NEAR_DUPLICATE_RATIO * (len(ka) + len(kb)):
                continue
            matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
            if matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO:
                pairs.append((a, b))
    return pairs


def check_bank(bank: Bank, library: SourceLibrary) -> list[Problem]:
    """Every grounding problem of a bank, with file, line and question id."""
    path = bank.path or bank.id
    problems = [Problem(path, q.line, q.id, message) for q in bank.questions for message in check_question(q, library)]
    for a, b in near_duplicate_stems(bank.questions):
        problems.append(Problem(path, b.line, b.id, t("grounding.near_duplicate", other=a.id, line=a.line)))
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m exam.grounding FILE...``: print grounding problems; exit 1 if any."""
    from exam.banks import parse_bank
    from exam.plugins import load_registry
    from exam.yamlsafe import LineDict, load_yaml

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(t("grounding.usage"), file=sys.stderr)
        return 2
    registry = load_registry()  # the types and source texts the application itself uses
    library, types = registry.sources, dict(registry.types)
    failed = False
    for name in args:
        try:
            data = load_yaml(name)
            if isinstance(data, LineDict) and "bank" not in data:
                header = LineDict(id=Path(name).name.split(".")[0].lower().replace("_", "-"), title="part", version="0")
                header.line, header.key_lines = 1, {}
                data["bank"] = header
                data.key_lines["bank"] = 1
            bank = parse_bank(data, name, types, library)
        except BankFormatError as exc:
            for problem in exc.problems:
                print(problem)
            failed = True
            continue
        problems = check_bank(bank, library)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
        print(t("grounding.summary", name=name, count=len(bank.questions), problems=len(problems)), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
