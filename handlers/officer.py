"""Officers and unit heads (*cán bộ, thủ trưởng*): ``/viec`` (what my unit owes), ``/baocao``
(report step by step) and short replies after a reminder ("xong", "đang làm 70%").

Officers see and report only for their own unit: every occurrence chosen — by button, number
or a typed "/baocao 123" — is checked against the unit's assignments.

The ``/baocao`` steps are states of ``ConversationState``::

    report.task → report.status → report.percent → report.note → report.file → report.confirm

(percent only for "đang thực hiện" / "vướng mắc"; evidence not for "chưa thực hiện"; a step
whose answer was already given — "đang làm 70%" typed at the status step — is skipped).
``reply.which`` asks which task a short reply was about when several are pending.
Every report is a new ``Report`` row (history kept, the latest counts) with an audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, literal, or_
from sqlmodel import col, select

from handlers.menus import help_options
from handlers.replies import MAX_NOTE, parse_reply
from handlers.turn import Turn
from scheduler.outgoing import Option, OutgoingMessage
from storage import audit
from storage.errors import UserError
from storage.models import (
    Assignment,
    AssignmentRole,
    Occurrence,
    Plan,
    ReminderLog,
    Report,
    ReportStatus,
    Task,
)
from storage.text import fold

STATUS_ORDER = ("done", "in_progress", "blocked", "not_started")
ONGOING_LOOKBACK = timedelta(days=100)
TITLE_IN_OPTION = 48


@dataclass
class UnitItem:
    """One occurrence owed by the unit, with the unit's latest report on it (if any).

    Plain values (not ORM objects): lists are read on every message, so they stay cheap.
    """

    id: int  # the occurrence
    task_id: int
    period: str
    start: date
    due: date | None
    ordinal: str  # the task's key in its plan ("II.3"; the ordinal when they do not restart)
    title: str
    position: int
    plan_code: str
    role: str
    reminded: bool = False
    status: str | None = None
    percent: int | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.status == ReportStatus.DONE.value


# ---- queries -------------------------------------------------------------------------------


async def unit_items(
    turn: Turn,
    *,
    occurrence_ids: list[int] | None = None,
    include_done: bool = False,
    reminded_since: datetime | None = None,
) -> list[UnitItem]:
    """The unit's occurrences: open ones in the horizon (overdue, due soon, ongoing check-ins),
    or exactly ``occurrence_ids`` (any, to check that they belong to the unit).

    With ``reminded_since``, occurrences this member was reminded of since then are included
    too and flagged ``reminded`` (one query for what a short reply is about)."""
    assert turn.unit is not None
    today = turn.ctx.today()
    kind = "ids" if occurrence_ids is not None else "window"
    if occurrence_ids is None and reminded_since is not None:
        kind = "reminded"
    params: dict[str, Any] = {
        "unit_id": turn.unit.id,
        "member_id": turn.member.id if turn.member else None,
        "since": reminded_since,
        "until": today + timedelta(days=turn.ctx.horizon_days),
        "today": today,
        "lookback": today - ONGOING_LOOKBACK,
    }
    if occurrence_ids is not None:
        params["ids"] = list(occurrence_ids)
    query = _items_query(kind)
    items: dict[int, UnitItem] = {}
    for row in (await turn.session.exec(query, params=params)).all():
        occ_id, task_id, period, start, due, ordinal, title, position, plan_code, role, flag = row
        current = items.get(occ_id)
        if current is None or role == AssignmentRole.LEAD.value:
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
                bool(flag),
            )
    if items:
        reports = (
            await turn.session.exec(
                _reports_query(), params={"ids": list(items), "unit_id": turn.unit.id}
            )
        ).all()
        for occ_id, status, percent, note in reports:
            item = items[occ_id]
            item.status, item.percent, item.note = status, percent, note
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


@cache
def _items_query(kind: str) -> Any:
    """The unit's items, built once with bound parameters (the statement and its compiled
    form are reused by every message): ``ids``, ``window`` or ``reminded`` (window + the
    occurrences this member was reminded of)."""
    reminded = col(Occurrence.id).in_(
        select(ReminderLog.occurrence_id).where(
            ReminderLog.member_id == bindparam("member_id"),
            ReminderLog.created_at >= bindparam("since"),
            ReminderLog.status != "skipped",  # steps superseded after downtime were never sent
        )
    )
    flag = reminded if kind == "reminded" else literal(False)
    query = (
        select(
            Occurrence.id,
            Occurrence.task_id,
            Occurrence.period,
            Occurrence.start,
            Occurrence.due,
            Task.key,  # "II.3" where ordinals restart per section: unambiguous, as /viec shows
            Task.title,
            Task.position,
            Plan.code,
            Assignment.role,
            flag.label("reminded"),
        )
        .join(Task, col(Task.id) == Occurrence.task_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .join(Assignment, col(Assignment.task_id) == Task.id)
        .where(Assignment.unit_id == bindparam("unit_id"), col(Task.active).is_(True))
    )
    if kind == "ids":
        return query.where(col(Occurrence.id).in_(bindparam("ids", expanding=True)))
    window = or_(
        and_(col(Occurrence.due).is_not(None), col(Occurrence.due) <= bindparam("until")),
        and_(
            col(Occurrence.due).is_(None),
            Occurrence.start <= bindparam("today"),
            Occurrence.start > bindparam("lookback"),
        ),
    )
    return query.where(or_(window, reminded) if kind == "reminded" else window)


@cache
def _reports_query() -> Any:
    return (
        select(Report.occurrence_id, Report.status, Report.percent, Report.note)
        .where(
            col(Report.occurrence_id).in_(bindparam("ids", expanding=True)),
            Report.unit_id == bindparam("unit_id"),
        )
        .order_by(col(Report.created_at), col(Report.id))
    )


async def pending_items(turn: Turn) -> list[UnitItem]:
    """What a short reply is about: the tasks this member was reminded of recently and the
    unit has not finished, else the unit's open ones."""
    items = await unit_items(turn, reminded_since=turn.now - turn.ctx.reply_window)
    return [i for i in items if i.reminded] or items


async def owned_item(turn: Turn, occurrence_id: int) -> UnitItem:
    """The unit's item for ``occurrence_id``; refuses another unit's occurrence."""
    found = await unit_items(turn, occurrence_ids=[occurrence_id], include_done=True)
    if not found:
        raise UserError("conv.report.not_yours")
    return found[0]


# ---- words ---------------------------------------------------------------------------------


def status_words(turn: Turn, status: str | None, percent: int | None = None) -> str:
    if status is None:
        return turn.t("conv.status.none")
    words = turn.t(f"conv.status.{status}")
    if percent is not None and status != "done":
        words = turn.t("conv.status.with_percent", status=words, percent=percent)
    return words


def due_words(turn: Turn, item: UnitItem) -> str:
    due = item.due
    if due is None:
        return turn.t("conv.due.ongoing", period=item.period)
    today = turn.ctx.today()
    if due < today and not item.done:
        return turn.t("conv.due.late", day=turn.day(due), days=(today - due).days)
    if due == today:
        return turn.t("conv.due.today", day=turn.day(due))
    return turn.t("conv.due.on", day=turn.day(due))


def task_name(item: UnitItem, limit: int | None = None) -> str:
    """The task's title (shortened to ``limit`` characters)."""
    title = " ".join(item.title.split())
    if limit is not None and len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    return title


def task_ref(item: UnitItem) -> str:
    """Plan and item number as the plan writes them: "84/KH-UBND, mục 3"."""
    return f"{item.plan_code} #{item.ordinal}" if item.ordinal else item.plan_code


def item_option(turn: Turn, item: UnitItem, value: str) -> Option:
    due = item.due
    when = due.strftime("%d/%m") if due else item.period
    return Option(f"{task_name(item, TITLE_IN_OPTION)} ({when})", value)


def item_block(turn: Turn, number: int, item: UnitItem) -> str:
    return turn.t(
        "conv.tasks.item",
        number=number,
        title=task_name(item, 110),
        plan=task_ref(item),
        role=turn.t(f"conv.assignment.{item.role}"),
        due=due_words(turn, item),
        status=status_words(turn, item.status, item.percent),
    )


def _page(args: str) -> int:
    match = re.search(r"(?:^|\s)(?:p|trang|page)?\s*(\d{1,4})\s*$", fold(args))
    return max(1, int(match.group(1))) if match else 1


# ---- /viec ---------------------------------------------------------------------------------


async def tasks_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/viec [trang]`` (``/tasks``): the unit's open tasks, soonest first, paged."""
    assert turn.unit is not None
    items = await unit_items(turn)
    if not items:
        return [
            turn.say(
                "conv.tasks.none",
                options=help_options(turn),
                unit=turn.unit.name,
                days=turn.ctx.horizon_days,
            )
        ]
    size = turn.ctx.page_size
    pages = (len(items) + size - 1) // size
    page = min(_page(args), pages)
    shown = items[(page - 1) * size : page * size]
    lines = [
        turn.t("conv.tasks.title", unit=turn.unit.name, count=len(items), page=page, pages=pages)
    ]
    lines += [item_block(turn, (page - 1) * size + i, it) for i, it in enumerate(shown, 1)]
    options = [turn.option("conv.opt.report", "/baocao")]
    if page < pages:
        options.insert(0, turn.option("conv.opt.next_page", f"/viec {page + 1}"))
    return [OutgoingMessage("\n\n".join(lines), tuple(options))]


# ---- /baocao -------------------------------------------------------------------------------


async def report_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/baocao [mã kỳ | trang N]`` (``/report``): start a report, step by step."""
    assert turn.unit is not None
    target = re.fullmatch(r"\s*#?(\d{1,12})\s*", args)
    if target and not re.search(r"trang|page|p", fold(args)):
        item = await owned_item(turn, int(target.group(1)))
        return ask_status(turn, item)
    items = await unit_items(turn)
    if not items:
        return [
            turn.say(
                "conv.report.nothing_open",
                options=help_options(turn),
                unit=turn.unit.name,
                days=turn.ctx.horizon_days,
            )
        ]
    if len(items) == 1:
        return ask_status(turn, items[0])
    return ask_task(turn, items, _page(args.replace("p", " ")) if args.strip() else 1)


def ask_task(
    turn: Turn,
    items: list[UnitItem],
    page: int = 1,
    key: str = "conv.report.choose_task",
    file: dict[str, Any] | None = None,
) -> list[OutgoingMessage]:
    size = turn.ctx.page_size
    pages = (len(items) + size - 1) // size
    page = max(1, min(page, pages))
    shown = items[(page - 1) * size : page * size]
    options = [item_option(turn, item, f"t:{item.id}") for item in shown]
    if page < pages:
        options.append(turn.option("conv.opt.next_page", f"/baocao p{page + 1}"))
    turn.set_state("report.task", page=page, **({"file": file} if file else {}))
    text = turn.t(key, count=len(items), page=page, pages=pages)
    return [OutgoingMessage(text, tuple(options))]


def _status_options(turn: Turn) -> list[Option]:
    return [turn.option(f"conv.status.{s}", f"s:{s}") for s in STATUS_ORDER]


def ask_status(
    turn: Turn,
    item: UnitItem,
    key: str = "conv.report.ask_status",
    file: dict[str, Any] | None = None,
) -> list[OutgoingMessage]:
    turn.set_state("report.status", occ=item.id, **({"file": file} if file else {}))
    text = turn.t(
        key,
        title=task_name(item, 200),
        due=due_words(turn, item),
        current=status_words(turn, item.status, item.percent),
    )
    return [OutgoingMessage(text, tuple(_status_options(turn)))]


def _skip(turn: Turn) -> Option:
    return turn.option("conv.opt.skip", "skip")


def _next_step(turn: Turn, data: dict[str, Any]) -> list[OutgoingMessage]:
    """Ask the first step of the report whose answer is still missing."""
    status = data["status"]
    if status in ("in_progress", "blocked") and "percent" not in data:
        turn.set_state("report.percent", **data)
        return [turn.say("conv.report.ask_percent", options=[_skip(turn)])]
    if "note" not in data:
        turn.set_state("report.note", **data)
        key = "conv.report.ask_note_blocked" if status == "blocked" else "conv.report.ask_note"
        return [turn.say(key, options=[_skip(turn)])]
    if status != "not_started" and "file" not in data:
        turn.set_state("report.file", **data)
        return [turn.say("conv.report.ask_file", options=[_skip(turn)])]
    turn.set_state("report.confirm", **data)
    return [
        OutgoingMessage(
            turn.t("conv.report.confirm", details=_details(turn, data)),
            (
                turn.option("conv.opt.confirm", "ok"),
                turn.option("conv.opt.edit", "edit"),
                turn.option("conv.opt.cancel", "/huy"),
            ),
        )
    ]


def _details(turn: Turn, data: dict[str, Any]) -> str:
    lines = [
        turn.t("conv.report.line_task", title=data.get("title", "")),
        turn.t("conv.report.line_status", status=turn.t(f"conv.status.{data['status']}")),
    ]
    if data.get("percent") is not None:
        lines.append(turn.t("conv.report.line_percent", percent=data["percent"]))
    if data.get("note"):
        lines.append(turn.t("conv.report.line_note", note=data["note"]))
    if data.get("file"):
        lines.append(
            turn.t("conv.report.line_file", name=data["file"].get("name") or data["file"]["ref"])
        )
    return "\n".join(lines)


def _with_attachment(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    attachment = turn.msg.attachment
    if attachment is not None:
        data["file"] = {
            "kind": attachment.kind,
            "ref": attachment.ref[:1000],
            "name": (attachment.name or "")[:200],
        }
    return data


async def _step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    file = turn.data.get("file")
    if chosen and chosen.startswith("t:") and re.fullmatch(r"[0-9]{1,12}", chosen[2:]):
        item = await owned_item(turn, int(chosen[2:]))
        return ask_status(turn, item, file=file)
    items = await unit_items(turn)
    if not items:
        turn.clear_state()
        return [
            turn.say(
                "conv.report.nothing_open",
                options=help_options(turn),
                unit=turn.unit.name if turn.unit else "",
                days=turn.ctx.horizon_days,
            )
        ]
    page = int(turn.data.get("page", 1))
    return ask_task(turn, items, page, "conv.report.choose_task_again", file)


async def _step_status(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    item = await owned_item(turn, int(turn.data["occ"]))
    data: dict[str, Any] = {"occ": item.id, "title": task_name(item, 200)}
    if turn.data.get("file"):
        data["file"] = turn.data["file"]
    if chosen and chosen.startswith("s:") and chosen[2:] in STATUS_ORDER:
        data["status"] = chosen[2:]
    else:
        parsed = parse_reply(text)
        if not parsed.is_report:
            return ask_status(turn, item, "conv.report.ask_status_again")
        data["status"] = parsed.status
        if parsed.percent is not None:
            data["percent"] = parsed.percent
        if parsed.note:
            data["note"] = parsed.note
    return _next_step(turn, _with_attachment(turn, data))


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram)?\s*$")


async def _step_percent(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    if chosen == "skip":
        data["percent"] = None
        return _next_step(turn, _with_attachment(turn, data))
    match = _PERCENT_TEXT.match(fold(text))
    if match is None:
        parsed = parse_reply(text)
        value = parsed.percent
    else:
        value = int(match.group(1))
    if value is None or not 0 <= value <= 100:
        return [turn.say("conv.report.bad_percent", options=[_skip(turn)])]
    data["percent"] = value
    return _next_step(turn, _with_attachment(turn, data))


async def _step_note(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    note = " ".join(text.split())
    if chosen == "skip" or (not note and turn.msg.attachment is not None):
        data["note"] = ""
        return _next_step(turn, _with_attachment(turn, data))
    if not note:
        return [turn.say("conv.report.ask_note_again", options=[_skip(turn)])]
    data["note"] = note[:MAX_NOTE]
    return _next_step(turn, _with_attachment(turn, data))


async def _step_file(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    if chosen == "skip":
        data["file"] = None
        return _next_step(turn, data)
    if turn.msg.attachment is None:
        return [turn.say("conv.report.ask_file_again", options=[_skip(turn)])]
    return _next_step(turn, _with_attachment(turn, data))


async def _step_confirm(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    if chosen == "edit":
        item = await owned_item(turn, int(data["occ"]))
        return ask_status(turn, item)
    if chosen != "ok":
        turn.set_state("report.confirm", **data)
        return [
            OutgoingMessage(
                turn.t("conv.report.confirm_again", details=_details(turn, data)),
                (
                    turn.option("conv.opt.confirm", "ok"),
                    turn.option("conv.opt.edit", "edit"),
                    turn.option("conv.opt.cancel", "/huy"),
                ),
            )
        ]
    item = await owned_item(turn, int(data["occ"]))
    file = data.get("file") or None
    report = await save_report(
        turn,
        item,
        data["status"],
        data.get("percent"),
        data.get("note", ""),
        file,
        source="command",
    )
    turn.clear_state()
    return [recorded(turn, [(item, report)], file["name"] if file else None)]


STEP = Callable[[Turn, str | None, str], Awaitable[list[OutgoingMessage]]]


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
) -> Report:
    assert turn.unit is not None and turn.member is not None
    report = Report(
        occurrence_id=item.id,
        unit_id=turn.unit.id,  # type: ignore[arg-type]
        status=ReportStatus(status).value,
        percent=percent,
        note=note[:MAX_NOTE],
        attachment_ref=file["ref"] if file else None,
        attachment_kind=file["kind"] if file else None,
        member_id=turn.member.id,
        source=source,
        created_at=turn.now,
    )
    turn.session.add(report)
    await turn.session.flush()
    audit.record(
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


def recorded(
    turn: Turn, saved: list[tuple[UnitItem, Report]], file_name: str | None = None
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


# ---- short replies -------------------------------------------------------------------------


async def short_reply(turn: Turn, text: str) -> list[OutgoingMessage]:
    """A plain message: a report on the reminded (or pending) task(s), or a question back."""
    parsed = parse_reply(text)
    if not parsed.is_report:
        if not parsed.acknowledgement:
            return [turn.say("conv.reply.unclear", options=help_options(turn))]
        items = await pending_items(turn)
        if not items:
            return [turn.say("conv.reply.ack_nothing", options=help_options(turn))]
        if len(items) == 1:
            return ask_status(turn, items[0], "conv.reply.ack_ask_status")
        return ask_task(turn, items, 1, "conv.reply.ack_ask_task")
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    file = _with_attachment(turn, {}).get("file")
    if len(items) == 1:
        report = await save_report(
            turn, items[0], parsed.status, parsed.percent, parsed.note, file, source="chat"
        )
        turn.clear_state()
        return [recorded(turn, [(items[0], report)], file["name"] if file else None)]
    shown = items[: turn.ctx.page_size]
    options = [item_option(turn, item, f"c:{item.id}") for item in shown]
    options.append(turn.option("conv.opt.all_listed", "c:all"))
    turn.set_state(
        "reply.which",
        status=parsed.status,
        percent=parsed.percent,
        note=parsed.note,
        file=file,
        occs=[item.id for item in shown],
    )
    text_out = turn.t(
        "conv.reply.which",
        status=status_words(turn, parsed.status, parsed.percent),
        count=len(items),
    )
    return [OutgoingMessage(text_out, tuple(options))]


async def _step_which(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = turn.data
    if chosen is None or not chosen.startswith("c:"):
        if re.fullmatch(r"[0-9]{1,6}", fold(text).strip(".) ")):
            options = [Option(label, value) for label, value in data.get("options", [])]
            return [turn.say("conv.reply.which_again", options=options, count=len(options))]
        return await short_reply(turn, text)
    wanted = data.get("occs", []) if chosen == "c:all" else [int(chosen[2:])]
    saved = []
    for occurrence_id in wanted:
        item = await owned_item(turn, int(occurrence_id))
        report = await save_report(
            turn,
            item,
            data["status"],
            data.get("percent"),
            data.get("note", ""),
            data.get("file"),
            source="chat",
        )
        saved.append((item, report))
    turn.clear_state()
    file = data.get("file")
    return [recorded(turn, saved, file["name"] if file else None)]


async def attachment_outside_report(turn: Turn) -> list[OutgoingMessage]:
    """A file with no words: ask what it reports on (status first), keeping the file."""
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    file = _with_attachment(turn, {})["file"]
    if len(items) == 1:
        return ask_status(turn, items[0], "conv.reply.file_ask_status", file)
    return ask_task(turn, items, 1, "conv.reply.file_ask_task", file)


FLOW_STEPS: dict[str, STEP] = {
    "report.task": _step_task,
    "report.status": _step_status,
    "report.percent": _step_percent,
    "report.note": _step_note,
    "report.file": _step_file,
    "report.confirm": _step_confirm,
    "reply.which": _step_which,
}
