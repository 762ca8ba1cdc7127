"""Outbox: a key inserts once; claims never overlap; abandoned rows come back exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from dondoc.scheduler import outbox
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.db import transaction
from dondoc.storage.models import Member, Outbox, Unit


async def make_member(session, now, *, chat: str = "100", channel: str = "telegram") -> Member:
    unit = (await session.exec(select(Unit).where(Unit.code == "VP"))).first()
    if unit is None:
        unit = Unit(code="VP", name="Văn phòng", created_at=now, updated_at=now)
        session.add(unit)
        await session.flush()
    member = Member(
        channel=channel, channel_user_id=chat, chat_id=chat, unit_id=unit.id, created_at=now
    )
    session.add(member)
    await session.flush()
    return member


async def test_enqueue_twice_is_a_no_op(engine, clock):
    now = clock.now()
    async with transaction(engine) as session:
        member = await make_member(session, now)
        first = await outbox.enqueue(
            session,
            key="k1",
            kind="reminder",
            member=member,
            message=OutgoingMessage("một"),
            now=now,
        )
        again = await outbox.enqueue(
            session,
            key="k1",
            kind="reminder",
            member=member,
            message=OutgoingMessage("hai"),
            now=now,
        )
        assert first is not None and first.id is not None
        assert again is None
    async with transaction(engine) as session:
        again = await outbox.enqueue(
            session,
            key="k1",
            kind="reminder",
            member=member,
            message=OutgoingMessage("ba"),
            now=now,
        )
        assert again is None
        rows = (await session.exec(select(Outbox))).all()
    assert len(rows) == 1
    assert rows[0].payload["text"] == "một"
    assert rows[0].chat_id == "100" and rows[0].channel == "telegram"


async def test_claims_do_not_overlap_and_recovery(engine, clock):
    now = clock.now()
    async with transaction(engine) as session:
        member = await make_member(session, now)
        for i in range(5):
            await outbox.enqueue(
                session,
                key=f"k{i}",
                kind="reminder",
                member=member,
                message=OutgoingMessage(str(i)),
                now=now,
            )
        await outbox.enqueue(
            session,
            key="later",
            kind="reminder",
            member=member,
            message=OutgoingMessage("x"),
            now=now,
            not_before=now + timedelta(hours=1),
        )
    async with transaction(engine) as session:
        a = await outbox.claim(session, token="A/1", now=now, limit=3)
    async with transaction(engine) as session:
        b = await outbox.claim(session, token="B/1", now=now, limit=10)
    assert len(a) == 3 and len(b) == 2
    assert not {r.id for r in a} & {r.id for r in b}
    assert all(r.attempts == 1 and r.status == "sending" for r in a + b)
    async with transaction(engine) as session:
        assert await outbox.mark_sent(session, a[0].id, "A/1", now)
        assert not await outbox.mark_sent(session, a[1].id, "B/1", now)  # not its claim
        # B takes the lease: A's two unfinished rows come back, B's own stay.
        recovered = await outbox.recover_abandoned(session, holder="B", now=now)
    assert recovered == 2
    async with transaction(engine) as session:
        again = await outbox.claim(session, token="B/2", now=now, limit=10)
        assert sorted(r.id for r in again) == sorted(r.id for r in a[1:])
        assert all(r.attempts == 2 for r in again)
        assert await outbox.counts(session) == {
            "pending": 1,
            "sending": 4,
            "sent": 1,
            "failed": 0,
            "skipped": 0,
        }
