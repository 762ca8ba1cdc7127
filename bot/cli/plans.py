"""``dondoc plan import|list``, ``dondoc task add|set-date``, ``dondoc tasks list``: loading a
plan as it arrives (PDF, Word, text, its appendix table) and looking at its tasks; ``--review``
writes the proposal as a sheet the coordinator corrects and imports again."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.cli.schedule import parse_cli_date
from dondoc.handlers.plans.importer import import_plan
from dondoc.handlers.plans.proposal import (
    ImportReport,
    Notice,
    TaskResult,
    UnitMention,
    place_parts,
)
from dondoc.handlers.plans.review import write_review
from dondoc.handlers.plans.tasks import DatedTask, add_task, list_plans, list_tasks, set_event_date
from dondoc.locales import format_day
from dondoc.scheduler.schedules import ScheduleKind
from dondoc.storage.errors import UserError
from dondoc.storage.plan_listings import TaskLine

T = TypeVar("T")
TITLE_WIDTH = 60
QUOTE_WIDTH = 200


def _render(app: App, notice: Notice) -> str:
    return app.t(notice.key, **notice.values)


def _excerpt(quote: str, phrase: str, width: int = QUOTE_WIDTH) -> str:
    """The quote, or the part of a long one around its deadline words."""
    line = " ".join(quote.split())
    if len(line) <= width:
        return line
    words = phrase.split(";")[0].strip()
    at = line.find(words) if words else -1
    if at < 0:
        return _short(line, width)
    start = max(0, min(at - width // 2, len(line) - width))
    piece = line[start : start + width]
    piece = piece.split(" ", 1)[-1] if start > 0 else piece
    piece = piece.rsplit(" ", 1)[0] if start + width < len(line) else piece
    return f"{'…' if start > 0 else ''}{piece}{'…' if start + width < len(line) else ''}"


def _place(app: App, source: str) -> str:
    """Where a task stands in the file, in the reader's language ("trang 3, đoạn 12")."""
    return ", ".join(app.t(key, **values) for key, values in place_parts(source)) or source


def _short(text: str, width: int = TITLE_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _units(app: App, mentions: list[UnitMention]) -> str:
    """Names as written, a collective phrase once with its count of units."""
    groups: dict[str, list[UnitMention]] = {}
    for mention in mentions:
        groups.setdefault(mention.name, []).append(mention)
    parts = []
    for name, items in groups.items():
        codes = [m.unit_code for m in items if m.unit_code]
        if not codes:
            parts.append(app.t("cli.plan.unresolved", name=name))
        elif len(codes) > 1:
            parts.append(app.t("cli.plan.group", name=name, count=len(codes)))
        else:
            parts.append(f"{name} [{codes[0]}]")
    return "; ".join(parts)


def _schedule_text(app: App, task: TaskResult) -> str:
    kind = app.t(f"schedule.kind.{task.schedule.kind.value}")
    if task.schedule.kind in (ScheduleKind.ONCE, ScheduleKind.EVENT) and task.schedule.due:
        return f"{kind} {task.schedule.due.strftime('%d/%m/%Y')}"
    return kind


def _echo_task(app: App, task: TaskResult) -> None:
    due = (
        app.t("cli.plan.next_due", day=format_day(task.next_due, app.language))
        if task.next_due
        else app.t("cli.plan.no_due")
    )
    click.echo(f"{task.key:<7} {_short(task.title)}")
    click.echo(f"{'':7} {_schedule_text(app, task)} · {due}")
    if task.lead:
        click.echo(f"{'':7} {app.t('cli.plan.lead', units=_units(app, task.lead))}")
    if task.cooperating:
        click.echo(f"{'':7} {app.t('cli.plan.cooperating', units=_units(app, task.cooperating))}")
    if task.quote:
        quote = _excerpt(task.quote, task.deadline_text)
        where = _place(app, task.source) if task.source else ""
        click.echo(f"{'':7} {app.t('cli.plan.quote', quote=quote, place=where)}")
    for notice in task.warnings:
        click.echo(f"{'':7} {app.t('cli.warning', message=_render(app, notice))}")


def _run_asking_year(app: App, make: Callable[[int | None], Awaitable[T]], year: int | None) -> T:
    """Run ``make(year)``; when the file names no year, ask for it on a terminal."""
    try:
        return _run_raw(app, lambda: make(year))
    except UserError as exc:  # only "import.year_needed" comes through
        if year is None and sys.stdin.isatty():
            asked = click.prompt(app.t("cli.plan.ask_year"), type=click.IntRange(1990, 2100))
            return app.run(lambda: make(asked))
        app.fail(exc.key, **exc.values)
        raise AssertionError("unreachable") from exc


def _run_raw(app: App, make: Callable[[], Awaitable[T]]) -> T:
    """Like ``App.run`` but lets the year question through as an exception."""

    async def body() -> T:
        try:
            return await make()
        except UserError as exc:
            if exc.key == "import.year_needed":
                raise _YearNeeded(exc) from exc
            raise

    try:
        return app.run(body)
    except _YearNeeded as wrapped:
        raise wrapped.error from None


class _YearNeeded(Exception):
    def __init__(self, error: UserError) -> None:
        super().__init__(error.key)
        self.error = error


@click.group("plan", help=help_text("cli.help.plan"))
def plan_group() -> None:
    pass


@plan_group.command("import", help=help_text("cli.help.plan_import"))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--code", default=None, help=help_text("cli.help.plan_code"))
@click.option("--title", default=None, help=help_text("cli.help.plan_title"))
@click.option(
    "--year", type=click.IntRange(1990, 2100), default=None, help=help_text("cli.help.plan_year")
)
@click.option("--dry-run", is_flag=True, help=help_text("cli.help.dry_run"))
@click.option(
    "--review",
    "review",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=help_text("cli.help.review"),
)
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def plan_import(
    app: App,
    file: Path,
    code: str | None,
    title: str | None,
    year: int | None,
    dry_run: bool,
    review: Path | None,
    as_json: bool,
) -> None:
    if review is not None:
        dry_run = True  # a review sheet is for correcting before anything is saved

    def make(chosen: int | None) -> Awaitable[ImportReport]:
        return import_plan(
            app.engine,
            file,
            code=code,
            title=title,
            year=chosen,
            dry_run=dry_run,
            now=app.clock.now(),
            rules=app.settings.due_rules(),
            calendar=app.settings.calendar(),
        )

    report = _run_asking_year(app, make, year)
    if review is not None:
        try:
            write_review(report, review, lambda key, **values: app.t(key, **values))
        except OSError as exc:
            app.fail("review.cannot_write", file=str(review), reason=exc.strerror or str(exc))
    if as_json:
        app.echo_json(
            [t.to_json(lambda n: _render(app, n), lambda s: _place(app, s)) for t in report.tasks]
        )
        return
    click.echo(
        app.t("cli.plan.header", code=report.plan_code, title=report.plan_title, year=report.year)
    )
    click.echo(
        app.t(
            "cli.plan.found",
            kind=report.kind.upper(),
            prose=report.prose_tasks,
            table=report.table_tasks,
        )
    )
    if report.plan_due_day:
        click.echo(app.t("cli.plan.due_day", day=report.plan_due_day))
    section = None
    for task in report.tasks:
        if task.section and task.section != section:
            section = task.section
            click.echo(_short(section, 90))
        _echo_task(app, task)
    for task in report.tasks:
        if task.change == "updated":
            fields = ", ".join(app.t(f"importer.field.{f}") for f in task.changed_fields)
            click.echo(app.t("cli.plan.changed", key=task.key, fields=fields))
    if report.removed:
        click.echo(app.t("cli.plan.removed", keys=", ".join(report.removed)))
    if report.kept_manual:
        click.echo(app.t("cli.plan.kept_manual", keys=", ".join(report.kept_manual)))
    click.echo(
        app.t(
            "cli.plan.imported",
            total=len(report.tasks),
            created=report.count("created"),
            updated=report.count("updated"),
            unchanged=report.count("unchanged"),
            removed=len(report.removed),
            warnings=report.warning_count,
        )
    )
    if review is not None:
        click.echo(app.t("cli.plan.review_written", file=str(review)))
    elif report.dry_run:
        click.echo(app.t("cli.plan.dry_run"))


@plan_group.command("list", help=help_text("cli.help.plan_list"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def plan_list(app: App, as_json: bool) -> None:
    today = app.settings.calendar().local_date(app.clock.now())
    plans = app.run(lambda: list_plans(app.engine, today))
    if as_json:
        app.echo_json([p.to_json() for p in plans])
        return
    if not plans:
        click.echo(app.t("cli.plan.none"))
        return
    for plan in plans:
        nxt = (
            app.t("cli.plan.next_due", day=format_day(plan.next_due, app.language))
            if plan.next_due
            else app.t("cli.plan.no_due")
        )
        click.echo(
            app.t(
                "cli.plan.row",
                code=plan.code,
                title=_short(plan.title or "", 70),
                year=plan.year or "—",
                tasks=plan.tasks,
                next=nxt,
            )
        )
    click.echo(app.t("cli.plan.count", count=len(plans)))


@click.group("task", help=help_text("cli.help.task"))
def task_group() -> None:
    pass


@task_group.command("add", help=help_text("cli.help.task_add"))
@click.option("--plan", "plan_code", required=True, help=help_text("cli.help.task_plan"))
@click.option("--title", required=True, help=help_text("cli.help.task_title"))
@click.option("--deadline", required=True, help=help_text("cli.help.task_deadline"))
@click.option("--lead", required=True, help=help_text("cli.help.task_lead"))
@click.option("--cooperating", default="", help=help_text("cli.help.task_cooperating"))
@click.option("--output", default="", help=help_text("cli.help.task_output"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def task_add(
    app: App,
    plan_code: str,
    title: str,
    deadline: str,
    lead: str,
    cooperating: str,
    output: str,
    as_json: bool,
) -> None:
    result = app.run(
        lambda: add_task(
            app.engine,
            plan_code=plan_code,
            title=title,
            deadline=deadline,
            lead=lead,
            cooperating=cooperating,
            output=output,
            now=app.clock.now(),
            rules=app.settings.due_rules(),
            calendar=app.settings.calendar(),
        )
    )
    if as_json:
        app.echo_json(result.to_json(lambda n: _render(app, n)))
        return
    _echo_task(app, result)
    click.echo(app.t("cli.task.added", key=result.key, plan=plan_code))


@task_group.command("set-date", help=help_text("cli.help.task_set_date"))
@click.option("--plan", "plan_code", required=True, help=help_text("cli.help.task_plan"))
@click.option("--task", "task_ref", required=True, help=help_text("cli.help.task_ref"))
@click.argument("when")
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def task_set_date(app: App, plan_code: str, task_ref: str, when: str, as_json: bool) -> None:
    try:
        day = parse_cli_date(when)
    except UserError as exc:
        app.fail(exc.key, **exc.values)
        return
    dated: DatedTask = app.run(
        lambda: set_event_date(
            app.engine,
            plan_code=plan_code,
            task_ref=task_ref,
            when=day,
            now=app.clock.now(),
            rules=app.settings.due_rules(),
            calendar=app.settings.calendar(),
        )
    )
    if as_json:
        app.echo_json(
            {
                "plan": dated.plan_code,
                "key": dated.key,
                "due": dated.due.isoformat(),
                "working_due": dated.working_due.isoformat(),
                "previous": dated.previous.isoformat() if dated.previous else None,
            }
        )
        return
    lang = app.language
    if dated.previous and dated.previous != dated.due:
        click.echo(
            app.t(
                "cli.task.redated",
                key=dated.key,
                plan=dated.plan_code,
                previous=format_day(dated.previous, lang),
                day=format_day(dated.due, lang),
            )
        )
    else:
        click.echo(
            app.t(
                "cli.task.dated",
                key=dated.key,
                plan=dated.plan_code,
                day=format_day(dated.due, lang),
            )
        )
    if dated.working_due != dated.due:
        click.echo(
            app.t(
                "cli.task.day_off",
                day=format_day(dated.due, lang),
                working=format_day(dated.working_due, lang),
            )
        )


@click.group("tasks", help=help_text("cli.help.tasks"))
def tasks_group() -> None:
    pass


@tasks_group.command("list", help=help_text("cli.help.tasks_list"))
@click.option("--plan", "plan_code", default=None, help=help_text("cli.help.task_plan"))
@click.option("--unit", "unit_code", default=None, help=help_text("cli.help.tasks_unit"))
@click.option("--json", "as_json", is_flag=True, help=help_text("cli.help.json"))
@pass_app
def tasks_list(app: App, plan_code: str | None, unit_code: str | None, as_json: bool) -> None:
    today = app.settings.calendar().local_date(app.clock.now())
    tasks: list[TaskLine] = app.run(
        lambda: list_tasks(app.engine, today, plan_code=plan_code, unit_code=unit_code)
    )
    if as_json:
        app.echo_json([t.to_json() for t in tasks])
        return
    if not tasks:
        click.echo(app.t("cli.tasks.none"))
        return
    lang = app.language
    for task in tasks:
        if task.next_due:
            nxt = app.t("cli.plan.next_due", day=format_day(task.next_due, lang))
        elif task.next_period:
            nxt = app.t("cli.tasks.period", period=task.next_period)
        elif task.last_due:
            nxt = app.t("cli.tasks.was_due", day=format_day(task.last_due, lang))
        else:
            nxt = app.t("cli.plan.no_due")
        event_date = task.schedule.get("due") if task.kind == ScheduleKind.EVENT.value else None
        if event_date:
            kind = app.t(
                "cli.tasks.event_dated", day=format_day(date.fromisoformat(event_date), lang)
            )
        else:
            kind = app.t(f"schedule.kind.{task.kind}")
        click.echo(f"{task.plan}  {task.key:<7} {_short(task.title, 50)}")
        click.echo(f"{'':4}{kind} · {nxt}")
        leads = [UnitMention(m.name, m.unit_code) for m in task.lead]
        if leads:
            click.echo(f"{'':4}{app.t('cli.plan.lead', units=_units(app, leads))}")
    click.echo(app.t("cli.tasks.count", count=len(tasks)))


def register(group: click.Group) -> None:
    group.add_command(plan_group)
    group.add_command(task_group)
    group.add_command(tasks_group)
