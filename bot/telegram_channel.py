"""The Telegram ``Channel``: python-telegram-bot embedded in dondoc's own asyncio loop.

The ``Application`` is driven by hand (``initialize`` → ``start`` → ``updater.start_polling``,
and the reverse on shutdown), never by ``run_polling``, so that Zalo, the reminder ticks and
the webhook server share the loop. In webhook mode there is no updater: our aiohttp server
checks the secret and puts each update in the application's queue.

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

from dondoc.bot.inbox import Inbox
from dondoc.bot.safe_fetch import FetchPolicy, fetch_to_file
from dondoc.bot.splitting import split_message, utf16_length
from dondoc.locales import _
from dondoc.scheduler.messaging import (
    Attachment,
    FailureKind,
    IncomingMessage,
    OutgoingMessage,
    SendOutcome,
)
from dondoc.storage.errors import UserError

log = logging.getLogger("dondoc.telegram")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
NUMBER_PREFIX = "#n:"  # callback data of an option whose value is too long: its number
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
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
    """One button per option, one per row (labels are sentences, not single words)."""
    if not message.options:
        return None
    rows = []
    for number, option in enumerate(message.options, start=1):
        data = option.value
        if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            data = f"{NUMBER_PREFIX}{number}"
        label = f"{number}. {option.label}"
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

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.telegram.org",
        inbox: Inbox | None = None,
        language: str = "vi",
        rate_limit: float = 25.0,
        webhook: bool = False,
        poll_timeout: int = 30,
        request_timeout: float = 10.0,
        rate_limiter: Any = None,
    ) -> None:
        self.inbox = inbox
        self.language = language
        self.webhook = webhook
        self.poll_timeout = poll_timeout
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
        if webhook:
            builder = builder.updater(None)
        if rate_limiter is not None:
            builder = builder.rate_limiter(rate_limiter)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._limiter = AsyncLimiter(1, 1.0 / rate_limit) if rate_limiter is None else None
        self.running = False

    @property
    def bot(self) -> Any:
        return self.application.bot

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, set_commands: bool = True) -> None:
        """getMe (``InvalidToken`` for a bad token), menus, then take updates."""
        await self.application.initialize()
        if set_commands:
            await self.set_commands()
        await self.application.start()
        if not self.webhook and self.application.updater is not None:
            await self.application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                error_callback=self._polling_error,
            )
        self.running = True

    async def stop(self) -> None:
        """Stop taking updates, process those already taken, close the connections."""
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

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def feed(self, data: dict[str, Any]) -> None:
        """An update received by the webhook server: into the application's queue."""
        update = Update.de_json(data, self.bot)
        await self.application.update_queue.put(update)

    def _polling_error(self, error: TelegramError) -> None:
        log.warning("telegram: getUpdates failed (%s); python-telegram-bot retries", error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update: %r", context.error)

    # --- receiving -------------------------------------------------------------------------

    def incoming(self, update: Update) -> IncomingMessage | None | str:
        """The ``IncomingMessage`` of an update; "unsupported" for a sticker/voice …;
        None for updates dondoc does not use."""
        update_id = str(update.update_id)
        query = update.callback_query
        if query is not None and query.from_user is not None:
            user = query.from_user
            chat_id = str(query.message.chat.id) if query.message else str(user.id)
            data = query.data or ""
            text, option = "", data
            if data.startswith(NUMBER_PREFIX):
                text, option = data.removeprefix(NUMBER_PREFIX), None
            return IncomingMessage(
                channel="telegram",
                chat_id=chat_id,
                user_id=str(user.id),
                text=text,
                display_name=user.full_name,
                option=option,
                update_id=update_id,
                language_hint=user.language_code,
            )
        message = update.message
        if message is None or message.from_user is None:
            return None
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
        text = message.text or message.caption or ""
        if attachment is None and not message.text:
            return "unsupported"
        return IncomingMessage(
            channel="telegram",
            chat_id=str(message.chat.id),
            user_id=str(user.id),
            text=text,
            display_name=user.full_name,
            attachment=attachment,
            update_id=update_id,
            language_hint=user.language_code,
        )

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.inbox is not None, "TelegramChannel needs an inbox to take updates"
        if update.my_chat_member is not None:
            await self._membership(update)
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:
                log.debug("telegram: callback not answered: %s", exc)
        incoming = self.incoming(update)
        if incoming is None:
            return
        if incoming == "unsupported":
            assert update.message is not None
            await self.inbox.unsupported(
                self,
                str(update.message.chat.id),
                f"u{update.update_id}",
                update.message.from_user.language_code if update.message.from_user else None,
            )
            return
        assert isinstance(incoming, IncomingMessage)
        await self.inbox.receive(self, incoming)

    async def _membership(self, update: Update) -> None:
        """A private chat's member status of the bot: "kicked" = the person blocked it."""
        assert self.inbox is not None and update.my_chat_member is not None
        change = update.my_chat_member
        if change.chat.type != "private":
            return
        status = change.new_chat_member.status
        if status == "kicked":
            await self.inbox.set_reachable(
                "telegram",
                str(change.from_user.id),
                False,
                "Forbidden: bot was blocked by the user",
            )
        elif status == "member":
            await self.inbox.set_reachable("telegram", str(change.from_user.id), True)

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
