"""One way to write a score: whole numbers without decimals, others with up to two, no trailing zeros."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from exam.scoring import POINTS_DECIMALS, format_points


def test_format_points_examples() -> None:
    """``100.0`` is ``100``; halves, thirds and hundredths keep only the decimals they need; ``None`` is empty."""
    cases = [(100.0, "100"), (100, "100"), (2.0, "2"), (2.5, "2.5"), (0.666, "0.67"), (1.10, "1.1"), (0.0, "0"),
             (-0.0, "0"), (86.25, "86.25"), (1e7, "10000000"), (0.004, "0")]  # fmt: skip
    assert [(value, format_points(value)) for value, _ in cases] == cases
    assert format_points(None) == ""


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_format_points_reads_back_as_the_rounded_value(value: float) -> None:
    """Any score reads back as itself rounded to the scoring rule's decimals, with no exponent, no trailing zero
    after the point and no point without decimals."""
    text = format_points(value)
    assert re.fullmatch(r"\d+(\.\d*[1-9])?", text), text
    assert abs(float(text) - value) <= 0.5 * 10**-POINTS_DECIMALS + 1e-9
