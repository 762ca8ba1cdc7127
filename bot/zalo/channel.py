"""The Zalo ``Channel``: sending (split under 2,000 characters, rate-limited) and taking updates
by long polling or from the webhook.

Zalo shows text only: options become the numbered lines the officer answers by number. Zalo
cannot carry a document, and a photo only by public URL: a file on disk becomes its caption
plus where it was saved, said in the message (never dropped silently).

Webhooks arrive at ``/zalo/webhook`` with the secret in ``X-Bot-Api-Secret-Token``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiolimiter import AsyncLimiter

from dondoc.bot.splitting import split_message
from dondoc.bot.webhook import secret_matches
from dondoc.bot.zalo.client import (
    DEFAULT_RETRY_AFTER,
    ZaloApiError,
    ZaloClient,
    ZaloError,
    ZaloUnreachable,
    failure_kind,
)
from dondoc.bot.zalo.updates import parse_update
from dondoc.locales import _
from dondoc.scheduler.messaging import (
    ChannelEvent,
    EventKind,
    EventSink,
    FailureKind,
    MalformedUpdate,
    OutgoingMessage,
    SendOutcome,
    TokenRejected,
)

log = logging.getLogger("dondoc.zalo")

MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloChannel:
    name = "zalo"
    webhook_path = "/zalo/webhook"

    def __init__(
        self,
        client: ZaloClient,
        language: str = "vi",
        rate_limit: float = 5.0,
        poll_timeout: int = 30,
        webhook_secret: str = "",
    ) -> None:
        self.client = client
        self.language = language
        self.poll_timeout = poll_timeout
        self.webhook_secret = webhook_secret
        self._limiter = AsyncLimiter(1, 1.0 / rate_limit)  # evenly spaced, no burst
        self._stopping = asyncio.Event()
        self._sink: EventSink | None = None
        self._poller: asyncio.Task[None] | None = None
        self.bot_info: dict[str, Any] = {}

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, sink: EventSink, *, polling: bool) -> None:
        """getMe (``TokenRejected`` for a bad token, ``ZaloError`` when Zalo does not answer),
        then take updates: a long poll in the background, or the webhook's."""
        try:
            self.bot_info = await self.client.get_me() or {}
        except ZaloApiError as exc:
            if exc.code in (401, 403):
                raise TokenRejected(str(exc)) from None
            raise
        log.info("zalo: connected as %s", self.bot_info.get("account_name") or "?")
        self._sink = sink
        if polling:
            with contextlib.suppress(ZaloError):
                await self.client.delete_webhook()  # getUpdates works only without a webhook
            self._poller = asyncio.get_running_loop().create_task(self.poll())

    async def stop(self) -> None:
        """Take no more updates; the long poll in flight ends within ``poll_timeout`` and its
        update is handled; then the connections close."""
        self._stopping.set()
        if self._poller is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._poller), self.poll_timeout + 15)
        await self.client.aclose()

    # --- webhooks ----------------------------------------------------------------------------

    def authentic(self, headers: Mapping[str, str]) -> bool:
        return secret_matches(headers.get(SECRET_HEADER), self.webhook_secret)

    async def set_webhook(self, url: str) -> None:
        await self.client.set_webhook(url, self.webhook_secret)

    async def webhook_url(self) -> str | None:
        info = await self.client.get_webhook_info() or {}
        return info.get("url") if isinstance(info, dict) else None

    async def take(self, body: Any) -> ChannelEvent:
        """A webhook body → its event (``MalformedUpdate`` when it is none)."""
        return parse_update(body)

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

    # --- long polling ------------------------------------------------------------------------

    async def poll(self) -> None:
        """Long-poll getUpdates until ``stop()``; each update is handled before the next poll,
        so an update taken from Zalo is never abandoned half-way.

        Zalo has no offset to acknowledge an update: one it returned is consumed. So ``stop()``
        does not cut a long poll short (an update could be in its answer); the poll in flight
        ends within ``poll_timeout`` seconds and its update is handled before returning."""
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                update = await self.client.get_updates(self.poll_timeout)
            except ZaloApiError as exc:
                if exc.code in (401, 403):
                    log.error("zalo: the bot token was rejected (%s); Zalo polling stops", exc.code)
                    if self._sink is not None:
                        await self._sink(self, ChannelEvent(EventKind.CLOSED, detail=str(exc)))
                    return
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
                await self._handle(update)

    async def _handle(self, update: Any) -> None:
        assert self._sink is not None, "start() the channel before it takes updates"
        try:
            event = parse_update(update)
        except MalformedUpdate as exc:
            log.warning("zalo: malformed update ignored: %s", exc)
            return
        try:
            await self._sink(self, event)
        except Exception:  # noqa: BLE001 - e.g. the database is down: log, go on
            log.exception("zalo: an update could not be processed")

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass
