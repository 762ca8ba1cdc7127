"""The dispatcher (*bộ gửi tin*): sends outbox rows through each recipient's channel.

Only the lease holder sends (``scheduler.lease``). Rows are claimed in small batches and sent
one at a time by default (``concurrency=1``): each is marked in its own transaction right after
the channel answers, so a ``kill -9`` leaves at most ``concurrency`` messages sent but not
marked; the next lease holder puts those back to pending and they go out at most once more.
No platform API takes an idempotency key, so a message the platform took just before the
crash cannot be told from one it never got: one duplicate per message in flight is the price
of losing none. A clean stop (``stop_soon``) costs nothing: the message in flight is finished
and marked, the rest of the batch goes back to pending untouched, the next start sends it.

Pacing per channel: at most N messages in any second overall (Telegram 30, less 3 % headroom;
``scheduler.limits.SlidingWindow``) and ``aiolimiter`` per chat (1 msg/s, no burst).
Channel answers (``scheduler.outgoing.FailureKind``):

- retry-after: the row waits the time asked, and the whole channel pauses as long;
- transient (5xx, timeout, network): retried with exponential backoff, up to ``max_attempts``;
- unreachable (blocked the bot, chat not found): the member is marked ``reachable=False`` with
  the reason, the row fails and is never retried; the member's other pending rows are skipped;
- permanent (bad request): the row fails.

Reminders, nudges and digests go out only at allowed moments of the working calendar (working
day, quiet hours); other kinds (answers, notices) at any time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from dondoc.scheduler import outbox
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.lease import DbLease
from dondoc.scheduler.limits import RateLimits, SlidingWindow
from dondoc.scheduler.messaging import Channel, FailureKind, OutgoingMessage, SendOutcome
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.models import Member, Outbox

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The lease could not be renewed: another process may be sending now; stop at once."""


QUIET_KINDS = ("reminder", "nudge", "digest")
DEFAULT_LIMITS = {
    "telegram": RateLimits(30.0, 1.0),
    "zalo": RateLimits(10.0, 1.0),
}


@dataclass
class DispatchStats:
    held: bool = True
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    recovered: int = 0
    rate_limited: int = 0

    def add(self, other: DispatchStats) -> None:
        for name in ("claimed", "sent", "retried", "failed", "unreachable", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.recovered += other.recovered
        self.rate_limited += other.rate_limited


@dataclass
class _Pacer:
    """The limiters of one channel: overall (messages in any second) and per chat (a leaky
    bucket of capacity 1: no burst to one person), created on demand and pruned."""

    limits: RateLimits
    overall: SlidingWindow = field(init=False)
    chats: dict[str, AsyncLimiter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.overall = SlidingWindow(self.limits.per_window, 1.0)

    def chat(self, chat_id: str) -> AsyncLimiter:
        limiter = self.chats.get(chat_id)
        if limiter is None:
            if len(self.chats) > 10_000:
                self.chats = {k: v for k, v in self.chats.items() if not v.has_capacity()}
            limiter = AsyncLimiter(1, self.limits.chat_interval)
            self.chats[chat_id] = limiter
        return limiter


class Dispatcher:
    """Sends due outbox rows; ``run_once`` for one pass, ``run`` for the loop of ``dondoc run``."""

    def __init__(
        self,
        engine: AsyncEngine,
        channels: Mapping[str, Channel],
        clock: Clock,
        *,
        calendar: WorkingCalendar | None = None,
        limits: Mapping[str, RateLimits] | None = None,
        lease: DbLease | None = None,
        lease_ttl: float = 60.0,
        batch_size: int = 20,
        concurrency: int = 1,
        max_attempts: int = 8,
        backoff_base: float = 30.0,
        backoff_cap: float = 3600.0,
        max_batches: int | None = None,
        on_sent: Callable[[Outbox], None] | None = None,
    ) -> None:
        self.engine = engine
        self.channels = dict(channels)
        self.clock = clock
        self.calendar = calendar or WorkingCalendar()
        merged = {**DEFAULT_LIMITS, **(limits or {})}
        self.pacers = {name: _Pacer(merged[name]) for name in self.channels if name in merged}
        self.lease = lease or DbLease(engine, clock, ttl=lease_ttl)
        self.batch_size = batch_size
        self.concurrency = max(1, concurrency)
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_batches = max_batches
        self.paused_until: dict[str, datetime] = {}
        self.on_sent = on_sent
        self.stopping = False
        self._batch = 0
        self._working_days: dict[date, bool] = {}  # the holidays lookup is slow; days repeat

    def stop_soon(self) -> None:
        """Finish the message in flight, send no other: a clean stop (SIGTERM) doubles none."""
        self.stopping = True

    @property
    def holder(self) -> str:
        return self.lease.holder

    def backoff(self, attempts: int) -> timedelta:
        seconds = min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempts - 1))
        return timedelta(seconds=seconds)

    async def ensure_lease(self, stats: DispatchStats) -> bool:
        held = await self.lease.acquire()
        stats.held = held
        if held and self.lease.newly_acquired:
            async with transaction(self.engine) as session:
                stats.recovered += await outbox.recover_abandoned(
                    session, holder=self.holder, now=self.clock.now()
                )
            if stats.recovered:
                log.warning("recovered %d messages left half-sent", stats.recovered)
        return held

    def allowed(self, now: datetime) -> bool:
        """Whether quiet-hours kinds may go out at ``now`` (working day, office hours)."""
        local = self.calendar.local(now)
        day = local.date()
        working = self._working_days.get(day)
        if working is None:
            working = self._working_days[day] = self.calendar.is_working_day(day)
        quiet = self.calendar.quiet_hours
        return working and quiet.start <= local.time().replace(tzinfo=None) < quiet.end

    def _open_channels(self, now: datetime) -> list[str]:
        return [c for c in self.channels if self.paused_until.get(c, now) <= now]

    async def run_once(self, *, lease_checked: bool = False) -> DispatchStats:
        """Send every row due now (batch after batch); returns what happened.

        ``lease_checked``: the caller has just taken or renewed the lease.
        """
        stats = DispatchStats()
        if not lease_checked and not await self.ensure_lease(stats):
            return stats
        batches = 0
        while (self.max_batches is None or batches < self.max_batches) and not self.stopping:
            now = self.clock.now()
            open_channels = self._open_channels(now)
            if not open_channels:
                break
            excluded = () if self.allowed(now) else QUIET_KINDS
            self._batch += 1
            token = f"{self.holder}/{self._batch}"
            async with transaction(self.engine) as session:
                if not await outbox.any_due(
                    session, now=now, channels=open_channels, exclude_kinds=excluded
                ):
                    break
            async with transaction(self.engine) as session:
                rows = await outbox.claim(
                    session,
                    token=token,
                    now=now,
                    limit=self.batch_size,
                    channels=open_channels,
                    exclude_kinds=excluded,
                )
                member_ids = {r.member_id for r in rows}
                members = {
                    m.id: m
                    for m in (
                        await session.exec(select(Member).where(col(Member.id).in_(member_ids)))
                    ).all()
                }
            if not rows:
                break
            batches += 1
            stats.claimed += len(rows)
            try:
                await self._send_batch(rows, members, token, stats)
            except LeaseLost:
                stats.held = False
                log.warning("dispatcher lease lost; leaving the rest to its new holder")
                break
            if not await self.ensure_lease(stats):
                break
        return stats

    async def _send_batch(
        self,
        rows: list[Outbox],
        members: dict[int, Member],
        token: str,
        stats: DispatchStats,
    ) -> None:
        if self.concurrency == 1:
            for row in rows:
                if self.stopping:  # the rest of the batch goes back to pending, untried
                    async with transaction(self.engine) as session:
                        await outbox.release_unfinished(session, token, self.clock.now())
                    return
                await self._send_row(row, members.get(row.member_id), token, stats)
            return
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: Outbox) -> None:
            async with gate:
                if not self.stopping:
                    await self._send_row(row, members.get(row.member_id), token, stats)

        results = await asyncio.gather(*(one(row) for row in rows), return_exceptions=True)
        # Rows of this batch not finished (a stop, the lease lost, a database error): back to
        # pending now, not after the next crash recovery.
        async with transaction(self.engine) as session:
            await outbox.release_unfinished(session, token, self.clock.now())
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _send_row(
        self, row: Outbox, member: Member | None, token: str, stats: DispatchStats
    ) -> None:
        assert row.id is not None
        now = self.clock.now()
        if member is None or not member.active or not member.reachable:
            async with transaction(self.engine) as session:
                await outbox.mark_skipped(
                    session, row.id, token, "recipient inactive or unreachable"
                )
            stats.skipped += 1
            return
        paused = self.paused_until.get(row.channel)
        if paused is not None and paused > now:
            async with transaction(self.engine) as session:
                await outbox.release(session, row.id, token, paused)
            return
        if not self.lease.fresh(self.clock.now()) and not await self.lease.acquire():
            raise LeaseLost  # never send without a lease that outlasts this message
        pacer = self.pacers.get(row.channel)
        if pacer is not None:
            async with pacer.chat(row.chat_id):
                async with pacer.overall:
                    outcome = await self._call(row)
        else:
            outcome = await self._call(row)
        await self._record(row, member, token, outcome, stats)

    async def _call(self, row: Outbox) -> SendOutcome:
        channel = self.channels[row.channel]
        try:
            return await channel.send(row.chat_id, OutgoingMessage.from_payload(row.payload))
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not stop delivery
            log.exception("channel %s raised while sending outbox row %s", row.channel, row.id)
            return SendOutcome.failed(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}")

    async def _record(
        self,
        row: Outbox,
        member: Member,
        token: str,
        outcome: SendOutcome,
        stats: DispatchStats,
    ) -> None:
        assert row.id is not None
        now = self.clock.now()
        if outcome.ok:  # the common case, on a plain connection: the cheapest durable mark
            async with self.engine.begin() as connection:
                await connection.execute(outbox.sent_statement(row.id, token, now))
            stats.sent += 1
            if self.on_sent is not None:
                self.on_sent(row)
            return
        async with transaction(self.engine) as session:
            error = f"{outcome.failure}: {outcome.error}" if outcome.error else str(outcome.failure)
            if outcome.failure is FailureKind.RETRY_AFTER:
                wait = timedelta(seconds=max(1.0, outcome.retry_after or 1.0))
                self.paused_until[row.channel] = now + wait
                stats.rate_limited += 1
                if row.attempts >= self.max_attempts * 3:
                    await outbox.mark_failed(session, row.id, token, error)
                    stats.failed += 1
                else:
                    await outbox.mark_retry(session, row.id, token, now + wait, error)
                    stats.retried += 1
            elif outcome.failure is FailureKind.TRANSIENT:
                if row.attempts >= self.max_attempts:
                    await outbox.mark_failed(session, row.id, token, error)
                    stats.failed += 1
                else:
                    await outbox.mark_retry(
                        session, row.id, token, now + self.backoff(row.attempts), error
                    )
                    stats.retried += 1
            elif outcome.failure is FailureKind.UNREACHABLE:
                await outbox.mark_failed(session, row.id, token, error)
                await session.exec(
                    update(Member)
                    .where(Member.id == member.id)
                    .values(
                        reachable=False,
                        unreachable_reason=(outcome.error or str(outcome.failure))[:500],
                        unreachable_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
                stats.skipped += await outbox.skip_pending(
                    session, member_id=member.id, reason="recipient unreachable"
                )
                audit.record(
                    session,
                    now,
                    "member.unreachable",
                    target=f"{member.channel}:{member.chat_id}",
                    details={"member_id": member.id, "error": outcome.error[:300]},
                )
                member.reachable = False
                stats.unreachable += 1
            else:
                await outbox.mark_failed(session, row.id, token, error)
                stats.failed += 1

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Loop until ``stop`` is set: a pass, then wait ``idle`` seconds (or the stop)."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001 - a database hiccup must not end delivery
                log.exception("dispatcher pass failed; retrying")
            try:
                await asyncio.wait_for(stop.wait(), timeout=idle)
            except TimeoutError:
                pass

    async def close(self) -> None:
        await self.lease.release()
