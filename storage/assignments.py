"""Assignments (*phân công*) and what a unit last said about them: two rules every view shares.

* **The latest report counts.** Of the reports of one (task occurrence, unit), the one written
  last (latest ``created_at``, then the highest id) is the unit's status; earlier ones are
  history. A report its sender withdrew ("gửi nhầm") or corrected the same day
  (``withdrawn_at`` set: ``storage.corrections``) is history only: it is never the latest —
  the one before it counts again, or none. ``latest_report_id`` is that rule as a correlated
  subquery for statements that join reports in (the summary, a unit's task list): one index
  look-up per pair on ``(occurrence_id, unit_id, created_at)``. ``latest_reports`` is the same
  rule for a set of occurrences, for callers that work on plain values (the reminder planner,
  the digest).
* **The lead wins.** A unit named twice in one task — as the lead (*chủ trì*) and as a
  cooperating unit (*phối hợp*) — owes it once, as the lead. ``lead_wins`` keeps one role per
  (task, unit); statements order rows ``LEAD_FIRST`` and keep the first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, select
from sqlalchemy.orm import aliased

from dondoc.storage.db import Session
from dondoc.storage.models import Assignment, AssignmentRole, Report

CHUNK = 500  # ids per IN (...) list: well under SQLite's and asyncpg's parameter limits

_REPORT = Report.__table__  # type: ignore[attr-defined]


def counts(report: Any) -> ColumnElement[bool]:
    """A report that counts (``report``: the report table or an alias of it): not withdrawn —
    a report taken back or corrected is history only, in every view."""
    return report.withdrawn_at.is_(None)


def latest_of(report: Any, occurrence_id: Any, unit_id: Any, value: Any) -> ScalarSelect[Any]:
    """``value`` (a column or expression of ``report``, an alias of the report table) of the
    latest report that counts of (``occurrence_id``, ``unit_id``) — column expressions of the
    enclosing statement or bound parameters — as a correlated scalar subquery (NULL when the
    unit never reported, or took back all it reported). The one place the rule is written:
    read from the index ``(occurrence_id, unit_id, created_at, id, status, withdrawn_at)``."""
    return (
        select(value)
        .where(report.occurrence_id == occurrence_id, report.unit_id == unit_id, counts(report))
        .order_by(report.created_at.desc(), report.id.desc())
        .limit(1)
        .correlate_except(report)
        .scalar_subquery()
    )


def latest_report_id(occurrence_id: Any, unit_id: Any) -> ScalarSelect[Any]:
    """The id of the latest report that counts of (``occurrence_id``, ``unit_id``)."""
    later = aliased(Report, name="latest_report")
    return latest_of(later, occurrence_id, unit_id, later.id)


@dataclass(frozen=True, slots=True)
class LatestReport:
    """A unit's latest report on an occurrence, as plain values."""

    id: int
    occurrence_id: int
    unit_id: int
    status: str
    percent: int | None
    note: str
    created_at: datetime
    member_id: int | None
    attachment_ref: str | None


async def latest_reports(
    session: Session,
    occurrence_ids: Sequence[int],
    unit_ids: Collection[int] | None = None,
) -> dict[tuple[int, int], LatestReport]:
    """The latest report of every (occurrence, unit) among ``occurrence_ids`` (and, with
    ``unit_ids``, those units only) that has one, keyed by (occurrence id, unit id)."""
    found: dict[tuple[int, int], LatestReport] = {}
    ids = sorted(set(occurrence_ids))
    units = sorted(set(unit_ids)) if unit_ids is not None else None
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        where: list[ColumnElement[bool]] = [
            _REPORT.c.occurrence_id.in_(part),
            _REPORT.c.id == latest_report_id(_REPORT.c.occurrence_id, _REPORT.c.unit_id),
        ]
        if units is not None:
            if not units:
                return found
            where.append(_REPORT.c.unit_id.in_(units))
        rows = await session.exec(
            select(  # type: ignore[call-overload]
                _REPORT.c.id,
                _REPORT.c.occurrence_id,
                _REPORT.c.unit_id,
                _REPORT.c.status,
                _REPORT.c.percent,
                _REPORT.c.note,
                _REPORT.c.created_at,
                _REPORT.c.member_id,
                _REPORT.c.attachment_ref,
            ).where(and_(*where))
        )
        for row in rows.all():
            report = LatestReport(*row[:5], row[5] or "", *row[6:])
            found[(report.occurrence_id, report.unit_id)] = report
    return found


# ---- lead wins ---------------------------------------------------------------------------------

# Statements that join assignments order by this and keep each unit's first row.
LEAD_FIRST = Assignment.role.desc()  # type: ignore[attr-defined]  # "lead" > "cooperating"


def lead_wins(assignments: Iterable[tuple[int, int, str]]) -> dict[tuple[int, int], str]:
    """(task id, unit id, role) rows → one role per (task, unit): the lead where the unit is
    named both ways."""
    roles: dict[tuple[int, int], str] = {}
    for task_id, unit_id, role in assignments:
        if roles.get((task_id, unit_id)) != AssignmentRole.LEAD.value:
            roles[(task_id, unit_id)] = role
    return roles
