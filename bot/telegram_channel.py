"""The Telegram ``Channel``: python-telegram-bot embedded in dondoc's own asyncio loop.

The ``Application`` is driven by hand (``initialize`` → ``start`` → ``updater.start_polling``,
and the reverse on shutdown), never by ``run_polling``, so that Zalo, the reminder ticks and
the webhook server share the loop. In webhook mode there is no updater: our aiohttp server
checks the secret and puts each update in the application's queue.

Webhooks arrive at ``/telegram/webhook`` with the secret in
``X-Telegram-Bot-Api-Secret-Token``; each body becomes one ``ChannelEvent`` as a polled update
does (``event``).

Options are shown twice: as the numbered text (the officer may type the number) and as an
inline keyboard whose callback data is the option's value (≤ 64 bytes, else its number).
Documents and photos arrive as attachments carrying Telegram's file id; ``download`` fetches
one on demand (up to 20 MB, Telegram's limit for bots). Delivery failures map to the four
kinds: RetryAfter → retry after N s; Forbidden, "chat not found" → unreachable; timeouts and
network errors → transient; any other refusal → permanent.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

# python-telegram-bot 22 turns time periods (RetryAfter.retry_after...) from seconds into
# timedelta in its next major version and warns on every use until one opts in: we opt in
# (read below in either form), so the coming change changes nothing here.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from aiolimiter import AsyncLimiter
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from dondoc.bot.safe_fetch import FetchPolicy, fetch_to_file
from dondoc.bot.splitting import split_message, utf16_length
from dondoc.bot.webhook import secret_matches
from dondoc.locales import _
from dondoc.scheduler.messaging import (
    Attachment,
    ChannelEvent,
    EventKind,
    EventSink,
    FailureKind,
    IncomingMessage,
    MalformedUpdate,
    OutgoingMessage,
    SendOutcome,
    TokenRejected,
)
from dondoc.storage.errors import UserError

log = logging.getLogger("dondoc.telegram")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
NUMBER_PREFIX = "#n:"  # callback data of an option whose value is too long: its number
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UNREACHABLE_PHRASES = (
    "chat not found",
    "user is deactivated",
    "peer_id_invalid",
    "bot can't initiate conversation",
    "have no rights to send",
)


def failure_of(error: TelegramError) -> SendOutcome:
    """Map a python-telegram-bot error to one of the four delivery failures."""
    text = f"{type(error).__name__}: {error.message}"
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return SendOutcome.failed(FailureKind.RETRY_AFTER, text, seconds)
    if isinstance(error, Forbidden | ChatMigrated):
        return SendOutcome.failed(FailureKind.UNREACHABLE, text)
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest is one of them
        if any(p in error.message.lower() for p in UNREACHABLE_PHRASES):
            return SendOutcome.failed(FailureKind.UNREACHABLE, text)
        return SendOutcome.failed(FailureKind.PERMANENT, text)
    if isinstance(error, InvalidToken):
        return SendOutcome.failed(FailureKind.PERMANENT, text)
    if isinstance(error, TimedOut | NetworkError):
        return SendOutcome.failed(FailureKind.TRANSIENT, text)
    return SendOutcome.failed(FailureKind.PERMANENT, text)


def keyboard(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    """One button per option, one per row (labels are sentences, not single words), numbered
    as the text numbers them (an unnumbered option is its words alone)."""
    if not message.options:
        return None
    rows = []
    for index, option in enumerate(message.options):
        number = message.number_of(index)
        data = option.value
        if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            data = f"{NUMBER_PREFIX}{index + 1}"  # options without a number carry short values
        label = f"{number}. {option.label}" if number else option.label
        rows.append([InlineKeyboardButton(label[:100], callback_data=data)])
    return InlineKeyboardMarkup(rows)


def bot_commands(language: str) -> list[BotCommand]:
    """The command menu in ``language``, from the conversation core's registry."""
    from dondoc.handlers.conversation.commands import REGISTRY

    commands = []
    for command in REGISTRY.commands:
        if not command.listed:
            continue
        word = command.name if language == "vi" else command.alias
        description = _(command.help_key, language).strip().splitlines()[0][:256]
        commands.append(BotCommand(word, description or word))
    return commands[:100]


class TelegramChannel:
    name = "telegram"
    webhook_path = "/telegram/webhook"

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.telegram.org",
        language: str = "vi",
        rate_limit: float = 25.0,
        poll_timeout: int = 30,
        request_timeout: float = 10.0,
        rate_limiter: Any = None,
        webhook_secret: str = "",
    ) -> None:
        self.language = language
        self.poll_timeout = poll_timeout
        self.webhook_secret = webhook_secret
        base = base_url.rstrip("/")
        self.fetch_policy = FetchPolicy.of(base_urls=[base])
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .connect_timeout(request_timeout)
            .read_timeout(request_timeout)
            .write_timeout(request_timeout)
            .pool_timeout(request_timeout)
            .get_updates_read_timeout(request_timeout)
            .get_updates_connect_timeout(request_timeout)
        )
        if rate_limiter is not None:
            builder = builder.rate_limiter(rate_limiter)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._limiter = AsyncLimiter(1, 1.0 / rate_limit) if rate_limiter is None else None
        self._sink: EventSink | None = None
        self.running = False

    @property
    def bot(self) -> Any:
        return self.application.bot

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, sink: EventSink, *, polling: bool, set_commands: bool = True) -> None:
        """getMe (``TokenRejected`` for a bad token; a ``TelegramError`` when Telegram does
        not answer), menus, then take updates: polled by python-telegram-bot's updater, or
        given by the webhook server (``take``)."""
        self._sink = sink
        try:
            await self.application.initialize()
        except InvalidToken as exc:
            raise TokenRejected(str(exc)) from None
        if set_commands:
            await self.set_commands()
        await self.application.start()
        if polling and self.application.updater is not None:
            await self.application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                error_callback=self._polling_error,
            )
        self.running = True

    async def stop(self) -> None:
        """Stop taking updates, handle those already taken, close the connections."""
        if not self.running:
            await self.application.shutdown()
            return
        self.running = False
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        await self.application.stop()  # waits for the queued updates to be processed
        await self.application.shutdown()

    async def set_commands(self) -> None:
        """``setMyCommands`` in Vietnamese (also the default) and English."""
        try:
            vietnamese = bot_commands("vi")
            await self.bot.set_my_commands(vietnamese, language_code="vi")
            await self.bot.set_my_commands(bot_commands("en"), language_code="en")
            await self.bot.set_my_commands(bot_commands(self.language))
        except TelegramError as exc:
            log.warning("telegram: command menu not set: %s", failure_of(exc).error)

    def _polling_error(self, error: TelegramError) -> None:
        log.warning("telegram: getUpdates failed (%s); python-telegram-bot retries", error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update: %r", context.error)

    # --- webhooks ----------------------------------------------------------------------------

    def authentic(self, headers: Mapping[str, str]) -> bool:
        return secret_matches(headers.get(SECRET_HEADER), self.webhook_secret)

    async def set_webhook(self, url: str) -> None:
        await self.bot.set_webhook(
            url, secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES
        )

    async def webhook_url(self) -> str | None:
        info = await self.bot.get_webhook_info()
        return info.url or None

    async def take(self, body: Any) -> ChannelEvent:
        """A webhook body → its event (``MalformedUpdate`` when it is no Telegram update)."""
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            raise MalformedUpdate("update without update_id")
        try:
            update = Update.de_json(body, self.bot)
        except Exception as exc:  # noqa: BLE001 - any broken body is the sender's problem
            raise MalformedUpdate(type(exc).__name__) from None
        if update is None:
            raise MalformedUpdate("empty update")
        await self._acknowledge(update)
        return self.event(update)

    # --- receiving -------------------------------------------------------------------------

    def event(self, update: Update) -> ChannelEvent:
        """The ``ChannelEvent`` of an update."""
        if update.my_chat_member is not None:
            change = update.my_chat_member
            if change.chat.type != "private":
                return ChannelEvent(EventKind.IGNORED, detail="my_chat_member in a group")
            status = change.new_chat_member.status
            user = str(change.from_user.id)
            if status == "kicked":
                return ChannelEvent(
                    EventKind.BLOCKED, user_id=user, detail="Forbidden: bot was blocked by the user"
                )
            if status == "member":
                return ChannelEvent(EventKind.UNBLOCKED, user_id=user)
            return ChannelEvent(EventKind.IGNORED, detail=f"my_chat_member {status}")
        update_id = str(update.update_id)
        query = update.callback_query
        if query is not None and query.from_user is not None:
            user = query.from_user
            chat_id = str(query.message.chat.id) if query.message else str(user.id)
            data = query.data or ""
            text, option = "", data
            if data.startswith(NUMBER_PREFIX):
                text, option = data.removeprefix(NUMBER_PREFIX), None
            private = query.message is None or query.message.chat.type == "private"
            return ChannelEvent(
                EventKind.MESSAGE,
                IncomingMessage(
                    channel="telegram",
                    chat_id=chat_id,
                    user_id=str(user.id),
                    text=text,
                    display_name=user.full_name,
                    option=option,
                    update_id=update_id,
                    language_hint=user.language_code,
                    private=private,
                ),
            )
        message = update.message
        if message is None or message.from_user is None:
            return ChannelEvent(EventKind.IGNORED, detail="update without a message")
        user = message.from_user
        attachment = None
        if message.document is not None:
            document = message.document
            attachment = Attachment(
                "document", document.file_id, document.file_name or "", document.file_size
            )
        elif message.photo:
            best = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
            attachment = Attachment("photo", best.file_id, "", best.file_size)
        return ChannelEvent(
            EventKind.MESSAGE,
            IncomingMessage(
                channel="telegram",
                chat_id=str(message.chat.id),
                user_id=str(user.id),
                text=message.text or message.caption or "",
                display_name=user.full_name,
                attachment=attachment,
                update_id=update_id,
                language_hint=user.language_code,
                unsupported=attachment is None and not message.text,  # a sticker, a voice …
                private=message.chat.type == "private",
            ),
        )

    async def _acknowledge(self, update: Update) -> None:
        """A pressed button is answered at once (Telegram shows a spinner until then)."""
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:
                log.debug("telegram: callback not answered: %s", exc)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An update polled by python-telegram-bot."""
        assert self._sink is not None, "start() the channel before it takes updates"
        await self._acknowledge(update)
        await self._sink(self, self.event(update))

    async def download(self, file_id: str, folder: Path) -> Path:
        """Fetch an attachment into ``folder`` (up to 20 MB); ``UserError`` otherwise."""
        try:
            file = await self.bot.get_file(file_id)
        except TelegramError as exc:
            if "too big" in str(exc).lower():
                raise UserError(
                    "channels.file_too_large", name=file_id, size=">20", limit=20
                ) from None
            raise UserError(
                "channels.file_unavailable", channel="Telegram", reason=str(exc)
            ) from None
        if file.file_size and file.file_size > MAX_DOWNLOAD:
            raise UserError(
                "channels.file_too_large",
                name=Path(file.file_path or file_id).name,
                size=f"{file.file_size / 1024 / 1024:.1f}",
                limit=20,
            )
        if not file.file_path:
            raise UserError("channels.file_unavailable", channel="Telegram", reason="file_path")
        # The file's URL is the configured file URL (with the token): fetched under the same
        # checks, size and time limits as any link (``bot.safe_fetch``).
        target = folder / Path(file.file_path).name
        fetched = await fetch_to_file(file.file_path, target, self.fetch_policy)
        return fetched.path

    # --- sending ---------------------------------------------------------------------------

    async def _paced(self) -> None:
        if self._limiter is not None:
            await self._limiter.acquire()

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        ids: list[str] = []
        text = message.numbered_text()
        try:
            if message.file is not None:
                path = Path(message.file.path)
                if not path.is_file():
                    return SendOutcome.failed(FailureKind.PERMANENT, f"file not found: {path}")
                caption = message.file.caption[:MAX_CAPTION] or None
                await self._paced()
                with path.open("rb") as handle:
                    if message.file.kind == "photo":
                        sent = await self.bot.send_photo(chat_id, handle, caption=caption)
                    else:
                        sent = await self.bot.send_document(
                            chat_id, handle, caption=caption, filename=path.name
                        )
                ids.append(str(sent.message_id))
            pieces = split_message(text, MAX_TEXT, utf16_length) if text.strip() else []
            for index, piece in enumerate(pieces):
                markup = keyboard(message) if index == len(pieces) - 1 else None
                await self._paced()
                sent = await self.bot.send_message(chat_id, piece, reply_markup=markup)
                ids.append(str(sent.message_id))
        except TelegramError as exc:
            return failure_of(exc)
        return SendOutcome.sent(*ids)
