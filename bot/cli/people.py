"""``dondoc members list|deactivate|move``: who is linked to which unit, and the changes when
someone leaves or moves (the rules of ``handlers.desk.people``; the command line acts as an
administrator)."""

from __future__ import annotations

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.handlers.desk.people import (
    CLI_MANAGER,
    deactivate_person,
    describe,
    move_person,
    reach_words,
)
from dondoc.storage.db import transaction
from dondoc.storage.directory import find_unit
from dondoc.storage.errors import UserError
from dondoc.storage.people import Person, list_people


@click.group("members", help=help_text("cli.help.members"))
def members_group() -> None:
    pass


def _json(person: Person, language: str) -> dict[str, object]:
    return {
        "id": person.id,
        "name": person.name,
        "unit_code": person.unit.code if person.unit else None,
        "unit_name": person.unit.name if person.unit else None,
        "role": person.role,
        "channel": person.channel,
        "channel_user_id": person.channel_user_id,
        "reachable": person.reachable,
        "reach": reach_words(person, language),
        "active": person.active,
        "deactivated_at": person.deactivated_at,
    }


@members_group.command("list", help=help_text("cli.help.members_list"))
@click.option("--unit", "unit_text", default=None, help=help_text("cli.help.members_unit"))
@click.option("--all", "include_inactive", is_flag=True, help=help_text("cli.help.members_all"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def members_list(app: App, unit_text: str | None, include_inactive: bool, as_json: bool) -> None:
    async def body() -> list[Person]:
        async with transaction(app.engine) as session:
            unit_id = None
            if unit_text:
                unit = await find_unit(session, unit_text)
                if unit is None:
                    raise UserError("conv.unit.unknown", value=unit_text[:60])
                unit_id = unit.id
            return await list_people(session, unit_id=unit_id, include_inactive=include_inactive)

    people = app.run(body)
    if as_json:
        app.echo_json([_json(p, app.language) for p in people])
        return
    if not people:
        click.echo(app.t("cli.members.none"))
        return
    current = None
    for person in people:
        unit = person.unit.name if person.unit else app.t("people.no_unit")
        if unit != current:
            click.echo(f"{unit}:")
            current = unit
        click.echo("  " + describe(person, app.language))
    click.echo(app.t("cli.members.count", count=len(people)))


@members_group.command("deactivate", help=help_text("cli.help.members_deactivate"))
@click.argument("member")
@pass_app
def members_deactivate(app: App, member: str) -> None:
    async def body() -> Person:
        async with transaction(app.engine) as session:
            return await deactivate_person(session, member, by=CLI_MANAGER, now=app.clock.now())

    gone = app.run(body)
    unit = gone.unit.name if gone.unit else app.t("people.no_unit")
    click.echo(app.t("people.chat.deactivated", name=gone.label, unit=unit))


@members_group.command("move", help=help_text("cli.help.members_move"))
@click.argument("member")
@click.option("--unit", "unit_text", required=True, help=help_text("cli.help.members_move_unit"))
@pass_app
def members_move(app: App, member: str, unit_text: str) -> None:
    async def body() -> tuple[Person, Person]:
        async with transaction(app.engine) as session:
            return await move_person(
                session, member, unit_text, by=CLI_MANAGER, now=app.clock.now()
            )

    before, after = app.run(body)
    none = app.t("people.no_unit")
    click.echo(
        app.t(
            "people.chat.moved",
            name=after.label,
            old=before.unit.name if before.unit else none,
            new=after.unit.name if after.unit else none,
        )
    )


def register(group: click.Group) -> None:
    group.add_command(members_group)
