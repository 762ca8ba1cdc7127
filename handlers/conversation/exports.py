"""``/xuat`` (``/export``) ``xlsx|docx|png [kế hoạch] [kỳ]``: a coordinator gets the summary as
an Excel workbook, a Word report or the on-time chart in the chat.

The numbers are ``storage.summary.compute_summary``'s (the same as ``/tonghop`` and
``dondoc summary``); the files are written by ``storage.exports`` into ``<data dir>/exports``.
Telegram and the console receive the file itself. Zalo cannot send documents: there the text
gives the counts and a signed link that opens the file on the phone for 24 hours
(``/f/<token>`` on the web desk's public address), and the chart goes as a photo by URL. A file
larger than Telegram's 50 MB limit gets a link too. Without a public address the member is
told how the administrator sets one (``DONDOC_WEB_PUBLIC_URL``), never a path on the server.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from dondoc.handlers.conversation.scope import scoped_summary
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option, OutgoingFile, OutgoingMessage
from dondoc.storage import audit
from dondoc.storage.errors import UserError
from dondoc.storage.exports import default_filename, write_export
from dondoc.storage.exports.text import count_lines, headline
from dondoc.storage.file_links import LIFETIME
from dondoc.storage.private_files import private_folder
from dondoc.storage.summary_model import Summary
from dondoc.storage.text import fold

TELEGRAM_MAX_BYTES = 50 * 1024 * 1024
DOCUMENT_CHANNELS = ("telegram", "console")
_FORMAT_WORDS = {
    "xlsx": "xlsx",
    "excel": "xlsx",
    "xls": "xlsx",
    "docx": "docx",
    "word": "docx",
    "doc": "docx",
    "baocao": "docx",
    "png": "png",
    "bieudo": "png",
    "chart": "png",
    "anh": "png",
}


def parse_format(word: str) -> str | None:
    """ "xlsx", "Excel", "word", "biểu đồ" … → xlsx | docx | png; None when not a format."""
    return _FORMAT_WORDS.get(fold(word).replace(" ", ""))


def _usage(turn: Turn) -> list[OutgoingMessage]:
    options = (
        Option(turn.t("exports.chat.opt.xlsx"), "/xuat xlsx"),
        Option(turn.t("exports.chat.opt.docx"), "/xuat docx"),
        Option(turn.t("exports.chat.opt.png"), "/xuat png"),
    )
    return [OutgoingMessage(turn.t("exports.chat.usage"), options)]


def _text(turn: Turn, summary: Summary) -> str:
    return "\n".join([headline(summary, turn.language), *count_lines(summary, turn.language)])


async def export_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/xuat xlsx|docx|png [kế hoạch] [kỳ]`` (``/export``)."""
    word, _sep, rest = args.strip().partition(" ")
    if not word:
        return _usage(turn)
    fmt = parse_format(word)
    if fmt is None:
        raise UserError("exports.chat.bad_format", value=word[:30])
    summary, _period = await scoped_summary(turn, rest, "exports.chat.bad_scope")
    folder = turn.ctx.exports_folder
    try:
        private_folder(folder)
    except OSError as exc:
        raise UserError("export.unwritable.no_permission", path=str(folder)) from exc
    documents = turn.msg.channel in DOCUMENT_CHANNELS
    wanted = [fmt] if documents or fmt == "png" else [fmt, "png"]
    paths: dict[str, Path] = {}
    for kind in wanted:
        paths[kind] = await asyncio.to_thread(
            write_export,
            summary,
            kind,
            folder / default_filename(summary, kind),
            language=turn.language,
            issued=summary.today,
            heading=turn.ctx.report_heading,
        )
    audit.record(
        turn.session,
        turn.now,
        "summary.export",
        actor=turn.actor,
        member_id=turn.member.id if turn.member else None,
        target=str(paths[fmt]),
        details={"format": fmt, "channel": turn.msg.channel, "items": summary.total},
    )
    text = _text(turn, summary)
    main = paths[fmt]
    too_big = fmt != "png" and main.stat().st_size > TELEGRAM_MAX_BYTES
    if fmt == "png":
        caption = turn.t("exports.chat.caption.png")
        return [OutgoingMessage(text, file=OutgoingFile(str(main), "photo", caption))]
    if documents and not too_big:
        caption = turn.t(f"exports.chat.caption.{fmt}")
        return [OutgoingMessage(text, file=OutgoingFile(str(main), "document", caption))]
    chart = paths.get("png")
    base, links = turn.ctx.web_public_url, turn.ctx.file_links
    member_id = turn.member.id if turn.member else 0
    if base is None or links is None:
        key = "exports.chat.no_public_url" if not too_big else "exports.chat.too_big_no_url"
        return [OutgoingMessage(f"{text}\n\n{turn.t(key, file=main.name)}")]

    def url(path: Path) -> str:
        return f"{base.rstrip('/')}/f/{links.token(path, member_id, turn.now)}"

    key = "exports.chat.link" if not too_big else "exports.chat.too_big_link"
    where = turn.t(key, file=main.name, url=url(main), hours=int(LIFETIME.total_seconds() // 3600))
    if chart is None:  # a too-big file on Telegram: the link is enough
        return [OutgoingMessage(f"{text}\n\n{where}")]
    return [
        OutgoingMessage(
            f"{text}\n\n{where}",
            file=OutgoingFile(url(chart), "photo", turn.t("exports.chat.caption.png")),
        )
    ]
