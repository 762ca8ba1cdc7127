"""``/ngonngu`` (``/lang``): the language a member reads dondoc in (Tiếng Việt / English)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update
from sqlmodel import col

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.turn import Turn
from dondoc.locales import LANGUAGES
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage import audit
from dondoc.storage.models import Member
from dondoc.storage.text import fold

_NAMES = {
    "vi": ("vi", "tieng viet", "viet", "vn", "vietnamese"),
    "en": ("en", "english", "tieng anh", "anh", "eng"),
}


async def language_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    assert turn.member is not None
    wanted = fold(args)
    if not wanted:
        options = [Option("Tiếng Việt", "/ngonngu vi"), Option("English", "/ngonngu en")]
        return [turn.say("conv.lang.choose", options=options)]
    chosen = next((code for code, names in _NAMES.items() if wanted in names), None)
    if chosen is None or chosen not in LANGUAGES:
        options = [Option("Tiếng Việt", "/ngonngu vi"), Option("English", "/ngonngu en")]
        return [turn.say("conv.lang.unknown", options=options, value=args[:40])]
    await turn.session.exec(
        update(Member).where(col(Member.id) == turn.member.id).values(language=chosen)
    )
    turn.member = replace(turn.member, language=chosen)
    turn.language = chosen
    audit.record(
        turn.session,
        turn.now,
        "member.language",
        actor=turn.actor,
        member_id=turn.member.id,
        details={"language": chosen},
    )
    return [turn.say("conv.lang.set", options=help_options(turn))]
