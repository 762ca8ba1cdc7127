"""Short replies (*trả lời ngắn*): a plain message after a reminder — "xong", "đang làm 70%",
"vướng: chưa có số liệu" — is a report on the reminded task(s); an acknowledgement ("ok",
"đã nhận") gets a question back; several pending tasks get "which one?" (state
``reply.which``, with an "all of them" option). What the words mean is
``handlers.replies.parse_reply``'s decision; this module only acts on it.
"""

from __future__ import annotations

import re
from typing import Any

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.officer import (
    STEP,
    ask_status,
    ask_task,
    listed_items,
    step_task,
    with_attachment,
)
from dondoc.handlers.conversation.reports import recorded, save_one, save_report
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.conversation.unit_items import (
    UnitItem,
    item_option,
    owned_item,
    page_of,
    pending_items,
    status_words,
)
from dondoc.handlers.replies import ParsedReply, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.text import fold

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
        return ask_task(turn, items, 1, "conv.reply.ack_ask_task", pending=True)
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    file = with_attachment(turn, {}).get("file")
    if len(items) == 1:
        return await _save_parsed(turn, items[0], parsed, file)
    return _ask_which(turn, items, parsed, file, pending=True)


async def _save_parsed(
    turn: Turn, item: UnitItem, parsed: ParsedReply, file: dict[str, Any] | None
) -> list[OutgoingMessage]:
    status, percent, note = parsed.status, parsed.percent, parsed.note
    return await save_one(turn, item, status, percent, note, file, source="chat")


def _ask_which(
    turn: Turn,
    items: list[UnitItem],
    parsed: ParsedReply,
    file: dict[str, Any] | None,
    page: int = 1,
    *,
    pending: bool,
) -> list[OutgoingMessage]:
    """Several tasks could be meant: keep what was said and ask which one (state
    ``reply.which``) among the ``page`` of them in view, with "next page" and "all of these"
    options. ``pending``: ``items`` are ``pending_items``, else all the unit's open ones."""
    shown = page_of(turn, items, page)
    options = [item_option(turn, item, f"c:{item.id}") for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", f"c:p:{shown.number + 1}"))
    options.append(turn.option("conv.opt.all_listed", "c:all"))
    turn.set_state(
        "reply.which",
        status=parsed.status,
        percent=parsed.percent,
        note=parsed.note,
        file=file,
        occs=[item.id for item in shown.items],
        **({"pending": True} if pending else {}),
    )
    text_out = turn.t(
        "conv.reply.which",
        status=status_words(turn, parsed.status, parsed.percent),
        count=len(items),
    )
    return [OutgoingMessage(text_out, tuple(options))]


async def _step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """``report.task`` (choose a task of ``/baocao``, or after "ok"): a status typed instead
    of a number — "xong", "đang làm 70%" — is kept, and the same tasks are asked for it, as
    after a short reply; anything else is the ``/baocao`` step's to answer."""
    if chosen is None:
        parsed = parse_reply(text)
        if parsed.is_report:
            items = await listed_items(turn)
            if items:
                file = with_attachment(turn, {}).get("file") or turn.data.get("file")
                if len(items) == 1:
                    return await _save_parsed(turn, items[0], parsed, file)
                # The page of the list the officer was looking at, as they saw it.
                page = int(turn.data.get("page", 1))
                pending = bool(turn.data.get("pending"))
                return _ask_which(turn, items, parsed, file, page, pending=pending)
    return await step_task(turn, chosen, text)


async def _step_which(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    data = turn.data
    if chosen is None or not chosen.startswith("c:"):
        if re.fullmatch(r"[0-9]{1,6}", fold(text).strip(".) ")):
            options = [Option(label, value) for label, value in data.get("options", [])]
            return [turn.say("conv.reply.which_again", options=options, count=len(options))]
        return await short_reply(turn, text)
    if chosen.startswith("c:p:"):  # the next page of the same tasks, the status still kept
        items = await listed_items(turn)
        if not items:
            turn.clear_state()
            return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
        parsed = ParsedReply(data["status"], data.get("percent"), data.get("note", ""))
        page, pending = int(chosen[4:]), bool(data.get("pending"))
        return _ask_which(turn, items, parsed, data.get("file"), page, pending=pending)
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
    file = with_attachment(turn, {})["file"]
    if len(items) == 1:
        return ask_status(turn, items[0], "conv.reply.file_ask_status", file)
    return ask_task(turn, items, 1, "conv.reply.file_ask_task", file, pending=True)


FLOW_STEPS: dict[str, STEP] = {"report.task": _step_task, "reply.which": _step_which}
