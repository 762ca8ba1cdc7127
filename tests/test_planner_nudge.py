"""The coordinator's manual reminder (``nudge``, /nhac) and the daily digest."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from dondoc.scheduler.digest import queue_digest
from dondoc.scheduler.nudge import nudge
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import AuditLog, Member, Occurrence, Outbox, ReminderLog
from tests.reminder_world import build_world, report

POLICY = ReminderPolicy()


async def occurrences(engine, world) -> tuple[int, int]:
    async with transaction(engine) as session:
        occs = (await session.exec(select(Occurrence))).all()
    once = next(o.id for o in occs if o.task_id == world.tasks["once"])
    july = next(o.id for o in occs if o.task_id == world.tasks["monthly"] and o.period == "2024-07")
    return once, july


async def test_nudge_groups_logs_and_audits(engine, calendar):
    now = calendar.at(date(2024, 7, 16), time(10, 0))
    world = await build_world(engine, now, calendar)
    once, july = await occurrences(engine, world)
    vp = world.units["VP"]
    async with transaction(engine) as session:
        queued = await nudge(
            session, pairs=[(once, vp), (july, vp)], actor="Đỗ Thị Hoa", now=now,
            calendar=calendar, policy=POLICY, actor_member_id=world.members["co"],
        )  # fmt: skip
    assert queued.messages == 2  # a1 and a2, one message each; the head not yet (due step)
    assert queued.recent == {}
    async with transaction(engine) as session:
        rows = (await session.exec(select(Outbox))).all()
        logs = (await session.exec(select(ReminderLog))).all()
        audit = (await session.exec(select(AuditLog))).all()
    assert {r.member_id for r in rows} == {world.members["a1"], world.members["a2"]}
    assert all(r.kind == "nudge" for r in rows)
    a1 = next(r for r in rows if r.member_id == world.members["a1"])
    assert "Đầu mối tổng hợp, theo dõi đề nghị" in a1.payload["text"]
    assert "15/07/2024" in a1.payload["text"] and "22/07/2024" in a1.payload["text"]
    assert {(log.member_id, log.occurrence_id, log.step) for log in logs} == {
        (world.members[h], o, "nudge") for h in ("a1", "a2") for o in (once, july)
    }
    assert [(a.action, a.actor, a.actor_member_id) for a in audit] == [
        ("reminders.nudge", "Đỗ Thị Hoa", world.members["co"])
    ]
    async with transaction(engine) as session:  # the same nudge twice in one second: once
        again = await nudge(
            session, pairs=[(once, vp)], actor="x", now=now, calendar=calendar, policy=POLICY
        )
    assert again.messages == 0
    assert list(again.recent) == [(once, vp)] and again.recent[(once, vp)].at == now


async def test_nudge_escalates_to_the_head_when_late(engine, calendar):
    now = calendar.at(date(2024, 7, 19), time(10, 0))  # overdue-2 of the task due 15/7
    world = await build_world(engine, now, calendar)
    once, _july = await occurrences(engine, world)
    async with transaction(engine) as session:
        queued = await nudge(
            session, pairs=[(once, world.units["VP"])], actor="cli", now=now,
            calendar=calendar, policy=POLICY,
        )  # fmt: skip
    assert queued.messages == 3


async def test_bad_nudges_are_refused_and_change_nothing(engine, calendar):
    now = calendar.at(date(2024, 7, 16), time(10, 0))
    world = await build_world(engine, now, calendar)
    once, july = await occurrences(engine, world)
    cases = [
        ([(9999, world.units["VP"])], "reminders.nudge.unknown_occurrence"),
        ([(once, 9999)], "reminders.nudge.unknown_unit"),
        ([(once, world.units["VP"]), (july, world.units["TP"])], "reminders.nudge.not_assigned"),
    ]
    for pairs, key in cases:
        with pytest.raises(UserError) as caught:
            async with transaction(engine) as session:
                await nudge(
                    session, pairs=pairs, actor="cli", now=now, calendar=calendar, policy=POLICY
                )
        assert caught.value.key == key
    async with transaction(engine) as session:
        assert (await session.exec(select(Outbox))).all() == []
        assert (await session.exec(select(AuditLog))).all() == []


async def test_digest_tells_overdue_blocked_unreachable(engine, calendar):
    start = calendar.at(date(2024, 7, 1), time(8, 0))
    world = await build_world(engine, start, calendar)
    once, july = await occurrences(engine, world)
    await report(
        engine, july, world.units["VHXH"], "blocked",
        calendar.at(date(2024, 7, 15), time(9, 0)), note="chưa có số liệu",
    )  # fmt: skip
    async with transaction(engine) as session:
        b1 = await session.get(Member, world.members["b1"])
        b1.reachable, b1.unreachable_reason = False, "Forbidden: bot was blocked by the user"
        session.add(b1)
    early = calendar.at(date(2024, 7, 16), time(7, 45))
    async with transaction(engine) as session:
        assert await queue_digest(session, now=early, calendar=calendar, policy=POLICY) == 0
    now = calendar.at(date(2024, 7, 16), time(8, 0))
    async with transaction(engine) as session:
        assert await queue_digest(session, now=now, calendar=calendar, policy=POLICY) == 1
        assert await queue_digest(session, now=now, calendar=calendar, policy=POLICY) == 0
        row = (await session.exec(select(Outbox))).one()
    assert row.member_id == world.members["co"] and row.kind == "digest"
    text = row.payload["text"]
    assert text.startswith("BẢN TIN ĐÔN ĐỐC – Thứ Ba, 16/07/2024")
    assert "Mới quá hạn, chưa báo cáo hoàn thành (2)" in text  # VP lead, TP cooperating
    assert "VP: Báo cáo kết quả rà soát thủ tục hành chính (hạn 15/07/2024)" in text
    assert "VHXH: Báo cáo tình hình tiếp nhận hồ sơ trực tuyến – chưa có số liệu" in text
    assert (
        "Phạm Thị Dung (TP): không nhận được tin nhắn của bot"
        ' (nền tảng báo: "Forbidden: bot was blocked by the user")'
    ) in text
    assert "TP: chưa có cán bộ nào nhận được tin nhắc" in text
    saturday = calendar.at(date(2024, 7, 20), time(9, 0))
    async with transaction(engine) as session:
        assert await queue_digest(session, now=saturday, calendar=calendar, policy=POLICY) == 0
