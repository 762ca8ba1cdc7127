"""``dondoc run``: every channel that has a token, the reminder ticks and, in webhook mode,
one HTTP server, in one asyncio loop until SIGTERM / SIGINT.

Every channel is treated alike (``bot.wiring.configured_channels``; the ``Channel`` lifecycle of
``scheduler.messaging``). Start-up: a channel whose token the platform rejects is stopped with
a clear line (never the token) and the others keep running; a channel that fails to start for
any other reason (the platform does not answer, a bug) is logged and started again in the
background, with a growing pause, without taking the others down. Shutdown (SIGTERM): stop
taking updates (webhook server closed, polls ended), finish every update already taken, stop
the ticks after the tick in flight, close the connections, exit 0. The conversation core drops
an update already handled, so a platform re-delivering after a restart changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dondoc.bot.inbox import Handle, Inbox
from dondoc.bot.logsafe import configure_logging
from dondoc.bot.settings import Settings
from dondoc.bot.webhook import WebhookServer
from dondoc.bot.wiring import (
    ChannelSetup,
    bot_context,
    check_public_url,
    configured_channels,
    secrets_of,
)
from dondoc.handlers.conversation.core import Conversation
from dondoc.locales import _
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.messaging import Channel, ChannelEvent, EventKind, TokenRejected
from dondoc.scheduler.ticks import Ticking
from dondoc.storage.db import Engine
from dondoc.storage.errors import UserError

log = logging.getLogger("dondoc.run")

Say = Callable[[str], None]
FIRST_RETRY = 2.0  # seconds before a channel that failed to start is tried again
LAST_RETRY = 60.0  # … doubling up to this


@dataclass
class Runner:
    settings: Settings
    engine: Engine
    clock: Clock
    say: Say = print
    handle: Handle | None = None  # the conversation core (tests give a stand-in)
    ticks: bool = True
    inbox: Inbox | None = None
    server: WebhookServer | None = None
    desk_server: Any = None  # bot.web.server.DeskServer in polling mode
    keeper: Any = None  # bot.evidence.EvidenceKeeper
    _keeping: asyncio.Task[None] | None = None
    _live: list[ChannelSetup] = field(default_factory=list)
    _retrying: list[asyncio.Task[None]] = field(default_factory=list)
    _ticking: Ticking | None = None
    _gave_up: bool = False
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def t(self, key: str, **values: Any) -> str:
        return _(key, self.settings.locale, **values)

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Serve until ``stop`` is set (or SIGTERM/SIGINT); the exit status."""
        check_public_url(self.settings)
        setups = configured_channels(self.settings)
        configure_logging(secrets_of(setups, self.settings))
        self._stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self._stop.set)

        handle, isolation = self.handle, None
        if handle is None:
            conversation = Conversation(bot_context(self.settings, self.engine, self.clock))
            handle, isolation = conversation.handle, conversation.isolation
        self.inbox = Inbox(self.engine, self.clock, handle, self.settings.locale, isolation)
        polling = not self.settings.webhook
        for setup in setups:
            await self._start(setup, polling)
        if not self._live:
            log.error("no channel could start: every token was rejected")
            self.say(self.t("channels.run.no_channel_left"))
            await self._shutdown()
            return 1
        try:
            mode = self.t("channels.run.mode_polling")
            desk = self._desk() if self.settings.web else None
            if self.settings.webhook:
                address = await self._start_webhook(desk)
                mode = self.t("channels.run.mode_webhook", address=address)
                if desk is not None:
                    self.say(self.t("web.run.desk_at", address=address))
            elif desk is not None:
                await self._start_desk(desk)
            if self.ticks:
                await self._start_ticks()
            self._start_keeper()
            names = ", ".join(setup.title for setup in self._live)
            self.say(self.t("channels.run.starting", channels=names, mode=mode))
            log.info("running: %s (%s)", names, mode)
            await self._stop.wait()
        finally:
            await self._shutdown()
        self.say(self.t("channels.run.stopped", count=self.inbox.processed))
        return 1 if self._gave_up else 0

    # --- channels ------------------------------------------------------------------------------

    async def _start(self, setup: ChannelSetup, polling: bool) -> None:
        """Start one channel: a rejected token leaves it out; any other failure is retried in
        the background while the others serve."""
        try:
            await setup.channel.start(self._sink, polling=polling)
        except TokenRejected:
            self._rejected(setup)
            await setup.channel.stop()
            return
        except Exception as exc:  # noqa: BLE001 - one channel must never stop the others
            log.warning("%s: start failed (%s); retrying in the background", setup.title, exc)
            self.say(
                self.t(
                    "channels.run.unreachable",
                    channel=setup.title,
                    url=setup.base_url,
                    reason=str(exc) or type(exc).__name__,
                )
            )
            self._retrying.append(asyncio.ensure_future(self._retry(setup, polling)))
        self._live.append(setup)

    async def _retry(self, setup: ChannelSetup, polling: bool) -> None:
        delay = FIRST_RETRY
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)
            if self._stop.is_set():
                return
            try:
                await setup.channel.start(self._sink, polling=polling)
            except TokenRejected:
                self._rejected(setup)
                self._closed(setup)
                return
            except Exception as exc:  # noqa: BLE001
                delay = min(delay * 2, LAST_RETRY)
                log.warning("%s: start failed (%s); retrying in %.0f s", setup.title, exc, delay)
                continue
            log.info("%s: connected", setup.title)
            return

    def _rejected(self, setup: ChannelSetup) -> None:
        log.error("%s: the bot token was rejected; it is not started", setup.title)
        self.say(
            self.t(
                "channels.run.token_rejected", channel=setup.title, variable=setup.token_variable
            )
        )

    async def _sink(self, channel: Channel, event: ChannelEvent) -> None:
        """Every event of every channel: to the inbox; a channel that stopped by itself (its
        token was revoked while running) leaves the running ones."""
        if event.kind is EventKind.CLOSED:
            setup = next((s for s in self._live if s.channel is channel), None)
            if setup is not None:
                log.error("%s stopped taking updates: %s", setup.title, event.detail)
                self._rejected(setup)
                self._closed(setup)
            return
        assert self.inbox is not None
        await self.inbox.receive(channel, event)
        if self.keeper is not None and event.message is not None and event.message.attachment:
            self.keeper.poke()  # keep the evidence now, while the platform's link is fresh

    def _closed(self, setup: ChannelSetup) -> None:
        if setup in self._live:
            self._live.remove(setup)
        if not self._live:
            log.error("every channel stopped; dondoc stops")
            self.say(self.t("channels.run.no_channel_left"))
            self._gave_up = True
            self._stop.set()

    # --- webhooks --------------------------------------------------------------------------

    def _desk(self) -> Any:
        from dondoc.bot.web.server import make_desk

        return make_desk(self.settings, self.engine, self.clock)

    async def _start_desk(self, desk: Any) -> None:
        """Polling mode: the desk on its own host and port; a port in use leaves the bot
        running without it (and says so)."""
        from dondoc.bot.web.server import DeskServer

        server = DeskServer(desk, self.settings.web_host, self.settings.web_port)
        try:
            await server.start()
        except OSError as exc:
            log.error("desk: cannot listen on %s:%s: %s", server.host, server.port, exc)
            self.say(
                self.t(
                    "web.run.desk_port_busy",
                    address=f"{server.host}:{server.port}",
                    reason=exc.strerror or type(exc).__name__,
                )
            )
            return
        self.desk_server = server
        self.say(self.t("web.run.desk_at", address=server.address))

    def _start_keeper(self) -> None:
        from dondoc.bot.evidence import EvidenceKeeper, platform_fetch

        self.keeper = EvidenceKeeper(
            self.engine,
            self.clock,
            self.settings.evidence_path,
            platform_fetch(self.settings, self.engine),
            self.settings.evidence_max_bytes,
        )
        self._keeping = asyncio.ensure_future(self.keeper.run(self._stop))

    async def _start_webhook(self, desk: Any = None) -> str:
        assert self.inbox is not None
        channels = [setup.channel for setup in self._live]
        self.server = WebhookServer(
            self.inbox,
            channels,
            self.settings.webhook_host,
            self.settings.webhook_port,
            self.settings.webhook_max_body,
            routes=desk.routes() if desk is not None else (),
        )
        try:
            port = await self.server.start()
        except OSError as exc:
            self.server = None
            raise UserError(
                "channels.webhook_port_busy",
                address=f"{self.settings.webhook_host}:{self.settings.webhook_port}",
                reason=exc.strerror or type(exc).__name__,
            ) from None
        public = (self.settings.webhook_public_url or "").rstrip("/")
        for channel in self.server.channels:
            assert channel.webhook_path is not None
            try:
                if public:
                    await channel.set_webhook(public + channel.webhook_path)
                else:
                    # Registered by hand: say where it points, so that an operator sees at
                    # once when a platform is not sending here.
                    url = await channel.webhook_url()
                    log.info("%s: webhook registered at %r", channel.name, url or "(none)")
            except Exception as exc:  # noqa: BLE001 - the platform may not answer yet
                log.error("%s: webhook registration not confirmed: %s", channel.name, exc)
        return f"http://{self.settings.webhook_host}:{port}"

    # --- ticks and shutdown ----------------------------------------------------------------

    async def _start_ticks(self) -> None:
        """The reminder engine: plan and deliver through the running channels."""
        from dondoc.scheduler.ticks import start_ticks

        channels = {setup.channel.name: setup.channel for setup in self._live}
        self._ticking = await start_ticks(
            engine=self.engine, channels=channels, clock=self.clock, settings=self.settings
        )

    async def _shutdown(self) -> None:
        """Stop taking updates, finish what is in flight, close everything (in that order)."""
        for pending in self._retrying:
            pending.cancel()
        await asyncio.gather(*self._retrying, return_exceptions=True)
        if self._ticking is not None:
            await self._ticking.stop()  # no new tick starts; the one delivering completes
            self._ticking = None
        if self.server is not None:
            await self.server.stop()  # no more webhook requests …
        if self.desk_server is not None:
            await self.desk_server.stop()
        if self._keeping is not None:
            self._keeping.cancel()
            await asyncio.gather(self._keeping, return_exceptions=True)
        if self.inbox is not None:
            await self.inbox.drain()  # … and those taken are answered while channels are open
        for setup in self._live:
            await setup.channel.stop()  # a long poll in flight ends within its timeout
        log.info("stopped cleanly")
