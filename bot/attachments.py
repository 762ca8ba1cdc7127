"""Fetching a report's attachment on demand (*tải tệp đính kèm*): the report keeps only the
channel's reference (a Telegram file id, a Zalo photo URL); the file is downloaded when the
coordinator asks for it, up to 20 MB (Telegram's limit for bots; the same for Zalo URLs).
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.bot.settings import Settings
from dondoc.bot.telegram_channel import MAX_DOWNLOAD, TelegramChannel
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Member, Report

SAFE_NAME = re.compile(r"[^\w.\-]+")


async def report_attachment(engine: AsyncEngine, report_id: int) -> tuple[str, str, str]:
    """(channel, reference, kind) of a report's attachment; ``UserError`` when it has none."""
    async with transaction(engine) as session:
        report = await session.get(Report, report_id)
        if report is None:
            raise UserError("channels.attachment.no_report", id=report_id)
        if not report.attachment_ref:
            raise UserError("channels.attachment.none", id=report_id)
        member = await session.get(Member, report.member_id) if report.member_id else None
    channel = member.channel if member else ("zalo" if "://" in report.attachment_ref else "")
    return channel, report.attachment_ref, report.attachment_kind or "document"


async def download_url(url: str, folder: Path, name: str, limit: int = MAX_DOWNLOAD) -> Path:
    """A file by URL (Zalo photos), streamed, refused beyond ``limit`` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    size = 0
    try:
        async with httpx.AsyncClient(timeout=30.0, follow_redirects=True) as http:
            async with http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise UserError(
                        "channels.file_unavailable",
                        channel="Zalo",
                        reason=f"HTTP {response.status_code}",
                    )
                with target.open("wb") as handle:
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise UserError(
                                "channels.file_too_large",
                                name=name,
                                size=f">{limit // 1024 // 1024}",
                                limit=limit // 1024 // 1024,
                            )
                        handle.write(chunk)
    except httpx.HTTPError as exc:
        target.unlink(missing_ok=True)
        raise UserError(
            "channels.file_unavailable", channel="Zalo", reason=type(exc).__name__
        ) from None
    except UserError:
        target.unlink(missing_ok=True)
        raise
    return target


async def fetch_attachment(
    settings: Settings, engine: AsyncEngine, report_id: int, folder: Path
) -> Path:
    """Download the attachment of report ``report_id`` into ``folder``; the file's path."""
    channel, ref, kind = await report_attachment(engine, report_id)
    folder = folder / f"report-{report_id}"
    if channel == "telegram":
        token = settings.telegram_bot_token
        if token is None or not token.get_secret_value():
            raise UserError("channels.attachment.no_token", variable="DONDOC_TELEGRAM_BOT_TOKEN")
        telegram = TelegramChannel(token.get_secret_value(), settings.telegram_base_url)
        await telegram.application.initialize()
        try:
            return await telegram.download(ref, folder)
        finally:
            await telegram.application.shutdown()
    if ref.startswith(("https://", "http://")):
        tail = SAFE_NAME.sub("_", ref.rsplit("/", 1)[-1].split("?")[0])[-80:] or kind
        return await download_url(ref, folder, tail)
    raise UserError("channels.attachment.unsupported", id=report_id, channel=channel or "?")
