"""Database engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL.

Everything here is independent of the backend: callers get an ``AsyncEngine`` and open
transactions with ``transaction(engine)``. The schema comes only from Alembic migrations
(``migrate``).
"""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.private_files import private_file, private_folder

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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


class _Ran:
    """What a statement left on its (already closed) sqlite3 cursor."""

    __slots__ = ("description", "rowcount", "lastrowid", "arraysize")

    def __init__(self, description: Any, rowcount: int, lastrowid: Any, arraysize: int) -> None:
        self.description, self.rowcount = description, rowcount
        self.lastrowid, self.arraysize = lastrowid, arraysize

    def close(self) -> None:
        pass


def _run(sqlite_connection: Any, many: bool, operation: Any, parameters: Any) -> Any:
    cursor = sqlite_connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return _Ran(description, cursor.rowcount, cursor.lastrowid, cursor.arraysize), rows
    finally:
        cursor.close()


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """aiosqlite cursor whose statement costs one trip to the database thread, not four.

    SQLAlchemy's adapter opens an aiosqlite cursor, executes, fetches and closes it, each a
    round trip to aiosqlite's thread; replies are dominated by those trips. Here the whole
    statement (cursor, execute, fetch all rows, close) runs as one call in that thread, with
    the same results and errors; only the cursor's attributes are read afterwards.
    """

    __slots__ = ()
    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Ran(None, -1, None, 1)
        self._soft_closed_memoized = {}
        self._rows = collections.deque()

    async def _in_thread(self, many: bool, operation: Any, parameters: Any) -> None:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:
            self._cursor, rows = await connection._execute(
                _run, connection._conn, many, operation, parameters
            )
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._in_thread(False, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._in_thread(True, operation, seq_of_parameters)


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneHopCursor

    def rollback(self) -> None:
        # The pool rolls back every connection it gets back, most often just after a commit.
        # sqlite3 does nothing when no transaction is open: skip the trip to the thread then.
        sqlite_connection = self._connection._connection
        if sqlite_connection is not None and not sqlite_connection.in_transaction:
            return
        super().rollback()


class _OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        plain = super().connect(*arg, **kw)
        return _OneHopConnection(self, plain._connection)


def _one_hop_supported() -> bool:
    """The one-hop adapter leans on private parts of aiosqlite and of SQLAlchemy's adapter;
    after an upgrade that changes them, dondoc falls back to the standard adapter (slower,
    same behaviour) instead of breaking. ``tests/test_db.py`` notices the fallback."""
    import aiosqlite

    return (
        hasattr(aiosqlite.Connection, "_execute")
        and hasattr(AsyncAdapt_aiosqlite_cursor, "_execute_async")
        and hasattr(AsyncAdapt_aiosqlite_cursor, "_executemany_async")
        and hasattr(AsyncAdapt_aiosqlite_connection, "_cursor_cls")
    )


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
        if _one_hop_supported():
            import sqlite3

            import aiosqlite

            kwargs.setdefault("module", _OneHopDBAPI(aiosqlite, sqlite3))
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
