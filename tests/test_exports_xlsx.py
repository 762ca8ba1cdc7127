"""The Excel workbook: opened with openpyxl, values checked cell by cell; atomic writing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.exports import atomic_write, default_filename, write_export, xlsx_matrix
from dondoc.storage.exports.xlsx import sheet_title
from dondoc.storage.models import Report, Task, Unit
from dondoc.storage.periods import parse_period
from tests.summary_data import add_report, build_ward, local, standard_reports, summary_for


@pytest.fixture
async def workbook_path(engine: AsyncEngine, tmp_path: Path) -> Path:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    summary = await summary_for(engine)
    return write_export(summary, "xlsx", tmp_path / "out.xlsx")


def _row(ws, first_value: object) -> tuple:  # noqa: ANN001
    for row in ws.iter_rows(values_only=True):
        if row and first_value in row:
            return row
    raise AssertionError(f"{first_value!r} not found in {ws.title}")


def _cell_of(ws, row_first: object, column_header: str, header_row: int) -> object:  # noqa: ANN001
    headers = [c.value for c in ws[header_row]]
    col = headers.index(column_header) + 1
    for row in ws.iter_rows(min_row=header_row + 1):
        if row_first in [c.value for c in row]:
            return row[col - 1]
    raise AssertionError(row_first)


async def test_summary_sheet(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    assert wb.sheetnames == ["Tổng hợp", "84-KH-UBND", "Báo cáo của đơn vị", "Vướng mắc"]
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    assert [c.value for c in ws[4]] == [
        "STT", "Mã đơn vị", "Đơn vị", "Tổng số nhiệm vụ", "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Đang thực hiện quá hạn",
        "Trong đó chưa báo cáo", "Chưa báo cáo", "Vướng mắc", "Tỷ lệ đúng hạn",
        "Không liên lạc được",
    ]  # fmt: skip
    assert _row(ws, "VHXH")[1:12] == ("VHXH", "Phòng Văn hóa - Xã hội", 2, 1, 0, 1, 0, 0, 0, 0, 1)
    assert _row(ws, "VP")[3:12] == (3, 0, 1, 1, 0, 0, 1, 0, 0)
    kt = _row(ws, "KTHTDT")
    assert kt[7] == 1 and kt[8] == 0 and kt[10] == 1
    assert kt[12] == "Tin nhắn không gửi được tới cán bộ"
    tt = _row(ws, "TTPVHCC")
    assert tt[7] == 1 and tt[8] == 1 and tt[12] == "Chưa có cán bộ kết nối"
    assert _row(ws, "VHXH")[12] is None
    total = _row(ws, "Tổng cộng")
    assert total[3:13] == (7, 1, 1, 2, 2, 1, 1, 1, 0.25, 2)
    assert ws.freeze_panes == "D5"
    assert ws.auto_filter.ref == "A4:M8"
    rate = _cell_of(ws, "VHXH", "Tỷ lệ đúng hạn", 4)
    assert rate.value == 1 and rate.number_format == "0.0%"
    assert ws.column_dimensions["C"].width >= len("Trung tâm Phục vụ hành chính công")
    assert ws["E4"].fill.fgColor.rgb.endswith("C6EFCE")
    _fit_to_print(ws, "$4:$4")


def _fit_to_print(ws, header_rows: str) -> None:  # noqa: ANN001
    """Landscape A4, one page wide, the header rows on every page, page numbers below."""
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is 1 when absent (the file format's default)
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == header_rows
    assert "&P" in ws.oddFooter.center.text and ws.oddHeader.left.text


async def test_plan_matrix(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["84-KH-UBND"]
    assert ws["A1"].value == "Kế hoạch số 84/KH-UBND: Kế hoạch cải cách hành chính năm 2024"
    headers = [c.value for c in ws[4]]
    assert headers[:4] == ["STT", "Nhiệm vụ", "Kỳ báo cáo", "Thời hạn"]
    unit_col = {name: i + 1 for i, name in enumerate(headers) if name and i >= 4}
    assert set(unit_col) == {
        "Phòng Kinh tế, Hạ tầng và Đô thị", "Trung tâm Phục vụ hành chính công",
        "Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND phường",
    }  # fmt: skip
    assert [c.value for c in ws[5]][4:7] == ["Tình trạng", "Ngày báo cáo", "Tiến độ (%)"]
    _fit_to_print(ws, "$4:$5")
    merged = {str(r) for r in ws.merged_cells.ranges}
    first = unit_col["Phòng Văn hóa - Xã hội"]
    from openpyxl.utils import get_column_letter as L

    assert f"{L(first)}4:{L(first + 2)}4" in merged and "A4:A5" in merged
    assert ws.freeze_panes == "E6"
    assert ws.auto_filter.ref.startswith("A5:")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=6)}
    june, july, task2, task3 = rows[1], rows[2], rows[3], rows[4]
    assert june[2].value == "tháng 6/2024" and june[1].value.startswith("1. Báo cáo")
    assert june[3].value == datetime(2024, 6, 20) and june[3].number_format == "DD/MM/YYYY"
    vhxh = june[first - 1 : first + 2]
    assert vhxh[0].value == "Hoàn thành đúng hạn"
    assert vhxh[0].fill.fgColor.rgb.endswith("C6EFCE")
    assert vhxh[1].value == datetime(2024, 6, 20)  # 22:00 local on the due day
    assert vhxh[1].number_format == "DD/MM/YYYY"
    vp_col = unit_col["Văn phòng HĐND và UBND phường"]
    assert june[vp_col - 1].value == "Hoàn thành quá hạn"
    assert june[vp_col - 1].fill.fgColor.rgb.endswith("FFEB9C")
    assert july[first - 1].value == "Đang thực hiện trong hạn" and july[first + 1].value == 70
    assert july[vp_col - 1].value == "Chưa báo cáo" and july[vp_col].value is None
    kt = unit_col["Phòng Kinh tế, Hạ tầng và Đô thị"]
    blocked = task2[kt - 1]
    assert blocked.value == "Đang thực hiện quá hạn – vướng mắc"
    assert blocked.fill.fgColor.rgb.endswith("FFC7CE") and blocked.font.b
    assert "Chưa có số liệu từ Sở Tư pháp" in blocked.comment.text
    assert "chủ trì" in blocked.comment.text
    assert task2[kt].value == datetime(2024, 7, 12)
    assert task2[2].value == "15/07/2024" and task2[3].value == datetime(2024, 7, 15)
    # A unit not assigned to the task: empty, no fill.
    assert task2[first - 1].value is None
    assert task3[3].value is None and task3[2].value == "quý III/2024"
    assert ws.column_dimensions["B"].width >= 40
    tt = unit_col["Trung tâm Phục vụ hành chính công"]
    assert task2[tt - 1].value == "Đang thực hiện quá hạn – chưa báo cáo"
    # The colours' legend stands under the table, in the colours.
    legend = {c.value: c for row in ws.iter_rows(min_row=10) for c in row if c.value}
    assert "Chú giải màu:" in legend
    assert legend["Hoàn thành quá hạn"].fill.fgColor.rgb.endswith("FFEB9C")
    assert legend["Đang thực hiện quá hạn – chưa báo cáo"].fill.fgColor.rgb.endswith("FFC7CE")


async def test_blocked_sheet(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["Vướng mắc"]
    _fit_to_print(ws, "$1:$1")
    assert [c.value for c in ws[1]] == [
        "STT", "Kế hoạch", "Nhiệm vụ", "Kỳ báo cáo", "Thời hạn", "Đơn vị", "Ngày báo cáo",
        "Nội dung vướng mắc", "Minh chứng", "Số báo cáo",
    ]  # fmt: skip
    row = [c.value for c in ws[2]]
    assert row[0:2] == [1, "84/KH-UBND"]
    assert row[4] == datetime(2024, 7, 15) and row[6] == datetime(2024, 7, 12)
    assert row[5] == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert row[7] == "Chưa có số liệu từ Sở Tư pháp"
    assert row[8] is None and isinstance(row[9], int)  # no file; the report's number
    assert ws.max_row == 2 and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J2"


async def test_units_as_rows_when_many_units(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_matrix, "MAX_UNIT_GROUPS", 2)
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    summary = await summary_for(engine, period=parse_period("2024-07"))
    ws = load_workbook(write_export(summary, "xlsx", tmp_path / "wide.xlsx"))["84-KH-UBND"]
    assert [c.value for c in ws[4]][:3] == ["STT", "Mã đơn vị", "Đơn vị"]
    assert ws[4][3].value.startswith("1. Báo cáo tình hình") and "tháng 7/2024" in ws[4][3].value
    assert ws[5][3].value == datetime(2024, 7, 22)  # due date under the task, a real date
    assert ws[5][3].number_format.endswith("DD/MM/YYYY") and "Hạn" in ws[5][3].number_format
    assert ws.freeze_panes == "D7"
    rows = {r[1].value: r for r in ws.iter_rows(min_row=7) if isinstance(r[0].value, int)}
    assert list(rows) == ["KTHTDT", "TTPVHCC", "VHXH", "VP"]
    assert rows["VHXH"][3].value == "Đang thực hiện trong hạn" and rows["VHXH"][5].value == 70
    assert rows["VHXH"][4].value == datetime(2024, 7, 10)


async def test_empty_summary_still_gives_a_workbook(engine: AsyncEngine, tmp_path: Path) -> None:
    summary = await summary_for(engine)
    wb = load_workbook(write_export(summary, "xlsx", tmp_path / "empty.xlsx"))
    assert wb.sheetnames == ["Tổng hợp", "Báo cáo của đơn vị", "Vướng mắc"]
    assert _row(wb["Tổng hợp"], "Tổng cộng")[3] == 0


def test_sheet_titles_are_safe_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("84/KH-UBND", taken) == "84-KH-UBND"
    assert sheet_title("84\\KH-UBND", taken) == "84-KH-UBND (2)"
    long = sheet_title("Kế hoạch số 123/KH-UBND ngày 15/3/2024 [bổ sung]", taken)
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)


async def test_default_filename(engine: AsyncEngine) -> None:
    summary = await summary_for(engine, plan_code=None, period=parse_period("quý III/2024"))
    assert default_filename(summary, "xlsx") == "tong-hop_2024-q3.xlsx"
    await build_ward(engine)
    summary = await summary_for(engine, plan_code="84/KH-UBND", first=date(2024, 7, 1),
                                last=date(2024, 7, 31))  # fmt: skip
    assert default_filename(summary, "docx") == "tong-hop_84-kh-ubnd_2024-07-01-2024-07-31.docx"


def test_atomic_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old content")

    def broken(stream) -> None:  # noqa: ANN001
        stream.write(b"partial")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]
    atomic_write(target, lambda s: s.write(b"new"))
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda d: d / "missing" / "x.xlsx", "export.unwritable.no_folder"),
        (lambda d: d, "export.unwritable.is_folder"),
        (lambda d: d / "file.txt" / "x.xlsx", "export.unwritable.no_folder"),
    ],
)
def test_unwritable_paths_are_said_plainly(tmp_path: Path, make, key: str) -> None:  # noqa: ANN001
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UserError) as caught:
        atomic_write(make(tmp_path), lambda s: s.write(b"x"))
    assert caught.value.key == key
    from dondoc.locales import _

    assert "Không ghi được tệp" in _(key, "vi", **caught.value.values)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


async def test_what_units_wrote_reaches_the_sheet(engine: AsyncEngine, tmp_path: Path) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    await add_report(engine, ward, "1", "2024-07", "VP", "in_progress", local(date(2024, 7, 16)),
                     40, note="Đã xin ý kiến các phòng")  # fmt: skip
    async with transaction(engine) as session:
        report = (await session.exec(select(Report).order_by(Report.id.desc()))).first()  # type: ignore[attr-defined,union-attr]
        report.attachment_ref, report.attachment_kind = "AgADBAAD-file-id", "document"  # type: ignore[union-attr]
    summary = await summary_for(engine)
    ws = load_workbook(write_export(summary, "xlsx", tmp_path / "n.xlsx"))["Báo cáo của đơn vị"]
    assert [c.value for c in ws[4]] == [
        "STT", "Kế hoạch", "Nhiệm vụ", "Kỳ báo cáo", "Thời hạn", "Đơn vị", "Tình trạng",
        "Tiến độ (%)", "Ngày báo cáo", "Người báo cáo", "Nội dung báo cáo", "Minh chứng",
        "Số báo cáo",
    ]  # fmt: skip
    rows = {r[5]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    vp = rows["Văn phòng HĐND và UBND phường"]
    assert vp[7] == 40 and vp[8] == datetime(2024, 7, 16) and vp[10] == "Đã xin ý kiến các phòng"
    assert vp[11] == (f"Tệp đính kèm báo cáo số {vp[12]}; tải về: dondoc attachment {vp[12]}")
    # The blocked note is on "Vướng mắc", with its report number, not twice.
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" not in rows


async def test_formulas_written_by_people_stay_text(engine: AsyncEngine, tmp_path: Path) -> None:
    """Issue 16: a note, a title or a unit name that starts like a formula is written as text
    (the apostrophe spreadsheet users type), in every sheet."""
    ward = await build_ward(engine)
    attack = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    await add_report(engine, ward, "2", "2024-07-15", "KTHTDT", "blocked",
                     local(date(2024, 7, 12)), note=attack)  # fmt: skip
    async with transaction(engine) as session:
        unit = await session.get(Unit, ward.units["VP"])
        unit.name = "@SUM(1+1)"  # type: ignore[union-attr]
        task = await session.get(Task, ward.tasks["1"])
        task.title = "+cmd|' /C calc'!A0"  # type: ignore[union-attr]
    summary = await summary_for(engine)
    for path in (write_export(summary, "xlsx", tmp_path / "a.xlsx"),):
        wb = load_workbook(path)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert "'" + attack in texts and "'@SUM(1+1)" in texts
        assert "1. +cmd|' /C calc'!A0" in texts  # the task's number first: no formula
        assert attack not in texts and "@SUM(1+1)" not in texts


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [r for r in ws.iter_rows(values_only=True)] for ws in wb}


@pytest.mark.parametrize(("constant_memory", "units_as_rows"), [(False, False), (True, False),
                                                              (True, True)])  # fmt: skip
async def test_streamed_workbook_equals_the_loaded_one(
    engine: AsyncEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    constant_memory: bool,
    units_as_rows: bool,
) -> None:
    """``dondoc summary --format xlsx`` reads rows chunk by chunk from the database (and, for a
    big summary, writes in constant memory): the same workbook as from the loaded items."""
    from dondoc.storage.exports import xlsx as xlsx_module
    from dondoc.storage.exports.run import export_summary
    from dondoc.storage.summary import compute_summary

    if constant_memory:
        monkeypatch.setattr(xlsx_module, "STREAM_FROM", 0)
    if units_as_rows:  # the national layout: cells streamed unit by unit
        monkeypatch.setattr(xlsx_matrix, "MAX_UNIT_GROUPS", 2)
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    await add_report(engine, ward, "1", "2024-07", "VP", "in_progress", local(date(2024, 7, 16)),
                     40, note="Đã xin ý kiến")  # fmt: skip
    loaded = write_export(await summary_for(engine), "xlsx", tmp_path / "loaded.xlsx")
    async with transaction(engine) as session:
        quick = await compute_summary(session, today=date(2024, 7, 18), items=False)
        streamed = await export_summary(session, quick, "xlsx", tmp_path / "streamed.xlsx")
    assert _values(streamed) == _values(loaded)
    if constant_memory and not units_as_rows:  # rows in order: no merge across header rows
        ws = load_workbook(streamed)["84-KH-UBND"]
        assert "A4:A5" not in {str(r) for r in ws.merged_cells.ranges}
        assert ws["A4"].value == "STT" and ws.freeze_panes == "E6"
