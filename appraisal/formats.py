"""One formatting layer for numbers, money, dates, months and periods, in the active language.

Chinese as offices write it (24,000.00 元, 2026年12月1日, 2026年12月, 2026年上半年); English as an
English reader expects it (CNY 24,000.00, 1 Dec 2026, Dec 2026, H1 2026). Templates reach these
through the filters of ``appraisal.templatetags.formats`` (a template builtin); code that writes
messages calls them directly. Nothing here rounds a score: ``number`` only shows a figure with the
places asked for (ROUND_HALF_UP, as DOMAIN.md rounds), the stored Decimal is never changed.
"""
from __future__ import annotations

from datetime import date as Date
from datetime import datetime as DateTime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EMPTY = "—"


def is_english() -> bool:
    return (get_language() or "").lower().startswith("en")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def number(value, places: int | None = None, *, grouping: bool = True) -> str:
    """A figure with thousands separators: ``places`` decimals (half up), or as few as it needs
    (100.0000 → 100, 33.5000 → 33.5) when ``places`` is None. Anything not a number is returned as
    text, None as an empty string."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if not amount.is_finite():
        return str(amount)
    comma = "," if grouping else ""
    if places is None:
        amount = amount.normalize()
        if amount == amount.to_integral_value():
            return format(amount.quantize(Decimal(1)), comma + "f")
        return format(amount, comma + "f")
    quantum = Decimal(1).scaleb(-int(places))
    return format(amount.quantize(quantum, rounding=ROUND_HALF_UP), f"{comma}.{int(places)}f")


def plain_decimal(value) -> str:
    """A decimal as an input field takes it: no separators, no trailing zeros (100.0000 → 100)."""
    return number(value, grouping=False)


def money(value) -> str:
    """An amount in yuan: 24,000.00 元 (English: CNY 24,000.00)."""
    text = number(value, 2)
    if not text:
        return EMPTY
    return f"CNY {text}" if is_english() else f"{text} 元"


def percent(value, places: int | None = None) -> str:
    text = number(value, places)
    return f"{text}%" if text else EMPTY


def _local_date(value) -> Date | None:
    if value is None or value == "":
        return None
    if isinstance(value, DateTime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def date(value) -> str:
    """2026年12月1日 / 1 Dec 2026."""
    day = _local_date(value)
    if day is None:
        return EMPTY
    if is_english():
        return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def short_date(value) -> str:
    """12月1日 / 1 Dec."""
    day = _local_date(value)
    if day is None:
        return EMPTY
    return f"{day.day} {MONTH_ABBR[day.month - 1]}" if is_english() else f"{day.month}月{day.day}日"


def datetime(value, *, seconds: bool = False) -> str:
    """2026年12月1日 14:05 / 1 Dec 2026 14:05 (local time)."""
    if value is None or value == "":
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date(value)} {value:%H:%M:%S}" if seconds else f"{date(value)} {value:%H:%M}"


def month_name(month: int) -> str:
    """12月 / Dec."""
    return MONTH_ABBR[int(month) - 1] if is_english() else f"{int(month)}月"


def month(year: int, month_number: int) -> str:
    """2026年12月 / Dec 2026."""
    if is_english():
        return f"{MONTH_ABBR[int(month_number) - 1]} {year}"
    return f"{year}年{int(month_number)}月"


def half_name(number_: int) -> str:
    """上半年 / H1."""
    if is_english():
        return f"H{int(number_)}"
    return "上半年" if int(number_) == 1 else "下半年"


def period_short(kind: str, number_: int) -> str:
    """A period inside its year: 12月, 上半年, 第1季度, 全年 (Dec, H1, Q1, Full year)."""
    if kind == "month":
        return month_name(number_)
    if kind == "half":
        return half_name(number_)
    if kind == "quarter":
        return f"Q{int(number_)}" if is_english() else f"第{int(number_)}季度"
    return "Full year" if is_english() else "全年"


def period(kind: str, number_: int, year: int) -> str:
    """A period with its year: 2026年12月, 2026年上半年, 2026年全年 (Dec 2026, H1 2026, 2026 full year)."""
    if is_english():
        if kind == "year":
            return f"{year} full year"
        return f"{period_short(kind, number_)} {year}"
    return f"{year}年{period_short(kind, number_)}"


def year(value: int) -> str:
    """2026年度 / 2026."""
    return str(value) if is_english() else f"{value}年度"


def boolean(value) -> str:
    return _("是") if value else _("否")
