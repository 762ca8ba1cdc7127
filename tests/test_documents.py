"""Reading a plan file as it arrives (``storage.documents``): text wrapped by a PDF extraction is
joined back into paragraphs (page numbers and footnotes out), tables written as text are found,
Word's merged rows are marked, a PDF's text layer is read with its pages, and a PDF that cannot
be read says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from dondoc.storage.documents import Paragraph, TableBlock, read_document
from dondoc.storage.errors import UserError
from tests.plan_documents import docx_from_text, long_pdf, pdf_from_text, scanned_pdf, seed


def _texts(path: Path) -> list[str]:
    return [b.text for b in read_document(path).blocks if isinstance(b, Paragraph)]


def test_wrapped_lines_become_paragraphs_without_page_numbers_and_footnotes() -> None:
    texts = _texts(seed("quan6-par-sipas-2024"))
    heading = (
        "1. Các cơ quan chuyên môn, đơn vị sự nghiệp công lập thuộc Quận, Ủy ban nhân dân 14 phường"
    )
    assert heading in texts
    bullet = next(t for t in texts if t.startswith("- Rà soát các nội dung hạn chế"))
    assert bullet.endswith(
        "gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024 để theo dõi, tổng hợp."
    )
    assert "2.6. Phòng Kinh tế quận" in texts  # a short heading line ends its paragraph
    assert not any(t.strip().isdigit() for t in texts)  # page numbers
    assert not any("Luật Đất đai năm 2024, Luật Đầu tư" in t for t in texts)  # a footnote
    assert any("phát triển Thành phố, Quận" in t for t in texts)


def test_a_heading_that_wraps_inside_brackets_stays_one_paragraph() -> None:
    texts = _texts(seed("thanhxuan-cchc-2024"))
    heading = next(t for t in texts if t.startswith("2. Báo CCHC chuyên đề"))
    assert heading.endswith("Xây dựng chính quyền điện tử, chính quyền số)")
    assert any(t.startswith("Các cơ quan: Tư pháp, Văn phòng HĐND") for t in texts)


def test_positions_name_the_line_of_a_text_file() -> None:
    document = read_document(seed("phudinh-par-sipas-2025"))
    first = document.paragraphs[0]
    assert (first.text, first.position.line, first.position.key()) == ("Số: 84/KH-UBND", 3, "¶1 l3")


def test_a_table_with_one_cell_per_line_is_found() -> None:
    document = read_document(seed("tanphu-cchc-2021-2030"))
    (table,) = document.tables
    assert table.cell_per_line
    cells = table.rows[0]
    assert cells[:5] == ["STT", "Nhiệm vụ", "Thời gian", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    first_task = cells[cells.index("1") + 1]
    assert (
        first_task.startswith("- Căn cứ vào điều kiện thực tiễn") and "\n- Triển khai" in first_task
    )


def test_tab_separated_rows_are_a_table(tmp_path: Path) -> None:
    path = tmp_path / "bang.txt"
    path.write_text(
        "KẾ HOẠCH\nVề việc thử năm 2025\n"
        "TT\tNhiệm vụ\tThời gian\tCơ quan chủ trì\n1\tViệc một\tQuý I/2025\tPhòng Nội vụ\n",
        "utf-8",
    )
    document = read_document(path)
    assert [type(b).__name__ for b in document.blocks] == ["Paragraph", "Paragraph", "TableBlock"]
    assert document.tables[0].rows[1] == ["1", "Việc một", "Quý I/2025", "Phòng Nội vụ"]


def test_word_paragraphs_tables_and_merged_rows(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    table = document.add_table(rows=3, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["TT", "Nhiệm vụ", "Thời gian", "Chủ trì"], strict=True
    ):
        cell.text = text
    merged = table.cell(1, 0).merge(table.cell(1, 3))
    merged.text = "CẢI CÁCH TÀI CHÍNH CÔNG"
    document.add_paragraph("Nơi nhận:")
    path = tmp_path / "kh.docx"
    document.save(path)
    blocks = read_document(path).blocks
    assert isinstance(blocks[1], TableBlock) and blocks[1].merged == {1}
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["KẾ HOẠCH", "Nơi nhận:"]


def test_a_pdf_text_layer_is_read_with_its_pages(tmp_path: Path) -> None:
    pdf = read_document(pdf_from_text(seed("phudinh-par-sipas-2025"), tmp_path / "pd.pdf"))
    assert pdf.kind == "pdf" and pdf.pages and pdf.pages > 3
    text = {p.text for p in pdf.paragraphs}
    assert "Số: 84/KH-UBND" in text
    late = next(p for p in pdf.paragraphs if p.text.startswith("2. Giao Trưởng Phòng Văn hóa"))
    assert late.position.page and late.position.page > 3
    word = read_document(docx_from_text(seed("phudinh-par-sipas-2025"), tmp_path / "pd.docx"))
    assert [p.text for p in word.paragraphs] == [
        p.text for p in read_document(seed("phudinh-par-sipas-2025")).paragraphs
    ]


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (
            lambda p: pdf_from_text(seed("thanhxuan-cchc-2024"), p, password="matkhau"),
            "document.pdf_encrypted",
        ),
        (scanned_pdf, "document.pdf_no_text"),
        (long_pdf, "document.pdf_too_long"),
    ],
    ids=["encrypted", "scanned", "300 pages"],
)
def test_pdfs_that_cannot_be_read_say_why(tmp_path: Path, make: object, key: str) -> None:
    path = make(tmp_path / "bad.pdf")  # type: ignore[operator]
    with pytest.raises(UserError) as caught:
        read_document(path)
    assert caught.value.key == key and caught.value.values["file"] == str(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "anh.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UserError) as caught:
        read_document(tmp_path / "anh.jpg")
    assert caught.value.key == "document.unsupported"
    with pytest.raises(UserError) as missing:
        read_document(tmp_path / "khong-co.pdf")
    assert missing.value.key == "file.missing"
