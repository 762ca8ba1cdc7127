"""``dondoc plan import`` from the outside, as a coordinator uses it on a plan as it arrives:
``--dry-run`` shows every task with its quote and place, ``--json`` adds them to the old fields,
``--review`` writes the sheet that is corrected in Excel and imported back (the corrections win),
a bad file is refused with exit 2 and nothing written, and ``tasks list`` tells the truth about
dated events and past one-off tasks."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.plan_documents import UNITS, long_pdf, pdf_from_text, scanned_pdf, seed


@pytest.fixture
def quan6(dondoc: Cli) -> Cli:
    assert dondoc("init").exit_code == 0
    result = dondoc("units", "import", str(UNITS / "quan6.csv"))
    assert result.exit_code == 0, result.output
    return dondoc


def _json(result: object) -> object:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_dry_run_lists_tasks_with_units_deadlines_and_quotes(quan6: Cli) -> None:
    result = quan6("plan", "import", str(seed("quan6-par-sipas-2024")), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Đọc từ tệp TXT: 14 nhiệm vụ trong nội dung văn bản" in out
    assert "một lần 15/07/2024" in out
    assert "gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024" in out
    assert "(đoạn 85, dòng 621)" in out
    assert "Chạy thử" in out or "không ghi" in out.lower()
    assert _json(quan6("plan", "list", "--json")) == []


def test_json_keeps_the_old_fields_and_adds_quote_and_source(quan6: Cli) -> None:
    tasks = _json(quan6("plan", "import", str(seed("quan6-par-sipas-2024")), "--dry-run", "--json"))
    task = next(t for t in tasks if "15 tháng 7 năm 2024" in t["quote"])  # type: ignore[union-attr]
    assert set(task) >= {
        "ordinal", "key", "section", "title", "deadline_text", "schedule", "next_due", "lead",
        "cooperating", "output", "warnings", "change", "changed_fields", "quote", "source",
    }  # fmt: skip
    assert task["schedule"] == {"kind": "once", "due": "2024-07-15"}
    assert task["source"] == "đoạn 85, dòng 621"
    assert task["deadline_text"] == "trước ngày 15 tháng 7 năm 2024"


def test_review_sheet_corrected_in_excel_is_imported_with_the_corrections(
    quan6: Cli, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    sheet_path = tmp_path / "ra-soat.xlsx"
    pdf = pdf_from_text(seed("quan6-par-sipas-2024"), tmp_path / "q6.pdf")
    written = quan6("plan", "import", str(pdf), "--code", "KH-Q6", "--review", str(sheet_path))
    assert written.exit_code == 0, written.output
    assert "ra-soat.xlsx" in written.output
    assert _json(quan6("plan", "list", "--json")) == []  # a review saves nothing
    book = load_workbook(sheet_path)
    sheet = book.active
    assert [sheet.cell(row=8, column=c).value for c in range(1, 7)] == [
        "TT", "Nhiệm vụ", "Thời gian", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả",
    ]  # fmt: skip
    rows = {
        sheet.cell(row=r, column=10).value: r
        for r in range(9, sheet.max_row + 1)
        if sheet.cell(row=r, column=10).value
    }
    assert len(rows) == 14
    monthly = next(k for k in rows if k.startswith("§II.2.2/"))
    dated = next(
        k for k in rows if "15 tháng 9 năm 2024" in (sheet.cell(row=rows[k], column=3).value or "")
    )
    event = next(k for k in rows if "ngay khi" in (sheet.cell(row=rows[k], column=3).value or ""))
    assert "trang" in sheet.cell(row=rows[dated], column=8).value  # where, for a person
    sheet.cell(row=rows[monthly], column=4).value = "Phòng Tư pháp"  # the coordinator's fix
    sheet.cell(row=rows[dated], column=3).value = "trước ngày 20/09/2024"
    sheet.delete_rows(rows[event])  # not something to follow up
    book.save(sheet_path)
    imported = quan6("plan", "import", str(sheet_path), "--json")
    tasks = {t["key"]: t for t in _json(imported)}  # type: ignore[union-attr]
    assert len(tasks) == 13 and event not in tasks
    assert [m["unit_code"] for m in tasks[monthly]["lead"]] == ["PTP"]
    assert tasks[dated]["schedule"] == {"kind": "once", "due": "2024-09-20"}
    assert "15 tháng 9 năm 2024" in tasks[dated]["quote"]  # the plan's words stay
    plans = _json(quan6("plan", "list", "--json"))
    assert [(p["code"], p["year"], p["tasks"]) for p in plans] == [("KH-Q6", 2024, 13)]  # type: ignore[union-attr]


@pytest.mark.parametrize("case", ["encrypted", "scanned", "no tasks", "300 pages", "no year"])
def test_bad_plans_exit_2_with_a_clear_message_and_nothing_written(
    quan6: Cli, tmp_path: Path, case: str
) -> None:
    from docx import Document

    if case == "encrypted":
        path = pdf_from_text(seed("quan6-par-sipas-2024"), tmp_path / "kh.pdf", password="x")
        expected = "mật khẩu"
    elif case == "scanned":
        path, expected = scanned_pdf(tmp_path / "kh.pdf"), "không có lớp chữ"
    elif case == "300 pages":
        path, expected = long_pdf(tmp_path / "kh.pdf"), "300 trang"
    else:
        document = Document()
        document.add_paragraph("KẾ HOẠCH")
        if case == "no tasks":
            document.add_paragraph("Tổng kết công tác năm 2024")
            document.add_paragraph("- Đánh giá kết quả thực hiện.")
            expected = "Không tìm thấy nhiệm vụ nào"
        else:
            document.add_paragraph("Tổng kết công tác")
            document.add_paragraph("- Phòng Nội vụ thường xuyên theo dõi, đôn đốc.")
            expected = "--year"
        path = tmp_path / "kh.docx"
        document.save(path)
    result = quan6("plan", "import", str(path))
    assert result.exit_code == 2, result.output
    assert path.name in result.stderr and expected in result.stderr
    assert _json(quan6("plan", "list", "--json")) == []


def test_tasks_list_shows_dates_as_they_are(quan6: Cli, tmp_path: Path) -> None:
    assert quan6("plan", "import", str(seed("quan6-par-sipas-2024")), "--code", "Q6").exit_code == 0
    event = next(
        t
        for t in _json(quan6("tasks", "list", "--plan", "Q6", "--json"))
        if t["kind"] == "event"  # type: ignore[union-attr]
    )
    sunday = date.today() + timedelta(days=30)
    while sunday.weekday() != 6:
        sunday += timedelta(days=1)
    dated = quan6(
        "task", "set-date", "--plan", "Q6", "--task", event["key"], sunday.strftime("%d/%m/%Y")
    )
    assert dated.exit_code == 0, dated.output
    monday = sunday + timedelta(days=1)
    assert "là ngày nghỉ" in dated.output and monday.strftime("%d/%m/%Y") in dated.output
    listed = quan6("tasks", "list", "--plan", "Q6")
    line = next(x for x in listed.output.splitlines() if "theo sự kiện, ngày" in x)
    assert f"{sunday:%d/%m/%Y}" in line and f"{monday:%d/%m/%Y}" in line
    assert "chờ đầu mối đặt ngày" not in line
    past = [x for x in listed.output.splitlines() if "đã đến hạn" in x]
    assert any("15/07/2024" in x for x in past)  # a past one-off task shows its due date
    again = quan6("plan", "import", str(seed("quan6-par-sipas-2024")), "--code", "Q6", "--json")
    kept = next(t for t in _json(again) if t["key"] == event["key"])  # type: ignore[union-attr]
    assert kept["schedule"]["due"] == sunday.isoformat()  # the date set survives a re-import
