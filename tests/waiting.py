"""Helpers shared by the channel tests: wait until something happened, and a conversation
core stand-in that records what a channel hands it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage


async def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> None:
    """Poll ``predicate`` until it is true; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


class Recorder:
    """Stands in for the conversation core: keeps each message, answers "Đã nhận: …"."""

    def __init__(self) -> None:
        self.seen: list[IncomingMessage] = []

    async def __call__(self, message: IncomingMessage) -> list[OutgoingMessage]:
        self.seen.append(message)
        return [OutgoingMessage(f"Đã nhận: {message.text or message.option}")]
