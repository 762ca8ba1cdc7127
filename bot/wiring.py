"""From settings to running parts: the ``BotContext`` the conversation core gets, and the
channels a deployment has tokens for (``configured_channels``: one table, so that nothing
else in dondoc branches per platform).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from dondoc.bot.settings import Settings
from dondoc.handlers.conversation.context import BotContext
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.messaging import Channel
from dondoc.storage.db import Engine
from dondoc.storage.errors import UserError
from dondoc.storage.file_links import FileLinks
from dondoc.storage.private_files import private_folder

SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{8,256}$")


def web_secret(settings: Settings) -> str:
    """The secret that signs file links: ``DONDOC_WEB_SECRET``, else a random one made on first
    use and kept in ``<data_dir>/web-secret`` (readable by its owner only), so that ``dondoc
    run``, ``dondoc web`` and the command line of one deployment agree."""
    if settings.web_secret is not None and settings.web_secret.get_secret_value():
        return settings.web_secret.get_secret_value()
    path = settings.data_dir / "web-secret"
    try:
        secret = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        secret = ""
    if len(secret) >= 32:
        return secret
    private_folder(path.parent)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    return secret


def file_links(settings: Settings) -> FileLinks:
    """The signer of ``/f/…`` links for exports and kept evidence."""
    return FileLinks(
        web_secret(settings),
        {"exports": settings.exports_path, "evidence": settings.evidence_path},
    )


def bot_context(settings: Settings, engine: Engine, clock: Clock) -> BotContext:
    return BotContext(
        engine=engine,
        clock=clock,
        calendar=settings.calendar(),
        due_rules=settings.due_rules(),
        language=settings.locale,
        telegram_bot_username=settings.telegram_bot_username,
        data_dir=settings.data_dir,
        policy=settings.reminder_policy(),
        exports_dir=settings.exports_path,
        report_heading=settings.report_heading(),
        web_public_url=settings.desk_public_url,
        web_local_url=settings.desk_local_url,
        file_links=file_links(settings),
    )


@dataclass(frozen=True)
class ChannelSetup:
    """A channel the settings give a token for: the adapter, and what the operator is told
    about it (its name, the variable of its token, the address it talks to)."""

    channel: Channel
    title: str  # "Zalo", "Telegram"
    token_variable: str
    base_url: str
    webhook_secret: str = ""  # in webhook mode: the one set, or one generated at start-up


def _secret(settings: Settings, field: str, title: str) -> str:
    """The webhook secret of a channel: the one set (checked), else a new one when dondoc
    registers the webhook itself (public URL), else a clear refusal."""
    value: Any = getattr(settings, field)
    variable = f"DONDOC_{field.upper()}"
    if value is not None and value.get_secret_value():
        secret = value.get_secret_value()
        if not SECRET_FORMAT.match(secret):
            raise UserError("channels.webhook_secret_invalid", variable=variable)
        return secret
    if settings.webhook_public_url:
        return secrets.token_urlsafe(32)  # registered with the platform at start-up
    raise UserError("channels.webhook_secret_missing", channel=title, variable=variable)


def _zalo(settings: Settings, token: str, secret: str) -> Channel:
    from dondoc.bot.zalo.channel import ZaloChannel
    from dondoc.bot.zalo.client import ZaloClient

    return ZaloChannel(
        ZaloClient(token, settings.zalo_base_url),
        settings.locale,
        settings.zalo_rate_limit,
        settings.poll_timeout,
        webhook_secret=secret,
    )


def _telegram(settings: Settings, token: str, secret: str) -> Channel:
    from dondoc.bot.telegram_channel import TelegramChannel

    return TelegramChannel(
        token,
        settings.telegram_base_url,
        settings.locale,
        settings.telegram_rate_limit,
        poll_timeout=settings.poll_timeout,
        webhook_secret=secret,
    )


# name: (title, settings field of the token, of the base URL, of the webhook secret, factory)
_CHANNELS: dict[str, tuple[str, str, str, str, Callable[[Settings, str, str], Channel]]] = {
    "zalo": ("Zalo", "zalo_bot_token", "zalo_base_url", "zalo_webhook_secret", _zalo),
    "telegram": (
        "Telegram",
        "telegram_bot_token",
        "telegram_base_url",
        "telegram_webhook_secret",
        _telegram,
    ),
}


def check_public_url(settings: Settings) -> None:
    """Telegram and Zalo deliver webhooks only to a public HTTPS address: refuse an ``http://``
    URL, and one naming this machine or a private network, with a clear message — unless
    ``DONDOC_WEBHOOK_ALLOW_INSECURE_URL`` allows it for a local test."""
    url = settings.webhook_public_url
    if not url or settings.webhook_allow_insecure_url:
        return
    parsed = urlsplit(url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" or not host:
        raise UserError("channels.webhook_url_not_https", url=url)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        private = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    else:
        private = not address.is_global
    if private:
        raise UserError("channels.webhook_url_private", url=url, host=host)


def configured_channels(settings: Settings) -> list[ChannelSetup]:
    """Every channel whose token is set, built from the settings (webhook secrets checked or
    generated in webhook mode). ``UserError`` when no token is set at all."""
    found: list[ChannelSetup] = []
    for title, token_field, url_field, secret_field, build in _CHANNELS.values():
        value: Any = getattr(settings, token_field)
        token = value.get_secret_value() if value is not None else ""
        if not token:
            continue
        secret = _secret(settings, secret_field, title) if settings.webhook else ""
        found.append(
            ChannelSetup(
                build(settings, token, secret),
                title,
                f"DONDOC_{token_field.upper()}",
                getattr(settings, url_field),
                secret,
            )
        )
    if not found:
        raise UserError("channels.no_token")
    return found


def secrets_of(setups: list[ChannelSetup], settings: Settings) -> list[str]:
    """Every secret of the running channels: tokens and webhook secrets (kept out of logs)."""
    values = []
    for _title, token_field, _url, secret_field, _build in _CHANNELS.values():
        for field in (token_field, secret_field):
            value: Any = getattr(settings, field)
            if value is not None and value.get_secret_value():
                values.append(value.get_secret_value())
    values += [setup.webhook_secret for setup in setups]
    if settings.web_secret is not None:
        values.append(settings.web_secret.get_secret_value())
    return [v for v in values if v]
