"""The proposal (*đề xuất nhiệm vụ*): the tasks dondoc believes a plan gives, before anything is
saved — each with its schedule, its units, the words it was read from (``quote``) and where they
stand in the file (``source``), and the warnings a coordinator should look at.

Results carry message keys (``Notice``), never sentences: the edge renders them in the reader's
language. ``interpret_row`` reads one row of an appendix table (or of the review sheet); the
prose reader (``handlers.plans.prose``) builds the same ``TaskResult`` from a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import specs_for
from dondoc.scheduler.phrases import parse_deadline
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage.models import Task
from dondoc.storage.plan_tables import PlanRow
from dondoc.storage.unit_names import NamedUnits, UnitDirectory

HORIZON_DAYS = 396  # occurrences are materialised about 13 months ahead


@dataclass(frozen=True)
class Notice:
    """A warning about one task: a message key of ``locales/`` and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitMention:
    """One unit a task names: the name as written and the unit's code (None: unresolved)."""

    name: str
    unit_code: str | None


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    """A schedule for JSON output: ``periods`` only where they matter (periodic)."""
    data = schedule.to_dict()
    if schedule.kind is not ScheduleKind.PERIODIC:
        data.pop("periods", None)
    if schedule.then is not None:
        data["then"] = schedule_json(schedule.then)
    return data


@dataclass
class TaskResult:
    key: str
    ordinal: str
    section: str
    title: str
    deadline_text: str
    schedule: Schedule
    lead: list[UnitMention]
    cooperating: list[UnitMention]
    output: str
    warnings: list[Notice]
    quote: str = ""  # the plan's words the task was read from
    source: str = ""  # where they are: ``storage.documents.Position.key()`` ("p3 ¶12")
    origin: str = "plan"  # plan | manual (``task add``): a re-import never drops a manual one
    next_due: date | None = None
    change: str = "created"  # created | updated | unchanged
    changed_fields: list[str] = field(default_factory=list)

    def to_json(self, render: Any, place: Any = str) -> dict[str, Any]:
        """The object of ``plan import --json`` (``render(notice)`` gives a warning's text,
        ``place(source)`` where the task stands in the file)."""
        return {
            "ordinal": self.ordinal,
            "key": self.key,
            "section": self.section,
            "title": self.title,
            "deadline_text": self.deadline_text,
            "schedule": schedule_json(self.schedule),
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "lead": [{"name": m.name, "unit_code": m.unit_code} for m in self.lead],
            "cooperating": [{"name": m.name, "unit_code": m.unit_code} for m in self.cooperating],
            "output": self.output,
            "warnings": [render(n) for n in self.warnings],
            "change": self.change,
            "changed_fields": self.changed_fields,
            "quote": self.quote,
            "source": place(self.source) if self.source else "",
        }


@dataclass
class ImportReport:
    file: str
    plan_code: str
    plan_title: str
    year: int
    last_year: int | None
    dry_run: bool
    plan_created: bool
    tasks: list[TaskResult]
    removed: list[str] = field(default_factory=list)
    kept_manual: list[str] = field(default_factory=list)  # hand-added tasks a re-import keeps
    issuer: str = ""
    issued: date | None = None
    kind: str = ""  # the file's format (pdf, docx, txt …)
    prose_tasks: int = 0
    table_tasks: int = 0
    plan_due_day: int | None = None  # "chậm nhất ngày 05 của tháng cuối kỳ", for this plan

    def count(self, change: str) -> int:
        return sum(1 for t in self.tasks if t.change == change)

    @property
    def warning_count(self) -> int:
        return sum(len(t.warnings) for t in self.tasks)


_PLACE = {"p": "page", "t": "table", "¶": "paragraph", "l": "line"}


def place_parts(source: str) -> list[tuple[str, dict[str, Any]]]:
    """Where a task stands, as message keys and values: "p3 ¶12" → page 3, paragraph 12;
    "t1:5" → table 1, row 5 (the edge renders each ``importer.source.<part>``)."""
    parts: list[tuple[str, dict[str, Any]]] = []
    for token in source.split():
        kind, rest = token[:1], token[1:]
        number, _, row = rest.partition(":")
        if kind in _PLACE and number.isdigit():
            parts.append((f"importer.source.{_PLACE[kind]}", {"number": int(number)}))
            if row.isdigit():
                parts.append(("importer.source.row", {"number": int(row)}))
    return parts


# --------------------------------------------------------------------------------- units


def mentions_of(
    directory: UnitDirectory, named: list[NamedUnits], notices: list[Notice]
) -> list[UnitMention]:
    """Mentions of resolved names; an unresolved one is kept as written, with a warning and,
    when a registered name is close, the suggestion ("có phải … ?")."""
    result: list[UnitMention] = []
    for item in named:
        if item.codes:
            result.extend(UnitMention(item.written, code) for code in item.codes)
            continue
        result.append(UnitMention(item.written, None))
        if item.ambiguous:
            notices.append(Notice("import.unit_ambiguous", {"name": item.written}))
        elif item.collective:
            notices.append(Notice("import.collective_empty", {"name": item.written}))
        else:
            guess = directory.suggest(item.written)
            if guess:
                notices.append(
                    Notice("import.unit_did_you_mean", {"name": item.written, "guess": guess})
                )
            else:
                notices.append(Notice("import.unit_unresolved", {"name": item.written}))
    return result


def settle_roles(
    lead: list[UnitMention],
    cooperating: list[UnitMention],
    explicit_lead: set[str],
    explicit_coop: set[str],
) -> tuple[list[UnitMention], list[UnitMention]]:
    """A unit named by itself keeps the role it is named in; one reached only through a
    collective phrase of the other role is not assigned twice."""
    only_coop = explicit_coop - explicit_lead
    lead = unique([m for m in lead if m.unit_code is None or m.unit_code not in only_coop])
    lead_codes = {m.unit_code for m in lead if m.unit_code}
    cooperating = unique(
        [m for m in cooperating if m.unit_code is None or m.unit_code not in lead_codes]
    )
    return lead, cooperating


def interpret_units(
    directory: UnitDirectory, lead_text: str, cooperating_text: str, notices: list[Notice]
) -> tuple[list[UnitMention], list[UnitMention]]:
    """Lead and cooperating units of one table row."""
    lead_named = directory.resolve_cell(lead_text)
    coop_named = directory.resolve_cell(cooperating_text)
    lead = mentions_of(directory, lead_named, notices)
    cooperating = mentions_of(directory, coop_named, notices)
    lead, cooperating = settle_roles(
        lead,
        cooperating,
        {c for n in lead_named if not n.collective for c in n.codes},
        {c for n in coop_named if not n.collective for c in n.codes},
    )
    if not lead_text.strip():
        notices.append(Notice("import.no_lead"))
    return lead, cooperating


def unique(mentions: list[UnitMention]) -> list[UnitMention]:
    seen: set[str] = set()
    result = []
    for mention in mentions:
        marker = mention.unit_code or f"?{mention.name}"
        if marker not in seen:
            seen.add(marker)
            result.append(mention)
    return result


def interpret_row(
    row: PlanRow, directory: UnitDirectory, year: int, last_year: int | None
) -> TaskResult:
    """One table row as a proposed task."""
    notices: list[Notice] = [Notice(key) for key in row.notes]
    parsed = parse_deadline(row.deadline, year, last_year=last_year)
    notices.extend(Notice(w, {"phrase": row.deadline}) for w in parsed.warnings)
    lead, cooperating = interpret_units(directory, row.lead, row.cooperating, notices)
    if not row.title:
        notices.append(Notice("import.no_title"))
    return TaskResult(
        key=row.key,
        ordinal=row.ordinal,
        section=row.section,
        title=row.title,
        deadline_text=row.deadline,
        schedule=parsed.schedule,
        lead=lead,
        cooperating=cooperating,
        output=row.output,
        warnings=notices,
        quote=row.quote or " | ".join(v for v in (row.title, row.deadline, row.lead) if v),
        source=row.source,
    )


# ------------------------------------------------------------------------------- schedules

RECURRING = (
    ScheduleKind.MONTHLY,
    ScheduleKind.QUARTERLY,
    ScheduleKind.PERIODIC,
    ScheduleKind.ANNUAL,
    ScheduleKind.ONGOING,
)


def from_issue(schedule: Schedule, issued: date | None, plan_year: int) -> Schedule:
    """A recurring task of a plan issued mid-year starts when the plan does: a plan signed on
    28/10 does not owe the reports of January to September. Only the default start (1 January
    of the plan's year) moves; a start the plan writes itself is kept."""
    if (
        issued is None
        or schedule.kind not in RECURRING
        or schedule.start != date(plan_year, 1, 1)
        or not schedule.start < issued <= (schedule.end or issued)
    ):
        return schedule
    return replace(schedule, start=issued)


def with_plan_day(schedule: Schedule, day: int | None) -> Schedule:
    """The plan's own due day for its reports ("chậm nhất ngày 05 của tháng cuối kỳ") given to a
    quarterly or periodic schedule that names none — for this plan only."""
    if day is None or schedule.day is not None:
        return schedule
    if schedule.kind not in (ScheduleKind.QUARTERLY, ScheduleKind.PERIODIC):
        return schedule
    then = with_plan_day(schedule.then, day) if schedule.then is not None else None
    return replace(schedule, day=day, then=then)


def materialise_until(today: date, year: int | None) -> date:
    horizon = today + timedelta(days=HORIZON_DAYS)
    return max(horizon, date(year, 12, 31)) if year else horizon


def next_due(
    schedule: Schedule,
    plan_year: int | None,
    today: date,
    rules: DueRules,
    calendar: WorkingCalendar,
) -> date | None:
    """The first due date on or after ``today`` the schedule yields (None: none due)."""
    probe = Task(plan_id=0, key="", title="", schedule_kind=schedule.kind.value)
    probe.schedule = schedule.to_dict()
    probe.active = True
    until = materialise_until(today, plan_year)
    for spec in specs_for(probe, plan_year, until, rules, calendar):
        if spec.due is not None and spec.due >= today:
            return spec.due
    return None
