"""Correcting a report the same day (*sửa, rút lại báo cáo trong ngày*): one message does it.

* "nhầm", "gửi nhầm", "undo", ``/rutlai`` — the last report the member sent today is taken
  back: the status before it counts again (or none), and the officer is told which;
* "nhầm, đang làm 50%", "sửa lại: chưa xong" — the right status replaces it at once;
* "sửa lại", ``/sua`` (the confirmation's "Sửa" option) — the right status is asked, and it
  replaces the report when given.

"The last report" is what the member's last message saved (several tasks at once are taken
back together), if it was today and is still the unit's status; a report someone sent after it,
or a day gone by, makes it history that only a new report changes. Nothing is deleted: the
withdrawn report stays in the history, marked (``storage.corrections``). A doubtful "done" in
a correction is asked about like any other (``report_flow.complete``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time

from dondoc.handlers.conversation.items import owned_item, status_words, task_name
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.report_draft import Draft
from dondoc.handlers.conversation.report_flow import ask_status, ask_task, complete
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import Correction, ParsedReply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.corrections import SentReport, last_sent, sent_report, withdraw


def _day_start(turn: Turn) -> datetime:
    return turn.ctx.calendar.at(turn.today, time(0, 0))


async def _last_today(turn: Turn) -> list[SentReport]:
    assert turn.member is not None and turn.unit is not None
    return await last_sent(
        turn.session, member_id=turn.member.id, unit_id=turn.unit.id, since=_day_start(turn)
    )


def _when(turn: Turn, moment: datetime) -> str:
    return f"{turn.ctx.calendar.local(moment):%H:%M}"


def _refusal(turn: Turn, batch: list[SentReport]) -> OutgoingMessage | None:
    """Why the last reports cannot be corrected any more (None when they can)."""
    if not batch:
        return turn.say("conv.correct.nothing_today", options=help_options(turn))
    at = _when(turn, batch[0].created_at)
    if all(report.withdrawn for report in batch):
        return turn.say("conv.correct.already", options=help_options(turn), time=at)
    if not any(report.current for report in batch):
        return turn.say("conv.correct.superseded", options=help_options(turn), time=at)
    return None


def _open(batch: list[SentReport]) -> list[SentReport]:
    """The reports of the batch that can still be corrected."""
    return [report for report in batch if report.current and not report.withdrawn]


async def correction_reply(turn: Turn, correction: Correction) -> list[OutgoingMessage] | None:
    """The answer to a message that corrects today's report ("nhầm", "sửa lại: chưa xong",
    as ``handlers.replies.read_correction`` read it); None when it gives a status while there
    is nothing to correct today, so that it is read as the report it is."""
    batch = await _last_today(turn)
    if not batch and correction.reply is not None:
        return None
    if correction.reply is not None:
        return await _correct(turn, batch, correction.reply)
    refused = _refusal(turn, batch)
    if refused is not None:
        return [refused]
    if correction.undo:
        return await _take_back(turn, _open(batch))
    return await _ask_again(turn, _open(batch))


async def _correct(
    turn: Turn, batch: list[SentReport], reply: ParsedReply
) -> list[OutgoingMessage]:
    """The right status, given: it replaces the reports still open to correction; when they
    were taken back already ("undo", then "fix: in progress 50%") or a newer report followed,
    it is a new report on the same tasks."""
    still = _open(batch)
    replaces = tuple((r.occurrence_id, r.id) for r in still)
    items = [await owned_item(turn, r.occurrence_id) for r in (still or batch)]
    draft = replace(Draft.of_reply(reply, None), replaces=replaces)
    return await complete(turn, draft, items)


async def _ask_again(turn: Turn, batch: list[SentReport]) -> list[OutgoingMessage]:
    """ "sửa lại": the right status of the task (first which task, when several)."""
    replaces = tuple((r.occurrence_id, r.id) for r in batch)
    items = [await owned_item(turn, r.occurrence_id) for r in batch]
    if len(items) == 1:
        return ask_status(turn, items[0], "conv.correct.ask_status", replaces=replaces)
    return ask_task(turn, items, Draft(replaces=replaces), "conv.correct.ask_task")


async def _take_back(turn: Turn, batch: list[SentReport]) -> list[OutgoingMessage]:
    """Withdraw the reports and say what each task's status is now."""
    assert turn.unit is not None and turn.member is not None
    await withdraw(
        turn.session,
        [r.id for r in batch],
        now=turn.now,
        unit_code=turn.unit.code,
        actor=turn.actor,
        member_id=turn.member.id,
    )
    turn.clear_state()
    lines = [turn.t("conv.correct.taken_back", time=_when(turn, batch[0].created_at))]
    options: list[Option] = []
    for report in batch:
        item = await owned_item(turn, report.occurrence_id)
        lines.append(
            turn.t(
                "conv.correct.was_now",
                title=task_name(item, 120 if len(batch) == 1 else 70),
                was=status_words(turn, report.status, report.percent),
                now=status_words(turn, item.status, item.percent),
            )
        )
        label = (
            turn.t("conv.opt.report_again_one")
            if len(batch) == 1
            else turn.t("conv.opt.report_again", title=task_name(item, 30))
        )
        options.append(Option(label, f"/baocao {item.id}"))
    lines.append(turn.t("conv.correct.history"))
    options.append(turn.option("conv.opt.tasks", "/viec"))
    return [OutgoingMessage("\n".join(lines), tuple(options[-7:]))]


async def take_back_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/rutlai`` (``/undo``): take back the report sent last today (like "gửi nhầm")."""
    batch = await _last_today(turn)
    refused = _refusal(turn, batch)
    if refused is not None:
        return [refused]
    return await _take_back(turn, _open(batch))


async def correct_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/sua [số báo cáo]`` (``/correct``): give the right status of a report sent today; the
    new report replaces it. A report of an earlier day is history: a new report is asked."""
    batch = await _last_today(turn)
    wanted = re.fullmatch(r"\s*#?(\d{1,12})\s*", args)
    if wanted is not None:
        report_id = int(wanted.group(1))
        chosen = [r for r in _open(batch) if r.id == report_id]
        if not chosen:
            return await _report_instead(turn, report_id)
        return await _ask_again(turn, chosen)
    refused = _refusal(turn, batch)
    if refused is not None:
        return [refused]
    return await _ask_again(turn, _open(batch))


async def _report_instead(turn: Turn, report_id: int) -> list[OutgoingMessage]:
    """A report that can no longer be corrected (an earlier day, superseded, another
    member's): its task's current status is asked instead, as a new report."""
    assert turn.unit is not None
    report = await sent_report(turn.session, report_id, unit_id=turn.unit.id)
    if report is None:
        return [turn.say("conv.correct.unknown", options=help_options(turn))]
    item = await owned_item(turn, report.occurrence_id)
    return ask_status(turn, item, "conv.correct.too_late")
