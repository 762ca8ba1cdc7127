"""The dispatcher lease (*quyền gửi tin duy nhất*): one process per database sends messages.

A row of table ``lease`` names its holder and an expiry; a holder renews it on every tick, and
another process may take it only after it expired (a process killed with ``kill -9`` stops
renewing). On PostgreSQL the lease is also a session advisory lock held on a dedicated
connection: the server frees it the moment that process's connection dies, so a successor does
not wait for the expiry, and two processes can never both believe they hold it.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col, select

from scheduler.clock import Clock
from storage.db import transaction
from storage.models import Lease


def new_holder_id() -> str:
    """A name unique to this process: host, pid and a random part (≤ 40 characters)."""
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class DbLease:
    """A named lease in the database. ``acquire`` takes or renews it; ``release`` gives it up."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        name: str = "dispatcher",
        holder: str | None = None,
        ttl: float = 60.0,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.name = name
        self.holder = holder or new_holder_id()
        self.ttl = timedelta(seconds=ttl)
        self.held = False
        self.newly_acquired = False
        self._pg_connection: AsyncConnection | None = None
        self._postgres = engine.dialect.name == "postgresql"

    async def _advisory(self) -> bool:
        if self._pg_connection is not None:
            return True
        connection = await self.engine.connect()
        try:
            got = (
                await connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": advisory_key(self.name)}
                )
            ).scalar()
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        self._pg_connection = connection
        return True

    async def acquire(self) -> bool:
        """Take or renew the lease; ``True`` while this process holds it.

        ``self.newly_acquired`` tells whether it was just taken (the moment to recover rows a
        dead predecessor left half-sent).
        """
        was_held = self.held
        if self._postgres and not await self._advisory():
            self.held = False
            self.newly_acquired = False
            return False
        now = self.clock.now()
        expires = now + self.ttl
        async with transaction(self.engine) as session:
            condition = Lease.name == self.name
            if not self._postgres:  # the advisory lock already decided on PostgreSQL
                condition = condition & (
                    (Lease.holder == self.holder) | (col(Lease.expires_at) < now)
                )
            result = await session.exec(
                update(Lease)
                .where(condition)
                .values(holder=self.holder, expires_at=expires)
                .execution_options(synchronize_session=False)
            )
            got = bool(result.rowcount)  # type: ignore[attr-defined]
        if not got:
            try:
                async with transaction(self.engine) as session:
                    exists = (
                        await session.exec(select(Lease.name).where(Lease.name == self.name))
                    ).first()
                    if exists is None:
                        session.add(Lease(name=self.name, holder=self.holder, expires_at=expires))
                        got = True
            except IntegrityError:
                got = False
        self.held = got
        self.newly_acquired = got and not was_held
        return got

    async def release(self) -> None:
        if self.held:
            async with transaction(self.engine) as session:
                await session.exec(
                    update(Lease)
                    .where(Lease.name == self.name, Lease.holder == self.holder)
                    .values(expires_at=self.clock.now() - timedelta(seconds=1))
                    .execution_options(synchronize_session=False)
                )
        self.held = False
        if self._pg_connection is not None:
            try:
                await self._pg_connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": advisory_key(self.name)}
                )
                await self._pg_connection.commit()
            finally:
                await self._pg_connection.close()
                self._pg_connection = None

    async def holder_now(self) -> tuple[str, datetime] | None:
        async with transaction(self.engine) as session:
            row = (await session.exec(select(Lease).where(Lease.name == self.name))).first()
            return (row.holder, row.expires_at) if row else None
