"""The issue-16 quality rules of ``_support`` (used by ``test_issue16_quality.py``) tried on constructed banks: each
passes on content that meets it and fails on content that does not, so the threshold tests can fail and can pass."""

from __future__ import annotations

from dataclasses import replace

from exam.models import Bank, Question
from exam.sources import Citation
from tests.banks._support import (
    ELECTION_TOPICS,
    ORGANIC_TOPICS,
    application_problems,
    bank_figures,
    coverage_problems,
    election_weighting_problems,
    organic_weighting_problems,
    overlap_problems,
    single_key_problems,
    two_wrong_problems,
)

FOUR = ("甲", "乙", "丙", "丁")


def question(
    n: int,
    qtype: str = "judge",
    doc: str = "organic-law-2022",
    article: int = 12,
    paragraph: int = 1,
    **changes: object,
) -> Question:
    """A question citing a real article (the figures read chapters from the source file); the quote is unique."""
    answers: dict[str, object] = {"single": "A", "multiple": ("A", "B"), "judge": True}
    base = Question(
        id=f"{doc}:q{n}",
        bank=doc,
        type=qtype,
        stem=f"题目{n}",
        answer=answers[qtype],  # type: ignore[arg-type]
        explanation="解析",
        source=Citation(doc, article=article, paragraph=paragraph),
        quote=f"第{n}题独有的原文内容{n * 7919}",
        options=FOUR if qtype in ("single", "multiple") else (),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def figures(*questions: Question, bank: str = "organic-law-2022"):  # type: ignore[no-untyped-def]
    return bank_figures(Bank(bank, bank, "1", questions))


def test_single_keys_spread_passes_at_25_percent_each_and_fails_above_35() -> None:
    """Keys A B C D twice each pass; A keyed 4 of 7 times (57 %) fails and names A."""
    spread = [question(i, "single", answer="ABCD"[i % 4]) for i in range(8)]
    assert single_key_problems(figures(*spread)) == []
    leaning = [question(i, "single", answer="AAAABCD"[i]) for i in range(7)]
    problems = single_key_problems(figures(*leaning))
    assert len(problems) == 1 and problems[0].startswith("A is the key of 4 of 7")


def test_two_wrong_options_rule_needs_more_than_half() -> None:
    """Three of four multiple questions with two wrong options pass; two of four (exactly half) fail."""
    two_wrong = {"answer": ("A", "B")}
    one_wrong = {"answer": ("A", "B", "C")}
    good = [question(i, "multiple", **(two_wrong if i < 3 else one_wrong)) for i in range(4)]
    assert two_wrong_problems(figures(*good)) == []
    half = [question(i, "multiple", **(two_wrong if i < 2 else one_wrong)) for i in range(4)]
    assert two_wrong_problems(figures(*half)) == ["only 2 of 4 multiple questions have >= 2 wrong options"]


def test_overlap_rule_fails_on_an_ungrouped_pair_and_passes_once_grouped() -> None:
    """Two questions quoting the same sentence fail the rule until both carry one group."""
    quote = "乡、民族乡、镇的人民代表大会举行会议的时候，选举主席团。"
    pair = [question(1, quote=quote), question(2, quote=quote + "由主席团主持会议")]
    assert overlap_problems(figures(*pair)) == [
        "organic-law-2022:q1 and organic-law-2022:q2 overlap without a shared group"
    ]
    grouped = [replace(q, group="presidium") for q in pair]
    assert overlap_problems(figures(*grouped)) == []


def test_application_rule_passes_at_35_percent_and_fails_below() -> None:
    """7 application questions of 20 pass (35 %); 6 of 20 fail."""
    assert application_problems(figures(*[question(i, application=i < 7) for i in range(20)])) == []
    assert application_problems(figures(*[question(i, application=i < 6) for i in range(20)])) != []


def test_coverage_rule_counts_questions_and_distinct_articles() -> None:
    """Questions and distinct articles are both counted against their minimums."""
    bank = figures(*[question(i, article=7 + i % 3) for i in range(6)])
    assert coverage_problems(bank, 6, 3) == []
    assert coverage_problems(bank, 7, 4) == ["6 questions, need 7", "3 distinct articles, need 4"]


def _organic_bank(chapter_2: int, elsewhere: int, with_59_3: bool = True) -> list[Question]:
    """One question per township topic (arts 12, 14, 18, 22, 31, 59 款3 or 款1), then ``chapter_2`` more on art. 10
    and ``elsewhere`` on art. 76 (第四章)."""
    topics = [(12, 1), (14, 1), (18, 1), (22, 2), (31, 2), (59, 3 if with_59_3 else 1)]
    questions = [question(i, article=a, paragraph=p) for i, (a, p) in enumerate(topics)]
    questions += [question(100 + i, article=10) for i in range(chapter_2)]
    questions += [question(200 + i, article=76) for i in range(elsewhere)]
    return questions


def test_organic_weighting_passes_on_a_township_bank() -> None:
    """Every named topic, art. 59 款3, and chapter 2 + art. 59 at least half and the largest chapter: no problem."""
    assert set(ORGANIC_TOPICS)  # the rule has topics to check
    assert organic_weighting_problems(figures(*_organic_bank(chapter_2=4, elsewhere=8))) == []


def test_organic_weighting_fails_when_the_bank_leans_elsewhere_or_misses_a_topic() -> None:
    """Too few chapter-2 questions, no art. 59 款3, or a named topic without a question are each reported."""
    leaning = organic_weighting_problems(figures(*_organic_bank(chapter_2=0, elsewhere=12)))
    assert any("on chapter 2 or art. 59" in p for p in leaning)
    assert any("not 第二章" in p for p in leaning)
    no_street = organic_weighting_problems(figures(*_organic_bank(chapter_2=4, elsewhere=0, with_59_3=False)))
    assert no_street == ["no question on the 街道 working committee (art. 59 款3)"]
    without_budget = [q for q in _organic_bank(chapter_2=4, elsewhere=0) if q.citation.article != 12]
    assert any("第十二条" in p for p in organic_weighting_problems(figures(*without_budget)))


def _election_bank(recall: int, township: int, npc: int) -> list[Question]:
    """One question per named topic (arts 3, 25, 30, 50, 57), then ``recall`` on art. 53, ``township`` on art. 45
    and ``npc`` on art. 17 (NPC quotas)."""
    doc = "election-law-2020"
    questions = [question(i, doc=doc, article=a) for i, a in enumerate([3, 25, 30, 50, 57])]
    questions += [question(100 + i, doc=doc, article=53) for i in range(recall)]
    questions += [question(200 + i, doc=doc, article=45) for i in range(township)]
    questions += [question(300 + i, doc=doc, article=17) for i in range(npc)]
    return questions


def test_election_weighting_passes_and_fails_on_constructed_banks() -> None:
    """A bank on direct elections and recall with every named topic passes; one leaning to the NPC's quotas (art.
    17), one with too little on recall, or one without by-elections (art. 57) fails."""
    assert set(ELECTION_TOPICS)
    doc = "election-law-2020"
    assert election_weighting_problems(figures(*_election_bank(recall=1, township=10, npc=2), bank=doc)) == []
    leaning = election_weighting_problems(figures(*_election_bank(recall=1, township=4, npc=6), bank=doc))
    assert leaning == ["6 of 16 questions on NPC or indirect elections only, at most 20%"]
    little_recall = election_weighting_problems(figures(*_election_bank(recall=0, township=20, npc=0), bank=doc))
    assert little_recall == ["2 of 25 questions on 第十章 (recall), need 15%"]
    no_by_election = [q for q in _election_bank(recall=1, township=10, npc=2) if q.citation.article != 57]
    assert any("第五十七条" in p for p in election_weighting_problems(figures(*no_by_election, bank=doc)))
