"""The Zalo ``Channel``: sending (split under 2,000 characters, rate-limited) and taking
updates by long polling or from the webhook.

Zalo shows text only: options become the numbered lines the officer answers by number. Zalo
cannot carry a document, and a photo only by public URL: a file on disk becomes its caption
plus where it was saved, said in the message (never dropped silently).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from aiolimiter import AsyncLimiter

from dondoc.bot.inbox import Inbox
from dondoc.bot.splitting import split_message
from dondoc.bot.zalo.client import (
    DEFAULT_RETRY_AFTER,
    ZaloApiError,
    ZaloClient,
    ZaloError,
    ZaloUnreachable,
    failure_kind,
)
from dondoc.bot.zalo.updates import EventKind, MalformedUpdate, parse_update
from dondoc.locales import _
from dondoc.scheduler.messaging import FailureKind, OutgoingMessage, SendOutcome

log = logging.getLogger("dondoc.zalo")

MAX_TEXT = 2000


class ZaloTokenRejected(Exception):
    """getMe or getUpdates answered 401: the token is wrong or was revoked."""


class ZaloChannel:
    name = "zalo"

    def __init__(
        self,
        client: ZaloClient,
        inbox: Inbox | None = None,
        language: str = "vi",
        rate_limit: float = 5.0,
        poll_timeout: int = 30,
    ) -> None:
        self.client = client
        self.inbox = inbox
        self.language = language
        self.poll_timeout = poll_timeout
        self._limiter = AsyncLimiter(1, 1.0 / rate_limit)  # evenly spaced, no burst
        self._stopping = asyncio.Event()
        self.bot_info: dict[str, Any] = {}

    # --- sending -------------------------------------------------------------------------

    def _texts(self, message: OutgoingMessage) -> tuple[list[str], str | None]:
        """The text pieces to send and the photo URL to send first (if any)."""
        text = message.numbered_text()
        photo: str | None = None
        if message.file is not None:
            path = message.file.path
            if message.file.kind == "photo" and path.startswith(("https://", "http://")):
                photo = path
            else:
                note = _(
                    "channels.zalo.file_saved",
                    self.language,
                    name=Path(path).name,
                    path=path,
                )
                caption = message.file.caption
                parts = [p for p in (caption, text, note) if p]
                text = "\n\n".join(dict.fromkeys(parts))
        return (split_message(text, MAX_TEXT) if text else []), photo

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        pieces, photo = self._texts(message)
        ids: list[str] = []
        try:
            if photo:
                async with self._limiter:
                    result = await self.client.send_photo(chat_id, photo, message.file.caption)  # type: ignore[union-attr]
                ids.append(str((result or {}).get("message_id", "")))
            for piece in pieces:
                async with self._limiter:
                    result = await self.client.send_message(chat_id, piece)
                ids.append(str((result or {}).get("message_id", "")))
        except ZaloError as exc:
            return self._failed(exc)
        return SendOutcome.sent(*ids)

    def _failed(self, exc: ZaloError) -> SendOutcome:
        kind = failure_kind(exc)
        retry_after = None
        if kind is FailureKind.RETRY_AFTER:
            retry_after = getattr(exc, "retry_after", None) or DEFAULT_RETRY_AFTER
        return SendOutcome.failed(kind, str(exc), retry_after)

    async def typing(self, chat_id: str) -> None:
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except ZaloError as exc:
            log.debug("zalo: chat action not shown: %s", exc)

    # --- receiving -------------------------------------------------------------------------

    async def check_token(self) -> dict[str, Any]:
        """getMe; ``ZaloTokenRejected`` for a bad token, ``ZaloError`` if unreachable."""
        try:
            self.bot_info = await self.client.get_me() or {}
        except ZaloApiError as exc:
            if exc.code in (401, 403):
                raise ZaloTokenRejected(str(exc)) from None
            raise
        return self.bot_info

    async def process(self, update: Any) -> str:
        """Handle one update (from polling or webhook); returns what was done with it."""
        assert self.inbox is not None, "ZaloChannel needs an inbox to take updates"
        try:
            event = parse_update(update)
        except MalformedUpdate as exc:
            log.warning("zalo: malformed update ignored: %s", exc)
            return "malformed"
        if event.kind is EventKind.IGNORED:
            log.info("zalo: event %s ignored", event.event_name)
            return "ignored"
        if event.kind is EventKind.UNSUPPORTED:
            await self.inbox.unsupported(self, event.chat_id, event.update_id)
            return "unsupported"
        assert event.message is not None
        await self.inbox.receive(self, event.message)
        return "message"

    def stop(self) -> None:
        """Stop polling after the update in hand (graceful shutdown)."""
        self._stopping.set()

    async def poll(self) -> None:
        """Long-poll getUpdates until ``stop()``; each update is processed before the next
        poll, so an update taken from Zalo is never abandoned half-way.

        Zalo has no offset to acknowledge an update: one it returned is consumed. So ``stop()``
        does not cut a long poll short (an update could be in its answer); the poll in flight
        ends within ``poll_timeout`` seconds and its update is processed before returning."""
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                update = await self.client.get_updates(self.poll_timeout)
            except ZaloApiError as exc:
                if exc.code in (401, 403):
                    log.error("zalo: the bot token was rejected (%s); Zalo polling stops", exc.code)
                    raise ZaloTokenRejected(str(exc)) from None
                wait = exc.retry_after if exc.code == 429 and exc.retry_after else backoff
                log.warning("zalo: getUpdates failed (%s); retrying in %.0f s", exc, wait)
                await self._sleep(wait)
                backoff = min(backoff * 2, 60.0)
                continue
            except ZaloUnreachable as exc:
                log.warning("zalo: %s; retrying in %.0f s", exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            if update is not None:
                try:
                    await self.process(update)
                except Exception:  # noqa: BLE001 - e.g. the database is down: log, go on
                    log.exception("zalo: an update could not be processed")

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass
