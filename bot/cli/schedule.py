"""``dondoc schedule preview``: the occurrences and due dates a deadline phrase produces."""

from __future__ import annotations

import re
from datetime import date

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.locales import format_day, format_period
from dondoc.scheduler.phrases import parse_deadline
from dondoc.scheduler.schedules import occurrences
from dondoc.storage.errors import UserError


def parse_cli_date(text: str) -> date:
    """``2024-07-15`` or ``15/07/2024``."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            year, month, day = (int(p) for p in text.split("-"))
            return date(year, month, day)
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        pass
    raise UserError("cli.bad_date", value=text)


@click.group("schedule", help=help_text("cli.help.schedule"))
def schedule_group() -> None:
    pass


@schedule_group.command("preview", help=help_text("cli.help.schedule_preview"))
@click.argument("phrase")
@click.option(
    "--year",
    type=click.IntRange(1990, 2100),
    default=None,
    help=help_text("cli.help.schedule_year"),
)
@click.option("--from", "date_from", default=None, help=help_text("cli.help.schedule_from"))
@click.option("--to", "date_to", default=None, help=help_text("cli.help.schedule_to"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def schedule_preview(
    app: App,
    phrase: str,
    year: int | None,
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
) -> None:
    calendar = app.settings.calendar()
    parsed = parse_deadline(phrase, year=year)
    try:
        first = parse_cli_date(date_from) if date_from else None
        last = parse_cli_date(date_to) if date_to else None
    except UserError as exc:
        app.fail(exc.key, **exc.values)
        return
    # Without --year or --from, show the year the phrase itself names (or this year).
    named = parsed.schedule.due or parsed.schedule.start
    shown_year = year or (first.year if first else None) or (named.year if named else None)
    shown_year = shown_year or calendar.local_date(app.clock.now()).year
    first = first or date(shown_year, 1, 1)
    last = last or date(max(first.year, shown_year), 12, 31)
    if last < first:
        app.fail("cli.range_reversed", first=first.isoformat(), last=last.isoformat())
    found = occurrences(parsed.schedule, first, last, app.settings.due_rules(), calendar)
    if as_json:
        app.echo_json(
            [
                {
                    "period": o.period,
                    "start": o.start.isoformat(),
                    "due": o.due.isoformat() if o.due else None,
                    "nominal_due": o.nominal_due.isoformat() if o.nominal_due else None,
                    "kind": parsed.schedule.kind.value,
                }
                for o in found
            ]
        )
        return
    lang = app.language
    click.echo(
        app.t(
            "cli.schedule.kind",
            phrase=phrase,
            kind=app.t(f"schedule.kind.{parsed.schedule.kind.value}"),
        )
    )
    for warning in parsed.warnings:
        click.echo(app.t("cli.warning", message=app.t(warning, phrase=phrase)))
    if not found:
        click.echo(
            app.t("cli.schedule.none", first=format_day(first, lang), last=format_day(last, lang))
        )
        return
    width = max(len(format_period(occ.period, lang)) for occ in found)
    for occ in found:
        if occ.due is None:
            due_text = app.t("cli.schedule.no_due")
        else:
            due_text = format_day(occ.due, lang)
            if occ.nominal_due and occ.nominal_due != occ.due:
                due_text += "  " + app.t(
                    "cli.schedule.shifted", nominal=format_day(occ.nominal_due, lang)
                )
        click.echo(f"{format_period(occ.period, lang):<{width}}  {due_text}")
    click.echo(app.t("cli.schedule.count", count=len(found)))


def register(group: click.Group) -> None:
    group.add_command(schedule_group)
