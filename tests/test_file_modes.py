"""What dondoc writes is for the account that runs it (issue 16, item 7): the database and its
journal files 0600, its folder 0700, exports and their folder 0600/0700, backups with the
database's mode — whatever the umask of the shell that started it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual 022 (files 0644 unless dondoc says otherwise)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_database_and_its_folder_are_private(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "srv" / "data")
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "srv" / "data") == 0o700
    assert mode(tmp_path / "srv") == 0o700  # every folder dondoc created
    assert cli("units", "list").exit_code == 0  # opened again: WAL files exist now
    files = sorted((tmp_path / "srv" / "data").iterdir())
    assert [f.name for f in files][0] == "dondoc.db"
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_init_tightens_a_database_readable_by_others(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    assert cli("init").exit_code == 0
    database = tmp_path / "data" / "dondoc.db"
    os.chmod(database, 0o644)  # made by an earlier release
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert mode(database) == 0o600
    assert "0600" in result.output
    assert "0600" not in cli("init").output  # said once, when it changed something


def test_exports_are_private_and_backups_keep_the_mode(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    assert cli("init").exit_code == 0
    result = cli("summary", "--format", "xlsx")
    assert result.exit_code == 0, result.output
    exports = tmp_path / "data" / "exports"
    [workbook] = exports.iterdir()
    assert (mode(exports), mode(workbook)) == (0o700, 0o600)
    result = cli("summary", "--format", "docx", "-o", str(tmp_path / "out") + "/")
    assert result.exit_code == 0, result.output
    [document] = (tmp_path / "out").iterdir()
    assert (mode(tmp_path / "out"), mode(document)) == (0o700, 0o600)
    result = cli("backup", str(tmp_path / "backups" / "dondoc.db"))
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "backups" / "dondoc.db") == 0o600
    assert mode(tmp_path / "backups") == 0o700
