"""``dondoc run``: every channel that has a token, the reminder ticks and, in webhook mode,
one HTTP server, in one asyncio loop until SIGTERM / SIGINT.

Start-up: a channel whose token the platform rejects is stopped with a clear log line (never
the token) and the others keep running; a platform that does not answer is retried in the
background. Shutdown (SIGTERM): stop taking updates (webhook server closed, polls ended),
finish every update already taken (Telegram's queue, Zalo's update in hand, webhook work in
flight), stop the ticks, close the connections, exit 0. The conversation core drops an
update already processed, so a platform re-delivering after a restart changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import InvalidToken, TelegramError

from dondoc.bot.inbox import Handle, Inbox
from dondoc.bot.logsafe import configure_logging
from dondoc.bot.settings import Settings
from dondoc.bot.telegram_channel import TelegramChannel
from dondoc.bot.webhook import TELEGRAM_PATH, ZALO_PATH, Endpoint, WebhookServer
from dondoc.bot.zalo.channel import ZaloChannel, ZaloTokenRejected
from dondoc.bot.zalo.client import ZaloClient, ZaloError
from dondoc.locales import _
from dondoc.scheduler.clock import Clock
from dondoc.storage.errors import UserError

log = logging.getLogger("dondoc.run")

SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{8,256}$")
Say = Callable[[str], None]


def conversation_handle(settings: Settings, engine: AsyncEngine, clock: Clock) -> Handle:
    """The conversation core as the inbox calls it, built from the settings."""
    from dondoc.bot.wiring import bot_context
    from dondoc.handlers.conversation.core import Conversation

    return Conversation(bot_context(settings, engine, clock)).handle


def _secret(settings: Settings, name: str, channel: str) -> str:
    value: Any = getattr(settings, name)
    variable = f"DONDOC_{name.upper()}"
    if value is not None and value.get_secret_value():
        secret = value.get_secret_value()
        if not SECRET_FORMAT.match(secret):
            raise UserError("channels.webhook_secret_invalid", variable=variable)
        return secret
    if settings.webhook_public_url:
        return secrets.token_urlsafe(32)  # registered with the platform at start-up
    raise UserError("channels.webhook_secret_missing", channel=channel, variable=variable)


@dataclass
class Runner:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    say: Say = print
    handle: Handle | None = None
    ticks: bool = True
    zalo: ZaloChannel | None = None
    telegram: TelegramChannel | None = None
    server: WebhookServer | None = None
    inbox: Inbox | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _background: list[asyncio.Future[Any]] = field(default_factory=list)
    _gave_up: bool = False
    _stop_ticks: Callable[[], Awaitable[None]] | None = None

    def _tokens(self) -> tuple[str | None, str | None]:
        z, t = self.settings.zalo_bot_token, self.settings.telegram_bot_token
        zalo = z.get_secret_value() if z is not None and z.get_secret_value() else None
        telegram = t.get_secret_value() if t is not None and t.get_secret_value() else None
        return zalo, telegram

    def t(self, key: str, **values: Any) -> str:
        return _(key, self.settings.locale, **values)

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Serve until ``stop`` is set (or SIGTERM/SIGINT); the exit status."""
        zalo_token, telegram_token = self._tokens()
        if not zalo_token and not telegram_token:
            raise UserError("channels.no_token")
        webhook_secrets: list[str] = []
        zalo_secret = telegram_secret = ""
        if self.settings.webhook:
            if zalo_token:
                zalo_secret = _secret(self.settings, "zalo_webhook_secret", "Zalo")
            if telegram_token:
                telegram_secret = _secret(self.settings, "telegram_webhook_secret", "Telegram")
            webhook_secrets = [zalo_secret, telegram_secret]
        configure_logging([s for s in (zalo_token, telegram_token, *webhook_secrets) if s])

        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)

        handle = self.handle or conversation_handle(self.settings, self.engine, self.clock)
        # the conversation core drops duplicates itself (processed_update, same transaction)
        self.inbox = Inbox(
            self.engine, self.clock, handle, self.settings.locale, dedupe_messages=False
        )
        running: list[str] = []
        if zalo_token and await self._start_zalo(zalo_token):
            running.append("Zalo")
        if telegram_token and await self._start_telegram(telegram_token, stop):
            running.append("Telegram")
        if not running:
            log.error("no channel could start: every token was rejected")
            self.say(self.t("channels.run.no_channel_left"))
            await self._shutdown()
            return 1
        try:
            mode = self.t("channels.run.mode_polling")
            if self.settings.webhook:
                address = await self._start_webhook(zalo_secret, telegram_secret)
                mode = self.t("channels.run.mode_webhook", address=address)
            else:
                self._start_polling()
            if self.ticks:
                await self._start_ticks()
            self.say(self.t("channels.run.starting", channels=", ".join(running), mode=mode))
            log.info("running: %s (%s)", ", ".join(running), mode)
            await self._wait(stop)
        finally:
            await self._shutdown()
        self.say(self.t("channels.run.stopped", count=self.inbox.processed))
        return 1 if self._gave_up else 0

    async def _wait(self, stop: asyncio.Event) -> None:
        """Until ``stop``; a poll loop that ends on its own (token revoked) is logged."""
        stopper = asyncio.ensure_future(stop.wait())
        pending = {stopper, *self._tasks}
        while not stop.is_set():
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stopper}:
                self._tasks.remove(task)
                if task.exception() is not None and not isinstance(
                    task.exception(), ZaloTokenRejected
                ):
                    log.error("a channel loop ended: %r", task.exception())
            if stopper not in pending and not stop.is_set():
                break
            if not self._tasks and not (self.telegram or self.server):
                log.error("every channel stopped; dondoc stops")
                self.say(self.t("channels.run.no_channel_left"))
                self._gave_up = True
                break
        stopper.cancel()

    # --- channels --------------------------------------------------------------------------

    async def _start_zalo(self, token: str) -> bool:
        client = ZaloClient(token, self.settings.zalo_base_url)
        channel = ZaloChannel(
            client,
            self.inbox,
            self.settings.locale,
            self.settings.zalo_rate_limit,
            self.settings.poll_timeout,
        )
        try:
            info = await channel.check_token()
            log.info("zalo: connected as %s", info.get("account_name") or info.get("id"))
        except ZaloTokenRejected:
            log.error("zalo: the bot token was rejected by getMe; Zalo is not started")
            self.say(
                self.t(
                    "channels.run.token_rejected", channel="Zalo", variable="DONDOC_ZALO_BOT_TOKEN"
                )
            )
            await client.aclose()
            return False
        except ZaloError as exc:
            log.warning("zalo: getMe failed (%s); will keep retrying", exc)
            self.say(
                self.t(
                    "channels.run.unreachable",
                    channel="Zalo",
                    url=self.settings.zalo_base_url,
                    reason=str(exc),
                )
            )
        self.zalo = channel
        return True

    async def _start_telegram(self, token: str, stop: asyncio.Event) -> bool:
        channel = TelegramChannel(
            token,
            self.settings.telegram_base_url,
            self.inbox,
            self.settings.locale,
            self.settings.telegram_rate_limit,
            webhook=self.settings.webhook,
            poll_timeout=self.settings.poll_timeout,
        )
        try:
            await channel.start()
        except InvalidToken:
            self._telegram_rejected()
            return False
        except TelegramError as exc:
            log.warning("telegram: start failed (%s); retrying in the background", exc)
            self.say(
                self.t(
                    "channels.run.unreachable",
                    channel="Telegram",
                    url=self.settings.telegram_base_url,
                    reason=str(exc),
                )
            )
            self._background.append(asyncio.ensure_future(self._retry_telegram(channel, stop)))
        self.telegram = channel
        return True

    def _telegram_rejected(self) -> None:
        log.error("telegram: the bot token was rejected by getMe; Telegram is not started")
        self.say(
            self.t(
                "channels.run.token_rejected",
                channel="Telegram",
                variable="DONDOC_TELEGRAM_BOT_TOKEN",
            )
        )

    async def _retry_telegram(self, channel: TelegramChannel, stop: asyncio.Event) -> None:
        """Telegram did not answer at start-up: try again (the other channels serve meanwhile)."""
        delay = 2.0
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return
            try:
                await channel.start()
            except InvalidToken:
                self._telegram_rejected()
                return
            except TelegramError as exc:
                delay = min(delay * 2, 60.0)
                log.warning("telegram: start failed (%s); retrying in %.0f s", exc, delay)
                continue
            log.info("telegram: connected")
            return

    def _start_polling(self) -> None:
        if self.zalo is not None:
            self._tasks.append(asyncio.ensure_future(self._zalo_polling(self.zalo)))

    async def _zalo_polling(self, channel: ZaloChannel) -> None:
        with contextlib.suppress(ZaloError):
            await channel.client.delete_webhook()  # getUpdates works only without a webhook
        try:
            await channel.poll()
        except ZaloTokenRejected:
            self.say(
                self.t(
                    "channels.run.token_rejected", channel="Zalo", variable="DONDOC_ZALO_BOT_TOKEN"
                )
            )
            raise

    async def _start_webhook(self, zalo_secret: str, telegram_secret: str) -> str:
        assert self.inbox is not None
        self.server = WebhookServer(
            self.inbox,
            self.settings.webhook_host,
            self.settings.webhook_port,
            self.settings.webhook_max_body,
            zalo=Endpoint(self.zalo, zalo_secret) if self.zalo else None,
            telegram=Endpoint(self.telegram, telegram_secret) if self.telegram else None,
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
        if public:
            if self.zalo is not None:
                try:
                    await self.zalo.client.set_webhook(public + ZALO_PATH, zalo_secret)
                except ZaloError as exc:
                    log.error("zalo: setWebhook failed: %s", exc)
            if self.telegram is not None:
                try:
                    await self.telegram.set_webhook(public + TELEGRAM_PATH, telegram_secret)
                except TelegramError as exc:
                    log.error("telegram: setWebhook failed: %s", exc)
        else:
            await self._log_registered_webhooks()
        return f"http://{self.settings.webhook_host}:{port}"

    async def _log_registered_webhooks(self) -> None:
        """Without a public URL the webhooks were registered by hand: say where they point,
        so that an operator sees at once when a platform is not sending here."""
        if self.zalo is not None:
            try:
                info = await self.zalo.client.get_webhook_info() or {}
                log.info("zalo: webhook registered at %r", info.get("url") or "(none)")
            except ZaloError as exc:
                log.warning("zalo: getWebhookInfo failed: %s", exc)
        if self.telegram is not None and self.telegram.running:
            try:
                info = await self.telegram.bot.get_webhook_info()
                log.info("telegram: webhook registered at %r", info.url or "(none)")
            except TelegramError as exc:
                log.warning("telegram: getWebhookInfo failed: %s", exc)

    async def _start_ticks(self) -> None:
        """The reminder engine: plan and deliver through the running channels."""
        from dondoc.scheduler.ticks import start_ticks

        channels: dict[str, Any] = {}
        if self.zalo is not None:
            channels["zalo"] = self.zalo
        if self.telegram is not None:
            channels["telegram"] = self.telegram
        self._stop_ticks = await start_ticks(
            engine=self.engine, channels=channels, clock=self.clock, settings=self.settings
        )

    async def _shutdown(self) -> None:
        """Stop taking updates, finish what is in flight, close everything (in that order)."""
        for pending in self._background:
            pending.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._stop_ticks is not None:
            reminders = getattr(self._stop_ticks, "reminders", None)
            await self._stop_ticks()  # no new tick starts …
            lock = getattr(reminders, "_lock", None)
            if isinstance(lock, asyncio.Lock):
                async with lock:  # … and the tick being delivered completes
                    pass
            self._stop_ticks = None
        if self.server is not None:
            await self.server.stop()
        if self.zalo is not None:
            self.zalo.stop()
        if self._tasks:  # a Zalo long poll in flight ends within poll_timeout
            await asyncio.wait(self._tasks, timeout=self.settings.poll_timeout + 15)
        if self.telegram is not None:
            await self.telegram.stop()
        if self.inbox is not None:
            await self.inbox.drain()
        if self.zalo is not None:
            await self.zalo.client.aclose()
        log.info("stopped cleanly")
