"""A month of a ward plan on a fake clock (July 2024), ticking every hour of the day and every
three hours at night: exactly the expected reminders, on working days in office hours, none to
units that reported done, one grouped message per recipient per tick; the coordinator's digest
each working day."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, time, timedelta

from sqlmodel import select

from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.messaging import OutgoingMessage, SendOutcome
from dondoc.storage.db import transaction
from dondoc.storage.models import Member, Occurrence, Outbox, ReminderLog
from tests.reminder_world import build_world, reminder_engine, report

ONCE = [4, 10, 12, 15, 17, 19, 23, 25, 29]  # T-7 … overdue-5 of the task due 15/7
ONCE_STEPS = ["T-7", "T-3", "T-1", "due"] + [f"overdue-{i}" for i in range(1, 6)]
MONTHLY = [11, 17, 19, 22, 24, 26, 30]  # the July report, due 20/7 (Sat) → 22/7
MONTHLY_STEPS = ["T-7", "T-3", "T-1", "due", "overdue-1", "overdue-2", "overdue-3"]


class Recorder:
    """An in-process channel that accepts everything (delivery itself is tested elsewhere)."""

    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        self.sent.append((chat_id, message.text))
        return SendOutcome.sent(str(len(self.sent)))


def expected() -> set[tuple[date, str, str, str]]:
    rows = set()
    for handle in ("a1", "a2"):
        rows |= {
            (date(2024, 7, d), handle, "once", s) for d, s in zip(ONCE, ONCE_STEPS, strict=True)
        }
        rows |= {
            (date(2024, 7, d), handle, "monthly", s)
            for d, s in zip(MONTHLY, MONTHLY_STEPS, strict=True)
        }
    rows |= {
        (date(2024, 7, d), "ha", "once", s) for d, s in zip(ONCE[5:], ONCE_STEPS[5:], strict=True)
    }
    rows |= {
        (date(2024, 7, 26), "ha", "monthly", "overdue-2"),
        (date(2024, 7, 30), "ha", "monthly", "overdue-3"),
    }
    rows |= {(date(2024, 7, 4), "b1", "once", "T-7"), (date(2024, 7, 10), "b1", "once", "T-3")}
    rows |= {
        (date(2024, 7, d), "c1", "monthly", s) for d, s in zip(MONTHLY, MONTHLY_STEPS, strict=True)
    }
    return rows


async def test_a_month_of_reminders(engine, calendar):
    start = calendar.at(date(2024, 7, 1), time(0, 0))
    clock = FakeClock(start)
    world = await build_world(engine, start, calendar)
    channel = Recorder()
    reminders = reminder_engine(engine, clock, calendar, channel)
    async with transaction(engine) as session:
        occs = (await session.exec(select(Occurrence))).all()
    once_occ = next(o.id for o in occs if o.task_id == world.tasks["once"])
    july = next(o.id for o in occs if o.task_id == world.tasks["monthly"] and o.period == "2024-07")
    end = calendar.at(date(2024, 8, 1), time(0, 0))
    while clock.now() < end:
        now = clock.now()
        if now == calendar.at(date(2024, 7, 11), time(10, 0)):
            await report(engine, once_occ, world.units["TP"], "done", now)
        if now == calendar.at(date(2024, 7, 18), time(10, 0)):
            await report(engine, july, world.units["VHXH"], "in_progress", now, percent=50)
        result = await reminders.tick()
        assert result.held
        hour = calendar.local(now).hour
        clock.advance(timedelta(hours=1 if 6 <= hour < 19 else 3))

    async with transaction(engine) as session:
        handles = {m.id: m.channel_user_id for m in (await session.exec(select(Member))).all()}
        rows = (await session.exec(select(Outbox).order_by(Outbox.id))).all()
        logs = (await session.exec(select(ReminderLog))).all()
    task_of = {once_occ: "once", july: "monthly"}
    got = set()
    for log in logs:
        assert log.status == "queued", log.key
        out = next(r for r in rows if r.id == log.outbox_id)
        got.add(
            (
                calendar.local_date(out.created_at),
                handles[log.member_id],
                task_of[log.occurrence_id],
                log.step,
            )
        )
    assert got == expected()

    reminder_rows = [r for r in rows if r.kind == "reminder"]
    assert all(r.status == "sent" and r.sent_at == r.created_at for r in rows)
    assert len(channel.sent) == len(rows)
    for row in reminder_rows + [r for r in rows if r.kind == "digest"]:
        assert calendar.is_allowed(row.created_at), row.key
        assert calendar.local(row.created_at).time() == time(8, 0)
    per_tick = Counter((r.created_at, r.member_id) for r in reminder_rows)
    assert set(per_tick.values()) == {1}  # one grouped message per recipient per tick
    items = defaultdict(list)
    for log in logs:
        items[log.outbox_id].append(log.step)
    a1 = world.members["a1"]
    on_17 = next(
        r
        for r in reminder_rows
        if r.member_id == a1 and calendar.local_date(r.created_at) == date(2024, 7, 17)
    )
    assert sorted(items[on_17.id]) == ["T-3", "overdue-1"]
    text = on_17.payload["text"]
    assert "Thứ Hai, 15/07/2024" in text and "Thứ Hai, 22/07/2024" in text
    assert "phối hợp" in text and "chủ trì" in text and "xong" in text
    # The monthly report names its period in words; the one-off task's period is its due date,
    # said once on the "Hạn" line.
    assert "KH 84/KH-UBND, kỳ tháng 7/2024 ·" in text and "2024-07" not in text
    assert on_17.payload["meta"]["reminders"]
    a2 = next(r for r in reminder_rows if r.member_id == world.members["a2"])
    assert a2.payload["text"].startswith("Dear")
    c1_after = [
        r
        for r in reminder_rows
        if r.member_id == world.members["c1"]
        and calendar.local_date(r.created_at) == date(2024, 7, 19)
    ]
    assert "50%" in c1_after[0].payload["text"]  # status so far

    digests = [r for r in rows if r.kind == "digest"]
    assert {r.member_id for r in digests} == {world.members["co"]}
    working_days = [
        date(2024, 7, d) for d in range(1, 32) if calendar.is_working_day(date(2024, 7, d))
    ]
    assert sorted(calendar.local_date(r.created_at) for r in digests) == working_days
    on_16 = next(r for r in digests if calendar.local_date(r.created_at) == date(2024, 7, 16))
    assert "VP" in on_16.payload["text"] and "rà soát" in on_16.payload["text"]
    assert "TP" not in on_16.payload["text"].split("Mới quá hạn")[1].split("Tổng")[0]
