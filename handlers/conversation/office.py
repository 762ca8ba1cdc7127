"""The deployment's coordinating office (*đầu mối tổng hợp*), as refusals and answers name it.

It is the office of the people who coordinate (the unit of the registry's coordinators): Phòng
Nội vụ in a district, Phòng Văn hóa - Xã hội in a ward since 7/2025. With no coordinator
linked yet, the office the Word report is issued by (``DONDOC_REPORT_OFFICE``) is named; with
neither, answers say "đầu mối tổng hợp" without a name rather than guess one.
"""

from __future__ import annotations

from dondoc.handlers.conversation.turn import Turn
from dondoc.storage.directory import coordinating_units

MAX_NAMED = 2


async def coordinating_office(turn: Turn) -> str:
    """The office's name ("Phòng Văn hóa - Xã hội"), or "" when nothing says it."""
    names = await coordinating_units(turn.session)
    if names:
        return " / ".join(names[:MAX_NAMED])
    return " ".join(turn.ctx.report_heading.office.split())


async def office_words(turn: Turn) -> str:
    """ "đầu mối tổng hợp, theo dõi (Phòng Văn hóa - Xã hội)" — the role in words, with the
    office when it is known."""
    office = await coordinating_office(turn)
    if office:
        return turn.t("conv.office.named", office=office)
    return turn.t("conv.office.unnamed")
