"""``dondoc remind``, ``dondoc outbox``, ``dondoc tick``: the reminder engine by hand.

- ``remind --at "2024-07-08 08:00" --dry-run [--json]``: what would go out at that local
  moment (one grouped message per recipient); without ``--dry-run`` the reminders due now are
  queued for delivery.
- ``outbox [--status …] [--json]``: delivery status of queued messages.
- ``tick [--at …]``: one planner tick (materialise, plan, digest) under the dispatcher lease;
  delivery itself is done by ``dondoc run``, which has the channels.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

import click
from sqlmodel import col, select

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.cli.schedule import parse_cli_date
from dondoc.scheduler import outbox
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.lease import DbLease
from dondoc.scheduler.messages import step_words
from dondoc.scheduler.reminder_queue import compute_tick, plan_tick
from dondoc.scheduler.ticks import ReminderEngine, build_engine
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Member


def parse_moment(text: str, app: App) -> datetime:
    """``2024-07-08 08:00``, ``2024-07-08T08:00`` or ``08/07/2024 08:00`` (local time); a date
    alone means the reminder time of that day."""
    calendar = app.settings.calendar()
    raw = text.strip()
    match = re.fullmatch(r"(\S+?)(?:[ T](\d{1,2}):(\d{2}))?", raw)
    if not match:
        raise UserError("reminders.cli.bad_moment", value=text)
    try:
        day = parse_cli_date(match.group(1))
    except UserError as exc:
        raise UserError("reminders.cli.bad_moment", value=text) from exc
    if match.group(2) is None:
        at = app.settings.remind_time
    else:
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise UserError("reminders.cli.bad_moment", value=text)
        at = time(hour, minute)
    return calendar.at(day, at)


@click.command("remind", help=help_text("cli.help.remind"))
@click.option("--at", "at_text", default=None, help=help_text("cli.help.remind_at"))
@click.option("--dry-run", is_flag=True, help=help_text("cli.help.remind_dry_run"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def remind_command(app: App, at_text: str | None, dry_run: bool, as_json: bool) -> None:
    calendar = app.settings.calendar()
    policy = app.settings.reminder_policy()

    async def body() -> tuple[datetime, list[dict[str, Any]], int]:
        if at_text is not None and not dry_run:
            raise UserError("reminders.cli.at_needs_dry_run")
        now = parse_moment(at_text, app) if at_text else app.clock.now()
        if dry_run:
            return await describe(now, write=False)
        # Queueing for real: only as the lease holder, so a running dispatcher is not doubled.
        lease = DbLease(app.engine, app.clock, ttl=app.settings.dispatcher_lease_seconds)
        if not await lease.acquire():
            raise UserError("reminders.cli.lease_busy")
        try:
            return await describe(now, write=True)
        finally:
            await lease.release()

    async def describe(now: datetime, write: bool) -> tuple[datetime, list[dict[str, Any]], int]:
        async with transaction(app.engine) as session:
            if write:
                tick = await plan_tick(session, now=now, calendar=calendar, policy=policy)
            else:
                tick = await compute_tick(session, now=now, calendar=calendar, policy=policy)
            wanted = [p.member_id for p in tick.messages]
            members = {
                m.id: m
                for m in (
                    await session.exec(select(Member).where(col(Member.id).in_(wanted)))
                ).all()
            }
        occ_due = {o.id: o.due for o in tick.inputs.occurrences}
        rows: list[dict[str, Any]] = []
        for planned in tick.messages:
            member = members[planned.member_id]
            recipient = member.display_name or f"{member.channel}:{member.chat_id}"
            for r in planned.reminders:
                due = occ_due.get(r.occurrence_id)
                rows.append(
                    {
                        "key": r.key,
                        "outbox_key": planned.outbox_key,
                        "unit_code": tick.inputs.units.get(r.unit_id, ("", ""))[0],
                        "recipient": recipient,
                        "member_id": member.id,
                        "channel": member.channel,
                        "language": planned.language,
                        "role": r.role,
                        "escalation": r.escalation,
                        "step": r.step,
                        "occurrence_id": r.occurrence_id,
                        "occurrence_due": due.isoformat() if due else None,
                        "text": planned.message_text,
                    }
                )
        return now, rows, len(tick.messages)

    now, rows, messages = app.run(body)
    if as_json:
        app.echo_json(rows)
        return
    local = calendar.local(now).strftime("%d/%m/%Y %H:%M")
    if not rows:
        click.echo(app.t("reminders.cli.nothing", at=local))
        return
    key = "reminders.cli.would_send" if dry_run else "reminders.cli.queued"
    click.echo(app.t(key, at=local, messages=messages, items=len(rows)))
    shown: set[str] = set()
    for row in rows:
        if row["outbox_key"] in shown:
            continue
        shown.add(row["outbox_key"])
        steps = ", ".join(
            step_words(r["step"], app.language)
            for r in rows
            if r["outbox_key"] == row["outbox_key"]
        )
        click.echo("")
        click.echo(
            app.t(
                "reminders.cli.recipient",
                recipient=row["recipient"],
                unit=row["unit_code"],
                channel=row["channel"],
                steps=steps,
            )
        )
        for line in row["text"].splitlines():
            click.echo(f"    {line}")


@click.command("outbox", help=help_text("cli.help.outbox"))
@click.option(
    "--status",
    type=click.Choice(list(outbox.STATUSES)),
    default=None,
    help=help_text("cli.help.outbox_status"),
)
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=50, help=help_text("cli.help.outbox_limit")
)
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def outbox_command(app: App, status: str | None, limit: int, as_json: bool) -> None:
    calendar = app.settings.calendar()

    async def body() -> tuple[dict[str, int], list[dict[str, Any]]]:
        async with transaction(app.engine) as session:
            counts = await outbox.counts(session)
            rows = await outbox.list_rows(session, status=status, limit=limit)
            wanted = sorted({r.member_id for r in rows})
            names = {
                m.id: m.display_name or f"{m.channel}:{m.chat_id}"
                for m in (
                    await session.exec(select(Member).where(col(Member.id).in_(wanted)))
                ).all()
            }

        def when(value: datetime | None) -> str | None:
            return calendar.local(value).isoformat(timespec="seconds") if value else None

        return counts, [
            {
                "id": r.id,
                "key": r.key,
                "kind": r.kind,
                "recipient": names.get(r.member_id, str(r.member_id)),
                "member_id": r.member_id,
                "channel": r.channel,
                "status": r.status,
                "attempts": r.attempts,
                "last_error": r.last_error,
                "next_attempt_at": when(r.next_attempt_at),
                "sent_at": when(r.sent_at),
                "created_at": when(r.created_at),
            }
            for r in rows
        ]

    counts, rows = app.run(body)
    if as_json:
        app.echo_json({"counts": counts, "rows": rows})
        return
    click.echo(app.t("reminders.cli.outbox_counts", **counts))
    if not rows:
        click.echo(app.t("reminders.cli.outbox_empty"))
        return
    for r in rows:
        status_word = app.t(f"reminders.cli.status.{r['status']}")
        moment = r["sent_at"] or r["next_attempt_at"] or ""
        kind_word = app.t(f"reminders.cli.kind.{r['kind']}")
        line = f"#{r['id']:<6} {status_word:<14} {kind_word:<12} {r['recipient'][:28]:<28} "
        line += f"{r['channel']:<9} {app.t('reminders.cli.attempts', count=r['attempts'])}  "
        line += moment.replace("T", " ")[:16]
        if r["last_error"]:
            line += "  " + app.t("reminders.cli.last_error", error=r["last_error"][:80])
        click.echo(line)


@click.command("tick", help=help_text("cli.help.tick"))
@click.option("--at", "at_text", default=None, help=help_text("cli.help.remind_at"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def tick_command(app: App, at_text: str | None, as_json: bool) -> None:
    async def body() -> dict[str, Any]:
        now = parse_moment(at_text, app) if at_text else app.clock.now()
        # The lease runs on the real clock; the plan is made for ``now``.
        lease = DbLease(app.engine, app.clock, ttl=app.settings.dispatcher_lease_seconds)
        if not await lease.acquire():
            raise UserError("reminders.cli.lease_busy")
        try:
            reminders: ReminderEngine = build_engine(
                engine=app.engine,
                channels={},
                clock=FakeClock(now),
                settings=app.settings,
                lease=lease,
            )
            result = await reminders.plan(now)
        finally:
            await lease.release()
        return {
            "at": now.isoformat(),
            "materialised": result.materialised,
            "messages_queued": result.queued,
            "digests_queued": result.digests,
            "steps_skipped": result.skipped_steps,
        }

    summary = app.run(body)
    if as_json:
        app.echo_json(summary)
        return
    click.echo(
        app.t(
            "reminders.cli.tick_done",
            messages=summary["messages_queued"],
            digests=summary["digests_queued"],
            skipped=summary["steps_skipped"],
        )
    )


def register(group: click.Group) -> None:
    group.add_command(remind_command)
    group.add_command(outbox_command)
    group.add_command(tick_command)
