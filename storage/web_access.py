"""Signing in to the web desk without a password (*đăng nhập bằng liên kết*).

* A **sign-in link** is made for one active member (``/web`` in the chat, ``dondoc web-link``):
  a random token, valid ``LINK_LIFETIME`` (10 minutes), used once. Only its SHA-256 is stored,
  so the database never holds a usable link.
* Opening it (``redeem_link``) marks it used and starts a **session**: another random token
  (the browser's cookie; its hash stored) and a CSRF token that every form posts back. A link
  already used, expired, unknown or of a member who left starts nothing.
* A session is valid while it was not ended (signed out on the page, ``/dangxuat`` in the chat,
  the member deactivated) and was used within ``IDLE_LIMIT`` (8 hours); each request extends
  it (``current``). The member, their role and unit are read afresh on every request: a member
  moved or deactivated is fenced at once.

Every sign-in, refusal of a link and sign-out is in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from dondoc.storage import audit
from dondoc.storage.db import Session
from dondoc.storage.errors import UserError
from dondoc.storage.models import Member, Unit, UnitRef, WebSession, WebSignIn
from dondoc.storage.people import end_web_sessions

LINK_LIFETIME = timedelta(minutes=10)
IDLE_LIMIT = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewLink:
    token: str
    member_id: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class DeskUser:
    """Who is signed in, read afresh with every request."""

    session_id: int
    member_id: int
    name: str
    role: str
    unit: UnitRef | None
    language: str
    csrf_token: str


async def create_link(
    session: Session,
    member_id: int,
    *,
    now: datetime,
    via: str,
    actor: str,
    lifetime: timedelta = LINK_LIFETIME,
) -> NewLink:
    """A single-use sign-in link for an active member (``UserError`` otherwise)."""
    member = await session.get(Member, member_id)
    if member is None or not member.active:
        raise UserError("web.link.no_member", value=str(member_id))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = WebSignIn(
        token_hash=token_hash(token),
        member_id=member_id,
        expires_at=now + lifetime,
        created_via=via[:16],
        created_at=now,
    )
    session.add(link)
    audit.record(
        session,
        now,
        "web.link",
        actor=actor,
        member_id=member_id,
        target=f"member:{member_id}",
        details={"via": via},
    )
    await session.flush()
    return NewLink(token, member_id, link.expires_at)


@dataclass(frozen=True, slots=True)
class Started:
    """A session just started: the cookie's token and who it is."""

    token: str
    user: DeskUser


async def redeem_link(session: Session, token: str, *, now: datetime, remote: str) -> Started:
    """Use a sign-in link: a new session, or ``UserError`` (``web.link.*``) with nothing
    started when the link is unknown, used, expired or its member left."""
    link = None
    if 20 <= len(token) <= 100:
        link = (
            await session.exec(select(WebSignIn).where(WebSignIn.token_hash == token_hash(token)))
        ).first()
    if link is None:
        raise UserError("web.link.unknown")
    if link.used_at is not None:
        raise UserError("web.link.used")
    if link.expires_at <= now:
        raise UserError("web.link.expired")
    member = await session.get(Member, link.member_id)
    if member is None or not member.active:
        raise UserError("web.link.no_member", value=str(link.member_id))
    link.used_at = now
    session.add(link)
    cookie = secrets.token_urlsafe(TOKEN_BYTES)
    web = WebSession(
        token_hash=token_hash(cookie),
        member_id=link.member_id,
        signin_id=link.id,
        csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
        created_at=now,
        last_seen_at=now,
    )
    session.add(web)
    await session.flush()
    assert web.id is not None
    audit.record(
        session,
        now,
        "web.signin",
        actor=member.display_name or f"{member.channel}:{member.channel_user_id}",
        member_id=member.id,
        target=f"session:{web.id}",
        details={"remote": remote[:64], "link_id": link.id},
    )
    unit = await session.get(Unit, member.unit_id) if member.unit_id else None
    return Started(cookie, _user(web, member, unit))


def _user(web: WebSession, member: Member, unit: Unit | None) -> DeskUser:
    assert web.id is not None and member.id is not None
    return DeskUser(
        web.id,
        member.id,
        member.display_name or f"{member.channel}:{member.channel_user_id}",
        member.role,
        UnitRef.of(unit) if unit is not None else None,
        member.language,
        web.csrf_token,
    )


async def current(session: Session, token: str, *, now: datetime) -> DeskUser | None:
    """The signed-in member of a cookie's token; None when there is no such session, it
    ended, it was idle longer than ``IDLE_LIMIT`` or its member left."""
    if not token or len(token) > 100:
        return None
    row = (
        await session.exec(
            select(WebSession, Member, Unit)
            .join(Member, col(Member.id) == WebSession.member_id)
            .outerjoin(Unit, col(Unit.id) == Member.unit_id)
            .where(WebSession.token_hash == token_hash(token))
        )
    ).first()
    if row is None:
        return None
    web, member, unit = row
    if web.ended_at is not None or not member.active:
        return None
    if web.last_seen_at + IDLE_LIMIT <= now:
        web.ended_at, web.ended_reason = now, "idle"
        session.add(web)
        return None
    if now - web.last_seen_at >= TOUCH_EVERY:
        web.last_seen_at = now
        session.add(web)
    return _user(web, member, unit)


async def sign_out(session: Session, user: DeskUser, *, now: datetime) -> None:
    """End the session of this browser (the "Đăng xuất" button)."""
    await session.exec(
        update(WebSession)  # type: ignore[call-overload]
        .where(col(WebSession.id) == user.session_id)
        .values(ended_at=now, ended_reason="signout")
    )
    audit.record(
        session,
        now,
        "web.signout",
        actor=user.name,
        member_id=user.member_id,
        target=f"session:{user.session_id}",
    )


async def sign_out_everywhere(
    session: Session, member_id: int, *, now: datetime, actor: str
) -> int:
    """End every web session of a member and the links not used yet (``/dangxuat`` in the
    chat); how many sessions were open."""
    ended = await end_web_sessions(session, member_id, now, "chat")
    await session.exec(
        update(WebSignIn)  # type: ignore[call-overload]
        .where(col(WebSignIn.member_id) == member_id, col(WebSignIn.used_at).is_(None))
        .values(expires_at=now)
    )
    audit.record(
        session,
        now,
        "web.signout_all",
        actor=actor,
        member_id=member_id,
        target=f"member:{member_id}",
        details={"sessions": ended},
    )
    return ended


async def refused_link(session: Session, reason: str, *, now: datetime, remote: str) -> None:
    """Record a refused sign-in (unknown, used, expired link) in the audit log."""
    audit.record(
        session,
        now,
        "web.signin_refused",
        actor="web",
        details={"reason": reason, "remote": remote[:64]},
    )
