"""Saving a report and saying what was saved (*ghi nhận và xác nhận báo cáo*).

``save`` writes the draft for each task (``storage.unit_work.save_report``; a correction
withdraws the report it replaces) and ends the flow; ``recorded`` repeats exactly what was
recorded — status, percent, note, file, and what it replaced — with a way to correct it the same
day (``/sua``) or take it back (``/rutlai``, or a message "nhầm").

A note longer than ``storage.unit_work.MAX_NOTE`` is never cut silently: what is kept ends
with "…" and the officer is told how much was kept, in the summary before saving and in the
confirmation after.
"""

from __future__ import annotations

from datetime import datetime

from dondoc.handlers.conversation.items import task_name
from dondoc.handlers.conversation.report_draft import Draft
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.unit_work import (
    MAX_NOTE,
    NewReport,
    SavedReport,
    UnitItem,
    kept_note,
    save_report,
)


def note_lines(turn: Turn, note: str) -> list[str]:
    """The note as it is (or will be) kept, and a word when it had to be cut."""
    if not note.strip():
        return []
    kept = kept_note(note)
    lines = [turn.t("conv.report.line_note", note=kept)]
    if kept != note.strip():
        lines.append(turn.t("conv.report.note_cut", length=len(note.strip()), limit=MAX_NOTE))
    return lines


def details(turn: Turn, draft: Draft) -> str:
    """The draft in lines, as the officer checks it before confirming."""
    lines = [
        turn.t("conv.report.line_task", title=draft.title),
        turn.t("conv.report.line_status", status=turn.t(f"conv.status.{draft.status}")),
    ]
    if draft.percent is not None:
        lines.append(turn.t("conv.report.line_percent", percent=draft.percent))
    lines += note_lines(turn, draft.note)
    if draft.evidence is not None:
        name = draft.evidence.name or draft.evidence.ref
        lines.append(turn.t("conv.report.line_file", name=name))
    return "\n".join(lines)


async def save(
    turn: Turn, items: list[UnitItem], draft: Draft, *, source: str = "chat"
) -> list[OutgoingMessage]:
    """Save the draft for each of ``items``, end the flow, and answer with the confirmation."""
    assert turn.unit is not None and turn.member is not None and draft.status is not None
    saved = []
    for item in items:
        report = NewReport(
            item.id,
            item.task_id,
            item.period,
            draft.status,
            draft.percent,
            draft.note,
            draft.evidence,
        )
        written = await save_report(
            turn.session,
            report,
            unit_id=turn.unit.id,
            unit_code=turn.unit.code,
            member_id=turn.member.id,
            actor=turn.actor,
            source=source,
            now=turn.now,
            replaces=draft.replaced(item.id),
        )
        saved.append((item, written))
    turn.clear_state()
    name = draft.evidence.name if draft.evidence else None
    return [recorded(turn, saved, name, draft.note, corrected=bool(draft.replaces))]


def recorded(
    turn: Turn,
    saved: list[tuple[UnitItem, SavedReport]],
    file_name: str | None = None,
    note: str = "",
    *,
    corrected: bool = False,
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
    lines += note_lines(turn, note or report.note)
    if report.attachment_ref:
        lines.append(turn.t("conv.report.line_file", name=file_name or report.attachment_ref))
    local: datetime = turn.ctx.calendar.local(turn.now)
    text = turn.t(
        "conv.report.corrected" if corrected else "conv.report.saved",
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
            f"/sua {written.id}",
        )
        for item, written in saved
    ]
    options.append(turn.option("conv.opt.take_back", "/rutlai"))
    options.append(turn.option("conv.opt.tasks", "/viec"))
    return OutgoingMessage(text, tuple(options))
