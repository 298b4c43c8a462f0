"""Counts, coverage and type mix of the built-in banks (issue 3). Each test prints the bank's figures; the
``tests/banks`` conftest prints them again in the terminal summary, so they show in a normal run."""

from __future__ import annotations

import pytest

from tests.banks._support import (
    BANK_IDS,
    NEW_BANKS,
    QUESTION_TYPES,
    BankFigures,
    bank_figures,
    builtin_bank,
    figures_table,
    raw_statute,
    section_name,
    speech_section_names,
)

MINIMUM_QUESTIONS = {
    "speech": 60, "constitution-2018": 200, "deputies-law-2025": 120, "organic-law-2022": 120, "election-law-2020": 90,
}  # fmt: skip
MINIMUM_ARTICLES = {"constitution-2018": 100, "deputies-law-2025": 50, "organic-law-2022": 45, "election-law-2020": 35}
SHARE_OF_EACH_MAIN_TYPE = 0.15
MINIMUM_SHORT = 5
SHARE_OF_EACH_DIFFICULTY = 0.10  # "spread over 1-3": every level a real part of the bank, not a token question


def _figures(bank_id: str) -> BankFigures:
    figures = bank_figures(builtin_bank(bank_id))
    print(figures_table(figures))
    return figures


def _cited_paragraphs(bank_id: str) -> set[tuple[int | None, int | None]]:
    return {(q.citation.article, q.citation.paragraph) for q in builtin_bank(bank_id).questions}


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_has_at_least_the_required_number_of_questions(bank_id: str) -> None:
    """speech >= 60, constitution-2018 >= 200, deputies-law-2025 >= 120, organic-law-2022 >= 120,
    election-law-2020 >= 90 questions."""
    assert _figures(bank_id).total >= MINIMUM_QUESTIONS[bank_id]


@pytest.mark.parametrize("bank_id", NEW_BANKS)
def test_new_bank_covers_enough_articles(bank_id: str) -> None:
    """Issue 16: the Local Organic Law bank cites at least 45 distinct articles, the Election Law bank at least
    35, every one an article of its law."""
    figures = _figures(bank_id)
    assert len(figures.articles) >= MINIMUM_ARTICLES[bank_id]
    assert figures.articles <= set(raw_statute(bank_id).articles)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_mixes_all_five_types(bank_id: str) -> None:
    """All five types are present; single, multiple, judge and blank are each at least 15% of the bank; there are
    at least 5 short questions."""
    figures = _figures(bank_id)
    assert set(figures.by_type) == set(QUESTION_TYPES)
    for qtype in ("single", "multiple", "judge", "blank"):
        assert figures.share(qtype) >= SHARE_OF_EACH_MAIN_TYPE, (qtype, figures.by_type)
    assert figures.short >= MINIMUM_SHORT


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_difficulty_is_spread_over_all_three_levels(bank_id: str) -> None:
    """Every difficulty 1, 2 and 3 is used, each for at least a tenth of the questions, and no other level."""
    figures = _figures(bank_id)
    assert set(figures.by_difficulty) == {1, 2, 3}
    for level in (1, 2, 3):
        assert figures.by_difficulty[level] / figures.total >= SHARE_OF_EACH_DIFFICULTY, figures.by_difficulty


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_every_question_has_an_explanation_and_tags(bank_id: str) -> None:
    """No question lacks its explanation (解析) or its chapter/topic tags (papers draw by tag)."""
    figures = _figures(bank_id)
    assert figures.without_explanation == ()
    assert figures.without_tags == ()


def test_speech_bank_covers_every_part_and_point() -> None:
    """The speech bank asks about the 引言, each of the three parts and each of their nine points (一（一）…三（三）),
    all of which the speech text has."""
    figures = _figures("speech")
    points = {name for name in speech_section_names() if "（" in name}
    assert len(points) == 9
    assert {"一", "二", "三"} <= set(figures.chapters)
    assert points | {"引言"} <= {section_name(s) for s in figures.sections}


def test_constitution_bank_covers_preamble_all_chapters_and_100_articles() -> None:
    """At least 100 distinct articles; questions on the preamble and on each of the four chapters; and every
    article the issue puts weight on (总纲 1–5, 宪法修改 64, 第五节 95–111, 监察委员会 123–127, the oath in 27)."""
    figures = _figures("constitution-2018")
    assert len(figures.articles) >= MINIMUM_ARTICLES["constitution-2018"]
    chapters = set(raw_statute("constitution-2018").chapters.values())
    assert len(chapters) == 4
    assert chapters | {"序言"} <= set(figures.chapters)
    focus = {*range(1, 6), 64, *range(95, 112), *range(123, 128)}
    assert sorted(focus - figures.articles) == []
    assert (27, 3) in _cited_paragraphs("constitution-2018")  # 国家工作人员就职时应当依照法律规定公开进行宪法宣誓


def test_deputies_bank_covers_every_chapter_50_articles_and_the_2025_amendment() -> None:
    """At least 50 distinct articles, every chapter, at least 20 questions tagged 2025修正, and the township
    topics the issue names: 视察 arranged by the 主席团 (29.1), the arrest clause for township deputies (39.4),
    supervision by voters (58) and recall (60)."""
    figures = _figures("deputies-law-2025")
    assert len(figures.articles) >= MINIMUM_ARTICLES["deputies-law-2025"]
    chapters = set(raw_statute("deputies-law-2025").chapters.values())
    assert len(chapters) == 6
    assert chapters <= set(figures.chapters)
    assert figures.tagged_2025 >= 20
    assert sorted({58, 60} - figures.articles) == []
    assert {(29, 1), (39, 4)} <= _cited_paragraphs("deputies-law-2025")
