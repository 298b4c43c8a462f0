"""What a spreadsheet cell shows: a cell value rendered with its Excel number format, as Excel and WPS display it.

A trainer's sheet holds what the trainer sees (a 考号 shown as ``000123``, a date shown as ``1982年12月4日``, ``50%``);
openpyxl gives the stored value (``123``, a ``datetime``, ``0.5``). :func:`display_text` turns the stored value back
into the text on screen, so imports take what the person typed and checked.

Why our own code: the Python ports of SheetJS's formatter (``ssf`` fails to start with current Babel; its forks print
debugging lines to standard output and pull in five dependencies) and the smaller formatters (no dates, no leading
zeros) were judged unfit, so this module covers the formats of Chinese exam and roster templates, written by Excel
and WPS (ECMA-376 Part 1, 18.8.31 ``numFmts``; the zh-CN built-in formats 27–36 and 50–58 that WPS writes without
spelling them out):

* ``General`` (also WPS's ``G/通用格式``): integers as they are, others to 11 characters, scientific from 1E+11 on,
  as Excel's General does (so an 18-digit ID card number typed as a number shows as ``4.30105E+17``, not as
  digits Excel has already lost);
* ``@`` and any text value: the text verbatim; booleans as ``TRUE``/``FALSE``; error values (``#N/A``) as they are;
* numbers: ``0`` (leading zeros: ``000000`` → ``000123``), ``#``, ``?``, ``.``, ``,`` (thousands, or ÷1000 at the
  end), ``%``, ``E+00``, literals (``"…"``, ``\\x``, ``¥``, Chinese text), ``_x`` (a space), ``*x`` (dropped),
  sections ``positive;negative;zero;text`` and conditions such as ``[>=100]``;
* dates and times: ``y yy yyyy m mm mmm mmmm d dd ddd dddd aaa aaaa h hh m mm s ss .0 AM/PM A/P 上午/下午``,
  ``[h] [mm] [ss]`` (elapsed), ``[$-F800]`` (the system long date: ``1982年12月4日``), ``[$-F400]`` (system time);
* ``[DBNum1]`` (一九八二年十二月四日, 一百二十三) and ``[DBNum2]`` (壹佰贰拾叁); other ``[…]`` (colours, locales,
  ``[红色]``) are ignored.

Fractions (``# ?/?``) and other rare codes fall back to General. Rounding is half away from zero, as Excel's.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

GENERAL = "General"
ZH_CN_BUILTIN_FORMATS: dict[int, str] = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}  # fmt: skip
"""Built-in format ids whose code depends on the locale (zh-CN, as Excel and WPS in China show them); openpyxl knows
them only as General."""

SYSTEM_LONG_DATE = 'yyyy"年"m"月"d"日"'
SYSTEM_TIME = "h:mm:ss"
WINDOWS_EPOCH = dt.datetime(1899, 12, 30)

_SMALL_DIGITS = "〇一二三四五六七八九"
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "十", "百", "千")
_CAPITAL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_CONDITION = re.compile(r"^\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)\]")
_CHINESE_LOCALE = re.compile(r"\[\$[^\]]*-(?:804|404|c04|1004|zh[^\]]*)\]", re.IGNORECASE)


def display_text(value: object, number_format: str | None = GENERAL, epoch: dt.datetime = WINDOWS_EPOCH) -> str:
    """The text a cell shows.

    Args:
        value: The stored value as openpyxl reads it: ``None``, ``str``, ``bool``, ``int``, ``float``,
            ``datetime``/``date``/``time``/``timedelta``.
        number_format: The cell's number format code (``None`` or empty: General).
        epoch: The workbook's date system (1900 or 1904), for numbers shown with a date format.

    Returns:
        The displayed text; ``""`` for an empty cell. Never raises: a code this module does not know is shown as
        General.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    code = number_format if number_format and number_format.strip() else GENERAL
    try:
        return _render(value, code, epoch)
    except Exception:  # a code this module misreads must not stop an import: show the value as General
        try:
            return _general(value, epoch)
        except Exception:
            return str(value)


# -- sections and tokens --------------------------------------------------------------------------------------------


def _split_sections(code: str) -> list[str]:
    sections, current, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch in "\\_*" and i + 1 < len(code):
            current.append(code[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i)
            end = len(code) - 1 if end < 0 else end
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    sections.append("".join(current))
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: ``lit`` (text shown as is), ``br`` (a ``[…]`` code) or ``code`` (one character)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(("lit", section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < len(section):
            out.append(("lit", " "))
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2
        elif ch == "[":
            end = section.find("]", i)
            end = len(section) - 1 if end < 0 else end
            out.append(("br", section[i + 1 : end]))
            i = end + 1
        elif section.startswith("上午/下午", i):
            out.append(("ampm", "上午/下午"))
            i += 5
        elif section[i : i + 5].upper() == "AM/PM":
            out.append(("ampm", "AM/PM"))
            i += 5
        elif section[i : i + 3].upper() == "A/P":
            out.append(("ampm", "A/P"))
            i += 3
        elif section[i : i + 7].lower() == "general" or section.startswith("G/通用格式", i):
            out.append(("general", ""))
            i += 7 if section[i : i + 7].lower() == "general" else 6
        else:
            out.append(("code", ch))
            i += 1
    return out


def _is_date_section(tokens: list[tuple[str, str]]) -> bool:
    for kind, text in tokens:
        if kind == "code" and text.lower() in "ymdhsae":
            if text.lower() == "e" and any(k == "code" and t in "0#?" for k, t in tokens):
                continue  # 0.00E+00: scientific, not a year
            return True
        if kind == "ampm" or (kind == "br" and re.fullmatch(r"[hms]+", text.lower())):
            return True
    return False


def _pick_section(sections: list[str], number: float) -> tuple[str, bool]:
    """The section for ``number`` and whether it shows the magnitude only (its own sign handling)."""
    conditioned = [(s, _CONDITION.match(s.strip())) for s in sections]
    if any(match for _, match in conditioned):
        for section, match in conditioned:
            if match is None:
                continue
            op, bound = match.group(1), float(match.group(2))
            holds = {
                "<": number < bound, ">": number > bound, "=": number == bound,
                "<=": number <= bound, ">=": number >= bound, "<>": number != bound,
            }[op]  # fmt: skip
            if holds:
                return section[match.end() :], False
        rest = [s for s, match in conditioned if match is None and s]
        return (rest[0], True) if rest else (sections[-1], False)
    numeric = sections[:3]
    if number < 0 and len(numeric) >= 2:
        return numeric[1], True
    if number == 0 and len(numeric) >= 3:
        return numeric[2], False
    return numeric[0], False


def _render(value: object, code: str, epoch: dt.datetime) -> str:
    if "[$-F800]" in code.upper():
        code = SYSTEM_LONG_DATE
    elif "[$-F400]" in code.upper():
        code = SYSTEM_TIME
    sections = _split_sections(code)
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        section = sections[0]
        tokens = _tokens(section)
        if not _is_date_section(tokens):
            return _render(_to_serial(value, epoch), code, epoch)
        return _format_date(value, tokens, _CHINESE_LOCALE.search(code) is not None)
    if not isinstance(value, (int, float)):
        return str(value)
    section, magnitude_only = _pick_section(sections, float(value))
    tokens = _tokens(section)
    number = abs(float(value)) if magnitude_only else float(value)
    if _is_date_section(tokens):
        return _format_date(_from_serial(number, epoch, tokens), tokens, _CHINESE_LOCALE.search(code) is not None)
    return _format_number(value if not magnitude_only else abs(value), tokens, epoch)


# -- numbers --------------------------------------------------------------------------------------------------------


def _general(value: object, epoch: dt.datetime = WINDOWS_EPOCH) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        if moment.time() == dt.time():
            return f"{moment.year}/{moment.month}/{moment.day}"
        return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"
    if isinstance(value, (dt.time, dt.timedelta)):
        return _general(_to_serial(value, epoch))
    if not isinstance(value, (int, float)):
        return str(value)
    number = float(value)
    if number == 0:
        return "0"
    if isinstance(value, int) and abs(value) < 10**11:
        return str(value)
    if abs(number) >= 1e11 or abs(number) < 1e-9:
        mantissa, exponent = f"{number:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        sign, digits = exponent[0], exponent[1:].lstrip("0")
        return f"{mantissa}E{sign}{digits.rjust(2, '0')}"
    integer_digits = len(str(int(abs(number))))
    places = max(0, 10 - integer_digits)
    text = _round(number, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(number: float, places: int) -> str:
    """``number`` rounded half away from zero to ``places`` decimals, as text (``-0`` shown as ``0``)."""
    exact = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:f}"
    return text[1:] if text.startswith("-") and not exact else text


def _format_number(value: float | int, tokens: list[tuple[str, str]], epoch: dt.datetime) -> str:
    if any(kind == "general" for kind, _ in tokens):
        shown = _general(value, epoch)
        text = "".join(shown if kind == "general" else _literal(kind, text) for kind, text in tokens)
        return _dbnum_digits(text, _dbnum(tokens))
    codes = [(kind, text) for kind, text in tokens if kind != "br"]
    if any(kind == "code" and text == "/" for kind, text in codes) and any(t in "?#0" for _, t in codes):
        return _general(value, epoch)  # fractions: not supported, shown as General
    if not any(kind == "code" and text in "0#?" for kind, text in codes):
        text = "".join(_literal(kind, text) for kind, text in codes)
        return text if text.strip() else _general(value, epoch)
    number = abs(float(value))
    negative = float(value) < 0
    number *= 100 ** sum(1 for kind, text in codes if kind == "code" and text == "%")

    # Where the digit placeholders are: integer part, fraction part, exponent part.
    exponent_at = next(
        (i for i, (kind, text) in enumerate(codes) if kind == "code" and text in "Ee" and i + 1 < len(codes)
         and codes[i + 1][1] in "+-"),
        None,
    )  # fmt: skip
    body = codes if exponent_at is None else codes[:exponent_at]
    point_at = next((i for i, (kind, text) in enumerate(body) if kind == "code" and text == "."), None)
    integer_part = body if point_at is None else body[:point_at]
    fraction_part = [] if point_at is None else body[point_at + 1 :]
    integer_slots = [text for kind, text in integer_part if kind == "code" and text in "0#?"]
    fraction_slots = [text for kind, text in fraction_part if kind == "code" and text in "0#?"]
    slot_places = [i for i, (kind, text) in enumerate(integer_part) if kind == "code" and text in "0#?"]
    grouping = bool(slot_places) and any(
        kind == "code" and text == "," and slot_places[0] < i < slot_places[-1]
        for i, (kind, text) in enumerate(integer_part)
    )
    trailing_commas = 0  # "0.0," shows thousands
    for kind, text in reversed(fraction_part if fraction_slots else integer_part):
        if kind == "code" and text == ",":
            trailing_commas += 1
        elif kind == "code" and text in "0#?":
            break
    number /= 1000**trailing_commas

    exponent_text = ""
    if exponent_at is not None:
        exponent_digits = [t for k, t in codes[exponent_at + 2 :] if k == "code" and t in "0#?"]
        shift = max(1, len(integer_slots))
        exponent = 0
        if number:
            exponent = Decimal(repr(number)).adjusted() - (shift - 1)
            number /= 10.0**exponent
            if float(_round(number, len(fraction_slots))) >= 10**shift:
                number /= 10
                exponent += 1
        sign = "-" if exponent < 0 else ("+" if codes[exponent_at + 1][1] == "+" else "")
        exponent_text = codes[exponent_at][1] + sign + str(abs(exponent)).rjust(len(exponent_digits), "0")

    rounded = _round(number, len(fraction_slots))
    whole, _, fraction = rounded.partition(".")
    if whole == "0" and "0" not in integer_slots:
        whole = ""  # "#.##" shows 0.5 as ".5"
    if grouping and whole:
        whole = f"{int(whole):,}"
        whole = whole.rjust(integer_slots.count("0") + whole.count(","), "0")
    fraction_chars = list(fraction)
    for i in range(len(fraction_slots) - 1, -1, -1):  # trailing zeros: "#" drops them, "?" shows a space
        if fraction_chars[i] != "0" or fraction_slots[i] == "0":
            break
        fraction_chars[i] = " " if fraction_slots[i] == "?" else ""

    out = _place_integer(integer_part, whole, grouping)
    if point_at is not None:
        out += "."
        rest = iter(fraction_chars)
        for kind, text in fraction_part:
            out += next(rest, "") if kind == "code" and text in "0#?" else _literal(kind, text)
    out += exponent_text
    if exponent_at is not None:
        out += "".join(_literal(kind, text) for kind, text in codes[exponent_at + 2 :] if kind == "lit")
    if negative and Decimal(rounded) != 0:
        out = "-" + out
    return _dbnum_digits(out, _dbnum(tokens))


def _place_integer(part: list[tuple[str, str]], whole: str, grouping: bool) -> str:
    """The integer digits with the literals around and between the placeholders (digits fill from the right; the
    digits beyond the placeholders go to the first one; an unfilled ``0`` shows 0, ``?`` a space, ``#`` nothing)."""
    positions = [i for i, (kind, text) in enumerate(part) if kind == "code" and text in "0#?"]
    if grouping or not positions:
        before = "".join(_literal(k, t) for k, t in part[: positions[0]]) if positions else ""
        after = "".join(_literal(k, t) for k, t in part[positions[-1] + 1 :]) if positions else ""
        return before + whole + after
    digits = list(whole)
    fill: dict[int, str] = {}
    for index in reversed(positions):
        slot = part[index][1]
        fill[index] = digits.pop() if digits else {"0": "0", "?": " "}.get(slot, "")
    if digits:
        fill[positions[0]] = "".join(digits) + fill[positions[0]]
    return "".join(fill[i] if i in fill else _literal(kind, text) for i, (kind, text) in enumerate(part))


def _literal(kind: str, text: str) -> str:
    """What a non-placeholder token shows: literal text, ``%`` and other characters; nothing for ``,`` and ``[…]``."""
    if kind == "lit" or (kind == "code" and text not in ",0#?"):
        return text
    return ""


def _dbnum(tokens: list[tuple[str, str]]) -> int:
    for kind, text in tokens:
        if kind == "br" and text.upper().startswith("DBNUM") and text[5:].isdigit():
            return int(text[5:])
    return 0


def chinese_number(n: int, capital: bool = False) -> str:
    """``123`` → ``一百二十三`` (``capital``: ``壹佰贰拾叁``), as Excel's [DBNum1]/[DBNum2] write an integer."""
    digits, units = (_CAPITAL_DIGITS, _CAPITAL_UNITS) if capital else (_SMALL_DIGITS, _SMALL_UNITS)
    zero = digits[0] if capital else "零"
    if n == 0:
        return digits[0] if capital else "〇"
    groups: list[int] = []
    while n:
        n, group = divmod(n, 10_000)
        groups.append(group)
    out = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        text = ""
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if digit:
                if pending_zero or (text and group // 10 ** (place + 1) % 10 == 0 and place < 3):
                    text += zero if text or out else ""
                pending_zero = False
                text += digits[digit] + units[place]
            elif text:
                pending_zero = False
        if out and group < 1000:
            out += zero
        out += text + _GROUP_UNITS[index]
        pending_zero = False
    out = re.sub(f"{zero}+", zero, out)
    if not capital and out.startswith("一十"):
        out = out[1:]
    return out


def _dbnum_digits(text: str, dbnum: int) -> str:
    """The digit runs of a formatted number in Chinese numerals: the integer part read as a number, the decimals
    digit by digit."""
    if dbnum not in (1, 2):
        return text
    capital = dbnum == 2
    digits = _CAPITAL_DIGITS if capital else _SMALL_DIGITS

    def run(match: re.Match[str]) -> str:
        whole, _, fraction = match.group(0).partition(".")
        head = chinese_number(int(whole.replace(",", "")), capital) if whole else ""
        tail = "".join(digits[int(c)] for c in fraction)
        return head + ("." + tail if fraction else "")

    return re.sub(r"\d[\d,]*(?:\.\d+)?|\.\d+", run, text)


# -- dates ----------------------------------------------------------------------------------------------------------


def _to_serial(value: object, epoch: dt.datetime) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    assert isinstance(value, dt.datetime)
    serial = (value - epoch).total_seconds() / 86400
    if epoch == WINDOWS_EPOCH and serial < 61:
        serial -= 1  # Excel counts a 29 February 1900 that never was
    return serial


def _from_serial(number: float, epoch: dt.datetime, tokens: list[tuple[str, str]]) -> dt.datetime | dt.timedelta:
    if any(kind == "br" and re.fullmatch(r"[hms]+", text.lower()) for kind, text in tokens):
        return dt.timedelta(days=number)
    if epoch == WINDOWS_EPOCH and 0 < number < 61:
        number += 1
    return epoch + dt.timedelta(days=number)


def _format_date(value: object, tokens: list[tuple[str, str]], chinese: bool) -> str:
    if isinstance(value, dt.timedelta):
        elapsed: dt.timedelta | None = value
        moment = dt.datetime(1899, 12, 31) + value
    elif isinstance(value, dt.datetime):
        elapsed, moment = None, value
    elif isinstance(value, dt.date):
        elapsed, moment = None, dt.datetime(value.year, value.month, value.day)
    else:
        assert isinstance(value, dt.time)
        elapsed, moment = None, dt.datetime.combine(dt.date(1899, 12, 31), value)
    dbnum = _dbnum(tokens)
    twelve_hour = any(kind == "ampm" for kind, _ in tokens)

    # Group runs of the same letter: "yyyy", "mm", "dd", "aaaa" …
    runs: list[tuple[str, str]] = []
    for kind, text in tokens:
        if kind == "code" and text.lower() in "ymdhsae0" and runs and runs[-1][0] == "code":
            previous = runs[-1][1]
            if (
                previous[0].lower() == text.lower()
                or (previous[0] == "." and text == "0")
                or (previous[0] == "0" and text == "0")
            ):
                runs[-1] = ("code", previous + text)
                continue
        if kind == "code" and text == "." and runs and runs[-1][0] == "code" and runs[-1][1][0].lower() == "s":
            runs.append(("code", "."))
            continue
        runs.append((kind, text))

    def is_minute(index: int) -> bool:
        for step in (-1, 1):
            j = index + step
            while 0 <= j < len(runs):
                kind, text = runs[j]
                if kind == "code" and text[0].lower() in "ymdhsa":
                    letter = text[0].lower()
                    return (step == -1 and letter == "h") or (step == 1 and letter == "s")
                if kind == "br" and re.fullmatch(r"[hms]+", text.lower()):
                    return step == -1 and text[0].lower() == "h"
                j += step
        return False

    def number(n: int, width: int, year: bool = False) -> str:
        text = str(n).rjust(width, "0")
        if dbnum in (1, 2):
            digits = _CAPITAL_DIGITS if dbnum == 2 else _SMALL_DIGITS
            return "".join(digits[int(c)] for c in text) if year else chinese_number(n, dbnum == 2)
        return text

    out = []
    for index, (kind, text) in enumerate(runs):
        if kind == "lit":
            out.append(text)
            continue
        if kind == "ampm":
            morning = moment.hour < 12
            out.append({"上午/下午": "上午" if morning else "下午", "AM/PM": "AM" if morning else "PM"}.get(
                text, "A" if morning else "P"))  # fmt: skip
            continue
        if kind == "br":
            lowered = text.lower()
            if elapsed is not None and re.fullmatch(r"[hms]+", lowered):
                seconds = int(round(elapsed.total_seconds()))
                total = {"h": seconds // 3600, "m": seconds // 60, "s": seconds}[lowered[0]]
                out.append(str(total).rjust(len(lowered), "0"))
            elif re.fullmatch(r"[hms]+", lowered):
                seconds = int(round(_to_serial(moment, WINDOWS_EPOCH) * 86400))
                total = {"h": seconds // 3600, "m": seconds // 60, "s": seconds}[lowered[0]]
                out.append(str(total).rjust(len(lowered), "0"))
            continue
        if kind != "code":
            continue
        letter, size = text[0].lower(), len(text)
        if letter == "y" or letter == "e":
            out.append(
                number(moment.year, 4, True) if size > 2 or letter == "e" else number(moment.year % 100, 2, True)
            )
        elif letter == "m" and size <= 2 and is_minute(index):
            out.append(number(moment.minute, size))
        elif letter == "m":
            if size <= 2:
                out.append(number(moment.month, size))
            elif size == 3:
                out.append(f"{moment.month}月" if chinese else _MONTHS_EN[moment.month - 1][:3])
            elif size == 4:
                out.append(f"{chinese_number(moment.month)}月" if chinese else _MONTHS_EN[moment.month - 1])
            else:
                out.append(_MONTHS_EN[moment.month - 1][0])
        elif letter == "d":
            if size <= 2:
                out.append(number(moment.day, size))
            elif size == 3:
                out.append(f"周{_WEEKDAYS_ZH[moment.weekday()]}" if chinese else _WEEKDAYS_EN[moment.weekday()][:3])
            else:
                out.append(f"星期{_WEEKDAYS_ZH[moment.weekday()]}" if chinese else _WEEKDAYS_EN[moment.weekday()])
        elif letter == "a":
            out.append(("星期" if size >= 4 else "") + _WEEKDAYS_ZH[moment.weekday()])
        elif letter == "h":
            hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
            out.append(number(hour, min(size, 2)))
        elif letter == "s":
            out.append(number(moment.second, min(size, 2)))
        elif text.startswith("."):
            places = len(text) - 1
            out.append("." + str(moment.microsecond // 10 ** (6 - places)).rjust(places, "0") if places else ".")
        else:
            out.append(text)
    return "".join(out)
