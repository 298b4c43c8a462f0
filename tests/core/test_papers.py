"""Exam papers: deterministic assembly from a seed, unsatisfiable specs refused at load, the drawn paper's snapshot."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam import hookimpl
from exam.errors import PaperError
from exam.models import Bank, Question
from exam.papers import (
    DrawnPaper,
    PaperSpec,
    SectionSpec,
    allocate_sections,
    assemble_paper,
    candidates,
    check_satisfiable,
    default_seed,
    draw_practice_questions,
)
from exam.plugins import Registry, load_registry
from tests.core._support import make_question


def question_ids(paper: DrawnPaper) -> list[str]:
    return [q.id for q in paper.questions]


def test_same_seed_gives_the_same_paper(registry: Registry) -> None:
    """Assembling twice with one seed gives an identical paper: questions, order, option order, points, rules."""
    spec = registry.papers["final"]
    seed = default_seed("final", "320101")
    first = assemble_paper(spec, registry.banks, seed)
    second = assemble_paper(spec, registry.banks, seed)
    assert first == second
    assert first.to_dict() == second.to_dict()


def test_default_seed_differs_by_trainee_and_attempt() -> None:
    """The default seed is derived from paper id, trainee id and attempt number, so each combination differs."""
    seeds = {default_seed("final", trainee, attempt) for trainee in ("1", "2", "3") for attempt in (1, 2)}
    assert len(seeds) == 6
    assert default_seed("final", "1") == default_seed("final", "1", 1)


def test_different_trainees_usually_get_different_papers(registry: Registry) -> None:
    """Twenty trainees get twenty different papers (question choice or order)."""
    spec = registry.papers["final"]
    papers = {
        tuple(question_ids(assemble_paper(spec, registry.banks, default_seed("final", str(i))))) for i in range(20)
    }
    assert len(papers) == 20


def test_assembled_paper_follows_the_spec(registry: Registry) -> None:
    """Each section gets its count of questions of its type from its banks, with its points; max score adds up."""
    spec = registry.papers["final"]
    paper = assemble_paper(spec, registry.banks, "seed")
    position = 0
    for section in spec.sections:
        chunk = paper.questions[position : position + section.count]
        position += section.count
        assert all(section.matches(q.question) and q.points == section.points for q in chunk)
        assert all(q.section == section.title for q in chunk)
    assert position == len(paper.questions)
    assert paper.max_score == pytest.approx(spec.total_points)
    assert len(set(question_ids(paper))) == len(paper.questions)
    assert (paper.rules.multiple_rule, paper.rules.blank_rule) == (spec.multiple_rule, spec.blank_rule)


def test_drawn_paper_round_trips_through_json(registry: Registry) -> None:
    """The drawn paper survives ``to_dict`` → JSON → ``from_dict`` unchanged (it is stored with the attempt)."""
    paper = assemble_paper(registry.papers["final"], registry.banks, "round-trip")
    restored = DrawnPaper.from_dict(json.loads(json.dumps(paper.to_dict(), ensure_ascii=False)))
    assert restored == paper
    assert restored.to_dict() == paper.to_dict()


def test_drawn_paper_keeps_what_the_trainee_saw_when_the_bank_changes(registry: Registry) -> None:
    """Rebuilding a stored paper gives the questions as drawn, even after the bank is edited or removed."""
    paper = assemble_paper(registry.papers["speech"], registry.banks, "s")
    stored = paper.to_dict()
    first = paper.questions[0]
    assert DrawnPaper.from_dict(stored).questions[0].question.stem == first.question.stem
    shown = first.displayed_options()
    assert sorted(letter for letter, _ in shown) == sorted("ABCDEFGH"[: len(first.question.options)])
    assert [text for _, text in shown] == [first.question.options[i] for i in first.option_order]


def test_without_shuffling_questions_and_options_keep_their_order() -> None:
    """shuffle_questions/shuffle_options false: questions by id within a section, options as written."""
    bank = Bank("b", "b", "1", tuple(make_question(f"q{i:02}") for i in range(10)))
    spec = PaperSpec("p", "p", 10, 0, (SectionSpec("single", 5, 2),), shuffle_questions=False, shuffle_options=False)
    paper = assemble_paper(spec, {"b": bank}, "x")
    assert question_ids(paper) == sorted(question_ids(paper))
    assert all(q.option_order == (0, 1, 2, 3) for q in paper.questions)


# -- unsatisfiable specs ---------------------------------------------------------------------------------------------


class PaperPlugin:
    """A plugin contributing one paper spec (used to test how the core checks papers at load time)."""

    def __init__(self, spec: PaperSpec) -> None:
        self.spec = spec

    @hookimpl
    def exam_register_papers(self, register: Callable[[Any], None]) -> None:
        register(self.spec)


def test_exam_register_papers_unsatisfiable_spec_is_a_recorded_failure_naming_the_section() -> None:
    """A paper asking for 30 multiple-choice questions where the bank has fewer is refused at load, naming the
    section; the other papers and banks load."""
    spec = PaperSpec(
        "too-many", "太多多选", 30, 0,
        (SectionSpec("single", 2, 2, "单选"), SectionSpec("multiple", 30, 3, "多选部分", banks=("speech",))),
    )  # fmt: skip
    registry = load_registry(extra_plugins=[("greedy-papers", PaperPlugin(spec))])
    assert "too-many" not in registry.papers
    failures = [f for f in registry.failures if f.plugin == "greedy-papers"]
    assert len(failures) == 1
    reason = failures[0].reason
    assert "too-many" in reason and "多选部分" in reason and "30" in reason and "第 2 部分" in reason
    assert {"speech", "constitution-2018"} <= set(registry.banks)
    assert "final" in registry.papers


def test_exam_register_papers_file_with_unknown_bank_is_refused(tmp_path: Path) -> None:
    """A paper file drawing from a bank that does not exist is refused at load, naming the bank."""
    path = tmp_path / "x.paper.yaml"
    path.write_text(
        "paper:\n  id: x\n  title: X\n  time_limit: 10\n  pass_mark: 1\n"
        "  sections:\n    - {type: single, count: 1, points: 2, banks: [no-such-bank]}\n",
        encoding="utf-8",
    )

    class FilePaper:
        @hookimpl
        def exam_register_papers(self, register: Callable[[Any], None]) -> None:
            register(path)

    registry = load_registry(extra_plugins=[("file-paper", FilePaper())])
    assert "x" not in registry.papers
    assert any(f.plugin == "file-paper" and "no-such-bank" in f.reason for f in registry.failures)


def test_check_satisfiable_raises_paper_error_for_a_short_pool() -> None:
    """check_satisfiable names every section whose pool is too small."""
    bank = Bank("b", "b", "1", tuple(make_question(f"q{i}") for i in range(3)))
    spec = PaperSpec("p", "p", 10, 0, (SectionSpec("single", 4, 1, "甲"), SectionSpec("judge", 1, 1, "乙")))
    with pytest.raises(PaperError) as info:
        check_satisfiable(spec, {"b": bank})
    message = str(info.value)
    assert "第 1 部分（甲）要抽 4 题" in message and "只有 3 题" in message and "第 2 部分（乙）" in message


def overlapping_banks() -> dict[str, Bank]:
    a = Bank("a", "a", "1", tuple(make_question(f"q{i}", "judge", bank="a") for i in range(3)))
    z = Bank("z", "z", "1", tuple(make_question(f"q{i}", "judge", bank="z") for i in range(3)))
    return {"a": a, "z": z}


def test_sections_sharing_questions_are_satisfiable_when_a_draw_exists() -> None:
    """Section 1 draws 3 from banks a+z, section 2 needs all 3 of bank a: satisfiable, and every seed assembles it
    without repeating a question (a greedy draw would starve section 2)."""
    banks = overlapping_banks()
    spec = PaperSpec(
        "p", "p", 10, 0, (SectionSpec("judge", 3, 1, banks=("a", "z")), SectionSpec("judge", 3, 1, banks=("a",)))
    )
    check_satisfiable(spec, banks)
    for seed in range(30):
        paper = assemble_paper(spec, banks, str(seed))
        ids = question_ids(paper)
        assert len(set(ids)) == 6
        assert all(i.startswith("z:") for i in ids[:3]) and all(i.startswith("a:") for i in ids[3:])


def test_sections_sharing_too_few_questions_are_refused() -> None:
    """Two sections that each fit their pool but together need more questions than exist are refused."""
    banks = overlapping_banks()
    spec = PaperSpec(
        "p", "p", 10, 0, (SectionSpec("judge", 2, 1, banks=("a",)), SectionSpec("judge", 2, 1, "二", banks=("a",)))
    )
    with pytest.raises(PaperError) as info:
        check_satisfiable(spec, banks)
    assert "第 2 部分（二）" in str(info.value) and "1" in str(info.value)


# -- properties ------------------------------------------------------------------------------------------------------

TYPES = ("single", "judge")
TAGS = ("甲", "乙", "丙")


GROUPS = (None, None, "g1", "g2", "g3")


@st.composite
def banks_and_spec(draw: st.DrawFn, groups: bool = False) -> tuple[dict[str, Bank], PaperSpec]:
    """Random banks and a random spec over them; with ``groups`` some questions share a group (names repeat
    across banks, where they are different groups)."""
    banks: dict[str, Bank] = {}
    for bank_id in draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True)):
        n = draw(st.integers(1, 12))
        questions = tuple(
            replace(
                make_question(
                    f"q{i}",
                    draw(st.sampled_from(TYPES)),
                    bank=bank_id,
                    tags=draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
                    difficulty=draw(st.integers(1, 3)),
                    article=draw(st.integers(1, 10)),
                ),
                group=draw(st.sampled_from(GROUPS)) if groups else None,
            )
            for i in range(n)
        )
        banks[bank_id] = Bank(bank_id, bank_id, "1", questions)
    sections = []
    for _ in range(draw(st.integers(1, 4))):
        lo = draw(st.integers(1, 10))
        sections.append(
            SectionSpec(
                type=draw(st.sampled_from(TYPES)),
                count=draw(st.integers(1, 6)),
                points=draw(st.sampled_from([1, 1.5, 2])),
                banks=tuple(draw(st.lists(st.sampled_from(sorted(banks)), max_size=2, unique=True))),
                tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
                difficulty=tuple(draw(st.lists(st.integers(1, 3), max_size=2, unique=True))),
                articles=((lo, draw(st.integers(lo, 10))),) if draw(st.booleans()) else (),
            )
        )
    spec = PaperSpec("p", "p", 10, 0, tuple(sections), shuffle_questions=draw(st.booleans()))
    return banks, spec


def unit(question: Question) -> tuple[str, ...]:
    """What a paper may hold once, written here independently: a (bank, group), or an ungrouped question."""
    return (question.bank, question.group) if question.group else (question.id,)


def hall_condition(spec: PaperSpec, banks: dict[str, Bank]) -> bool:
    """Brute force: a draw exists iff every set of sections has at least as many distinct candidates as it needs,
    counting the questions of one (bank, group) once."""
    pools = [{unit(q) for q in candidates(s, banks)} for s in spec.sections]
    for size in range(1, len(pools) + 1):
        for group in itertools.combinations(range(len(pools)), size):
            if len(set().union(*(pools[i] for i in group))) < sum(spec.sections[i].count for i in group):
                return False
    return True


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(case=banks_and_spec(), seed=st.text(max_size=8))
def test_assembly_never_repeats_and_respects_counts_and_filters(
    case: tuple[dict[str, Bank], PaperSpec], seed: str
) -> None:
    """For any banks and spec: the spec is refused exactly when no draw exists; otherwise the paper has each
    section's count of matching questions, no question twice, options permuted, and the same seed repeats it."""
    banks, spec = case
    satisfiable = hall_condition(spec, banks)
    if not satisfiable:
        with pytest.raises(PaperError):
            assemble_paper(spec, banks, seed)
        return
    paper = assemble_paper(spec, banks, seed)
    ids = question_ids(paper)
    assert len(ids) == len(set(ids)) == spec.question_count
    position = 0
    for section in spec.sections:
        chunk = paper.questions[position : position + section.count]
        position += section.count
        assert all(section.matches(q.question) for q in chunk)
        assert all(q.points == section.points for q in chunk)
        if not spec.shuffle_questions:
            assert [q.id for q in chunk] == sorted(q.id for q in chunk)
    assert all(sorted(q.option_order) == list(range(len(q.question.options))) for q in paper.questions)
    assert assemble_paper(spec, banks, seed) == paper


@given(case=banks_and_spec())
def test_allocation_is_a_maximum_matching(case: tuple[dict[str, Bank], PaperSpec]) -> None:
    """allocate_sections never gives a question twice, never more than a section's count, only matching questions."""
    banks, spec = case
    allocation = allocate_sections(spec.sections, banks)
    flat = [q.id for chosen in allocation for q in chosen]
    assert len(flat) == len(set(flat))
    for section, chosen in zip(spec.sections, allocation, strict=True):
        assert len(chosen) <= section.count and all(section.matches(q) for q in chosen)
    assert (len(flat) == spec.question_count) == hall_condition(spec, banks)


def test_make_question_helper_is_valid() -> None:
    """The synthetic questions used above have the shapes the real loader produces."""
    q: Question = make_question("x", "multiple")
    assert q.answer == ("A", "C") and len(q.options) == 4


# -- groups: a paper or practice set holds at most one question of a (bank, group) ----------------------------------


def units_drawn(questions: list[Question]) -> list[tuple[str, ...]]:
    return [unit(q) for q in questions]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(case=banks_and_spec(groups=True), seed=st.text(max_size=8))
def test_no_drawn_paper_contains_two_questions_of_a_group(case: tuple[dict[str, Bank], PaperSpec], seed: str) -> None:
    """For random banks with groups: the spec is refused exactly when no draw with one question per group exists;
    otherwise every section gets its count of matching questions and no two drawn questions share a group."""
    banks, spec = case
    if not hall_condition(spec, banks):
        with pytest.raises(PaperError):
            assemble_paper(spec, banks, seed)
        return
    paper = assemble_paper(spec, banks, seed)
    drawn = [q.question for q in paper.questions]
    assert len(drawn) == spec.question_count
    assert len(set(units_drawn(drawn))) == len(drawn), units_drawn(drawn)
    position = 0
    for section in spec.sections:
        assert all(section.matches(q) for q in drawn[position : position + section.count])
        position += section.count
    assert assemble_paper(spec, banks, seed) == paper


@given(case=banks_and_spec(groups=True))
def test_allocation_counts_a_group_once(case: tuple[dict[str, Bank], PaperSpec]) -> None:
    """allocate_sections gives no two questions of one group, and fills the spec exactly when the brute-force
    condition over groups says a draw exists."""
    banks, spec = case
    allocation = allocate_sections(spec.sections, banks)
    flat = [q for chosen in allocation for q in chosen]
    assert len(set(units_drawn(flat))) == len(flat)
    assert (len(flat) == spec.question_count) == hall_condition(spec, banks)


def _grouped_bank(size: int, group_of: Callable[[int], str | None]) -> Bank:
    questions = tuple(replace(make_question(f"q{i}", "judge"), group=group_of(i)) for i in range(size))
    return Bank("b", "b", "1", questions)


def test_check_satisfiable_counts_one_question_per_group() -> None:
    """Six questions in three groups of two satisfy a section of three, not of four; the message says why."""
    banks = {"b": _grouped_bank(6, lambda i: f"g{i // 2}")}
    check_satisfiable(PaperSpec("p", "p", 10, 0, (SectionSpec("judge", 3, 1, "判断"),)), banks)
    with pytest.raises(PaperError) as info:
        check_satisfiable(PaperSpec("p", "p", 10, 0, (SectionSpec("judge", 4, 1, "判断"),)), banks)
    assert "符合条件的有 6 题，但同一题组（group）只能抽一题，最多只能抽到 3 题" in str(info.value)


def test_same_group_name_in_two_banks_is_two_groups() -> None:
    """A group is bank-local: questions of different banks with the same group name may both be drawn."""
    a = Bank("a", "a", "1", tuple(replace(make_question("q1", "judge", bank="a"), group="g") for _ in range(1)))
    z = Bank("z", "z", "1", tuple(replace(make_question("q1", "judge", bank="z"), group="g") for _ in range(1)))
    spec = PaperSpec("p", "p", 10, 0, (SectionSpec("judge", 2, 1),))
    assert {q.id for q in assemble_paper(spec, {"a": a, "z": z}, "s").questions} == {"a:q1", "z:q1"}


@given(
    size=st.integers(1, 15),
    groups=st.lists(st.sampled_from(GROUPS), min_size=15, max_size=15),
    count=st.integers(1, 20),
    seed=st.text(max_size=6),
)
def test_practice_set_draws_at_most_one_question_per_group(size: int, groups: list[str | None], count: int,
                                                           seed: str) -> None:  # fmt: skip
    """draw_practice_questions gives min(count, number of groups and ungrouped questions) questions, never two of
    a group, reproducibly from the seed."""
    pool = list(_grouped_bank(size, lambda i: groups[i]).questions)
    chosen = draw_practice_questions(pool, count, seed)
    assert len(chosen) == min(count, len(set(units_drawn(pool))))
    assert len(set(units_drawn(chosen))) == len(chosen)
    assert draw_practice_questions(pool, count, seed) == chosen


@given(size=st.integers(1, 15), count=st.integers(1, 20), seed=st.text(max_size=6))
def test_practice_draw_without_groups_is_the_plain_sample(size: int, count: int, seed: str) -> None:
    """Without groups the practice draw is exactly random.Random(seed).sample(pool, k): sets drawn before groups
    existed stay the same."""
    pool = list(_grouped_bank(size, lambda i: None).questions)
    assert draw_practice_questions(pool, count, seed) == random.Random(seed).sample(pool, min(count, size))


def test_a_section_naming_its_banks_looks_at_no_other_bank(registry: Registry) -> None:
    """A section that names its banks draws from those only (a bank named twice counts once), and never even reads
    the questions of the others: a trainer's 10,000-question bank beside the built-in ones must not slow down the
    check of every built-in paper at start-up (issue 17)."""

    class Untouchable:
        @property
        def questions(self) -> tuple[Question, ...]:
            raise AssertionError("a bank the section does not name was read")

    banks: dict[str, Any] = {"huge": Untouchable(), **registry.banks}
    section = SectionSpec(type="single", count=3, points=1, banks=("speech", "speech"))
    pool = candidates(section, banks)
    expected = sorted((q for q in registry.banks["speech"].questions if q.type == "single"), key=lambda q: q.id)
    assert pool == expected and len(pool) > 3
    assert candidates(SectionSpec(type="single", count=1, points=1, banks=("nowhere",)), banks) == []
    for spec in registry.papers.values():
        if all(section.banks for section in spec.sections):
            check_satisfiable(spec, banks)  # the built-in papers are checked without reading "huge"
