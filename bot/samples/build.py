"""Build the sample plan workbook of ``dondoc demo`` (run: ``python -m dondoc.bot.samples.build``).

The workbook looks like what a ward's coordinator receives: the plan's number and title
above the table, the header in row 5, section rows merged across the table, deadlines in the
words plans use ("trước ngày 14/11/2025", "Hằng tháng", "Thường xuyên", "Quý IV năm 2025",
"Khi có chỉ đạo …"). The text is written for the demo; it is not copied from a real plan.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dondoc.bot.samples import PLAN_FILE

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


def build() -> None:
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
