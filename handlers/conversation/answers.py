"""Answers to what is not a report (*trả lời câu hỏi, lời chào*): a question gets what the bot can
tell — the task(s) waiting for the unit's report, their due dates, the coordinating office, how
to report — and courtesy ("em cảm ơn chị", a thumbs-up after the confirmation) gets a short
acknowledgement. Neither ever records a status nor opens a step of the report.

Whether a text is a question, thanks or a report is ``handlers.replies.parse_reply``'s
decision; this module only answers.
"""

from __future__ import annotations

import re
from datetime import timedelta

from dondoc.handlers.conversation.items import due_words, pending_items, task_name, task_ref
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.office import office_words
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.corrections import last_sent
from dondoc.storage.text import fold

SHOWN = 3  # tasks named in an answer; the others are counted (/viec lists them all)
JUST_REPORTED = timedelta(hours=1)  # "cảm ơn" this soon after a report thanks for the receipt
_COURTESY = re.compile(
    r"\b(?:cam on|thanks|thank you|thank|tks|thx|chuc|chao|xin chao|hello|hi|vui ve|"
    r"good (?:morning|afternoon|day)|have a nice)\b"
)


async def question(turn: Turn) -> list[OutgoingMessage]:
    """A question ("cái này nộp cho ai ạ?", "hạn khi nào vậy chị?"): the tasks waiting for the
    unit's report with their due dates, who coordinates, and how to report."""
    assert turn.unit is not None
    items = await pending_items(turn)
    lines = [turn.t("conv.answer.title")]
    if items:
        lines.append(turn.t("conv.answer.tasks", unit=turn.unit.name, count=len(items)))
        for item in items[:SHOWN]:
            lines.append(
                turn.t(
                    "conv.answer.task",
                    title=task_name(item, 90),
                    plan=task_ref(item),
                    role=turn.t(f"conv.assignment.{item.role}"),
                    due=due_words(turn, item),
                )
            )
        if len(items) > SHOWN:
            lines.append(turn.t("conv.answer.more", count=len(items) - SHOWN))
    else:
        lines.append(turn.t("conv.answer.no_tasks", unit=turn.unit.name))
    lines.append(turn.t("conv.answer.office", office=await office_words(turn)))
    lines.append(turn.t("conv.answer.how"))
    return [OutgoingMessage("\n".join(lines), tuple(help_options(turn)))]


async def only_courtesy(turn: Turn, text: str) -> bool:
    """Whether an acknowledgement is courtesy only: thanks, wishes, greetings — or anything
    right after the member's own report (the thumbs-up to a confirmation). A receipt of a
    reminder ("đã nhận", "ok") is not: the status is asked then."""
    if _COURTESY.search(fold(text)):
        return True
    assert turn.unit is not None and turn.member is not None
    recent = await last_sent(
        turn.session,
        member_id=turn.member.id,
        unit_id=turn.unit.id,
        since=turn.now - JUST_REPORTED,
    )
    return bool(recent)


async def small_talk(turn: Turn) -> OutgoingMessage:
    """The acknowledgement of courtesy: short, with what can be done next."""
    return turn.say("conv.reply.courtesy", options=help_options(turn))
