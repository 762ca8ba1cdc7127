"""How a Zalo update (from getUpdates or the webhook) becomes one ``ChannelEvent``.

An update is ``{"event_name": ..., "message": {message_id, from, chat: {id, chat_type}, date,
text | photo (URL) | sticker, caption}}``; the Zalo Bot Platform documents a webhook body as
the envelope ``{"ok": true, "result": <update>}``, and real traffic also comes bare: both are
read. Text and images are messages for the conversation core (an image as a photo attachment,
its caption as text); stickers and message kinds added later are messages dondoc cannot read
(``unsupported``: the core answers what it reads). A message written in a group chat
(``chat_type`` GROUP, in beta on Zalo) is marked not private: the core answers once that dondoc
works in private chats only, and links nothing. ``message.unsupported.received`` is what Zalo
sends for a protected sender whose content it withholds: nothing to answer, ignored (logged)
like the events that are not messages. A malformed update raises ``MalformedUpdate``, so a
webhook can answer 400.
"""

from __future__ import annotations

from typing import Any

from dondoc.scheduler.messaging import (
    Attachment,
    ChannelEvent,
    EventKind,
    IncomingMessage,
    MalformedUpdate,
)

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
    if "event_name" not in data and isinstance(data.get("result"), dict):
        data = data["result"]  # the documented envelope {"ok": true, "result": …}
    event_name = _text(data.get("event_name"))
    if not event_name:
        raise MalformedUpdate("update has no event_name")
    message = data.get("message")
    if not event_name.startswith("message.") or event_name == UNSUPPORTED:
        return ChannelEvent(EventKind.IGNORED, detail=event_name)
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
    private = _text(chat.get("chat_type")).upper() != "GROUP"
    if event_name == TEXT:
        incoming = IncomingMessage(
            channel="zalo",
            chat_id=chat_id,
            user_id=user_id,
            text=_text(message.get("text")),
            display_name=name,
            update_id=message_id,
            private=private,
        )
        return ChannelEvent(EventKind.MESSAGE, incoming)
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
            private=private,
        )
        return ChannelEvent(EventKind.MESSAGE, incoming)
    # stickers and any message kind added later: a polite answer
    unreadable = IncomingMessage(
        channel="zalo",
        chat_id=chat_id,
        user_id=user_id,
        display_name=name,
        update_id=message_id,
        unsupported=True,
        private=private,
    )
    return ChannelEvent(EventKind.MESSAGE, unreadable)
