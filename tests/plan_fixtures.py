"""Fixture builders for plan import tests: the Tân Phú appendix as rows, and real ``.xlsx``,
``.docx`` and ``.csv`` files made from rows the way people make them (title lines above the
header, section rows merged across the table, the header repeated after a page break).

The Tân Phú seed holds its appendix as a Word table flattened to text: each cell on its own
line starting with a tab (continuation lines of a cell have no tab), rows separated by blank
lines, section rows repeated once per column. ``tanphu_table`` reads that back into rows.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import SEEDS

TANPHU = SEEDS / "tanphu-cchc-2021-2030.txt"
COLUMNS = 5

# A realistic unit registry for quận Tân Phú (code, name, kind, parent, aliases).
TANPHU_UNITS: list[tuple[str, str, str, str, str]] = [
    ("NV", "Phòng Nội vụ", "phong_ban", "", ""),
    ("TP", "Phòng Tư pháp", "phong_ban", "", ""),
    ("VHTT", "Phòng Văn hóa và Thông tin", "phong_ban", "", "Phòng VH&TT"),
    (
        "VP",
        "Văn phòng HĐND và UBND quận",
        "van_phong",
        "",
        "Văn phòng UBND quận;Văn phòng Ủy ban nhân dân quận",
    ),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "phong_ban", "", ""),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "phong_ban", "", ""),
    ("KT", "Phòng Kinh tế", "phong_ban", "", ""),
    ("QLDT", "Phòng Quản lý đô thị", "phong_ban", "", ""),
    ("TNMT", "Phòng Tài nguyên và Môi trường", "phong_ban", "", ""),
    ("YT", "Phòng Y tế", "phong_ban", "", ""),
    ("GDDT", "Phòng Giáo dục và Đào tạo", "phong_ban", "", ""),
    ("TTRA", "Thanh tra quận", "phong_ban", "", ""),
    ("TTYT", "Trung tâm Y tế quận", "trung_tam", "", ""),
    ("BV", "Bệnh viện quận Tân Phú", "trung_tam", "", "Bệnh viện quận"),
    ("TTVHTT", "Trung tâm Văn hóa - Thể thao quận", "trung_tam", "", ""),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng khu vực quận", "trung_tam", "", ""),
] + [
    (f"P{n:02d}", f"UBND phường {name}", "ubnd_phuong", "", f"Phường {name}")
    for n, name in enumerate(
        [
            "Tân Sơn Nhì",
            "Tây Thạnh",
            "Sơn Kỳ",
            "Tân Quý",
            "Tân Thành",
            "Phú Thọ Hòa",
            "Phú Thạnh",
            "Phú Trung",
            "Hòa Thạnh",
            "Hiệp Tân",
            "Tân Thới Hòa",
        ],
        start=1,
    )
]
DEPARTMENTS = [c for c, _, k, _, _ in TANPHU_UNITS if k in ("phong_ban", "van_phong")]
CENTERS = [c for c, _, k, _, _ in TANPHU_UNITS if k == "trung_tam"]
WARDS = [c for c, _, k, _, _ in TANPHU_UNITS if k == "ubnd_phuong"]


def write_units_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent", "aliases"])
        writer.writerows(TANPHU_UNITS)
    return path


def tanphu_table() -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the Tân Phú appendix as the Word table had them."""
    lines = TANPHU.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "STT" and line[0] == "\t")
    blocks: list[list[str]] = []
    cells: list[str] = []
    for line in lines[start:]:
        if line == "":
            if cells:
                blocks.append(cells)
            cells = []
        elif line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += "\n" + line
    if cells:
        blocks.append(cells)
    rows = [(b + [""] * COLUMNS)[:COLUMNS] for b in blocks]
    return rows[0], rows[1:]


def is_section(row: Sequence[str]) -> bool:
    return len({c.strip() for c in row}) == 1 and bool(row[0].strip())


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: Sequence[str] = ("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH", "Năm 2022 và những năm tiếp theo"),
    repeat_header_after: int | None = None,
    sheet_before: bool = False,
) -> Path:
    """A workbook as a person types it: title lines, the header in the row after them, each
    section row written once and merged across, the header again after ``repeat_header_after``
    data rows (a page break)."""
    from openpyxl import Workbook

    workbook = Workbook()
    if sheet_before:
        notes = workbook.active
        notes.title = "Ghi chú"
        notes.append(["Bảng này dùng để theo dõi"])
        sheet = workbook.create_sheet("Phụ lục")
    else:
        sheet = workbook.active
        sheet.title = "Phụ lục"
    width = len(header)
    for line in title:
        sheet.append([line])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
        )
    sheet.append(list(header))
    for count, row in enumerate(rows, start=1):
        if is_section(row):
            sheet.append([row[0]] + [None] * (width - 1))
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
            )
        else:
            sheet.append([_number(c) if i == 0 else (c or None) for i, c in enumerate(row)])
        if repeat_header_after and count == repeat_header_after:
            sheet.append(list(header))
    workbook.save(path)
    return path


def _number(text: str) -> int | str | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return text or None


def write_docx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    before: Sequence[str] = (
        "KẾ HOẠCH",
        "Thực hiện chương trình tổng thể cải cách hành chính nhà nước của quận Tân Phú "
        "giai đoạn 2021 - 2030",
        "PHỤ LỤC",
        "MỘT SỐ NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH TRỌNG TÂM NĂM 2022 VÀ NHỮNG NĂM TIẾP THEO",
        "(Kèm theo Quyết định số 1835/QĐ-UBND ngày 02 tháng 6 năm 2022)",
    ),
    repeat_header_after: int | None = None,
    split_after: int | None = None,
    signature_table: bool = False,
) -> Path:
    """A Word document: paragraphs, then the table (section rows merged across, the header
    repeated after ``repeat_header_after`` rows; split into two tables after ``split_after``
    rows like a table broken by a page), optionally a signature table at the end."""
    from docx import Document

    document = Document()
    for line in before:
        document.add_paragraph(line)
    chunks = [list(rows)]
    if split_after:
        chunks = [list(rows[:split_after]), list(rows[split_after:])]
    for number, chunk in enumerate(chunks):
        table = document.add_table(rows=0, cols=len(header))
        if number == 0:
            _docx_row(table, header)
        for count, row in enumerate(chunk, start=1):
            if is_section(row):
                cells = table.add_row().cells
                merged = cells[0].merge(cells[-1])
                merged.text = row[0]
            else:
                _docx_row(table, row)
            if number == 0 and repeat_header_after and count == repeat_header_after:
                _docx_row(table, header)
        if number == 0 and len(chunks) > 1:
            document.add_paragraph("")
    if signature_table:
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text = "Nơi nhận:"
        table.rows[0].cells[1].text = "TM. ỦY BAN NHÂN DÂN"
    document.save(path)
    return path


def _docx_row(table: object, values: Sequence[str]) -> None:
    cells = table.add_row().cells  # type: ignore[attr-defined]
    for cell, value in zip(cells, values, strict=False):
        cell.text = value


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bom: bool = True,
    title: Sequence[str] = (),
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for line in title:
            writer.writerow([line] + [""] * (len(header) - 1))
        writer.writerow(header)
        writer.writerows(rows)
    return path
