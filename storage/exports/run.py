"""Writing an export from a summary computed without its items (``compute_summary(items=False)``):
each format fetches only the rows it shows (``storage.summary.load_items``/``stream_items``) —
the Word report its late units' tasks and the first blocked notes, the chart nothing more, the
Excel workbook every row, streamed chunk by chunk into a constant-memory writer — and is
written atomically like ``write_export`` (the same writers, the same file).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.exports import FORMATS, ReportHeading, atomic_path, atomic_write, write_export
from dondoc.storage.summary import BLOCKED_CODES, LATE_CODES, load_items
from dondoc.storage.summary_model import Summary


async def export_summary(
    session: AsyncSession,
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
    heading = heading or ReportHeading()
    if summary.items_loaded or fmt == "png":
        return write_export(summary, fmt, path, language=language, issued=issued,
                            heading=heading)  # fmt: skip
    if fmt == "docx":
        from dondoc.storage.exports.docx import MAX_LISTED, write_docx
        from dondoc.storage.exports.docx_body import late_units

        units = [u.unit_id for u in late_units(summary)[:MAX_LISTED]]
        late = await load_items(session, summary, codes=LATE_CODES, unit_ids=units,
                                completion=False) if units else []  # fmt: skip
        blocked = await load_items(session, summary, codes=BLOCKED_CODES, limit=MAX_LISTED,
                                   completion=False)  # fmt: skip
        return atomic_write(
            path,
            lambda stream: write_docx(
                summary,
                stream,
                language,
                issued=issued,
                heading=heading,
                late_items=late,
                blocked_items=blocked,
            ),  # fmt: skip
        )
    if fmt == "xlsx":
        from dondoc.storage.exports.xlsx import write_xlsx_streamed

        async with atomic_path(path) as target:
            await write_xlsx_streamed(session, summary, target, language)
        return path
    raise UserError("export.unknown_format", value=fmt, formats=", ".join(FORMATS))
