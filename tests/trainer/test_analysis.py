"""Item analysis against a small example computed by hand with Moodle's formulas.

Six trainees sit three single-choice questions of 1 point each (keys q1 = A, q2 = B, q3 = C):

    trainee  q1      q2      q3      total T
    S1       A  1    B  1    D  0    2
    S2       A  1    B  1    D  0    2
    S3       A  1    B  1    C  1    3
    S4       A  1    C  0    D  0    1
    S5       B  0    C  0    C  1    1
    S6       -  0    C  0    A  0    0

Paper: mean T̄ = 9/6 = 1.5; median of (0, 1, 1, 2, 2, 3) = 1.5; V(T) = Σ(T - 1.5)² / 5 = (.25+.25+2.25+.25+.25+2.25)/5
= 5.5/5 = 1.1, SD = √1.1 = 1.0488. Item variances V(x_p) = Σ(x - x̄)² / 5: q1 (x̄ = 2/3) 4·(1/9) + 2·(4/9) = 4/3 → 4/15;
q2 (x̄ = 1/2) 6·(1/4) = 3/2 → 3/10; q3 (x̄ = 1/3) 2·(4/9) + 4·(1/9) = 4/3 → 4/15. Σ = 25/30 = 5/6.
CIC = 100 · 3/2 · (1 - (5/6)/1.1) = 150 · (1 - 0.757576) = 36.36; ER = 100 · √(1 - 0.3636) = 79.77;
SE = 0.7977 · 1.0488 = 0.84.

q1: x = (1,1,1,1,0,0), rest X = T - x = (1,1,2,0,1,0), X̄ = 5/6. C(x,X) = [ (1/3)(1/6)·2 + (1/3)(7/6) + (1/3)(-5/6)
+ (-2/3)(1/6) + (-2/3)(-5/6) ] / 5 = (12/18)/5 = 2/15. V(X) = (1+1+49+25+1+25)/36/5 = 17/30.
D = 100 · (2/15) / √(4/15 · 17/30) = 34.30. C_max: sorted x (0,0,1,1,1,1), sorted X (0,0,1,1,1,2) → (30/18)/5 = 1/3,
DE = 100 · (2/15)/(1/3) = 40.00. F = 100 · 4/6 = 66.67, SD = 100 · √(4/15) = 51.64.

q2: x = (1,1,1,0,0,0), X = (1,1,2,1,1,0), X̄ = 1. C = (1/2)(0+0+1)+(-1/2)(0+0-1) = 1 → /5 = 1/5; V(X) = 2/5;
D = 100 · (1/5)/√(3/10 · 2/5) = 57.74; C_max: sorted X (0,1,1,1,1,2) gives the same 1/5, DE = 100.00; F = 50.00,
SD = 100 · √(3/10) = 54.77.

q3: x = (0,0,1,0,1,0), X = (2,2,2,1,0,0), X̄ = 7/6. C = [(-1/3)(5/6)·2 + (2/3)(5/6) + (-1/3)(-1/6) + (2/3)(-7/6)
+ (-1/3)(-7/6)] / 5 = (-6/18)/5 = -1/15; V(X) = (25+25+25+1+49+49)/36/5 = 29/30; D = 100 · (-1/15)/√(4/15 · 29/30)
= -13.13; C_max: sorted x (0,0,0,0,1,1), sorted X (0,0,1,2,2,2) → (30/18)/5 = 1/3, DE = -20.00; F = 33.33.

Option spread: q1 A 4 (key), B 1, one blank; q2 B 3 (key), C 3; q3 C 2 (key), D 3, A 1. q3 has a negative
discrimination and a distractor chosen more than the key, but six responses are far too few to doubt a key, so
nothing is flagged (see :data:`exam.trainer.analysis.MIN_RESPONSES_TO_FLAG`). A mis-keyed question answered by 30
trainees (:func:`miskeyed_example`) is flagged for both reasons.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exam.cli import main
from exam.context import AppContext
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.analysis import (
    DISTRACTOR_OVER_KEY,
    MIN_RESPONSES_TO_FLAG,
    NEGATIVE_DISCRIMINATION,
    ItemScore,
    OptionCount,
    ScoredAttempt,
    analyse,
    discriminative_efficiency,
    negative_correlation_p,
    option_spread,
    sign_test_p,
)
from exam.trainer.scoresheet import Selection, build_report
from tests._support import choice_key
from tests.conftest import FakeClock
from tests.trainer._support import mini_registry, sit

RESPONSES = [  # (q1, q2, q3) for S1 … S6
    ("A", "B", "D"),
    ("A", "B", "D"),
    ("A", "B", "C"),
    ("A", "C", "D"),
    ("B", "C", "C"),
    (None, "C", "A"),
]
KEYS = ("A", "B", "C")


def hand_example() -> list[ScoredAttempt]:
    return [
        ScoredAttempt(
            f"S{n}",
            tuple(
                ItemScore(f"mini:q{i}", 1.0 if response == key else 0.0, 1.0, response)
                for i, (response, key) in enumerate(zip(row, KEYS, strict=True), 1)
            ),
        )
        for n, row in enumerate(RESPONSES, 1)
    ]


def check_hand_figures(stats: object) -> None:
    from exam.trainer.analysis import PaperStatistics

    assert isinstance(stats, PaperStatistics)
    assert stats.attempts == 6
    assert stats.mean == pytest.approx(1.5)
    assert stats.median == pytest.approx(1.5)
    assert stats.sd == pytest.approx(1.0488, abs=5e-5)
    assert stats.cic == pytest.approx(36.36, abs=5e-3)
    assert stats.error_ratio == pytest.approx(79.77, abs=5e-3)
    assert stats.standard_error == pytest.approx(0.8367, abs=5e-5)
    q1, q2, q3 = stats.items
    assert (q1.facility, q1.sd, q1.discrimination, q1.efficiency) == pytest.approx(
        (66.67, 51.64, 34.30, 40.00), abs=5e-3
    )
    assert (q2.facility, q2.sd, q2.discrimination, q2.efficiency) == pytest.approx(
        (50.00, 54.77, 57.74, 100.0), abs=5e-3
    )
    assert (q3.facility, q3.sd, q3.discrimination, q3.efficiency) == pytest.approx(
        (33.33, 51.64, -13.13, -20.0), abs=5e-3
    )
    assert stats.flagged == ()  # q3 looks suspicious, but six responses are too few to doubt its key


def miskeyed_example() -> list[tuple[str, str, str]]:
    """30 trainees; q3's key says C but the 20 strongest choose D (the true answer) and the 10 weakest choose C.

    q1 and q2 are keyed right: the 20 strong trainees answer them, the weak ones miss them. So on q3 points go to the
    weakest (negative discrimination) and D is chosen 20 times against 10 for the key: the sign test gives
    ``P(X ≥ 20 | 30, ½) = 0.0494`` < 0.05. (With three questions the wrong key also pulls the rest-of-test score of
    q1 and q2 to zero covariance, so they are not flagged; they would be with some weak trainees right on q1.)
    """
    strong = [("A", "B", "D")] * 20
    weak = [("B", "C", "C")] * 10
    return strong + weak


def scored(rows: list[tuple[str, str, str]]) -> list[ScoredAttempt]:
    return [
        ScoredAttempt(
            f"S{n}",
            tuple(
                ItemScore(f"mini:q{i}", 1.0 if response == key else 0.0, 1.0, response)
                for i, (response, key) in enumerate(zip(row, KEYS, strict=True), 1)
            ),
        )
        for n, row in enumerate(rows, 1)
    ]


def test_item_statistics_match_the_hand_computed_example(registry: Registry) -> None:
    """Facility, SD, discrimination, efficiency, CIC, error ratio and SE equal the hand-computed values."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    check_hand_figures(analyse(hand_example(), questions))


def test_option_spread_of_the_hand_example_counts_each_option(registry: Registry) -> None:
    """The spread counts how many chose each option, marks the key and counts the blank answer separately."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    q1, q2, q3 = analyse(hand_example(), questions).items
    assert q1.options == (OptionCount("A", 4, True), OptionCount("B", 1, False), OptionCount("C", 0, False),
                          OptionCount("D", 0, False))  # fmt: skip
    assert q1.unanswered == 1
    assert [(o.option, o.count) for o in q2.options] == [("A", 0), ("B", 3), ("C", 3), ("D", 0)]
    assert q2.flags == ()
    assert [(o.option, o.count, o.is_key) for o in q3.options if o.count] == [
        ("A", 1, False),
        ("C", 2, True),
        ("D", 3, False),
    ]


def test_the_same_example_sat_through_the_service_gives_the_same_figures(
    registry: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """Attempts sat through ExamService and read back from the store give the hand-computed statistics."""
    service = ExamService(mini_registry(registry), store, clock, clock.monotonic)
    for n, row in enumerate(RESPONSES, 1):
        sit(service, clock, Trainee(f"学员{n}", f"S{n}"), "mini", {f"mini:q{i}": r for i, r in enumerate(row, 1)})
    report = build_report(service, Selection("mini"), find_question=service.find_question)
    check_hand_figures(report.statistics)


def test_statistics_that_need_spread_are_none_for_a_single_attempt(registry: Registry) -> None:
    """With one attempt there is no variance: SD, discrimination and CIC are None, not a division by zero."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    stats = analyse(hand_example()[:1], questions)
    assert stats.mean == 2
    assert stats.sd is None and stats.cic is None and stats.standard_error is None
    assert all(item.discrimination is None and item.efficiency is None for item in stats.items)
    assert stats.flagged == ()  # one attempt is too few to doubt a key


def test_no_attempts_gives_empty_statistics() -> None:
    """An empty selection gives no items and no figures."""
    stats = analyse([], {})
    assert (stats.attempts, stats.mean, stats.median, stats.items) == (0, None, None, ())


def test_efficiency_is_100_when_the_item_orders_trainees_like_the_rest_of_the_test() -> None:
    """A perfectly ordered item reaches the largest possible covariance."""
    assert discriminative_efficiency([0, 0, 1, 1], [1, 2, 3, 4]) == pytest.approx(100.0)


def test_option_spread_of_multiple_choice_and_true_false(registry: Registry) -> None:
    """Each letter of a multiple-choice response counts once; 判断题 counts true and false."""
    bank = registry.banks["constitution-2018"]
    multiple = next(q for q in bank.questions if q.type == "multiple")
    judge = next(q for q in bank.questions if q.type == "judge")
    spread, blank = option_spread(multiple, [["A", "B"], ["A"], None, ["a", "A"]])
    assert {o.option: o.count for o in spread}["A"] == 3
    assert {o.option: o.count for o in spread}["B"] == 1
    assert blank == 1
    assert {o.option for o in spread if o.is_key} == set(choice_key(multiple))
    spread, blank = option_spread(judge, [True, True, False, None])
    assert [(o.option, o.count, o.is_key) for o in spread] == [("true", 2, judge.answer is True),
                                                               ("false", 1, judge.answer is False)]  # fmt: skip
    assert blank == 1


def test_a_miskeyed_question_with_enough_responses_is_flagged_for_both_reasons(registry: Registry) -> None:
    """30 responses, the strongest choosing another option: negative discrimination and a distractor over the key."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    stats = analyse(scored(miskeyed_example()), questions)
    assert [item.question_id for item in stats.flagged] == ["mini:q3"]
    q3 = stats.items[2]
    assert q3.flags == (NEGATIVE_DISCRIMINATION, DISTRACTOR_OVER_KEY)
    assert q3.over_key == ("D",)
    p = dict(q3.p_values)
    assert p[DISTRACTOR_OVER_KEY] == pytest.approx(sign_test_p(20, 30))
    assert p[NEGATIVE_DISCRIMINATION] < 0.001


def test_the_same_miskeyed_question_with_fewer_responses_than_the_minimum_is_not_flagged(registry: Registry) -> None:
    """Keep the proportions but drop to 15 responses: below the minimum, nothing is flagged whatever the figures."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    rows = miskeyed_example()
    few = rows[:10] + rows[20:25]
    assert len(few) < MIN_RESPONSES_TO_FLAG
    stats = analyse(scored(few), questions)
    assert stats.items[2].discrimination is not None and stats.items[2].discrimination < 0
    assert stats.flagged == ()


def test_a_distractor_slightly_ahead_of_the_key_is_not_flagged(registry: Registry) -> None:
    """22 for D against 18 for the key is chance (p ≈ 0.32): enough responses, but no evidence."""
    questions = {q.id: q for q in mini_registry(registry).banks["mini"].questions}
    rows = [("A", "B", "C")] * 9 + [("A", "B", "D")] * 11 + [("A", "C", "C")] * 9 + [("B", "C", "D")] * 11
    stats = analyse(scored(rows), questions)
    q3 = stats.items[2]
    assert [(o.option, o.count) for o in q3.options if o.count] == [("C", 18), ("D", 22)]
    assert DISTRACTOR_OVER_KEY not in q3.flags


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [(0, 0, 1.0), (5, 5, 1 / 32), (3, 5, 16 / 32), (20, 30, 0.049368), (15, 30, 0.572232)],
)
def test_sign_test_p_is_the_binomial_upper_tail(successes: int, trials: int, expected: float) -> None:
    """``P(X ≥ s | n, ½)`` by hand: 5 of 5 = 1/32; 3 of 5 = (10 + 5 + 1)/32; 20 of 30 = 0.0494 (binomial tables)."""
    assert sign_test_p(successes, trials) == pytest.approx(expected, abs=1e-6)


def test_negative_correlation_p_follows_fishers_z() -> None:
    """r = −0.5 with n = 28: z = atanh(−0.5)·5 = −2.7465, Φ(z) = 0.00301; r = 0 gives ½; n < 4 gives no evidence."""
    assert negative_correlation_p(-0.5, 28) == pytest.approx(0.00301, abs=1e-5)
    assert negative_correlation_p(0.0, 50) == pytest.approx(0.5)
    assert negative_correlation_p(-0.9, 3) == 1.0


def test_random_papers_with_few_responses_per_question_flag_no_right_key(registry: Registry) -> None:
    """42 trainees drawing 56 of 250 questions (about nine responses each), every key right, abilities spread out and
    wrong answers spread over the distractors at random: no question is flagged, whatever the seed."""
    import random

    pool = [f"pool:q{i}" for i in range(250)]
    for seed in range(20):
        rng = random.Random(seed)
        attempts = []
        for trainee in range(42):
            ability = rng.uniform(0.3, 0.95)
            items = []
            for qid in rng.sample(pool, 56):
                right = rng.random() < ability
                items.append(ItemScore(qid, 1.0 if right else 0.0, 1.0, "A" if right else rng.choice("BCD")))
            attempts.append(ScoredAttempt(f"T{trainee}", tuple(items)))
        stats = analyse(attempts, {})
        assert max(item.attempts for item in stats.items) < 2 * MIN_RESPONSES_TO_FLAG
        assert stats.flagged == (), f"seed {seed}"


def test_exam_stats_prints_the_figures_and_the_flagged_question(
    registry: Registry,
    store: TinyDBAttemptStore,
    store_dir: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``exam stats`` on the mis-keyed example: each question's figures and responses, and "请核对答案" for q3 only,
    saying why (the discrimination, the number of responses and the p-value)."""
    service = ExamService(mini_registry(registry), store, clock, clock.monotonic)
    for n, row in enumerate(miskeyed_example(), 1):
        sit(service, clock, Trainee(f"学员{n}", f"S{n}"), "mini", {f"mini:q{i}": r for i, r in enumerate(row, 1)})
    monkeypatch.setattr(AppContext, "registry", property(lambda self: service.registry))
    assert main(["--db", str(store_dir), "stats", "--paper", "mini"]) == 0
    out = capsys.readouterr().out
    assert "作答人数" in out
    assert "1 道题请核对答案" in out
    flagged = out.split("1 道题请核对答案")[1]
    assert "mini:q3" in flagged and "mini:q1" not in flagged
    assert "30 人作答" in flagged and "p＝0.049" in flagged
    assert "区分度为负（D＝" in flagged


def test_exam_stats_on_the_randomly_drawn_final_paper_flags_no_right_key(
    service: ExamService,
    clock: FakeClock,
    store_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """16 trainees sit the final paper (56 questions drawn from five banks: a few responses per question), each
    answering a different number of questions right, every key right: ``exam stats`` lists the responses per question
    and flags nothing."""
    from tests.trainer._support import sit_paper

    for n in range(16):
        sit_paper(service, clock, Trainee(f"学员{n}", f"T{n:02d}", "城关镇"), "final", 20 + 2 * n)
    assert main(["--db", str(store_dir), "stats", "--paper", "final"]) == 0
    out = capsys.readouterr().out
    assert "作答人数" in out
    assert "没有需要核对答案的题" in out and "请核对答案" not in out.split("整卷统计")[0]
