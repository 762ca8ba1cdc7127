"""The way in (*cửa vào*): every channel hands each platform event (``ChannelEvent``) to the
``Inbox``, whatever the messenger.

* A message goes to the conversation core, and its answers go straight back through the same
  channel (answers do not go through the outbox, but the channel maps their failures the same
  way). The messages of one chat are handled and answered one after the other (the core's
  ``isolation`` strategy); the core drops an update already handled, in its own transaction.
* A block or unblock is recorded on the member at once (``storage.chats.set_reachable``).
* A failure of the core never stops the adapter: the person gets an apology and the error is
  logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from dondoc.handlers.conversation.core import Isolation, OneWriter
from dondoc.locales import _, normalise_language
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.messaging import (
    Channel,
    ChannelEvent,
    EventKind,
    FailureKind,
    IncomingMessage,
    OutgoingMessage,
    SendOutcome,
)
from dondoc.storage.chats import set_reachable
from dondoc.storage.db import Engine

log = logging.getLogger("dondoc.inbox")

Handle = Callable[[IncomingMessage], Awaitable[list[OutgoingMessage]]]


class Inbox:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        handle: Handle,
        language: str = "vi",
        isolation: Isolation | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.handle = handle
        self.language = language
        # The conversation core's own strategy (``Conversation.isolation``): one ordering for
        # handling and answering; a stand-in core gets one writer.
        self.isolation: Isolation = isolation or OneWriter()
        self.in_flight: set[asyncio.Task[None]] = set()
        self.processed = 0

    async def receive(self, channel: Channel, event: ChannelEvent) -> list[SendOutcome]:
        """Act on one event; the outcomes of the answers sent."""
        if event.kind is EventKind.MESSAGE and event.message is not None:
            return await self.message(channel, event.message)
        if event.kind in (EventKind.BLOCKED, EventKind.UNBLOCKED):
            reachable = event.kind is EventKind.UNBLOCKED
            known = await set_reachable(
                self.engine, channel.name, event.user_id, reachable, event.detail, self.clock.now()
            )
            if known:
                log.info("%s: a member is %s", channel.name, event.kind.value)
            return []
        log.info("%s: event %s ignored", channel.name, event.detail or event.kind.value)
        return []

    async def message(self, channel: Channel, message: IncomingMessage) -> list[SendOutcome]:
        """Handle one message and send the answers, after the chat's earlier messages."""
        async with self.isolation.chat(f"{message.channel}:{message.chat_id}"):
            try:
                replies = await self.handle(message)
            except Exception:  # noqa: BLE001 - one message must never stop the channel
                log.exception("%s: the conversation core failed on one message", channel.name)
                language = normalise_language(message.language_hint or self.language)
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

    def spawn(self, work: Awaitable[object]) -> asyncio.Task[None]:
        """Run ``work`` in the background, tracked so that shutdown can wait for it."""

        async def run() -> None:
            try:
                await work
            except Exception:  # noqa: BLE001
                log.exception("incoming event processing failed")

        task = asyncio.get_running_loop().create_task(run())
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return task

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for every event in flight (graceful shutdown)."""
        if self.in_flight:
            await asyncio.wait(set(self.in_flight), timeout=timeout)
