"""Deadline phrases (*thời gian, tiến độ hoàn thành*) → schedules.

Pure functions. ``parse_deadline("trước ngày 15 tháng 7 năm 2024", year=2024)`` gives the
``Schedule`` and any warnings (message keys of ``locales/``, each formatted with ``phrase``).
Never invents a date: an unreadable phrase is ``unknown`` with a warning.

The phrase is folded first (``storage.text.fold``: no diacritics, so *Hằng*/*Hàng*/*hang* are
alike, any case). Then the rules below are tried; each is one entry of a table, so a new
wording is one new line:

* an explicit date ("trước ngày 15 tháng 7 năm 2024", "trước ngày 05/3/2024") → ``once``;
* "chậm nhất là ngày 05 của tháng cuối kỳ báo cáo", "Định kỳ (Quý I, 6 tháng, 9 tháng, năm)",
  "6 tháng" → ``periodic`` (with the due day and the periods named);
* "Hằng tháng", "Hằng quý", "Hằng năm", "Năm 2022 và các năm tiếp theo" → recurring kinds;
* "2022-2030", "Năm 2022 - 2030", "Thường xuyên" → ``ongoing``;
* "Tháng 6/2024", "Quý IV năm 2025", "Trong năm 2024", "6 tháng đầu năm 2024" → ``once`` at
  the end of that period;
* "Trước bầu cử", "Sau khi …", "Khi …" → ``event`` (the coordinator sets the date later);
* "Theo quy định", empty, anything else → ``unknown`` with a warning.

``year`` is the plan's year (used when the phrase names none); ``last_year`` the last year of
a multi-year plan, where recurring schedules without their own end stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from dondoc.scheduler.schedules import Schedule, ScheduleKind
from dondoc.storage.text import fold


@dataclass(frozen=True)
class ParsedDeadline:
    schedule: Schedule
    warnings: list[str] = field(default_factory=list)


ALL_PERIODS = ("Q1", "6T", "9T", "year")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# Words around a phrase that carry no meaning for the schedule.
_NOISE = re.compile(
    r"^(?:thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: gui| hoan thanh)?|tien do"
    r"(?: hoan thanh)?|han)\s*:\s*"
)
_YEAR = r"((?:19|20)\d{2})"


def _clean(text: str) -> str:
    folded = fold(re.sub(r"<[^>]+>", " ", text)).replace("*", " ")
    folded = _NOISE.sub("", folded)
    folded = re.sub(r"\bqui\b", "quy", folded)  # the old spelling "Quí"
    folded = re.sub(r"\s+", " ", folded)
    return folded.strip(" .;:,")


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day(year: int, month: int) -> date:
    next_first = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(next_first.toordinal() - 1)


@dataclass
class _Context:
    text: str
    year: int | None
    last_year: int | None
    warnings: list[str] = field(default_factory=list)

    def bounds(self, own_year: int | None = None, open_end: bool = False) -> tuple[date, date]:
        """Start and end of a recurring schedule: the phrase's own year, else the plan's."""
        first = own_year or self.year
        start = date(first, 1, 1) if first else None
        if first is None:
            end = None
        elif open_end:
            end = date(self.last_year, 12, 31) if self.last_year else None
        elif own_year is not None:
            end = date(own_year, 12, 31)
        else:
            end = date(self.last_year or first, 12, 31)
        return start, end  # type: ignore[return-value]

    def need_year(self, written: str | None) -> int | None:
        """The year written in the phrase, else the plan's year (with a warning), else None."""
        if written:
            return int(written)
        if self.year is not None:
            self.warnings.append("deadline.year_from_plan")
            return self.year
        return None


# ---------------------------------------------------------------- explicit dates → once

_FULL_DATES = (
    # ngày 15 tháng 7 năm 2024
    (re.compile(r"ngay (\d{1,2}) thang (\d{1,2}),? nam " + _YEAR), (1, 2, 3)),
    # 15/7/2024, 15-07-2024, 15.7.2024
    (re.compile(r"(?<![\d/])(\d{1,2}) ?[/.-] ?(\d{1,2}) ?[/.-] ?" + _YEAR + r"(?!\d)"), (1, 2, 3)),
    # 2024-07-15
    (re.compile(r"(?<!\d)" + _YEAR + r"-(\d{2})-(\d{2})(?!\d)"), (3, 2, 1)),
)
_DAY_MONTH = re.compile(
    r"(?:ngay|truoc|den|han|het) (\d{1,2}) ?(?:/|thang )(\d{1,2})(?![\d/]| ?nam)"
)


def _explicit_date(ctx: _Context) -> Schedule | None:
    for pattern, (d, m, y) in _FULL_DATES:
        match = pattern.search(ctx.text)
        if match:
            found = _valid(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            if found is None:
                ctx.warnings.append("deadline.invalid_date")
                return Schedule(ScheduleKind.UNKNOWN, note=match.group(0))
            return Schedule(ScheduleKind.ONCE, due=found)
    match = _DAY_MONTH.search(ctx.text)
    if match and not re.search(r"hang (thang|quy|nam)|cuoi ky", ctx.text):
        year = ctx.need_year(None)
        if year is None:
            ctx.warnings.append("deadline.needs_year")
            return Schedule(ScheduleKind.UNKNOWN)
        found = _valid(year, int(match.group(2)), int(match.group(1)))
        if found is None:
            ctx.warnings.append("deadline.invalid_date")
            return Schedule(ScheduleKind.UNKNOWN, note=match.group(0))
        return Schedule(ScheduleKind.ONCE, due=found)
    return None


# ------------------------------------------------------------------ recurring schedules

_DUE_DAY = re.compile(
    r"(?:ngay|truoc ngay|cham nhat(?: la)?(?: ngay)?) (\d{1,2})(?!\d)(?! ?(?:/|thang))"
)
_RECURRING_WORDS = {
    ScheduleKind.MONTHLY: re.compile(
        r"\b(?:hang|moi) thang\b|(?<!\d )\bthang/lan\b|\b1 thang/lan\b"
    ),
    ScheduleKind.QUARTERLY: re.compile(r"\b(?:hang|moi) quy\b|\bquy/lan\b"),
    ScheduleKind.ANNUAL: re.compile(
        r"\b(?:hang|moi) nam\b|\bnam/lan\b|(?:va|cac|nhung) nam tiep theo|\btu nam \d{4} tro di"
    ),
}
_PERIODIC = re.compile(
    r"cuoi ky|ky bao cao|\b6 thang\b(?! (?:dau|cuoi) nam)|\b9 thang\b|\bquy (?:i|1)\s*,"
)
_ROUTINE = re.compile(r"\bdinh ky\b|\bbao cao dinh ky\b")  # periodic when nothing says more
# "ít nhất 2 lần/năm", "01 lần trong năm": so many times a year
_TIMES_A_YEAR = re.compile(r"\b0?(\d{1,2}) lan ?(?:/|trong|moi|mot) ?(?:1 |mot )?nam\b")
_EXCEPTION = re.compile(r"\(?\s*rieng nam " + _YEAR + r"([^)]*)\)?")


def _due_day(text: str) -> int | None:
    match = _DUE_DAY.search(text)
    if match and 1 <= int(match.group(1)) <= 31:
        return int(match.group(1))
    return None


def _periods(text: str) -> tuple[str, ...]:
    named: list[str] = []
    if re.search(r"\bquy (?:i|1)\b", text):
        named.append("Q1")
    if re.search(r"\b6 thang\b", text):
        named.append("6T")
    if re.search(r"\b9 thang\b", text):
        named.append("9T")
    if re.search(r"\b(?:ca nam|bao cao nam|nam)\s*\)|\bca nam\b|,\s*nam\b|va nam\b", text):
        named.append("year")
    if named == ["6T"]:  # "6 tháng/lần", "định kỳ 6 tháng": half-yearly, and the year's report
        return ("6T", "year")
    return tuple(named) if len(named) >= 2 else ALL_PERIODS


def _own_year(text: str) -> int | None:
    """A single year the phrase names ("hằng tháng trong năm 2024")."""
    years = set(re.findall(r"\b" + _YEAR + r"\b", text))
    return int(years.pop()) if len(years) == 1 else None


def _recurring(ctx: _Context) -> Schedule | None:
    text = ctx.text
    exception = _EXCEPTION.search(text)
    if exception:
        text = (text[: exception.start()] + " " + text[exception.end() :]).strip()
    kinds = [kind for kind, pattern in _RECURRING_WORDS.items() if pattern.search(text)]
    periodic = bool(_PERIODIC.search(text))
    times = _TIMES_A_YEAR.search(text)
    if times and not kinds:
        count = int(times.group(1))
        if count <= 1:
            kinds = [ScheduleKind.ANNUAL]
        elif count == 2:
            start, end = ctx.bounds(_own_year(text))
            return Schedule(ScheduleKind.PERIODIC, start=start, end=end, periods=("6T", "year"))
        elif count <= 4:
            kinds = [ScheduleKind.QUARTERLY]
        else:
            kinds = [ScheduleKind.MONTHLY]
    if not kinds and not periodic and _ROUTINE.search(text):
        periodic = True
    if not kinds and not periodic:
        return None
    day = _due_day(text)
    own_year = _own_year(text)
    if exception:
        special_year = int(exception.group(1))
        special = [k for k, p in _RECURRING_WORDS.items() if p.search(exception.group(2))]
        if special and (ctx.year is None or ctx.year <= special_year):
            ctx.warnings.append("deadline.exception_year")
            start, end = date(special_year, 1, 1), date(special_year, 12, 31)
            usual = kinds[0] if kinds else None
            then = None
            if usual is not None and usual is not special[0]:
                after = date(special_year + 1, 1, 1)
                last = date(ctx.last_year, 12, 31) if ctx.last_year else None
                then = Schedule(usual, start=after, end=last if last and last > after else None)
            return Schedule(special[0], start=start, end=end, day=day, then=then)
    if periodic and (not kinds or kinds == [ScheduleKind.ANNUAL]):
        start, end = ctx.bounds(own_year)
        periods = _periods(text)
        return Schedule(ScheduleKind.PERIODIC, start=start, end=end, day=day, periods=periods)
    if len(kinds) > 1:
        ctx.warnings.append("deadline.several_kinds")
    kind = kinds[0]
    december = re.search(r"ngay (\d{1,2}) ?(?:/|thang )12\b", text)
    if kind is ScheduleKind.ANNUAL and december and 1 <= int(december.group(1)) <= 31:
        day = int(december.group(1))  # "trước ngày 15/12 hằng năm"
    open_end = kind is ScheduleKind.ANNUAL and bool(re.search(r"nam tiep theo|tro di", text))
    if kind is ScheduleKind.ANNUAL and own_year is None and ctx.year is None:
        return Schedule(kind, day=day)
    start, end = ctx.bounds(own_year, open_end=open_end)
    if kind is ScheduleKind.ANNUAL and own_year is not None and open_end:
        start = date(own_year, 1, 1)
        end = date(ctx.last_year, 12, 31) if ctx.last_year and ctx.last_year >= own_year else None
    return Schedule(kind, start=start, end=end, day=day)


# ----------------------------------------------------------------------- ongoing ranges

_RANGE = re.compile(r"(?:tu )?(?:nam )?" + _YEAR + r"\s*(?:-|den(?: nam)?)\s*(?:nam )?" + _YEAR)
_ONGOING_WORDS = re.compile(r"\bthuong xuyen\b|\blien tuc\b|\bhang ngay\b|\bthuong ky\b")


def _range(ctx: _Context) -> Schedule | None:
    match = _RANGE.search(ctx.text)
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    if last < first:
        ctx.warnings.append("deadline.range_reversed")
        return Schedule(ScheduleKind.UNKNOWN)
    return Schedule(ScheduleKind.ONGOING, start=date(first, 1, 1), end=date(last, 12, 31))


def _ongoing(ctx: _Context) -> Schedule | None:
    if not _ONGOING_WORDS.search(ctx.text):
        return None
    start, end = ctx.bounds(_own_year(ctx.text))
    return Schedule(ScheduleKind.ONGOING, start=start, end=end)


# ----------------------------------------------------------- a named period → once (end)

_MONTH = re.compile(r"\bthang (\d{1,2})(?: ?[/.-] ?| nam )?" + _YEAR + r"?\b")
_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|[1-4])\b(?: ?[/.-] ?| nam )?" + _YEAR + r"?")
_HALF = re.compile(r"\b6 thang (dau|cuoi) nam(?: " + _YEAR + r")?")
_YEAR_ONLY = re.compile(r"(?:^|\b(?:trong|cuoi|het|den het|nam hoc)\s)?\bnam " + _YEAR + r"\b")


_PERIOD_RANGE = re.compile(
    r"\b(quy|thang) ([ivx]+|\d{1,2})(?: ?[/.-] ?| nam )?" + _YEAR + r"?\s*(?:-|den)\s*"
    r"(?:quy|thang) ([ivx]+|\d{1,2})(?: ?[/.-] ?| nam )?" + _YEAR + r"?"
)


def _period_range(ctx: _Context) -> Schedule | None:
    """ "Quý I/2026 - Quý III/2026", "tháng 3 - tháng 6/2025": due at the end of the range."""
    match = _PERIOD_RANGE.search(ctx.text)
    if not match:
        return None
    unit, last, year = match.group(1), match.group(4), match.group(5) or match.group(3)
    number = _ROMAN.get(last) if unit == "quy" else None
    number = number or (int(last) if last.isdigit() else None)
    if number is None or not 1 <= number <= (4 if unit == "quy" else 12):
        return None
    own = ctx.need_year(year)
    if own is None:
        ctx.warnings.append("deadline.needs_year")
        return Schedule(ScheduleKind.UNKNOWN)
    ctx.warnings.append("deadline.range_end")
    month = 3 * number if unit == "quy" else number
    label = f"{own}-Q{number}" if unit == "quy" else f"{own}-{number:02d}"
    return Schedule(ScheduleKind.ONCE, due=_last_day(own, month), label=label)


def _named_period(ctx: _Context) -> Schedule | None:
    text = ctx.text
    half = _HALF.search(text)
    if half:
        year = ctx.need_year(half.group(2))
        if year is None:
            ctx.warnings.append("deadline.needs_year")
            return Schedule(ScheduleKind.UNKNOWN)
        if half.group(1) == "dau":
            return Schedule(ScheduleKind.ONCE, due=date(year, 6, 30), label=f"{year}-6T")
        return Schedule(ScheduleKind.ONCE, due=date(year, 12, 31), label=f"{year}-H2")
    quarter = _QUARTER.search(text)
    if quarter:
        number = _ROMAN.get(quarter.group(1)) or int(quarter.group(1))
        year = ctx.need_year(quarter.group(2))
        if year is None:
            ctx.warnings.append("deadline.needs_year")
            return Schedule(ScheduleKind.UNKNOWN)
        return Schedule(
            ScheduleKind.ONCE,
            due=_last_day(year, 3 * number),
            label=f"{year}-Q{number}",
            start=date(year, 3 * number - 2, 1),
        )
    month = _MONTH.search(text)
    if month and 1 <= int(month.group(1)) <= 12:
        number = int(month.group(1))
        year = ctx.need_year(month.group(2))
        if year is None:
            ctx.warnings.append("deadline.needs_year")
            return Schedule(ScheduleKind.UNKNOWN)
        return Schedule(
            ScheduleKind.ONCE,
            due=_last_day(year, number),
            label=f"{year}-{number:02d}",
            start=date(year, number, 1),
        )
    whole_year = _YEAR_ONLY.search(text) or re.fullmatch(_YEAR, text)
    if whole_year:
        year = int(whole_year.group(1))
        return Schedule(
            ScheduleKind.ONCE, due=date(year, 12, 31), label=f"{year}", start=date(year, 1, 1)
        )
    return None


# -------------------------------------------------------------------- events, by-the-law

_EVENT = re.compile(
    r"^(?:ngay )?(?:truoc|sau|sau khi|khi|ngay sau khi|kip thoi sau khi|trong vong)\b"
    r"|\bkhi co\b|\bdot xuat\b|\btheo yeu cau\b|\bsau khi\b|\bngay khi\b|\bkip thoi\b"
    r"|\bneu (?:co|phat sinh)\b|\bkhi phat sinh\b"
)
_BY_RULE = re.compile(r"^theo (?:quy dinh|ke hoach|chi dao|huong dan|lo trinh|tien do)")


def _event(ctx: _Context) -> Schedule | None:
    if not _EVENT.search(ctx.text):
        return None
    ctx.warnings.append("deadline.event_needs_date")
    return Schedule(ScheduleKind.EVENT)


def _by_rule(ctx: _Context) -> Schedule | None:
    if not _BY_RULE.search(ctx.text):
        return None
    ctx.warnings.append("deadline.by_rule")
    return Schedule(ScheduleKind.UNKNOWN)


# The table of rules, tried in order; the first that gives a schedule wins.
RULES: tuple[Callable[[_Context], Schedule | None], ...] = (
    _explicit_date,
    _recurring,
    _range,
    _period_range,
    _named_period,
    _ongoing,
    _event,
    _by_rule,
)


def _kind_name(ctx: _Context) -> Schedule | None:
    """``once``/``monthly``/… written as such (the CLI's ``schedule preview`` accepts them)."""
    names = {k.value for k in ScheduleKind}
    if ctx.text not in names:
        return None
    kind = ScheduleKind(ctx.text)
    if kind is ScheduleKind.ONCE:
        ctx.warnings.append("deadline.once_needs_date")
        return Schedule(ScheduleKind.UNKNOWN)
    if kind in (ScheduleKind.EVENT, ScheduleKind.UNKNOWN):
        return Schedule(kind)
    start, end = ctx.bounds()
    return Schedule(kind, start=start, end=end)


def parse_deadline(
    text: str, year: int | None = None, *, last_year: int | None = None
) -> ParsedDeadline:
    """Read a deadline phrase as written in a plan (or a schedule kind name)."""
    ctx = _Context(_clean(text or ""), year, last_year)
    if not ctx.text:
        return ParsedDeadline(Schedule(ScheduleKind.UNKNOWN), ["deadline.empty"])
    for rule in (_kind_name, *RULES):
        schedule = rule(ctx)
        if schedule is not None:
            return ParsedDeadline(schedule, list(dict.fromkeys(ctx.warnings)))
    return ParsedDeadline(Schedule(ScheduleKind.UNKNOWN), ["deadline.unreadable"])
