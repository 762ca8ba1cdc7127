"""``dondoc backup``: a consistent copy while the database is in use; nothing half-written."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from alembic.script import ScriptDirectory

from dondoc.storage.db import alembic_config
from tests.conftest import Cli
from tests.test_cli_foundation import UNITS_CSV, write


def test_backup_is_a_complete_database(dondoc: Cli, tmp_path: Path) -> None:
    dondoc("init")
    dondoc("units", "import", str(write(tmp_path / "u.csv", UNITS_CSV)))
    target = tmp_path / "backups" / "dondoc-2024-07-15.db"
    result = dondoc("backup", str(target))
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from unit").fetchone() == (4,)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert copy.execute("select version_num from alembic_version").fetchone() == (head,)
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_backup_while_another_connection_writes(dondoc: Cli, tmp_path: Path) -> None:
    dondoc("init")
    db = dondoc.data_dir / "dondoc.db"
    stop = threading.Event()

    def writer() -> None:
        with sqlite3.connect(db, timeout=30) as connection:
            n = 0
            while not stop.is_set() and n < 2000:
                connection.execute(
                    "insert into audit_log (at, actor, action, target, details) "
                    "values ('2024-07-15 01:00:00', 'test', 'x', '', '{}')"
                )
                connection.commit()
                n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = dondoc("backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("pragma integrity_check").fetchone() == ("ok",)


def test_backup_refusals(dondoc: Cli, tmp_path: Path) -> None:
    assert dondoc("backup", str(tmp_path / "x.db")).exit_code == 2  # no database yet
    dondoc("init")
    same = dondoc("backup", str(dondoc.data_dir / "dondoc.db"))
    assert same.exit_code == 2 and "trùng" in same.output
    folder = dondoc("backup", str(tmp_path))
    assert folder.exit_code == 2
    not_a_folder = write(tmp_path / "a-file", "x")
    result = dondoc("backup", str(not_a_folder / "x.db"))
    assert result.exit_code == 2 and "Không ghi được" in result.output
    pg = Cli(tmp_path / "pg", {"DONDOC_DATABASE_URL": "postgresql://u@127.0.0.1/db"})
    result = pg("backup", str(tmp_path / "pg.db"))
    assert result.exit_code == 2 and "pg_dump" in result.output


def test_backup_never_overwrites_without_force(dondoc: Cli, tmp_path: Path) -> None:
    """An existing file may be last week's only good backup: kept unless --force."""
    dondoc("init")
    target = write(tmp_path / "dondoc.db", "last week's backup")
    result = dondoc("backup", str(target))
    assert result.exit_code == 2
    assert "--force" in result.output and str(target) in result.output
    assert target.read_text() == "last week's backup"
    result = dondoc("backup", "--force", str(target))
    assert result.exit_code == 0, result.output
    assert "thay cho tệp cũ" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("pragma integrity_check").fetchone() == ("ok",)


def test_backup_says_what_it_wrote(dondoc: Cli, tmp_path: Path, monkeypatch) -> None:
    dondoc("init")
    monkeypatch.chdir(tmp_path)
    result = dondoc("backup", "sao-luu/2024/dondoc.db")
    assert result.exit_code == 0, result.output
    target = tmp_path / "sao-luu" / "2024" / "dondoc.db"
    size = f"{target.stat().st_size / 1024:.0f}"
    lines = result.output.splitlines()
    assert lines[0] == f"Đã tạo thư mục {tmp_path / 'sao-luu'} (chỉ tài khoản này đọc được)."
    assert (
        lines[1] == f"Đã tạo thư mục {tmp_path / 'sao-luu' / '2024'} (chỉ tài khoản này đọc được)."
    )
    assert lines[2] == f"Đã sao lưu cơ sở dữ liệu vào {target} ({size} KB)."
    assert len(lines) == 3
