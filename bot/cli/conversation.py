"""``dondoc console`` (chat as a user in the terminal), ``dondoc parse-reply`` (how a short reply
is understood) and ``dondoc summary`` (the coordinator's numbers on the command line)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import click

from bot.cli import App, help_text, pass_app
from bot.console import ConsoleChannel, ConsoleSession
from bot.wiring import bot_context
from handlers.core import Conversation
from handlers.replies import parse_reply
from storage.db import current_revision, transaction
from storage.errors import UserError
from storage.periods import parse_period
from storage.summary import Category, compute_summary


@click.command("console", help=help_text("cli.help.console"))
@click.option("--user", "user", required=True, help=help_text("cli.help.console_user"))
@click.option("--name", "display_name", default="", help=help_text("cli.help.console_name"))
@pass_app
def console_command(app: App, user: str, display_name: str) -> None:
    interactive = sys.stdin.isatty()

    def write(text: str) -> None:
        click.echo(text)
        click.echo("")

    async def body() -> None:
        if await current_revision(app.engine) is None:
            raise UserError("db.not_initialised")
        ctx = bot_context(app.settings, app.engine, app.clock)
        session = ConsoleSession(Conversation(ctx), ConsoleChannel(write), user, display_name)
        if interactive:
            click.echo(app.t("cli.console.welcome", user=user))
        while True:
            if interactive:
                click.echo("> ", nl=False)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            if session.wanted(line):
                await session.say(line)

    app.run(body)


@click.command("parse-reply", help=help_text("cli.help.parse_reply"))
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def parse_reply_command(app: App, text: str, as_json: bool) -> None:
    parsed = parse_reply(text)
    if as_json:
        app.echo_json(parsed.to_json())
        return
    if parsed.acknowledgement:
        click.echo(app.t("cli.parse_reply.acknowledgement"))
        return
    click.echo(app.t("cli.parse_reply.status", status=app.t(f"cli.parse_reply.{parsed.status}")))
    if parsed.percent is not None:
        click.echo(app.t("cli.parse_reply.percent", percent=parsed.percent))
    if parsed.note:
        click.echo(app.t("cli.parse_reply.note", note=parsed.note))


@click.command("summary", help=help_text("cli.help.summary"))
@click.option("--plan", "plan_code", default=None, help=help_text("cli.help.summary_plan"))
@click.option("--period", "period_text", default=None, help=help_text("cli.help.summary_period"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def summary_command(
    app: App, plan_code: str | None, period_text: str | None, as_json: bool
) -> None:
    calendar = app.settings.calendar()
    today = calendar.local_date(app.clock.now())

    async def body() -> dict[str, Any]:
        period = parse_period(period_text, today=today) if period_text else None
        async with transaction(app.engine) as session:
            summary = await compute_summary(
                session, today=today, plan_code=plan_code, period=period, tz=calendar.tz
            )
        late: dict[str, dict[str, Any]] = {}
        for item in summary.items:
            if item.category is Category.OVERDUE:
                entry = late.setdefault(
                    item.unit_code,
                    {"unit_code": item.unit_code, "unit_name": item.unit_name, "tasks": []},
                )
                entry["tasks"].append(
                    {
                        "plan_code": item.plan_code,
                        "ordinal": item.ordinal,
                        "title": item.title,
                        "period": item.period,
                        "due": item.due.isoformat() if item.due else None,
                        "status": item.status,
                        "percent": item.percent,
                    }
                )
        return {
            "today": today.isoformat(),
            "plan_code": summary.plan_code,
            "period": period.label if period else None,
            "until": summary.last.isoformat() if summary.last else None,
            "total": len(summary.items),
            "units": len(summary.per_unit),
            "counts": {c.value: summary.counts[c] for c in Category},
            "blocked": [
                {
                    "unit_code": i.unit_code,
                    "unit_name": i.unit_name,
                    "plan_code": i.plan_code,
                    "ordinal": i.ordinal,
                    "title": i.title,
                    "note": i.note,
                }
                for i in summary.blocked
            ],
            "unreachable_units": [
                {"code": u.code, "name": u.name} for u in summary.unreachable_units
            ],
            "late_units": sorted(late.values(), key=lambda e: (-len(e["tasks"]), e["unit_name"])),
        }

    data = app.run(body)
    if as_json:
        app.echo_json(data)
        return
    scope = data["plan_code"] or app.t("conv.summary.all_plans")
    if data["period"]:
        click.echo(app.t("cli.summary.title_period", plan=scope, period=data["period"]))
    else:
        click.echo(app.t("cli.summary.title_until", plan=scope, until=data["until"] or "-"))
    click.echo(app.t("conv.summary.total", total=data["total"], units=data["units"]))
    for category in Category:
        label = app.t(f"conv.category.{category.value}")
        click.echo(app.t("conv.summary.count", label=label, count=data["counts"][category.value]))
    click.echo(
        app.t("conv.summary.count", label=app.t("conv.flag.blocked"), count=len(data["blocked"]))
    )
    click.echo(
        app.t(
            "conv.summary.count",
            label=app.t("conv.flag.unreachable"),
            count=len(data["unreachable_units"]),
        )
    )
    for entry in data["late_units"]:
        click.echo(app.t("conv.summary.unit", unit=entry["unit_name"], count=len(entry["tasks"])))
        for task in entry["tasks"]:
            title = f"{task['ordinal']}. {task['title']}" if task["ordinal"] else task["title"]
            click.echo(
                app.t(
                    "conv.summary.item",
                    title=title,
                    plan=task["plan_code"],
                    due=task["due"] or task["period"],
                )
            )
    for item in data["blocked"]:
        click.echo(
            app.t(
                "conv.summary.blocked_item",
                unit=item["unit_name"],
                title=item["title"],
                note=item["note"] or "-",
            )
        )
    if data["unreachable_units"]:
        names = ", ".join(u["name"] for u in data["unreachable_units"])
        click.echo(app.t("conv.summary.unreachable", units=names))


def register(group: click.Group) -> None:
    group.add_command(console_command)
    group.add_command(parse_reply_command)
    group.add_command(summary_command)
