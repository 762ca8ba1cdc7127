"""Saving a report (*ghi nhận báo cáo*): one ``Report`` row and its audit entry, in the turn's
transaction. Every report is a new row (history kept; the latest counts, see
``storage.assignments``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import insert

from dondoc.storage import audit
from dondoc.storage.db import Session
from dondoc.storage.models import Report, ReportStatus

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
