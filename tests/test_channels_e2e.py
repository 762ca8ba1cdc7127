"""End to end through each fake messenger: an officer joins with an invite, gets a reminder,
replies "đang làm 50%", and the coordinator's /tonghop shows it.

Everything real but the messenger: the SQLite file with migrations, the conversation core,
the reminder planner and dispatcher (one tick, fake clock), our Zalo client / python-telegram-
bot talking HTTP to the local fake servers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from dondoc.bot.inbox import Inbox
from dondoc.bot.telegram_channel import TelegramChannel
from dondoc.bot.zalo.channel import ZaloChannel
from dondoc.bot.zalo.client import ZaloClient
from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.occurrences import sync_all_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.scheduler.ticks import build_engine
from dondoc.storage.db import transaction
from dondoc.storage.invites import create_invite
from dondoc.storage.models import Member, Plan, Report, Role
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.reminder_world import add_task, add_unit
from tests.waiting import wait_for

OFFICER, COORDINATOR = "1001", "1002"
TASK = "Báo cáo kết quả rà soát thủ tục hành chính"


async def ward(engine, clock, calendar) -> tuple[str, str]:
    """A ward office with one task due Monday 15/07/2024; invite codes for both people."""
    now = clock.now()
    async with transaction(engine) as session:
        office = await add_unit(session, "VP", "Văn phòng HĐND-UBND", now)
        culture = await add_unit(session, "VHXH", "Phòng Văn hóa - Xã hội", now)
        plan = Plan(code="84/KH-UBND", title="CCHC 2024", year=2024, created_at=now, updated_at=now)
        session.add(plan)
        await session.flush()
        await add_task(
            session,
            plan.id,
            "1",
            TASK,
            Schedule(ScheduleKind.ONCE, due=date(2024, 7, 15)),
            now,
            [(office.id, "lead")],
        )
        await sync_all_occurrences(session, date(2024, 9, 30), DueRules(), calendar)
        officer = await create_invite(session, office, Role.OFFICER, timedelta(days=7), now, "test")
        coordinator = await create_invite(
            session, culture, Role.COORDINATOR, timedelta(days=7), now, "test"
        )
    return officer.code, coordinator.code


def telegram(fake: FakeTelegram) -> TelegramChannel:
    return TelegramChannel(fake.token, fake.base_url, poll_timeout=1, request_timeout=3)


def zalo(fake: FakeZalo) -> ZaloChannel:
    return ZaloChannel(ZaloClient(fake.token, fake.base_url), rate_limit=100, poll_timeout=1)


@pytest.fixture(params=["zalo", "telegram"])
async def messenger(request):
    if request.param == "zalo":
        async with FakeZalo(poll_cap=0.2) as fake:
            yield request.param, fake, zalo(fake)
    else:
        async with FakeTelegram(poll_cap=0.2) as fake:
            yield request.param, fake, telegram(fake)


async def test_join_remind_reply_summary(messenger, engine, calendar):
    await scenario(*messenger, engine, calendar)


@pytest.mark.postgres
async def test_the_same_on_postgresql(pg_engine, calendar):
    async with FakeTelegram(poll_cap=0.2) as fake:
        await scenario("telegram", fake, telegram(fake), pg_engine, calendar)


async def scenario(name, fake, channel, engine, calendar) -> None:
    clock = FakeClock(datetime(2024, 7, 1, 2, 0, tzinfo=UTC))  # Monday 09:00 in Hà Nội
    officer_code, coordinator_code = await ward(engine, clock, calendar)
    context = BotContext(engine=engine, clock=clock, calendar=calendar)
    conversation = Conversation(context)
    inbox = Inbox(engine, clock, conversation.handle, isolation=conversation.isolation)
    await channel.start(inbox.receive, polling=True)
    try:
        # 1. both people join with their invite codes (a Telegram deep link gives "/start CODE")
        fake.push_text(OFFICER, f"/start {officer_code}")
        fake.push_text(COORDINATOR, f"/start {coordinator_code}")
        await wait_for(lambda: fake.texts(OFFICER) and fake.texts(COORDINATOR))
        async with transaction(engine) as session:
            members = (await session.exec(select(Member))).all()
        assert {(m.channel, m.chat_id, m.role) for m in members} == {
            (name, OFFICER, "officer"),
            (name, COORDINATOR, "coordinator"),
        }

        # 2. Thursday 04/07 08:30: seven working days before the due date, the reminder goes
        clock.set(datetime(2024, 7, 4, 1, 30, tzinfo=UTC))
        reminders = build_engine(
            engine=engine, channels={name: channel}, clock=clock, calendar=calendar
        )
        result = await reminders.tick()
        assert result.delivery is not None and result.delivery.sent >= 1
        reminder = fake.texts(OFFICER)[-1]
        assert "rà soát thủ tục hành chính" in reminder and "15/07/2024" in reminder

        # 3. the officer answers in a few words
        before = len(fake.texts(OFFICER))
        fake.push_text(OFFICER, "đang làm 50%")
        await wait_for(lambda: len(fake.texts(OFFICER)) > before)
        async with transaction(engine) as session:
            [report] = (await session.exec(select(Report))).all()
        assert (report.status, report.percent) == ("in_progress", 50)

        # 4. the coordinator asks for the summary and sees it
        before = len(fake.texts(COORDINATOR))
        fake.push_text(COORDINATOR, "/tonghop")
        await wait_for(lambda: len(fake.texts(COORDINATOR)) > before)
        summary = "\n".join(fake.texts(COORDINATOR)[before:])
        assert "TỔNG HỢP TÌNH HÌNH THỰC HIỆN" in summary
        assert "Đang thực hiện trong hạn: 1" in summary and "Chưa báo cáo: 0" in summary
        await reminders.dispatcher.close()
    finally:
        await channel.stop()
