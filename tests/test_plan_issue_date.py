"""A plan issued mid-year: its recurring tasks start when it was signed, not on 1 January."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from dondoc.handlers.plans.importer import from_issue
from dondoc.scheduler.schedules import Schedule, ScheduleKind
from dondoc.storage.plan_tables import document_date
from tests.conftest import Cli

SAMPLES = Path(__file__).resolve().parents[1] / "bot" / "samples"


def test_issue_date_is_read_from_the_title_block() -> None:
    assert document_date(
        ["ỦY BAN NHÂN DÂN PHƯỜNG PHÚ ĐỊNH", "Phú Định, ngày 08 tháng 10 năm 2025", "KẾ HOẠCH"]
    ) == date(2025, 10, 8)
    assert document_date(
        ["PHỤ LỤC", "(kèm theo Kế hoạch số 125/KH-UBND ngày 28/10/2025 của Ủy ban nhân dân phường)"]
    ) == date(2025, 10, 28)
    # A date that belongs to another document cited in the preamble is not the plan's.
    assert document_date(["Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021"]) is None
    assert document_date(["KẾ HOẠCH", "Cải cách hành chính năm 2024"]) is None


def test_only_the_default_start_moves() -> None:
    monthly = Schedule(ScheduleKind.MONTHLY, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert from_issue(monthly, date(2025, 10, 28), 2025).start == date(2025, 10, 28)
    written = Schedule(ScheduleKind.MONTHLY, start=date(2025, 3, 1), end=date(2025, 12, 31))
    assert from_issue(written, date(2025, 10, 28), 2025) == written
    once = Schedule(ScheduleKind.ONCE, due=date(2025, 11, 14))
    assert from_issue(once, date(2025, 10, 28), 2025) == once
    assert from_issue(monthly, None, 2025) == monthly


def test_sample_plan_owes_no_report_from_before_it_was_signed(dondoc: Cli) -> None:
    dondoc("init")
    dondoc("units", "import", str(SAMPLES / "phuong-mau-units.csv"))
    result = dondoc("plan", "import", str(SAMPLES / "phuong-mau-ke-hoach-cchc-2025.xlsx"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    tasks = data["tasks"] if isinstance(data, dict) else data
    monthly = next(t for t in tasks if t["schedule"]["kind"] == "monthly")
    assert monthly["schedule"]["start"] == "2025-10-28"
    import sqlite3

    with sqlite3.connect(dondoc.data_dir / "dondoc.db") as db:
        periods = [
            row[0]
            for row in db.execute(
                "select o.period from occurrence o join task t on t.id = o.task_id "
                "where t.schedule_kind = 'monthly' order by o.period"
            )
        ]
        issued = db.execute("select issued_date from plan").fetchone()[0]
    assert periods[:2] == ["2025-11", "2025-12"]
    assert str(issued).startswith("2025-10-28")
