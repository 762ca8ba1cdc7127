"""``dondoc demo`` from the outside: the story, the summary, the files, the same story per seed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import Cli


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    base = tmp_path_factory.mktemp("demo")
    cli = Cli(base / "unused")
    result = cli("demo", "--seed", "7", "--dir", str(base / "run"))
    assert result.exit_code == 0, result.output
    return result.output, base / "run"


def test_demo_tells_the_month_day_by_day(demo_run: tuple[str, Path]) -> None:
    output, _ = demo_run
    assert "Ngày 1/30 ▱▱▱▱▱▱▱▱▱▱ · Thứ Hai, 03/11/2025" in output  # the day bar fills up
    assert "Ngày 30/30 ▰▰▰▰▰▰▰▰▰▰ · Thứ Ba, 02/12/2025" in output
    assert "Thứ Bảy" not in output.split("[3/4]")[1].split("[4/4]")[0]  # no weekend traffic
    assert "→ " in output and "Kính gửi đồng chí" in output  # reminders go out
    assert "← " in output and "Đã ghi nhận báo cáo" in output  # replies are recorded
    assert "đã chặn bot" in output  # one unit cannot be reached
    assert "BẢN TIN ĐÔN ĐỐC" in output  # the coordinator's digest
    summary = output.split("[4/4]")[1]
    for words in (
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Đang thực hiện quá hạn",
        "Chưa báo cáo",
        "Vướng mắc: 1",
        "không liên lạc được: 1",
    ):
        assert words in summary, words
    # The story's officers finish work: the month ends with tasks done, on time and late.
    on_time = int(summary.split("Hoàn thành đúng hạn: ")[1].split()[0])
    late = int(summary.split("Hoàn thành quá hạn: ")[1].split()[0])
    assert on_time > 0 and late > 0, summary


def test_demo_writes_files_that_open(demo_run: tuple[str, Path]) -> None:
    output, directory = demo_run
    files = sorted((directory / "exports").iterdir())
    assert {f.suffix for f in files} == {".xlsx", ".docx", ".png"}
    for path in files:
        assert str(path) in output
    workbook = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    assert "Tổng hợp" in workbook.sheetnames
    document = Document(str(next(f for f in files if f.suffix == ".docx")))
    assert any("BÁO CÁO" in p.text for p in document.paragraphs)
    assert (directory / "dondoc.db").exists()


def test_same_seed_same_story(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "unused")
    runs = [
        cli("demo", "--seed", "11", "--days", "12", "--dir", str(tmp_path / f"r{i}"))
        for i in range(2)
    ]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    strip = [r.output.replace(str(tmp_path / f"r{i}"), "DIR") for i, r in enumerate(runs)]
    assert strip[0] == strip[1]
    other = cli("demo", "--seed", "12", "--days", "12", "--dir", str(tmp_path / "r3"))
    assert other.output.replace(str(tmp_path / "r3"), "DIR") != strip[0]


def test_demo_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x")
    result = Cli(tmp_path / "unused")("demo", "--dir", str(tmp_path / "busy"))
    assert result.exit_code == 2
    assert "không trống" in result.output


def test_demo_files_open_in_libreoffice(demo_run: tuple[str, Path], tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip(
            "LibreOffice is not installed (apt-get install libreoffice-calc libreoffice-writer)"
        )
    _, directory = demo_run
    documents = [f for f in (directory / "exports").iterdir() if f.suffix in (".xlsx", ".docx")]
    assert len(documents) == 2
    for document in documents:
        out = tmp_path / document.suffix[1:]
        result = subprocess.run(
            [
                office,
                "--headless",
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(document),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        pdf = out / (document.stem + ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), result.stdout
