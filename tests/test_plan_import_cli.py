"""``dondoc plan import|list``, ``task add|set-date``, ``tasks list`` from the outside: the CLI
run in-process with its own data directory, as a coordinator would use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.plan_fixtures import WARDS, tanphu_table, write_docx, write_units_csv, write_xlsx


@pytest.fixture
def registry(dondoc: Cli, tmp_path: Path) -> Cli:
    assert dondoc("init").exit_code == 0
    result = dondoc("units", "import", str(write_units_csv(tmp_path / "units.csv")))
    assert result.exit_code == 0, result.output
    return dondoc


def _json(result: object) -> object:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_import_docx_json_and_listings(registry: Cli, tmp_path: Path) -> None:
    header, rows = tanphu_table()
    path = write_docx(tmp_path / "tanphu.docx", header, rows, repeat_header_after=10)
    tasks = _json(registry("plan", "import", str(path), "--code", "1835/QĐ-UBND", "--json"))
    assert isinstance(tasks, list) and len(tasks) == 31
    first = tasks[0]
    for key in (
        "ordinal",
        "section",
        "title",
        "deadline_text",
        "schedule",
        "lead",
        "cooperating",
        "output",
        "warnings",
    ):
        assert key in first
    assert first["ordinal"] == "1"
    assert first["section"] == "I. VỀ CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN"
    assert first["deadline_text"] == "Tháng 6/2022"
    assert first["schedule"]["kind"] == "once" and first["schedule"]["due"] == "2022-06-30"
    assert {"name": "Phòng Nội vụ", "unit_code": "NV"} in first["cooperating"]
    assert {"name": "UBND 11 phường", "unit_code": "P03"} in first["lead"]
    kinds = {t["schedule"]["kind"] for t in tasks}
    assert kinds == {"once", "annual", "ongoing", "unknown"}
    outside = next(t for t in tasks if t["key"] == "III.5")
    assert {"name": "Bưu điện", "unit_code": None} in outside["lead"]
    assert any("Bưu điện" in w for w in outside["warnings"])  # reported, in Vietnamese
    empty = next(t for t in tasks if t["key"] == "II.3")
    assert empty["warnings"] == ["không ghi thời hạn", "không ghi cơ quan chủ trì"]

    plans = _json(registry("plan", "list", "--json"))
    assert [(p["code"], p["year"], p["tasks"]) for p in plans] == [("1835/QĐ-UBND", 2022, 31)]
    listed = registry("plan", "list")
    assert "1835/QĐ-UBND" in listed.output and "1 kế hoạch." in listed.output

    ward = _json(registry("tasks", "list", "--unit", WARDS[2], "--json"))
    keys = [t["key"] for t in ward]
    assert "I.1" in keys and "IV.3" not in keys
    yt = _json(registry("tasks", "list", "--plan", "1835/QĐ-UBND", "--unit", "YT", "--json"))
    yt_keys = [t["key"] for t in yt]
    assert {"IV.3", "IV.4", "I.1"} <= set(yt_keys)  # named, and through "Các cơ quan chuyên môn"
    assert not {"IV.5", "V.2", "III.4"} & set(yt_keys)
    iv3 = next(t for t in yt if t["key"] == "IV.3")
    assert iv3["kind"] == "ongoing" and iv3["lead"] == [{"name": "Phòng Y tế", "unit_code": "YT"}]
    text = registry("tasks", "list", "--unit", "YT")
    assert "IV.3" in text.output and f"{len(yt)} nhiệm vụ." in text.output


def test_import_text_output_and_reimport(registry: Cli, tmp_path: Path) -> None:
    header, rows = tanphu_table()
    path = write_xlsx(tmp_path / "tanphu.xlsx", header, rows, repeat_header_after=8)
    result = registry("plan", "import", str(path), "--code", "TP", "--year", "2022")
    assert result.exit_code == 0, result.output
    assert "Kế hoạch TP:" in result.output
    assert "I. VỀ CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN" in result.output
    assert "Chủ trì: Phòng Văn hóa và Thông tin [VHTT]" in result.output
    assert "UBND 11 phường (11 đơn vị)" in result.output
    assert "Tổng cộng 31 nhiệm vụ: 31 mới, 0 cập nhật, 0 không đổi, 0 ngừng theo dõi" in (
        result.output
    )
    again = registry("plan", "import", str(path), "--code", "TP", "--year", "2022")
    assert "0 mới, 0 cập nhật, 31 không đổi" in again.output


def test_dry_run_writes_nothing(registry: Cli, tmp_path: Path) -> None:
    header, rows = tanphu_table()
    path = write_xlsx(tmp_path / "t.xlsx", header, rows)
    result = registry("plan", "import", str(path), "--year", "2022", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Chạy thử: chưa ghi gì vào cơ sở dữ liệu." in result.output
    assert _json(registry("plan", "list", "--json")) == []


def _docx_without_table(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("KẾ HOẠCH năm 2024 — chỉ có văn bản, không có bảng")
    document.save(path)
    return path


BAD_FILES = {
    "wrong extension": ("ke-hoach.pages", b"PK not a plan", "đuôi .pages"),
    "corrupt pdf": ("ke-hoach.pdf", b"%PDF-1.4 ...", "bị hỏng"),
    "empty csv": ("rong.csv", b"", "trống"),
    "empty docx": ("rong.docx", b"", "trống"),
    "corrupt xlsx": ("hong.xlsx", b"PK\x03\x04 not really a zip", "bị hỏng"),
    "encrypted docx": ("matkhau.docx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "mật khẩu"),
    "encrypted xlsx": ("matkhau.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "mật khẩu"),
    "no header": ("la.csv", b"a,b,c\n1,2,3\n", "Không tìm thấy bảng nhiệm vụ"),
    "missing": ("khong-co.xlsx", None, "Không tìm thấy tệp"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_input_exit_2_names_the_file_and_writes_nothing(
    registry: Cli, tmp_path: Path, case: str
) -> None:
    name, content, words = BAD_FILES[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = registry("plan", "import", str(path), "--year", "2024")
    assert result.exit_code == 2
    assert name in result.stderr and words in result.stderr
    assert _json(registry("plan", "list", "--json")) == []


def test_document_without_a_table(registry: Cli, tmp_path: Path) -> None:
    path = _docx_without_table(tmp_path / "van-ban.docx")
    result = registry("plan", "import", str(path))
    assert result.exit_code == 2
    assert "van-ban.docx" in result.stderr and "không có bảng" in result.stderr


def test_year_is_asked_for_when_the_file_has_none(registry: Cli, tmp_path: Path) -> None:
    path = tmp_path / "khong-nam.csv"
    path.write_text("TT,Nhiệm vụ,Thời gian,Chủ trì\n1,Việc,Hằng quý,Phòng Nội vụ\n", "utf-8")
    result = registry("plan", "import", str(path))
    assert result.exit_code == 2
    assert "khong-nam.csv" in result.stderr and "--year" in result.stderr
    assert _json(registry("plan", "list", "--json")) == []
    ok = registry("plan", "import", str(path), "--year", "2025", "--json")
    assert _json(ok)[0]["schedule"]["start"] == "2025-01-01"  # type: ignore[index]


def _small_plan(registry: Cli, tmp_path: Path) -> None:
    path = tmp_path / "q6.csv"
    path.write_text(
        "TT,Nhiệm vụ,Thời gian,Chủ trì\n1,Tuyên truyền,Hằng quý,Phòng Nội vụ\n", "utf-8"
    )
    assert registry("plan", "import", str(path), "--code", "Q6", "--year", "2024").exit_code == 0


def test_task_add_reads_prose_like_the_import(registry: Cli, tmp_path: Path) -> None:
    _small_plan(registry, tmp_path)
    added = _json(
        registry(
            "task",
            "add",
            "--plan",
            "Q6",
            "--title",
            "Xây dựng kế hoạch khắc phục Chỉ số CCHC năm 2024",
            "--deadline",
            "gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024",
            "--lead",
            "Các phòng: Nội vụ, Tài chính - Kế hoạch; Văn phòng HĐND và UBND quận",
            "--cooperating",
            "Sở Nội vụ",
            "--json",
        )
    )
    assert added["key"] == "2"  # type: ignore[index]
    assert added["schedule"] == {"kind": "once", "due": "2024-07-15"}  # type: ignore[index]
    assert [m["unit_code"] for m in added["lead"]] == ["NV", "TCKH", "VP"]  # type: ignore[index]
    assert added["cooperating"] == [{"name": "Sở Nội vụ", "unit_code": None}]  # type: ignore[index]
    assert len(added["warnings"]) == 1  # type: ignore[index]
    listed = _json(registry("tasks", "list", "--plan", "Q6", "--json"))
    assert [t["key"] for t in listed] == ["1", "2"]  # type: ignore[union-attr]
    unknown = registry(
        "task", "add", "--plan", "KHONG", "--title", "x", "--deadline", "Hằng tháng", "--lead", "NV"
    )
    assert unknown.exit_code == 2 and "KHONG" in unknown.stderr


def test_event_task_gets_its_date_from_the_coordinator(registry: Cli, tmp_path: Path) -> None:
    _small_plan(registry, tmp_path)
    added = registry(
        "task",
        "add",
        "--plan",
        "Q6",
        "--title",
        "Tổ chức đối thoại với người dân",
        "--deadline",
        "Sau khi ban hành kế hoạch",
        "--lead",
        "Phòng VH&TT",
    )
    assert added.exit_code == 0, added.output
    assert "task set-date" in added.output  # the warning says what to do
    before = _json(registry("tasks", "list", "--plan", "Q6", "--json"))
    assert before[1]["kind"] == "event" and before[1]["next_due"] is None  # type: ignore[index]
    dated = registry("task", "set-date", "--plan", "Q6", "--task", "2", "15/08/2030")
    assert dated.exit_code == 0, dated.output
    assert "15/08/2030" in dated.output
    after = _json(registry("tasks", "list", "--plan", "Q6", "--json"))
    assert after[1]["next_due"] == "2030-08-15"  # type: ignore[index]
    moved = _json(
        registry("task", "set-date", "--plan", "Q6", "--task", "2", "2030-09-10", "--json")
    )
    assert moved == {
        "plan": "Q6",
        "key": "2",
        "due": "2030-09-10",
        "working_due": "2030-09-10",
        "previous": "2030-08-15",
    }
    after = _json(registry("tasks", "list", "--plan", "Q6", "--json"))
    assert after[1]["next_due"] == "2030-09-10"  # type: ignore[index]
    not_event = registry("task", "set-date", "--plan", "Q6", "--task", "1", "15/08/2030")
    assert not_event.exit_code == 2 and "không phải nhiệm vụ theo sự kiện" in not_event.stderr
    missing = registry("task", "set-date", "--plan", "Q6", "--task", "9", "15/08/2030")
    assert missing.exit_code == 2 and "không có nhiệm vụ 9" in missing.stderr
    bad_date = registry("task", "set-date", "--plan", "Q6", "--task", "2", "31/02/2030")
    assert bad_date.exit_code == 2


def test_schedule_preview_reads_the_full_phrase_table(registry: Cli) -> None:
    found = _json(registry("schedule", "preview", "Quý IV năm 2025", "--json"))
    assert [(o["period"], o["nominal_due"]) for o in found] == [("2025-Q4", "2025-12-31")]  # type: ignore[index,union-attr]
    event = registry("schedule", "preview", "Sau khi ban hành")
    assert event.exit_code == 0 and "task set-date" in event.output


@pytest.mark.postgres
def test_plan_commands_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_DATABASE_URL": pg_url})
    assert cli("init").exit_code == 0
    assert cli("units", "import", str(write_units_csv(tmp_path / "u.csv"))).exit_code == 0
    header, rows = tanphu_table()
    path = write_docx(tmp_path / "tanphu.docx", header, rows, repeat_header_after=10)
    tasks = _json(cli("plan", "import", str(path), "--code", "TP", "--json"))
    assert len(tasks) == 31  # type: ignore[arg-type]
    again = cli("plan", "import", str(path), "--code", "TP")
    assert "31 không đổi" in again.output, again.output
    assert _json(cli("plan", "list", "--json"))[0]["tasks"] == 31  # type: ignore[index]
    assert _json(cli("tasks", "list", "--unit", "YT", "--json"))
    added = cli(
        "task", "add", "--plan", "TP", "--title", "Đối thoại", "--deadline", "Khi có văn bản",
        "--lead", "Phòng Nội vụ",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    dated = cli("task", "set-date", "--plan", "TP", "--task", "32", "10/09/2030")
    assert dated.exit_code == 0, dated.output
