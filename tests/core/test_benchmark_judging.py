"""The benchmark suite can fail: benchmarks/run.py judges each figure with benchmarks/judging.py, and a figure over
its target, a growing figure or a row that could not be measured is a miss that makes the suite exit 1."""

from __future__ import annotations

import pytest

from benchmarks.judging import (
    FLAT_FACTOR,
    FLAT_SLACK_MS,
    at_most,
    exit_status,
    flat,
    format_verdict,
    is_flat,
    median,
    missed_measured,
    ratio_at_most,
    retried,
    unmeasured,
)


def test_an_absolute_target_is_missed_above_its_limit_and_met_at_it() -> None:
    """20 ms is met by 20 ms and missed by 20.01 ms; the line says MISS."""
    assert at_most(6, "start", 20.0, "ms", 20).met
    missed = at_most(6, "start", 20.01, "ms", 20)
    assert not missed.met
    assert "MISS" in format_verdict(missed) and "PASS" not in format_verdict(missed)


def test_a_ratio_target_compares_figure_over_floor() -> None:
    """3x the floor: 0.66 ms over a 0.22 ms floor is met (3.0x), 0.67 ms is missed; the ratio is printed."""
    met = ratio_at_most(5, "save", 0.66, 0.22, "ms", 3)
    missed = ratio_at_most(5, "save", 0.67, 0.22, "ms", 3)
    assert met.met and not missed.met
    assert missed.ratio == pytest.approx(0.67 / 0.22)
    assert f"{0.67 / 0.22:.2f}x" in format_verdict(missed)


def test_a_floor_that_is_not_positive_cannot_pass() -> None:
    """A zero floor would make any figure's ratio meaningless: the row is a miss with the reason."""
    verdict = ratio_at_most(1, "start-up", 100.0, 0.0, "ms", 1.5)
    assert not verdict.met and verdict.ratio is None and verdict.note


def test_flat_allows_the_factor_plus_the_slack_and_no_more() -> None:
    """At the largest size the value may be FLAT_FACTOR x the smallest's plus FLAT_SLACK_MS, not a hair more."""
    limit = FLAT_FACTOR * 10.0 + FLAT_SLACK_MS
    assert is_flat({100: 10.0, 1000: 12.0, 10_000: limit})
    assert not is_flat({100: 10.0, 1000: 12.0, 10_000: limit + 0.01})
    assert is_flat({100: 0.2, 10_000: 0.6})  # sub-millisecond noise is inside the slack


def test_growth_like_the_issues_home_screen_is_not_flat() -> None:
    """5 / 22 / 158 ms at 100 / 1,000 / 10,000 (the issue's home screen) is judged "not flat", a miss."""
    verdict = flat(7, "home, growth", {100: 5.0, 1000: 22.0, 10_000: 158.0})
    assert not verdict.met
    assert verdict.figure == pytest.approx(158.0 / 5.0)


def test_one_size_cannot_show_that_a_figure_is_flat() -> None:
    """With a single size nothing shows the figure does not grow: a miss, not a pass."""
    assert not is_flat({1000: 1.0})
    assert not flat(6, "start, growth", {1000: 1.0}).met


def test_an_unmeasured_row_is_a_miss_and_fails_the_run_as_broken() -> None:
    """A row that could not be measured (e.g. the bank was refused) prints its reason and makes the exit status 2,
    which CI treats as a broken suite; a measured miss is 1."""
    refused = unmeasured(3, "10,000-question bank loads", "loads", "refused: file too large")
    assert not refused.met
    assert "refused: file too large" in format_verdict(refused)
    assert exit_status([at_most(6, "start", 1.0, "ms", 20), refused]) == 2
    assert exit_status([at_most(6, "start", 30.0, "ms", 20)]) == 1
    assert exit_status([at_most(6, "start", 1.0, "ms", 20)]) == 0


def test_a_run_that_judged_nothing_fails() -> None:
    """No verdicts at all is not a pass."""
    assert exit_status([]) == 2


def test_median_of_no_samples_is_an_error_not_zero() -> None:
    """A figure with no samples must not become 0 (which would pass every target)."""
    with pytest.raises(ValueError):
        median([])
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_only_a_measured_miss_is_measured_again() -> None:
    """``--retry-misses`` measures again a group with a figure over its target; a group that passed, or a row that
    could not be measured (a broken suite, never noise), is not retried."""
    assert missed_measured([at_most(6, "start", 1.0, "ms", 20), at_most(6, "start", 30.0, "ms", 20)])
    assert not missed_measured([at_most(6, "start", 1.0, "ms", 20)])
    assert not missed_measured([unmeasured(3, "bank loads", "loads", "refused")])


def test_a_retried_group_is_judged_by_its_second_run_and_says_so() -> None:
    """A miss then a pass is a pass noting the first figure; a miss twice stays a miss (exit 1)."""
    first = [ratio_at_most(1, "start-up", 240.0, 150.0, "ms", 1.5), at_most(1, "other", 1.0, "ms", 20)]
    passed = retried(first, [ratio_at_most(1, "start-up", 200.0, 150.0, "ms", 1.5), at_most(1, "other", 2.0, "ms", 20)])
    assert [v.met for v in passed] == [True, True] and exit_status(passed) == 0
    assert "first run 240.00 ms (miss)" in passed[0].note and "first run 1.00 ms" in passed[1].note
    twice = retried(first, [ratio_at_most(1, "start-up", 241.0, 150.0, "ms", 1.5)])
    assert exit_status(twice) == 1 and "first run 240.00 ms (miss)" in format_verdict(twice[0])
