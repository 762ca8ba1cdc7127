"""The Word report: opened with python-docx; heading, prose numbers, table, late units,
blocked notes, signature block — and no placeholder left to fill in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.exports import ReportHeading, write_export
from dondoc.storage.exports import docx as docx_module
from dondoc.storage.periods import parse_period
from tests.summary_data import build_ward, standard_reports, summary_for

HEADING = ReportHeading(
    authority="UBND phường Thanh Xuân",
    office="Phòng Văn hóa - Xã hội",
    place="Thanh Xuân",
    signer_title="Trưởng phòng",
    signer_name="Nguyễn Thị Hoa",
)


def lines(text: str) -> list[str]:
    """A cell's lines of text (the rules under the heading are empty paragraphs)."""
    return [line for line in text.splitlines() if line]


def all_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


@pytest.fixture
async def ward(engine: AsyncEngine) -> AsyncEngine:
    w = await build_ward(engine)
    await standard_reports(engine, w)
    return engine


async def test_report_reads_like_an_administrative_report(
    ward: AsyncEngine, tmp_path: Path
) -> None:
    summary = await summary_for(ward, plan_code="84/KH-UBND")
    path = write_export(summary, "docx", tmp_path / "r.docx", issued=date(2024, 7, 18),
                        heading=HEADING)  # fmt: skip
    paragraphs, tables = all_text(path)
    head = tables[0][0]
    assert lines(head[0]) == ["UBND PHƯỜNG THANH XUÂN", "PHÒNG VĂN HÓA - XÃ HỘI"]
    assert lines(head[1]) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # The number's line: "Số:" and room for the clerk's number, the symbol; place and date.
    number, dated = tables[0][1]
    assert re.fullmatch(r"Số:\s{6,}/BC", number)
    assert dated == "Thanh Xuân, ngày 18 tháng 7 năm 2024"
    assert "BÁO CÁO" in paragraphs
    assert (
        "Tình hình thực hiện nhiệm vụ theo Kế hoạch số 84/KH-UBND, "
        "các nhiệm vụ có hạn đến ngày 31/07/2024" in paragraphs
    )
    body = "\n".join(paragraphs)
    assert "của UBND phường Thanh Xuân Trung về cải cách hành chính năm 2024" in body
    first = next(p for p in paragraphs if p.startswith("Thực hiện"))
    assert first.count("84/KH-UBND") == 1 and "Phòng Văn hóa - Xã hội báo cáo" in first
    assert (
        "Tính đến ngày 18/07/2024, có 7 lượt nhiệm vụ được giao cho 4 đơn vị thực hiện; trong đó: "
        "1 hoàn thành đúng hạn (14,3%); 1 hoàn thành quá hạn (14,3%); "
        "2 đang thực hiện trong hạn (28,6%); 2 đang thực hiện quá hạn (28,6%; trong đó chưa "
        "báo cáo: 1); 1 chưa báo cáo (14,3%)." in body
    )
    assert "đạt 25,0%" in body
    numbers = tables[1]
    assert numbers[0] == ["Tình trạng thực hiện", "Số lượng", "Tỷ lệ"]
    assert ["Đang thực hiện quá hạn", "2", "28,6%"] in numbers
    assert ["Trong đó: quá hạn, chưa báo cáo", "1", "14,3%"] in numbers
    assert numbers[-1] == ["Tổng cộng", "7", "100%"]
    # Late units and their tasks, most late first.
    assert "1. Phòng Kinh tế, Hạ tầng và Đô thị: 1 nhiệm vụ đang thực hiện quá hạn." in body
    assert "3. Văn phòng HĐND và UBND phường: 1 nhiệm vụ hoàn thành quá hạn." in body
    assert (
        "- 1. Báo cáo tình hình thực hiện công tác cải cách hành chính "
        "(kỳ tháng 6/2024, hạn 20/06/2024): hoàn thành quá hạn." in body
    )
    assert "(hạn 15/07/2024): đang thực hiện quá hạn." in body
    assert "III. KHÓ KHĂN, VƯỚNG MẮC" in body
    assert "Chưa có số liệu từ Sở Tư pháp" in body
    assert (
        "2. Trung tâm Phục vụ hành chính công: 1 nhiệm vụ đang thực hiện quá hạn (trong đó "
        "chưa báo cáo: 1)." in body
    )
    # Units no officer receives the reminders of: a fact of the system, with the reason.
    system = body.split("Hệ thống nhắc việc chưa có cán bộ nhận tin nhắc của 2 đơn vị:")[-1]
    assert (
        "- Chưa có cán bộ của đơn vị kết nối với hệ thống: Trung tâm Phục vụ hành chính "
        "công." in system
    )
    assert (
        "- Tin nhắn không gửi được tới các cán bộ đã kết nối của đơn vị: Phòng Kinh tế, "
        "Hạ tầng và Đô thị." in system
    )
    signature = tables[-1][0]
    assert "Nơi nhận:" in signature[0] and "- Lưu: VT." in signature[0]
    assert lines(signature[1])[0] == "TRƯỞNG PHÒNG"
    assert lines(signature[1])[-1] == "Nguyễn Thị Hoa"
    assert signature[1].splitlines().count("") >= 3  # the signing space
    everything = body + "\n" + "\n".join(c for t in tables for r in t for c in r)
    assert "…" not in everything and "..." not in everything
    assert not re.search(r"[{}]", everything)


async def test_period_and_date_forms(ward: AsyncEngine, tmp_path: Path) -> None:
    summary = await summary_for(ward, period=parse_period("quý III/2024"))
    path = write_export(summary, "docx", tmp_path / "q3.docx", issued=date(2024, 2, 5))
    paragraphs, tables = all_text(path)
    assert "Tình hình thực hiện nhiệm vụ theo Kế hoạch số 84/KH-UBND, quý III/2024" in paragraphs
    # Nothing configured: the single plan's issuer heads the report and names the place.
    assert tables[0][1][1] == "Thanh Xuân Trung, ngày 05 tháng 02 năm 2024"
    assert lines(tables[0][0][0]) == ["UBND PHƯỜNG THANH XUÂN TRUNG"]
    assert lines(tables[-1][0][1])[0] == "TRƯỞNG PHÒNG"


async def test_nothing_to_report(engine: AsyncEngine, tmp_path: Path) -> None:
    summary = await summary_for(engine)
    paragraphs, _tables = all_text(write_export(summary, "docx", tmp_path / "e.docx"))
    body = "\n".join(paragraphs)
    assert "không có nhiệm vụ nào đến kỳ theo dõi" in body
    assert "Không có đơn vị chậm tiến độ trong kỳ." in body
    assert "không báo cáo khó khăn, vướng mắc" in body


async def test_long_lists_are_cut_with_a_pointer_to_excel(
    ward: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docx_module, "MAX_LISTED", 1)
    summary = await summary_for(ward)
    paragraphs, _tables = all_text(write_export(summary, "docx", tmp_path / "cut.docx"))
    body = "\n".join(paragraphs)
    assert "Và 2 đơn vị khác (chi tiết tại bảng tổng hợp Excel kèm theo)." in body
    assert "Văn phòng HĐND và UBND phường: 1 nhiệm vụ hoàn thành quá hạn" not in body
    assert "và 1 đơn vị khác." in body  # unreachable units, cut too


async def test_english_report(ward: AsyncEngine, tmp_path: Path) -> None:
    summary = await summary_for(ward)
    paragraphs, tables = all_text(write_export(summary, "docx", tmp_path / "en.docx",
                                               language="en"))  # fmt: skip
    assert "REPORT" in paragraphs
    assert tables[1][0] == ["Status", "Count", "Share"]


def test_heading_defaults_come_from_the_deployment() -> None:
    from dataclasses import replace as copy

    from dondoc.storage.exports.heading import (
        complete_heading,
        place_of,
        prose_name,
        signer_title_for,
    )
    from dondoc.storage.models import UnitRef
    from dondoc.storage.summary_model import PlanRef

    assert place_of("UBND phường Thanh Xuân Trung") == "Thanh Xuân Trung"
    assert place_of("Ủy ban nhân dân quận Hoàng Mai") == "Hoàng Mai"
    assert place_of("Ủy ban nhân dân phường") == "" and place_of("Sở Nội vụ") == ""
    assert prose_name("ỦY BAN NHÂN DÂN PHƯỜNG THANH XUÂN TRUNG") == (
        "Ủy ban nhân dân phường Thanh Xuân Trung"
    )
    assert prose_name("UBND phường Mẫu") == "UBND phường Mẫu"
    assert signer_title_for("Văn phòng HĐND và UBND phường", "vi") == "Chánh Văn phòng"
    assert signer_title_for("Phòng Văn hóa - Xã hội", "vi") == "Trưởng phòng"
    assert signer_title_for("Trung tâm Phục vụ hành chính công", "vi") == "Giám đốc"
    summary = _bare_summary()
    summary = copy(summary, plans=[PlanRef(1, "84/KH-UBND", "KH", "UBND phường Phú Định")],
                   coordinator_units=[UnitRef(2, "VHXH", "Phòng Văn hóa - Xã hội")])  # fmt: skip
    heading = complete_heading(ReportHeading(), summary, "vi")
    assert heading.authority == "UBND phường Phú Định" and heading.place == "Phú Định"
    assert heading.office == "Phòng Văn hóa - Xã hội" and heading.symbol == "BC-VHXH"
    assert heading.signer_title == "Trưởng phòng"
    assert heading.recipients == (
        "UBND phường Phú Định (để báo cáo);",
        "Các đơn vị có liên quan;",
        "Lưu: VT, VHXH.",
    )
    configured = complete_heading(
        ReportHeading(symbol="BC-UBND", recipients=("Thường trực Đảng ủy",)), summary, "vi"
    )
    # The symbol is the issuer's; the archive copy goes to the drafting office.
    assert configured.symbol == "BC-UBND"
    assert configured.recipients == ("Thường trực Đảng ủy", "Lưu: VT, VHXH.")


def _bare_summary():  # noqa: ANN202
    from datetime import date as day

    from dondoc.storage.summary_model import assemble
    from tests.summary_data import VN

    return assemble([], [], day(2024, 7, 18), None, None, None, None, None, VN)
