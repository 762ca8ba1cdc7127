"""Reading appendix tables as people make them (``storage.plan_tables``), row by row: header
detection, repeated headers, column numbers, section rows, continuation rows, HTML, keys, and
the title, year and number of the plan written above the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from dondoc.storage.errors import UserError
from dondoc.storage.plan_tables import (
    clean_text,
    document_number,
    document_title,
    document_years,
    parse_tables,
    read_plan_file,
)

HEADER = ["TT", "Nhiệm vụ", "Thời gian hoàn thành", "Cơ quan chủ trì", "Cơ quan phối hợp"]


def test_header_found_below_title_rows_whatever_the_case() -> None:
    rows = [
        ["ỦY BAN NHÂN DÂN QUẬN 6", "", "", "", ""],
        ["KẾ HOẠCH số 84/KH-UBND năm 2024", "", "", "", ""],
        ["", "", "", "", ""],
        ["s.t.t", "NỘI DUNG", "THOI GIAN", "chủ trì", "PHỐI HỢP"],
        ["1", "Việc một", "Hằng tháng", "Phòng Nội vụ", ""],
    ]
    table = parse_tables([rows], [], "x.xlsx")
    (row,) = table.rows
    assert (row.key, row.title, row.deadline, row.lead) == (
        "1",
        "Việc một",
        "Hằng tháng",
        "Phòng Nội vụ",
    )
    assert table.preamble[:2] == ["ỦY BAN NHÂN DÂN QUẬN 6", "KẾ HOẠCH số 84/KH-UBND năm 2024"]
    assert document_years(table.preamble) == (2024, None)
    assert document_number(table.preamble) == "84/KH-UBND"


def test_repeated_header_column_numbers_sections_and_continuations() -> None:
    rows = [
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["I. CẢI CÁCH THỂ CHẾ"] * 5,
        ["1", "Rà soát <b>văn bản</b>", "Quý IV năm 2024", "Phòng Tư pháp", ""],
        ["", "- tiếp theo trang trước", "", "", "Văn phòng UBND quận"],
        ["tt", "nhiem vu", "thoi gian", "co quan chu tri", "co quan phoi hop"],  # page break
        ["", "&amp; phần cuối", "", "", ""],
        ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", ""],
        ["1", "Công bố thủ tục", "Hằng quý", "Văn phòng UBND quận", ""],
        ["Phần B. NHIỆM VỤ KHÁC", "", "", "", ""],
        ["1.", "Đối thoại", "Sau khi ban hành", "UBND các phường", ""],
    ]
    table = parse_tables([rows], [], "x.xlsx")
    keys = [r.key for r in table.rows]
    assert keys == ["I.1", "II.1", "B.1"]
    first, second, third = table.rows
    assert first.section == "I. CẢI CÁCH THỂ CHẾ"
    assert first.title == "Rà soát văn bản\ntiếp theo trang trước\n& phần cuối"
    assert first.cooperating == "Văn phòng UBND quận"
    assert second.section == "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert third.section == "Phần B. NHIỆM VỤ KHÁC" and third.ordinal == "1."


def test_unique_ordinals_are_keys_as_written_and_duplicates_are_told_apart() -> None:
    rows = [HEADER, ["1", "a", "", "", ""], ["2", "b", "", "", ""], ["1", "c", "", "", ""]]
    table = parse_tables([rows], [], "x.csv")
    assert [r.key for r in table.rows] == ["1", "2", "1#2"]
    assert table.rows[2].notes == ["import.duplicate_ordinal"]


def test_word_cells_merged_down_continue_the_task(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    table = document.add_table(rows=4, cols=5)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    values = [
        ["1", "Việc một, phần đầu", "Năm 2024", "Phòng Nội vụ", ""],
        ["", "phần sau", "", "", "Phòng Tư pháp"],
        ["2", "Việc hai", "Hằng quý", "", ""],
    ]
    for row, texts in zip(table.rows[1:], values, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    # TT, deadline and lead of task 1 merged down over its two rows; lead of 2 merged with 1's.
    for column in (0, 2):
        table.cell(1, column).merge(table.cell(2, column))
    table.cell(1, 0).text, table.cell(1, 2).text = "1", "Năm 2024"
    path = tmp_path / "gop.docx"
    document.save(path)
    rows = read_plan_file(path).rows
    assert [(r.key, r.title, r.deadline, r.lead, r.cooperating) for r in rows] == [
        ("1", "Việc một, phần đầu\nphần sau", "Năm 2024", "Phòng Nội vụ", "Phòng Tư pháp"),
        ("2", "Việc hai", "Hằng quý", "", ""),
    ]


def test_tables_without_header_continue_the_previous_one_others_are_skipped() -> None:
    letterhead = [["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]]
    part_one = [HEADER, ["1", "Việc một", "Năm 2024", "Phòng Nội vụ", ""]]
    part_two = [["2", "Việc hai", "Năm 2024", "Phòng Tư pháp", ""]]
    signature = [["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"]]
    table = parse_tables([letterhead, part_one, part_two, signature], [], "x.docx")
    assert [r.title for r in table.rows] == ["Việc một", "Việc hai"]


def test_no_header_and_no_rows_are_user_errors() -> None:
    with pytest.raises(UserError) as no_header:
        parse_tables([[["a", "b"], ["1", "2"]]], [], "x.csv")
    assert no_header.value.key == "import.no_header"
    with pytest.raises(UserError) as no_rows:
        parse_tables([[HEADER, ["I. MỤC"] * 5]], [], "x.csv")
    assert no_rows.value.key == "import.no_rows"


def test_tsv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bang.tsv"
    text = "\t".join(HEADER) + "\n1\tViệc\tHằng năm\tPhòng Nội vụ\t\n"
    path.write_bytes("\ufeff".encode() + text.encode())
    (row,) = read_plan_file(path).rows
    assert (row.ordinal, row.deadline) == ("1", "Hằng năm")


def test_clean_text() -> None:
    assert clean_text("  - Một\n• Hai <br/> Ba\xa0 ") == "Một\nHai\nBa"
    assert clean_text("<p>Phòng&nbsp;Nội vụ</p>") == "Phòng Nội vụ"


def test_document_title_years_and_number() -> None:
    preamble = [
        "Căn cứ Quyết định số 3637/QĐ-UBND ngày 20 tháng 10 năm 2021",
        "KẾ HOẠCH",
        "Thực hiện chương trình tổng thể CCHC giai đoạn 2021 - 2030",
        "PHỤ LỤC",
        "NHIỆM VỤ TRỌNG TÂM NĂM 2022 VÀ NHỮNG NĂM TIẾP THEO",
        "(Kèm theo Quyết định số 1835/QĐ-UBND ngày 02 tháng 6 năm 2022)",
    ]
    assert document_years(preamble) == (2022, 2030)
    assert document_title(preamble) == "Thực hiện chương trình tổng thể CCHC giai đoạn 2021 - 2030"
    assert document_years(["Báo cáo ngày 02 tháng 6 năm 2022"]) == (None, None)
    assert document_years([]) == (None, None)
