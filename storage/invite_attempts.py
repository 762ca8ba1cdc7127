"""Slowing down guesses of invite codes (*chống dò mã mời*).

A code is 8 characters of a 31-letter alphabet, so a guess almost never hits; what must not
happen is thousands of guesses answered as fast as they come. Every wrong code (unknown, used,
expired) is written to the audit log as ``invite.failed`` with the chat (``channel:user``) as
target, and the audit log is what is counted:

* **per chat**: the first ``free_per_chat`` wrong codes of a day cost nothing; after that the
  chat waits ``chat_first_wait`` after its last wrong code, twice as long each further time
  (1, 2, 4 … minutes, at most ``chat_max_wait``);
* **overall**: beyond ``free_overall`` wrong codes in an hour from all chats together (many
  accounts guessing once each), every chat waits ``overall_first_wait`` after the last one,
  twice as long for each further ``overall_step`` (at most ``overall_max_wait``).

A code sent while waiting is not even looked at (``invite.throttled`` in the audit log), so
waiting is the only way on. ``guessing_since`` sums it up for the coordinator's digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage import audit
from dondoc.storage.models import AuditLog

FAILED = "invite.failed"
THROTTLED = "invite.throttled"
BURST = 10  # wrong codes since the last digest that the coordinator hears about


@dataclass(frozen=True)
class GuessLimits:
    free_per_chat: int = 3
    chat_window: timedelta = timedelta(days=1)
    chat_first_wait: timedelta = timedelta(minutes=1)
    chat_max_wait: timedelta = timedelta(days=1)
    free_overall: int = 20
    overall_window: timedelta = timedelta(hours=1)
    overall_step: int = 10
    overall_first_wait: timedelta = timedelta(seconds=30)
    overall_max_wait: timedelta = timedelta(minutes=15)

    def chat_wait(self, failures: int) -> timedelta:
        if failures <= self.free_per_chat:
            return timedelta(0)
        doubled = self.chat_first_wait * 2 ** min(failures - self.free_per_chat - 1, 30)
        return min(doubled, self.chat_max_wait)

    def overall_wait(self, failures: int) -> timedelta:
        if failures <= self.free_overall:
            return timedelta(0)
        steps = (failures - self.free_overall - 1) // self.overall_step
        return min(self.overall_first_wait * 2 ** min(steps, 30), self.overall_max_wait)


LIMITS = GuessLimits()


@dataclass(frozen=True)
class Gate:
    """Whether a chat may try a code now. ``until`` is None when it may; ``reason`` says whose
    wrong codes made it wait: ``chat`` (its own) or ``overall`` (everyone's)."""

    until: datetime | None
    reason: str
    chat_failures: int
    overall_failures: int

    def wait(self, now: datetime) -> timedelta:
        return max(self.until - now, timedelta(0)) if self.until else timedelta(0)


def chat_key(channel: str, user_id: str) -> str:
    """How a chat is named in the audit log's ``target``."""
    return f"{channel}:{user_id}"[:255]


async def _failures(
    session: AsyncSession, since: datetime, who: str | None
) -> tuple[int, datetime | None]:
    query = select(func.count(), func.max(AuditLog.at)).where(
        AuditLog.action == FAILED, col(AuditLog.at) > since
    )
    if who is not None:
        query = query.where(AuditLog.target == who)
    count, last = (await session.exec(query)).one()
    return int(count), last


async def gate(
    session: AsyncSession, who: str, now: datetime, limits: GuessLimits = LIMITS
) -> Gate:
    """May chat ``who`` try a code at ``now``?"""
    mine, my_last = await _failures(session, now - limits.chat_window, who)
    everyone, last = await _failures(session, now - limits.overall_window, None)
    chat_until = my_last + limits.chat_wait(mine) if my_last else None
    overall_until = last + limits.overall_wait(everyone) if last else None
    candidates = [(t, r) for t, r in ((chat_until, "chat"), (overall_until, "overall")) if t]
    until, reason = max(candidates, default=(None, "chat"))
    if until is not None and until <= now:
        until = None
    return Gate(until, reason, mine, everyone)


async def record_failure(
    session: AsyncSession,
    who: str,
    reason: str,
    now: datetime,
    *,
    actor: str,
    member_id: int | None = None,
    limits: GuessLimits = LIMITS,
) -> Gate:
    """Audit a wrong code from chat ``who``; the gate it leaves (when the next try may come)."""
    await audit.write(
        session,
        now,
        FAILED,
        actor=actor,
        member_id=member_id,
        target=who,
        details={"reason": reason},
    )
    return await gate(session, who, now, limits)


async def record_throttled(
    session: AsyncSession,
    who: str,
    waiting: Gate,
    now: datetime,
    *,
    actor: str,
    member_id: int | None = None,
) -> None:
    """Audit a code sent while the chat had to wait (it was not looked at)."""
    await audit.write(
        session,
        now,
        THROTTLED,
        actor=actor,
        member_id=member_id,
        target=who,
        details={"reason": waiting.reason, "wait_seconds": int(waiting.wait(now).total_seconds())},
    )


@dataclass(frozen=True)
class Guessing:
    """Wrong invite codes since a moment: how many, from how many chats, how many sent while
    waiting. ``burst`` when the coordinator should hear of it."""

    failed: int
    chats: int
    throttled: int

    @property
    def burst(self) -> bool:
        return self.failed >= BURST or self.throttled > 0


async def guessing_since(session: AsyncSession, since: datetime) -> Guessing:
    failed, chats = (
        await session.exec(
            select(func.count(), func.count(func.distinct(AuditLog.target))).where(
                AuditLog.action == FAILED, col(AuditLog.at) > since
            )
        )
    ).one()
    throttled = (
        await session.exec(
            select(func.count()).where(AuditLog.action == THROTTLED, col(AuditLog.at) > since)
        )
    ).one()
    return Guessing(int(failed), int(chats), int(throttled))
