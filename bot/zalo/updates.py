"""How a Zalo update (from getUpdates or the webhook) becomes one ``ChannelEvent``.

An update is ``{"event_name": ..., "message": {message_id, from, chat, date, text | photo
(URL) | sticker, caption}}``. Text and images are messages for the conversation core (an
image as a photo attachment, its caption as text); stickers, unsupported and unknown message
kinds are messages dondoc cannot read (``unsupported``: the core answers what it reads);
events that are not messages are ignored (and logged). A malformed update raises
``MalformedUpdate``, so a webhook can answer 400.
"""

from __future__ import annotations

from typing import Any

from dondoc.scheduler.messaging import Attachment, ChannelEvent, IncomingMessage, MalformedUpdate

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _id(value: Any) -> str:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return ""


def parse_update(data: Any) -> ChannelEvent:
    if not isinstance(data, dict):
        raise MalformedUpdate("update is not an object")
    event_name = _text(data.get("event_name"))
    if not event_name:
        raise MalformedUpdate("update has no event_name")
    message = data.get("message")
    if not event_name.startswith("message."):
        return ChannelEvent.ignored(event_name)
    if not isinstance(message, dict):
        raise MalformedUpdate("message event without a message")
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    user_id = _id(sender.get("id"))
    chat_id = _id(chat.get("id")) or user_id
    message_id = _id(message.get("message_id"))
    if not user_id or not chat_id or not message_id:
        raise MalformedUpdate("message without sender, chat or message_id")
    name = _text(sender.get("display_name")) or _text(sender.get("name"))
    if event_name == TEXT:
        incoming = IncomingMessage(
            channel="zalo",
            chat_id=chat_id,
            user_id=user_id,
            text=_text(message.get("text")),
            display_name=name,
            update_id=message_id,
        )
        return ChannelEvent.received(incoming)
    if event_name == IMAGE:
        url = (
            _text(message.get("photo_url"))
            or _text(message.get("photo"))
            or _text(message.get("url"))
        )
        if not url:
            raise MalformedUpdate("image event without a photo URL")
        incoming = IncomingMessage(
            channel="zalo",
            chat_id=chat_id,
            user_id=user_id,
            text=_text(message.get("caption")) or _text(message.get("text")),
            display_name=name,
            attachment=Attachment(kind="photo", ref=url),
            update_id=message_id,
        )
        return ChannelEvent.received(incoming)
    # stickers, unsupported messages and any message kind added later: a polite answer
    unreadable = IncomingMessage(
        channel="zalo",
        chat_id=chat_id,
        user_id=user_id,
        display_name=name,
        update_id=message_id,
        unsupported=True,
    )
    return ChannelEvent.received(unreadable)
