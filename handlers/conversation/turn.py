"""One message being handled (*lượt hội thoại*): the member, the language, the state of the
conversation, and helpers to answer.

A handler gets a ``Turn`` and returns the outgoing messages. The turn rides on the message's
transaction (``storage.chats.ChatTurn``): the state of a half-finished conversation is read at
its start and written with everything else at its end, so a restart resumes exactly where the
chat was. The options of the last message sent are kept in the state too, so that "2" or the
words of an option mean the same as pressing its button. Handlers reach the database only
through storage functions, handing them ``turn.session``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from dondoc.handlers.conversation.context import BotContext
from dondoc.locales import _, format_day
from dondoc.scheduler.messaging import IncomingMessage, Option, OutgoingMessage
from dondoc.storage.chats import ChatMember, ChatTurn
from dondoc.storage.db import Session
from dondoc.storage.models import Role, UnitRef
from dondoc.storage.text import fold

IDLE = "idle"


@dataclass
class Turn:
    ctx: BotContext
    chat: ChatTurn
    msg: IncomingMessage
    language: str
    member: ChatMember | None = None
    unit: UnitRef | None = None
    # The state as this turn leaves it (None: untouched). Kept in plain values and written
    # once at the end (``finish``): no write when unchanged.
    _name: str | None = field(default=None, repr=False)
    _data: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # The message's transaction, for the storage functions a handler calls, and its moment.
        self.session: Session = self.chat.session
        self.now: datetime = self.chat.now
        if self.member is None:
            self.member, self.unit = self.chat.member, self.chat.unit
        stored = self.chat.state
        if stored is not None and self._name is None:
            self._name, self._data = stored.name, stored.data

    # ---- words -------------------------------------------------------------------------

    def t(self, key: str, /, **values: Any) -> str:
        return _(key, self.language, **values)

    def say(
        self, key: str, /, options: list[Option] | tuple[Option, ...] = (), **values: Any
    ) -> OutgoingMessage:
        return OutgoingMessage(self.t(key, **values), tuple(options))

    def option(self, key: str, value: str, /, **values: Any) -> Option:
        return Option(self.t(key, **values), value)

    def day(self, value: Any) -> str:
        return format_day(value, self.language)

    @cached_property
    def today(self) -> date:
        """The deployment's date at ``now`` (lists compare every due date with it)."""
        return self.ctx.calendar.local_date(self.now)

    # ---- who ---------------------------------------------------------------------------

    @property
    def role(self) -> Role | None:
        return Role(self.member.role) if self.member else None

    @property
    def actor(self) -> str:
        if self.member is None:
            return f"{self.msg.channel}:{self.msg.user_id}"
        return self.member.display_name or f"{self.member.channel}:{self.member.channel_user_id}"

    # ---- state -------------------------------------------------------------------------

    @property
    def state_name(self) -> str:
        return self._name or IDLE

    @property
    def data(self) -> dict[str, Any]:
        return dict(self._data)

    def set_state(self, name: str, data: dict[str, Any] | None = None, /, **more: Any) -> None:
        """Move the conversation to ``name`` with ``data`` (JSON-serialisable)."""
        self._name, self._data = str(name), {**(data or {}), **more}

    def clear_state(self) -> None:
        self.set_state(IDLE)

    async def finish(self, sent: list[OutgoingMessage]) -> None:
        """Store the state this turn leaves, with the options of the last message sent (to
        read "1", "2" … next time); nothing when nothing changed."""
        options = next((m.options for m in reversed(sent) if m.options), ())
        if self._name is None and not options:
            return
        name = self._name or IDLE
        data = dict(self._data)
        if options:
            data["options"] = [[o.label, o.value] for o in options]
        else:
            data.pop("options", None)
        if name == IDLE and not options:
            await self.chat.save_state(None, {})
        else:
            await self.chat.save_state(name, data)

    def chosen(self) -> str | None:
        """The value of the option this message chose: a pressed button, the option's number,
        or its words (with or without diacritics). None when it chose none."""
        options = [(label, value) for label, value in self.data.get("options", [])]
        if self.msg.option is not None:
            values = {value for _label, value in options}
            if self.msg.option in values or self.msg.option.startswith("/"):
                return self.msg.option
            return None
        text = fold(self.msg.text or "")
        if not text or not options:
            return None
        stripped = text.rstrip(".)").strip()
        if re.fullmatch(r"[0-9]{1,6}", stripped):
            index = int(stripped)
            return options[index - 1][1] if 1 <= index <= len(options) else None
        for label, value in options:
            if fold(label) == text:
                return value
        return None
