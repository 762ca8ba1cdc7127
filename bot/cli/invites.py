"""``dondoc invite create|list|revoke``: an invite code for a unit and role (printed once), the
codes not used yet, and withdrawing one before it is used."""

from __future__ import annotations

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.handlers.desk.people import CLI_MANAGER, open_invites, revoke
from dondoc.locales import format_day, format_short_day
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.invites import NewInvite, create_invite, parse_duration, parse_role
from dondoc.storage.people import OpenInvite
from dondoc.storage.units import unit_by_code


@click.group("invite", help=help_text("cli.help.invite"))
def invite_group() -> None:
    pass


@invite_group.command("create", help=help_text("cli.help.invite_create"))
@click.option("--unit", "unit_code", default=None, help=help_text("cli.help.invite_unit"))
@click.option(
    "--role", default="officer", show_default=True, help=help_text("cli.help.invite_role")
)
@click.option(
    "--expires", default="7d", show_default=True, help=help_text("cli.help.invite_expires")
)
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def invite_create(app: App, unit_code: str | None, role: str, expires: str, as_json: bool) -> None:
    async def body() -> NewInvite:
        parsed_role = parse_role(role)
        lifetime = parse_duration(expires)
        async with transaction(app.engine) as session:
            unit = await unit_by_code(session, unit_code) if unit_code else None
            invite = await create_invite(
                session, unit, parsed_role, lifetime, app.clock.now(), created_by="cli"
            )
            audit.record(
                session,
                app.clock.now(),
                "invite.create",
                actor="cli",
                target=unit_code or "",
                details={"role": parsed_role.value},
            )
            return invite

    invite = app.run(body)
    username = app.settings.telegram_bot_username
    link = f"https://t.me/{username.lstrip('@')}?start={invite.code}" if username else None
    if as_json:
        data = {
            "code": invite.code,
            "unit_code": invite.unit_code,
            "role": invite.role.value,
            "expires_at": invite.expires_at.isoformat(),
        }
        if link:
            data["telegram_link"] = link
        app.echo_json(data)
        return
    local_expiry = app.settings.calendar().local(invite.expires_at)
    click.echo(
        app.t(
            "cli.invite.created",
            code=invite.code,
            unit=invite.unit_code or "-",
            role=app.t(f"role.{invite.role.value}"),
            expires=f"{local_expiry:%H:%M} {format_day(local_expiry, app.language)}",
        )
    )
    click.echo(app.t("cli.invite.how_to_use", code=invite.code))
    if link:
        click.echo(app.t("cli.invite.telegram_link", link=link))
    click.echo(app.t("cli.invite.shown_once"))


@invite_group.command("list", help=help_text("cli.help.invite_list"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def invite_list(app: App, as_json: bool) -> None:
    async def body() -> list[OpenInvite]:
        async with transaction(app.engine) as session:
            return await open_invites(session, app.clock.now())

    invites = app.run(body)
    if as_json:
        app.echo_json(
            [
                {
                    "id": i.id,
                    "unit_code": i.unit.code if i.unit else None,
                    "role": i.role,
                    "expires_at": i.expires_at.isoformat(),
                    "created_by": i.created_by,
                }
                for i in invites
            ]
        )
        return
    if not invites:
        click.echo(app.t("cli.invite.none_open"))
        return
    calendar = app.settings.calendar()
    for invite in invites:
        expires = calendar.local(invite.expires_at)
        click.echo(
            app.t(
                "invites.line",
                id=invite.id,
                unit=invite.unit.name if invite.unit else "-",
                role=app.t(f"role.{invite.role}"),
                expires=f"{expires:%H:%M} {format_short_day(expires, app.language)}",
                by=invite.created_by or "-",
            )
        )
    click.echo(app.t("cli.invite.open_count", count=len(invites)))


@invite_group.command("revoke", help=help_text("cli.help.invite_revoke"))
@click.argument("number")
@pass_app
def invite_revoke(app: App, number: str) -> None:
    async def body() -> OpenInvite:
        async with transaction(app.engine) as session:
            return await revoke(session, number, by=CLI_MANAGER, now=app.clock.now())

    gone = app.run(body)
    click.echo(
        app.t(
            "invites.chat.revoked",
            id=gone.id,
            unit=gone.unit.name if gone.unit else "-",
            role=app.t(f"role.{gone.role}"),
        )
    )


def register(group: click.Group) -> None:
    group.add_command(invite_group)
