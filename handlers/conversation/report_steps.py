"""The steps of the report conversation (*các bước báo cáo*): what each state of
``conversation.report_draft.Step`` does with the next message — a pressed option, its number
or its words, or a whole reply typed instead. The questions they ask and the entry points are
``conversation.report_flow``; the map of the paths through them is its docstring.

* PERCENT reads every number as a percent ("1" is 1 %; "Bỏ qua" has no number); in a short
  reply, the number alone decides the status when none was said (100 done, 0 not started).
* CHECK_DONE saves only the answer: "Đúng, đã xong" (or "đúng rồi", "ok") is done, "Chưa, còn
  đang làm" (or "chưa") in progress, a whole reply ("mới được 80% thôi") what it says; anything
  else is asked again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

from dondoc.handlers.conversation.items import STATUS_ORDER, owned_item, task_name
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
from dondoc.handlers.conversation.report_flow import (
    ask_done,
    ask_status,
    ask_task,
    ask_which,
    complete,
    confirm_options,
    listed_items,
    next_question,
    nothing_open,
    sent_evidence,
    short_reply,
    skip_option,
    with_sent_file,
)
from dondoc.handlers.conversation.report_saving import details, save
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import UNCLEAR, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.models import ReportStatus
from dondoc.storage.text import fold


async def _step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """TASK: the chosen task's status is asked next. A status typed instead of a number —
    "xong", "đang làm 70%" — is kept, and the same tasks are asked for it (WHICH)."""
    draft = draft_of(turn)
    picked = PickTask.parse(chosen)
    if picked is not None:
        item = await owned_item(turn, picked.occurrence)
        return ask_status(turn, item, evidence=draft.evidence, replaces=draft.replaces)
    items = await listed_items(turn, draft)
    if not items:
        turn.clear_state()
        return [nothing_open(turn)]
    if chosen is None:
        parsed = parse_reply(text)
        if parsed.is_report and parsed.out_of_range is None:
            said = Draft.of_reply(parsed, sent_evidence(turn) or draft.evidence)
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
        return next_question(turn, with_sent_file(turn, draft))
    parsed = parse_reply(text)
    if not parsed.is_report:
        return ask_status(
            turn, item, "conv.report.ask_status_again", draft.evidence, draft.replaces
        )
    draft = replace(with_sent_file(turn, draft), status=ReportStatus(parsed.status))
    if parsed.note:
        draft = draft.answer(note=parsed.note)
    if parsed.out_of_range is not None:
        go(turn, Step.PERCENT, draft)
        text_out = turn.t("conv.reply.out_of_range", number=parsed.out_of_range)
        return [OutgoingMessage(text_out, (skip_option(turn),), numbered=False)]
    if parsed.percent is not None:
        draft = draft.answer(percent=parsed.percent)
    if parsed.confirm and draft.status is ReportStatus.DONE:
        return ask_done(turn, [item], replace(draft, targets=(item.id,), doubtful=True))
    return next_question(turn, draft)


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram)?\s*$")


async def _step_percent(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    skip = [skip_option(turn)] if draft.status is not None else []
    if Skip.parse(chosen) is not None and draft.status is not None:
        return await _after_percent(turn, with_sent_file(turn, draft.answer(percent=None)))
    match = _PERCENT_TEXT.match(fold(text))
    if match is None:
        parsed = parse_reply(text)
        if draft.short and parsed.is_report and parsed.out_of_range is None:
            # "xong rồi", "đang làm 70%": the answer is a whole short reply, taken as said.
            said = Draft.of_reply(parsed, sent_evidence(turn) or draft.evidence)
            keep = {"targets": draft.targets, "pending": True, "replaces": draft.replaces}
            return await complete(turn, replace(said, **keep))
        value = parsed.percent
        if not draft.short and _is_note_instead(text, parsed.status, draft):
            # Words, no number ("chưa có số liệu của phường"): the member skipped the
            # percent and wrote the note; take it as that rather than ask for a number again.
            note = " ".join(text.split())
            return next_question(turn, with_sent_file(turn, draft.answer(percent=None, note=note)))
    else:
        value = int(match.group(1))
    if value is None or not 0 <= value <= 100:
        key = "conv.report.bad_percent" if skip else "conv.reply.bad_percent"
        return [OutgoingMessage(turn.t(key), tuple(skip), numbered=False)]
    return await _after_percent(turn, with_sent_file(turn, draft.answer(percent=value)))


async def _after_percent(turn: Turn, draft: Draft) -> list[OutgoingMessage]:
    if not draft.short:
        return next_question(turn, draft)
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
        return next_question(turn, with_sent_file(turn, draft.answer(note="")))
    if not note:
        return [turn.say("conv.report.ask_note_again", options=[skip_option(turn)])]
    return next_question(turn, with_sent_file(turn, draft.answer(note=note)))


async def _step_file(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    if Skip.parse(chosen) is not None:
        return next_question(turn, draft.answer(evidence=None))
    if turn.msg.attachment is None:
        return [turn.say("conv.report.ask_file_again", options=[skip_option(turn)])]
    return next_question(turn, with_sent_file(turn, draft))


async def _step_confirm(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = draft_of(turn)
    assert draft.occurrence is not None
    if Edit.parse(chosen) is not None:
        item = await owned_item(turn, draft.occurrence)
        return ask_status(turn, item, replaces=draft.replaces)
    if Confirm.parse(chosen) is None:
        go(turn, Step.CONFIRM, draft)
        text_out = turn.t("conv.report.confirm_again", details=details(turn, draft))
        return [OutgoingMessage(text_out, confirm_options(turn))]
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
        said = Draft.of_reply(parsed, sent_evidence(turn) or draft.evidence)
        draft = replace(
            draft,
            status=said.status,
            percent=said.percent,
            note=said.note or draft.note,
            doubtful=False,  # asked once: the answer is what is saved
        )
    if draft.short:
        return await complete(turn, draft)
    return next_question(turn, with_sent_file(turn, draft))


async def _step_which(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """WHICH: the task (or all the listed ones) a status already given is about."""
    draft = draft_of(turn)
    page = ListedPage.parse(chosen)
    if page is not None:  # the next page of the same tasks, the status still kept
        items = await listed_items(turn, draft)
        if not items:
            turn.clear_state()
            return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
        return ask_which(turn, items, draft, page.page)
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
