"""The foundation's commands from the outside: init, units, invites, schedule preview, settings."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from dondoc.storage.invites import hash_code
from tests.conftest import Cli

UNITS_CSV = (
    "code,name,kind,parent,aliases\n"
    "VP,Văn phòng HĐND-UBND,van_phong,,VP HĐND-UBND\n"
    "VHXH,Phòng Văn hóa - Xã hội,phòng,VP,Phòng VH-XH;VHXH\n"
    "KT,Phòng Kinh tế - Hạ tầng và Đô thị,phòng,,Phòng KT-HT-ĐT\n"
    "TTHCC,Trung tâm Phục vụ hành chính công,trung tâm,,\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def db_rows(cli: Cli, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(cli.data_dir / "dondoc.db") as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def ready(dondoc: Cli) -> Cli:
    result = dondoc("init")
    assert result.exit_code == 0, result.output
    assert "Đã tạo cơ sở dữ liệu" in result.output
    return dondoc


def test_init_twice_says_up_to_date(ready: Cli) -> None:
    again = ready("init")
    assert again.exit_code == 0
    assert "đã ở phiên bản mới nhất" in again.output


def test_commands_before_init_say_what_to_do(dondoc: Cli) -> None:
    result = dondoc("units", "list")
    assert result.exit_code == 2
    assert "dondoc init" in result.output


def test_units_import_then_update_by_code(ready: Cli, tmp_path: Path) -> None:
    csv_file = write(tmp_path / "units.csv", "\ufeff" + UNITS_CSV)  # Excel's BOM
    first = ready("units", "import", str(csv_file))
    assert first.exit_code == 0, first.output
    assert "4 mới" in first.output
    listed = json.loads(ready("units", "list", "--json").output)
    by_code = {u["code"]: u for u in listed}
    assert by_code["VHXH"]["parent"] == "VP"
    assert by_code["VHXH"]["aliases"] == ["Phòng VH-XH", "VHXH"]
    assert by_code["TTHCC"]["kind"] == "trung_tam"
    assert by_code["VP"]["kind"] == "van_phong"

    changed = UNITS_CSV.replace(
        "Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công phường"
    )
    second = ready("units", "import", str(write(tmp_path / "units2.csv", changed)))
    assert "0 mới, 1 cập nhật, 3 không đổi" in second.output
    assert db_rows(ready, "select name from unit where code='TTHCC'") == [
        ("Trung tâm Phục vụ hành chính công phường",)
    ]
    assert db_rows(ready, "select count(*) from unit") == [(4,)]


def test_units_import_xlsx(ready: Cli, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for line in UNITS_CSV.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "units.xlsx"
    book.save(path)
    result = ready("units", "import", str(path))
    assert result.exit_code == 0, result.output
    assert len(json.loads(ready("units", "list", "--json").output)) == 4


def test_kind_words_people_use_are_kept_never_refused(ready: Cli, tmp_path: Path) -> None:
    """Known words map to a kind; any other word stays as the unit's label, kind "khác"."""
    path = write(
        tmp_path / "kinds.csv",
        UNITS_CSV
        + "CCT,Chi cục Thuế khu vực,cơ quan ngành dọc,,\n"
        + "HND,Hội Nông dân phường,hội,,\n"
        + "X2,Đơn vị Y,tàu vũ trụ,,\n",
    )
    result = ready("units", "import", str(path))
    assert result.exit_code == 0, result.output
    units = {u["code"]: u for u in json.loads(ready("units", "list", "--json").output)}
    assert units["CCT"]["kind"] == "khac" and units["X2"]["kind"] == "khac"
    assert (units["CCT"]["label"], units["X2"]["label"]) == ("cơ quan ngành dọc", "tàu vũ trụ")
    assert units["HND"]["kind"] == "doan_the"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (UNITS_CSV + "VP,Trùng mã,phòng,,\n", "lặp lại"),
        (UNITS_CSV + "X1,Đơn vị X,phòng,KHONGCO,\n", "KHONGCO"),
        ("ma,ten\nA,B\n", "thiếu cột"),
        ("", "trống"),
        (UNITS_CSV + ",Không mã,phòng,,\n", "thiếu mã"),
    ],
)
def test_bad_units_files_change_nothing(
    ready: Cli, tmp_path: Path, content: str, expected: str
) -> None:
    path = write(tmp_path / "bad.csv", content)
    result = ready("units", "import", str(path))
    assert result.exit_code == 2
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db_rows(ready, "select count(*) from unit") == [(0,)]


def test_broken_xlsx_and_wrong_extension(ready: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "units.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    result = ready("units", "import", str(fake))
    assert result.exit_code == 2 and "units.xlsx" in result.output
    pdf = write(tmp_path / "units.pdf", "%PDF-1.4")
    result = ready("units", "import", str(pdf))
    assert result.exit_code == 2 and ".pdf" in result.output
    result = ready("units", "import", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2 and "missing.csv" in result.output


def test_invite_is_stored_hashed_and_printed_once(ready: Cli, tmp_path: Path) -> None:
    ready("units", "import", str(write(tmp_path / "u.csv", UNITS_CSV)))
    result = ready(
        "invite", "create", "--unit", "VHXH", "--role", "head", "--expires", "48h", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["unit_code"] == "VHXH" and data["role"] == "head"
    code = data["code"]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    expires = datetime.fromisoformat(data["expires_at"])
    assert timedelta(hours=47) < expires - datetime.now(UTC) <= timedelta(hours=48)
    stored = db_rows(ready, "select code_hash, role from invite")
    assert stored == [(hash_code(code), "head")]
    assert code not in str(stored)


def test_invite_text_and_telegram_link(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_TELEGRAM_BOT_USERNAME": "dondoc_phuong_bot"})
    cli("init")
    cli("units", "import", str(write(tmp_path / "u.csv", UNITS_CSV)))
    result = cli("invite", "create", "--unit", "KT")
    assert result.exit_code == 0
    assert "Mã mời:" in result.output and "/start " in result.output
    assert "https://t.me/dondoc_phuong_bot?start=" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--unit", "NOPE"], "NOPE"),
        (["--unit", "KT", "--role", "boss"], "boss"),
        (["--unit", "KT", "--expires", "soon"], "soon"),
        (["--unit", "KT", "--expires", "0d"], "0d"),
        ([], "--unit"),
    ],
)
def test_bad_invites(ready: Cli, tmp_path: Path, args: list[str], expected: str) -> None:
    ready("units", "import", str(write(tmp_path / "u.csv", UNITS_CSV)))
    result = ready("invite", "create", *args)
    assert result.exit_code == 2
    assert expected in result.output
    assert db_rows(ready, "select count(*) from invite") == [(0,)]


def test_schedule_preview_json_and_text(ready: Cli) -> None:
    result = ready("schedule", "preview", "quarterly", "--year", "2024", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["period"] for d in data] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert all(set(d) >= {"period", "start", "due"} for d in data)
    once = json.loads(ready("schedule", "preview", "15/07/2024", "--json").output)
    assert [(d["period"], d["due"]) for d in once] == [("2024-07-15", "2024-07-15")]
    ongoing = json.loads(ready("schedule", "preview", "ongoing", "--year", "2024", "--json").output)
    assert ongoing and all(d["due"] is None for d in ongoing)
    text = ready(
        "schedule",
        "preview",
        "monthly",
        "--year",
        "2024",
        "--from",
        "01/07/2024",
        "--to",
        "31/07/2024",
    )
    assert "Thứ Hai, 22/07/2024" in text.output  # 20/7/2024 is a Saturday
    assert "Thứ Bảy, 20/07/2024" in text.output


def test_schedule_preview_bad_dates(ready: Cli) -> None:
    result = ready("schedule", "preview", "monthly", "--from", "32/13/2024")
    assert result.exit_code == 2 and "32/13/2024" in result.output
    result = ready("schedule", "preview", "monthly", "--from", "2024-08-01", "--to", "2024-07-01")
    assert result.exit_code == 2


def test_settings_never_show_secrets(tmp_path: Path) -> None:
    secret = "123456:ABC-very-secret-token"
    cli = Cli(
        tmp_path / "d",
        {"DONDOC_TELEGRAM_BOT_TOKEN": secret, "DONDOC_ZALO_BOT_TOKEN": "zalo-secret-xyz"},
    )
    result = cli("settings")
    assert result.exit_code == 0
    assert secret not in result.output and "zalo-secret-xyz" not in result.output
    assert "DONDOC_TELEGRAM_BOT_TOKEN" in result.output and "(đã đặt)" in result.output
    assert "(set)" not in result.output  # said in the operator's language
    shown = json.loads(cli("settings", "--json").output)
    assert shown["telegram_bot_token"] == "(set)"


def test_invalid_settings_are_explained(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_MONTHLY_DUE_DAY": "45"})
    result = cli("units", "list")
    assert result.exit_code == 2
    assert "monthly_due_day" in result.output


@pytest.mark.parametrize("value", ["7,3,1", "[7,3,1]", "7, 3, 1", " [ 7, 3, 1 ] ", "7;3;1"])
def test_list_settings_as_people_write_them(tmp_path: Path, value: str) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_REMIND_BEFORE": value})
    result = cli("settings", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["remind_before"] == "7,3,1"
    assert re.search(r"^DONDOC_REMIND_BEFORE +7,3,1$", cli("settings").output, re.MULTILINE)


def test_list_settings_from_the_env_file(tmp_path: Path) -> None:
    """The ``.env`` file beside where dondoc runs is read the same way."""
    import subprocess
    import sys

    write(
        tmp_path / ".env", "DONDOC_REMIND_BEFORE=5,2\nDONDOC_ZALO_FILE_HOSTS=zdn.vn, example.vn\n"
    )
    dondoc = str(Path(sys.executable).with_name("dondoc"))
    env = {"PATH": "/usr/bin:/bin", "DONDOC_DATA_DIR": str(tmp_path / "d"), "DONDOC_LOCALE": "vi"}
    done = subprocess.run(
        [dondoc, "settings", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (shown["remind_before"], shown["zalo_file_hosts"]) == ("5,2", "zdn.vn,example.vn")


@pytest.mark.parametrize("value", ["7,ba,1", "[7,3", "7,,1", "0,3", '{"a": 1}', "7.5"])
def test_bad_list_settings_are_explained(tmp_path: Path, value: str) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_REMIND_BEFORE": value})
    result = cli("settings")
    assert result.exit_code == 2
    assert "Cấu hình không hợp lệ" in result.output and "remind_before" in result.output
    assert "Traceback" not in result.output


def test_unreachable_database_url(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_DATABASE_URL": "postgresql://nobody:pw@127.0.0.1:1/none"})
    result = cli("init")
    assert result.exit_code == 2
    assert "Không mở được cơ sở dữ liệu" in result.output
    assert "pw@" not in result.output


def test_webhook_secrets_shown_as_the_readme_says(tmp_path: Path) -> None:
    """Unset, a webhook secret is generated at each start when the public URL is known (dondoc
    registers it itself); the README and ``dondoc settings`` say the same."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    [row] = [line for line in readme.splitlines() if "`DONDOC_ZALO_WEBHOOK_SECRET`" in line]
    public = Cli(tmp_path / "d", {"DONDOC_WEBHOOK_PUBLIC_URL": "https://dondoc.example.vn"})
    shown = json.loads(public("settings", "--json").output)
    assert (
        shown["zalo_webhook_secret"] == shown["telegram_webhook_secret"] == "(generated at start)"
    )
    assert "(generated at start)" in row and "DONDOC_WEBHOOK_PUBLIC_URL" in row
    shown = json.loads(Cli(tmp_path / "d")("settings", "--json").output)
    assert shown["zalo_webhook_secret"] == "(not set)"
    assert "(not set)" in row


def test_postgres_without_its_driver_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    """asyncpg is the extra dondoc[postgres]: a PostgreSQL URL without it is a clear message."""
    import sys

    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if not installed
    cli = Cli(tmp_path / "d", {"DONDOC_DATABASE_URL": "postgresql://u@127.0.0.1:1/db"})
    result = cli("init")
    assert result.exit_code == 2
    assert 'pip install "dondoc[postgres]"' in result.output


def _dondoc(*args: str, locale: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    if locale:
        env["DONDOC_LOCALE"] = locale
    command = [str(Path(sys.executable).with_name("dondoc")), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_usage_errors_and_help_speak_the_cli_language() -> None:
    """Click's own words (an unknown command, a missing argument, the help's boilerplate)
    come in Vietnamese by default and in English with DONDOC_LOCALE=en; exit status 2."""
    wrong = _dondoc("lenh-khong-co")
    assert wrong.returncode == 2
    assert "Lỗi: Không có lệnh 'lenh-khong-co'." in wrong.stderr
    assert "Cách dùng: dondoc" in wrong.stderr and "No such command" not in wrong.stderr
    missing = _dondoc("plan", "import")
    assert missing.returncode == 2 and "Thiếu đối số 'FILE'" in missing.stderr
    helped = _dondoc("invite", "create", "--help")
    assert "Xem hướng dẫn này rồi thoát." in helped.stdout
    assert "[mặc định: 7d]" in helped.stdout and "Tùy chọn:" in helped.stdout
    english = _dondoc("lenh-khong-co", locale="en")
    assert english.returncode == 2 and "No such command 'lenh-khong-co'." in english.stderr


def test_every_string_click_marks_for_translation_has_vietnamese() -> None:
    """A Click upgrade that adds a message is noticed here, not by an officer reading English."""
    import click
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from dondoc.locales import CLICK_DIR

    with (CLICK_DIR / "vi" / "LC_MESSAGES" / "click.po").open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    used = set()
    keywords = {"_": None, "ngettext": (1, 2)}
    for _name, _line, message, _c, _ctx in extract_from_dir(
        Path(click.__file__).parent, method_map=[("**.py", "python")], keywords=keywords
    ):
        used.add(message if isinstance(message, str) else message[0])
    assert used - translated == set()
