"""``dondoc console`` (chat as a user in the terminal) and ``dondoc parse-reply`` (how a short
reply is understood). ``dondoc summary`` lives with the exports (``bot/cli/summary.py``)."""

from __future__ import annotations

import asyncio
import sys

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.console import ConsoleChannel
from dondoc.bot.inbox import Inbox
from dondoc.bot.wiring import bot_context
from dondoc.handlers.conversation.core import Conversation
from dondoc.handlers.replies import parse_reply
from dondoc.storage.db import current_revision
from dondoc.storage.errors import UserError


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
        conversation = Conversation(bot_context(app.settings, app.engine, app.clock))
        inbox = Inbox(
            app.engine, app.clock, conversation.handle, app.settings.locale, conversation.isolation
        )
        console = ConsoleChannel(write, user, display_name)
        await console.start(inbox.receive)
        if interactive:
            click.echo(app.t("cli.console.welcome", user=user))
        while True:
            if interactive:
                click.echo("> ", nl=False)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            if console.wanted(line):
                await console.type(line)

    app.run(body)


@click.command("parse-reply", help=help_text("cli.help.parse_reply"))
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def parse_reply_command(app: App, text: str, as_json: bool) -> None:
    """How one reply is understood: status, percent, note, and whether the bot would ask to
    confirm before saving (the safety net under "done")."""
    parsed = parse_reply(text)
    if as_json:
        app.echo_json(parsed.to_json())
        return
    if parsed.acknowledgement:
        click.echo(app.t("cli.parse_reply.acknowledgement"))
        return
    if parsed.out_of_range is not None and not parsed.is_report:
        click.echo(app.t("cli.parse_reply.ask_percent", number=parsed.out_of_range))
        return
    if parsed.question and not parsed.is_report:
        click.echo(app.t("cli.parse_reply.question"))
        return
    click.echo(app.t("cli.parse_reply.status", status=app.t(f"cli.parse_reply.{parsed.status}")))
    if parsed.percent is not None:
        click.echo(app.t("cli.parse_reply.percent", percent=parsed.percent))
    if parsed.out_of_range is not None:
        click.echo(app.t("cli.parse_reply.ask_percent", number=parsed.out_of_range))
    if parsed.note:
        click.echo(app.t("cli.parse_reply.note", note=parsed.note))
    if parsed.is_report:
        click.echo(
            app.t("cli.parse_reply.confirm" if parsed.confirm else "cli.parse_reply.decided")
        )


def register(group: click.Group) -> None:
    group.add_command(console_command)
    group.add_command(parse_reply_command)
