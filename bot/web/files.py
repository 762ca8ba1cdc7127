"""Files of the desk (*tệp*): the papers of the current filter (Excel, Word, the chart), and
``/f/<token>`` — the signed, expiring link that opens an export or a kept piece of evidence on
any phone, signed in or not (the link itself is the permission, made for one member).

A download writes the export of the page's filter (the viewer's own unit for an officer) into
``<exports>/web/m<member>/`` — one folder per member, so two people's papers never overwrite
each other — and redirects to its ``/f/`` link. Opening a link checks the signature, the
expiry, that the file is inside its folder, and that the member it was made for is still
active; every opening is audited.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from dondoc.bot.web.guard import Call, secure_headers
from dondoc.handlers.desk.filters import read_filters, summary_for
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.exports import default_filename, write_export
from dondoc.storage.file_links import LinkRefused
from dondoc.storage.people import person
from dondoc.storage.private_files import private_folder
from dondoc.storage.summary_model import Summary

if TYPE_CHECKING:
    from dondoc.bot.web.app import Desk

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
INLINE = (".png", ".jpg", ".gif", ".webp", ".pdf")


def member_folder(call: Call) -> Path:
    return call.desk.ctx.exports_folder / "web" / f"m{call.viewer.member_id}"


def _filename(summary: Summary, fmt: str) -> str:
    name = default_filename(summary, fmt)
    if summary.unit_code:
        stem, _dot, ext = name.rpartition(".")
        safe = "".join(c if c.isalnum() or c in "-." else "-" for c in summary.unit_code)
        name = f"{stem}_{safe}.{ext}"
    return name


async def _export(call: Call, fmt: str) -> Path:
    ctx = call.desk.ctx
    today = ctx.today()
    filters = await read_filters(call.session, call.request.query, call.viewer, today)
    summary = await summary_for(call.session, call.viewer, filters, today, ctx.calendar.tz)
    folder = member_folder(call)
    try:
        private_folder(folder)
    except OSError as exc:
        raise UserError("export.unwritable.no_permission", path=str(folder)) from exc
    path = await asyncio.to_thread(
        write_export,
        summary,
        fmt,
        folder / _filename(summary, fmt),
        language=call.viewer.language,
        issued=today,
        heading=ctx.report_heading,
    )
    audit.record(
        call.session,
        call.now,
        "summary.export",
        actor=call.viewer.name,
        member_id=call.viewer.member_id,
        target=path.name,
        details={"format": fmt, "channel": "web", "items": summary.total},
    )
    return path


async def download(call: Call) -> web.StreamResponse:
    """``/tai/<fmt>?<filter>``: write the paper, then open it through its signed link."""
    fmt = call.request.match_info["fmt"]
    path = await _export(call, fmt)
    links = call.desk.ctx.file_links
    if links is None:  # pragma: no cover - a desk is always given its links
        raise web.HTTPNotFound()
    token = links.token(path, call.viewer.member_id, call.now)
    response = web.HTTPSeeOther(f"/f/{token}")
    secure_headers(response)
    raise response


async def chart(call: Call) -> web.StreamResponse:
    """``/bieudo.png?<filter>``: the on-time chart of the overview, as the exports draw it."""
    path = await _export(call, "png")
    return _serve(path, inline=True)


def _serve(path: Path, *, inline: bool) -> web.StreamResponse:
    response = web.FileResponse(path)
    kind = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    response.content_type = kind
    how = "inline" if inline else "attachment"
    ascii_name = "".join(
        c if c.isascii() and (c.isalnum() or c in "-._") else "_" for c in path.name
    )
    response.headers["Content-Disposition"] = f'{how}; filename="{ascii_name}"'
    secure_headers(response)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def open_link(desk: Desk, request: web.Request, token: str) -> web.StreamResponse:
    """``/f/<token>``: the file, or a page saying why not (forged/missing 404, expired 410,
    the member left 403)."""
    links = desk.ctx.file_links
    now = desk.ctx.clock.now()
    if links is None:
        return desk.refusal(request, 404, "web.file.forged")
    try:
        linked = links.open(token, now)
    except LinkRefused as exc:
        status = 410 if exc.reason == "expired" else 404
        return desk.refusal(request, status, f"web.file.{exc.reason}")
    async with transaction(desk.ctx.engine) as session:
        try:
            member = await person(session, linked.member_id)
        except UserError:
            member = None
        if member is None or not member.active:
            return desk.refusal(request, 403, "web.file.member_left")
        audit.record(
            session,
            now,
            "file.open",
            actor=member.label,
            member_id=member.id,
            target=f"{linked.folder}/{linked.path.name}"[:255],
            details={"remote": (request.remote or "")[:64]},
        )
    return _serve(linked.path, inline=linked.path.suffix.lower() in INLINE)
