"""One message being handled (*lượt hội thoại*): the member, the language, the stored state of the
conversation, and helpers to answer.

A handler gets a ``Turn`` and returns the outgoing messages. The state of a half-finished
conversation (``ConversationState``: name + data) is read at the start of the turn and written
in the same transaction as everything else, so a restart resumes exactly where the chat was.
The options of the last message sent are kept in the state too, so that "2" or the words of an
option mean the same as pressing its button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import BotContext
from handlers.incoming import IncomingMessage
from locales import _, format_day
from scheduler.outgoing import Option, OutgoingMessage
from storage.models import ConversationState, Member, Role, Unit
from storage.text import fold

IDLE = "idle"


@dataclass
class Turn:
    ctx: BotContext
    session: AsyncSession
    msg: IncomingMessage
    now: datetime
    member: Member | None
    language: str
    state: ConversationState | None = None
    unit: Unit | None = None
    _state_changed: bool = field(default=False, repr=False)

    # ---- words -------------------------------------------------------------------------

    def t(self, key: str, /, **values: Any) -> str:
        return _(key, self.language, **values)

    def say(self, key: str, /, options: list[Option] | tuple[Option, ...] = (), **values: Any):  # noqa: ANN201
        return OutgoingMessage(self.t(key, **values), tuple(options))

    def option(self, key: str, value: str, /, **values: Any) -> Option:
        return Option(self.t(key, **values), value)

    def day(self, value: Any) -> str:
        return format_day(value, self.language)

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
        return self.state.state if self.state else IDLE

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.state.data) if self.state else {}

    def set_state(self, name: str, **data: Any) -> None:
        """Move the conversation to ``name`` with ``data`` (JSON-serialisable)."""
        if self.state is None:
            self.state = ConversationState(
                channel=self.msg.channel,
                chat_id=self.msg.chat_id,
                user_id=self.msg.user_id,
                state=name,
                data=data,
                updated_at=self.now,
            )
        else:
            self.state.state = name
            self.state.data = data
            self.state.updated_at = self.now
        self._state_changed = True

    def clear_state(self) -> None:
        self.set_state(IDLE)

    async def save_state(self, sent: list[OutgoingMessage]) -> None:
        """Store the state with the options of the last message sent (to read "1", "2" …)."""
        options = next((m.options for m in reversed(sent) if m.options), ())
        if self.state is None and not options:
            return
        if self.state is None:
            self.set_state(IDLE)
        assert self.state is not None
        data = dict(self.state.data)
        if options:
            data["options"] = [[o.label, o.value] for o in options]
        else:
            data.pop("options", None)
        if self.state.state == IDLE and not options:
            if self.state.id is not None:
                await self.session.delete(self.state)
            return
        self.state.data = data
        self.state.updated_at = self.now
        if self.state.id is not None:
            # Name and data are written together, never one without the other: two messages
            # of one chat handled at once must not leave one's name with the other's data.
            flag_modified(self.state, "state")
            flag_modified(self.state, "data")
        self.session.add(self.state)

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


@cache
def _state_query() -> Any:
    """The chat's state, locked until the end of the transaction where the database can
    (PostgreSQL: ``FOR UPDATE``, so one chat's messages are handled one after the other;
    SQLite writes one at a time anyway)."""
    return (
        select(ConversationState)
        .where(
            ConversationState.channel == bindparam("channel"),
            ConversationState.chat_id == bindparam("chat_id"),
            ConversationState.user_id == bindparam("user_id"),
        )
        .with_for_update()
    )


async def load_state(session: AsyncSession, msg: IncomingMessage) -> ConversationState | None:
    params = {"channel": msg.channel, "chat_id": msg.chat_id, "user_id": msg.user_id}
    return (await session.exec(_state_query(), params=params)).first()
