"""The report conversation (*báo cáo tiến độ*): ``/baocao`` step by step, and the short reply after
a reminder ("xong", "đang làm 70%", "vướng: chưa có số liệu") — one flow, one module.

Its states (``Step``), the typed payloads of its options and the ``Draft`` it gathers are in
``conversation.report_draft``; saving and the confirmation in ``conversation.report_saving``.
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
from collections.abc import Awaitable, Callable
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
    draft_of,
    go,
)
from dondoc.handlers.conversation.report_saving import details, save
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import UNCLEAR, ParsedReply, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.models import ReportStatus
from dondoc.storage.text import fold, shorten
from dondoc.storage.unit_work import MAX_REF, Evidence, UnitItem

Replaces = tuple[tuple[int, int], ...]


def _sent_evidence(turn: Turn) -> Evidence | None:
    """The file or photo this message carries, as the report's evidence."""
    attachment = turn.msg.attachment
    if attachment is None:
        return None
    return Evidence(attachment.kind, attachment.ref[:MAX_REF], shorten(attachment.name or "", 200))


def _with_sent_file(turn: Turn, draft: Draft) -> Draft:
    evidence = _sent_evidence(turn)
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
        return [_nothing_open(turn)]
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
    draft = replace(Draft.of_reply(parsed, _sent_evidence(turn)), pending=True)
    return await complete(turn, draft)


async def file_alone(turn: Turn) -> list[OutgoingMessage]:
    """A file with no words: ask what it reports on (status first), keeping the file."""
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    draft = Draft(evidence=_sent_evidence(turn), pending=True)
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
        listed = items if items is not None else await _listed(turn, draft)
        if not listed:
            turn.clear_state()
            return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
        if len(listed) > 1:
            return _ask_which(turn, listed, draft, page)
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
        draft = replace(Draft.of_reply(parsed, _sent_evidence(turn)), percent=None)
        draft = replace(draft, answered=draft.answered - {"percent"})
    else:
        draft = Draft(evidence=_sent_evidence(turn), short=True)
    draft = replace(draft, pending=True, targets=(items[0].id,) if len(items) == 1 else ())
    go(turn, Step.PERCENT, draft)
    key = "conv.reply.out_of_range" if draft.status else "conv.reply.out_of_range_status"
    options = [_skip(turn)] if draft.status else []
    text = turn.t(key, number=parsed.out_of_range)
    return [OutgoingMessage(text, tuple(options), numbered=False)]


# ---- questions --------------------------------------------------------------------------------


def _nothing_open(turn: Turn) -> OutgoingMessage:
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


def _ask_which(
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


def _skip(turn: Turn) -> Option:
    return turn.option("conv.opt.skip", Skip().pack())


def _confirm_options(turn: Turn) -> tuple[Option, ...]:
    return (
        turn.option("conv.opt.confirm", Confirm().pack()),
        turn.option("conv.opt.edit", Edit().pack()),
        turn.option("conv.opt.cancel", "/huy"),
    )


def _next_question(turn: Turn, draft: Draft) -> list[OutgoingMessage]:
    """Ask the first step of the report whose answer is still missing."""
    status = draft.status
    if status in (ReportStatus.IN_PROGRESS, ReportStatus.BLOCKED) and (
        "percent" not in draft.answered
    ):
        go(turn, Step.PERCENT, draft)
        text = turn.t("conv.report.ask_percent")
        return [OutgoingMessage(text, (_skip(turn),), numbered=False)]
    if "note" not in draft.answered:
        go(turn, Step.NOTE, draft)
        blocked = status is ReportStatus.BLOCKED
        key = "conv.report.ask_note_blocked" if blocked else "conv.report.ask_note"
        return [turn.say(key, options=[_skip(turn)])]
    if status is not ReportStatus.NOT_STARTED and "file" not in draft.answered:
        go(turn, Step.FILE, draft)
        return [turn.say("conv.report.ask_file", options=[_skip(turn)])]
    go(turn, Step.CONFIRM, draft)
    text = turn.t("conv.report.confirm", details=details(turn, draft))
    return [OutgoingMessage(text, _confirm_options(turn))]


# ---- steps ------------------------------------------------------------------------------------


async def _listed(turn: Turn, draft: Draft) -> list[UnitItem]:
    """The tasks the TASK or WHICH list was made of, read again."""
    return await (pending_items(turn) if draft.pending else open_items(turn))


async def _step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """TASK: the chosen task's status is asked next. A status typed instead of a number —
    "xong", "đang làm 70%" — is kept, and the same tasks are asked for it (WHICH)."""
    draft = draft_of(turn)
    picked = PickTask.parse(chosen)
    if picked is not None:
        item = await owned_item(turn, picked.occurrence)
        return ask_status(turn, item, evidence=draft.evidence, replaces=draft.replaces)
    items = await _listed(turn, draft)
    if not items:
        turn.clear_state()
        return [_nothing_open(turn)]
    if chosen is None:
        parsed = parse_reply(text)
        if parsed.is_report and parsed.out_of_range is None:
            said = Draft.of_reply(parsed, _sent_evidence(turn) or draft.evidence)
            said = replace(said, pending=draft.pending, replaces=draft.replaces)
            # The page of the list the member was looking at, as they saw it.
            return await complete(turn, said, items, draft.page)
    return ask_task(turn, items, draft, "conv.report.choose_task_again")


async def _step_status(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    stored = draft_of(turn)
    assert stored.occurrence is not None
    item = await owned_item(turn, stored.occurrence)
    draft = Draft(
        occurrence=item.id,
        title=task_name(item, 200),
        evidence=stored.evidence,
        replaces=stored.replaces,
    )
    draft = draft.answer(evidence=draft.evidence) if draft.evidence else draft
    picked = PickStatus.parse(chosen)
    if picked is not None and picked.status in STATUS_ORDER:
        draft = replace(draft, status=ReportStatus(picked.status))
        return _next_question(turn, _with_sent_file(turn, draft))
    parsed = parse_reply(text)
    if not parsed.is_report:
        return ask_status(
            turn, item, "conv.report.ask_status_again", draft.evidence, draft.replaces
        )
    draft = replace(_with_sent_file(turn, draft), status=ReportStatus(parsed.status))
    if parsed.note:
        draft = draft.answer(note=parsed.note)
    if parsed.out_of_range is not None:
        go(turn, Step.PERCENT, draft)
        text_out = turn.t("conv.reply.out_of_range", number=parsed.out_of_range)
        return [OutgoingMessage(text_out, (_skip(turn),), numbered=False)]
    if parsed.percent is not None:
        draft = draft.answer(percent=parsed.percent)
    if parsed.confirm and draft.status is ReportStatus.DONE:
        return ask_done(turn, [item], replace(draft, targets=(item.id,), doubtful=True))
    return _next_question(turn, draft)


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram)?\s*$")


async def _step_percent(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    skip = [_skip(turn)] if draft.status is not None else []
    if Skip.parse(chosen) is not None and draft.status is not None:
        return await _after_percent(turn, _with_sent_file(turn, draft.answer(percent=None)))
    match = _PERCENT_TEXT.match(fold(text))
    if match is None:
        parsed = parse_reply(text)
        if draft.short and parsed.is_report and parsed.out_of_range is None:
            # "xong rồi", "đang làm 70%": the answer is a whole short reply, taken as said.
            said = Draft.of_reply(parsed, _sent_evidence(turn) or draft.evidence)
            keep = {"targets": draft.targets, "pending": True, "replaces": draft.replaces}
            return await complete(turn, replace(said, **keep))
        value = parsed.percent
        if not draft.short and _is_note_instead(text, parsed.status, draft):
            # Words, no number ("chưa có số liệu của phường"): the member skipped the
            # percent and wrote the note; take it as that rather than ask for a number again.
            note = " ".join(text.split())
            return _next_question(
                turn, _with_sent_file(turn, draft.answer(percent=None, note=note))
            )
    else:
        value = int(match.group(1))
    if value is None or not 0 <= value <= 100:
        key = "conv.report.bad_percent" if skip else "conv.reply.bad_percent"
        return [OutgoingMessage(turn.t(key), tuple(skip), numbered=False)]
    return await _after_percent(turn, _with_sent_file(turn, draft.answer(percent=value)))


async def _after_percent(turn: Turn, draft: Draft) -> list[OutgoingMessage]:
    if not draft.short:
        return _next_question(turn, draft)
    status, percent = draft.status, draft.percent
    if percent is not None and status in (None, ReportStatus.DONE):
        # A number alone decides: 100 is done (and certain), 0 not started, else going on.
        status = (
            ReportStatus.DONE
            if percent == 100
            else ReportStatus.NOT_STARTED
            if percent == 0
            else ReportStatus.IN_PROGRESS
        )
    if status is None:
        return [turn.say("conv.reply.bad_percent")]
    if status is ReportStatus.NOT_STARTED:
        percent = None
    return await complete(turn, replace(draft, status=status, percent=percent, doubtful=False))


def _is_note_instead(text: str, status: str, draft: Draft) -> bool:
    """At PERCENT: a text with words and no digit, that does not name another status, while
    the note is still to be asked."""
    return (
        "note" not in draft.answered
        and not re.search(r"\d", text)
        and re.search(r"\w", text) is not None
        and status in (UNCLEAR, draft.status)
    )


async def _step_note(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    note = " ".join(text.split())
    if Skip.parse(chosen) is not None or (not note and turn.msg.attachment is not None):
        return _next_question(turn, _with_sent_file(turn, draft.answer(note="")))
    if not note:
        return [turn.say("conv.report.ask_note_again", options=[_skip(turn)])]
    return _next_question(turn, _with_sent_file(turn, draft.answer(note=note)))


async def _step_file(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    if Skip.parse(chosen) is not None:
        return _next_question(turn, draft.answer(evidence=None))
    if turn.msg.attachment is None:
        return [turn.say("conv.report.ask_file_again", options=[_skip(turn)])]
    return _next_question(turn, _with_sent_file(turn, draft))


async def _step_confirm(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    assert draft.occurrence is not None
    if Edit.parse(chosen) is not None:
        item = await owned_item(turn, draft.occurrence)
        return ask_status(turn, item, replaces=draft.replaces)
    if Confirm.parse(chosen) is None:
        go(turn, Step.CONFIRM, draft)
        text_out = turn.t("conv.report.confirm_again", details=details(turn, draft))
        return [OutgoingMessage(text_out, _confirm_options(turn))]
    item = await owned_item(turn, draft.occurrence)
    return await save(turn, [item], draft, source="command")


_YES = re.compile(
    r"^(?:(?:da|vang|u|uh|um|dung)\s+)*(?:dung|dung roi|dung vay|phai|co|vang|da|u|ok|oke|okay|"
    r"yes|yep|roi|xong|xong roi|da xong|chuan|chinh xac|hoan thanh)(?:\s+(?:a|roi|chi|anh|nhe|"
    r"nha|em|a))*[\s.!]*$"
)
_NO = re.compile(
    r"^(?:(?:da|vang|u)\s+)*(?:chua|khong|ko|k|no|not yet|chua xong|sai|chua dau|van dang lam|"
    r"dang lam|con dang lam)(?:\s+(?:a|chi|anh|nhe|nha|xong|dau|em|a))*[\s.!]*$"
)


async def _step_check_done(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """CHECK_DONE: "Đúng, đã xong" saves done; "Chưa, còn đang làm" saves in progress; a
    whole reply ("mới được 80% thôi") is saved as it says. Nothing else is saved."""
    draft = draft_of(turn)
    folded = fold(text)
    if DoneYes.parse(chosen) is not None or (chosen is None and _YES.match(folded)):
        draft = replace(draft, status=ReportStatus.DONE, doubtful=False)
    elif DoneNo.parse(chosen) is not None or (chosen is None and _NO.match(folded)):
        draft = replace(draft, status=ReportStatus.IN_PROGRESS, doubtful=False)
        draft = replace(draft, answered=draft.answered - {"percent"}, percent=None)
        if draft.short:
            draft = draft.answer(percent=None)
    else:
        parsed = parse_reply(text) if chosen is None else None
        if parsed is None or not parsed.is_report or parsed.out_of_range is not None:
            items = [await owned_item(turn, occurrence) for occurrence in draft.targets]
            again = ask_done(turn, items, draft)[0]
            return [OutgoingMessage(turn.t("conv.report.check_done_again"), again.options)]
        said = Draft.of_reply(parsed, _sent_evidence(turn) or draft.evidence)
        draft = replace(
            draft,
            status=said.status,
            percent=said.percent,
            note=said.note or draft.note,
            doubtful=False,  # asked once: the answer is what is saved
        )
    if draft.short:
        return await complete(turn, draft)
    return _next_question(turn, _with_sent_file(turn, draft))


async def _step_which(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """WHICH: the task (or all the listed ones) a status already given is about."""
    draft = draft_of(turn)
    page = ListedPage.parse(chosen)
    if page is not None:  # the next page of the same tasks, the status still kept
        items = await _listed(turn, draft)
        if not items:
            turn.clear_state()
            return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
        return _ask_which(turn, items, draft, page.page)
    one = PickOne.parse(chosen)
    if one is not None:
        wanted: tuple[int, ...] = (one.occurrence,)
    elif PickAllListed.parse(chosen) is not None:
        wanted = draft.listed
    else:
        if re.fullmatch(r"[0-9]{1,6}", fold(text).strip(".) ")):
            options = [Option(label, value) for label, value in turn.data.get("options", [])]
            return [turn.say("conv.reply.which_again", options=options, count=len(options))]
        return await short_reply(turn, text)
    return await complete(turn, replace(draft, targets=wanted))


StepHandler = Callable[[Turn, str | None, str], Awaitable[list[OutgoingMessage]]]

STEPS: dict[str, StepHandler] = {
    Step.TASK: _step_task,
    Step.STATUS: _step_status,
    Step.PERCENT: _step_percent,
    Step.NOTE: _step_note,
    Step.FILE: _step_file,
    Step.CONFIRM: _step_confirm,
    Step.CHECK_DONE: _step_check_done,
    Step.WHICH: _step_which,
}
