"""``dondoc backup FILE``: a consistent copy of the SQLite database while dondoc keeps running.

Uses SQLite's online backup API (pages copied under SQLite's own locking, WAL included), into a
temporary file beside the target that is renamed only when complete — a backup is whole or
absent. PostgreSQL deployments back up with ``pg_dump``; dondoc says so instead of copying.

A backup never destroys: an existing file is replaced only when asked (``--force``; it may be
the last good backup). The copy has the database's mode (0600 for a database dondoc made); the
folders created for it are 0700, and named in the result so the operator is told.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from dondoc.storage.errors import UserError
from dondoc.storage.private_files import FILE_MODE, private_file, private_folder


@dataclass(frozen=True)
class BackupResult:
    """What ``backup_sqlite`` wrote: the file (absolute), its size, the file it replaced (its
    size, or None), and the folders it had to create, outermost first."""

    path: Path
    size: int
    replaced_size: int | None = None
    created_folders: list[Path] = field(default_factory=list)


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise UserError("backup.not_sqlite", backend=parsed.get_backend_name())
    if not parsed.database or parsed.database == ":memory:":
        raise UserError("backup.no_file")
    return Path(parsed.database).expanduser()


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite ``url``; None for another database or an in-memory one."""
    try:
        return sqlite_path(url)
    except UserError:
        return None


def backup_sqlite(url: str, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the database of ``url`` to ``target``; an existing ``target`` only with ``force``."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise UserError("db.not_initialised")
    target = Path(os.path.abspath(target.expanduser()))
    if target.resolve() == source_path.resolve():
        raise UserError("backup.same_file", file=str(target))
    if target.is_dir():
        raise UserError("file.is_directory", file=str(target))
    replaced_size = target.stat().st_size if target.exists() else None
    if replaced_size is not None and not force:
        raise UserError("backup.exists", file=str(target), size=_kilobytes(replaced_size))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    created: list[Path] = []
    try:
        created = private_folder(target.parent)
        tmp.unlink(missing_ok=True)
        private_file(tmp)  # 0600 before SQLite writes a page into it
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
        os.chmod(tmp, stat.S_IMODE(source_path.stat().st_mode) or FILE_MODE)
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
    return BackupResult(target, target.stat().st_size, replaced_size, created)


def _kilobytes(size: int) -> str:
    return f"{size / 1024:.0f}"
