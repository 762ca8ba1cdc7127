"""Evidence kept by dondoc (*minh chứng*): the photo or file an officer sent with a report,
downloaded once into the data folder so that the coordinator can open it months later, when
the platform's own link has long expired.

What is kept is checked: at most the size limit, and only the kinds of files a ward sends as
evidence — pictures (JPEG, PNG, GIF, WebP), PDF, Word/Excel/PowerPoint (the Office Open XML and
the older OLE formats, OpenDocument) — recognised by their first bytes (``sniff``), never by the
name they came with. The rest is ``refused`` with the reason and never fetched again; a download
that failed (the platform did not answer) is tried again ``MAX_ATTEMPTS`` times in all.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_
from sqlmodel import col, select

from dondoc.storage.db import Session
from dondoc.storage.models import Evidence, Member, Report

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)
KEPT, REFUSED, FAILED = "kept", "refused", "failed"


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    extension: str


_ZIP_KINDS = {
    "word/": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
    ),
    "xl/": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"
    ),
}
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": FileType(
        "application/vnd.oasis.opendocument.text", ".odt"
    ),
    b"application/vnd.oasis.opendocument.spreadsheet": FileType(
        "application/vnd.oasis.opendocument.spreadsheet", ".ods"
    ),
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> FileType | None:
    """The kind of an evidence file from its content; None for a kind not accepted."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image/png", ".png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileType("image/gif", ".gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image/webp", ".webp")
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", ".pdf")
    if head.startswith(_OLE):
        name = path.name.lower()
        if name.endswith(".xls"):
            return FileType("application/vnd.ms-excel", ".xls")
        return FileType("application/msword", ".doc")  # Word 97-2003 (or another OLE file)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return None


def _zip_kind(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _OPENDOCUMENT.get(archive.read("mimetype").strip())
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    for prefix, kind in _ZIP_KINDS.items():
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class Pending:
    """A report whose attachment is not kept yet."""

    report_id: int
    channel: str
    ref: str
    kind: str
    attempts: int


async def pending(session: Session, now: datetime, limit: int = 20) -> list[Pending]:
    """Reports with an attachment never fetched, or whose last try failed long enough ago
    (fewer than ``MAX_ATTEMPTS`` tries), oldest first."""
    rows = (
        await session.exec(
            select(
                Report.id,
                Member.channel,
                Report.attachment_ref,
                Report.attachment_kind,
                Evidence.attempts,
            )
            .outerjoin(Evidence, col(Evidence.report_id) == Report.id)
            .outerjoin(Member, col(Member.id) == Report.member_id)
            .where(
                col(Report.attachment_ref).is_not(None),
                or_(
                    col(Evidence.id).is_(None),
                    and_(
                        Evidence.status == FAILED,
                        col(Evidence.attempts) < MAX_ATTEMPTS,
                        col(Evidence.updated_at) <= now - RETRY_AFTER,
                    ),
                ),
            )
            .order_by(col(Report.id))
            .limit(limit)
        )
    ).all()
    return [
        Pending(report_id, channel or "", ref or "", kind or "document", attempts or 0)
        for report_id, channel, ref, kind, attempts in rows
    ]


async def record(
    session: Session,
    report_id: int,
    status: str,
    *,
    now: datetime,
    path: str | None = None,
    name: str = "",
    content_type: str = "",
    size: int | None = None,
    sha256: str | None = None,
    reason: str | None = None,
) -> None:
    """Write what became of a report's attachment (one row per report, tries counted)."""
    row = (await session.exec(select(Evidence).where(Evidence.report_id == report_id))).first()
    if row is None:
        row = Evidence(report_id=report_id, status=status, created_at=now, updated_at=now)
    row.status = status
    row.path, row.name, row.content_type = path, name[:255], content_type[:100]
    row.size, row.sha256 = size, sha256
    row.reason = reason[:500] if reason else None
    row.attempts = (row.attempts or 0) + 1
    row.updated_at = now
    session.add(row)
    await session.flush()


@dataclass(frozen=True, slots=True)
class KeptEvidence:
    """What a page shows of a report's attachment."""

    report_id: int
    status: str  # kept | refused | failed
    path: str | None  # inside the evidence folder
    name: str
    content_type: str
    size: int | None
    reason: str | None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


async def evidence_of(session: Session, report_ids: list[int]) -> dict[int, KeptEvidence]:
    """The kept evidence of these reports, by report id."""
    found: dict[int, KeptEvidence] = {}
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), 500):
        rows = (
            await session.exec(
                select(Evidence).where(col(Evidence.report_id).in_(ids[start : start + 500]))
            )
        ).all()
        for row in rows:
            found[row.report_id] = KeptEvidence(
                row.report_id,
                row.status,
                row.path,
                row.name,
                row.content_type,
                row.size,
                row.reason,
            )
    return found
