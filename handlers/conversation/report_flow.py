"""The report conversation (*báo cáo tiến độ*): ``/baocao`` step by step, and the short reply after
a reminder ("xong", "đang làm 70%", "vướng: chưa có số liệu") — one flow, one module.

Its states (``Step``) are declared once; what it has gathered so far travels as a typed
``Draft`` in the chat's stored state; the options it offers carry typed payloads
(``conversation.payloads``). The paths through it::

    /baocao ──► TASK ──► STATUS ──► PERCENT ──► NOTE ──► FILE ──► CONFIRM ──► saved
    short reply ──► saved (one pending task) | WHICH ──► saved (the chosen or all listed)
    "ok" after a reminder ──► TASK | STATUS         a file alone ──► TASK | STATUS

* PERCENT only for "đang thực hiện" / "vướng mắc"; FILE not for "chưa thực hiện"; a step whose
  answer was already given ("đang làm 70%" typed at STATUS) is skipped; words with no number
  at PERCENT are the note.
* A status typed at TASK ("xong" instead of a number) is kept, and only the task is asked
  (WHICH), among the page of tasks the member was looking at.
* What the words of a reply mean is ``handlers.replies.parse_reply``'s decision; this module
  only acts on it. Every report is a new row (``storage.reports``), confirmed by repeating
  exactly what was recorded, with a way to correct it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

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
)
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.payloads import Payload
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import UNCLEAR, ParsedReply, parse_reply
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.models import ReportStatus
from dondoc.storage.text import fold
from dondoc.storage.unit_work import (
    MAX_NOTE,
    MAX_REF,
    Evidence,
    NewReport,
    SavedReport,
    UnitItem,
    save_report,
)


class Step(StrEnum):
    """The states of the report flow, as stored in the chat's state."""

    TASK = "report.task"  # which task (``/baocao``, "ok", a file alone)
    STATUS = "report.status"
    PERCENT = "report.percent"
    NOTE = "report.note"
    FILE = "report.file"
    CONFIRM = "report.confirm"
    WHICH = "reply.which"  # which task a status already given is about


# ---- what the options carry -------------------------------------------------------------------


@dataclass(frozen=True)
class PickTask(Payload, prefix="t"):
    occurrence: int


@dataclass(frozen=True)
class PickStatus(Payload, prefix="s"):
    status: str


@dataclass(frozen=True)
class PickOne(Payload, prefix="c"):
    """The task a status already given is about."""

    occurrence: int


@dataclass(frozen=True)
class PickAllListed(Payload, prefix="call"):
    """Every task of the page listed: the same status for all of them."""


@dataclass(frozen=True)
class ListedPage(Payload, prefix="cp"):
    """The next page of the tasks a status already given may be about."""

    page: int


@dataclass(frozen=True)
class Skip(Payload, prefix="skip"):
    pass


@dataclass(frozen=True)
class Confirm(Payload, prefix="ok"):
    pass


@dataclass(frozen=True)
class Edit(Payload, prefix="edit"):
    pass


# ---- what the flow has gathered ---------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A report being put together. ``answered`` names the optional steps (``percent``,
    ``note``, ``file``) already answered — an answer may be "nothing" (skipped)."""

    occurrence: int | None = None
    title: str = ""
    status: ReportStatus | None = None
    percent: int | None = None
    note: str = ""
    evidence: Evidence | None = None
    answered: frozenset[str] = field(default_factory=frozenset)
    page: int = 1  # TASK, WHICH: the page of the list in view
    pending: bool = False  # the list is the pending tasks, not all the unit's open ones
    listed: tuple[int, ...] = ()  # WHICH: the occurrences of the page in view

    def answer(self, **values: Any) -> Draft:
        """This draft with ``values`` given (percent, note, evidence …), marked answered."""
        steps = {"file" if k == "evidence" else k for k in values} & {"percent", "note", "file"}
        return replace(self, answered=self.answered | steps, **values)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.occurrence is not None:
            data["occ"] = self.occurrence
        if self.title:
            data["title"] = self.title
        if self.status is not None:
            data["status"] = self.status
        if "percent" in self.answered:
            data["percent"] = self.percent
        if "note" in self.answered:
            data["note"] = self.note
        if self.evidence is not None:
            data["file"] = {
                "kind": self.evidence.kind,
                "ref": self.evidence.ref,
                "name": self.evidence.name,
            }
        elif "file" in self.answered:
            data["file"] = None
        if self.page != 1:
            data["page"] = self.page
        if self.pending:
            data["pending"] = True
        if self.listed:
            data["occs"] = list(self.listed)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        file = data.get("file")
        return cls(
            occurrence=int(data["occ"]) if data.get("occ") is not None else None,
            title=str(data.get("title", "")),
            status=ReportStatus(data["status"]) if data.get("status") else None,
            percent=int(data["percent"]) if data.get("percent") is not None else None,
            note=str(data.get("note") or ""),
            evidence=Evidence(str(file["kind"]), str(file["ref"]), str(file.get("name") or ""))
            if file
            else None,
            answered=frozenset(k for k in ("percent", "note", "file") if k in data),
            page=int(data.get("page", 1)),
            pending=bool(data.get("pending")),
            listed=tuple(int(o) for o in data.get("occs", [])),
        )

    @classmethod
    def of_reply(cls, parsed: ParsedReply, evidence: Evidence | None) -> Draft:
        status = ReportStatus(parsed.status)
        return cls(status=status, percent=parsed.percent, note=parsed.note, evidence=evidence)


def _draft(turn: Turn) -> Draft:
    return Draft.from_data(turn.data)


def _go(turn: Turn, step: Step, draft: Draft) -> None:
    turn.set_state(step, draft.to_data())


def _sent_evidence(turn: Turn) -> Evidence | None:
    """The file or photo this message carries, as the report's evidence."""
    attachment = turn.msg.attachment
    if attachment is None:
        return None
    return Evidence(attachment.kind, attachment.ref[:MAX_REF], (attachment.name or "")[:200])


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
    if not parsed.is_report:
        if not parsed.acknowledgement:
            return [turn.say("conv.reply.unclear", options=help_options(turn))]
        items = await pending_items(turn)
        if not items:
            return [turn.say("conv.reply.ack_nothing", options=help_options(turn))]
        if len(items) == 1:
            return ask_status(turn, items[0], "conv.reply.ack_ask_status")
        return ask_task(turn, items, Draft(pending=True), "conv.reply.ack_ask_task")
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    draft = Draft.of_reply(parsed, _sent_evidence(turn))
    if len(items) == 1:
        return await _save(turn, items[:1], draft)
    return _ask_which(turn, items, replace(draft, pending=True))


async def file_alone(turn: Turn) -> list[OutgoingMessage]:
    """A file with no words: ask what it reports on (status first), keeping the file."""
    items = await pending_items(turn)
    if not items:
        return [turn.say("conv.reply.nothing_pending", options=help_options(turn))]
    draft = Draft(evidence=_sent_evidence(turn), pending=True)
    if len(items) == 1:
        return ask_status(turn, items[0], "conv.reply.file_ask_status", draft.evidence)
    return ask_task(turn, items, draft, "conv.reply.file_ask_task")


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
    """List ``items`` to choose from (TASK), at the draft's page; the draft keeps a file sent
    and whether the list is the pending tasks."""
    shown = page_of(turn, items, draft.page)
    options = [item_option(turn, item, PickTask(item.id).pack()) for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", f"/baocao p{shown.number + 1}"))
    _go(turn, Step.TASK, replace(draft, page=shown.number))
    text = turn.t(key, count=len(items), page=shown.number, pages=shown.count)
    return [OutgoingMessage(text, tuple(options))]


def ask_status(
    turn: Turn,
    item: UnitItem,
    key: str = "conv.report.ask_status",
    evidence: Evidence | None = None,
) -> list[OutgoingMessage]:
    _go(turn, Step.STATUS, Draft(occurrence=item.id, evidence=evidence))
    text = turn.t(
        key,
        title=task_name(item, 200),
        due=due_words(turn, item),
        current=status_words(turn, item.status, item.percent),
    )
    options = [turn.option(f"conv.status.{s}", PickStatus(s).pack()) for s in STATUS_ORDER]
    return [OutgoingMessage(text, tuple(options))]


def _ask_which(
    turn: Turn, items: list[UnitItem], draft: Draft, page: int = 1
) -> list[OutgoingMessage]:
    """Several tasks could be meant: keep what was said and ask which one (WHICH) among the
    ``page`` of them in view, with "next page" and "all of these" options."""
    shown = page_of(turn, items, page)
    options = [item_option(turn, item, PickOne(item.id).pack()) for item in shown.items]
    if shown.has_next:
        options.append(turn.option("conv.opt.next_page", ListedPage(shown.number + 1).pack()))
    options.append(turn.option("conv.opt.all_listed", PickAllListed().pack()))
    kept = replace(draft, listed=tuple(i.id for i in shown.items), page=1)
    _go(turn, Step.WHICH, kept.answer(percent=draft.percent, note=draft.note))
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
        _go(turn, Step.PERCENT, draft)
        return [turn.say("conv.report.ask_percent", options=[_skip(turn)])]
    if "note" not in draft.answered:
        _go(turn, Step.NOTE, draft)
        blocked = status is ReportStatus.BLOCKED
        key = "conv.report.ask_note_blocked" if blocked else "conv.report.ask_note"
        return [turn.say(key, options=[_skip(turn)])]
    if status is not ReportStatus.NOT_STARTED and "file" not in draft.answered:
        _go(turn, Step.FILE, draft)
        return [turn.say("conv.report.ask_file", options=[_skip(turn)])]
    _go(turn, Step.CONFIRM, draft)
    return [
        OutgoingMessage(
            turn.t("conv.report.confirm", details=_details(turn, draft)), _confirm_options(turn)
        )
    ]


def _details(turn: Turn, draft: Draft) -> str:
    lines = [
        turn.t("conv.report.line_task", title=draft.title),
        turn.t("conv.report.line_status", status=turn.t(f"conv.status.{draft.status}")),
    ]
    if draft.percent is not None:
        lines.append(turn.t("conv.report.line_percent", percent=draft.percent))
    if draft.note:
        lines.append(turn.t("conv.report.line_note", note=draft.note))
    if draft.evidence is not None:
        name = draft.evidence.name or draft.evidence.ref
        lines.append(turn.t("conv.report.line_file", name=name))
    return "\n".join(lines)


# ---- steps ------------------------------------------------------------------------------------


async def _listed(turn: Turn, draft: Draft) -> list[UnitItem]:
    """The tasks the TASK or WHICH list was made of, read again."""
    return await (pending_items(turn) if draft.pending else open_items(turn))


async def _step_task(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """TASK: the chosen task's status is asked next. A status typed instead of a number —
    "xong", "đang làm 70%" — is kept, and the same tasks are asked for it (WHICH)."""
    draft = _draft(turn)
    picked = PickTask.parse(chosen)
    if picked is not None:
        return ask_status(turn, await owned_item(turn, picked.occurrence), evidence=draft.evidence)
    items = await _listed(turn, draft)
    if not items:
        turn.clear_state()
        return [_nothing_open(turn)]
    if chosen is None:
        parsed = parse_reply(text)
        if parsed.is_report:
            said = Draft.of_reply(parsed, _sent_evidence(turn) or draft.evidence)
            if len(items) == 1:
                return await _save(turn, items[:1], said)
            # The page of the list the member was looking at, as they saw it.
            return _ask_which(turn, items, replace(said, pending=draft.pending), draft.page)
    return ask_task(turn, items, draft, "conv.report.choose_task_again")


async def _step_status(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = _draft(turn)
    assert draft.occurrence is not None
    item = await owned_item(turn, draft.occurrence)
    draft = Draft(occurrence=item.id, title=task_name(item, 200), evidence=draft.evidence)
    draft = draft.answer(evidence=draft.evidence) if draft.evidence else draft
    picked = PickStatus.parse(chosen)
    if picked is not None and picked.status in STATUS_ORDER:
        draft = replace(draft, status=ReportStatus(picked.status))
    else:
        parsed = parse_reply(text)
        if not parsed.is_report:
            return ask_status(turn, item, "conv.report.ask_status_again", draft.evidence)
        draft = replace(draft, status=ReportStatus(parsed.status))
        if parsed.percent is not None:
            draft = draft.answer(percent=parsed.percent)
        if parsed.note:
            draft = draft.answer(note=parsed.note)
    return _next_question(turn, _with_sent_file(turn, draft))


_PERCENT_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram)?\s*$")


async def _step_percent(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = _draft(turn)
    if Skip.parse(chosen) is not None:
        return _next_question(turn, _with_sent_file(turn, draft.answer(percent=None)))
    match = _PERCENT_TEXT.match(fold(text))
    if match is None:
        parsed = parse_reply(text)
        value = parsed.percent
        if _is_note_instead(text, parsed.status, draft):
            # Words, no number ("chưa có số liệu của phường"): the member skipped the
            # percent and wrote the note; take it as that rather than ask for a number again.
            note = " ".join(text.split())[:MAX_NOTE]
            return _next_question(
                turn, _with_sent_file(turn, draft.answer(percent=None, note=note))
            )
    else:
        value = int(match.group(1))
    if value is None or not 0 <= value <= 100:
        return [turn.say("conv.report.bad_percent", options=[_skip(turn)])]
    return _next_question(turn, _with_sent_file(turn, draft.answer(percent=value)))


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
    draft = _draft(turn)
    note = " ".join(text.split())
    if Skip.parse(chosen) is not None or (not note and turn.msg.attachment is not None):
        return _next_question(turn, _with_sent_file(turn, draft.answer(note="")))
    if not note:
        return [turn.say("conv.report.ask_note_again", options=[_skip(turn)])]
    return _next_question(turn, _with_sent_file(turn, draft.answer(note=note[:MAX_NOTE])))


async def _step_file(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = _draft(turn)
    if Skip.parse(chosen) is not None:
        return _next_question(turn, draft.answer(evidence=None))
    if turn.msg.attachment is None:
        return [turn.say("conv.report.ask_file_again", options=[_skip(turn)])]
    return _next_question(turn, _with_sent_file(turn, draft))


async def _step_confirm(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    draft = _draft(turn)
    assert draft.occurrence is not None
    if Edit.parse(chosen) is not None:
        return ask_status(turn, await owned_item(turn, draft.occurrence))
    if Confirm.parse(chosen) is None:
        _go(turn, Step.CONFIRM, draft)
        text_out = turn.t("conv.report.confirm_again", details=_details(turn, draft))
        return [OutgoingMessage(text_out, _confirm_options(turn))]
    item = await owned_item(turn, draft.occurrence)
    return await _save(turn, [item], draft, source="command")


async def _step_which(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """WHICH: the task (or all the listed ones) a status already given is about."""
    draft = _draft(turn)
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
    items = [await owned_item(turn, occurrence) for occurrence in wanted]
    return await _save(turn, items, draft)


# ---- saving -----------------------------------------------------------------------------------


async def _save(
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
        )
        saved.append((item, written))
    turn.clear_state()
    return [_recorded(turn, saved, draft.evidence.name if draft.evidence else None)]


def _recorded(
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


StepHandler = Callable[[Turn, str | None, str], Awaitable[list[OutgoingMessage]]]

STEPS: dict[str, StepHandler] = {
    Step.TASK: _step_task,
    Step.STATUS: _step_status,
    Step.PERCENT: _step_percent,
    Step.NOTE: _step_note,
    Step.FILE: _step_file,
    Step.CONFIRM: _step_confirm,
    Step.WHICH: _step_which,
}
