"""The audit log (*nhật ký*): who did what and when. Every report, nudge, invite and import."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.models import AuditLog


def record(
    session: AsyncSession,
    now: datetime,
    action: str,
    *,
    actor: str = "system",
    member_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit entry to the session's transaction (written with it or not at all)."""
    entry = AuditLog(**_values(now, action, actor, member_id, target, details))
    session.add(entry)
    return entry


def _values(
    now: datetime,
    action: str,
    actor: str,
    member_id: int | None,
    target: str,
    details: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "at": now,
        "actor_member_id": member_id,
        "actor": actor,
        "action": action,
        "target": target,
        "details": details or {},
    }


@cache
def _insert() -> Any:
    return insert(AuditLog.__table__)  # type: ignore[attr-defined]


async def write(
    session: AsyncSession,
    now: datetime,
    action: str,
    *,
    actor: str = "system",
    member_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Like ``record``, written at once by one plain INSERT (same transaction): for paths run on
    every message, where adding an object and flushing it costs more than the statement."""
    values = _values(now, action, actor, member_id, target, details)
    await session.exec(_insert(), params=values)
