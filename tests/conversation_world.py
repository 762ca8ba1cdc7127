"""A small ward world for conversation tests: units, a CCHC plan with tasks (titles in the
style of the seed plans), invite codes, and helpers to chat through the console channel.

The fake day is Monday 08/07/2024, 09:00 in Hà Nội: task 1 is three days overdue, task 2 is due
15/07, task 3 due 31/07, task 4 is an ongoing one (quarterly check-in 2024-Q3).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.bot.cli import App, cli
from dondoc.bot.settings import Settings
from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.messaging import IncomingMessage
from dondoc.scheduler.occurrences import sync_all_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage.db import make_engine, migrate, transaction
from dondoc.storage.invites import create_invite
from dondoc.storage.models import Assignment, Occurrence, Plan, Report, Role, Task, Unit

NOW = datetime(2024, 7, 8, 2, 0, tzinfo=UTC)  # Thứ Hai 08/07/2024 09:00 Hà Nội
PLAN = "84/KH-UBND"

UNITS = [
    ("NOIVU", "Phòng Nội vụ", "phong_ban", ["Nội vụ"]),
    ("P_KD", "UBND phường Khương Đình", "ubnd_phuong", ["Khương Đình"]),
    ("P_NC", "UBND phường Nhân Chính", "ubnd_phuong", ["Nhân Chính"]),
    ("VHTT", "Phòng Văn hóa và Thông tin", "phong_ban", ["Văn hóa"]),
]

TASKS = [
    # ordinal, title, schedule, [(unit, role)]
    (
        "1",
        "Xây dựng Kế hoạch cải cách hành chính năm 2024 của phường",
        Schedule(ScheduleKind.ONCE, due=date(2024, 7, 5)),
        [("P_KD", "lead"), ("P_NC", "lead")],
    ),
    (
        "2",
        "Báo cáo kết quả khảo sát sự hài lòng của người dân (SIPAS)",
        Schedule(ScheduleKind.ONCE, due=date(2024, 7, 15)),
        [("P_KD", "lead"), ("VHTT", "cooperating")],
    ),
    (
        "3",
        "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết",
        Schedule(ScheduleKind.ONCE, due=date(2024, 7, 31)),
        [("P_NC", "lead")],
    ),
    (
        "4",
        "Tuyên truyền về cải cách hành chính trên hệ thống loa truyền thanh",
        Schedule(ScheduleKind.ONGOING, start=date(2024, 1, 1), end=date(2024, 12, 31)),
        [("P_KD", "cooperating"), ("VHTT", "lead")],
    ),
]

# who → (unit code or None, role)
PEOPLE = {
    "lan": ("P_KD", Role.OFFICER),
    "tuan": ("P_KD", Role.HEAD),
    "minh": ("P_NC", Role.OFFICER),
    "hoa": ("NOIVU", Role.COORDINATOR),
    "an": (None, Role.ADMIN),
}


@dataclass
class World:
    codes: dict[str, str] = field(default_factory=dict)  # person → invite code
    units: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)  # ordinal → task id
    occurrences: dict[str, int] = field(default_factory=dict)  # ordinal → first occurrence id


async def build_world(engine: AsyncEngine, now: datetime = NOW) -> World:
    world = World()
    calendar = WorkingCalendar()
    async with transaction(engine) as session:
        for code, name, kind, aliases in UNITS:
            unit = Unit(
                code=code, name=name, kind=kind, aliases=aliases, created_at=now, updated_at=now
            )
            session.add(unit)
            await session.flush()
            world.units[code] = unit.id
        plan = Plan(
            code=PLAN,
            title="Cải cách hành chính năm 2024",
            year=2024,
            created_at=now,
            updated_at=now,
        )
        session.add(plan)
        await session.flush()
        for position, (ordinal, title, schedule, assigned) in enumerate(TASKS):
            task = Task(
                plan_id=plan.id,
                key=ordinal,
                position=position,
                ordinal=ordinal,
                title=title,
                schedule_kind=schedule.kind.value,
                schedule=schedule.to_dict(),
                created_at=now,
                updated_at=now,
            )
            session.add(task)
            await session.flush()
            world.tasks[ordinal] = task.id
            for unit_code, role in assigned:
                session.add(Assignment(task_id=task.id, unit_id=world.units[unit_code], role=role))
        await session.flush()
        await sync_all_occurrences(session, date(2024, 12, 31), DueRules(), calendar)
        for ordinal, task_id in world.tasks.items():
            occ = (
                await session.exec(
                    select(Occurrence)
                    .where(Occurrence.task_id == task_id, Occurrence.start <= now.date())
                    .order_by(Occurrence.start.desc())  # type: ignore[attr-defined]
                )
            ).first()
            world.occurrences[ordinal] = occ.id
        for person, (unit_code, role) in PEOPLE.items():
            unit = await session.get(Unit, world.units[unit_code]) if unit_code else None
            invite = await create_invite(session, unit, role, timedelta(days=7), now, "test")
            world.codes[person] = invite.code
    return world


def make_context(engine: AsyncEngine, clock: FakeClock, **kwargs: object) -> BotContext:
    return BotContext(engine=engine, clock=clock, **kwargs)  # type: ignore[arg-type]


def msg(user: str, text: str = "", **kwargs: object) -> IncomingMessage:
    return IncomingMessage(
        channel="console", chat_id=user, user_id=user, text=text, display_name=user, **kwargs
    )  # type: ignore[arg-type]


async def say(conversation: Conversation, user: str, text: str, **kwargs: object) -> str:
    answers = await conversation.handle(msg(user, text, **kwargs))
    assert len(answers) == 1, answers
    return answers[0].numbered_text()


async def reports(engine: AsyncEngine) -> list[Report]:
    async with transaction(engine) as session:
        return list((await session.exec(select(Report).order_by(Report.id))).all())


class ConsoleWorld:
    """A data directory with the world in it, and ``console(user, lines)`` through the CLI."""

    def __init__(self, data_dir: Path, now: datetime = NOW) -> None:
        self.data_dir = data_dir
        self.clock = FakeClock(now)
        self.url = f"sqlite:///{data_dir / 'dondoc.db'}"
        self.world = asyncio.run(self._setup())

    async def _setup(self) -> World:
        engine = make_engine(self.url)
        try:
            await migrate(engine)
            return await build_world(engine, self.clock.now())
        finally:
            await engine.dispose()

    def run(self, *args: str, input: str | None = None) -> str:
        settings = Settings(data_dir=self.data_dir, locale="vi")
        app = App(settings=settings, clock=self.clock)
        result = CliRunner().invoke(cli, list(args), obj=app, input=input, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def console(self, user: str, *lines: str) -> str:
        return self.run("console", "--user", user, input="\n".join(lines) + "\n")

    def query(self, make):  # noqa: ANN001, ANN201
        async def body():  # noqa: ANN202
            engine = make_engine(self.url)
            try:
                async with transaction(engine) as session:
                    return await make(session)
            finally:
                await engine.dispose()

        return asyncio.run(body())


async def add_reminder(
    session,  # noqa: ANN001
    user: str,
    occurrence_id: int,
    unit_id: int,
    at: datetime,
    delivered: bool = True,
) -> None:
    """A reminder of ``occurrence_id`` to ``user`` at ``at``, in the outbox (sent or not) and
    the reminder log, as the planner writes it."""
    from dondoc.storage.models import Member, Outbox, ReminderLog

    member = (await session.exec(select(Member).where(Member.channel_user_id == user))).one()
    key = f"test:{occurrence_id}:{unit_id}:{member.id}:{at.isoformat()}"
    row = Outbox(
        key=key,
        kind="reminder",
        member_id=member.id,
        channel=member.channel,
        chat_id=member.chat_id,
        payload={"text": f"Nhắc việc (kỳ {occurrence_id})"},
        status="sent" if delivered else "pending",
        attempts=1 if delivered else 0,
        next_attempt_at=at,
        sent_at=at if delivered else None,
        created_at=at,
    )
    session.add(row)
    await session.flush()
    session.add(
        ReminderLog(
            key=key,
            occurrence_id=occurrence_id,
            unit_id=unit_id,
            member_id=member.id,
            step="T-1",
            status="queued",
            outbox_id=row.id,
            created_at=at,
        )
    )


def remind(
    cw: ConsoleWorld, user: str, ordinal: str, unit: str = "P_KD", *, delivered: bool = True
) -> None:
    """As if the reminder planner had reminded ``user`` of task ``ordinal`` just now: the
    message delivered (or, ``delivered=False``, still waiting in the outbox)."""
    occurrence_id = cw.world.occurrences[ordinal]
    unit_id = cw.world.units[unit]
    cw.query(lambda s: add_reminder(s, user, occurrence_id, unit_id, cw.clock.now(), delivered))


async def _reports(session) -> list[Report]:  # noqa: ANN001
    return list((await session.exec(select(Report).order_by(Report.id))).all())


def all_reports(cw: ConsoleWorld) -> list[Report]:
    return cw.query(_reports)
