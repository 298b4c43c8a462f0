"""The default papers (issues 3 and 16): they exist with the stated titles, times, banks and points, state their
multiple-choice rule, and can be drawn for any seed."""

from __future__ import annotations

import pytest

from exam.grading import MULTIPLE_RULES
from exam.messages import CATALOGUE
from exam.models import Trainee
from exam.papers import PaperSpec, assemble_paper, default_seed
from exam.plugins import Kind, Registry
from exam.service import ExamService
from exam.yamlsafe import load_yaml
from tests._support import choice_key
from tests.core._support import BUILTIN_PLUGIN_PACKAGES, builtin_plugin_dir

ALL_BANKS = frozenset({"speech", "constitution-2018", "deputies-law-2025", "organic-law-2022", "election-law-2020"})
CHAIRS_LAWS = frozenset({"organic-law-2022", "deputies-law-2025"})
"""The laws of a township chair's own work, which the final exam weights most."""

# title: (minutes, banks drawn from, plugin that contributes it)
DEFAULT_PAPERS: dict[str, tuple[int, frozenset[str], str]] = {
    "讲话精神测试": (20, frozenset({"speech"}), "speech"),
    "宪法知识测试": (30, frozenset({"constitution-2018"}), "constitution-2018"),
    "代表法知识测试": (30, frozenset({"deputies-law-2025"}), "deputies-law-2025"),
    "地方组织法知识测试": (30, frozenset({"organic-law-2022"}), "organic-law-2022"),
    "选举法知识测试": (30, frozenset({"election-law-2020"}), "election-law-2020"),
    "结业综合考试": (60, ALL_BANKS, "final-exam"),
}
TOTAL_POINTS = 100
PASS_MARK = 60
SEEDS = ("1", "2", "seed-a", "seed-b", default_seed("any", "320101"))


def _paper(registry: Registry, title: str) -> PaperSpec:
    matches = [spec for spec in registry.papers.values() if spec.title == title]
    assert len(matches) == 1, f"{len(matches)} papers titled {title}: {sorted(registry.papers)}"
    return matches[0]


def _raw_paper_files() -> dict[str, dict[str, object]]:
    """Every shipped paper file's ``paper:`` mapping, by paper id, as written (before defaults are applied)."""
    raw = {}
    for path in sorted(p for name in BUILTIN_PLUGIN_PACKAGES for p in builtin_plugin_dir(name).glob("*.paper.yaml")):
        paper = load_yaml(path)["paper"]
        raw[paper["id"]] = paper
    return raw


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_exists_with_its_time_banks_and_plugin(registry: Registry, title: str) -> None:
    """Each default paper is registered once, by its built-in plugin, with the stated time limit, drawing only from
    its banks (the final exam from all five)."""
    minutes, banks, plugin = DEFAULT_PAPERS[title]
    spec = _paper(registry, title)
    assert spec.time_limit == minutes
    assert {bank for section in spec.sections for bank in section.banks} == banks
    assert all(section.banks for section in spec.sections)  # no section silently draws from every bank
    assert registry.provider(Kind.PAPER, spec.id) == plugin
    assert [f for f in registry.failures if f.plugin == plugin] == []


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_is_out_of_100_with_pass_mark_60(registry: Registry, title: str) -> None:
    """The sections add up to 100 points and the pass mark is 60 (stated for 结业综合考试; the three bank papers use
    the same scale so scores compare); every section is a built-in type worth a positive number of points."""
    spec = _paper(registry, title)
    assert spec.total_points == TOTAL_POINTS
    assert spec.pass_mark == PASS_MARK
    for section in spec.sections:
        assert section.type in registry.types and section.count >= 1 and section.points > 0


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_states_its_multiple_choice_rule(registry: Registry, title: str) -> None:
    """The paper file writes ``multiple_rule`` out (not left to a default), it is a known rule with a sentence in the
    catalogue that the start dialog shows trainees, the paper has a multiple-choice section it applies to, and the
    drawn paper carries it."""
    spec = _paper(registry, title)
    raw = _raw_paper_files()[spec.id]
    assert "multiple_rule" in raw
    assert raw["multiple_rule"] in MULTIPLE_RULES
    assert spec.multiple_rule == raw["multiple_rule"]
    assert f"rule.{spec.multiple_rule}" in CATALOGUE
    assert any(section.type == "multiple" for section in spec.sections)
    assert assemble_paper(spec, registry.banks, "rule").rules.multiple_rule == spec.multiple_rule


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_grades_multiple_choice_by_its_stated_rule(registry: Registry, title: str) -> None:
    """On a drawn paper, all keys earn the question's points; a strict subset earns half under ``partial`` (少选得一半)
    and nothing under ``all_or_nothing``; a wrong option earns nothing."""
    spec = _paper(registry, title)
    drawn = assemble_paper(spec, registry.banks, "grading")
    item = next(q for q in drawn.questions if q.question.type == "multiple")
    grade = registry.types["multiple"].grade
    keys = list(choice_key(item.question))
    wrong = next(letter for letter in "ABCDEFGH"[: len(item.question.options)] if letter not in keys)
    assert grade(item.question, keys, item.points, drawn.rules) == item.points
    partial = grade(item.question, keys[:1], item.points, drawn.rules)
    assert partial == (round(item.points / 2, 2) if spec.multiple_rule == "partial" else 0)
    assert grade(item.question, [*keys, wrong], item.points, drawn.rules) == 0


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_assembles_for_several_seeds(registry: Registry, title: str) -> None:
    """For each of several seeds the paper draws the stated number of distinct questions, each of its section's type
    and banks, worth 100 in total, with options shuffled as a permutation; the same seed gives the same paper and
    different seeds give different papers."""
    spec = _paper(registry, title)
    by_title = {section.title: section for section in spec.sections}
    assert len(by_title) == len(spec.sections)  # the drawn questions name their section by title
    papers = []
    for seed in SEEDS:
        drawn = assemble_paper(spec, registry.banks, seed)
        ids = [q.id for q in drawn.questions]
        assert len(ids) == spec.question_count == len(set(ids))
        assert drawn.max_score == TOTAL_POINTS
        for item in drawn.questions:
            section = by_title[item.section]
            assert item.question.type == section.type
            assert item.question.bank in section.banks
            assert item.points == section.points
            assert sorted(item.option_order) == list(range(len(item.question.options)))
        assert assemble_paper(spec, registry.banks, seed).to_dict() == drawn.to_dict()
        papers.append(tuple(sorted(ids)))
    assert len(set(papers)) == len(SEEDS)


def test_final_exam_draws_from_all_five_banks(registry: Registry) -> None:
    """Every draw of 结业综合考试 has questions from all five banks."""
    spec = _paper(registry, "结业综合考试")
    for seed in SEEDS:
        assert {q.question.bank for q in assemble_paper(spec, registry.banks, seed).questions} == ALL_BANKS


def test_final_exam_is_weighted_to_the_chairs_own_laws(registry: Registry) -> None:
    """Whatever the draw, the Local Organic Law and the Deputies Law give more than half the questions and more
    than half the points of 结业综合考试, and each of them more than the Election Law, the Constitution or the
    speech can (counted from the sections, so it holds for every seed)."""
    spec = _paper(registry, "结业综合考试")
    only_chairs = [s for s in spec.sections if set(s.banks) <= CHAIRS_LAWS]
    assert sum(s.count for s in only_chairs) > spec.question_count / 2
    assert sum(s.count * s.points for s in only_chairs) > spec.total_points / 2

    def fixed(bank: str) -> float:
        return sum(s.count * s.points for s in spec.sections if s.banks == (bank,))

    def at_most(bank: str) -> float:
        return sum(s.count * s.points for s in spec.sections if bank in s.banks)

    for chairs_law in CHAIRS_LAWS:
        assert all(fixed(chairs_law) > fixed(other) for other in ALL_BANKS - CHAIRS_LAWS)
    for seed in SEEDS:
        drawn = assemble_paper(spec, registry.banks, seed).questions
        chairs = sum(q.points for q in drawn if q.question.bank in CHAIRS_LAWS)
        assert chairs > spec.total_points / 2
        assert all(sum(q.points for q in drawn if q.question.bank == other) <= at_most(other) for other in ALL_BANKS)


@pytest.mark.parametrize("title", DEFAULT_PAPERS)
def test_default_paper_answered_with_its_keys_scores_full_marks(
    service: ExamService, registry: Registry, trainee: Trainee, title: str
) -> None:
    """A trainee who answers every question of a default paper with its key (the reference answer for short
    questions) and submits scores 100 and passes: the keys, the paper and the grader agree end to end."""
    spec = _paper(registry, title)
    attempt = service.start_attempt(spec.id, trainee)
    for item in attempt.paper_snapshot.questions:
        question = item.question
        if question.type == "multiple":
            response: object = list(question.answer)  # type: ignore[arg-type]
        elif question.type == "blank":
            response = [accepted[0] for accepted in question.answer]  # type: ignore[union-attr]
        elif question.type == "short":
            response = question.answer.reference  # type: ignore[union-attr]
        else:
            response = question.answer
        service.save_answer(attempt.attempt_id, question.id, response)
    submitted, closed_now = service.submit(attempt.attempt_id)
    assert closed_now
    assert submitted.score == TOTAL_POINTS
    assert submitted.passed is True
