"""``/ngonngu`` (``/lang``): the language a member reads dondoc in (Tiếng Việt / English)."""

from __future__ import annotations

from dataclasses import replace

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.turn import Turn
from dondoc.locales import LANGUAGES
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.storage.chats import set_language
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
    await set_language(turn.session, turn.member.id, chosen, turn.now, turn.actor)
    turn.member = replace(turn.member, language=chosen)
    turn.language = chosen
    return [turn.say("conv.lang.set", options=help_options(turn))]
