"""One aiohttp server for every channel's webhook, plus ``/healthz`` for the operator's
monitoring, and the web desk's routes (``bot.web``) when the runner gives them.

Each channel that takes webhooks names its path (``Channel.webhook_path``) and says whether a
request is authentic (its secret header, compared in constant time with ``secret_matches``).
A request with a missing or wrong secret is refused (403) and changes nothing; a body over the
limit gets 413; a body that cannot be read as an update of the platform (malformed or deeply
nested JSON, an update without its ids) 400 and one log line; an event dondoc does not use
200. An accepted update is answered at once and handled in the background (tracked by the
inbox, so that a graceful shutdown finishes it). Nothing here ever logs a secret or a token.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from dondoc.scheduler.messaging import Channel, EventKind, MalformedUpdate

if TYPE_CHECKING:
    from dondoc.bot.inbox import Inbox

log = logging.getLogger("dondoc.webhook")


def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a webhook's secret header (``hmac.compare_digest``)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class WebhookServer:
    def __init__(
        self,
        inbox: Inbox,
        channels: Sequence[Channel],
        host: str = "127.0.0.1",
        port: int = 8080,
        max_body: int = 1_048_576,
        routes: Sequence[web.AbstractRouteDef] = (),
    ) -> None:
        self.inbox = inbox
        self.host = host
        self.port = port
        self.channels = [c for c in channels if c.webhook_path]
        self.accepting = False
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_get("/healthz", self.healthz)
        for channel in self.channels:
            assert channel.webhook_path is not None
            self.app.router.add_post(channel.webhook_path, self._endpoint(channel))
        self.app.router.add_routes(routes)  # the web desk, on the same server (bot.web)
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
        status = 200 if self.accepting else 503
        return web.json_response(
            {
                "ok": self.accepting,
                "channels": [channel.name for channel in self.channels],
                "in_flight": len(self.inbox.in_flight),
            },
            status=status,
        )

    def _endpoint(self, channel: Channel) -> Any:
        async def webhook(request: web.Request) -> web.Response:
            return await self._take(channel, request)

        return webhook

    async def _take(self, channel: Channel, request: web.Request) -> web.Response:
        if not self.accepting:
            return _refused(503, "shutting down")
        if not channel.authentic(request.headers):
            log.warning("webhook %s: wrong or missing secret from %s", request.path, request.remote)
            return _refused(403, "forbidden")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook %s: body over the size limit refused", request.path)
            return _refused(413, "too large")
        try:
            event = await channel.take(json.loads(raw))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, MalformedUpdate) else type(exc).__name__
            log.warning(
                "webhook %s: unreadable update refused (%d bytes): %s",
                request.path,
                len(raw),
                reason,
            )
            return _refused(400, "not an update")
        if event.kind is EventKind.IGNORED:
            log.info("webhook %s: event %s ignored", request.path, event.detail)
            return web.json_response({"ok": True, "ignored": event.detail})
        self.inbox.spawn(self.inbox.receive(channel, event))
        return web.json_response({"ok": True})


def _refused(status: int, error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)
