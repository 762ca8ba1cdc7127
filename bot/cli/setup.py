"""``dondoc init`` (create or upgrade the database) and ``dondoc settings`` (show settings)."""

from __future__ import annotations

from pathlib import Path

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.settings import GENERATED, NOT_SET, SET
from dondoc.locales import format_number
from dondoc.storage.backup import backup_sqlite, sqlite_file
from dondoc.storage.db import current_revision, migrate
from dondoc.storage.errors import UserError
from dondoc.storage.private_files import tighten


@click.command("init", help=help_text("cli.help.init"))
@pass_app
def init_command(app: App) -> None:
    async def body() -> tuple[str | None, str | None]:
        before = await current_revision(app.engine)
        await migrate(app.engine)
        return before, await current_revision(app.engine)

    before, after = app.run(body)
    url = app.settings.public_view()["database_url"]
    if before == after:
        click.echo(app.t("cli.init.up_to_date", url=url, revision=after))
    elif before is None:
        click.echo(app.t("cli.init.created", url=url, revision=after))
    else:
        click.echo(app.t("cli.init.upgraded", url=url, before=before, revision=after))
    # A database made by an earlier release may be readable by every account of the server.
    database = sqlite_file(app.settings.db_url)
    if database is not None:
        journals = [database.with_name(database.name + tail) for tail in ("-wal", "-shm")]
        if [f for f in (database, *journals) if f.exists() and tighten(f)]:
            click.echo(app.t("cli.init.private", file=str(database)))


@click.command("settings", help=help_text("cli.help.settings"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def settings_command(app: App, as_json: bool) -> None:
    view = app.settings.public_view()
    if as_json:
        app.echo_json(view)
        return
    width = max(len(k) for k in view)
    words = {
        SET: app.t("cli.settings.set"),
        NOT_SET: app.t("cli.settings.not_set"),
        GENERATED: app.t("cli.settings.generated"),
    }
    for key, value in view.items():
        click.echo(f"DONDOC_{key.upper():<{width}}  {words.get(value, value)}")


@click.command("backup", help=help_text("cli.help.backup"))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help=help_text("cli.help.backup_force"))
@pass_app
def backup_command(app: App, file: Path, force: bool) -> None:
    try:
        done = backup_sqlite(app.settings.db_url, file, force=force)
    except UserError as exc:
        app.fail(exc.key, **exc.values)
        return
    for folder in done.created_folders:
        click.echo(app.t("cli.backup.folder_created", folder=str(folder)))
    size = format_number(round(done.size / 1024), app.language)
    if done.replaced_size is None:
        click.echo(app.t("cli.backup.done", file=str(done.path), size=size))
    else:
        old = format_number(round(done.replaced_size / 1024), app.language)
        click.echo(app.t("cli.backup.replaced", file=str(done.path), size=size, old=old))


def register(group: click.Group) -> None:
    group.add_command(init_command)
    group.add_command(backup_command)
    group.add_command(settings_command)
