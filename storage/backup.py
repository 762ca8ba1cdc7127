"""``dondoc backup FILE``: a consistent copy of the SQLite database while dondoc keeps running.

Uses SQLite's online backup API (pages copied under SQLite's own locking, WAL included), into a
temporary file beside the target that is renamed only when complete — a backup is whole or
absent. PostgreSQL deployments back up with ``pg_dump``; dondoc says so instead of copying.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from dondoc.storage.errors import UserError


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise UserError("backup.not_sqlite", backend=parsed.get_backend_name())
    if not parsed.database or parsed.database == ":memory:":
        raise UserError("backup.no_file")
    return Path(parsed.database).expanduser()


def backup_sqlite(url: str, target: Path) -> int:
    """Copy the database of ``url`` to ``target``; returns the size in bytes."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise UserError("db.not_initialised")
    target = target.expanduser()
    if target.resolve() == source_path.resolve():
        raise UserError("backup.same_file", file=str(target))
    if target.is_dir():
        raise UserError("file.is_directory", file=str(target))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        try:
            copy = sqlite3.connect(tmp)
            try:
                source.backup(copy, pages=1024)
                check = copy.execute("PRAGMA integrity_check").fetchone()
                if not check or check[0] != "ok":
                    raise UserError("backup.integrity", detail=str(check))
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.OperationalError) as exc:
        raise UserError(
            "backup.cannot_write",
            file=str(target),
            reason=getattr(exc, "strerror", None) or str(exc),
        ) from exc
    finally:
        if tmp.is_file():
            tmp.unlink()
    return target.stat().st_size
