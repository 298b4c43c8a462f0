"""A cell reads as Excel and WPS show it (issue 14): number formats of Chinese templates, dates, 50%, 000123."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam.cellformat import ZH_CN_BUILTIN_FORMATS, chinese_number, display_text
from exam.textnorm import normalize_numbers

DAY = dt.datetime(1982, 12, 4)

SHOWN = [
    # dates as Chinese templates format them (Excel and WPS)
    ('yyyy"年"m"月"d"日"', DAY, "1982年12月4日"),
    ("yyyy-mm-dd", DAY, "1982-12-04"),
    ("yyyy/m/d", DAY, "1982/12/4"),
    ('[DBNum1][$-804]yyyy"年"m"月"d"日"', DAY, "一九八二年十二月四日"),
    ('[DBNum2][$-804]yyyy"年"m"月"d"日"', DAY, "壹玖捌贰年壹拾贰月肆日"),
    ('m"月"d"日"', DAY, "12月4日"),
    ('yyyy"年"m"月"', DAY, "1982年12月"),
    ("[$-804]aaaa", DAY, "星期六"),
    ("[$-F800]dddd, mmmm dd, yyyy", DAY, "1982年12月4日"),
    ("yyyy/m/d h:mm", dt.datetime(2026, 1, 2, 3, 4), "2026/1/2 3:04"),
    ("h:mm:ss", dt.time(9, 5, 7), "9:05:07"),
    ('上午/下午h"时"mm"分"', dt.time(15, 7), "下午3时07分"),
    ("h:mm AM/PM", dt.time(9, 30), "9:30 AM"),
    ("[h]:mm", dt.timedelta(hours=30, minutes=5), "30:05"),
    ('yyyy"年"m"月"d"日"', 30289, "1982年12月4日"),  # a serial number with a date format
    # numbers
    ("0%", 0.5, "50%"),
    ("0.00%", 0.125, "12.50%"),
    ("000000", 123, "000123"),
    ('"KS"000000', 42, "KS000042"),
    ("000-0000", 1234567, "123-4567"),
    ("0.00", 2.5, "2.50"),
    ("0.00", 2.675, "2.68"),  # half away from zero, on the decimal written
    ("0.0", 2, "2.0"),
    ("#,##0", 12345, "12,345"),
    ("#,##0.00", -1234567.891, "-1,234,567.89"),
    ("0.0,", 12345, "12.3"),
    ("#.##", 0.5, ".5"),
    ("0.00E+00", 12345, "1.23E+04"),
    ("0.00_ ;[红色]-0.00 ", -3.14159, "-3.14 "),  # WPS: the negative section in red, its sign written
    ("0.00_ ;[红色]-0.00 ", 3.14159, "3.14 "),
    ("¥#,##0.00;¥-#,##0.00", -5, "¥-5.00"),
    ('#,##0;-#,##0;"零"', 0, "零"),
    ('[>=60]"及格";"不及格"', 75, "及格"),
    ('[>=60]"及格";"不及格"', 59, "不及格"),
    ("[DBNum1]0", 123, "一百二十三"),
    ("[DBNum2]0", 10010, "壹万零壹拾"),
    ("[DBNum1]General", 1100, "一千一百"),
    # General (also WPS's G/通用格式): as Excel shows it
    ("General", 2.0, "2"),
    ("General", 0.1 + 0.2, "0.3"),
    ("General", 1 / 3, "0.333333333"),
    ("G/通用格式", 12.0, "12"),
    ("General", 430105198212041234, "4.30105E+17"),  # an ID card typed as a number: Excel shows it so
    ("General", -7, "-7"),
    ("", 5, "5"),
    (None, 5, "5"),
    # text, booleans and empty cells
    ("@", "000123", "000123"),
    ("0.00", "  两位 ", "  两位 "),
    ("General", True, "TRUE"),
    ("0", False, "FALSE"),
    ("General", None, ""),
    ("# ?/?", 0.5, "0.5"),  # fractions: not supported, General
]


@pytest.mark.parametrize(("code", "value", "shown"), SHOWN)
def test_cell_reads_as_shown(code: str | None, value: object, shown: str) -> None:
    """Each format code of Chinese Excel/WPS templates renders the stored value as the cell shows it."""
    assert display_text(value, code) == shown


def test_zh_cn_builtin_date_formats_read_as_dates() -> None:
    """WPS stores 年月日 dates under built-in format 31, which openpyxl does not know: the table supplies it."""
    assert display_text(30289, ZH_CN_BUILTIN_FORMATS[31]) == "1982年12月4日"
    assert display_text(0.5, ZH_CN_BUILTIN_FORMATS[34]) == "下午12时00分"


def test_an_unknown_code_never_raises() -> None:
    """A malformed code shows the value as General rather than failing the import."""
    for code in ('"unclosed', "[", "0.0E+", ";;;", "0" * 400, "[DBNum9]0", "yyyy-mm-dd", "[h]"):
        for value in (12.5, -1e300, 1e300, dt.datetime(9999, 12, 31), dt.timedelta(days=-3)):
            assert isinstance(display_text(value, code), str)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=12))
def test_leading_zero_formats_pad_to_their_width(number: int, width: int) -> None:
    """``000000``-style formats show the integer with leading zeros to the width (wider numbers in full)."""
    assert display_text(number, "0" * width) == str(number).zfill(width)


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_fixed_decimals_round_half_away_from_zero(value: Decimal) -> None:
    """``0.00`` shows the decimal value written in the cell rounded half away from zero to two places."""
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = display_text(float(value), "0.00")
    assert Decimal(shown) == expected and len(shown.split(".")[1]) == 2


@given(st.integers(min_value=1, max_value=10**12))
def test_chinese_numbers_read_back_as_the_same_number(number: int) -> None:
    """[DBNum1]/[DBNum2] numerals read back to the same number by the answer comparison's independent reader."""
    assert normalize_numbers(chinese_number(number)) == str(number)
    assert normalize_numbers(chinese_number(number, capital=True)) == str(number)
