"""Helpers shared by the channel tests: wait until something happened, and a conversation
core stand-in that records what a channel hands it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from dondoc.locales import _
from dondoc.scheduler.clock import Clock, SystemClock
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from dondoc.storage.chats import ChatKey, DuplicateUpdate, chat_turn
from dondoc.storage.db import Engine


async def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> None:
    """Poll ``predicate`` until it is true; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


class Recorder:
    """Stands in for the conversation core: keeps each message, answers "Đã nhận: …" (a
    sticker gets the core's polite answer). With an ``engine`` it handles each message in
    the core's own transaction (``storage.chats.chat_turn``), where an update already
    handled is dropped, as the real core does; ``deliveries`` counts every call."""

    def __init__(self, engine: Engine | None = None, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.seen: list[IncomingMessage] = []
        self.deliveries = 0

    async def __call__(self, message: IncomingMessage) -> list[OutgoingMessage]:
        self.deliveries += 1
        if self.engine is None:
            return self._answer(message)
        key = ChatKey(message.channel, message.chat_id, message.user_id)
        try:
            async with chat_turn(self.engine, key, message.update_id, self.clock.now()):
                return self._answer(message)
        except DuplicateUpdate:
            return []

    def _answer(self, message: IncomingMessage) -> list[OutgoingMessage]:
        if message.unsupported:
            return [OutgoingMessage(_("channels.unsupported", "vi"))]
        self.seen.append(message)
        return [OutgoingMessage(f"Đã nhận: {message.text or message.option}")]
