"""How benchmarks/run.py judges a figure against its target: kept apart (and free of timing) so that a unit test
can show the suite *can* fail (tests/core/test_benchmark_judging.py).

Every verdict is ``True`` (met), ``False`` (missed) or, for a figure that could not be measured, a miss with the
reason. "Flat" is defined once here, and printed by the suite.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

FLAT_FACTOR = 1.5
"""A figure is flat when its value at the largest size is at most this many times its value at the smallest ..."""
FLAT_SLACK_MS = 0.5
"""... plus this absolute slack in milliseconds, so that sub-millisecond figures are not judged on noise."""
FLAT_DEFINITION = (
    f"flat: the value at the largest size <= {FLAT_FACTOR} x the value at the smallest size + {FLAT_SLACK_MS} ms"
)


@dataclass(frozen=True)
class Verdict:
    """One judged line of the report.

    Attributes:
        row: The row number of the issue's table (1–11).
        label: What was measured, e.g. ``"answer save @ 10000 stored"``.
        figure: The measured value (``None`` when it could not be measured).
        unit: The unit of ``figure`` and ``floor`` (``"ms"``, ``"s"``, ``"MiB"``).
        floor: The floor measured in the same run, or ``None`` where the row has none.
        target: The target in words, e.g. ``"<= 3x floor"``.
        met: Whether the target is met; always ``False`` when ``figure`` is ``None``.
        note: The reason a figure is missing, or what else to know.
    """

    row: int
    label: str
    figure: float | None
    unit: str
    floor: float | None
    target: str
    met: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """``figure / floor`` when both are known and the floor is positive."""
        if self.figure is None or self.floor is None or self.floor <= 0:
            return None
        return self.figure / self.floor


def median(samples: Sequence[float]) -> float:
    """The median of ``samples``; raises ``ValueError`` when there are none."""
    if not samples:
        raise ValueError("no samples")
    return float(statistics.median(samples))


def at_most(row: int, label: str, figure: float, unit: str, limit: float, floor: float | None = None) -> Verdict:
    """Met when ``figure <= limit`` (an absolute target in ``unit``)."""
    return Verdict(row, label, figure, unit, floor, f"<= {limit:g} {unit}", figure <= limit)


def ratio_at_most(row: int, label: str, figure: float, floor: float, unit: str, limit: float) -> Verdict:
    """Met when ``figure / floor <= limit``; a floor of zero or less cannot be judged and is a miss."""
    verdict = Verdict(row, label, figure, unit, floor, f"<= {limit:g}x floor", False)
    ratio = verdict.ratio
    if ratio is None:
        return Verdict(row, label, figure, unit, floor, verdict.target, False, "floor not positive")
    return Verdict(row, label, figure, unit, floor, verdict.target, ratio <= limit)


def is_flat(by_size: Mapping[int, float], factor: float = FLAT_FACTOR, slack_ms: float = FLAT_SLACK_MS) -> bool:
    """Whether milliseconds ``by_size`` (size -> value) are flat: the value at the largest size is at most
    ``factor`` times the value at the smallest plus ``slack_ms``. One size or none cannot show growth: ``False``."""
    if len(by_size) < 2:
        return False
    sizes = sorted(by_size)
    return by_size[sizes[-1]] <= factor * by_size[sizes[0]] + slack_ms


def flat(row: int, label: str, by_size: Mapping[int, float]) -> Verdict:
    """The "flat" verdict of a figure over sizes (milliseconds); the figure shown is largest / smallest."""
    sizes = sorted(by_size)
    if len(sizes) < 2:
        return Verdict(row, label, None, "x", None, "flat", False, "needs two sizes")
    growth = by_size[sizes[-1]] / by_size[sizes[0]] if by_size[sizes[0]] > 0 else float("inf")
    note = f"{sizes[0]} -> {sizes[-1]} stored: " + " / ".join(f"{by_size[s]:.2f}" for s in sizes) + " ms"
    return Verdict(row, label, growth, "x", None, "flat", is_flat(by_size), note)


def unmeasured(row: int, label: str, target: str, reason: str) -> Verdict:
    """A row that could not be measured: printed with the reason and counted as a miss."""
    return Verdict(row, label, None, "", None, target, False, reason)


def exit_status(verdicts: Sequence[Verdict]) -> int:
    """0 when every verdict is met (and there is at least one); 2 when a row could not be measured (the suite itself
    is broken, or what it drives is) or nothing was measured; else 1 (a target was missed)."""
    if not verdicts or any(v.figure is None for v in verdicts):
        return 2
    return 0 if all(v.met for v in verdicts) else 1


def missed_measured(verdicts: Sequence[Verdict]) -> bool:
    """Whether a group of verdicts has a measured miss (a figure over its target, not a row that could not be
    measured): what ``--retry-misses`` measures once more."""
    return any(v.figure is not None and not v.met for v in verdicts)


def retried(first: Sequence[Verdict], second: Sequence[Verdict]) -> list[Verdict]:
    """The verdicts of a group measured again after a miss: the second run's, each noting the first run's figure for
    the same line, so a miss must happen twice in a row to count (a noisy neighbour once is not a regression)."""
    before = {v.label: v for v in first}
    judged = []
    for verdict in second:
        earlier = before.get(verdict.label)
        if earlier is not None and earlier.figure is not None:
            was = f"first run {earlier.figure:.2f} {earlier.unit}{'' if earlier.met else ' (miss)'}"
            verdict = replace(verdict, note=f"{verdict.note}; {was}" if verdict.note else was)
        judged.append(verdict)
    return judged


def format_verdict(verdict: Verdict) -> str:
    """One line of the report: row, label, figure, floor, ratio, target, PASS/MISS and a note."""
    figure = "-" if verdict.figure is None else f"{verdict.figure:.2f} {verdict.unit}"
    floor = "-" if verdict.floor is None else f"{verdict.floor:.2f} {verdict.unit}"
    ratio = "-" if verdict.ratio is None else f"{verdict.ratio:.2f}x"
    status = "PASS" if verdict.met else "MISS"
    line = (
        f"{verdict.row:>3} | {verdict.label:<44} | {figure:>14} | {floor:>12} | {ratio:>7} | "
        f"{verdict.target:<18} | {status}"
    )
    return line + (f" | {verdict.note}" if verdict.note else "")
