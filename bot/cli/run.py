"""``dondoc run``: the bot itself (Zalo and/or Telegram, reminders, optional webhooks)."""

from __future__ import annotations

import sys

import click

from dondoc.bot.cli import App, help_text, pass_app


@click.command("run", help=help_text("cli.help.run"))
@click.option("--webhook", is_flag=True, default=None, help=help_text("cli.help.run_webhook"))
@click.option("--host", default=None, help=help_text("cli.help.run_host"))
@click.option("--port", type=int, default=None, help=help_text("cli.help.run_port"))
@click.option("--public-url", default=None, help=help_text("cli.help.run_public_url"))
@click.option(
    "--allow-insecure-url",
    is_flag=True,
    default=None,
    help=help_text("cli.help.run_allow_insecure_url"),
)
@click.option("--no-ticks", is_flag=True, help=help_text("cli.help.run_no_ticks"))
@pass_app
def run_command(
    app: App,
    webhook: bool | None,
    host: str | None,
    port: int | None,
    public_url: str | None,
    allow_insecure_url: bool | None,
    no_ticks: bool,
) -> None:
    from dondoc.bot.runner import Runner

    overrides = {
        "webhook": webhook,
        "webhook_host": host,
        "webhook_port": port,
        "webhook_public_url": public_url,
        "webhook_allow_insecure_url": allow_insecure_url,
    }
    settings = app.settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    if public_url:
        settings = settings.model_copy(update={"webhook": True})

    async def body() -> int:
        runner = Runner(
            settings, app.engine, app.clock, say=lambda text: click.echo(text), ticks=not no_ticks
        )
        return await runner.run()

    status = app.run(body)
    sys.exit(status)


def register(group: click.Group) -> None:
    group.add_command(run_command)
