"""Plan import through ``handlers.plans.import_plan``: real .xlsx/.docx/.csv files built from
the Tân Phú appendix (merged section rows, a header repeated mid-table), every task's schedule,
due date and units checked; re-import keeps reports; dry run writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.handlers.plans.importer import ImportReport, TaskResult, import_plan
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.schedules import DueRules
from dondoc.storage.db import transaction
from dondoc.storage.models import Assignment, AuditLog, Occurrence, Plan, Report, Task, Unit
from dondoc.storage.units import import_units, read_units_file
from tests.plan_fixtures import (
    CENTERS,
    DEPARTMENTS,
    WARDS,
    tanphu_table,
    write_csv,
    write_docx,
    write_units_csv,
    write_xlsx,
)

ALL = set(DEPARTMENTS + CENTERS + WARDS)
CQCM = set(DEPARTMENTS)  # "Các cơ quan chuyên môn": departments and the Văn phòng
TRUONG = "Các trường học công lập thuộc quận"
OUTSIDE = [
    "Chi Cục Thuế quận",
    "Công an quận",
    "Bảo hiểm xã hội quận",
    "Kho bạc Nhà nước quận",
    "Bưu điện",
]
ANNUAL = ("annual", date(2024, 12, 20))  # day 20 of December, a Friday in 2024
ONGOING = ("ongoing", None)
UNKNOWN = ("unknown", None)

# key → (kind, next due seen on 2024-07-01, lead codes, cooperating codes, unresolved names)
EXPECTED: dict[str, tuple[str, date | None, set[str], set[str], set[str]]] = {
    "I.1": ("once", None, ALL - {"NV"}, {"NV"}, set()),
    "I.2": (*ANNUAL, set(), set(), set()),
    "I.3": (*ANNUAL, ALL - {"NV", "VP", "VHTT"}, {"NV", "VP", "VHTT"}, set()),
    "I.4": (*ANNUAL, {"VHTT"}, ALL - {"VHTT"}, set()),
    "I.5": (*ANNUAL, ALL - {"NV"}, {"NV"}, set()),
    "II.1": (*ANNUAL, {"TP"}, ALL - {"TP"}, set()),
    "II.2": (*ANNUAL, ALL - {"TP"}, {"TP"}, set()),
    "II.3": (*UNKNOWN, set(), set(), set()),
    "III.1": (*ANNUAL, ALL - {"VP"}, {"VP"}, set()),
    "III.2": (*ANNUAL, {"VP"}, ALL - {"VP"}, set()),
    "III.3": (*ANNUAL, ALL - {"VP"}, {"VP"}, {"các cơ quan, đơn vị liên quan"}),
    "III.4": (*UNKNOWN, set(), {"VP"}, set()),
    "III.5": (*ONGOING, set(), ALL, set(OUTSIDE)),
    "III.6": (*ANNUAL, {"VP"}, ALL - {"VP"}, set()),
    "IV.1": (*ANNUAL, ALL - {"NV"}, {"NV"}, set()),
    "IV.2": (*UNKNOWN, set(), set(), set()),
    "IV.3": (*ONGOING, {"YT"}, {"TTYT", "BV"}, set()),
    "IV.4": (*ONGOING, {"TTYT", "BV"}, {"YT"}, set()),
    "IV.5": (*ONGOING, {"GDDT"}, set(), {TRUONG}),
    "IV.6": (*UNKNOWN, set(), set(), set()),
    "IV.7": (*ONGOING, set(), {"GDDT"}, {TRUONG}),
    "V.1": ("once", None, CQCM - {"NV"} | set(WARDS), {"NV"}, set()),
    "V.2": ("once", None, set(CENTERS), {"NV"}, set()),
    "VI.1": (*ANNUAL, {"TCKH"}, ALL - {"TCKH"}, set()),
    "VI.2": (*ANNUAL, CQCM - {"TCKH"} | set(WARDS), {"TCKH"}, set()),
    "VI.3": (*ONGOING, {"TCKH"}, set(CENTERS), set()),
    "VI.4": (*ANNUAL, set(), set(), set()),
    "VI.5": (*ONGOING, {"LDTBXH", "NV"}, {"TCKH"}, set()),
    "VI.6": (*ANNUAL, {"KT"}, ALL - {"KT"}, set()),
    "VI.7": (*ANNUAL, set(CENTERS), {"TCKH"}, set()),
    "VII.1": (*UNKNOWN, set(), set(), set()),
}
ONCE_DUE = {"I.1": date(2022, 6, 30), "V.1": date(2022, 12, 31), "V.2": date(2022, 12, 31)}


@pytest.fixture
async def units(engine: AsyncEngine, tmp_path: Path, clock: FakeClock) -> AsyncEngine:
    rows = read_units_file(write_units_csv(tmp_path / "units.csv"))
    async with transaction(engine) as session:
        await import_units(session, rows, clock.now())
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


def _check_task(task: TaskResult) -> None:
    kind, due, lead, coop, unresolved = EXPECTED[task.key]
    assert task.schedule.kind.value == kind, task.key
    assert task.next_due == due, task.key
    if kind == "once":
        assert task.schedule.due == ONCE_DUE[task.key]
    assert {m.unit_code for m in task.lead if m.unit_code} == lead, task.key
    assert {m.unit_code for m in task.cooperating if m.unit_code} == coop, task.key
    names = {m.name for m in task.lead + task.cooperating if m.unit_code is None}
    assert names == unresolved, task.key


@pytest.mark.parametrize("kind", ["xlsx", "docx", "csv"])
async def test_tanphu_appendix_every_task(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar, kind: str
) -> None:
    header, rows = tanphu_table()
    path = tmp_path / f"tanphu.{kind}"
    if kind == "xlsx":
        write_xlsx(path, header, rows, repeat_header_after=14)
    elif kind == "docx":
        write_docx(path, header, rows, repeat_header_after=20)
    else:
        write_csv(path, header, rows)
    report = await _import(units, path, clock, calendar, code="1835/QĐ-UBND", year=2022)
    assert [t.key for t in report.tasks] == list(EXPECTED)
    for task in report.tasks:
        _check_task(task)
    sections = {t.section.split(".")[0] for t in report.tasks}
    assert sections == {"I", "II", "III", "IV", "V", "VI", "VII"}
    assert report.tasks[0].ordinal == "1"
    assert report.tasks[0].title.startswith("Căn cứ vào điều kiện thực tiễn")
    assert "\nTriển khai quán triệt" in report.tasks[0].title  # bullets stripped, lines kept
    # The two seed rows with nothing but an ordinal and text keep their warnings.
    ii3 = next(t for t in report.tasks if t.key == "II.3")
    assert {n.key for n in ii3.warnings} == {"deadline.empty", "import.no_lead"}

    async with transaction(units) as session:
        plan = (await session.exec(select(Plan))).one()
        assert (plan.code, plan.year) == ("1835/QĐ-UBND", 2022)
        tasks = (await session.exec(select(Task).order_by(Task.position))).all()
        assert len(tasks) == 31
        i1 = tasks[0]
        occs = (await session.exec(select(Occurrence).where(Occurrence.task_id == i1.id))).all()
        assert [(o.period, o.due) for o in occs] == [("2022-06", date(2022, 6, 30))]
        unresolved = (
            await session.exec(select(Assignment).where(Assignment.unit_id == None))  # noqa: E711
        ).all()
        assert {a.name_as_written for a in unresolved} == {
            *OUTSIDE,
            TRUONG,
            "các cơ quan, đơn vị liên quan",
        }
        audit = (await session.exec(select(AuditLog).where(AuditLog.action == "plan.import"))).one()
        assert audit.details["created"] == 31


async def test_docx_year_and_period_come_from_the_document(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    header, rows = tanphu_table()
    path = write_docx(tmp_path / "kh.docx", header, rows, split_after=17, signature_table=True)
    report = await _import(units, path, clock, calendar, code="TP")
    assert (report.year, report.last_year) == (2022, 2030)
    assert len(report.tasks) == 31
    annual = next(t for t in report.tasks if t.key == "I.2")
    assert annual.schedule.end == date(2030, 12, 31)
    assert report.plan_title.startswith("Thực hiện chương trình tổng thể")


async def test_dry_run_writes_nothing(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    header, rows = tanphu_table()
    path = write_xlsx(tmp_path / "t.xlsx", header, rows)
    report = await _import(units, path, clock, calendar, code="X", year=2022, dry_run=True)
    assert report.dry_run and len(report.tasks) == 31
    for task in report.tasks:
        _check_task(task)
    async with transaction(units) as session:
        for model in (Plan, Task, Assignment, Occurrence, AuditLog):
            count = (await session.exec(select(func.count()).select_from(model))).one()
            assert count == 0, model.__name__


async def test_reimport_updates_by_key_keeps_reports_and_says_what_changed(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    header, rows = tanphu_table()
    first = write_xlsx(tmp_path / "v1.xlsx", header, rows)
    await _import(units, first, clock, calendar, code="KH", year=2022)
    async with transaction(units) as session:
        task = (await session.exec(select(Task).where(Task.key == "I.4"))).one()
        occ = (
            await session.exec(
                select(Occurrence).where(Occurrence.task_id == task.id, Occurrence.period == "2022")
            )
        ).one()
        unit = (await session.exec(select(Unit).where(Unit.code == "VHTT"))).one()
        session.add(
            Report(
                occurrence_id=occ.id,  # type: ignore[arg-type]
                unit_id=unit.id,  # type: ignore[arg-type]
                status="done",
                created_at=clock.now(),
            )
        )
        removed = (await session.exec(select(Task).where(Task.key == "VII.1"))).one()
        removed_occ_count = len(
            (await session.exec(select(Occurrence).where(Occurrence.task_id == removed.id))).all()
        )
    changed = [list(r) for r in rows]
    for row in changed:
        if row[0].strip() == "4" and "thông tin, tuyên truyền CCHC" in row[1]:
            row[2] = "Hằng quý"  # I.4 becomes quarterly
        if row[0].strip() == "1" and row[1].startswith("Triển khai và hoàn thành phê duyệt"):
            row[3] = "Phòng Nội vụ"  # V.1 gets another lead
    changed = changed[:-1]  # VII.1 disappears (the section row VII stays)
    second = write_xlsx(tmp_path / "v2.xlsx", header, changed)
    report = await _import(units, second, clock, calendar, code="KH", year=2022)
    by_key = {t.key: t for t in report.tasks}
    assert by_key["I.4"].change == "updated"
    assert by_key["I.4"].changed_fields == ["deadline_text", "schedule"]
    assert by_key["V.1"].changed_fields == ["units"]
    assert by_key["I.1"].change == "unchanged"
    assert report.count("updated") == 2 and report.count("created") == 0
    assert report.removed == ["VII.1"]
    async with transaction(units) as session:
        tasks = {t.key: t for t in (await session.exec(select(Task))).all()}
        assert len(tasks) == 31 and tasks["VII.1"].active is False
        assert tasks["I.4"].schedule_kind == "quarterly"
        # The report on the old annual occurrence survives, with its occurrence.
        assert len((await session.exec(select(Report))).all()) == 1
        periods = {
            o.period
            for o in (
                await session.exec(select(Occurrence).where(Occurrence.task_id == tasks["I.4"].id))
            ).all()
        }
        assert "2022" in periods and "2022-Q1" in periods
        v1_leads = (
            await session.exec(
                select(Assignment).where(
                    Assignment.task_id == tasks["V.1"].id, Assignment.role == "lead"
                )
            )
        ).all()
        assert [a.name_as_written for a in v1_leads] == ["Phòng Nội vụ"]
        assert removed_occ_count == 0  # an unknown schedule had no occurrence anyway
    # The same file again: nothing changes.
    again = await _import(units, second, clock, calendar, code="KH", year=2022)
    assert again.count("unchanged") == 30 and again.removed == []


HAND_MADE_HEADER = [
    "stt",
    "NOI DUNG NHIEM VU",
    "Tiến độ hoàn thành",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Kết quả/Sản phẩm",
]


async def test_hand_made_variants(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    """Lower-case header without diacritics after two title lines, a column-number row,
    "A"/"B" section rows with the heading in the second cell, a continuation row with an
    empty TT, HTML and bullets, an output column."""
    rows = [
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["A", "NHIỆM VỤ CHUNG", "", "", "", ""],
        ["1.", "<b>Xây dựng</b> kế hoạch CCHC năm 2024", "trước ngày 05/3/2024",
         "Các phòng: Nội vụ, Tài chính - Kế hoạch", "", "Kế hoạch"],
        ["", "- gửi về Phòng Nội vụ để tổng hợp", "", "", "", ""],
        ["2.", "Báo cáo CCHC định kỳ", "chậm nhất là ngày 05 của tháng cuối kỳ báo cáo",
         "UBND các phường", "Phòng Nội vụ", "Báo cáo"],
        ["B", "NHIỆM VỤ RIÊNG", "", "", "", ""],
        ["1.", "Tổ chức đối thoại", "Sau khi ban hành kế hoạch", "Phòng VH&TT", "", ""],
        ["2.", "Cập nhật dữ liệu", "Hằng tháng", "- Phòng TC-KH\n- Phòng QLĐT",
         "Thanh tra, Công an quận", ""],
    ]  # fmt: skip
    path = write_xlsx(
        tmp_path / "tay.xlsx",
        HAND_MADE_HEADER,
        rows,
        title=("ỦY BAN NHÂN DÂN QUẬN TÂN PHÚ", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024"),
        repeat_header_after=5,
        sheet_before=True,
    )
    report = await _import(units, path, clock, calendar, code="CCHC-2024")
    assert report.year == 2024
    assert [t.key for t in report.tasks] == ["A.1", "A.2", "B.1", "B.2"]
    a1, a2, b1, b2 = report.tasks
    assert a1.ordinal == "1." and a1.section == "A. NHIỆM VỤ CHUNG"
    assert a1.title == "Xây dựng kế hoạch CCHC năm 2024\ngửi về Phòng Nội vụ để tổng hợp"
    assert (a1.schedule.kind.value, a1.schedule.due) == ("once", date(2024, 3, 5))
    assert a1.output == "Kế hoạch"
    assert {m.unit_code for m in a1.lead} == {"NV", "TCKH"}
    assert a2.schedule.kind.value == "periodic" and a2.schedule.day == 5
    assert a2.next_due == date(2024, 9, 5)
    assert {m.unit_code for m in a2.lead} == set(WARDS)
    assert b1.schedule.kind.value == "event" and b1.next_due is None
    assert [n.key for n in b1.warnings] == ["deadline.event_needs_date"]
    assert {m.unit_code for m in b1.lead} == {"VHTT"}
    assert b2.schedule.kind.value == "monthly" and b2.next_due == date(2024, 7, 22)
    assert {m.unit_code for m in b2.lead} == {"TCKH", "QLDT"}
    assert [(m.name, m.unit_code) for m in b2.cooperating] == [
        ("Thanh tra", "TTRA"),
        ("Công an quận", None),
    ]
    assert [n.values for n in b2.warnings] == [{"name": "Công an quận"}]


async def test_two_row_header_and_csv_without_bom(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    path = tmp_path / "hai-dong.csv"
    path.write_text(
        "TT,Nhiệm vụ,Thời gian,Cơ quan thực hiện,\n"
        ",,,Chủ trì,Phối hợp\n"
        "I,VỀ THỂ CHẾ,,,\n"
        '1,Rà soát văn bản,Quý IV năm 2024,Phòng Tư pháp,"Văn phòng UBND quận, Phòng Nội vụ"\n',
        encoding="utf-8",
    )
    report = await _import(units, path, clock, calendar, code="HD", year=2024)
    (task,) = report.tasks
    assert task.key == "1" and task.section == "I. VỀ THỂ CHẾ"
    assert (task.schedule.due, task.schedule.label) == (date(2024, 12, 31), "2024-Q4")
    assert [m.unit_code for m in task.lead] == ["TP"]
    assert [m.unit_code for m in task.cooperating] == ["VP", "NV"]


async def test_event_date_survives_a_reimport(
    units: AsyncEngine, tmp_path: Path, clock: FakeClock, calendar: WorkingCalendar
) -> None:
    from dondoc.handlers.plans.tasks import set_event_date

    header = ["TT", "Nhiệm vụ", "Thời gian", "Chủ trì", "Phối hợp"]
    rows = [["1", "Tổ chức đối thoại", "Sau khi ban hành Kế hoạch", "Phòng Nội vụ", ""]]
    path = write_csv(tmp_path / "sk.csv", header, rows)
    await _import(units, path, clock, calendar, code="SK", year=2024)
    dated = await set_event_date(
        units,
        plan_code="SK",
        task_ref="1",
        when=date(2024, 9, 10),
        now=clock.now(),
        rules=DueRules(),
        calendar=calendar,
    )
    assert (dated.key, dated.due, dated.previous) == ("1", date(2024, 9, 10), None)
    again = await _import(units, path, clock, calendar, code="SK", year=2024)
    assert again.tasks[0].change == "unchanged"
    assert again.tasks[0].schedule.due == date(2024, 9, 10)
    async with transaction(units) as session:
        occurrences = (await session.exec(select(Occurrence))).all()
        assert [(o.period, o.due) for o in occurrences] == [("2024-09-10", date(2024, 9, 10))]
