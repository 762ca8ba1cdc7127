"""The schema comes only from Alembic: migrating an empty database gives exactly the models."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import dondoc.storage.models  # noqa: F401
from dondoc.storage.db import make_engine, migrate
from tests.conftest import POSTGRES_URL, postgres_available


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


async def test_empty_sqlite_migrates_to_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
        mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        fks = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    assert mode == "wal"
    assert fks == 1
    # Running it again is a no-op.
    await migrate(engine)
    await engine.dispose()


@pytest.mark.postgres
async def test_empty_postgresql_migrates_to_exactly_the_models() -> None:
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    schema = f"dondoc_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
