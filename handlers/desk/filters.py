"""The filters of the web desk (*bộ lọc*): plan, period, unit and status category, read from a
page's query string the way the chat reads ``/tonghop``'s arguments (plan codes and periods as
people write them). A filter that names nothing known is dropped with a message, never
guessed; an officer's unit filter is always their own unit (``access.Viewer.unit_scope``).

``summary_for`` is the one call every page and download makes for its numbers:
``storage.summary.compute_summary`` with these filters, so the desk, ``/tonghop`` and the
exports agree at the same moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from dondoc.handlers.desk.access import Viewer
from dondoc.locales import format_period
from dondoc.storage.db import Session
from dondoc.storage.directory import matching_code, plan_codes
from dondoc.storage.errors import UserError
from dondoc.storage.periods import (
    Period,
    month_period,
    parse_period,
    quarter_period,
    span_period,
    year_period,
)
from dondoc.storage.summary import compute_summary
from dondoc.storage.summary_model import CATEGORIES, Category, Summary

MAX_FIELD = 80


@dataclass
class Filters:
    """What a page is filtered by; ``problems`` are message keys (with values) to show."""

    plan: str | None = None
    period: Period | None = None
    period_text: str = ""
    unit: str | None = None
    category: Category | None = None
    problems: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def query(self, **override: str | None) -> str:
        """The query string of these filters (with some replaced): links keep the filter."""
        values = {
            "plan": self.plan or "",
            "period": self.period.label if self.period else "",
            "unit": self.unit or "",
            "category": self.category.value if self.category else "",
        }
        values.update({k: v or "" for k, v in override.items()})
        kept = {k: v for k, v in values.items() if v}
        return urlencode(kept)


async def read_filters(
    session: Session, args: Mapping[str, str], viewer: Viewer, today: date
) -> Filters:
    """The filters a query string names; unknown values are dropped with a problem noted."""
    found = Filters()
    plan = (args.get("plan") or "").strip()[:MAX_FIELD]
    if plan:
        code = matching_code(await plan_codes(session), plan)
        if code is None:
            found.problems.append(("web.filter.unknown_plan", {"value": plan}))
        found.plan = code
    period = (args.get("period") or "").strip()[:MAX_FIELD]
    if period:
        try:
            found.period = parse_period(period, today=today)
            found.period_text = found.period.label
        except UserError:
            found.problems.append(("web.filter.bad_period", {"value": period}))
    unit = (args.get("unit") or "").strip()[:MAX_FIELD]
    if unit and viewer.coordinates:
        found.unit = unit
    category = (args.get("category") or "").strip()[:MAX_FIELD]
    if category:
        try:
            found.category = Category(category)
        except ValueError:
            found.problems.append(("web.filter.bad_category", {"value": category}))
    return found


async def summary_for(
    session: Session, viewer: Viewer, filters: Filters, today: date, tz: ZoneInfo
) -> Summary:
    """The summary behind a page: plan, period and unit filters, fenced to the viewer."""
    unit = viewer.unit_scope(filters.unit)
    try:
        return await compute_summary(
            session,
            today=today,
            plan_code=filters.plan,
            period=filters.period,
            unit_code=unit,
            tz=tz,
        )
    except UserError as exc:
        if exc.key != "summary.unknown_unit" or not viewer.coordinates:
            raise
        filters.problems.append(("web.filter.unknown_unit", {"value": filters.unit or ""}))
        filters.unit = None
        return await compute_summary(
            session, today=today, plan_code=filters.plan, period=filters.period, tz=tz
        )


def period_choices(today: date, language: str) -> list[tuple[str, str]]:
    """(label, words) of the periods a coordinator picks most: this and the last two months,
    this and the last quarter, 6 and 9 months, this and last year."""
    periods: list[Period] = []
    year, month = today.year, today.month
    for back in range(3):
        m, y = month - back, year
        while m < 1:
            m, y = m + 12, y - 1
        periods.append(month_period(y, m))
    quarter = (month - 1) // 3 + 1
    periods.append(quarter_period(year, quarter))
    periods.append(
        quarter_period(year, quarter - 1) if quarter > 1 else quarter_period(year - 1, 4)
    )
    periods += [span_period(year, 6), span_period(year, 9), year_period(year)]
    periods.append(year_period(year - 1))
    seen: dict[str, str] = {}
    for period in periods:
        seen.setdefault(period.label, format_period(period.label, language))
    return list(seen.items())


CATEGORY_CHOICES = CATEGORIES
