"""The reminder ticks (*nhịp đôn đốc*): APScheduler 3.x drives the planner, dispatcher, digest.

APScheduler only *ticks*; what to send is derived from the data at each tick (DESIGN.md
principle 1). One job, ``reminders.tick``, every minute and once at once after a start (job
defaults set once on the scheduler: ``coalesce``, no misfire grace, one instance at a time):
materialise occurrences when the local day changed (a daily step, not every tick), plan the
reminders due since the previous tick (the first tick after a start looks at the whole window:
that is the catch-up after downtime), queue the coordinator's digest once its time of day has
come (the digest's one trigger: idempotent per day, caught up after downtime too), then
deliver the outbox.

Only the holder of the dispatcher lease plans and sends; other processes tick idly.
``Ticking`` is what ``dondoc run`` starts and stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.digest import digest_moment, queue_digest
from dondoc.scheduler.dispatcher import Dispatcher, DispatchStats
from dondoc.scheduler.limits import RateLimits
from dondoc.scheduler.messaging import Channel
from dondoc.scheduler.occurrences import sync_all_occurrences
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.scheduler.schedules import DueRules
from dondoc.scheduler.waves import SLICE_UNITS, TICK_BUDGET, Wave, advance
from dondoc.storage.db import transaction

log = logging.getLogger(__name__)

MATERIALISE_DAYS = 120  # occurrences are materialised this far ahead of today


class TickSettings(Protocol):
    """What the ticks read from the deployment settings (``bot.settings.Settings``)."""

    delivery_max_attempts: int
    delivery_concurrency: int
    dispatcher_lease_seconds: float
    plan_tick_messages: int

    def calendar(self) -> WorkingCalendar: ...
    def reminder_policy(self) -> ReminderPolicy: ...
    def due_rules(self) -> DueRules: ...
    def delivery_limits(self) -> dict[str, RateLimits]: ...


@dataclass
class TickResult:
    held: bool
    materialised: bool = False
    queued: int = 0
    digests: int = 0
    skipped_steps: int = 0
    slices: int = 0
    delivery: DispatchStats | None = None


class ReminderEngine:
    """Planner + digest + dispatcher for one database, with the clock injected."""

    def __init__(
        self,
        engine: AsyncEngine,
        dispatcher: Dispatcher,
        clock: Clock,
        *,
        calendar: WorkingCalendar,
        policy: ReminderPolicy,
        due_rules: DueRules,
        slice_units: int = SLICE_UNITS,
        tick_budget: int = TICK_BUDGET,
    ) -> None:
        self.engine = engine
        self.dispatcher = dispatcher
        self.clock = clock
        self.calendar = calendar
        self.policy = policy
        self.due_rules = due_rules
        self.slice_units = slice_units
        self.tick_budget = tick_budget
        self.planned_until: datetime | None = None
        self.full_pass_due = True  # the next planning pass looks at the whole window
        self.wave: Wave | None = None  # the planning pass under way, if it spans ticks
        self.materialised_on: date | None = None
        self.digest_on: date | None = None  # the day this process queued (or saw) the digest
        self._lock = asyncio.Lock()  # one tick at a time in this process

    async def materialise(self, today: date) -> None:
        async with transaction(self.engine) as session:
            await sync_all_occurrences(
                session, today + timedelta(days=MATERIALISE_DAYS), self.due_rules, self.calendar
            )
        self.materialised_on = today

    async def plan(self, now: datetime) -> TickResult:
        """Materialise (once a day), plan and queue; no delivery.

        The first planning pass after a start, and the first of each day, looks at the whole
        due-date window (catch-up after downtime; new tasks, members and assignments); the
        others only at steps that began since the previous pass. A pass with more to queue
        than ``tick_budget`` messages goes on at the next tick (``scheduler.waves``). Outside
        working hours nothing is planned and the window since the last pass stays open.
        """
        result = TickResult(held=True)
        today = self.calendar.local_date(now)
        if self.materialised_on != today:
            await self.materialise(today)
            result.materialised = True
            self.full_pass_due = True
        if not self.calendar.is_allowed(now):
            return result
        if self.wave is None or self.full_pass_due:
            since = None if self.full_pass_due else self.planned_until
            if since is not None and since >= now:
                return result
            self.wave = Wave(since=since, started=now)
            self.full_pass_due = False
        progress = await advance(
            self.engine,
            self.wave,
            now=now,
            calendar=self.calendar,
            policy=self.policy,
            slice_units=self.slice_units,
            budget=self.tick_budget,
        )
        result.queued = progress.queued
        result.skipped_steps = progress.skipped_steps
        result.slices = progress.slices
        if self.wave.done:
            self.planned_until = self.wave.started
            self.wave = None
        if self.digest_on != today and now >= digest_moment(today, self.calendar, self.policy):
            async with transaction(self.engine) as session:
                result.digests = await queue_digest(
                    session, now=now, calendar=self.calendar, policy=self.policy
                )
            self.digest_on = today
        return result

    async def tick(self) -> TickResult:
        """One tick: take/renew the lease, plan, queue the digest when due, deliver."""
        async with self._lock:
            return await self._tick()

    async def _tick(self) -> TickResult:
        held_stats = DispatchStats()
        if not await self.dispatcher.ensure_lease(held_stats):
            self.full_pass_due = True  # whoever holds it plans; catch up if we take over
            return TickResult(held=False)
        now = self.clock.now()
        result = await self.plan(now)
        result.delivery = await self.dispatcher.run_once(lease_checked=True)
        result.delivery.recovered += held_stats.recovered
        return result

    async def settle(self) -> None:
        """Wait for the tick in flight, if any (a new one may start after)."""
        async with self._lock:
            pass


def build_engine(
    *,
    engine: AsyncEngine,
    channels: Mapping[str, Channel],
    clock: Clock,
    settings: TickSettings | None = None,
    calendar: WorkingCalendar | None = None,
    policy: ReminderPolicy | None = None,
    due_rules: DueRules | None = None,
    limits: Mapping[str, RateLimits] | None = None,
    slice_units: int = SLICE_UNITS,
    tick_budget: int | None = None,
    **dispatcher_options: Any,
) -> ReminderEngine:
    """A ``ReminderEngine`` from settings (or explicit parts, which win)."""
    if settings is not None:
        tick_budget = tick_budget or settings.plan_tick_messages
        calendar = calendar or settings.calendar()
        policy = policy or settings.reminder_policy()
        due_rules = due_rules or settings.due_rules()
        limits = limits or settings.delivery_limits()
        dispatcher_options.setdefault("max_attempts", settings.delivery_max_attempts)
        dispatcher_options.setdefault("concurrency", settings.delivery_concurrency)
        dispatcher_options.setdefault("lease_ttl", settings.dispatcher_lease_seconds)
    calendar = calendar or WorkingCalendar()
    dispatcher = Dispatcher(
        engine, channels, clock, calendar=calendar, limits=limits, **dispatcher_options
    )
    return ReminderEngine(
        engine,
        dispatcher,
        clock,
        calendar=calendar,
        policy=policy or ReminderPolicy(),
        due_rules=due_rules or DueRules(),
        slice_units=slice_units,
        tick_budget=tick_budget or TICK_BUDGET,
    )


# Set once, for every job of the scheduler (APScheduler's ``job_defaults``): a late tick runs
# once (not once per missed minute), however late, and never beside itself.
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


class Ticking:
    """The reminder engine's clockwork: ``start`` ticks it every ``tick_seconds`` (the first
    tick at once: the catch-up after a start), ``stop`` lets no new tick start, lets the one
    in flight finish the message it is sending (the rest stays queued), and closes the
    dispatcher."""

    def __init__(self, reminders: ReminderEngine, tick_seconds: float = 60.0) -> None:
        self.reminders = reminders
        self.tick_seconds = tick_seconds
        self.scheduler = AsyncIOScheduler(timezone=reminders.calendar.tz, job_defaults=JOB_DEFAULTS)

    def start(self) -> None:
        self.scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.tick_seconds),
            id="reminders.tick",
            next_run_time=datetime.now(self.reminders.calendar.tz),
        )
        self.scheduler.start()

    async def _tick(self) -> None:
        try:
            result = await self.reminders.tick()
            if result.queued or result.digests or (result.delivery and result.delivery.claimed):
                log.info("reminder tick: %s", result)
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("reminder tick failed")

    async def stop(self) -> None:
        """A clean stop: no new tick, the running one finishes the message in flight and
        leaves the rest queued (never cancelled mid-send — APScheduler's shutdown cancels
        running jobs, and the platform may have taken the message), then the lease is given
        up for the next start."""
        self.reminders.dispatcher.stop_soon()
        if self.scheduler.running:
            self.scheduler.pause()
        await self.reminders.settle()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.reminders.dispatcher.close()


async def start_ticks(
    *,
    engine: AsyncEngine,
    channels: Mapping[str, Channel],
    clock: Clock,
    settings: TickSettings | None = None,
    tick_seconds: float = 60.0,
    **options: Any,
) -> Ticking:
    """Build the reminder engine and start ticking it on the running event loop."""
    reminders = build_engine(
        engine=engine, channels=channels, clock=clock, settings=settings, **options
    )
    ticking = Ticking(reminders, tick_seconds)
    ticking.start()
    return ticking
