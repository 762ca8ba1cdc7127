"""The Excel workbook: opened with openpyxl, values checked cell by cell; atomic writing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.errors import UserError
from dondoc.storage.exports import atomic_write, default_filename, write_export
from dondoc.storage.exports import xlsx as xlsx_module
from dondoc.storage.exports.xlsx import sheet_title
from dondoc.storage.periods import parse_period
from tests.summary_data import build_ward, standard_reports, summary_for


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
    assert wb.sheetnames == ["Tổng hợp", "84-KH-UBND", "Vướng mắc"]
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    assert [c.value for c in ws[4]] == [
        "STT", "Mã đơn vị", "Đơn vị", "Tổng số nhiệm vụ", "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Đang thực hiện quá hạn",
        "Chưa báo cáo", "Vướng mắc", "Tỷ lệ đúng hạn", "Không liên lạc được",
    ]  # fmt: skip
    assert _row(ws, "VHXH")[1:11] == ("VHXH", "Phòng Văn hóa - Xã hội", 2, 1, 0, 1, 0, 0, 0, 1)
    assert _row(ws, "VP")[3:11] == (3, 0, 1, 1, 0, 1, 0, 0)
    kt = _row(ws, "KTHTDT")
    assert kt[7] == 1 and kt[9] == 1 and kt[11] == "x"
    assert _row(ws, "VHXH")[11] is None
    total = _row(ws, "Tổng cộng")
    assert total[3:11] == (7, 1, 1, 2, 2, 1, 1, 0.25)
    assert ws.freeze_panes == "D5"
    assert ws.auto_filter.ref == "A4:L8"
    rate = _cell_of(ws, "VHXH", "Tỷ lệ đúng hạn", 4)
    assert rate.value == 1 and rate.number_format == "0.0%"
    assert ws.column_dimensions["C"].width >= len("Trung tâm Phục vụ hành chính công")
    assert ws["E4"].fill.fgColor.rgb.endswith("C6EFCE")


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


async def test_blocked_sheet(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["Vướng mắc"]
    assert [c.value for c in ws[1]] == [
        "STT", "Kế hoạch", "Nhiệm vụ", "Kỳ báo cáo", "Thời hạn", "Đơn vị", "Ngày báo cáo",
        "Nội dung vướng mắc",
    ]  # fmt: skip
    row = [c.value for c in ws[2]]
    assert row[0:2] == [1, "84/KH-UBND"]
    assert row[4] == datetime(2024, 7, 15) and row[6] == datetime(2024, 7, 12)
    assert row[5] == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert row[7] == "Chưa có số liệu từ Sở Tư pháp"
    assert ws.max_row == 2 and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H2"


async def test_units_as_rows_when_many_units(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_UNIT_GROUPS", 2)
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    summary = await summary_for(engine, period=parse_period("2024-07"))
    ws = load_workbook(write_export(summary, "xlsx", tmp_path / "wide.xlsx"))["84-KH-UBND"]
    assert [c.value for c in ws[4]][:3] == ["STT", "Mã đơn vị", "Đơn vị"]
    assert ws[4][3].value.startswith("1. Báo cáo tình hình") and "tháng 7/2024" in ws[4][3].value
    assert ws[5][3].value == datetime(2024, 7, 22)  # due date under the task, a real date
    assert ws[5][3].number_format.endswith("DD/MM/YYYY") and "Hạn" in ws[5][3].number_format
    assert ws.freeze_panes == "D7"
    rows = {r[1].value: r for r in ws.iter_rows(min_row=7)}
    assert list(rows) == ["KTHTDT", "TTPVHCC", "VHXH", "VP"]
    assert rows["VHXH"][3].value == "Đang thực hiện trong hạn" and rows["VHXH"][5].value == 70
    assert rows["VHXH"][4].value == datetime(2024, 7, 10)


async def test_empty_summary_still_gives_a_workbook(engine: AsyncEngine, tmp_path: Path) -> None:
    summary = await summary_for(engine)
    wb = load_workbook(write_export(summary, "xlsx", tmp_path / "empty.xlsx"))
    assert wb.sheetnames == ["Tổng hợp", "Vướng mắc"]
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
