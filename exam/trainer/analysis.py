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
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import mul, sub
from typing import Any, Protocol

from exam.attempts import Attempt
from exam.models import OPTION_LETTERS, Question

NEGATIVE_DISCRIMINATION = "negative_discrimination"
DISTRACTOR_OVER_KEY = "distractor_over_key"
MIN_RESPONSES_TO_FLAG = 20
"""Below this many responses a question is never flagged: too few to tell a wrong key from chance (see above)."""
FLAG_SIGNIFICANCE = 0.05
"""One-sided significance level of the "check the key" tests."""
_EPSILON = 1e-12
_LETTERS = frozenset(OPTION_LETTERS)


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


def analyse(attempts: Iterable[ScoredAttempt], questions: Mapping[str, Question]) -> PaperStatistics:
    """Moodle's statistics of ``attempts`` of one paper (one pass: see :class:`PaperAnalysis`).

    Args:
        attempts: The closed attempts to analyse; read once, so a generator streaming them from the store is fine.
        questions: The questions by id (for the key and options used in the option spread); a question missing
            here still gets its score statistics.
    """
    analysis = PaperAnalysis()
    for attempt in attempts:
        analysis.add(attempt.items)
    return analysis.result(questions)


class ScoredItem(Protocol):
    """One question of one attempt as the analysis reads it: an :class:`ItemScore`, or a stored
    :class:`~exam.attempts.GradedAnswer` as it comes (no copy made per answer)."""

    @property
    def question_id(self) -> str: ...

    @property
    def points(self) -> float: ...

    @property
    def max_points(self) -> float: ...

    @property
    def response(self) -> Any: ...


class ResponseTally:
    """How often each option was chosen in the responses to one question, counted as they stream by; the spread
    itself (:meth:`spread`) needs the question, which may be known only at the end (the current bank's key)."""

    __slots__ = ("falses", "letters", "trues", "unanswered")

    def __init__(self) -> None:
        self.unanswered = 0
        self.trues = self.falses = 0
        self.letters: dict[str, int] = {}

    def add(self, response: Any, times: int = 1) -> None:
        """Count one stored response (``times`` over: that many identical responses)."""
        if type(response) is str and len(response) == 1:  # the common case, a 单选题 letter
            letter = response.upper()
            if letter in _LETTERS:
                self.letters[letter] = self.letters.get(letter, 0) + times
            return
        if response is None or response == [] or response == "":
            self.unanswered += times
        if isinstance(response, bool):
            if response:
                self.trues += times
            else:
                self.falses += times
            return
        chosen = [response] if isinstance(response, str) else response if isinstance(response, list) else []
        for letter in {str(c).upper() for c in chosen}:
            if letter in _LETTERS:  # a typed answer is not an option: counting it would grow without bound
                self.letters[letter] = self.letters.get(letter, 0) + times

    def spread(self, question: Question | None) -> tuple[tuple[OptionCount, ...], int]:
        """``(option counts, unanswered)`` as :func:`option_spread` gives them."""
        if question is None:
            return (), self.unanswered
        key = question.answer
        if isinstance(key, bool):
            counts = {"true": self.trues, "false": self.falses}
            return tuple(OptionCount(opt, n, (opt == "true") is key) for opt, n in counts.items()), self.unanswered
        if not question.options:
            return (), self.unanswered
        if isinstance(key, str):
            keys = {key}
        else:
            keys = {k for k in key if isinstance(k, str)} if isinstance(key, tuple) else set()
        letters = OPTION_LETTERS[: len(question.options)]
        return (
            tuple(OptionCount(letter, self.letters.get(letter, 0), letter in keys) for letter in letters),
            self.unanswered,
        )


class _QuestionColumns:
    """One question's figures as the attempts stream by: its points and the attempts they came from (an index into
    the totals) as compact arrays, its responses, the largest maximum, and where it first appeared (``place``,
    ``position``: see :class:`PaperAnalysis`). The sums are taken at the end over whole columns (C loops), not per
    answer: a million answers cost well under a second."""

    __slots__ = ("attempts", "max_points", "place", "points", "position", "responses")

    def __init__(self, place: float, position: int) -> None:
        self.place = place
        self.position = position
        self.max_points = -math.inf
        self.points = array("d")
        self.attempts = array("q")
        self.responses: list[Any] = []


class PaperAnalysis:
    """Moodle's statistics of one paper, from attempts given one at a time.

    Memory: per answer 16 bytes (its points and its attempt) and a reference to its stored response; per attempt its
    points in paper order (8 bytes each, for the CIC) and its total. 10,000 attempts × 100 questions is about 40 MB,
    whatever the attempts themselves hold (the analysis keeps no attempt).

    Usage: :meth:`add` (or :meth:`add_columns`) each attempt, then :meth:`result`. The questions are listed in order
    of first appearance; ``order`` says where an attempt stands when they arrive in another order than the report
    lists them (a score sheet reads the store oldest first and lists the best first).
    """

    def __init__(self) -> None:
        self._questions: dict[str, _QuestionColumns] = {}
        self._totals = array("d")
        self._rows: list[array[float]] = []
        self._lengths: set[int] = set()

    def add(self, items: Sequence[ScoredItem], order: float | None = None) -> None:
        """Take one closed attempt into the statistics.

        Args:
            items: Its questions in paper order (:attr:`ScoredAttempt.items`, or the attempt's answers).
            order: Its place in the report's order (default: the order of the calls).
        """
        self.add_columns(
            [item.question_id for item in items],
            [item.points for item in items],
            [item.max_points for item in items],
            [item.response for item in items],
            order,
        )

    def add_columns(
        self,
        question_ids: Sequence[str],
        points: Sequence[float],
        max_points: Sequence[float],
        responses: Sequence[Any],
        order: float | None = None,
    ) -> None:
        """:meth:`add` for an attempt given as columns, one entry per question in paper order (what
        :func:`exam.seals.sealed_answers` reads). Raises ``ValueError`` when the columns differ in length."""
        index = len(self._totals)
        place = float(index) if order is None else order
        row = array("d", points)
        self._totals.append(sum(row))
        self._rows.append(row)
        self._lengths.add(len(row))
        questions = self._questions
        # The one loop per answer (a million for 10,000 attempts × 100 questions): appends only.
        for position, (question_id, scored, most, response) in enumerate(
            zip(question_ids, row, max_points, responses, strict=True)
        ):
            column = questions.get(question_id)
            if column is None:
                column = questions[question_id] = _QuestionColumns(place, position)
            elif place < column.place:  # a question is drawn once per paper: the place alone decides
                column.place, column.position = place, position
            if most > column.max_points:
                column.max_points = most
            column.points.append(scored)
            column.attempts.append(index)
            column.responses.append(response)

    @property
    def attempts(self) -> int:
        """How many attempts were added."""
        return len(self._totals)

    def first_seen(self) -> dict[str, tuple[float, int]]:
        """Question id → ``(place, position)`` where it first appears in the report's order."""
        return {qid: (column.place, column.position) for qid, column in self._questions.items()}

    def result(self, questions: Mapping[str, Question]) -> PaperStatistics:
        """The statistics of the attempts added so far (see :func:`analyse` for ``questions``)."""
        totals = self._totals
        count = len(totals)
        variance = _moments(totals, totals)[1]
        sd = math.sqrt(variance) if variance is not None else None
        cic = self._internal_consistency(variance)
        error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100)) if cic is not None else None
        standard_error = error_ratio / 100 * sd if error_ratio is not None and sd is not None else None
        ordered = sorted(self._questions.items(), key=lambda pair: (pair[1].place, pair[1].position))
        return PaperStatistics(
            attempts=count,
            mean=sum(totals) / count if count else None,
            median=statistics.median(totals) if count else None,
            sd=sd,
            cic=cic,
            error_ratio=error_ratio,
            standard_error=standard_error,
            items=tuple(_item_statistics(qid, column, totals, questions.get(qid)) for qid, column in ordered),
        )

    def _internal_consistency(self, total_variance: float | None) -> float | None:
        """The CIC over question positions; ``None`` when the papers differ in length (the spec changed)."""
        if len(self._lengths) != 1:
            return None
        count = next(iter(self._lengths))
        if count < 2 or total_variance is None or total_variance < _EPSILON:
            return None
        item_variances = [_moments(scores, scores)[1] for scores in zip(*self._rows, strict=True)]
        if any(v is None for v in item_variances):
            return None
        return 100 * count / (count - 1) * (1 - sum(v for v in item_variances if v is not None) / total_variance)


def _moments(
    xs: Sequence[float], ys: Sequence[float]
) -> tuple[float, float | None, float | None, float | None, float | None]:
    """``(x̄, V(x), V(y), C(x, y), C_max)`` of paired columns, where ``C_max`` is the covariance of both columns each
    sorted ascending (the discriminative efficiency's denominator; sorting leaves the means unchanged, so it is
    the sum of the sorted deviations' products). The corrected two-pass algorithm (Chan, Golub and LeVeque,
    *Algorithms for computing the sample variance*, 1983): deviations from the means, less the square of their sum
    over n, so values far from zero keep their digits; every loop is a C loop (``map``, ``sum``, ``sorted``). The
    last four are ``None`` for fewer than two pairs, ``x̄`` is 0.0 for none."""
    n = len(xs)
    if not n:
        return 0.0, None, None, None, None
    mean_x = sum(xs) / n
    if n < 2:
        return mean_x, None, None, None, None
    dx = list(map(sub, xs, repeat(mean_x, n)))
    sx = sum(dx)  # the rounding of the mean: subtracting its square keeps the digits (the corrected two-pass)
    vx = max(0.0, sum(map(mul, dx, dx)) - sx * sx / n) / (n - 1)
    if ys is xs:
        return mean_x, vx, vx, vx, vx
    dy = list(map(sub, ys, repeat(sum(ys) / n, n)))
    sy = sum(dy)
    cov = (sum(map(mul, dx, dy)) - sx * sy / n) / (n - 1)
    cov_max = (sum(map(mul, sorted(dx), sorted(dy))) - sx * sy / n) / (n - 1)
    return mean_x, vx, max(0.0, sum(map(mul, dy, dy)) - sy * sy / n) / (n - 1), cov, cov_max


def _tally(responses: Sequence[Any]) -> ResponseTally:
    """The :class:`ResponseTally` of a question's responses: counted by (type, value) first — ``True`` and ``1`` are
    one dict key but not one response — a 多选题's lists as tuples, then each distinct response added with its count;
    if even that cannot count them (a list holding lists), one by one. Equal to adding each response as it comes."""
    tally = ResponseTally()
    try:
        counts = Counter(zip(map(type, responses), responses, strict=True))
    except TypeError:  # lists (多选题)
        try:
            counts = Counter((list, tuple(r)) if type(r) is list else (type(r), r) for r in responses)
        except TypeError:  # something in them that has no hash
            for response in responses:
                tally.add(response)
            return tally
    for (kind, value), times in counts.items():
        tally.add(list(value) if kind is list else value, times)
    return tally


def _item_statistics(
    question_id: str, column: _QuestionColumns, totals: array[float], question: Question | None
) -> ItemStatistics:
    points = column.points
    count = len(points)
    rests = array("d", map(sub, map(totals.__getitem__, column.attempts), points))
    mean, variance_points, variance_rests, cov, cov_max = _moments(points, rests)
    max_points = column.max_points
    # Facility and SD are of the fractions points / max_points: the mean and variance of the points scaled.
    facility = 100 * mean / max_points if max_points else 0.0
    variance = None if variance_points is None else variance_points / max_points**2 if max_points else 0.0
    options, unanswered = _tally(column.responses).spread(question)
    discrimination = None
    if (
        cov is not None and variance_points is not None and variance_rests is not None
        and variance_points >= _EPSILON and variance_rests >= _EPSILON
    ):  # fmt: skip
        discrimination = 100 * cov / math.sqrt(variance_points * variance_rests)
    efficiency = None
    if cov is not None and cov_max is not None and cov_max >= _EPSILON:
        efficiency = 100 * cov / cov_max
    flags: list[str] = []
    p_values: list[tuple[str, float]] = []
    enough = count >= MIN_RESPONSES_TO_FLAG
    if enough and discrimination is not None and discrimination < -_EPSILON:
        p = negative_correlation_p(discrimination / 100, count)
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
        attempts=count,
        facility=facility,
        sd=100 * math.sqrt(max(0.0, variance)) if variance is not None else None,
        discrimination=discrimination,
        efficiency=efficiency,
        options=options,
        unanswered=unanswered,
        flags=tuple(flags),
        over_key=over_key,
        p_values=tuple(p_values),
    )


def option_spread(question: Question | None, responses: Iterable[Any]) -> tuple[tuple[OptionCount, ...], int]:
    """How many responses chose each option, and how many were left blank.

    Responses are stored as canonical option letters (the letters of the bank, whatever order the trainee saw the
    options in), so counts from differently shuffled papers add up. Questions without options (other than 判断题)
    have no spread.
    """
    tally = ResponseTally()
    for response in responses:
        tally.add(response)
    return tally.spread(question)


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
    return min(1.0, tail / (1 << trials))  # exact integers: 2.0**trials overflows a float beyond 1,023 trials


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
