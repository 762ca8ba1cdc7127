"""Fetching a report's attachment on demand (*tải tệp đính kèm*): the report keeps only the
channel's reference (a Telegram file id, a Zalo photo URL); the file is downloaded when the
coordinator asks for it, up to 20 MB (Telegram's limit for bots; the same for Zalo URLs).

A Zalo photo URL was written by whoever sent the update: it is fetched through
``bot.safe_fetch`` only from Zalo's file hosts (``DONDOC_ZALO_FILE_HOSTS``, HTTPS, public
addresses) or the configured ``DONDOC_ZALO_BASE_URL``, every redirect checked again.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.bot.safe_fetch import fetch_to_file
from dondoc.bot.settings import Settings
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
        from dondoc.bot.telegram_channel import TelegramChannel  # only then: a heavy import

        telegram = TelegramChannel(token.get_secret_value(), settings.telegram_base_url)
        await telegram.application.initialize()
        try:
            return await telegram.download(ref, folder)
        finally:
            await telegram.application.shutdown()
    if channel == "zalo" and ref.startswith(("https://", "http://")):
        tail = SAFE_NAME.sub("_", ref.rsplit("/", 1)[-1].split("?")[0])[-80:].strip("._") or kind
        fetched = await fetch_to_file(ref, folder / tail, settings.fetch_policy("zalo"))
        return fetched.path
    raise UserError("channels.attachment.unsupported", id=report_id, channel=channel or "?")
