"""One aiohttp server for both webhooks, plus ``/healthz`` for the operator's monitoring.

``POST /zalo/webhook`` needs the header ``X-Bot-Api-Secret-Token`` and ``POST
/telegram/webhook`` the header ``X-Telegram-Bot-Api-Secret-Token``, each equal to the secret
registered with the platform (compared in constant time, ``hmac.compare_digest``). A request
with a missing or wrong secret is refused (403) and changes nothing; a body over the limit
gets 413, malformed JSON or an update without its ids 400; an event dondoc does not use 200.
An accepted update is answered at once and processed in the background (tracked, so that a
graceful shutdown finishes it). Nothing here ever logs a secret or a token.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from dondoc.bot.inbox import Inbox
from dondoc.bot.telegram_channel import TelegramChannel
from dondoc.bot.zalo.channel import ZaloChannel
from dondoc.bot.zalo.updates import EventKind, MalformedUpdate, parse_update

log = logging.getLogger("dondoc.webhook")

ZALO_PATH = "/zalo/webhook"
TELEGRAM_PATH = "/telegram/webhook"
ZALO_HEADER = "X-Bot-Api-Secret-Token"
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_matches(given: str | None, expected: str) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Endpoint:
    channel: Any
    secret: str


class WebhookServer:
    def __init__(
        self,
        inbox: Inbox,
        host: str = "127.0.0.1",
        port: int = 8080,
        max_body: int = 1_048_576,
        zalo: Endpoint | None = None,
        telegram: Endpoint | None = None,
    ) -> None:
        self.inbox = inbox
        self.host = host
        self.port = port
        self.zalo = zalo
        self.telegram = telegram
        self.accepting = False
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_get("/healthz", self.healthz)
        if zalo is not None:
            self.app.router.add_post(ZALO_PATH, self.zalo_webhook)
        if telegram is not None:
            self.app.router.add_post(TELEGRAM_PATH, self.telegram_webhook)
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Listen; the port actually bound (``port`` 0 picks a free one)."""
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=30.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.accepting = True
        log.info("webhook server listening on %s:%s", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        """Refuse new updates (503), let requests in progress finish, close the listener."""
        self.accepting = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, request: web.Request) -> web.Response:
        channels = [name for name, end in (("zalo", self.zalo), ("telegram", self.telegram)) if end]
        status = 200 if self.accepting else 503
        return web.json_response(
            {"ok": self.accepting, "channels": channels, "in_flight": len(self.inbox.in_flight)},
            status=status,
        )

    async def _body(self, request: web.Request, endpoint: Endpoint, header: str) -> Any:
        """The JSON body of an authentic request, or the ``web.Response`` refusing it."""
        if not self.accepting:
            return web.json_response({"ok": False, "error": "shutting down"}, status=503)
        if not secret_matches(request.headers.get(header), endpoint.secret):
            log.warning("webhook %s: wrong or missing secret from %s", request.path, request.remote)
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook %s: body over the size limit refused", request.path)
            return web.json_response({"ok": False, "error": "too large"}, status=413)
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            log.warning("webhook %s: malformed JSON refused (%d bytes)", request.path, len(raw))
            return web.json_response({"ok": False, "error": "malformed JSON"}, status=400)

    async def zalo_webhook(self, request: web.Request) -> web.Response:
        assert self.zalo is not None
        data = await self._body(request, self.zalo, ZALO_HEADER)
        if isinstance(data, web.Response):
            return data
        try:
            event = parse_update(data)
        except MalformedUpdate as exc:
            log.warning("webhook zalo: malformed update refused: %s", exc)
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        if event.kind is EventKind.IGNORED:
            log.info("webhook zalo: event %s ignored", event.event_name)
            return web.json_response({"ok": True, "ignored": event.event_name})
        channel: ZaloChannel = self.zalo.channel
        self.inbox.spawn(channel.process(data))
        return web.json_response({"ok": True})

    async def telegram_webhook(self, request: web.Request) -> web.Response:
        assert self.telegram is not None
        data = await self._body(request, self.telegram, TELEGRAM_HEADER)
        if isinstance(data, web.Response):
            return data
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.warning("webhook telegram: update without update_id refused")
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        channel: TelegramChannel = self.telegram.channel
        try:
            await channel.feed(data)
        except Exception as exc:  # noqa: BLE001 - a broken update must not stop the server
            log.warning("webhook telegram: update not understood: %s", type(exc).__name__)
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        return web.json_response({"ok": True})
