"""Plan import (*nhập kế hoạch*): a plan file as it arrives becomes its proposed tasks, and —
unless it is a dry run — the plan and its tasks in the database, in one transaction.

``propose_plan`` reads the file (``storage.documents``: PDF, Word, text, spreadsheets), its
heading (``handlers.plans.header``), the tasks of its appendix table (``handlers.plans.tables``)
and of its prose (``handlers.plans.prose``), and returns the ``ImportReport`` a coordinator looks
at (``--dry-run``, the chat's confirmation). ``import_plan`` does the same and saves it
(``handlers.plans.saving``): the chat calls it with ``dry_run=True`` first, then again after the
coordinator confirms.

The plan's year comes from its heading, else from the dates its deadlines write, else from the
plan already stored; a plan whose year cannot be found is refused (``import.year_needed``), as is
a file in which no task can be found (``import.no_tasks``). A due day the plan sets for its
reports ("chậm nhất ngày 05 của tháng cuối kỳ") is given to its other periodic reports.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from dondoc.handlers.plans.header import PlanHeader, read_header
from dondoc.handlers.plans.proposal import (
    ImportReport,
    Notice,
    TaskResult,
    from_issue,
    interpret_row,
    next_due,
    with_plan_day,
)
from dondoc.handlers.plans.prose import read_prose
from dondoc.handlers.plans.saving import save_report
from dondoc.handlers.plans.tables import read_tables
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.deadline_finder import find_cues
from dondoc.scheduler.schedules import DueRules, ScheduleKind
from dondoc.storage.db import transaction
from dondoc.storage.documents import PlanDocument, TableBlock, read_document
from dondoc.storage.errors import UserError
from dondoc.storage.plan_tables import PlanTable, document_years
from dondoc.storage.plans import Engine, active_units, find_plan
from dondoc.storage.unit_names import UnitDirectory

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


def _years_of_deadlines(document: PlanDocument) -> int | None:
    """The year most deadlines of the body write ("trước ngày 15/7/2024")."""
    years: Counter[int] = Counter()
    for paragraph in document.paragraphs:
        for cue in find_cues(paragraph.text):
            if cue.cue in ("date", "period"):
                years.update(int(y) for y in _YEAR.findall(cue.phrase))
    return years.most_common(1)[0][0] if years else None


def _plan_due_day(tasks: list[TaskResult]) -> int | None:
    """The due day the plan writes for its periodic reports, when it writes one."""
    days = Counter(
        t.schedule.day
        for t in tasks
        if t.schedule.day and t.schedule.kind in (ScheduleKind.PERIODIC, ScheduleKind.QUARTERLY)
    )
    return days.most_common(1)[0][0] if days else None


def _before_tables(document: PlanDocument) -> list[str]:
    """The paragraphs before the first table (an appendix's own title: "… NĂM 2022 …")."""
    texts: list[str] = []
    for block in document.blocks:
        if isinstance(block, TableBlock):
            break
        texts.append(block.text)
    return texts


def _years(
    header: PlanHeader, table: PlanTable | None, document: PlanDocument
) -> tuple[int | None, int | None]:
    """The plan's first and last year: an appendix table's own title ("Nhiệm vụ trọng tâm năm
    2022 và những năm tiếp theo") for its tasks, else the plan's heading, else its deadlines."""
    if table is not None and table.rows:
        first, last = document_years(table.preamble)
        if first is not None:
            return first, last
    if header.year is not None:
        return header.year, header.last_year
    return _years_of_deadlines(document), None


def _header(document: PlanDocument, table: PlanTable | None) -> PlanHeader:
    if document.paragraphs:
        return read_header(document.head_lines(), [p.text for p in document.paragraphs[:20]])
    preamble = table.preamble if table else []
    return read_header(preamble, preamble)


async def import_plan(
    engine: Engine,
    path: Path,
    *,
    code: str | None = None,
    title: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    now: datetime,
    rules: DueRules,
    calendar: WorkingCalendar,
    actor: str = "cli",
) -> ImportReport:
    """Read ``path`` and create or update the plan ``code`` from it, in one transaction."""
    document = read_document(path)
    today = calendar.local_date(now)
    async with transaction(engine) as session:
        directory = UnitDirectory.of(await active_units(session))
        strict = not document.paragraphs  # a file that is only a table must have one
        table = read_tables(document, directory, _before_tables(document), strict)
        header = _header(document, table)
        code = (code or header.code or path.stem).strip()[:64]
        if not code:
            raise UserError("import.no_code", file=str(path))
        plan = await find_plan(session, code)
        found_year, found_last = _years(header, table, document)
        plan_year = year or found_year or (plan.year if plan else None)
        if plan_year is None:
            raise UserError("import.year_needed", file=str(path))
        last_year = found_last if found_last and found_last > plan_year else None
        rows = table.rows if table else []
        tasks = read_prose(directory, document.paragraphs, plan_year, last_year)
        prose_count = len(tasks)  # the body first, then its appendix, as the file reads
        tasks += [interpret_row(row, directory, plan_year, last_year) for row in rows]
        table_count = len(tasks) - prose_count
        if not tasks:
            raise UserError("import.no_tasks", file=str(path))
        due_day = _plan_due_day(tasks)
        for task in tasks:
            dated = with_plan_day(task.schedule, due_day)
            if dated is not task.schedule:
                task.warnings.append(Notice("import.plan_due_day", {"day": due_day}))
            task.schedule = from_issue(dated, header.issued, plan_year)
            task.next_due = next_due(task.schedule, plan_year, today, rules, calendar)
        report = ImportReport(
            file=str(path),
            plan_code=code,
            plan_title=(title or header.title or path.stem)[:1000],
            year=plan_year,
            last_year=last_year,
            dry_run=dry_run,
            plan_created=plan is None,
            tasks=tasks,
            issuer=header.issuer,
            issued=header.issued,
            kind=document.kind,
            prose_tasks=prose_count,
            table_tasks=table_count,
            plan_due_day=due_day,
        )
        await save_report(
            session, report, plan, now=now, rules=rules, calendar=calendar, actor=actor, today=today
        )
        return report


def with_changes(report: ImportReport, **changes: object) -> ImportReport:
    """A copy of ``report`` with some fields changed (the chat keeps a proposal as it was)."""
    return replace(report, **changes)  # type: ignore[arg-type]
