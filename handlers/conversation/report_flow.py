"""The report conversation (*báo cáo tiến độ*): ``/baocao`` step by step, and the short reply after
a reminder ("xong", "đang làm 70%", "vướng: chưa có số liệu") — one flow, one module.

Its states (``Step``), the typed payloads of its options and the ``Draft`` it gathers are in
``conversation.report_draft``; what each step does with the next message in
``conversation.report_steps``; saving and the confirmation in ``conversation.report_saving``.
This module holds the entry points and the questions.
The paths through it::

    /baocao ──► TASK ──► STATUS ──► PERCENT ──► NOTE ──► FILE ──► CONFIRM ──► saved
                            └─► CHECK_DONE (a doubtful "done" typed) ──┘
    short reply ──► [WHICH] ──► [CHECK_DONE] ──► saved
    a number out of range ("150%") ──► PERCENT ──► [WHICH] ──► saved
    "ok" after a reminder ──► TASK | STATUS         a file alone ──► TASK | STATUS

* PERCENT only for "đang thực hiện" / "vướng mắc"; FILE not for "chưa thực hiện"; a step whose
  answer was already given ("đang làm 70%" typed at STATUS) is skipped; words with no number
  at PERCENT are the note. At PERCENT every number is a percent ("1" is 1 %): "Bỏ qua" is
  offered without a number, chosen by its words or its button.
* **Never close a task by mistake**: a reply that leans to done without being certain
  ("hình như xong rồi", "đã làm") is not saved until the officer answers one question naming
  the task — "Đúng, đã xong" or "Chưa, còn đang làm" — and only that answer is saved.
* A status typed at TASK ("xong" instead of a number) is kept, and only the task is asked
  (WHICH), among the page of tasks the member was looking at.
* What the words of a reply mean is ``handlers.replies.parse_reply``'s decision; this module
  only acts on it. Questions and small talk are answered by ``conversation.answers``; "nhầm"
  and "sửa lại" by ``conversation.corrections``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dondoc.handlers.conversation import answers
from dondoc.handlers.conversation.items import (
    STATUS_ORDER,
    due_words,
    item_option,
    list_page,
    open_items,
    owned_item,
    page_of,
    pending_items,
    status_words,
    task_name,
    with_years,
)
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.report_draft import (
    Confirm,
    DoneNo,
    DoneYes,
    Draft,
    Edit,
    ListedPage,
    PickAllListed,
    PickOne,
    PickStatus,
    PickTask,
    Skip,
    Step,
    go,
)
from dondoc.handlers.conversation.report_saving import details, save
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import ParsedReply, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.models import ReportStatus
from dondoc.storage.text import fold, shorten
from dondoc.storage.unit_work import MAX_REF, Evidence, UnitItem

Replaces = tuple[tuple[int, int], ...]


def sent_evidence(turn: Turn) -> Evidence | None:
    """The file or photo this message carries, as the report's evidence."""
    attachment = turn.msg.attachment
    if attachment is None:
        return None
    return Evidence(attachment.kind, attachment.ref[:MAX_REF], shorten(attachment.name or "", 200))


def with_sent_file(turn: Turn, draft: Draft) -> Draft:
    evidence = sent_evidence(turn)
    return draft.answer(evidence=evidence) if evidence is not None else draft


# ---- entry points -----------------------------------------------------------------------------


async def report_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/baocao [mã kỳ | trang N]`` (``/report``): start a report, step by step."""
    assert turn.unit is not None
    target = re.fullmatch(r"\s*#?(\d{1,12})\s*", args)
    if target and not re.search(r"trang|page|p", fold(args)):
        return ask_status(turn, await owned_item(turn, int(target.group(1))))
    items = await open_items(turn)
    if not items:
        return [nothing_open(turn)]
    if len(items) == 1:
        return ask_status(turn, items[0])
    return ask_task(
        turn, items, Draft(page=list_page(args.replace("p", " ")) if args.strip() else 1)
    )


async def short_reply(turn: Turn, text: str) -> list[OutgoingMessage]:
    """A plain message: a report on the reminded (or pending) task(s), or a question back."""
    parsed = parse_reply(text)
    if parsed.out_of_range is not None and (parsed.is_report or parsed.confirm):
        return await _out_of_range(turn, parsed)
    if not parsed.is_report:
        if parsed.question:
            return await answers.question(turn)
        if not parsed.acknowledgement:
            return [turn.say("conv.reply.unclear", options=help_options(turn))]
        if await answers.only_courtesy(turn, text):
            return [await answers.small_talk(turn)]
        items = await pending_items(turn)
        if not items:
            return [turn.say("conv.reply.ack_nothing", options=help_options(turn))]
        if len(items) == 1:
            return ask_status(turn, items[0], "conv.reply.ack_ask_status")
        return ask_task(turn, items, Draft(pending=True), "conv.reply.ack_ask_task")
    draft = replace(Draft.of_reply(parsed, sent_evidence(turn)), pending=True)
    return await complete(turn, draft)


async def file_alone(turn: Turn) -> list[OutgoingMessage]:
    """A file with no words: ask what it reports on (status first), keeping the file."""
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    draft = Draft(evidence=sent_evidence(turn), pending=True)
    if len(items) == 1:
        return ask_status(turn, items[0], "conv.reply.file_ask_status", draft.evidence)
    return ask_task(turn, items, draft, "conv.reply.file_ask_task")


async def complete(
    turn: Turn, draft: Draft, items: list[UnitItem] | None = None, page: int = 1
) -> list[OutgoingMessage]:
    """A short reply's draft with its status: ask which task it is about when that is not
    known (among ``items``, else the pending ones), whether it is really done when that is
    doubtful, else save it."""
    if draft.targets:
        chosen = [await owned_item(turn, occurrence) for occurrence in draft.targets]
    else:
        listed = items if items is not None else await listed_items(turn, draft)
        if not listed:
            turn.clear_state()
            return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
        if len(listed) > 1:
            return ask_which(turn, listed, draft, page)
        chosen = listed
    if draft.doubtful:
        return ask_done(turn, chosen, replace(draft, targets=tuple(i.id for i in chosen)))
    return await save(turn, chosen, draft)


async def _out_of_range(turn: Turn, parsed: ParsedReply) -> list[OutgoingMessage]:
    """ "150%", "đang làm 150%": say why the number cannot be taken and ask for the percent
    (the status said, if any, is kept)."""
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    if parsed.is_report:
        draft = replace(Draft.of_reply(parsed, sent_evidence(turn)), percent=None)
        draft = replace(draft, answered=draft.answered - {"percent"})
    else:
        draft = Draft(evidence=sent_evidence(turn), short=True)
    draft = replace(draft, pending=True, targets=(items[0].id,) if len(items) == 1 else ())
    go(turn, Step.PERCENT, draft)
    key = "conv.reply.out_of_range" if draft.status else "conv.reply.out_of_range_status"
    options = [skip_option(turn)] if draft.status else []
    text = turn.t(key, number=parsed.out_of_range)
    return [OutgoingMessage(text, tuple(options), numbered=False)]


# ---- questions --------------------------------------------------------------------------------


def nothing_open(turn: Turn) -> OutgoingMessage:
    return turn.say(
        "conv.report.nothing_open",
        options=help_options(turn),
        unit=turn.unit.name if turn.unit else "",
        days=turn.ctx.horizon_days,
    )


def ask_task(
    turn: Turn, items: list[UnitItem], draft: Draft, key: str = "conv.report.choose_task"
) -> list[OutgoingMessage]:
    """List ``items`` to choose from (TASK), at the draft's page; the draft keeps a file sent,
    the reports it corrects and whether the list is the pending tasks."""
    shown = page_of(turn, items, draft.page)
    years = with_years(turn, items)
    options = [item_option(turn, item, PickTask(item.id).pack(), years) for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", f"/baocao p{shown.number + 1}"))
    go(turn, Step.TASK, replace(draft, page=shown.number))
    text = turn.t(key, count=len(items), page=shown.number, pages=shown.count)
    return [OutgoingMessage(text, tuple(options))]


def ask_status(
    turn: Turn,
    item: UnitItem,
    key: str = "conv.report.ask_status",
    evidence: Evidence | None = None,
    replaces: Replaces = (),
) -> list[OutgoingMessage]:
    go(turn, Step.STATUS, Draft(occurrence=item.id, evidence=evidence, replaces=replaces))
    text = turn.t(
        key,
        title=task_name(item, 200),
        due=due_words(turn, item),
        current=status_words(turn, item.status, item.percent),
    )
    options = [turn.option(f"conv.status.{s}", PickStatus(s).pack()) for s in STATUS_ORDER]
    return [OutgoingMessage(text, tuple(options))]


def ask_done(turn: Turn, items: list[UnitItem], draft: Draft) -> list[OutgoingMessage]:
    """The safety net under "done": one question naming the task(s) (CHECK_DONE)."""
    go(turn, Step.CHECK_DONE, draft)
    if len(items) == 1:
        text = turn.t("conv.report.check_done", title=task_name(items[0], 150))
    else:
        titles = "; ".join(f"“{task_name(item, 60)}”" for item in items[:6])
        text = turn.t("conv.report.check_done_many", count=len(items), titles=titles)
    options = (
        turn.option("conv.opt.done_yes", DoneYes().pack()),
        turn.option("conv.opt.done_no", DoneNo().pack()),
    )
    return [OutgoingMessage(text, options)]


def ask_which(
    turn: Turn, items: list[UnitItem], draft: Draft, page: int = 1
) -> list[OutgoingMessage]:
    """Several tasks could be meant: keep what was said and ask which one (WHICH) among the
    ``page`` of them in view, with "next page" and "all of these" options."""
    shown = page_of(turn, items, page)
    years = with_years(turn, items)
    options = [item_option(turn, item, PickOne(item.id).pack(), years) for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", ListedPage(shown.number + 1).pack()))
    options.append(turn.option("conv.opt.all_listed", PickAllListed().pack()))
    kept = replace(draft, listed=tuple(i.id for i in shown.items), page=1)
    go(turn, Step.WHICH, kept.answer(percent=draft.percent, note=draft.note))
    text = turn.t(
        "conv.reply.which",
        status=status_words(turn, draft.status, draft.percent),
        count=len(items),
    )
    return [OutgoingMessage(text, tuple(options))]


def skip_option(turn: Turn) -> Option:
    return turn.option("conv.opt.skip", Skip().pack())


def confirm_options(turn: Turn) -> tuple[Option, ...]:
    return (
        turn.option("conv.opt.confirm", Confirm().pack()),
        turn.option("conv.opt.edit", Edit().pack()),
        turn.option("conv.opt.cancel", "/huy"),
    )


def next_question(turn: Turn, draft: Draft) -> list[OutgoingMessage]:
    """Ask the first step of the report whose answer is still missing."""
    status = draft.status
    if status in (ReportStatus.IN_PROGRESS, ReportStatus.BLOCKED) and (
        "percent" not in draft.answered
    ):
        go(turn, Step.PERCENT, draft)
        text = turn.t("conv.report.ask_percent")
        return [OutgoingMessage(text, (skip_option(turn),), numbered=False)]
    if "note" not in draft.answered:
        go(turn, Step.NOTE, draft)
        blocked = status is ReportStatus.BLOCKED
        key = "conv.report.ask_note_blocked" if blocked else "conv.report.ask_note"
        return [turn.say(key, options=[skip_option(turn)])]
    if status is not ReportStatus.NOT_STARTED and "file" not in draft.answered:
        go(turn, Step.FILE, draft)
        return [turn.say("conv.report.ask_file", options=[skip_option(turn)])]
    go(turn, Step.CONFIRM, draft)
    text = turn.t("conv.report.confirm", details=details(turn, draft))
    return [OutgoingMessage(text, confirm_options(turn))]


async def listed_items(turn: Turn, draft: Draft) -> list[UnitItem]:
    """The tasks the TASK or WHICH list was made of, read again."""
    return await (pending_items(turn) if draft.pending else open_items(turn))
