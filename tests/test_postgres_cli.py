"""PostgreSQL by changing the URL: the same commands work on a fresh PostgreSQL database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import Cli, postgres_available
from tests.test_cli_foundation import UNITS_CSV, write

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    import asyncio

    name = f"dondoc_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
