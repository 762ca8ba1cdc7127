"""``dondoc units import FILE`` and ``dondoc units list``: the unit registry."""

from __future__ import annotations

from pathlib import Path

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.units import ImportResult, import_units, list_units, read_units_file


@click.group("units", help=help_text("cli.help.units"))
def units_group() -> None:
    pass


@units_group.command("import", help=help_text("cli.help.units_import"))
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def units_import(app: App, file: Path, as_json: bool) -> None:
    async def body() -> ImportResult:
        rows = read_units_file(file)
        async with transaction(app.engine) as session:
            result = await import_units(session, rows, app.clock.now())
            audit.record(
                session,
                app.clock.now(),
                "units.import",
                actor="cli",
                target=str(file),
                details={"created": result.created, "updated": result.updated},
            )
            return result

    result = app.run(body)
    if as_json:
        app.echo_json(
            {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
        return
    click.echo(
        app.t(
            "cli.units.imported",
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
        )
    )


@units_group.command("list", help=help_text("cli.help.units_list"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def units_list(app: App, as_json: bool) -> None:
    async def body() -> list[dict[str, object]]:
        async with transaction(app.engine) as session:
            units = await list_units(session)
            codes = {u.id: u.code for u in units}
            return [
                {
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "label": u.label,
                    "parent": codes.get(u.parent_id),
                    "aliases": list(u.aliases or []),
                }
                for u in units
            ]

    units = app.run(body)
    if as_json:
        app.echo_json(units)
        return
    if not units:
        click.echo(app.t("cli.units.none"))
        return
    width = max(len(str(u["code"])) for u in units)
    for unit in units:
        parent = f"  ⊂ {unit['parent']}" if unit["parent"] else ""
        kind = app.t(f"unit.kind.{unit['kind']}")
        if unit["label"]:  # the kind word the units file used ("cơ quan ngành dọc")
            kind = f"{kind}: {unit['label']}"
        click.echo(f"{unit['code']:<{width}}  {unit['name']}  ({kind}){parent}")
    click.echo(app.t("cli.units.count", count=len(units)))


def register(group: click.Group) -> None:
    group.add_command(units_group)
