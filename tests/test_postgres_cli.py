"""PostgreSQL by changing the URL: the same commands work on a fresh PostgreSQL database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.test_cli_foundation import UNITS_CSV, write

pytestmark = pytest.mark.postgres


def test_foundation_commands_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d", {"DONDOC_DATABASE_URL": pg_url})
    assert cli("init").exit_code == 0
    assert cli("init").exit_code == 0
    result = cli("units", "import", str(write(tmp_path / "u.csv", UNITS_CSV)))
    assert result.exit_code == 0, result.output
    units = json.loads(cli("units", "list", "--json").output)
    assert {u["code"] for u in units} == {"VP", "VHXH", "KT", "TTHCC"}
    bad = cli("units", "import", str(write(tmp_path / "bad.csv", UNITS_CSV + "VP,Trùng,phòng,,\n")))
    assert bad.exit_code == 2
    invite = json.loads(cli("invite", "create", "--unit", "KT", "--json").output)
    assert invite["unit_code"] == "KT"
