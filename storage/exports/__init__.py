"""Coordinator outputs (*xuất báo cáo*): the summary as an Excel workbook, a Word report ready
to sign, or a bar chart of on-time rates — all from one ``storage.summary_model.Summary``.

``write_export(summary, fmt, path, ...)`` writes the file atomically: into a temporary file in
the target folder, renamed over the target only when complete, so a failure (disk full, no
permission) leaves nothing half-written. A path that cannot be written raises
``UserError("export.unwritable.<reason>", path=...)`` (no permission, read-only, disk full,
no such folder, a folder in the way).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from dondoc.storage.errors import UserError
from dondoc.storage.summary_model import Summary
from dondoc.storage.text import fold

FORMATS = ("xlsx", "docx", "png")


@dataclass(frozen=True)
class ReportHeading:
    """Who issues the Word report and where (Nghị định 30/2020 layout): the governing body
    (*cơ quan chủ quản*, e.g. "UBND PHƯỜNG THANH XUÂN"), the issuing office (e.g. "PHÒNG VĂN
    HÓA - XÃ HỘI"), the symbol of the number line ("BC-VHXH": "Số:    /BC-VHXH", the number
    left blank for the clerk), the place name of the date line ("Thanh Xuân"), the signer's
    title and name, and the recipients (*nơi nhận*). ``storage.exports.heading`` fills what
    the deployment did not set from its units and plans; nothing is replaced by dots."""

    authority: str = ""
    office: str = ""
    place: str = ""
    signer_title: str = ""
    signer_name: str = ""
    symbol: str = ""
    recipients: tuple[str, ...] = ()


def default_filename(summary: Summary, fmt: str) -> str:
    """ "tong-hop_84-KH-UBND_2024-07.xlsx": plan and period, safe on every file system."""
    parts = ["tong-hop"]
    if summary.plan_code:
        parts.append(summary.plan_code)
    if summary.label:
        parts.append(summary.label)
    elif summary.first and summary.last:
        parts.append(f"{summary.first.isoformat()}_{summary.last.isoformat()}")
    else:
        parts.append(f"den-{summary.today.isoformat()}")
    safe = "_".join(
        "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in fold(part)).strip("-")
        for part in parts
    )
    return f"{safe}.{fmt}"


@asynccontextmanager
async def atomic_path(path: Path) -> AsyncIterator[Path]:
    """A temporary path in ``path``'s folder to write to (by a writer that wants a file
    name); renamed into place when the block ends without error, removed otherwise."""
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(_reason(errno.EISDIR), path=str(path))
    if not folder.is_dir():
        raise UserError(_reason(errno.ENOENT), path=str(path))
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise UserError(_reason(exc.errno), path=str(path)) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp  # mkstemp made it 0600: exports are for the people who run dondoc only
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(_reason(exc.errno), path=str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``path`` through a temporary file in its folder, then rename it into place."""
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(_reason(errno.EISDIR), path=str(path))
    if not folder.is_dir():
        raise UserError(_reason(errno.ENOENT), path=str(path))
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(_reason(exc.errno), path=str(path)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)  # mkstemp made it 0600: exports are for this account only
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(_reason(exc.errno), path=str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _reason(code: int | None) -> str:
    """The message key that says why a path cannot be written (``export.unwritable.*``)."""
    names = {
        errno.EACCES: "no_permission",
        errno.EPERM: "no_permission",
        errno.EROFS: "read_only",
        errno.ENOSPC: "disk_full",
        errno.EDQUOT: "disk_full",
        errno.ENOENT: "no_folder",
        errno.ENOTDIR: "no_folder",
        errno.EISDIR: "is_folder",
    }
    return f"export.unwritable.{names.get(code or 0, 'other')}"


def write_export(
    summary: Summary,
    fmt: str,
    path: Path,
    *,
    language: str = "vi",
    issued: date | None = None,
    heading: ReportHeading | None = None,
) -> Path:
    """Write ``summary`` as ``fmt`` (xlsx, docx, png) to ``path``; returns the path."""
    issued = issued or summary.today
    if fmt == "xlsx":
        from dondoc.storage.exports.xlsx import write_xlsx

        return atomic_write(path, lambda stream: write_xlsx(summary, stream, language))
    if fmt == "docx":
        from dondoc.storage.exports.docx import write_docx

        return atomic_write(
            path,
            lambda stream: write_docx(
                summary, stream, language, issued=issued, heading=heading or ReportHeading()
            ),
        )
    if fmt == "png":
        from dondoc.storage.exports.chart import write_chart

        return atomic_write(path, lambda stream: write_chart(summary, stream, language))
    raise UserError("export.unknown_format", value=fmt, formats=", ".join(FORMATS))
