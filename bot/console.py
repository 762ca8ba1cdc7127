"""The console channel (*kênh dòng lệnh*): chat with dondoc in a terminal, as one user.

Each line typed is one message; the bot's answers are printed with their options numbered
(type the number or the words to choose, as on Zalo). When standard input is not a terminal,
every line is a message and every answer is printed, so a conversation can be scripted::

    printf '/start K7M2QX9P\n/viec\n' | dondoc console --user lan

Console-only syntax: ``:file PATH`` (or ``:photo PATH``) sends that file as an attachment,
e.g. as the evidence of a report. Blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dondoc.scheduler.messaging import (
    Attachment,
    ChannelEvent,
    EventKind,
    EventSink,
    IncomingMessage,
    MalformedUpdate,
    OutgoingMessage,
    SendOutcome,
)

CHANNEL = "console"


def render(message: OutgoingMessage) -> str:
    """How the console shows one message: text, numbered options, the file if any."""
    text = message.numbered_text()
    if message.file is not None:
        text += f"\n[{message.file.kind}: {message.file.path}]"
    return text


def incoming(
    user: str, line: str, display_name: str = "", language: str | None = None
) -> IncomingMessage:
    """One typed line as the message the core receives (``:file PATH`` becomes an attachment)."""
    text = line.rstrip("\r\n")
    attachment = None
    head, _sep, rest = text.strip().partition(" ")
    if head in (":file", ":photo") and rest.strip():
        path = Path(rest.strip()).expanduser()
        attachment = Attachment(
            kind="photo" if head == ":photo" else "document",
            ref=str(path.resolve()),
            name=path.name,
            size=path.stat().st_size if path.is_file() else None,
        )
        text = ""
    return IncomingMessage(
        channel=CHANNEL,
        chat_id=user,
        user_id=user,
        text=text,
        display_name=display_name or user,
        attachment=attachment,
        update_id=uuid.uuid4().hex,
        language_hint=language,
    )


class ConsoleChannel:
    """The ``Channel`` of the terminal: one person typing. A typed line is its platform event;
    ``send`` prints the message. It takes no webhooks."""

    name = CHANNEL
    webhook_path: str | None = None

    def __init__(
        self,
        write: Callable[[str], None],
        user: str = "console",
        display_name: str = "",
        language: str | None = None,
    ) -> None:
        self.write = write
        self.user = user
        self.display_name = display_name
        self.language = language
        self._sink: EventSink | None = None

    async def start(self, sink: EventSink, *, polling: bool = True) -> None:
        self._sink = sink

    async def stop(self) -> None:
        self._sink = None

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        self.write(render(message))
        return SendOutcome.sent(uuid.uuid4().hex)

    def authentic(self, headers: Mapping[str, str]) -> bool:
        return False  # nothing reaches the console over HTTP

    async def set_webhook(self, url: str) -> None:
        raise NotImplementedError("the console takes no webhooks")

    async def take(self, body: Any) -> ChannelEvent:
        """A typed line → the message event it is."""
        if not isinstance(body, str):
            raise MalformedUpdate("the console reads lines of text")
        return ChannelEvent(
            EventKind.MESSAGE, incoming(self.user, body, self.display_name, self.language)
        )

    @staticmethod
    def wanted(line: str) -> bool:
        """Blank lines and ``#`` comments of a script are not messages."""
        stripped = line.strip()
        return bool(stripped) and not stripped.startswith("#")

    async def type(self, line: str) -> None:
        """One line typed at the terminal: handed to the sink like any platform's event."""
        assert self._sink is not None, "start() the console before typing"
        await self._sink(self, await self.take(line))
