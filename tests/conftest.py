"""Shared fixtures: a migrated SQLite database in a temporary folder, a CLI runner with its
own data directory, a fake clock, and the PostgreSQL URL (tests skip when no server answers)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import make_engine, migrate

# The public plan texts the tests read (copies of the seeds: the repository stands alone).
SEEDS = Path(__file__).resolve().parent / "data" / "plans"
POSTGRES_URL = os.environ.get(
    "DONDOC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def _postgres_admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_postgres_database(prefix: str = "dondoc") -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards. Yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await _postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        await _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_postgres() -> None:
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, for tests that run the CLI against it."""
    import asyncio

    require_postgres()
    name = f"dondoc_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    """A migrated engine on a fresh PostgreSQL database."""
    require_postgres()
    async with fresh_postgres_database() as url:
        eng = make_engine(url)
        try:
            await migrate(eng)
            yield eng
        finally:
            await eng.dispose()


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 7, 1, 1, 0, tzinfo=UTC))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    await migrate(eng)
    yield eng
    await eng.dispose()


class Cli:
    """Runs ``dondoc`` in-process with its own data directory, as an operator would."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.env = {"DONDOC_DATA_DIR": str(data_dir), "DONDOC_LOCALE": "vi", **(env or {})}

    def __call__(self, *args: str, input: str | None = None) -> Result:
        from dondoc.bot.cli import cli

        runner = CliRunner()
        return runner.invoke(cli, list(args), env=self.env, input=input, catch_exceptions=False)


@pytest.fixture
def dondoc(tmp_path: Path) -> Iterator[Cli]:
    yield Cli(tmp_path / "data")
