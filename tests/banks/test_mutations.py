"""Breaking a copy of a built-in bank on purpose makes the grounding checks fail (issue 3: "deliberately breaking a
quote or a key in a copy of a bank makes it fail").

Each test copies one bank to ``tmp_path``, first shows that the untouched copy passes both ``check_bank`` and the
tests' independent checker, then changes one thing in the file text (one line, found through the YAML loader's line
numbers so the edit hits exactly the intended question) and shows that both report it with the expected message.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from exam.banks import load_bank_file
from exam.errors import BankFormatError
from exam.grounding import check_bank
from exam.models import OPTION_LETTERS, AnyOrder, Bank, Question
from exam.yamlsafe import LineDict, load_yaml
from tests._support import choice_key
from tests.banks._support import (
    BANK_IDS,
    TYPES,
    article_label,
    bank_path,
    builtin_bank,
    independent_problems,
    library,
    occurs,
    raw_statute,
    speech_section_names,
)

STATUTE_BANKS = ("constitution-2018", "deputies-law-2025", "organic-law-2022", "election-law-2020")


@dataclass
class BankCopy:
    """A built-in bank copied to a temporary folder, editable line by line."""

    bank_id: str
    path: Path
    _loaded: tuple[str, Bank] | None = None

    @classmethod
    def make(cls, bank_id: str, folder: Path) -> BankCopy:
        target = folder / bank_path(bank_id).name
        shutil.copyfile(bank_path(bank_id), target)
        return cls(bank_id, target)

    def load(self) -> Bank:
        """Loaded the way the grounding tests load it (quotes are judged by the grounding checks, not the loader).

        Re-read only when the file text changed since the last load (parsing the Constitution bank is not free).
        """
        text = self.path.read_text(encoding="utf-8")
        if self._loaded is None or self._loaded[0] != text:
            self._loaded = (text, load_bank_file(self.path, TYPES, None))
        return self._loaded[1]

    def load_strict(self) -> Bank:
        """Loaded the way the application loads it, with the source texts."""
        return load_bank_file(self.path, TYPES, library())

    def question(self, local_id: str) -> Question:
        return next(q for q in self.load().questions if q.local_id == local_id)

    def first(self, qtype: str, negated: bool = False) -> Question:
        return next(q for q in self.load().questions if q.type == qtype and q.negated is negated)

    def raw(self, local_id: str) -> LineDict:
        found: LineDict = next(q for q in load_yaml(self.path)["questions"] if q["id"] == local_id)
        return found

    def replace_on_line(self, line: int, old: str, new: str) -> None:
        """Replace the first ``old`` on 1-based ``line`` by ``new``; the line must contain ``old``."""
        lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert old in lines[line - 1], f"line {line} does not contain {old!r}: {lines[line - 1]!r}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        self.path.write_text("".join(lines), encoding="utf-8")

    def rewrite_line(self, line: int, key: str, value: str) -> None:
        """Rewrite 1-based ``line`` as ``key: value`` (or ``- value`` when ``key`` is ``-``), keeping its indent.

        Option letters (``B``, ``[A, C]``) are written as they are; any other value as a JSON string, which is a
        valid YAML double-quoted scalar whatever it contains.
        """
        lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        old = lines[line - 1]
        indent = old[: len(old) - len(old.lstrip())]
        head = "- " if key == "-" else f"{key}: "
        assert old.lstrip().startswith(head.strip()), f"line {line} is not a {key!r} line: {old!r}"
        scalar = value if re.fullmatch(r"\[[A-H, ]*\]|[A-H]+", value) else json.dumps(value, ensure_ascii=False)
        lines[line - 1] = f"{indent}{head}{scalar}\n"
        self.path.write_text("".join(lines), encoding="utf-8")

    def grounding(self, local_id: str) -> list[str]:
        """check_bank's messages about one question."""
        global_id = f"{self.bank_id}:{local_id}"
        return [p.message for p in check_bank(self.load(), library()) if p.item == global_id]

    def independent(self, local_id: str) -> list[str]:
        return independent_problems(self.question(local_id), self.bank_id)

    def assert_clean(self, local_id: str) -> None:
        """The untouched copy passes: no problem in the whole bank, none for the question by either checker."""
        assert _whole_bank_problems(self.path.read_text(encoding="utf-8"), self) == []
        assert self.independent(local_id) == []


_CHECKED: dict[str, list[str]] = {}


def _whole_bank_problems(text: str, bank: BankCopy) -> list[str]:
    """check_bank on the untouched copy, once per distinct file text (its near-duplicate scan is quadratic)."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest not in _CHECKED:
        _CHECKED[digest] = [str(p) for p in check_bank(bank.load(), library())]
    return _CHECKED[digest]


def _changed(text: str) -> str:
    """``text`` with one character changed to one that makes it a different word."""
    for i in range(len(text) // 2, len(text)):
        if "\u4e00" <= text[i] <= "\u9fff":
            return text[:i] + ("丁" if text[i] != "丁" else "甲") + text[i + 1 :]
    return text + "丁"


def _one_of(messages: list[str], *fragments: str) -> bool:
    return any(all(f in m for f in fragments) for m in messages)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_changing_one_character_of_a_quote_is_reported(bank_id: str, tmp_path: Path) -> None:
    """A quote with one character changed is no longer verbatim: check_bank, the independent checker and the
    application's loader all reject it."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = bank.first("judge")
    bank.assert_clean(target.local_id)

    broken = _changed(target.quote)
    bank.rewrite_line(bank.raw(target.local_id).key_lines["quote"], "quote", broken)
    assert bank.question(target.local_id).quote == broken

    assert "quote 不是所引出处中的原文" in bank.grounding(target.local_id)
    assert "quote is not verbatim in the cited text" in bank.independent(target.local_id)
    with pytest.raises(BankFormatError, match="quote 与出处原文不一致"):
        bank.load_strict()


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_switching_a_single_choice_key_to_a_distractor_is_reported(bank_id: str, tmp_path: Path) -> None:
    """A single-choice key switched to a distractor that the quote does not state is reported, although the bank
    still loads: the loader cannot know the key is wrong, only the grounding check can."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = bank.first("single")
    bank.assert_clean(target.local_id)

    key = target.answer
    assert isinstance(key, str)
    wrong = next(
        letter
        for letter, option in zip(OPTION_LETTERS, target.options, strict=False)
        if letter != key and not occurs(option, target.quote)
    )
    bank.rewrite_line(bank.raw(target.local_id).key_lines["answer"], "answer", wrong)
    assert bank.question(target.local_id).answer == wrong
    bank.load_strict()  # still a well-formed bank

    option = target.options[OPTION_LETTERS.index(wrong)]
    assert f"答案 {wrong}“{option}”不在 quote 中" in bank.grounding(target.local_id)
    assert f"key {wrong} “{option}” is not in the quote" in bank.independent(target.local_id)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_adding_a_distractor_to_a_multiple_choice_key_is_reported(bank_id: str, tmp_path: Path) -> None:
    """A multiple-choice key that includes an option the quote does not state is reported."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = bank.first("multiple")
    bank.assert_clean(target.local_id)

    keys = list(choice_key(target))
    wrong = next(letter for letter in OPTION_LETTERS[: len(target.options)] if letter not in keys)
    new_key = "[" + ", ".join(sorted([*keys, wrong])) + "]"
    bank.rewrite_line(bank.raw(target.local_id).key_lines["answer"], "answer", new_key)
    assert wrong in choice_key(bank.question(target.local_id))

    option = target.options[OPTION_LETTERS.index(wrong)]
    assert f"答案 {wrong}“{option}”不在 quote 中" in bank.grounding(target.local_id)
    assert f"key {wrong} “{option}” is not in the quote" in bank.independent(target.local_id)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_changing_a_blank_answer_is_reported(bank_id: str, tmp_path: Path) -> None:
    """A blank whose accepted answer is changed by one character no longer matches the quote, and is reported."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = next(
        q
        for q in bank.load().questions
        if q.type == "blank" and not isinstance(q.answer[0][0], AnyOrder)  # type: ignore[index]
    )
    bank.assert_clean(target.local_id)

    accepted = target.answer[0][0]  # type: ignore[index]
    broken = _changed(accepted)
    assert not occurs(broken, target.quote)
    bank.replace_on_line(bank.raw(target.local_id)["answer"].item_lines[0], accepted, broken)
    assert bank.question(target.local_id).answer[0][0] == broken  # type: ignore[index]

    assert f"第 1 空的答案“{broken}”不在 quote 中" in bank.grounding(target.local_id)
    assert f"blank 1: accepted answer “{broken}” is not in the quote" in bank.independent(target.local_id)


def test_changing_an_item_of_an_order_free_answer_is_reported(tmp_path: Path) -> None:
    """An order-free blank answer ({any_order: [...]}) one of whose items is changed by one character is reported by
    both checkers, which look at each item (the constitution bank keys 主动性、积极性 this way)."""
    bank = BankCopy.make("constitution-2018", tmp_path)
    target = next(
        q
        for q in bank.load().questions
        if q.type == "blank" and any(isinstance(a, AnyOrder) for blank in q.answer for a in blank)  # type: ignore[union-attr]
    )
    bank.assert_clean(target.local_id)

    line, order_free = next(
        (bank.raw(target.local_id)["answer"].item_lines[i], a)
        for i, blank in enumerate(target.answer)  # type: ignore[arg-type]
        for a in blank
        if isinstance(a, AnyOrder)
    )
    item = order_free.items[-1]
    broken = _changed(item)
    assert not occurs(broken, target.quote)
    bank.replace_on_line(line, item, broken)

    assert _one_of(bank.grounding(target.local_id), f"的答案“{broken}”不在 quote 中")
    assert _one_of(bank.independent(target.local_id), f"accepted answer “{broken}” is not in the quote")


@pytest.mark.parametrize("bank_id", STATUTE_BANKS)
def test_citing_the_wrong_article_is_reported(bank_id: str, tmp_path: Path) -> None:
    """Citing the nearest other article that has the cited paragraph is reported: the quote is not in that article, and
    the explanation does not name it."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = next(q for q in bank.load().questions if q.type == "single" and q.citation.article is not None)
    bank.assert_clean(target.local_id)

    article = target.citation.article
    assert article is not None
    articles = raw_statute(bank_id).articles
    wrong = next(
        n
        for n in sorted(articles, key=lambda n: (abs(n - article), n))
        if n != article
        and len(articles[n]) >= (target.citation.paragraph or 1)
        and not any(occurs(target.quote, p) for p in articles[n])
        and article_label(n) not in target.explanation
    )
    bank.replace_on_line(bank.raw(target.local_id).key_lines["source"], f"article: {article},", f"article: {wrong},")
    assert bank.question(target.local_id).citation.article == wrong

    messages = bank.grounding(target.local_id)
    assert "quote 不是所引出处中的原文" in messages
    assert f"解析应写明“{article_label(wrong)}”" in messages
    independent = bank.independent(target.local_id)
    assert "quote is not verbatim in the cited text" in independent
    assert f"explanation does not name {article_label(wrong)}" in independent


def test_citing_an_article_the_2025_deputies_law_does_not_have_is_reported(tmp_path: Path) -> None:
    """Article 66 does not exist in the 2025 Deputies Law (65 articles): citing it, as a 2015 number might, is
    reported by both checkers and rejected by the loader."""
    bank = BankCopy.make("deputies-law-2025", tmp_path)
    target = bank.first("single")
    bank.assert_clean(target.local_id)

    article = target.citation.article
    bank.replace_on_line(bank.raw(target.local_id).key_lines["source"], f"article: {article},", "article: 66,")

    assert _one_of(bank.grounding(target.local_id), "出处不存在", "没有第66条")
    assert _one_of(bank.independent(target.local_id), "the cited place does not exist")
    with pytest.raises(BankFormatError, match="出处不存在"):
        bank.load_strict()


def test_citing_the_wrong_speech_section_is_reported(tmp_path: Path) -> None:
    """A speech question that cites a section other than the one its quote comes from is reported."""
    bank = BankCopy.make("speech", tmp_path)
    target = next(q for q in bank.load().questions if q.type == "single" and "（" in (q.citation.section or ""))
    bank.assert_clean(target.local_id)

    section = target.citation.section
    assert section is not None
    library_doc = library()["speech"]
    wrong = next(
        name
        for name in sorted(speech_section_names())
        if "（" in name
        and name != section
        and not occurs(target.quote, library_doc.sections.get(name, ""))
        and name not in target.explanation
    )
    bank.replace_on_line(bank.raw(target.local_id).key_lines["source"], f"section: {section}", f"section: {wrong}")
    assert bank.question(target.local_id).citation.section == wrong

    messages = bank.grounding(target.local_id)
    assert "quote 不是所引出处中的原文" in messages
    assert f"解析应写明所引部分“{wrong}”" in messages
    assert f"explanation does not name the section {wrong}" in bank.independent(target.local_id)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_judge_explanation_without_the_decisive_words_is_reported(bank_id: str, tmp_path: Path) -> None:
    """A judge explanation that no longer quotes, in “…”, words of the quote is reported."""
    bank = BankCopy.make(bank_id, tmp_path)
    target = bank.first("judge")
    bank.assert_clean(target.local_id)

    stripped = target.explanation.replace("“", "").replace("”", "")
    bank.rewrite_line(bank.raw(target.local_id).key_lines["explanation"], "explanation", stripped)
    assert "“" not in bank.question(target.local_id).explanation

    assert _one_of(bank.grounding(target.local_id), "判断题的解析应在“…”中引用")
    assert "judge explanation does not quote in “…” the words of the quote that decide it" in bank.independent(
        target.local_id
    )


def test_negated_question_keyed_to_a_stated_option_is_reported(tmp_path: Path) -> None:
    """A negated (以下不属于…) question whose key is moved to an option the quote does state is reported."""
    bank_id, local_id = next(
        (b, q.local_id) for b in BANK_IDS for q in builtin_bank(b).questions if q.negated and q.type == "single"
    )
    bank = BankCopy.make(bank_id, tmp_path)
    target = bank.question(local_id)
    bank.assert_clean(local_id)

    key = target.answer
    assert isinstance(key, str)
    wrong = next(letter for letter in OPTION_LETTERS[: len(target.options)] if letter != key)
    bank.rewrite_line(bank.raw(local_id).key_lines["answer"], "answer", wrong)

    option = target.options[OPTION_LETTERS.index(wrong)]
    assert f"否定式题目的答案 {wrong}“{option}”出现在 quote 中" in bank.grounding(local_id)
    assert f"negated question: key {wrong} “{option}” is in the quote" in bank.independent(local_id)


def test_repeated_option_is_reported(tmp_path: Path) -> None:
    """An option repeated with only a white-space difference inside it (which the loader's exact comparison lets
    through) is reported as a repeated option."""
    bank = BankCopy.make("constitution-2018", tmp_path)
    target = bank.first("single")
    bank.assert_clean(target.local_id)

    look_alike = target.options[0][:1] + " " + target.options[0][1:]
    bank.rewrite_line(bank.raw(target.local_id)["options"].item_lines[1], "-", look_alike)
    options = bank.question(target.local_id).options
    assert options[1] == look_alike and options[0] != options[1]

    assert "选项有重复" in bank.grounding(target.local_id)
    assert _one_of(bank.independent(target.local_id), "the option list repeats an option")


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_duplicated_stem_is_reported(bank_id: str, tmp_path: Path) -> None:
    """Giving one judge question the stem of another, with different punctuation, is reported as a duplicate."""
    bank = BankCopy.make(bank_id, tmp_path)
    first, target = [q for q in bank.load().questions if q.type == "judge"][:2]
    bank.assert_clean(target.local_id)

    copied = first.stem.rstrip("。.") + "！"
    bank.rewrite_line(bank.raw(target.local_id).key_lines["stem"], "stem", copied)
    assert bank.question(target.local_id).stem == copied

    assert _one_of(bank.grounding(target.local_id), f"题干与 {first.id}", "相同或几乎相同")
