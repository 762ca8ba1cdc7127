"""Plans written in prose, imported as they arrive (``handlers.plans.import_plan``): the seed
plans of Quận 6, Thanh Xuân and Phú Định as text, Word and PDF, against a real SQLite file.
Every task keeps the words it was read from and where; the plan's own reporting day and its
2025 exception are followed; a re-import keeps reports and hand-added tasks; a file with no task
or no year changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.handlers.plans.importer import import_plan
from dondoc.handlers.plans.proposal import ImportReport, TaskResult
from dondoc.handlers.plans.tasks import add_task
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.schedules import DueRules
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Occurrence, Plan, Task
from dondoc.storage.units import import_units, read_units_file
from tests.plan_documents import UNITS, docx_from_text, pdf_from_text, seed

Q6_DEPARTMENTS = {"PNV", "PTP", "PTCKH", "PTNMT", "PVHTT", "VPUB", "PKT", "PQLDT", "PLDTBXH"}
Q6_WARDS = {"PH01", "PH02", "PH03"}


async def _registry(engine: AsyncEngine, name: str, clock: FakeClock) -> AsyncEngine:
    async with transaction(engine) as session:
        await import_units(session, read_units_file(UNITS / f"{name}.csv"), clock.now())
    return engine


async def _import(
    engine: AsyncEngine, path: Path, clock: FakeClock, calendar: WorkingCalendar, **kw: object
) -> ImportReport:
    return await import_plan(
        engine,
        path,
        now=clock.now(),
        rules=DueRules(),
        calendar=calendar,
        **kw,  # type: ignore[arg-type]
    )


def _by_quote(report: ImportReport, words: str) -> TaskResult:
    (task,) = [t for t in report.tasks if words in t.quote]
    return task


def _codes(task: TaskResult, role: str = "lead") -> set[str]:
    return {m.unit_code for m in getattr(task, role) if m.unit_code}


async def test_quan6_submission_is_a_task_for_every_unit_it_names(
    engine: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    await _registry(engine, "quan6", clock)
    report = await _import(engine, seed("quan6-par-sipas-2024"), clock, calendar)
    assert (report.year, report.kind, report.table_tasks) == (2024, "txt", 0)
    assert report.plan_title.startswith("Về khắc phục hạn chế")
    task = _by_quote(report, "gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024")
    assert (task.schedule.kind.value, task.schedule.due) == ("once", date(2024, 7, 15))
    assert task.next_due == date(2024, 7, 15)
    # "Thủ trưởng các cơ quan chuyên môn, đơn vị sự nghiệp công lập … và Chủ tịch UBND phường"
    assert _codes(task) == Q6_DEPARTMENTS | {"TTYT"} | Q6_WARDS
    assert "PNV" not in _codes(task, "cooperating")  # "gửi về Phòng Nội vụ": not a duty of it
    assert task.source == "¶85 l621" and task.key.startswith("§III.1/")
    named = _by_quote(report, "trước ngày 15 tháng 9 năm 2024")
    assert _codes(named) == {"PNV", "PTP", "VPUB", "PVHTT", "PTCKH"}  # "Giao Phòng Nội vụ, …"
    monthly = _by_quote(report, "Định kỳ hằng tháng thống kê")
    assert (monthly.schedule.kind.value, _codes(monthly)) == ("monthly", {"VPUB"})  # its heading
    event = _by_quote(report, "ngay khi Thành phố ban hành")
    assert event.schedule.kind.value == "event" and _codes(event, "cooperating") == {"PNV"}
    assert not [t for t in report.tasks if t.section.startswith("I.")]  # goals give no task
    async with transaction(engine) as session:
        stored = (await session.exec(select(Task).where(Task.key == task.key))).one()
        assert (stored.quote, stored.source, stored.origin) == (task.quote, "¶85 l621", "plan")


async def test_the_same_plan_as_word_and_pdf_gives_the_same_tasks(
    engine: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    await _registry(engine, "quan6", clock)
    text = seed("quan6-par-sipas-2024")

    def summary(report: ImportReport) -> list[tuple[str, str, date | None, frozenset[str]]]:
        return [
            (t.key, t.schedule.kind.value, t.schedule.due, frozenset(_codes(t)))
            for t in report.tasks
        ]

    from_text = await _import(engine, text, clock, calendar, dry_run=True, code="Q6")
    word = await _import(
        engine, docx_from_text(text, tmp_path / "q6.docx"), clock, calendar, dry_run=True, code="Q6"
    )
    pdf = await _import(
        engine, pdf_from_text(text, tmp_path / "q6.pdf"), clock, calendar, dry_run=True, code="Q6"
    )
    assert summary(word) == summary(from_text) == summary(pdf)
    assert len(from_text.tasks) >= 13
    page = _by_quote(pdf, "trước ngày 15 tháng 7 năm 2024").source
    assert page.startswith("p") and " ¶" in page  # the PDF's page and paragraph


async def test_thanhxuan_reports_follow_the_plans_own_due_day(
    engine: AsyncEngine, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    await _registry(engine, "thanhxuan", clock)
    report = await _import(engine, seed("thanhxuan-cchc-2024"), clock, calendar)
    assert (report.year, report.plan_due_day) == (2024, 5)
    special = _by_quote(report, "Các cơ quan: Tư pháp, Văn phòng HĐND và UBND quận")
    assert special.schedule.kind.value == "periodic" and special.schedule.day == 5
    assert special.schedule.periods == ("Q1", "6T", "9T", "year")
    assert _codes(special) == {"TXTP", "TXVP", "TXTC", "TXVH", "TXKT", "TXNV"}
    routine = _by_quote(report, "Thực hiện chế độ thông tin, báo cáo định kỳ")
    assert routine.schedule.day == 5  # the plan's day, for this plan only
    assert "import.plan_due_day" in [n.key for n in routine.warnings]
    assert special.next_due == date(2024, 9, 5)  # 9 tháng, day 05 of September
    dialogue = _by_quote(report, "ít nhất 2 lần/năm")
    assert (dialogue.schedule.kind.value, dialogue.schedule.periods) == ("periodic", ("6T", "year"))
    assert _codes(dialogue) == {"TXP1", "TXP2"}  # "Chủ tịch UBND các phường chỉ đạo:"
    unknown = _by_quote(report, "Người đứng đầu các cấp")
    assert [(m.name, m.unit_code) for m in unknown.lead] == [("Người đứng đầu các cấp", None)]


async def test_phudinh_reports_monthly_in_2025_then_quarterly(
    engine: AsyncEngine, calendar: WorkingCalendar
) -> None:
    clock = FakeClock(datetime(2025, 11, 3, 1, 0, tzinfo=UTC))
    await _registry(engine, "phudinh", clock)
    report = await _import(engine, seed("phudinh-par-sipas-2025"), clock, calendar)
    assert (report.plan_code, report.issued, report.year) == ("84/KH-UBND", date(2025, 10, 8), 2025)
    task = _by_quote(report, "Tổng hợp, báo cáo Ủy ban nhân dân phường định kỳ hàng quý")
    assert task.schedule.kind.value == "monthly" and task.schedule.then is not None
    assert task.schedule.then.kind.value == "quarterly"
    assert _codes(task) == {"PVHXH"}
    async with transaction(engine) as session:
        stored = (await session.exec(select(Task).where(Task.key == task.key))).one()
        periods = (
            await session.exec(select(Occurrence.period).where(Occurrence.task_id == stored.id))
        ).all()
    assert {"2025-10", "2025-11", "2025-12", "2026-Q1"} <= set(periods)
    assert "2025-09" not in periods  # signed on 08/10/2025
    timed = _by_quote(report, "Thời gian hoàn thành: Quý IV năm 2025")
    assert (timed.schedule.kind.value, timed.schedule.due, _codes(timed)) == (
        "once",
        date(2025, 12, 31),
        {"TTPV"},
    )
    comma = _by_quote(report, "chỉ tiêu phát triển kinh tế - xã hội năm 2025")
    assert _codes(comma) == {"KTHT"}  # "Phòng Kinh tế, Hạ tầng và Đô thị"


async def test_reimport_keeps_reports_and_tasks_added_by_hand(
    engine: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    await _registry(engine, "phudinh", clock)
    first = await _import(engine, seed("phudinh-par-sipas-2025"), clock, calendar)
    added = await add_task(
        engine,
        plan_code=first.plan_code,
        title="Gửi báo cáo kết quả khảo sát SIPAS",
        deadline="trước ngày 15 tháng 12 năm 2025",
        lead="Phòng Văn hóa - Xã hội",
        now=clock.now(),
        rules=DueRules(),
        calendar=calendar,
    )
    again = await _import(engine, seed("phudinh-par-sipas-2025"), clock, calendar)
    assert again.kept_manual == [added.key] and again.removed == []
    assert again.count("created") == 0 and again.count("unchanged") == len(first.tasks)
    async with transaction(engine) as session:
        manual = (await session.exec(select(Task).where(Task.key == added.key))).one()
        assert manual.active and manual.origin == "manual"


@pytest.mark.parametrize("case", ["no tasks", "no year"])
async def test_a_file_without_tasks_or_year_changes_nothing(
    engine: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar, case: str
) -> None:
    from docx import Document

    await _registry(engine, "quan6", clock)
    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    if case == "no tasks":
        document.add_paragraph("Tổ chức Hội nghị tổng kết năm 2024")
        document.add_paragraph("I. MỤC ĐÍCH")
        document.add_paragraph("- Đánh giá kết quả thực hiện nhiệm vụ.")
    else:
        document.add_paragraph("Tổ chức Hội nghị tổng kết")
        document.add_paragraph("I. NHIỆM VỤ")
        document.add_paragraph("- Phòng Nội vụ thường xuyên theo dõi, đôn đốc.")
    path = tmp_path / "van-ban.docx"
    document.save(path)
    with pytest.raises(UserError) as caught:
        await _import(engine, path, clock, calendar)
    assert caught.value.key == ("import.no_tasks" if case == "no tasks" else "import.year_needed")
    async with transaction(engine) as session:
        assert (await session.exec(select(func.count()).select_from(Plan))).one() == 0
        assert (await session.exec(select(func.count()).select_from(Task))).one() == 0
