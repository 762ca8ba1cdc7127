"""Reporting periods (*kỳ báo cáo*) as people name them: parse "tháng 7/2024", "quý III 2024",
"6 tháng 2024" … into a ``Period`` (stable label and first/last day).

Accepted forms (case, diacritics and spacing do not matter):

================================= ============ =========================
written                           label        days
================================= ============ =========================
``2024-07``, ``tháng 7/2024``,    ``2024-07``  1/7/2024 – 31/7/2024
``T7/2024``, ``07/2024``,
``tháng 7 năm 2024``
``2024-Q3``, ``quý 3/2024``,      ``2024-Q3``  1/7/2024 – 30/9/2024
``quý III 2024``, ``Q3/2024``
``2024-6T``, ``6 tháng 2024``,    ``2024-6T``  1/1/2024 – 30/6/2024
``6 tháng đầu năm 2024``
``2024-9T``, ``9 tháng 2024``     ``2024-9T``  1/1/2024 – 30/9/2024
``2024``, ``năm 2024``            ``2024``     1/1/2024 – 31/12/2024
================================= ============ =========================

The labels are the ones ``scheduler.schedules`` gives occurrences. A month or quarter written
without a year ("tháng 7", "quý 3") takes the year of ``today`` when it is given.
Anything else raises ``UserError("period.invalid", value=..., forms=...)``.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date

from dondoc.storage.errors import UserError
from dondoc.storage.text import fold

FORMS = (
    "2024-07, 2024-Q3, 2024-6T, 2024-9T, 2024, tháng 7/2024, quý III/2024, 6 tháng 2024, năm 2024"
)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:/|-|\s|,)*\s*(?:nam\s*)?(?P<year>\d{4})"
_OPT_YEAR = rf"(?:{_YEAR})?"

_MONTH_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})"),
    re.compile(rf"(?:thang|t)\s*(?P<month>\d{{1,2}}){_OPT_YEAR}"),
    re.compile(r"(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})"),
)
_QUARTER_PATTERNS = (
    re.compile(r"(?P<year>\d{4})\s*-?\s*q(?P<quarter>\d+|[ivx]+)"),
    re.compile(rf"(?:quy|q)\s*(?P<quarter>\d+|[ivx]+){_OPT_YEAR}"),
)
_SPAN_PATTERNS = (
    re.compile(r"(?P<year>\d{4})\s*-\s*(?P<months>[69])\s*t"),
    re.compile(rf"(?P<months>[69])\s*(?:thang|t)(?:\s*dau\s*nam)?{_OPT_YEAR}"),
)
_YEAR_PATTERNS = (re.compile(r"(?:nam\s*)?(?P<year>\d{4})"),)


@dataclass(frozen=True)
class Period:
    """A reporting period: its stable ``label`` and its first and last day (inclusive)."""

    label: str
    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def month_period(year: int, month: int) -> Period:
    last = _calendar.monthrange(year, month)[1]
    return Period(f"{year}-{month:02d}", date(year, month, 1), date(year, month, last))


def quarter_period(year: int, quarter: int) -> Period:
    last_month = 3 * quarter
    last = _calendar.monthrange(year, last_month)[1]
    return Period(f"{year}-Q{quarter}", date(year, last_month - 2, 1), date(year, last_month, last))


def span_period(year: int, months: int) -> Period:
    """The first ``months`` months of ``year`` (6 → "6 tháng đầu năm", 9 → "9 tháng")."""
    last = _calendar.monthrange(year, months)[1]
    return Period(f"{year}-{months}T", date(year, 1, 1), date(year, months, last))


def year_period(year: int) -> Period:
    return Period(f"{year}", date(year, 1, 1), date(year, 12, 31))


def _invalid(text: str) -> UserError:
    return UserError("period.invalid", value=text, forms=FORMS)


def _year(match: re.Match[str], today: date | None, text: str) -> int:
    written = match.groupdict().get("year")
    if written:
        year = int(written)
    elif today is not None:
        year = today.year
    else:
        raise _invalid(text)
    if not 1990 <= year <= 2100:
        raise _invalid(text)
    return year


def _quarter(text: str) -> int | None:
    value = int(text) if text.isdigit() else _ROMAN.get(text)
    return value if value in (1, 2, 3, 4) else None


def parse_period(text: str, *, today: date | None = None) -> Period:
    """The period named by ``text``; ``UserError("period.invalid")`` when it names none."""
    folded = fold(text).strip(" .")
    if not folded:
        raise _invalid(text)
    for pattern in _SPAN_PATTERNS:
        if match := pattern.fullmatch(folded):
            return span_period(_year(match, today, text), int(match.group("months")))
    for pattern in _QUARTER_PATTERNS:
        if match := pattern.fullmatch(folded):
            quarter = _quarter(match.group("quarter"))
            if quarter is None:
                raise _invalid(text)
            return quarter_period(_year(match, today, text), quarter)
    for pattern in _MONTH_PATTERNS:
        if match := pattern.fullmatch(folded):
            month = int(match.group("month"))
            if not 1 <= month <= 12:
                raise _invalid(text)
            return month_period(_year(match, today, text), month)
    for pattern in _YEAR_PATTERNS:
        if match := pattern.fullmatch(folded):
            return year_period(_year(match, today, text))
    raise _invalid(text)


def current_month(today: date) -> Period:
    return month_period(today.year, today.month)
