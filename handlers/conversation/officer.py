"""Officers and unit heads (*cán bộ, thủ trưởng*): ``/viec`` (what my unit owes) and
``/baocao`` (report step by step). Short replies after a reminder are in
``conversation.short_replies``.

The ``/baocao`` steps are states of ``ConversationState``::

    report.task → report.status → report.percent → report.note → report.file → report.confirm

(percent only for "đang thực hiện" / "vướng mắc"; evidence not for "chưa thực hiện"; a step
whose answer was already given — "đang làm 70%" typed at the status step — is skipped; words
with no number at the percent step are the note).
Every report is a new ``Report`` row (history kept, the latest counts) with an audit entry,
written by ``conversation.reports``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.reports import save_one
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.conversation.unit_items import (
    STATUS_ORDER,
    UnitItem,
    due_words,
    item_block,
    item_option,
    owned_item,
    page_of,
    pending_items,
    status_words,
    task_name,
    unit_items,
)
from dondoc.handlers.replies import MAX_NOTE, UNCLEAR, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.text import fold


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
    page = page_of(turn, items, _page(args))
    lines = [
        turn.t(
            "conv.tasks.title",
            unit=turn.unit.name,
            count=len(items),
            page=page.number,
            pages=page.count,
        )
    ]
    lines += [item_block(turn, page.offset + i, it) for i, it in enumerate(page.items, 1)]
    options = [turn.option("conv.opt.report", "/baocao")]
    if page.has_next:
        options.insert(0, turn.option("conv.opt.next_page", f"/viec {page.number + 1}"))
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
    *,
    pending: bool = False,
) -> list[OutgoingMessage]:
    """List ``items`` to choose from (state ``report.task``). ``pending``: they are the tasks a
    short reply would be about (``pending_items``), not all the unit's open ones."""
    shown = page_of(turn, items, page)
    options = [item_option(turn, item, f"t:{item.id}") for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", f"/baocao p{shown.number + 1}"))
    extra: dict[str, Any] = {"file": file} if file else {}
    if pending:
        extra["pending"] = True
    turn.set_state("report.task", page=shown.number, **extra)
    text = turn.t(key, count=len(items), page=shown.number, pages=shown.count)
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


def with_attachment(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    attachment = turn.msg.attachment
    if attachment is not None:
        data["file"] = {
            "kind": attachment.kind,
            "ref": attachment.ref[:1000],
            "name": (attachment.name or "")[:200],
        }
    return data


async def step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """``report.task``: the chosen task's status is asked next; anything else asks again."""
    file = turn.data.get("file")
    if chosen and chosen.startswith("t:") and re.fullmatch(r"[0-9]{1,12}", chosen[2:]):
        item = await owned_item(turn, int(chosen[2:]))
        return ask_status(turn, item, file=file)
    items = await listed_items(turn)
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
    pending = bool(turn.data.get("pending"))
    return ask_task(turn, items, page, "conv.report.choose_task_again", file, pending=pending)


async def listed_items(turn: Turn) -> list[UnitItem]:
    """The tasks the ``report.task`` list was made of, read again."""
    return await (pending_items(turn) if turn.data.get("pending") else unit_items(turn))


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
    return _next_step(turn, with_attachment(turn, data))


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram)?\s*$")


async def _step_percent(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    if chosen == "skip":
        data["percent"] = None
        return _next_step(turn, with_attachment(turn, data))
    match = _PERCENT_TEXT.match(fold(text))
    if match is None:
        parsed = parse_reply(text)
        value = parsed.percent
        if _is_note_instead(text, parsed.status, data):
            # Words, no number ("chưa có số liệu của phường"): the officer skipped the
            # percent and wrote the note; take it as that rather than ask for a number again.
            data["percent"] = None
            data["note"] = " ".join(text.split())[:MAX_NOTE]
            return _next_step(turn, with_attachment(turn, data))
    else:
        value = int(match.group(1))
    if value is None or not 0 <= value <= 100:
        return [turn.say("conv.report.bad_percent", options=[_skip(turn)])]
    data["percent"] = value
    return _next_step(turn, with_attachment(turn, data))


def _is_note_instead(text: str, status: str, data: dict[str, Any]) -> bool:
    """At the percent step: a text with words and no digit, that does not name another
    status, while the note is still to be asked."""
    return (
        "note" not in data
        and not re.search(r"\d", text)
        and re.search(r"\w", text) is not None
        and status in (UNCLEAR, data.get("status"))
    )


async def _step_note(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    note = " ".join(text.split())
    if chosen == "skip" or (not note and turn.msg.attachment is not None):
        data["note"] = ""
        return _next_step(turn, with_attachment(turn, data))
    if not note:
        return [turn.say("conv.report.ask_note_again", options=[_skip(turn)])]
    data["note"] = note[:MAX_NOTE]
    return _next_step(turn, with_attachment(turn, data))


async def _step_file(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = dict(turn.data)
    data.pop("options", None)
    if chosen == "skip":
        data["file"] = None
        return _next_step(turn, data)
    if turn.msg.attachment is None:
        return [turn.say("conv.report.ask_file_again", options=[_skip(turn)])]
    return _next_step(turn, with_attachment(turn, data))


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
    status, percent, note = data["status"], data.get("percent"), data.get("note", "")
    file = data.get("file") or None
    return await save_one(turn, item, status, percent, note, file, source="command")


STEP = Callable[[Turn, str | None, str], Awaitable[list[OutgoingMessage]]]


# ``report.task`` is ``conversation.short_replies``' step: a status typed there is a short reply.
FLOW_STEPS: dict[str, STEP] = {
    "report.status": _step_status,
    "report.percent": _step_percent,
    "report.note": _step_note,
    "report.file": _step_file,
    "report.confirm": _step_confirm,
}
