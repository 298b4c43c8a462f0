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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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


class RunningMoments:
    """Running sums of pairs ``(x, y)`` from which the sample variances and covariance follow, in one pass.

    Moodle computes them from sums (``Σx``, ``Σx²``, ``Σxy``); here the sums are of the data shifted by the first
    pair (``x - x₁``), which leaves variance and covariance unchanged and keeps the subtraction
    ``Σx² - (Σx)²/n`` from losing digits when the values are large next to their spread (the "shifted data"
    algorithm: Chan, Golub and LeVeque, *Algorithms for computing the sample variance*, 1983).
    """

    __slots__ = ("kx", "ky", "n", "sx", "sxx", "sxy", "sy", "syy")

    def __init__(self) -> None:
        self.n = 0
        self.kx = self.ky = 0.0
        self.sx = self.sy = self.sxx = self.syy = self.sxy = 0.0

    def add(self, x: float, y: float = 0.0) -> None:
        """Take one pair into the sums."""
        if not self.n:
            self.kx, self.ky = x, y
        dx, dy = x - self.kx, y - self.ky
        self.n += 1
        self.sx += dx
        self.sy += dy
        self.sxx += dx * dx
        self.syy += dy * dy
        self.sxy += dx * dy

    @property
    def mean_x(self) -> float:
        """``x̄`` (0 before any pair)."""
        return self.kx + self.sx / self.n if self.n else 0.0

    @property
    def variance_x(self) -> float | None:
        """``V(x) = Σ (x - x̄)² / (n - 1)``; ``None`` for fewer than two pairs."""
        return max(0.0, self.sxx - self.sx * self.sx / self.n) / (self.n - 1) if self.n >= 2 else None

    @property
    def variance_y(self) -> float | None:
        """``V(y)``; ``None`` for fewer than two pairs."""
        return max(0.0, self.syy - self.sy * self.sy / self.n) / (self.n - 1) if self.n >= 2 else None

    @property
    def covariance(self) -> float | None:
        """``C(x, y) = Σ (x - x̄)(y - ȳ) / (n - 1)``; ``None`` for fewer than two pairs."""
        return (self.sxy - self.sx * self.sy / self.n) / (self.n - 1) if self.n >= 2 else None


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

    def add(self, response: Any) -> None:
        """Count one stored response."""
        if type(response) is str and len(response) == 1:  # the common case, a 单选题 letter
            letter = response.upper()
            if letter in _LETTERS:
                self.letters[letter] = self.letters.get(letter, 0) + 1
            return
        if response is None or response == [] or response == "":
            self.unanswered += 1
        if isinstance(response, bool):
            if response:
                self.trues += 1
            else:
                self.falses += 1
            return
        chosen = [response] if isinstance(response, str) else response if isinstance(response, list) else []
        for letter in {str(c).upper() for c in chosen}:
            if letter in _LETTERS:  # a typed answer is not an option: counting it would grow without bound
                self.letters[letter] = self.letters.get(letter, 0) + 1

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


class _QuestionTotals:
    """The running figures of one question: sums of (points, rest of the test), the largest maximum, the response
    tally, and the points and rests themselves as compact arrays (the discriminative efficiency needs them sorted:
    the one figure that is not a running sum). ``place`` is where it first appeared (see :class:`PaperAnalysis`)."""

    __slots__ = ("max_points", "moments", "place", "points", "position", "rests", "tally")

    def __init__(self, place: float, position: int) -> None:
        self.place = place
        self.position = position
        self.max_points = -math.inf
        self.moments = RunningMoments()
        self.points = array("d")
        self.rests = array("d")
        self.tally = ResponseTally()


class PaperAnalysis:
    """Moodle's statistics of one paper, computed as the attempts stream by, one at a time.

    Memory: per question a few running sums and two arrays of 8-byte floats (its points and the rest of the test
    in each attempt that drew it); per attempt one float (its total, for the median). 10,000 attempts × 100
    questions is about 16 MB, whatever the attempts themselves hold.

    Usage: :meth:`add` each attempt's items, then :meth:`result`. The questions are listed in order of first
    appearance; ``order`` in :meth:`add` says where an attempt stands when they arrive in another order than the
    report lists them (a score sheet reads the store oldest first and lists the best first).
    """

    def __init__(self) -> None:
        self._questions: dict[str, _QuestionTotals] = {}
        self._totals = array("d")
        self._total_moments = RunningMoments()
        self._positions: list[RunningMoments] = []
        self._lengths: set[int] = set()

    def add(self, items: Sequence[ScoredItem], order: float | None = None) -> None:
        """Take one closed attempt into the statistics.

        Args:
            items: Its questions in paper order (:attr:`ScoredAttempt.items`, or the attempt's answers).
            order: Its place in the report's order (default: the order of the calls).
        """
        place = float(len(self._totals)) if order is None else order
        total = sum(item.points for item in items)
        self._totals.append(total)
        self._total_moments.add(total)
        self._lengths.add(len(items))
        positions = self._positions
        while len(positions) < len(items):
            positions.append(RunningMoments())
        questions = self._questions
        # The hot loop (a million items for 10,000 attempts × 100 questions): the sums are updated inline.
        for position, item in enumerate(items):
            points = item.points
            at = positions[position]
            if not at.n:
                at.kx = points
            shifted = points - at.kx
            at.n += 1
            at.sx += shifted
            at.sxx += shifted * shifted
            question_id = item.question_id
            totals = questions.get(question_id)
            if totals is None:
                totals = questions[question_id] = _QuestionTotals(place, position)
            elif place < totals.place:  # a question is drawn once per paper: the place alone decides
                totals.place, totals.position = place, position
            if item.max_points > totals.max_points:
                totals.max_points = item.max_points
            rest = total - points
            sums = totals.moments  # Moments.add, inlined: this runs once per question of every attempt
            if not sums.n:
                sums.kx, sums.ky = points, rest
            dx, dy = points - sums.kx, rest - sums.ky
            sums.n += 1
            sums.sx += dx
            sums.sy += dy
            sums.sxx += dx * dx
            sums.syy += dy * dy
            sums.sxy += dx * dy
            totals.points.append(points)
            totals.rests.append(rest)
            totals.tally.add(item.response)

    @property
    def attempts(self) -> int:
        """How many attempts were added."""
        return len(self._totals)

    def result(self, questions: Mapping[str, Question]) -> PaperStatistics:
        """The statistics of the attempts added so far (see :func:`analyse` for ``questions``)."""
        count = len(self._totals)
        variance = self._total_moments.variance_x
        sd = math.sqrt(variance) if variance is not None else None
        cic = self._internal_consistency()
        error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100)) if cic is not None else None
        standard_error = error_ratio / 100 * sd if error_ratio is not None and sd is not None else None
        ordered = sorted(self._questions.items(), key=lambda pair: (pair[1].place, pair[1].position))
        return PaperStatistics(
            attempts=count,
            mean=sum(self._totals) / count if count else None,
            median=statistics.median(self._totals) if count else None,
            sd=sd,
            cic=cic,
            error_ratio=error_ratio,
            standard_error=standard_error,
            items=tuple(_item_statistics(qid, totals, questions.get(qid)) for qid, totals in ordered),
        )

    def _internal_consistency(self) -> float | None:
        """The CIC over question positions; ``None`` when the papers differ in length (the spec changed)."""
        if len(self._lengths) != 1:
            return None
        count = len(self._positions)
        total_variance = self._total_moments.variance_x
        if count < 2 or total_variance is None or total_variance < _EPSILON:
            return None
        item_variances = [p.variance_x for p in self._positions]
        if any(v is None for v in item_variances):
            return None
        return 100 * count / (count - 1) * (1 - sum(v for v in item_variances if v is not None) / total_variance)


def _item_statistics(question_id: str, totals: _QuestionTotals, question: Question | None) -> ItemStatistics:
    moments = totals.moments
    count = moments.n
    max_points = totals.max_points
    # Facility and SD are of the fractions points / max_points: the mean and variance of the points scaled.
    facility = 100 * moments.mean_x / max_points if max_points else 0.0
    variance_points = moments.variance_x
    variance = None if variance_points is None else variance_points / max_points**2 if max_points else 0.0
    options, unanswered = totals.tally.spread(question)
    cov, vx, vr = moments.covariance, moments.variance_x, moments.variance_y
    discrimination = None
    if cov is not None and vx is not None and vr is not None and vx >= _EPSILON and vr >= _EPSILON:
        discrimination = 100 * cov / math.sqrt(vx * vr)
    efficiency = None
    cov_max = covariance(sorted(totals.points), sorted(totals.rests))
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
