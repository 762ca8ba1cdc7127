"""The way in: every channel hands each incoming message to the ``Inbox``.

The inbox asks the conversation core for the replies and sends them straight back through
the same channel (replies do not go through the outbox, but the channel maps their failures
the same way). A platform may deliver one message twice: the ``processed_update`` table
remembers ids across restarts (with ``dedupe_messages=False`` this is left to the conversation
core, which marks the id in its own transaction). A failure of the core never stops the
adapter: the officer gets an apology and the error is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.locales import _, normalise_language
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.messaging import (
    Channel,
    FailureKind,
    IncomingMessage,
    OutgoingMessage,
    SendOutcome,
)
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.models import Member, ProcessedUpdate

log = logging.getLogger("dondoc.inbox")

Handle = Callable[[IncomingMessage], Awaitable[list[OutgoingMessage]]]


class Inbox:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        handle: Handle,
        language: str = "vi",
        dedupe_messages: bool = True,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.handle = handle
        self.language = language
        self.dedupe_messages = dedupe_messages
        self.in_flight: set[asyncio.Task[None]] = set()
        self.processed = 0
        self._locks: dict[str, asyncio.Lock] = {}

    def language_for(self, hint: str | None) -> str:
        return normalise_language(hint) if hint else self.language

    async def first_time(self, channel: str, update_id: str) -> bool:
        """Remember ``update_id``; False when it was already processed."""
        try:
            async with transaction(self.engine) as session:
                session.add(
                    ProcessedUpdate(
                        channel=channel, update_id=update_id[:128], received_at=self.clock.now()
                    )
                )
        except IntegrityError:
            return False
        return True

    def _chat_lock(self, channel: str, chat_id: str) -> asyncio.Lock:
        key = f"{channel}:{chat_id}"
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > 1000:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def receive(self, channel: Channel, message: IncomingMessage) -> list[SendOutcome]:
        """Process one message and send the replies; the outcomes of the sends. Messages of
        one chat are processed one after the other (webhook deliveries run concurrently, but
        a half-finished conversation must see its previous step)."""
        async with self._chat_lock(message.channel, message.chat_id):
            return await self._receive(channel, message)

    async def _receive(self, channel: Channel, message: IncomingMessage) -> list[SendOutcome]:
        if self.dedupe_messages and message.update_id:
            if not await self.first_time(message.channel, message.update_id):
                log.info("%s update %s already processed: dropped", channel.name, message.update_id)
                return []
        try:
            replies = await self.handle(message)
        except Exception:  # noqa: BLE001 - one message must never stop the channel
            log.exception("%s: the conversation core failed on one message", channel.name)
            language = self.language_for(message.language_hint)
            replies = [OutgoingMessage(_("channels.error", language))]
        self.processed += 1
        return await self.reply(channel, message.chat_id, replies)

    async def reply(
        self, channel: Channel, chat_id: str, replies: list[OutgoingMessage]
    ) -> list[SendOutcome]:
        """Send the replies in order. The person is waiting for the answer: a short
        "retry after" (≤ 30 s) or a network hiccup is retried once on the spot; anything
        else is logged (the reminder outbox records refusals per member)."""
        outcomes = []
        for reply in replies:
            outcome = await channel.send(chat_id, reply)
            wait = self._retry_wait(outcome)
            if wait is not None:
                await asyncio.sleep(wait)
                outcome = await channel.send(chat_id, reply)
            if not outcome.ok:
                log.warning(
                    "%s: reply to chat %s not delivered (%s): %s",
                    channel.name,
                    chat_id,
                    outcome.failure,
                    outcome.error,
                )
            outcomes.append(outcome)
        return outcomes

    @staticmethod
    def _retry_wait(outcome: SendOutcome) -> float | None:
        if outcome.failure is FailureKind.RETRY_AFTER and (outcome.retry_after or 0) <= 30:
            return max(0.0, outcome.retry_after or 1.0)
        if outcome.failure is FailureKind.TRANSIENT:
            return 1.0
        return None

    async def unsupported(
        self, channel: Channel, chat_id: str, update_id: str | None, hint: str | None = None
    ) -> None:
        """A sticker, voice message …: a polite answer saying what dondoc understands."""
        if update_id and not await self.first_time(channel.name, update_id):
            return
        text = _("channels.unsupported", self.language_for(hint))
        await self.reply(channel, chat_id, [OutgoingMessage(text)])

    async def set_reachable(
        self, channel: str, user_id: str, reachable: bool, reason: str = ""
    ) -> bool:
        """The platform told us a person blocked (or unblocked) the bot: record it on the
        member at once, so the coordinator sees "không liên lạc được" before any reminder
        bounces. False when the person is not a member."""
        now = self.clock.now()
        async with transaction(self.engine) as session:
            member = (
                await session.exec(
                    select(Member).where(
                        Member.channel == channel, Member.channel_user_id == user_id
                    )
                )
            ).first()
            if member is None or member.reachable == reachable:
                return member is not None
            member.reachable = reachable
            member.unreachable_reason = None if reachable else reason[:500]
            member.unreachable_at = None if reachable else now
            session.add(member)
            audit.record(
                session,
                now,
                "member.reachable" if reachable else "member.unreachable",
                target=f"{channel}:{member.chat_id}",
                details={"member_id": member.id, "reason": reason[:300]},
            )
        log.info(
            "%s: member %s is %s", channel, member.id, "reachable" if reachable else "unreachable"
        )
        return True

    def spawn(self, work: Awaitable[object]) -> asyncio.Task[None]:
        """Run ``work`` in the background, tracked so that shutdown can wait for it."""

        async def run() -> None:
            try:
                await work
            except Exception:  # noqa: BLE001
                log.exception("incoming message processing failed")

        task = asyncio.get_running_loop().create_task(run())
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return task

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for every message in flight (graceful shutdown)."""
        if self.in_flight:
            await asyncio.wait(set(self.in_flight), timeout=timeout)
