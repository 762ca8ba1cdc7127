"""The SQLite engine: SQLAlchemy's own aiosqlite adapter (public parts only), WAL, foreign keys,
errors as SQLAlchemy raises them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dondoc.storage.db import make_engine, migrate, transaction
from dondoc.storage.models import Unit


async def test_engine_behaves_like_sqlite_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.dialect.driver == "aiosqlite"
    await migrate(engine)
    async with engine.connect() as connection:
        assert (await connection.execute(text("pragma journal_mode"))).scalar() == "wal"
    from datetime import UTC, datetime

    now = datetime(2024, 7, 1, tzinfo=UTC)
    async with transaction(engine) as session:
        session.add(Unit(code="A", name="Phòng A", created_at=now, updated_at=now))
    async with engine.connect() as connection:
        assert (await connection.execute(text("select count(*) from unit"))).scalar() == 1
        rows = (await connection.execute(text("select code, name from unit"))).all()
        assert rows == [("A", "Phòng A")]
    with pytest.raises(IntegrityError):  # errors come through as before
        async with transaction(engine) as session:
            session.add(Unit(code="A", name="again", created_at=now, updated_at=now))
    with pytest.raises(IntegrityError):  # foreign keys are on
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "insert into member (channel, channel_user_id, chat_id, display_name, unit_id, "
                    "role, language, reachable, active, created_at) values "
                    "('console','u','u','',999,'officer','vi',1,1,'2024-07-01 00:00:00')"
                )
            )
    await engine.dispose()
