"""Every view the storage side writes tells the same numbers on the same data: the text of
``dondoc summary`` and ``/xuat``, its JSON, the Word report, the Excel workbook and the chart —
the categories, how many overdue items were never reported, the blocked items, and the
unreachable units (two facts, counted once per unit)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.db import transaction
from dondoc.storage.exports import write_export
from dondoc.storage.exports.chart import chart_text_samples
from dondoc.storage.exports.run import export_summary
from dondoc.storage.exports.text import summary_dict, summary_text
from dondoc.storage.summary import BLOCKED_CODES, compute_summary, load_items
from tests.summary_data import build_ward, standard_reports

TODAY_KW = {"today": date(2024, 7, 18)}


async def test_text_json_word_excel_chart_agree(engine: AsyncEngine, tmp_path: Path) -> None:
    await check_views(engine, tmp_path)


@pytest.mark.postgres
async def test_views_agree_on_postgresql(pg_engine: AsyncEngine, tmp_path: Path) -> None:
    await check_views(pg_engine, tmp_path)


async def check_views(engine: AsyncEngine, tmp_path: Path) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    async with transaction(engine) as session:
        full = await compute_summary(session, **TODAY_KW)  # type: ignore[arg-type]
        quick = await compute_summary(session, items=False, **TODAY_KW)  # type: ignore[arg-type]
        blocked = await load_items(session, quick, codes=BLOCKED_CODES)
        streamed = await export_summary(session, quick, "xlsx", tmp_path / "s.xlsx")
        word = await export_summary(session, quick, "docx", tmp_path / "s.docx")
    # The numbers: 7 items, 2 overdue of which 1 never reported, 1 blocked, 2 unreachable.
    data = summary_dict(full)
    assert data["counts"]["overdue"] == 2 and data["overdue_unreported"] == 1
    assert data["blocked_count"] == 1 and data["total"] == 7
    assert [(u["code"], u["reason"]) for u in data["unreachable_units"]] == [
        ("KTHTDT", "blocked"),
        ("TTPVHCC", "unlinked"),
    ]
    assert summary_dict(quick)["counts"] == data["counts"]
    assert summary_dict(quick)["overdue_unreported"] == 1
    text = summary_text(quick, "vi", blocked)
    assert "• Đang thực hiện quá hạn: 2 (trong đó chưa báo cáo: 1)" in text
    assert "• Vướng mắc: 1" in text
    assert "• Không liên lạc được: 2 đơn vị (chưa có cán bộ kết nối: 1; " in text
    assert text == summary_text(full, "vi")
    document = docx.Document(str(word))
    numbers = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
    assert numbers["Đang thực hiện quá hạn"] == "2"
    assert numbers["Trong đó: quá hạn, chưa báo cáo"] == "1"
    assert numbers["Tổng cộng"] == "7"
    loaded = write_export(full, "xlsx", tmp_path / "f.xlsx")
    for path in (loaded, streamed):
        ws = load_workbook(path)["Tổng hợp"]
        total = next(r for r in ws.iter_rows(values_only=True) if "Tổng cộng" in r)
        assert total[3:13] == (7, 1, 1, 2, 2, 1, 1, 1, 0.25, 2)
    chart = " ".join(chart_text_samples(quick))
    assert "Đang thực hiện quá hạn: 2 (trong đó chưa báo cáo: 1)." in chart
