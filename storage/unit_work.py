"""A unit's work (*việc của đơn vị*): what the unit owes — the occurrences assigned to it, with
its latest report on each (the list behind ``/viec``, ``/baocao`` and short replies) — and what
it reports on them (a new ``Report`` row and its audit entry, in the message's transaction;
history is kept, the latest counts: ``storage.assignments``).

Officers see and report only for their own unit: an occurrence chosen by button, number or a
typed "/baocao 123" is looked up here with the unit's id, so another unit's occurrence is not
found. The lists are read on every message: one statement, built once with bound parameters,
and plain values instead of ORM objects; a report is two plain INSERTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, insert, literal, or_, select

from dondoc.storage import audit
from dondoc.storage.assignments import latest_report_id
from dondoc.storage.db import Session
from dondoc.storage.models import (
    Assignment,
    AssignmentRole,
    Occurrence,
    Plan,
    ReminderLog,
    Report,
    ReportStatus,
    Task,
)

ONGOING_LOOKBACK = timedelta(days=100)  # an ongoing task's check-in periods still shown


@dataclass
class UnitItem:
    """One occurrence owed by the unit, with the unit's latest report on it (if any)."""

    id: int  # the occurrence
    task_id: int
    period: str
    start: date
    due: date | None
    ordinal: str  # the task's key in its plan ("II.3"; the ordinal when they do not restart)
    title: str
    position: int
    plan_code: str
    role: str  # the unit's role in the task: lead wins over cooperating
    reminded: bool = False  # this member was reminded of it lately
    status: str | None = None
    percent: int | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.status == ReportStatus.DONE.value


async def unit_items(
    session: Session,
    unit_id: int,
    today: date,
    until: date,
    *,
    member_id: int | None = None,
    occurrence_ids: list[int] | None = None,
    include_done: bool = False,
    reminded_since: datetime | None = None,
) -> list[UnitItem]:
    """The unit's occurrences, soonest due first: the open ones due up to ``until`` (overdue
    included) and the current check-in of each ongoing task; or exactly ``occurrence_ids``
    (whatever their state, to check that they belong to the unit).

    With ``reminded_since``, the occurrences ``member_id`` was reminded of since then are
    included too and flagged ``reminded`` (what a short reply is about, in the same query)."""
    kind = "ids" if occurrence_ids is not None else "window"
    if occurrence_ids is None and reminded_since is not None:
        kind = "reminded"
    params: dict[str, Any] = {
        "unit_id": unit_id,
        "member_id": member_id,
        "since": reminded_since,
        "until": until,
        "today": today,
        "lookback": today - ONGOING_LOOKBACK,
    }
    if occurrence_ids is not None:
        params["ids"] = list(occurrence_ids)
    items: dict[int, UnitItem] = {}
    for row in (await session.exec(_items_query(kind), params=params)).all():
        occ_id, task_id, period, start, due, ordinal, title, position, plan_code, role = row[:10]
        current = items.get(occ_id)
        if current is None or role == AssignmentRole.LEAD.value:  # the lead wins
            reminded, status, percent, note = row[10:]
            items[occ_id] = UnitItem(
                occ_id,
                task_id,
                period,
                start,
                due,
                ordinal,
                title,
                position,
                plan_code,
                role,
                bool(reminded),
                status,
                percent,
                "" if note is None else note,  # no report yet
            )
    if occurrence_ids is None:
        # An ongoing task owes only its current check-in, not the previous periods'.
        latest: dict[int, date] = {}
        for item in items.values():
            if item.due is None:
                latest[item.task_id] = max(latest.get(item.task_id, date.min), item.start)
        items = {
            key: item
            for key, item in items.items()
            if item.due is not None or item.reminded or item.start == latest.get(item.task_id)
        }
    result = [i for i in items.values() if include_done or not i.done]
    result.sort(key=lambda i: (i.due or date.max, i.plan_code, i.position, i.id))
    return result


# ---- what the unit reports ------------------------------------------------------------------

MAX_NOTE = 1000  # characters of a note kept
MAX_REF = 1000  # characters of an attachment's reference (a file id or URL)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A file or photo sent with a report: the channel's reference and the name it came with."""

    kind: str  # "photo" | "document"
    ref: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class NewReport:
    """What a member says about one occurrence of their unit."""

    occurrence_id: int
    task_id: int
    period: str
    status: ReportStatus
    percent: int | None = None
    note: str = ""
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class SavedReport:
    """A report just written, as plain values (the row itself is not kept in the session)."""

    id: int
    status: str
    percent: int | None
    note: str
    attachment_ref: str | None


@cache
def _report_insert() -> Any:
    return insert(Report.__table__)  # type: ignore[attr-defined]


async def save_report(
    session: Session,
    report: NewReport,
    *,
    unit_id: int,
    unit_code: str,
    member_id: int,
    actor: str,
    source: str,
    now: datetime,
) -> SavedReport:
    """Write ``report`` for the unit, by the member, with its audit entry (plain INSERTs: an ORM
    add and flush per report costs more than the statements)."""
    evidence = report.evidence
    values: dict[str, Any] = {
        "occurrence_id": report.occurrence_id,
        "unit_id": unit_id,
        "status": ReportStatus(report.status).value,
        "percent": report.percent,
        "note": report.note[:MAX_NOTE],
        "attachment_ref": evidence.ref[:MAX_REF] if evidence else None,
        "attachment_kind": evidence.kind if evidence else None,
        "member_id": member_id,
        "source": source,
        "created_at": now,
    }
    written = await session.exec(_report_insert(), params=values)
    saved = SavedReport(
        written.inserted_primary_key[0],
        values["status"],
        report.percent,
        values["note"],
        values["attachment_ref"],
    )
    await audit.write(
        session,
        now,
        "report.create",
        actor=actor,
        member_id=member_id,
        target=f"{unit_code}:{report.occurrence_id}",
        details={
            "report_id": saved.id,
            "task_id": report.task_id,
            "period": report.period,
            "status": values["status"],
            "percent": report.percent,
            "source": source,
        },
    )
    return saved


# ---- statements (built once, bound parameters) --------------------------------------------------

_OCC = Occurrence.__table__  # type: ignore[attr-defined]
_TASK = Task.__table__  # type: ignore[attr-defined]
_PLAN = Plan.__table__  # type: ignore[attr-defined]
_ASSIGNMENT = Assignment.__table__  # type: ignore[attr-defined]
_REPORT = Report.__table__  # type: ignore[attr-defined]
_REMINDER = ReminderLog.__table__  # type: ignore[attr-defined]


@cache
def _items_query(kind: str) -> Any:
    """The unit's items, built once with bound parameters (the statement and its compiled
    form are reused by every message): ``ids``, ``window`` or ``reminded`` (window + the
    occurrences this member was reminded of). Tables' columns, not the models' attributes:
    a plain statement skips the ORM's per-execution set-up and row loading."""
    reminded = _OCC.c.id.in_(
        select(_REMINDER.c.occurrence_id).where(
            _REMINDER.c.member_id == bindparam("member_id"),
            _REMINDER.c.created_at >= bindparam("since"),
            _REMINDER.c.status != "skipped",  # steps superseded after downtime were never sent
        )
    )
    flag = reminded if kind == "reminded" else literal(False)
    latest = latest_report_id(_OCC.c.id, bindparam("unit_id"))
    query = (
        select(
            _OCC.c.id,
            _OCC.c.task_id,
            _OCC.c.period,
            _OCC.c.start,
            _OCC.c.due,
            _TASK.c.key,  # "II.3" where ordinals restart per section: unambiguous, as /viec shows
            _TASK.c.title,
            _TASK.c.position,
            _PLAN.c.code,
            _ASSIGNMENT.c.role,
            flag.label("reminded"),
            _REPORT.c.status,
            _REPORT.c.percent,
            _REPORT.c.note,
        )
        .select_from(
            _OCC.join(_TASK, _TASK.c.id == _OCC.c.task_id)
            .join(_PLAN, _PLAN.c.id == _TASK.c.plan_id)
            .join(_ASSIGNMENT, _ASSIGNMENT.c.task_id == _TASK.c.id)
            .outerjoin(_REPORT, _REPORT.c.id == latest)
        )
        .where(_ASSIGNMENT.c.unit_id == bindparam("unit_id"), _TASK.c.active.is_(True))
    )
    if kind == "ids":
        return query.where(_OCC.c.id.in_(bindparam("ids", expanding=True)))
    window = or_(
        and_(_OCC.c.due.is_not(None), _OCC.c.due <= bindparam("until")),
        and_(
            _OCC.c.due.is_(None),
            _OCC.c.start <= bindparam("today"),
            _OCC.c.start > bindparam("lookback"),
        ),
    )
    return query.where(or_(window, reminded) if kind == "reminded" else window)


@cache
def _report_insert() -> Any:
    return insert(_REPORT)
