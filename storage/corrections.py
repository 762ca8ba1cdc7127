"""Taking a report back (*rút lại, sửa báo cáo*): what a member sent last, and withdrawing it.

An officer who answered "xong" by mistake writes "nhầm" or "sửa lại" the same day. Nothing is
deleted: the report is marked withdrawn (``Report.withdrawn_at``) and, when a correction
replaces it, names that correction (``Report.replaced_by``). A withdrawn report is never the
unit's status — ``storage.assignments.latest_report_id`` skips it, so every view sees the
report before it again (or none) — and the history keeps both. Each withdrawal is audited.

Reports saved by one message share their moment (``created_at``): "the last sent" is that
whole batch ("tất cả các nhiệm vụ trên" reported three tasks at once: "nhầm" takes back three).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, update

from dondoc.storage import audit
from dondoc.storage.assignments import latest_report_id
from dondoc.storage.db import Session
from dondoc.storage.models import Occurrence, Report, Task

_REPORT = Report.__table__  # type: ignore[attr-defined]
_OCC = Occurrence.__table__  # type: ignore[attr-defined]
_TASK = Task.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SentReport:
    """A report a member sent, as plain values, with what became of it."""

    id: int
    occurrence_id: int
    unit_id: int
    status: str
    percent: int | None
    note: str
    created_at: datetime
    title: str
    withdrawn: bool  # taken back or corrected already
    current: bool  # still the unit's status (no later report of anyone)


def _columns() -> Any:
    latest = latest_report_id(_REPORT.c.occurrence_id, _REPORT.c.unit_id)
    return select(
        _REPORT.c.id,
        _REPORT.c.occurrence_id,
        _REPORT.c.unit_id,
        _REPORT.c.status,
        _REPORT.c.percent,
        _REPORT.c.note,
        _REPORT.c.created_at,
        _TASK.c.title,
        _REPORT.c.withdrawn_at,
        (_REPORT.c.id == latest).label("current"),
    ).select_from(
        _REPORT.join(_OCC, _OCC.c.id == _REPORT.c.occurrence_id).join(
            _TASK, _TASK.c.id == _OCC.c.task_id
        )
    )


@cache
def _sent_query() -> Any:
    return (
        _columns()
        .where(
            _REPORT.c.member_id == bindparam("member_id"),
            _REPORT.c.unit_id == bindparam("unit_id"),
            _REPORT.c.created_at >= bindparam("since"),
        )
        .order_by(_REPORT.c.created_at.desc(), _REPORT.c.id.desc())
        .limit(200)
    )


@cache
def _one_query() -> Any:
    return _columns().where(
        _REPORT.c.id == bindparam("report_id"), _REPORT.c.unit_id == bindparam("unit_id")
    )


def _sent(row: Any) -> SentReport:
    return SentReport(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5] or "",
        row[6],
        " ".join((row[7] or "").split()),
        row[8] is not None,
        bool(row[9]),
    )


async def last_sent(
    session: Session, *, member_id: int, unit_id: int, since: datetime
) -> list[SentReport]:
    """The reports ``member_id`` saved for the unit by their last message since ``since`` (one
    batch: the same moment; the last of each occurrence), withdrawn or not; empty when they
    sent none since."""
    rows = (
        await session.exec(
            _sent_query(), params={"member_id": member_id, "unit_id": unit_id, "since": since}
        )
    ).all()
    if not rows:
        return []
    moment = rows[0][6]
    batch: dict[int, SentReport] = {}
    for row in rows:
        if row[6] == moment and row[1] not in batch:  # the last of each occurrence
            batch[row[1]] = _sent(row)
    return sorted(batch.values(), key=lambda report: report.id)


async def sent_report(session: Session, report_id: int, *, unit_id: int) -> SentReport | None:
    """Report ``report_id`` of the unit (None: no such report of this unit)."""
    params = {"report_id": report_id, "unit_id": unit_id}
    row = (await session.exec(_one_query(), params=params)).first()
    return _sent(row) if row is not None else None


async def withdraw(
    session: Session,
    report_ids: Sequence[int],
    *,
    now: datetime,
    unit_code: str,
    actor: str,
    member_id: int | None,
    replaced_by: int | None = None,
) -> int:
    """Mark the reports withdrawn at ``now`` (by a correction, ``replaced_by``), with an audit
    entry each; reports withdrawn before are left as they are. Returns how many were."""
    ids = sorted(set(report_ids))
    if not ids:
        return 0
    result = await session.exec(
        update(_REPORT)
        .where(_REPORT.c.id.in_(ids), _REPORT.c.withdrawn_at.is_(None))
        .values(withdrawn_at=now, replaced_by=replaced_by)
        .returning(_REPORT.c.id, _REPORT.c.occurrence_id, _REPORT.c.status)
    )
    done = result.all()
    for report_id, occurrence_id, status in done:
        await audit.write(
            session,
            now,
            "report.correct" if replaced_by is not None else "report.withdraw",
            actor=actor,
            member_id=member_id,
            target=f"{unit_code}:{occurrence_id}",
            details={"report_id": report_id, "status": status, "replaced_by": replaced_by},
        )
    return len(done)
