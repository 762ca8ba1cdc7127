"""``dondoc attachment REPORT_ID``: download the file an officer attached to a report."""

from __future__ import annotations

from pathlib import Path

import click

from dondoc.bot.cli import App, help_text, pass_app


@click.command("attachment", help=help_text("cli.help.attachment"))
@click.argument("report_id", type=int)
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=help_text("cli.help.attachment_to"),
)
@pass_app
def attachment_command(app: App, report_id: int, folder: Path | None) -> None:
    from dondoc.bot.attachments import fetch_attachment

    target = folder or app.settings.data_dir / "attachments"
    path = app.run(lambda: fetch_attachment(app.settings, app.engine, report_id, target))
    click.echo(app.t("channels.attachment.saved", id=report_id, path=str(path)))


def register(group: click.Group) -> None:
    group.add_command(attachment_command)
