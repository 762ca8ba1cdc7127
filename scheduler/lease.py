"""The dispatcher lease (*quyền gửi tin duy nhất*): one process per database sends messages.

A row of table ``lease`` names its holder and an expiry; a holder renews it on every tick, and
another process may take it only after it expired (a process killed with ``kill -9`` stops
renewing) — or at once when the holder was a process of this same machine that no longer
exists (the usual restart after a crash need not wait for the expiry). The dispatcher renews
the lease before a message whenever less than half of it is left, and stops if it cannot.

On PostgreSQL the lease is also a session advisory lock held on a dedicated connection: the
server frees it the moment that process's connection dies, so a successor does not wait for
the expiry, and two processes can never both believe they hold it.
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

from dondoc.scheduler.clock import Clock
from dondoc.storage.db import transaction
from dondoc.storage.models import Lease


def new_holder_id() -> str:
    """A name unique to this process: host, pid and a random part (≤ 40 characters)."""
    return f"{_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _host() -> str:
    return socket.gethostname()[:16]


def holder_is_dead(holder: str) -> bool:
    """Whether ``holder`` names a process of this machine that no longer runs."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
        self.valid_until: datetime | None = None
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
                    row = (await session.exec(select(Lease).where(Lease.name == self.name))).first()
                    if row is None:
                        session.add(Lease(name=self.name, holder=self.holder, expires_at=expires))
                        got = True
                    elif holder_is_dead(row.holder):  # compare-and-swap on the dead holder
                        result = await session.exec(
                            update(Lease)
                            .where(Lease.name == self.name, Lease.holder == row.holder)
                            .values(holder=self.holder, expires_at=expires)
                            .execution_options(synchronize_session=False)
                        )
                        got = bool(result.rowcount)  # type: ignore[attr-defined]
            except IntegrityError:
                got = False
        self.held = got
        self.valid_until = expires if got else None
        self.newly_acquired = got and not was_held
        return got

    def fresh(self, now: datetime) -> bool:
        """Held with at least half of its time left (no need to renew yet)."""
        return self.held and self.valid_until is not None and now < self.valid_until - self.ttl / 2

    async def release(self) -> None:
        self.valid_until = None
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
