"""The messaging contract (*giao kèo giữa lõi và kênh*): what comes in from a messenger, what
dondoc sends, and how a channel answers. A leaf: it imports nothing of dondoc, and the
conversation core, the delivery outbox and the channel adapters (Zalo, Telegram, console) all
speak in its types.

An ``IncomingMessage`` is what a person wrote (text, a chosen option, an attachment). An
``OutgoingMessage`` is text plus numbered options plus an optional file; every channel can
show it (Telegram adds buttons, Zalo and the console show the numbers). A channel's ``send``
returns a ``SendOutcome``; a failure is one of the four ``FailureKind`` of DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


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
    (Telegram callback) when there is one; ``update_id`` lets duplicates be dropped;
    ``unsupported``: the person sent something dondoc cannot read (a sticker, a voice
    message) — answered with what it understands; ``private`` is False for a message written
    in a group chat (dondoc works in a person's own chat with the bot only)."""

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    display_name: str = ""
    option: str | None = None
    attachment: Attachment | None = None
    update_id: str | None = None
    language_hint: str | None = None
    unsupported: bool = False
    private: bool = True


@dataclass(frozen=True)
class Option:
    """A choice offered to the user: ``label`` is shown, ``value`` comes back when chosen."""

    label: str
    value: str


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send: ``path`` on disk; ``kind`` is ``document`` or ``photo``."""

    path: str
    kind: str = "document"
    caption: str = ""


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    options: tuple[Option, ...] = ()
    file: OutgoingFile | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"text": self.text}
        if self.options:
            payload["options"] = [[o.label, o.value] for o in self.options]
        if self.file:
            payload["file"] = {
                "path": self.file.path,
                "kind": self.file.kind,
                "caption": self.file.caption,
            }
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> OutgoingMessage:
        file = payload.get("file")
        return cls(
            text=payload.get("text", ""),
            options=tuple(Option(label, value) for label, value in payload.get("options", [])),
            file=OutgoingFile(**file) if file else None,
        )

    def numbered_text(self) -> str:
        """The text with the options as a numbered list: what text-only channels show."""
        if not self.options:
            return self.text
        lines = [self.text, ""] if self.text else []
        lines += [f"{i}. {o.label}" for i, o in enumerate(self.options, start=1)]
        return "\n".join(lines)


class FailureKind(StrEnum):
    RETRY_AFTER = "retry_after"  # the channel asks us to wait N seconds (429, quota)
    UNREACHABLE = "unreachable"  # this recipient cannot be reached (blocked, chat not found)
    TRANSIENT = "transient"  # network error, 5xx, timeout: retry with backoff
    PERMANENT = "permanent"  # the request itself is wrong (bad token, bad payload): no retry


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    failure: FailureKind | None = None
    retry_after: float | None = None
    error: str = ""
    message_ids: tuple[str, ...] = field(default=())

    @classmethod
    def sent(cls, *message_ids: str) -> SendOutcome:
        return cls(ok=True, message_ids=tuple(message_ids))

    @classmethod
    def failed(
        cls, failure: FailureKind, error: str = "", retry_after: float | None = None
    ) -> SendOutcome:
        return cls(ok=False, failure=failure, error=error[:1000], retry_after=retry_after)


class EventKind(StrEnum):
    """What a platform event is to dondoc."""

    MESSAGE = "message"  # a person wrote (text, a chosen option, a photo or file, a sticker)
    BLOCKED = "blocked"  # the person blocked the bot: no message can reach them
    UNBLOCKED = "unblocked"  # … and unblocked it again
    IGNORED = "ignored"  # nothing for dondoc (someone followed the bot, a group changed …)
    CLOSED = "closed"  # the channel stopped taking updates by itself (its token was revoked)


@dataclass(frozen=True)
class ChannelEvent:
    """One platform event as every channel hands it to the way in (``bot.inbox``).

    ``message`` for MESSAGE (a sticker is a message too: ``message.unsupported``);
    ``user_id`` for BLOCKED/UNBLOCKED; ``detail`` is the platform's own words for BLOCKED and
    what was ignored for IGNORED, why for CLOSED (logged, never shown as dondoc's)."""

    kind: EventKind
    message: IncomingMessage | None = None
    user_id: str = ""
    detail: str = ""


class MalformedUpdate(ValueError):
    """A body that is not an update of the platform (a webhook answers it 400)."""


class TokenRejected(Exception):
    """The platform refused the bot's token: the channel cannot start (no retry)."""


EventSink = Callable[["Channel", ChannelEvent], Awaitable[object]]


class Channel(Protocol):
    """A messenger adapter (Zalo, Telegram, the console, the tests' fake): the one interface
    the runner, the webhook server, the inbox and the dispatcher see.

    Lifecycle: ``start`` (check the token — ``TokenRejected`` when refused, any other error
    means "try again later" — then take updates: by long polling when ``polling``, else from
    the webhook server) and ``stop`` (take no more, finish the update in hand, close the
    connections). Every event taken becomes one ``ChannelEvent`` handed to the sink.

    Webhooks: the platform posts to ``webhook_path`` (None: this channel takes none); a
    request is authentic when ``authentic`` says its secret header is the one registered with
    ``set_webhook``; ``take`` turns its body into the event (``MalformedUpdate`` if it is
    none).
    """

    name: str  # "telegram" | "zalo" | "console"
    webhook_path: str | None

    async def start(self, sink: EventSink, *, polling: bool) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        """Deliver one message; never raises for delivery failures (returns the outcome)."""
        ...

    def authentic(self, headers: Mapping[str, str]) -> bool: ...

    async def set_webhook(self, url: str) -> None: ...

    async def take(self, body: Any) -> None: ...
