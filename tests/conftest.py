"""Shared fixtures: a migrated SQLite database in a temporary folder, a CLI runner with its
own data directory, a fake clock, and the PostgreSQL URL (tests skip when no server answers)."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.calendar import WorkingCalendar
from scheduler.clock import FakeClock
from storage.db import make_engine, migrate

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
POSTGRES_URL = os.environ.get(
    "DONDOC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


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
        from bot.cli import cli

        runner = CliRunner()
        return runner.invoke(cli, list(args), env=self.env, input=input, catch_exceptions=False)


@pytest.fixture
def dondoc(tmp_path: Path) -> Iterator[Cli]:
    yield Cli(tmp_path / "data")
