"""Database engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL.

Everything here is independent of the backend: callers get an ``AsyncEngine`` and open
transactions with ``transaction(engine)``. The schema comes only from Alembic migrations
(``migrate``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.private_files import private_file, private_folder

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The session every storage function takes: one transaction (``transaction``). Callers above
# storage hold it only to hand it back to storage functions, never to build statements.
Session = AsyncSession
# The database a deployment runs on (``make_engine``): handed around, opened by ``transaction``.
Engine = AsyncEngine


class DatabaseUnavailable(Exception):
    """The database URL does not lead to a database we can open."""


def normalise_url(url: str) -> str:
    """Give a URL its asyncio driver: ``sqlite://`` → aiosqlite, ``postgresql://`` → asyncpg."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: AsyncEngine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the engine for ``url``; for SQLite, create the file (0600) and its folder (0700)
    and set pragmas."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            # The data folder 0700 and the database 0600 (storage.private_files): created here,
            # before SQLite would create the file with the umask's mode.
            private_folder(Path(database).expanduser().parent)
            private_file(Path(database).expanduser())
        kwargs.setdefault("connect_args", {"timeout": 30})
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "asyncpg":
        try:
            import asyncpg  # noqa: F401 - the extra dondoc[postgres]
        except ImportError:
            raise UserError("db.postgres_driver") from None
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back everything on any exception."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` through Alembic."""

    def _upgrade(sync_connection: Connection) -> None:
        command.upgrade(alembic_config(sync_connection), revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except OSError as exc:
        raise DatabaseUnavailable(str(exc)) from exc


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def _current(sync_connection: Connection) -> str | None:
        return MigrationContext.configure(sync_connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_current)
