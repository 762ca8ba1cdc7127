"""Build the sample plan of ``dondoc demo`` (run: ``python -m dondoc.bot.samples.build``).

Two files, as a ward's coordinator receives them:

* the plan as a Word document: number, place and date, "KẾ HOẠCH" and its title, the duties
  written in its body (unit headings and bullets, "Giao …", "chậm nhất là ngày 05 của tháng
  cuối kỳ báo cáo") and, at the end, the appendix table with its section rows merged across;
* the appendix alone as an Excel workbook: the plan's number and title above the table, the
  header in row 5, section rows merged across the table.

Deadlines are in the words plans use ("trước ngày 14/11/2025", "Hằng tháng", "Thường xuyên",
"Quý IV năm 2025", "Khi có chỉ đạo …"). The text is written for the demo; it is not copied
from a real plan.
"""

from __future__ import annotations

from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dondoc.bot.samples import PLAN_DOCUMENT, PLAN_FILE

HEADER = [
    "TT",
    "Nhiệm vụ",
    "Thời gian hoàn thành",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả/Sản phẩm",
]

ROWS: list[list[str]] = [
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
    [
        "1",
        "Xây dựng kế hoạch cải thiện Chỉ số PAR Index, SIPAS năm 2025 của đơn vị",
        "Trước ngày 14/11/2025",
        "Phòng Kinh tế - Hạ tầng và Đô thị; Trung tâm Phục vụ hành chính công",
        "Phòng Văn hóa - Xã hội",
        "Kế hoạch của đơn vị",
    ],
    [
        "2",
        "Báo cáo tiến độ thực hiện các chỉ tiêu, nhiệm vụ cải cách hành chính được giao",
        "Hằng tháng",
        "Văn phòng HĐND-UBND; Phòng Kinh tế - Hạ tầng và Đô thị; "
        "Trung tâm Phục vụ hành chính công; Công an phường",
        "",
        "Báo cáo tháng",
    ],
    ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"],
    [
        "1",
        "Rà soát, công khai đầy đủ, kịp thời thủ tục hành chính tại Trung tâm",
        "Trước ngày 20/11/2025",
        "Trung tâm Phục vụ hành chính công",
        "Văn phòng HĐND-UBND",
        "Danh mục thủ tục hành chính được công khai",
    ],
    [
        "2",
        "Theo dõi, xử lý phản ánh kiến nghị của người dân qua Tổng đài 1022",
        "Thường xuyên",
        "Văn phòng HĐND-UBND",
        "Công an phường",
        "",
    ],
    [
        "3",
        "Khảo sát mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính",
        "Tháng 11/2025",
        "Phòng Văn hóa - Xã hội",
        "Trung tâm Phục vụ hành chính công",
        "Kết quả khảo sát",
    ],
    ["III", "CẢI CÁCH TỔ CHỨC BỘ MÁY"],
    [
        "1",
        "Rà soát vị trí việc làm, cơ cấu công chức sau sắp xếp",
        "Trước ngày 25/11/2025",
        "Văn phòng HĐND-UBND",
        "Phòng Văn hóa - Xã hội; Phòng Kinh tế - Hạ tầng và Đô thị",
        "Báo cáo rà soát",
    ],
    [
        "2",
        "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025",
        "Quý IV năm 2025",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị",
        "Báo cáo năm",
    ],
    [
        "3",
        "Tổ chức hội nghị đối thoại với người dân về cải cách hành chính",
        "Khi có chỉ đạo của Ủy ban nhân dân Thành phố",
        "Phòng Văn hóa - Xã hội",
        "Văn phòng HĐND-UBND",
        "",
    ],
    ["IV", "CHUYỂN ĐỔI SỐ"],
    [
        "1",
        "Cập nhật, số hóa hồ sơ thủ tục hành chính trên Hệ thống thông tin giải quyết "
        "thủ tục hành chính",
        "Trước ngày 28/11/2025",
        "Trung tâm Phục vụ hành chính công",
        "Phòng Kinh tế - Hạ tầng và Đô thị; Công an phường",
        "Hồ sơ được số hóa",
    ],
]


# The plan's body: (paragraph, style) — "Title" lines centred and bold, the rest as written.
BODY: list[tuple[str, str]] = [
    ("ỦY BAN NHÂN DÂN PHƯỜNG MẪU", "heading"),
    ("Số: 125/KH-UBND", "plain"),
    ("Phường Mẫu, ngày 28 tháng 10 năm 2025", "plain"),
    ("KẾ HOẠCH", "title"),
    ("Cải cách hành chính năm 2025 của Ủy ban nhân dân phường Mẫu", "title"),
    (
        "Căn cứ Kế hoạch cải cách hành chính năm 2025 của Ủy ban nhân dân Thành phố, Ủy ban "
        "nhân dân phường ban hành Kế hoạch cải cách hành chính năm 2025 như sau:",
        "plain",
    ),
    ("I. MỤC ĐÍCH, YÊU CẦU", "heading"),
    (
        "- Nâng cao Chỉ số cải cách hành chính (PAR Index) và Chỉ số hài lòng của người dân "
        "(SIPAS) của phường; phấn đấu đến hết năm 2025 đạt 100% hồ sơ đúng hạn.",
        "plain",
    ),
    ("II. NHIỆM VỤ TRỌNG TÂM", "heading"),
    ("1. Phòng Văn hóa - Xã hội", "heading"),
    (
        "- Chủ trì theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Kế hoạch; tổng hợp, báo cáo "
        "Ủy ban nhân dân phường định kỳ hằng tháng.",
        "plain",
    ),
    (
        "- Tổng hợp kết quả khảo sát sự hài lòng của người dân, báo cáo Ủy ban nhân dân phường "
        "trước ngày 15 tháng 12 năm 2025.",
        "plain",
    ),
    ("2. Trung tâm Phục vụ hành chính công phường", "heading"),
    (
        "- Thường xuyên hướng dẫn người dân, doanh nghiệp thực hiện dịch vụ công trực tuyến "
        "tại Trung tâm.",
        "plain",
    ),
    ("III. TỔ CHỨC THỰC HIỆN", "heading"),
    ("1. Thủ trưởng các cơ quan, đơn vị thuộc phường", "heading"),
    (
        "- Xây dựng kế hoạch cải cách hành chính năm 2026 của đơn vị, gửi về Phòng Văn hóa - "
        "Xã hội trước ngày 05 tháng 12 năm 2025.",
        "plain",
    ),
    (
        "- Báo cáo định kỳ (Quý I, 6 tháng, 9 tháng và năm) kết quả thực hiện Kế hoạch gửi về "
        "Ủy ban nhân dân phường (thông qua Phòng Văn hóa - Xã hội) chậm nhất là ngày 05 của "
        "tháng cuối kỳ báo cáo.",
        "plain",
    ),
    (
        "2. Giao Công an phường phối hợp với Văn phòng HĐND và UBND phường rà soát dữ liệu dân "
        "cư phục vụ giải quyết thủ tục hành chính. Thời gian hoàn thành: Tháng 11/2025.",
        "plain",
    ),
    (
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh "
        "kịp thời về Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) để xem xét, giải quyết./.",
        "plain",
    ),
    ("PHỤ LỤC", "title"),
    (
        "Nhiệm vụ cải cách hành chính năm 2025 (kèm theo Kế hoạch số 125/KH-UBND ngày "
        "28/10/2025 của Ủy ban nhân dân phường)",
        "title",
    ),
]


def build_document() -> None:
    """The plan as a Word file: its body, then the appendix table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    for text, style in BODY:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = style in ("title", "heading")
        if style == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        if len(row) == 2:  # a section row, merged across the table
            merged = cells[0].merge(cells[-1])
            merged.text = f"{row[0]}. {row[1]}"
            continue
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.core_properties.author = "dondoc"
    document.core_properties.created = datetime(2025, 10, 28, tzinfo=UTC)
    document.core_properties.modified = datetime(2025, 10, 28, tzinfo=UTC)
    document.save(PLAN_DOCUMENT)


def build() -> None:
    build_document()
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    sheet["A1"] = "ỦY BAN NHÂN DÂN PHƯỜNG MẪU"
    sheet["A2"] = "PHỤ LỤC"
    sheet["A3"] = (
        "Nhiệm vụ cải cách hành chính năm 2025 (kèm theo Kế hoạch số 125/KH-UBND "
        "ngày 28/10/2025 của Ủy ban nhân dân phường)"
    )
    for ref in ("A1", "A2", "A3"):
        sheet[ref].font = Font(bold=True)
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in ROWS:
        sheet.append(row)
        if len(row) == 2:  # a section row, merged across the table as in Word
            r = sheet.max_row
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
            sheet.cell(r, 1).value = f"{row[0]}. {row[1]}"
            sheet.cell(r, 1).font = Font(bold=True)
    for column, width in zip("ABCDEF", (6, 60, 22, 40, 36, 28), strict=True):
        sheet.column_dimensions[column].width = width
    # Fixed metadata so that rebuilding gives the same file contents.
    book.properties.creator = "dondoc"
    book.save(PLAN_FILE)


if __name__ == "__main__":
    build()
