"""The streaming item analysis (running totals, one pass) gives the figures of the straightforward two-pass
computation of Moodle's formulas, and reads its attempts one at a time (issue 17)."""

from __future__ import annotations

import gc
import math
import statistics
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam.trainer.analysis import (
    ItemScore,
    PaperStatistics,
    ScoredAttempt,
    analyse,
    covariance,
    discrimination_index,
    discriminative_efficiency,
    option_spread,
    sample_variance,
)

ItemRow = tuple[str, int, float, float | None, float | None, float | None, int]


def reference(attempts: Sequence[ScoredAttempt]) -> tuple[PaperStatistics, list[ItemRow]]:
    """Moodle's formulas computed the plain way: every list in memory, means first, then deviations."""
    totals = [a.total for a in attempts]
    variance = sample_variance(totals)
    sd = math.sqrt(variance) if variance is not None else None
    cic = None
    if attempts and len({len(a.items) for a in attempts}) == 1:
        positions = [[a.items[p].points for a in attempts] for p in range(len(attempts[0].items))]
        variances = [sample_variance(scores) for scores in positions]
        if len(positions) >= 2 and variance is not None and variance >= 1e-12 and None not in variances:
            cic = 100 * len(positions) / (len(positions) - 1) * (1 - sum(v or 0.0 for v in variances) / variance)
    rows: dict[str, list[tuple[ItemScore, float]]] = {}
    for attempt in attempts:
        for item in attempt.items:
            rows.setdefault(item.question_id, []).append((item, attempt.total))
    items: list[ItemRow] = []
    for qid, pairs in rows.items():
        top = max(item.max_points for item, _ in pairs)
        fractions = [item.points / top if top else 0.0 for item, _ in pairs]
        scores = [item.points for item, _ in pairs]
        rest = [total - item.points for item, total in pairs]
        fraction_variance = sample_variance(fractions)
        items.append(
            (
                qid,
                len(pairs),
                100 * sum(fractions) / len(fractions),
                100 * math.sqrt(fraction_variance) if fraction_variance is not None else None,
                discrimination_index(scores, rest),
                discriminative_efficiency(scores, rest),
                option_spread(None, [item.response for item, _ in pairs])[1],
            )
        )
    paper = PaperStatistics(
        attempts=len(attempts),
        mean=sum(totals) / len(totals) if totals else None,
        median=statistics.median(totals) if totals else None,
        sd=sd,
        cic=cic,
        error_ratio=None,
        standard_error=None,
        items=(),
    )
    return paper, items


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-7)


item_scores = st.tuples(
    st.sampled_from([f"q{i}" for i in range(6)]),
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 1 / 3]),
    st.sampled_from([1.0, 2.0]),
    st.sampled_from([None, "A", "B", ["A", "C"], True, ""]),
)


@st.composite
def attempt_sets(draw: st.DrawFn) -> list[ScoredAttempt]:
    """Small random attempt sets: papers of 1–5 positions drawn from 6 questions (lengths may differ)."""
    count = draw(st.integers(0, 25))
    attempts = []
    for n in range(count):
        chosen = draw(st.lists(item_scores, min_size=1, max_size=5, unique_by=lambda row: row[0]))
        attempts.append(ScoredAttempt(f"S{n}", tuple(ItemScore(q, min(p, m), m, r) for q, p, m, r in chosen)))
    return attempts


@settings(max_examples=150, deadline=None)
@given(attempt_sets())
def test_streaming_figures_equal_the_two_pass_computation(attempts: list[ScoredAttempt]) -> None:
    """Every paper and question figure of the one-pass analysis equals the two-pass computation of Moodle's
    formulas on the same random attempts, questions in the same order."""
    streamed = analyse(iter(attempts), {})
    expected, expected_items = reference(attempts)
    assert streamed.attempts == expected.attempts
    for field in ("mean", "median", "sd", "cic"):
        assert close(getattr(streamed, field), getattr(expected, field)), field
    assert [item.question_id for item in streamed.items] == [row[0] for row in expected_items]
    for item, row in zip(streamed.items, expected_items, strict=True):
        figures = (item.attempts, item.facility, item.sd, item.discrimination, item.efficiency, item.unanswered)
        assert all(close(a, b) for a, b in zip(figures, row[1:], strict=True)), (item, row)


def test_column_moments_keep_their_digits_far_from_zero() -> None:
    """The column sums give :func:`covariance` of the same pairs, for values far from zero too (where the
    textbook Σx² − (Σx)²/n formula loses its digits)."""
    from exam.trainer.analysis import _moments

    xs = [1e9 + v for v in (4.0, 7.0, 13.0, 16.0)]
    ys = [2.0, 9.0, 1.0, 5.0]
    mean, vx, vy, cov, cov_max = _moments(xs, ys)
    assert mean == pytest.approx(1e9 + 10.0, rel=1e-15)
    assert vx == pytest.approx(sample_variance(xs), rel=1e-12) and vx == pytest.approx(30.0, rel=1e-12)
    assert vy == pytest.approx(sample_variance(ys), rel=1e-12)
    assert cov == pytest.approx(covariance(xs, ys), rel=1e-12)
    assert cov is not None and cov_max is not None
    assert cov_max == pytest.approx(covariance(sorted(xs), sorted(ys)), rel=1e-12) and cov_max > cov
    far = [2e16 + 4 * (i % 3) for i in range(10)]  # the rounding of the mean is corrected (exact: 12.2667)
    assert _moments(far, far)[1] == pytest.approx(sample_variance([4.0 * (i % 3) for i in range(10)]), rel=1e-9)
    assert _moments([3.0], [1.0]) == (3.0, None, None, None, None)
    assert _moments([], []) == (0.0, None, None, None, None)


def test_responses_counted_by_value_equal_counted_one_by_one() -> None:
    """A question's option spread counted by value (lists of 多选题 as tuples, lower-case letters, blanks, 判断题,
    typed text) equals counting each response as it comes."""
    from exam.trainer.analysis import ResponseTally, _tally

    responses: list[Any] = ["A", "a", "B", None, "", [], ["A", "C"], ["C", "A"], ["a", "c"], True, False, True,
                            "typed", {"x": 1}, 1, 0, [["A"]], [{"x": 1}]]  # fmt: skip
    one_by_one = ResponseTally()
    for response in responses * 3:
        one_by_one.add(response)
    counted = _tally(responses * 3)
    for field in ("letters", "trues", "falses", "unanswered"):
        assert getattr(counted, field) == getattr(one_by_one, field), field
    assert counted.letters == {"A": 15, "B": 3, "C": 9}
    hashable: list[Any] = [
        "A",
        True,
        1,
        False,
        0,
        "B",
        True,
    ]  # the fast path: True and 1 are one dict key, not one response
    for field in ("letters", "trues", "falses", "unanswered"):
        one = ResponseTally()
        for value in hashable:
            one.add(value)
        assert getattr(_tally(hashable), field) == getattr(one, field), field


def test_analysis_holds_no_attempt_it_was_given() -> None:
    """The analysis reads a generator one attempt at a time and keeps none of them: when the next attempt is
    made, every earlier one has been released (so 10,000 attempts never sit in memory together)."""

    class Tracked(ScoredAttempt):
        pass

    alive: list[weakref.ref[ScoredAttempt]] = []
    most_alive = 0

    def stream() -> Iterator[ScoredAttempt]:
        nonlocal most_alive
        for n in range(50):
            gc.collect()
            most_alive = max(most_alive, sum(1 for ref in alive if ref() is not None))
            attempt = Tracked(f"S{n}", (ItemScore("q1", n % 2, 1.0, "A"), ItemScore("q2", n % 3 / 2, 1.0, "B")))
            alive.append(weakref.ref(attempt))
            yield attempt

    stats = analyse(stream(), {})
    assert stats.attempts == 50
    assert most_alive <= 1


def test_sign_test_takes_thousands_of_responses() -> None:
    """The distractor test works for a question answered thousands of times (10,000 attempts): no float overflow
    (2.0 ** 1024), and the p-value is still a probability that falls as the evidence grows."""
    from exam.trainer.analysis import sign_test_p

    assert sign_test_p(1_500, 3_000) == pytest.approx(0.5, abs=0.02)
    assert 0.0 <= sign_test_p(1_650, 3_000) < 1e-7
