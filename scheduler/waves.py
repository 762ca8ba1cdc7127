"""Planning waves (*đợt lập nhắc*): a tick's planning cut into slices of units.

At 08:00 on a working day the steps of the day begin for everyone at once; at national scale
that is tens of thousands of messages, far more than a channel delivers in a minute (30/s on
Telegram) and more than one tick should compose and write. A ``Wave`` is one planning pass —
the window (since, started] — carried across ticks: each tick plans the next slices of units
(by unit id, ``slice_units`` at a time, each slice in its own transaction, reading what its
units are assigned and current reports and members) until it has queued ``budget`` messages
or used its ``seconds``, and the next tick goes on where it stopped. Every recipient belongs
to one unit, so a recipient's items stay in one slice and still arrive as one message.

Each slice plans with the tick's own ``now``; ``ReminderLog`` keys make a step planned twice a
no-op. When the wave is done the next one starts from ``started``, so a step that began while
the wave was under way reaches the units sliced before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.plan_inputs import occurrence_filter
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.scheduler.reminder_queue import compute_tick, write_tick
from dondoc.storage.db import transaction
from dondoc.storage.models import Unit

SLICE_UNITS = 250  # units planned per transaction
TICK_BUDGET = 1500  # messages queued per tick at most: about a minute of Telegram's 30/s
TICK_SECONDS = 0.8  # no new slice is begun when it would end a tick later than this


@dataclass
class Wave:
    """One planning pass, resumable across ticks: ``since`` None is the whole due-date window
    (catch-up); ``after_unit`` is the last unit id already planned."""

    since: datetime | None
    started: datetime
    after_unit: int = 0
    done: bool = False


@dataclass
class WaveProgress:
    """What one tick of a wave did."""

    queued: int = 0
    skipped_steps: int = 0
    slices: int = 0


async def _next_units(session: AsyncSession, after_unit: int, size: int) -> list[int]:
    ids = await session.exec(
        select(Unit.id)
        .where(col(Unit.id) > after_unit, col(Unit.active).is_(True))
        .order_by(col(Unit.id))
        .limit(size)
    )
    return list(ids.scalars().all())


async def advance(
    engine: AsyncEngine,
    wave: Wave,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    slice_units: int = SLICE_UNITS,
    budget: int = TICK_BUDGET,
    seconds: float = TICK_SECONDS,
) -> WaveProgress:
    """Plan and queue the wave's next slices at ``now`` until ``budget`` messages are queued,
    the tick's ``seconds`` are used, or every unit is planned (then ``wave.done``).

    A slice is never cut: the time check, made before each slice but the first, expects
    the next slice to take as long as the slowest one of this tick (slices differ by their
    units' messages; expecting only the previous one's time let a tick run to 0.99 s).
    """
    progress = WaveProgress()
    condition = occurrence_filter(now, policy, calendar, wave.since)
    if condition is None:  # no step began in the window: nothing to look at
        wave.done = True
        return progress
    begun, slowest = time.perf_counter(), 0.0
    while progress.queued < budget:
        started = time.perf_counter()
        if progress.slices and started - begun + slowest > seconds:
            break
        async with transaction(engine) as session:
            units = await _next_units(session, wave.after_unit, slice_units)
            if not units:
                wave.done = True
                break
            tick = await compute_tick(
                session,
                now=now,
                calendar=calendar,
                policy=policy,
                since=wave.since,
                scope=(condition, units),
            )
            progress.queued += await write_tick(session, tick, now=now)
            progress.skipped_steps += tick.skipped_steps
        progress.slices += 1
        wave.after_unit = units[-1]
        slowest = max(slowest, time.perf_counter() - started)
    return progress
