"""The command registry (*danh sách lệnh*): each command's Vietnamese name, English alias, who
may use it and the function that answers it.

A command handler is ``async def handler(turn: Turn, args: str) -> list[OutgoingMessage]``:
``args`` is the text after the command word ("/tonghop 84/KH-UBND quý 3" → "84/KH-UBND quý 3").
It may raise ``storage.errors.UserError``: the core answers with that message and rolls back
everything the command wrote.

**Adding a command** takes one entry in ``handlers/commands.py``::

    Command("xuat", "export", exports.export_command, Access.COORDINATOR, "exports.help.export")

(name without slash and without diacritics; the help key is a message of any catalog domain
that describes the command in one line). The name is matched after folding, so "/xuất",
"/XUAT" and "/xuat@dondoc_bot" all find it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.models import Role
from dondoc.storage.text import fold

if TYPE_CHECKING:
    from dondoc.handlers.conversation.turn import Turn

Handler = Callable[["Turn", str], Awaitable[list[OutgoingMessage]]]


class Access(StrEnum):
    """Who may use a command."""

    ANYONE = "anyone"  # also people not linked yet (/start)
    MEMBER = "member"  # any linked member
    UNIT = "unit"  # a linked member of a unit: officers, heads (their own unit only)
    COORDINATOR = "coordinator"  # coordinators and admins: every unit
    ADMIN = "admin"


@dataclass(frozen=True)
class Command:
    name: str  # Vietnamese, e.g. "viec"
    alias: str  # English, e.g. "tasks"
    handler: Handler
    access: Access
    help_key: str
    listed: bool = True  # shown by /trogiup

    def allowed(self, role: Role | None, has_unit: bool) -> bool:
        if self.access is Access.ANYONE:
            return True
        if role is None:
            return False
        if self.access is Access.MEMBER:
            return True
        if self.access is Access.UNIT:
            return has_unit
        if self.access is Access.COORDINATOR:
            return role in (Role.COORDINATOR, Role.ADMIN)
        return role is Role.ADMIN


class Registry:
    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands: list[Command] = []
        self._by_word: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        for word in (command.name, command.alias):
            key = _key(word)
            if key in self._by_word:
                raise ValueError(f"command word {word!r} is used twice")
            self._by_word[key] = command
        self.commands.append(command)

    def find(self, word: str) -> Command | None:
        return self._by_word.get(_key(word))


def _key(word: str) -> str:
    return fold(word).lstrip("/").split("@", 1)[0].replace("_", "").replace(" ", "")
