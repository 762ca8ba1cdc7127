"""The web desk from the chat (*bàn làm việc trên web*): ``/web`` gives a single-use sign-in
link (valid 10 minutes) to the member who asks; ``/dangxuat`` (``/signout``) ends every web
session of that member, wherever it was opened, and the links not used yet.

A link is useful only at an address the phone can open: the deployment's public address
(``DONDOC_WEB_PUBLIC_URL``, else the webhooks' public URL). Without one, the member is told how
the administrator sets it (on the console, the local address is fine: it is the same machine).
"""

from __future__ import annotations

from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.web_access import LINK_LIFETIME, create_link, sign_out_everywhere

SIGN_IN_PATH = "/dangnhap/"


def desk_address(turn: Turn) -> str | None:
    """Where this member's phone or browser reaches the desk (None: nowhere known)."""
    if turn.ctx.web_public_url:
        return turn.ctx.web_public_url.rstrip("/")
    if turn.msg.channel == "console" and turn.ctx.web_local_url:
        return turn.ctx.web_local_url.rstrip("/")
    return None


async def web_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/web``: a sign-in link for the member writing."""
    assert turn.member is not None
    base = desk_address(turn)
    if base is None:
        return [turn.say("web.chat.no_public_url", member=turn.member.id)]
    link = await create_link(
        turn.session, turn.member.id, now=turn.now, via="chat", actor=turn.actor
    )
    expires = turn.ctx.calendar.local(link.expires_at)
    return [
        turn.say(
            "web.chat.link",
            url=f"{base}{SIGN_IN_PATH}{link.token}",
            minutes=int(LINK_LIFETIME.total_seconds() // 60),
            expires=f"{expires:%H:%M}",
        )
    ]


async def sign_out_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/dangxuat``: end every web session of the member writing."""
    assert turn.member is not None
    ended = await sign_out_everywhere(turn.session, turn.member.id, now=turn.now, actor=turn.actor)
    if not ended:
        return [turn.say("web.chat.no_session")]
    return [turn.say("web.chat.signed_out", count=ended)]
