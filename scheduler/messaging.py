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


class Channel(Protocol):
    """A messenger adapter as the dispatcher sees it."""

    name: str  # "telegram" | "zalo" | "console"

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        """Deliver one message; never raises for delivery failures (returns the outcome)."""
        ...
