"""The outbox (*hàng đợi gửi tin*): every message dondoc sends goes through a row here first.

A row has a deterministic ``key``: inserting the same key twice is a no-op, so planning twice,
a restart or a second instance never doubles a message. The dispatcher *claims* due rows
(status ``sending``, its claim token, ``attempts`` + 1) in one statement, sends them, then marks
each ``sent``, back to ``pending`` with a later ``next_attempt_at``, ``failed`` or ``skipped``.
A row left in ``sending`` by a process that died is put back to ``pending`` by the next lease
holder (``recover_abandoned``): it is sent at most once more.

Everything here is portable SQL (SQLite and PostgreSQL): the conflict-free insert uses each
dialect's ``ON CONFLICT DO NOTHING`` and falls back to look-then-insert elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.models import Member, Outbox, OutboxStatus

PENDING = OutboxStatus.PENDING.value
SENDING = OutboxStatus.SENDING.value
SENT = OutboxStatus.SENT.value
FAILED = OutboxStatus.FAILED.value
SKIPPED = OutboxStatus.SKIPPED.value
STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED)


def _insert_ignoring_conflict(dialect: str, values: dict[str, Any]) -> Any:
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return (
            sqlite_insert(Outbox)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(col(Outbox.id))
        )
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return (
            pg_insert(Outbox)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(col(Outbox.id))
        )
    return None


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    member: Member,
    message: OutgoingMessage,
    now: datetime,
    not_before: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> Outbox | None:
    """Queue ``message`` for ``member`` under ``key``; ``None`` when that key is already queued.

    Part of the caller's transaction: nothing is written unless it commits. ``not_before``
    delays the first attempt; ``extra`` is kept in the payload for the record (e.g. the
    reminder keys a message groups).
    """
    if member.id is None:
        raise ValueError("the member must be stored before a message is queued for it")
    if len(key) > 255:
        raise ValueError("outbox keys are at most 255 characters")
    payload = message.to_payload()
    payload["language"] = member.language
    if extra:
        payload["meta"] = extra
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "member_id": member.id,
        "channel": member.channel,
        "chat_id": member.chat_id,
        "payload": payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    bind = session.get_bind()
    statement = _insert_ignoring_conflict(bind.dialect.name, values)
    if statement is not None:
        new_id = (await session.exec(statement)).scalar_one_or_none()  # type: ignore[call-overload]
        if new_id is None:
            return None
        return await session.get(Outbox, new_id)
    if (await session.exec(select(Outbox.id).where(Outbox.key == key))).first() is not None:
        return None
    row = Outbox(**values)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _due_query(
    now: datetime,
    limit: int,
    channels: Iterable[str] | None,
    exclude_kinds: Iterable[str],
    chat_ids: Iterable[str] | None = None,
) -> Any:
    due = (
        select(Outbox.id)
        .where(Outbox.status == PENDING, Outbox.next_attempt_at <= now)
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .limit(limit)
    )
    if channels is not None:
        due = due.where(col(Outbox.channel).in_(list(channels)))
    if chat_ids is not None:
        due = due.where(col(Outbox.chat_id).in_(list(chat_ids)))
    excluded = list(exclude_kinds)
    if excluded:
        due = due.where(col(Outbox.kind).not_in(excluded))
    return due


async def any_due(
    session: AsyncSession,
    *,
    now: datetime,
    channels: Iterable[str] | None = None,
    exclude_kinds: Iterable[str] = (),
) -> bool:
    """Whether a row is ready to claim (a read: cheap when there is nothing to send)."""
    query = _due_query(now, 1, channels, exclude_kinds)
    return (await session.exec(query)).first() is not None


@dataclass(frozen=True)
class Envelope:
    """One message to queue with ``enqueue_many``; ``chat`` is (member id, channel, chat id,
    language) of the recipient."""

    key: str
    kind: str
    chat: tuple[int, str, str, str]
    message: OutgoingMessage
    extra: dict[str, Any] | None = None


def chunked(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def enqueue_many(
    session: AsyncSession, envelopes: Sequence[Envelope], *, now: datetime
) -> dict[str, int]:
    """Queue many messages at once (a reminder wave); returns key → new row id for those
    whose key was not queued yet. Keys already present are left alone, as with ``enqueue``.
    Meant for the lease holder (the planner): a concurrent insert of the same key makes the
    transaction fail rather than double a message."""
    wanted: dict[str, Envelope] = {}
    for envelope in envelopes:
        wanted.setdefault(envelope.key, envelope)
    keys = list(wanted)
    for part in chunked(keys):
        found = await session.exec(select(Outbox.key).where(col(Outbox.key).in_(part)))
        for key in found.all():
            wanted.pop(key, None)
    rows = []
    for envelope in wanted.values():
        member_id, channel, chat_id, language = envelope.chat
        payload = envelope.message.to_payload()
        payload["language"] = language
        if envelope.extra:
            payload["meta"] = envelope.extra
        rows.append(
            {
                "key": envelope.key,
                "kind": envelope.kind,
                "member_id": member_id,
                "channel": channel,
                "chat_id": chat_id,
                "payload": payload,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    ids: dict[str, int] = {}
    table = Outbox.__table__  # type: ignore[attr-defined]
    connection = await session.connection()
    for part in chunked(rows):  # Core executemany: one round trip per chunk
        result = await connection.execute(
            insert(table).returning(table.c.id, table.c.key), list(part)
        )
        ids.update({key: row_id for row_id, key in result.all()})
    return ids


async def claim(
    session: AsyncSession,
    *,
    token: str,
    now: datetime,
    limit: int,
    channels: Iterable[str] | None = None,
    exclude_kinds: Iterable[str] = (),
    chat_ids: Iterable[str] | None = None,
) -> list[Outbox]:
    """Claim up to ``limit`` due pending rows for ``token`` (one UPDATE: two claimers never get
    the same row) and return them, oldest first; with ``chat_ids``, only those chats' rows."""
    due = _due_query(now, limit, channels, exclude_kinds, chat_ids)
    await session.exec(
        update(Outbox)
        .where(col(Outbox.id).in_(due.scalar_subquery()), Outbox.status == PENDING)
        .values(
            status=SENDING,
            claimed_by=token,
            claimed_at=now,
            attempts=Outbox.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    rows = await session.exec(
        select(Outbox)
        .where(Outbox.status == SENDING, Outbox.claimed_by == token)
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def _finish(session: AsyncSession, row_id: int, token: str, **values: Any) -> bool:
    result = await session.exec(
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.status == SENDING, Outbox.claimed_by == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def sent_statement(row_id: int, token: str, now: datetime) -> Any:
    """The UPDATE that marks a claimed row sent (for a plain connection)."""
    return (
        update(Outbox)
        .where(col(Outbox.id) == row_id, Outbox.status == SENDING, Outbox.claimed_by == token)
        .values(status=SENT, sent_at=now, last_error=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )


async def mark_sent(session: AsyncSession, row_id: int, token: str, now: datetime) -> bool:
    result = await session.exec(sent_statement(row_id, token, now))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_retry(
    session: AsyncSession, row_id: int, token: str, next_attempt_at: datetime, error: str
) -> bool:
    return await _finish(
        session,
        row_id,
        token,
        status=PENDING,
        next_attempt_at=next_attempt_at,
        last_error=error[:1000],
        claimed_by=None,
    )


async def mark_failed(session: AsyncSession, row_id: int, token: str, error: str) -> bool:
    return await _finish(session, row_id, token, status=FAILED, last_error=error[:1000])


async def mark_skipped(session: AsyncSession, row_id: int, token: str, reason: str) -> bool:
    return await _finish(session, row_id, token, status=SKIPPED, last_error=reason[:1000])


async def release(
    session: AsyncSession, row_id: int, token: str, next_attempt_at: datetime
) -> bool:
    """Give a claimed row back untried (its channel is paused): the claim does not count."""
    return await _finish(
        session,
        row_id,
        token,
        status=PENDING,
        next_attempt_at=next_attempt_at,
        attempts=Outbox.attempts - 1,
        claimed_by=None,
    )


async def release_unfinished(session: AsyncSession, token: str, now: datetime) -> int:
    """Rows of claim ``token`` still ``sending`` once its batch is over: back to pending."""
    result = await session.exec(
        update(Outbox)
        .where(Outbox.status == SENDING, Outbox.claimed_by == token)
        .values(status=PENDING, next_attempt_at=now, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def skip_pending(
    session: AsyncSession,
    *,
    row_ids: Sequence[int] = (),
    member_id: int | None = None,
    reason: str,
) -> int:
    """Mark pending rows skipped (superseded, or their recipient cannot be reached)."""
    conditions = []
    if row_ids:
        conditions.append(col(Outbox.id).in_(list(row_ids)))
    if member_id is not None:
        conditions.append(Outbox.member_id == member_id)
    if not conditions:
        return 0
    result = await session.exec(
        update(Outbox)
        .where(Outbox.status == PENDING, or_(*conditions))
        .values(status=SKIPPED, last_error=reason[:1000])
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def recover_abandoned(session: AsyncSession, *, holder: str, now: datetime) -> int:
    """Put back to ``pending`` every row left ``sending`` by another holder (a process that
    died or lost its lease). Called when a dispatcher takes the lease."""
    result = await session.exec(
        update(Outbox)
        .where(
            Outbox.status == SENDING,
            or_(
                col(Outbox.claimed_by).is_(None),
                ~col(Outbox.claimed_by).startswith(holder, autoescape=True),
            ),
        )
        .values(status=PENDING, next_attempt_at=now, last_error="recovered after a crash")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status (every status present, zero when none)."""
    rows = await session.exec(select(Outbox.status, func.count()).group_by(Outbox.status))
    found = {status: int(n) for status, n in rows.all()}
    return {status: found.get(status, 0) for status in STATUSES}


async def list_rows(
    session: AsyncSession, *, status: str | None = None, limit: int = 200
) -> list[Outbox]:
    query = select(Outbox).order_by(col(Outbox.id).desc()).limit(limit)
    if status:
        query = query.where(Outbox.status == status)
    return list((await session.exec(query)).all())
