"""Chinese, Arabic and full-width numbers as they appear in article and heading numbers."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def to_int(numeral: str) -> int | None:
    """Return the value of "一千二百六十", "十", "二〇" (digit by digit), "10" or "１０"; None if not a number."""
    s = numeral.translate(_FULLWIDTH).strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if not any(ch in _UNITS for ch in s):  # digit by digit: 二〇二一
        value = 0
        for ch in s:
            if ch not in _DIGITS:
                return None
            value = value * 10 + _DIGITS[ch]
        return value
    total = 0
    section = 0
    digit = 0
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
        else:
            return None
    return total + section + digit
