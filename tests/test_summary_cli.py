"""``dondoc summary`` from the outside: in-process with a fake clock, and as a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from PIL import Image

from dondoc.bot.cli import App, cli
from dondoc.bot.settings import Settings
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import make_engine, migrate
from tests.summary_data import build_ward, standard_reports

NOW = datetime(2024, 7, 18, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
ROOT = Path(__file__).resolve().parents[1]


class SummaryCli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

        async def setup() -> None:
            engine = make_engine(f"sqlite:///{data_dir / 'dondoc.db'}")
            await migrate(engine)
            ward = await build_ward(engine)
            await standard_reports(engine, ward)
            await engine.dispose()

        asyncio.run(setup())

    def __call__(self, *args: str, **settings: object) -> Result:
        app = App(
            settings=Settings(data_dir=self.data_dir, locale="vi", **settings),  # type: ignore[arg-type]
            clock=FakeClock(NOW),
        )
        return CliRunner().invoke(cli, ["summary", *args], obj=app, catch_exceptions=False)


@pytest.fixture
def run(tmp_path: Path) -> SummaryCli:
    return SummaryCli(tmp_path / "data")


def test_text(run: SummaryCli) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ\n")
    assert "các nhiệm vụ có hạn đến ngày 31/07/2024; số liệu tính đến ngày 18/07/2024" in out
    assert "Tổng số: 7 lượt nhiệm vụ của 4 đơn vị" in out
    assert "• Hoàn thành đúng hạn: 1" in out and "• Đang thực hiện quá hạn: 2" in out
    assert "• Không liên lạc được: 2 đơn vị" in out and "Tỷ lệ hoàn thành đúng hạn: 25,0%" in out
    assert "- VHXH – Phòng Văn hóa - Xã hội: 2 nhiệm vụ" in out and "tỷ lệ đúng hạn 100,0%" in out
    assert "Chưa có số liệu từ Sở Tư pháp" in out
    period = run("--period", "quý III/2024").output
    assert "kỳ 2024-Q3 (quý III/2024)" in period and "Tổng số: 5 lượt" in period


def test_json(run: SummaryCli) -> None:
    data = json.loads(run("--format", "json", "--plan", "84/KH-UBND").output)
    assert data["counts"] == {
        "done_on_time": 1, "done_late": 1, "in_progress": 2, "overdue": 2, "not_reported": 1
    }  # fmt: skip
    assert data["total"] == 7 and data["on_time_rate"] == 0.25 and data["plan_code"] == "84/KH-UBND"
    units = {u["code"]: u for u in data["per_unit"]}
    assert units["VHXH"]["on_time_rate"] == 1.0 and units["KTHTDT"]["unreachable"] is True
    assert len(data["items"]) == 7
    item = next(i for i in data["items"] if i["unit"] == "KTHTDT")
    assert item["category"] == "overdue" and item["status"] == "blocked"
    assert item["reported_on"] == "2024-07-12"
    assert {u["unit_code"] for u in data["late_units"]} == {"KTHTDT", "TTPVHCC"}
    assert json.loads(run("--json", "--unit", "VP").output)["total"] == 3
    window = json.loads(run("--json", "--from", "01/07/2024", "--to", "2024-07-15").output)
    assert window["first"] == "2024-07-01" and window["last"] == "2024-07-15"
    assert window["total"] == 3  # task 2 (two units), task 3's ongoing check-in


def test_files(run: SummaryCli, tmp_path: Path) -> None:
    out = tmp_path / "bang.xlsx"
    result = run("--period", "2024-07", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "5 lượt nhiệm vụ" in result.output
    ws = load_workbook(out)["Tổng hợp"]
    assert [c.value for c in ws[5]][1:4] == ["KTHTDT", "Phòng Kinh tế, Hạ tầng và Đô thị", 1]
    result = run("--format", "docx", report_place="Thanh Xuân", report_office="Phòng VH-XH")
    saved = run.data_dir / "exports" / "tong-hop_den-2024-07-18.docx"
    assert result.exit_code == 0 and saved.exists(), result.output
    document = docx.Document(str(saved))
    assert "Thanh Xuân, ngày 18 tháng 7 năm 2024" in document.tables[0].rows[1].cells[1].text
    folder = tmp_path / "charts"
    folder.mkdir()
    result = run("--format", "png", "-o", str(folder))
    [png] = list(folder.iterdir())
    # "-o exports/": a folder, created when missing, the file named after plan and period.
    result = run("--period", "2024-07", "--format", "xlsx", "-o", f"{tmp_path / 'new'}/")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["tong-hop_2024-07.xlsx"]
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] == 1200


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--period", "2024-Q5"], 'Không hiểu kỳ báo cáo "2024-Q5"'),
        (["--period", "tháng 13"], "2024-07, 2024-Q3, 2024-6T, 2024-9T, 2024, tháng 7/2024"),
        (
            ["--plan", "99/KH-UBND"],
            'Không có kế hoạch mang số "99/KH-UBND". Các kế hoạch hiện có: 84/KH-UBND.',
        ),  # noqa: E501
        (["--unit", "XYZ"], 'Không có đơn vị mã "XYZ"'),
        (["--period", "2024-07", "--from", "2024-07-01"], "--period hoặc --from/--to"),
        (["--from", "32/07/2024"], "32/07/2024"),
        (["--from", "2024-07-31", "--to", "2024-07-01"], "đứng trước ngày bắt đầu"),
        (["--format", "pdf"], 'Không có định dạng "pdf"'),
    ],
)
def test_bad_input_exit_2(run: SummaryCli, args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.output
    assert not (run.data_dir / "exports").exists()


def test_unwritable_output_leaves_nothing(run: SummaryCli, tmp_path: Path) -> None:
    result = run("--format", "xlsx", "-o", str(tmp_path / "no" / "such" / "x.xlsx"))
    assert result.exit_code == 2
    assert (
        "Không ghi được tệp" in result.output and "thư mục chứa tệp không tồn tại" in result.output
    )
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    result = run("--format", "docx", "-o", str(blocker / "r.docx"))
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "data"]


def test_subprocess(run: SummaryCli, tmp_path: Path) -> None:
    env = {**os.environ, "DONDOC_DATA_DIR": str(run.data_dir), "DONDOC_LOCALE": "vi"}
    dondoc = [str(ROOT / ".venv" / "bin" / "dondoc")]
    bad = subprocess.run([*dondoc, "summary", "--period", "quý 5/2024"], env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert bad.returncode == 2 and "Không hiểu kỳ báo cáo" in bad.stderr and bad.stdout == ""
    out = tmp_path / "r.xlsx"
    args = ["summary", "--period", "2024", "--format", "xlsx", "-o", str(out)]
    ok = subprocess.run([*dondoc, *args], env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert load_workbook(out)["Tổng hợp"]["D9"].value == 7  # the total row: all 7 items of 2024


def sample_ward(dondoc) -> None:  # noqa: ANN001
    """The sample ward of the README (bot/samples), set up through the CLI."""
    samples = ROOT / "bot" / "samples"
    assert dondoc("init").exit_code == 0
    assert dondoc("units", "import", str(samples / "phuong-mau-units.csv")).exit_code == 0
    plan = str(samples / "phuong-mau-ke-hoach-cchc-2025.xlsx")
    assert dondoc("plan", "import", plan).exit_code == 0


def test_lists_name_tasks_by_their_key_where_ordinals_restart_per_section(dondoc) -> None:  # noqa: ANN001
    # The sample plan numbers tasks 1, 2, 3 again in every section (I, II, III): the lists of
    # late units and the JSON name each task by its key ("II.1"), never by a bare "1.".
    sample_ward(dondoc)
    data = json.loads(dondoc("summary", "--period", "2025-11", "--json").output)
    late = [t for unit in data["late_units"] for t in unit["tasks"]]
    assert late and all("." in t["key"] for t in late)
    assert {t["key"] for t in late} >= {"I.1", "II.1"}
    invite = dondoc("invite", "create", "--unit", "VHXH", "--role", "coordinator").output
    code = re.search(r"/start ([A-Z0-9]+)", invite).group(1)  # type: ignore[union-attr]
    chat = dondoc("console", "--user", "ha", input=f"/start {code}\n/tonghop 125/KH-UBND 2025-11\n")
    assert "– II.1. Rà soát, công khai đầy đủ" in chat.output
    assert "– 1. " not in chat.output


def test_a_unit_with_only_its_coordinator_linked_is_unreachable(dondoc) -> None:  # noqa: ANN001
    # Reminders go to officers and heads. Phòng VHXH has tasks of its own, and only the
    # coordinator of the ward is linked there: nobody will be reminded of them, so the summary
    # says "không liên lạc được" for VHXH, as the digest does, until an officer joins.
    sample_ward(dondoc)

    def join(role: str, user: str) -> str:
        invite = dondoc("invite", "create", "--unit", "VHXH", "--role", role).output
        code = re.search(r"/start ([A-Z0-9]+)", invite).group(1)  # type: ignore[union-attr]
        return dondoc(
            "console", "--user", user, input=f"/start {code}\n/tonghop\n/tonghop p2\n/tonghop p3\n"
        ).output

    chat = join("coordinator", "ha")
    assert "Phòng Văn hóa - Xã hội" in chat.split("KHÔNG LIÊN LẠC ĐƯỢC", 1)[1]
    data = json.loads(dondoc("summary", "--period", "2025-11", "--json").output)
    assert "VHXH" in {u["code"] for u in data["unreachable_units"]}
    join("officer", "an")
    data = json.loads(dondoc("summary", "--period", "2025-11", "--json").output)
    assert "VHXH" not in {u["code"] for u in data["unreachable_units"]}
