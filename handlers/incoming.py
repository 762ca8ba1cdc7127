"""An incoming message, as every channel adapter hands it to the conversation core."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    """A file or photo the user sent: ``ref`` is the channel's file id or URL."""

    kind: str  # "photo" | "document"
    ref: str
    name: str = ""
    size: int | None = None


@dataclass(frozen=True)
class IncomingMessage:
    """``channel`` "telegram" | "zalo" | "console"; ``option`` is the value of a pressed button
    (Telegram callback) when there is one; ``update_id`` lets duplicates be dropped."""

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    display_name: str = ""
    option: str | None = None
    attachment: Attachment | None = None
    update_id: str | None = None
    language_hint: str | None = None
