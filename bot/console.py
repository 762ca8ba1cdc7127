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
from collections.abc import Callable
from pathlib import Path

from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.messaging import Attachment, IncomingMessage, OutgoingMessage, SendOutcome

CHANNEL = "console"


def render(message: OutgoingMessage) -> str:
    """How the console shows one message: text, numbered options, the file if any."""
    text = message.numbered_text()
    if message.file is not None:
        text += f"\n[{message.file.kind}: {message.file.path}]"
    return text


class ConsoleChannel:
    """The ``Channel`` of the terminal: ``send`` prints the message."""

    name = CHANNEL

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        self.write(render(message))
        return SendOutcome.sent(uuid.uuid4().hex)


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


class ConsoleSession:
    """One user at the terminal: each line goes to the core, each answer to the channel."""

    def __init__(
        self,
        conversation: Conversation,
        channel: ConsoleChannel,
        user: str,
        display_name: str = "",
        language: str | None = None,
    ) -> None:
        self.conversation = conversation
        self.channel = channel
        self.user = user
        self.display_name = display_name
        self.language = language

    @staticmethod
    def wanted(line: str) -> bool:
        stripped = line.strip()
        return bool(stripped) and not stripped.startswith("#")

    async def say(self, line: str) -> list[OutgoingMessage]:
        message = incoming(self.user, line, self.display_name, self.language)
        answers = await self.conversation.handle(message)
        for answer in answers:
            await self.channel.send(self.user, answer)
        return answers
