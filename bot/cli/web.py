"""``dondoc web`` serves the web desk alone (offline, the demo), ``dondoc web-link --member …``
prints a single-use sign-in link for a member (the administrator's way in, and the way in when
the deployment has no public address for ``/web`` in the chat)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.web_access import LINK_LIFETIME, NewLink, create_link

SIGN_IN_PATH = "/dangnhap/"


@click.command("web", help=help_text("cli.help.web"))
@click.option("--host", default=None, help=help_text("cli.help.web_host"))
@click.option("--port", type=int, default=None, help=help_text("cli.help.web_port"))
@pass_app
def web_command(app: App, host: str | None, port: int | None) -> None:
    from dondoc.bot.web.server import DeskServer, make_desk

    settings = app.settings
    host = host or settings.web_host
    port = settings.web_port if port is None else port

    async def body() -> None:
        server = DeskServer(make_desk(settings, app.engine, app.clock), host, port)
        try:
            await server.start()
        except OSError as exc:
            raise UserError(
                "channels.webhook_port_busy",
                address=f"{host}:{port}",
                reason=exc.strerror or type(exc).__name__,
            ) from None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        click.echo(app.t("cli.web.serving", address=server.address))
        click.echo(app.t("cli.web.how_to_sign_in"))
        try:
            await stop.wait()
        finally:
            await server.stop()
        click.echo(app.t("cli.web.stopped"))

    app.run(body)


@click.command("web-link", help=help_text("cli.help.web_link"))
@click.option("--member", "member_ref", required=True, help=help_text("cli.help.web_link_member"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def web_link_command(app: App, member_ref: str, as_json: bool) -> None:
    from dondoc.storage.people import person

    async def body() -> tuple[NewLink, str]:
        async with transaction(app.engine) as session:
            who = await person(session, member_ref)
            link = await create_link(session, who.id, now=app.clock.now(), via="cli", actor="cli")
            return link, who.label

    link, name = app.run(body)
    base = app.settings.desk_public_url or app.settings.desk_local_url
    url = f"{base}{SIGN_IN_PATH}{link.token}"
    if as_json:
        app.echo_json({"url": url, "member_id": link.member_id, "expires_at": link.expires_at})
        return
    local = app.settings.calendar().local(link.expires_at)
    click.echo(
        app.t(
            "cli.web.link",
            name=name,
            url=url,
            minutes=int(LINK_LIFETIME.total_seconds() // 60),
            expires=f"{local:%H:%M}",
        )
    )


def register(group: click.Group) -> None:
    group.add_command(web_command)
    group.add_command(web_link_command)
