"""``dondoc summary``: the coordinator's summary (*tổng hợp*) as text, JSON, Excel, Word or a
chart, from ``storage.summary.compute_summary`` — the same numbers as ``/tonghop`` in chat.
The numbers are grouped in the database and only the rows an output shows are read; the
Excel workbook is streamed (``storage.exports.run.export_summary``).

    dondoc summary [--plan CODE] [--period P | --from D --to D] [--unit CODE]
                   [--format text|json|xlsx|docx|png] [-o FILE]

Files go to ``-o FILE`` or, without it, to the exports folder (``DONDOC_EXPORTS_DIR``, default
``<data dir>/exports``) under a name made of plan and period. An unknown plan, a period that
does not parse or a path that cannot be written: one line in Vietnamese, exit status 2, no
file left behind.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.cli.schedule import parse_cli_date
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.exports import FORMATS, default_filename
from dondoc.storage.exports.run import export_summary
from dondoc.storage.exports.text import summary_dict, summary_text
from dondoc.storage.periods import Period, parse_period
from dondoc.storage.private_files import private_folder
from dondoc.storage.summary import BLOCKED_CODES, compute_summary, load_items
from dondoc.storage.summary_model import Summary, SummaryItem

OUTPUT_FORMATS = ("text", "json", *FORMATS)


def _window(
    period: str | None, date_from: str | None, date_to: str | None, today: date
) -> tuple[Period | None, date | None, date | None]:
    if period and (date_from or date_to):
        raise UserError("summary.period_and_range")
    if period:
        return parse_period(period, today=today), None, None
    first = parse_cli_date(date_from) if date_from else None
    last = parse_cli_date(date_to) if date_to else None
    return None, first, last


@click.command("summary", help=help_text("exports.help.summary"))
@click.option("--plan", "plan_code", default=None, help=help_text("exports.help.summary_plan"))
@click.option("--period", default=None, help=help_text("exports.help.summary_period"))
@click.option("--from", "date_from", default=None, help=help_text("exports.help.summary_from"))
@click.option("--to", "date_to", default=None, help=help_text("exports.help.summary_to"))
@click.option("--unit", "unit_code", default=None, help=help_text("exports.help.summary_unit"))
@click.option(
    "--format", "fmt", default="text", metavar="|".join(OUTPUT_FORMATS),
    help=help_text("exports.help.summary_format"),
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help=help_text("exports.help.summary_json"))
@click.option(
    "-o",
    "--output",
    type=str,
    default=None,
    help=help_text("exports.help.summary_output"),
)
@pass_app
def summary_command(
    app: App,
    plan_code: str | None,
    period: str | None,
    date_from: str | None,
    date_to: str | None,
    unit_code: str | None,
    fmt: str,
    as_json: bool,
    output: str | None,
) -> None:
    fmt = "json" if as_json else fmt.strip().lower()
    calendar = app.settings.calendar()

    async def body() -> tuple[Summary, list[SummaryItem], Path | None]:
        """The numbers grouped in the database; only the rows the output shows are read (the
        JSON lists every item)."""
        if fmt not in OUTPUT_FORMATS:
            raise UserError("export.unknown_format", value=fmt, formats=", ".join(OUTPUT_FORMATS))
        today = calendar.local_date(app.clock.now())
        chosen, first, last = _window(period, date_from, date_to, today)
        async with transaction(app.engine) as session:
            summary = await compute_summary(
                session,
                today=today,
                plan_code=plan_code,
                period=chosen,
                first=first,
                last=last,
                unit_code=unit_code,
                tz=calendar.tz,
                items=fmt == "json",
            )
            if fmt == "text":
                blocked = await load_items(session, summary, codes=BLOCKED_CODES)
                return summary, blocked, None
            if fmt == "json":
                return summary, [], None
            path = await export_summary(
                session,
                summary,
                fmt,
                _target(summary),
                language=app.language,
                issued=summary.today,
                heading=app.settings.report_heading(),
            )
            return summary, [], path

    def _target(summary: Summary) -> Path:
        # No -o: the exports folder. "-o DIR/" (trailing slash) or an existing folder: a file
        # named after plan and period in it, the folder created if needed. Otherwise a file
        # path, whose folder must exist.
        folder: Path | None = None
        if output is None:
            folder = app.settings.exports_path
        elif output.endswith(("/", os.sep)) or Path(output).is_dir():
            folder = Path(output)
        if folder is None:
            return Path(output)  # type: ignore[arg-type]
        try:
            private_folder(folder)
        except OSError:
            raise UserError("export.unwritable.no_permission", path=str(folder)) from None
        return folder / default_filename(summary, fmt)

    summary, blocked, target = app.run(body)
    if fmt == "text":
        click.echo(summary_text(summary, app.language, blocked))
        return
    if fmt == "json":
        app.echo_json(summary_dict(summary))
        return
    click.echo(
        app.t(
            "cli.summary.saved",
            path=str(target),
            total=summary.total,
            units=len(summary.per_unit),
        )
    )


def register(group: click.Group) -> None:
    group.add_command(summary_command)
