"""``dondoc demo``: a month of a sample ward's work, offline, in under a minute (*chạy thử*).

Everything real but the people and the clock: a fresh SQLite database migrated by Alembic, the
sample ward's units and plan imported through the real importers, officers who join with real
invite codes through the conversation core on the console channel, the real reminder engine
(planner, outbox, dispatcher) ticked by a real APScheduler job whose clock runs a working day
in a few milliseconds, and the coordinator's ``/tonghop`` and exports at the end.

The simulated officers behave as officers do — one unit reports on time, one late, one is
blocked, one answers "in progress" first, one has blocked the bot — and which unit does what
is drawn from ``--seed``, so a seed always tells the same story.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from dondoc.bot.console import CHANNEL, ConsoleChannel, incoming
from dondoc.bot.samples import PLAN_DOCUMENT, UNITS_FILE
from dondoc.bot.settings import Settings
from dondoc.bot.wiring import bot_context
from dondoc.handlers.conversation.core import Conversation
from dondoc.handlers.conversation.report_flow import PickAllListed
from dondoc.handlers.plans.importer import import_plan
from dondoc.locales import _, format_day
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.messaging import FailureKind, OutgoingMessage, SendOutcome
from dondoc.scheduler.ticks import JOB_DEFAULTS, ReminderEngine, build_engine
from dondoc.storage.db import make_engine, migrate, transaction
from dondoc.storage.exports import default_filename, write_export
from dondoc.storage.invites import create_invite
from dondoc.storage.models import Role
from dondoc.storage.private_files import private_folder
from dondoc.storage.summary import compute_summary
from dondoc.storage.summary_model import Category
from dondoc.storage.units import import_units, read_units_file, unit_by_code

START = date(2025, 11, 3)  # a Monday; the sample plan's November deadlines follow
SLOTS = (time(8, 0), time(10, 0), time(14, 30), time(16, 30))  # local moments ticked each day
BEHAVIOURS = ("on_time", "late", "blocked", "progress", "unreachable")

DONE_REPLIES = (
    "Đã hoàn thành, đã gửi báo cáo qua hệ thống",
    "xong",
    "Da hoan thanh",
    "đã nộp báo cáo rồi ạ",
)
PROGRESS_REPLIES = ("đang làm 60%", "đang thực hiện, được khoảng 70 phần trăm", "dang lam 50%")
BLOCKED_REPLIES = (
    "vướng: chưa có số liệu từ Công an phường",
    "vuong mac: chua co so lieu tong hop tu cac khu pho",
)


@dataclass
class Person:
    """A simulated member: who, which unit, what role, how they behave."""

    user: str
    name: str
    unit: str
    role: Role
    behaviour: str = "silent"
    unread: int = 0  # reminders received since they last answered
    answered: int = 0


PEOPLE = (
    Person("ha.vhxh", "Phạm Thu Hà", "VHXH", Role.COORDINATOR),
    Person("hung.vhxh", "Lê Văn Hùng", "VHXH", Role.OFFICER),
    Person("mai.vp", "Trần Thị Mai", "VP", Role.OFFICER),
    Person("tuan.vp", "Hoàng Minh Tuấn", "VP", Role.HEAD),
    Person("an.kt", "Nguyễn Văn An", "KTHTDT", Role.OFFICER),
    Person("lan.tthcc", "Võ Thị Lan", "TTHCC", Role.OFFICER),
    Person("son.tthcc", "Bùi Thanh Sơn", "TTHCC", Role.HEAD),
    Person("bao.cap", "Đặng Quốc Bảo", "CAP", Role.OFFICER),
    Person("quan.qs", "Lý Văn Quân", "QS", Role.OFFICER),  # after the five: never answers
)


@dataclass
class DemoResult:
    directory: Path
    files: dict[str, Path]
    sent: int
    replies: int
    counts: dict[Category, int] = field(default_factory=dict)


class DemoChannel(ConsoleChannel):
    """The console channel of the demo: delivers to the simulated people, prints a line per
    message, and refuses messages to whoever has blocked the bot (as Zalo/Telegram would)."""

    def __init__(self, demo: Demo) -> None:
        super().__init__(demo.line)
        self.demo = demo
        self.sent = 0
        self.blocked: set[str] = set()

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        person = self.demo.people[chat_id]
        if chat_id in self.blocked:
            self.demo.line(self.demo.t("demo.line.refused", name=person.name))
            return SendOutcome.failed(
                FailureKind.UNREACHABLE, "Forbidden: bot was blocked by the user"
            )
        self.sent += 1
        person.unread += 1
        self.demo.show_outgoing(person, message)
        return SendOutcome.sent(f"demo-{self.sent}")


class Demo:
    def __init__(
        self,
        directory: Path,
        seed: int,
        days: int,
        out: Callable[[str], None],
        language: str = "vi",
        verbose: bool = False,
    ) -> None:
        self.directory = directory
        self.seed = seed
        self.days = days
        self.out = out
        self.language = language
        self.verbose = verbose
        self.rng = random.Random(seed)
        self.settings = Settings(
            data_dir=directory,
            database_url=None,
            locale=language,
            report_authority="UBND PHƯỜNG MẪU",
            report_office="PHÒNG VĂN HÓA - XÃ HỘI",
            report_place="Phường Mẫu",
            report_signer_title="TRƯỞNG PHÒNG",
        )
        self.calendar = self.settings.calendar()
        start = datetime.combine(START, time(7, 0), tzinfo=self.calendar.tz)
        self.clock = FakeClock(start)
        self.people = {p.user: Person(p.user, p.name, p.unit, p.role) for p in PEOPLE}
        self.engine = make_engine(self.settings.db_url)
        self.channel = DemoChannel(self)
        self.replies = 0
        self._day_shown: date | None = None
        self._full_shown: set[str] = set()

    # ---- output --------------------------------------------------------------------------

    def t(self, key: str, /, **values: object) -> str:
        return _(key, self.language, **values)

    def _day_header(self) -> None:
        today = self.calendar.local_date(self.clock.now())
        if today != self._day_shown:
            self._day_shown = today
            number = (today - START).days + 1
            done = round(10 * number / self.days)
            self.out(
                self.t(
                    "demo.day",
                    number=number,
                    days=self.days,
                    bar="▰" * done + "▱" * (10 - done),
                    day=format_day(today, self.language),
                )
            )

    def line(self, text: str) -> None:
        self._day_header()
        moment = self.calendar.local(self.clock.now())
        self.out(f"  {moment:%H:%M} {text}")

    def show_outgoing(self, person: Person, message: OutgoingMessage) -> None:
        first = message.text.strip().splitlines()[0] if message.text.strip() else ""
        kind = "digest" if person.role is Role.COORDINATOR else "reminder"
        self.line(self.t("demo.line.sent", name=person.name, unit=person.unit, text=first))
        if self.verbose or kind not in self._full_shown:
            self._full_shown.add(kind)
            for text_line in message.numbered_text().splitlines()[1:]:
                self.out(f"          │ {text_line}")

    # ---- the story -------------------------------------------------------------------------

    async def run(self) -> DemoResult:
        try:
            return await self._run()
        finally:
            await self.engine.dispose()

    async def _run(self) -> DemoResult:
        engine = self.engine
        self.out(
            self.t(
                "demo.title",
                seed=self.seed,
                days=self.days,
                first=format_day(START, self.language),
                last=format_day(START + timedelta(days=self.days - 1), self.language),
            )
        )
        self.out(self.t("demo.directory", path=str(self.directory)))
        await migrate(engine)
        now = self.clock.now()
        async with transaction(engine) as session:
            units = await import_units(session, read_units_file(UNITS_FILE), now)
        report = await import_plan(
            engine,
            PLAN_DOCUMENT,  # the plan as it arrives: a Word file, duties in prose and appendix
            now=now,
            rules=self.settings.due_rules(),
            calendar=self.calendar,
            actor="demo",
        )
        self.out(
            self.t(
                "demo.step.setup",
                units=len(units.created),
                plan=report.plan_code,
                tasks=len(report.tasks),
            )
        )

        officers = [p for p in self.people.values() if p.role is Role.OFFICER]
        self._cast(officers)
        conversation = Conversation(bot_context(self.settings, engine, self.clock))
        await self._join(conversation)
        for person in officers:
            self.out(
                self.t(
                    "demo.cast",
                    name=person.name,
                    unit=person.unit,
                    behaviour=self.t(f"demo.behaviour.{person.behaviour}"),
                )
            )
            if person.behaviour == "unreachable":
                self.channel.blocked.add(person.user)

        self.out(self.t("demo.step.simulate"))
        reminders = build_engine(
            engine=engine,
            channels={CHANNEL: self.channel},
            clock=self.clock,
            settings=self.settings,
        )
        await self._simulate(reminders, conversation)

        return await self._finish(conversation)

    def _cast(self, officers: list[Person]) -> None:
        """Draw who behaves how. "Unreachable" (blocked the bot) goes to an officer who is the
        only member of their unit: a unit with anyone else reachable is not unreachable."""
        behaviours = list(BEHAVIOURS)
        self.rng.shuffle(behaviours)
        for person, behaviour in zip(officers, behaviours, strict=False):
            person.behaviour = behaviour
        members = {p.unit: 0 for p in self.people.values()}
        for person in self.people.values():
            members[person.unit] += 1
        alone = [p for p in officers if members[p.unit] == 1]
        blocked = next(p for p in officers if p.behaviour == "unreachable")
        if members[blocked.unit] > 1:
            swap = self.rng.choice(alone)
            blocked.behaviour, swap.behaviour = swap.behaviour, blocked.behaviour

    async def _join(self, conversation: Conversation) -> None:
        for person in self.people.values():
            async with transaction(self.engine) as session:
                unit = await unit_by_code(session, person.unit)
                invite = await create_invite(
                    session,
                    unit,
                    person.role,
                    timedelta(days=7),
                    self.clock.now(),
                    created_by="demo",
                )
            await self.say(conversation, person, f"/start {invite.code}", quiet=True)
        self.out(self.t("demo.step.joined", count=len(self.people)))

    async def say(
        self, conversation: Conversation, person: Person, text: str, quiet: bool = False
    ) -> list[OutgoingMessage]:
        answers = await conversation.handle(incoming(person.user, text, person.name, self.language))
        if not quiet:
            self.replies += 1
            self.line(self.t("demo.line.reply", name=person.name, text=text))
            for answer in answers:
                first = answer.text.strip().splitlines()[0] if answer.text.strip() else ""
                self.out(f"          {self.t('demo.line.bot', text=first)}")
        return answers

    async def _simulate(self, reminders: ReminderEngine, conversation: Conversation) -> None:
        moments = [
            datetime.combine(START + timedelta(days=d), slot, tzinfo=self.calendar.tz)
            for d in range(self.days)
            for slot in SLOTS
        ]
        finished = asyncio.Event()
        failure: list[BaseException] = []

        async def step() -> None:
            if finished.is_set():
                return
            try:
                self.clock.set(moments.pop(0))
                await self._officers_act(conversation)
                await reminders.tick()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the demo's own task
                failure.append(exc)
                finished.set()
                return
            if not moments:
                finished.set()

        # The fast clock fires faster than a tick can finish; APScheduler says so at WARNING
        # level for every skipped run, which is expected here and would drown the story.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        scheduler = AsyncIOScheduler(job_defaults=JOB_DEFAULTS)
        scheduler.add_job(step, IntervalTrigger(seconds=0.005), id="demo.tick")
        scheduler.start()
        try:
            await finished.wait()
        finally:
            scheduler.shutdown(wait=False)
        if failure:
            raise failure[0]

    async def _officers_act(self, conversation: Conversation) -> None:
        """Each simulated officer answers the reminders they have read, in their own way."""
        today = self.calendar.local_date(self.clock.now())
        if not self.calendar.is_working_day(today):  # officers answer at the office
            return
        for person in self.people.values():
            if person.role is not Role.OFFICER or not person.unread:
                continue
            text = await self._reply_for(person, today)
            if text is None:
                continue
            person.unread = 0
            person.answered += 1
            answers = await self.say(conversation, person, text)
            # Several tasks pending: the bot asks which one; officers answer "all of them".
            asked = answers[-1] if answers else None
            every = PickAllListed().pack()
            if asked and asked.options and any(o.value == every for o in asked.options):
                number = [o.value for o in asked.options].index(every) + 1
                await self.say(conversation, person, str(number))

    async def _reply_for(self, person: Person, today: date) -> str | None:
        if person.behaviour == "on_time":
            return self.rng.choice(DONE_REPLIES)
        if person.behaviour == "progress":
            return self.rng.choice(PROGRESS_REPLIES if person.answered == 0 else DONE_REPLIES)
        if person.behaviour == "blocked":
            return self.rng.choice(BLOCKED_REPLIES) if person.answered == 0 else None
        if person.behaviour == "late":
            # Answers only once something of the unit is already overdue.
            async with transaction(self.engine) as session:
                summary = await compute_summary(
                    session, today=today, unit_code=person.unit, tz=self.settings.timezone
                )
            if summary.counts.get(Category.OVERDUE, 0):
                return self.rng.choice(DONE_REPLIES)
        return None

    async def _finish(self, conversation: Conversation) -> DemoResult:
        coordinator = self.people["ha.vhxh"]
        self.out(self.t("demo.step.summary", name=coordinator.name))
        answers = await conversation.handle(
            incoming(coordinator.user, "/tonghop", coordinator.name, self.language)
        )
        for answer in answers:
            for text_line in answer.numbered_text().splitlines():
                self.out(f"  │ {text_line}")
        today = self.calendar.local_date(self.clock.now())
        async with transaction(self.engine) as session:
            summary = await compute_summary(session, today=today, tz=self.settings.timezone)
        exports = self.directory / "exports"
        private_folder(exports)
        files: dict[str, Path] = {}
        formats = ("xlsx", "docx", "png")
        with click.progressbar(
            formats,
            label=self.t("demo.step.writing"),
            file=sys.stderr if sys.stderr.isatty() else io.StringIO(),  # a bar only on a terminal
        ) as bar:
            for fmt in bar:
                files[fmt] = write_export(
                    summary,
                    fmt,
                    exports / default_filename(summary, fmt),
                    language=self.language,
                    heading=self.settings.report_heading(),
                )
        self.out(self.t("demo.step.files"))
        for fmt, path in files.items():
            self.out(f"  {fmt.upper():<5} {path}")
        self.out(self.t("demo.done", sent=self.channel.sent, replies=self.replies))
        return DemoResult(
            self.directory, files, self.channel.sent, self.replies, dict(summary.counts)
        )


async def run_demo(
    directory: Path,
    *,
    seed: int = 7,
    days: int = 30,
    out: Callable[[str], None] = print,
    language: str = "vi",
    verbose: bool = False,
) -> DemoResult:
    return await Demo(directory, seed, days, out, language, verbose).run()
