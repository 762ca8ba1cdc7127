"""How messages wait for each other (*thứ tự xử lý tin nhắn*): one strategy, chosen once for the
database and injected into the conversation core.

Two promises: the messages of one chat are handled *and answered* in the order they arrived
(a half-finished report must see its previous step, and the answers must not overtake each
other), and the database is written the way it writes best.

* ``OneWriter`` (SQLite): one message writes at a time in this process — SQLite has one writer,
  and taking turns here beats connections that wait on the file lock with back-off sleeps.
* ``RowLocks`` (PostgreSQL): messages of different chats are handled in parallel; within the
  process a chat's messages take turns, and across processes the chat's state row is locked
  (``FOR UPDATE``, ``storage.chats``) for the length of the message's transaction.

``chat(key)`` covers a message from the moment it is taken to the last answer sent;
``writing()`` covers its transaction only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

_MAX_IDLE_LOCKS = 1000  # per-chat locks kept; unused ones are forgotten beyond this


class Isolation(Protocol):
    """The ordering strategy the inbox and the conversation core share."""

    def chat(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while one message of chat ``key`` is handled and answered."""
        ...

    def writing(self) -> AbstractAsyncContextManager[None]:
        """Held while one message's transaction runs."""
        ...


class _ChatLocks:
    """One ``asyncio.Lock`` per chat, forgotten when many are idle."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def chat(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > _MAX_IDLE_LOCKS:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield


class OneWriter(_ChatLocks):
    """SQLite: a chat's messages in order, and one transaction at a time."""

    def __init__(self) -> None:
        super().__init__()
        self._writer = asyncio.Lock()

    def writing(self) -> AbstractAsyncContextManager[None]:
        return self._writer


class RowLocks(_ChatLocks):
    """PostgreSQL: a chat's messages in order; transactions in parallel (the state row lock
    orders one chat's messages across processes)."""

    def writing(self) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()


def isolation_for(sqlite: bool) -> Isolation:
    return OneWriter() if sqlite else RowLocks()
