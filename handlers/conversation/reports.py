"""Saving a report (*ghi nhận báo cáo*): the ``Report`` row and its audit entry, and the
confirmation that repeats exactly what was recorded, with a way to correct it. ``/baocao``
(``conversation.officer``) and short replies (``conversation.short_replies``) both end here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import insert

from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.conversation.unit_items import UnitItem, task_name
from dondoc.handlers.replies import MAX_NOTE
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage import audit
from dondoc.storage.models import Report, ReportStatus


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


# ---- saving --------------------------------------------------------------------------------


async def save_report(
    turn: Turn,
    item: UnitItem,
    status: str,
    percent: int | None,
    note: str,
    file: dict[str, Any] | None,
    *,
    source: str,
) -> SavedReport:
    assert turn.unit is not None and turn.member is not None
    values: dict[str, Any] = {
        "occurrence_id": item.id,
        "unit_id": turn.unit.id,
        "status": ReportStatus(status).value,
        "percent": percent,
        "note": note[:MAX_NOTE],
        "attachment_ref": file["ref"] if file else None,
        "attachment_kind": file["kind"] if file else None,
        "member_id": turn.member.id,
        "source": source,
        "created_at": turn.now,
    }
    # Plain INSERTs (the report, then its audit entry): an ORM add + flush per report costs
    # more than the statements.
    written = await turn.session.exec(_report_insert(), params=values)
    report = SavedReport(
        written.inserted_primary_key[0],
        values["status"],
        percent,
        values["note"],
        values["attachment_ref"],
    )
    await audit.write(
        turn.session,
        turn.now,
        "report.create",
        actor=turn.actor,
        member_id=turn.member.id,
        target=f"{turn.unit.code}:{item.id}",
        details={
            "report_id": report.id,
            "task_id": item.task_id,
            "period": item.period,
            "status": status,
            "percent": percent,
            "source": source,
        },
    )
    return report


async def save_one(
    turn: Turn,
    item: UnitItem,
    status: str,
    percent: int | None,
    note: str,
    file: dict[str, Any] | None,
    *,
    source: str,
) -> list[OutgoingMessage]:
    """Save one report, end the conversation's step, and answer with the confirmation."""
    report = await save_report(turn, item, status, percent, note, file, source=source)
    turn.clear_state()
    return [recorded(turn, [(item, report)], file["name"] if file else None)]


def recorded(
    turn: Turn, saved: list[tuple[UnitItem, SavedReport]], file_name: str | None = None
) -> OutgoingMessage:
    """The confirmation: repeats exactly what was recorded, with a way to correct it.

    Several tasks reported at once share one status, percent, note and file: listed once."""
    assert turn.unit is not None
    report = saved[0][1]
    limit = 200 if len(saved) == 1 else 80
    lines = [turn.t("conv.report.line_task", title=task_name(item, limit)) for item, _r in saved]
    lines.append(turn.t("conv.report.line_status", status=turn.t(f"conv.status.{report.status}")))
    if report.percent is not None:
        lines.append(turn.t("conv.report.line_percent", percent=report.percent))
    if report.note:
        lines.append(turn.t("conv.report.line_note", note=report.note))
    if report.attachment_ref:
        lines.append(turn.t("conv.report.line_file", name=file_name or report.attachment_ref))
    local: datetime = turn.ctx.calendar.local(turn.now)
    text = turn.t(
        "conv.report.saved",
        unit=turn.unit.name,
        details="\n".join(lines),
        time=f"{local:%H:%M}",
        day=turn.day(local),
    )
    options = [
        Option(
            turn.t("conv.opt.correct", title=task_name(item, 30))
            if len(saved) > 1
            else turn.t("conv.opt.correct_one"),
            f"/baocao {item.id}",
        )
        for item, _report in saved
    ]
    options.append(turn.option("conv.opt.tasks", "/viec"))
    return OutgoingMessage(text, tuple(options))
