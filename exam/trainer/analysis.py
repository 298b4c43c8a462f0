"""Item analysis (试题分析) with the formulas of Moodle's quiz statistics report.

Reference: https://docs.moodle.org/dev/Quiz_statistics_calculations. With ``S`` attempts, ``x_p(s)`` the score of
attempt ``s`` on question ``p``, ``T_s`` its total and ``X_p(s) = T_s - x_p(s)`` the rest of the test:

* variance ``V(x) = Σ (x - x̄)² / (S - 1)`` and covariance ``C(x, y) = Σ (x - x̄)(y - ȳ) / (S - 1)``;
* facility index ``F = 100 · x̄_p / x_p(max)``;
* standard deviation ``SD = 100 · √V(x_p) / x_p(max)``;
* discrimination index ``D = 100 · C(x_p, X_p) / √(V(x_p) · V(X_p))`` (item against the rest of the test);
* discriminative efficiency ``DE = 100 · C(x_p, X_p) / C_max``, where ``C_max`` is the covariance of ``x_p`` and
  ``X_p`` each sorted ascending (the largest covariance those scores could have);
* per paper: mean, median and ``SD = √V(T)``; coefficient of internal consistency (Cronbach's α, Moodle's CIC)
  ``CIC = 100 · P / (P - 1) · (1 - Σ_p V(x_p) / V(T))`` with ``P`` questions per attempt; error ratio
  ``ER = 100 · √(1 - CIC / 100)``; standard error ``SE = ER / 100 · SD``.

Papers draw their questions at random, so a question's statistics use the attempts that drew it, and the CIC uses
the question *positions* of the drawn paper (as Moodle does for random-question slots). A value that cannot be
computed (one attempt, no spread) is ``None``.

"Check the key" (请核对答案) flags need evidence, not just a sign. Papers are drawn at random, so in a training of 40
trainees from a pool of 250 questions each question is answered by about five people, and with five responses a
negative discrimination or a popular distractor is what chance alone gives a right key about half the time. A
question is flagged only when

* it has at least :data:`MIN_RESPONSES_TO_FLAG` responses (the standard error of a correlation is about
  ``1 / √(n − 3)``: 0.24 at 20 responses, so below that even a strongly negative value says little), and
* a one-sided test rejects "the key is fine" at :data:`FLAG_SIGNIFICANCE`:

  - negative discrimination: Fisher's z-transform of the item–rest correlation ``r`` (``D / 100``),
    ``z = atanh(r) · √(n − 3)``, against the standard normal (Fisher 1921; any statistics text, e.g. Howell,
    *Statistical Methods for Psychology*, ch. 9);
  - a distractor chosen more often than the key: an exact binomial sign test over the ``d + k`` responses that chose
    the distractor (``d``) or the key (``k``; its least chosen option for 多选题), ``P(X ≥ d | d + k, ½)``.

Each flag keeps its figures (the statistic, the responses, the p-value) so a report can say why it fired.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exam.attempts import Attempt
from exam.models import OPTION_LETTERS, Question

NEGATIVE_DISCRIMINATION = "negative_discrimination"
DISTRACTOR_OVER_KEY = "distractor_over_key"
MIN_RESPONSES_TO_FLAG = 20
"""Below this many responses a question is never flagged: too few to tell a wrong key from chance (see above)."""
FLAG_SIGNIFICANCE = 0.05
"""One-sided significance level of the "check the key" tests."""
_EPSILON = 1e-12


@dataclass(frozen=True)
class ItemScore:
    """One question of one attempt: the points earned, the points possible and the stored response."""

    question_id: str
    points: float
    max_points: float
    response: Any = None


@dataclass(frozen=True)
class ScoredAttempt:
    """The per-question scores of one attempt, in the order of its drawn paper."""

    attempt_id: str
    items: tuple[ItemScore, ...]

    @property
    def total(self) -> float:
        return sum(item.points for item in self.items)

    @classmethod
    def from_attempt(cls, attempt: Attempt) -> ScoredAttempt:
        """Read a closed attempt's answers (question id, points, maximum, response)."""
        return cls(
            attempt.attempt_id,
            tuple(ItemScore(a.question_id, a.points, a.max_points, a.response) for a in attempt.answers),
        )


@dataclass(frozen=True)
class OptionCount:
    """How many attempts chose one option. ``option`` is a canonical letter, or ``"true"``/``"false"`` for 判断题."""

    option: str
    count: int
    is_key: bool


@dataclass(frozen=True)
class ItemStatistics:
    """Moodle's statistics of one question (percentages, ``None`` when not computable)."""

    question_id: str
    type: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    options: tuple[OptionCount, ...] = ()
    unanswered: int = 0
    flags: tuple[str, ...] = ()
    over_key: tuple[str, ...] = ()
    """Wrong options chosen significantly more often than the key (the reason for :data:`DISTRACTOR_OVER_KEY`)."""
    p_values: tuple[tuple[str, float], ...] = ()
    """``(flag, p)`` for each flag in :attr:`flags`: the one-sided p-value of its test."""

    @property
    def check_key(self) -> bool:
        """Whether the trainer should check this question's key."""
        return bool(self.flags)


@dataclass(frozen=True)
class PaperStatistics:
    """Moodle's statistics of a whole paper plus the statistics of each of its questions."""

    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    items: tuple[ItemStatistics, ...]

    @property
    def flagged(self) -> tuple[ItemStatistics, ...]:
        return tuple(item for item in self.items if item.check_key)


# -- the formulas ------------------------------------------------------------------------------------------------


def sample_variance(values: Sequence[float]) -> float | None:
    """``Σ (x - x̄)² / (n - 1)``; ``None`` for fewer than two values."""
    return covariance(values, values)


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """``Σ (x - x̄)(y - ȳ) / (n - 1)``; ``None`` for fewer than two pairs."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def discrimination_index(xs: Sequence[float], rest: Sequence[float]) -> float | None:
    """``100 · r(x, X)``: the correlation of the item with the rest of the test, in percent."""
    cov, vx, vr = covariance(xs, rest), sample_variance(xs), sample_variance(rest)
    if cov is None or vx is None or vr is None or vx < _EPSILON or vr < _EPSILON:
        return None
    return 100 * cov / math.sqrt(vx * vr)


def discriminative_efficiency(xs: Sequence[float], rest: Sequence[float]) -> float | None:
    """``100 · C(x, X) / C_max``, ``C_max`` being the covariance of both score lists sorted ascending."""
    cov = covariance(xs, rest)
    cov_max = covariance(sorted(xs), sorted(rest))
    if cov is None or cov_max is None or cov_max < _EPSILON:
        return None
    return 100 * cov / cov_max


def coefficient_of_internal_consistency(
    position_scores: Sequence[Sequence[float]], totals: Sequence[float]
) -> float | None:
    """Cronbach's α in percent: ``100 · P/(P-1) · (1 - Σ V(x_p) / V(T))``.

    Args:
        position_scores: One list per question position, the score of every attempt at that position.
        totals: The total of every attempt, in the same order.
    """
    count = len(position_scores)
    total_variance = sample_variance(totals)
    if count < 2 or total_variance is None or total_variance < _EPSILON:
        return None
    item_variances = [sample_variance(scores) for scores in position_scores]
    if any(v is None for v in item_variances):
        return None
    return 100 * count / (count - 1) * (1 - sum(v for v in item_variances if v is not None) / total_variance)


# -- putting it together ----------------------------------------------------------------------------------------


def analyse(attempts: Sequence[ScoredAttempt], questions: Mapping[str, Question]) -> PaperStatistics:
    """Moodle's statistics of ``attempts`` of one paper.

    Args:
        attempts: The closed attempts to analyse.
        questions: The questions by id (for the key and options used in the option spread); a question missing
            here still gets its score statistics.
    """
    totals = [a.total for a in attempts]
    sd_value = sample_variance(totals)
    sd = math.sqrt(sd_value) if sd_value is not None else None
    cic = coefficient_of_internal_consistency(_position_scores(attempts), totals)
    error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100)) if cic is not None else None
    standard_error = error_ratio / 100 * sd if error_ratio is not None and sd is not None else None
    return PaperStatistics(
        attempts=len(attempts),
        mean=sum(totals) / len(totals) if totals else None,
        median=statistics.median(totals) if totals else None,
        sd=sd,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
        items=tuple(_item_statistics(qid, rows, questions.get(qid)) for qid, rows in _by_question(attempts).items()),
    )


def _by_question(attempts: Iterable[ScoredAttempt]) -> dict[str, list[tuple[ItemScore, float]]]:
    """Each question's ``(score, total of its attempt)`` pairs, questions in order of first appearance."""
    rows: dict[str, list[tuple[ItemScore, float]]] = {}
    for attempt in attempts:
        total = attempt.total
        for item in attempt.items:
            rows.setdefault(item.question_id, []).append((item, total))
    return rows


def _position_scores(attempts: Sequence[ScoredAttempt]) -> list[list[float]]:
    """Scores by question position; empty when the attempts' papers differ in length (the spec changed)."""
    if not attempts or len({len(a.items) for a in attempts}) != 1:
        return []
    return [[a.items[p].points for a in attempts] for p in range(len(attempts[0].items))]


def _item_statistics(
    question_id: str, rows: list[tuple[ItemScore, float]], question: Question | None
) -> ItemStatistics:
    max_points = max(item.max_points for item, _ in rows)
    fractions = [item.points / max_points if max_points else 0.0 for item, _ in rows]
    scores = [item.points for item, _ in rows]
    rest = [total - item.points for item, total in rows]
    variance = sample_variance(fractions)
    options, unanswered = option_spread(question, [item.response for item, _ in rows])
    flags: list[str] = []
    p_values: list[tuple[str, float]] = []
    discrimination = discrimination_index(scores, rest)
    enough = len(rows) >= MIN_RESPONSES_TO_FLAG
    if enough and discrimination is not None and discrimination < -_EPSILON:
        p = negative_correlation_p(discrimination / 100, len(rows))
        if p < FLAG_SIGNIFICANCE:
            flags.append(NEGATIVE_DISCRIMINATION)
            p_values.append((NEGATIVE_DISCRIMINATION, p))
    over_key: tuple[str, ...] = ()
    if enough:
        over_key, p_over = distractors_over_key(options)
        if over_key:
            flags.append(DISTRACTOR_OVER_KEY)
            p_values.append((DISTRACTOR_OVER_KEY, p_over))
    return ItemStatistics(
        question_id=question_id,
        type=question.type if question else "",
        attempts=len(rows),
        facility=100 * sum(fractions) / len(fractions),
        sd=100 * math.sqrt(variance) if variance is not None else None,
        discrimination=discrimination,
        efficiency=discriminative_efficiency(scores, rest),
        options=options,
        unanswered=unanswered,
        flags=tuple(flags),
        over_key=over_key,
        p_values=tuple(p_values),
    )


def option_spread(question: Question | None, responses: Sequence[Any]) -> tuple[tuple[OptionCount, ...], int]:
    """How many responses chose each option, and how many were left blank.

    Responses are stored as canonical option letters (the letters of the bank, whatever order the trainee saw the
    options in), so counts from differently shuffled papers add up. Questions without options (other than 判断题)
    have no spread.
    """
    unanswered = sum(1 for r in responses if r is None or r == [] or r == "")
    if question is None:
        return (), unanswered
    key = question.answer
    if isinstance(key, bool):
        counts = {"true": 0, "false": 0}
        for response in responses:
            if isinstance(response, bool):
                counts["true" if response else "false"] += 1
        return tuple(OptionCount(opt, n, (opt == "true") is key) for opt, n in counts.items()), unanswered
    if not question.options:
        return (), unanswered
    letters = OPTION_LETTERS[: len(question.options)]
    if isinstance(key, str):
        keys = {key}
    else:
        keys = {k for k in key if isinstance(k, str)} if isinstance(key, tuple) else set()
    letter_counts = dict.fromkeys(letters, 0)
    for response in responses:
        chosen = [response] if isinstance(response, str) else response if isinstance(response, list) else []
        for letter in {str(c).upper() for c in chosen}:
            if letter in letter_counts:
                letter_counts[letter] += 1
    return tuple(OptionCount(letter, n, letter in keys) for letter, n in letter_counts.items()), unanswered


def distractors_over_key(
    options: Sequence[OptionCount], significance: float = FLAG_SIGNIFICANCE
) -> tuple[tuple[str, ...], float]:
    """Wrong options chosen significantly more often than the key, and the smallest p-value among them.

    For each wrong option chosen ``d`` times against the key's ``k`` (its least chosen option, for 多选题), the
    exact one-sided sign test ``P(X ≥ d | d + k, ½)`` (:func:`sign_test_p`) must be below ``significance``.

    Returns:
        ``(letters, p)``: the options in A–H order and the smallest p-value; ``((), 1.0)`` when none qualifies.
    """
    key_counts = [o.count for o in options if o.is_key]
    if not key_counts:
        return (), 1.0
    least = min(key_counts)
    found: list[str] = []
    smallest = 1.0
    for option in options:
        if option.is_key or option.count <= least:
            continue
        p = sign_test_p(option.count, option.count + least)
        if p < significance:
            found.append(option.option)
            smallest = min(smallest, p)
    return tuple(found), smallest


def sign_test_p(successes: int, trials: int) -> float:
    """``P(X ≥ successes)`` for ``X ~ Binomial(trials, ½)``: the one-sided exact sign test; 1.0 for no trials."""
    if trials <= 0:
        return 1.0
    tail = sum(math.comb(trials, k) for k in range(successes, trials + 1))
    return min(1.0, tail / 2.0**trials)


def negative_correlation_p(r: float, n: int) -> float:
    """One-sided p-value of "the correlation is below zero" for a sample correlation ``r`` of ``n`` pairs.

    Fisher's z-transform: ``z = atanh(r) · √(n − 3)`` is approximately standard normal when the true correlation is
    0; the p-value is ``Φ(z)``. ``r`` is clamped into (−1, 1); fewer than 4 pairs give 1.0 (no evidence).
    """
    if n < 4:
        return 1.0
    clamped = max(-0.999999, min(0.999999, r))
    z = math.atanh(clamped) * math.sqrt(n - 3)
    p: float = statistics.NormalDist().cdf(z)
    return p
