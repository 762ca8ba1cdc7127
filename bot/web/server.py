"""Serving the desk on its own (*chạy bàn làm việc riêng*): ``dondoc web`` (offline, the demo)
and ``dondoc run`` in polling mode (on ``DONDOC_WEB_HOST``/``DONDOC_WEB_PORT``). In webhook mode
the runner adds the desk's routes to the webhook server instead: one HTTP server.
"""

from __future__ import annotations

import logging

from aiohttp import web

from dondoc.bot.settings import Settings
from dondoc.bot.web.app import Desk
from dondoc.bot.wiring import bot_context
from dondoc.scheduler.clock import Clock
from dondoc.storage.db import Engine

log = logging.getLogger("dondoc.web")


def make_desk(settings: Settings, engine: Engine, clock: Clock) -> Desk:
    """The desk of a deployment, from its settings."""
    return Desk(
        bot_context(settings, engine, clock), settings.desk_public_url, settings.web_max_body
    )


class DeskServer:
    """The desk alone on ``host:port`` (port 0: any free one)."""

    def __init__(self, desk: Desk, host: str, port: int) -> None:
        self.desk = desk
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Listen; the port actually bound. ``OSError`` when the port is taken."""
        self._runner = web.AppRunner(self.desk.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        self.port = self._runner.addresses[0][1]
        log.info("desk listening on %s:%s", self.host, self.port)
        return self.port

    @property
    def address(self) -> str:
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{shown}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
