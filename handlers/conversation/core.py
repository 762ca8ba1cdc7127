"""The conversation core (*lõi hội thoại*): THE entry point every channel calls.

``await Conversation(ctx).handle(msg)`` takes one ``IncomingMessage`` and returns the outgoing
messages to send back to that chat. It

* runs in ONE transaction (``storage.chats.chat_turn``): the report, the audit entry, the
  conversation state and the mark of the handled update are written together or not at all;
* drops an update already handled — the one place duplicates are dropped: the answer is then
  the empty list;
* never raises: a ``UserError`` is answered in the member's language (nothing written), any
  other error is logged and answered politely.

How messages wait for each other (*thứ tự xử lý tin nhắn*) is one strategy (``Isolation``),
chosen once for the database and shared with the inbox: the messages of one chat are handled
*and answered* in the order they arrived (a half-finished report must see its previous step;
answers must not overtake each other), and the database is written the way it writes best —
``OneWriter`` on SQLite (one transaction at a time in the process: SQLite has one writer, and
taking turns here beats connections waiting on the file lock), ``RowLocks`` on PostgreSQL
(chats in parallel; a chat's state row is locked ``FOR UPDATE`` for the transaction, which
orders its messages across processes too).

Order of understanding: something dondoc cannot read (a sticker) → a pressed button or typed
option number → a command ("/viec", "/huy" …; in a step, "huỷ" or "nhầm" alone leaves it) →
people not linked yet get the onboarding explanation → the step of a half-finished
conversation → a correction of today's report ("nhầm", "sửa lại: chưa xong") → a short status
reply ("xong", "đang làm 70%"), a question or courtesy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from dondoc.handlers.conversation import corrections, onboarding, report_flow, report_steps
from dondoc.handlers.conversation.commands import REGISTRY, help_options, unknown_command
from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.office import office_words
from dondoc.handlers.conversation.onboarding import not_linked
from dondoc.handlers.conversation.turn import IDLE, Turn
from dondoc.handlers.replies import read_correction
from dondoc.locales import _, normalise_language
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from dondoc.storage.chats import ChatConflict, ChatKey, DuplicateUpdate, chat_turn, mark_handled
from dondoc.storage.db import is_sqlite
from dondoc.storage.errors import UserError
from dondoc.storage.text import fold

log = logging.getLogger(__name__)

# The steps of multi-message conversations, by state name.
FLOW_STEPS = {**report_steps.STEPS, **onboarding.FLOW_STEPS}

MAX_TEXT = 4000  # longer messages are read up to here (Telegram's own limit is 4096)
_CANCEL_WORDS = {"huy", "thoat", "cancel", "stop", "dung", "huy bo"}


_MAX_IDLE_LOCKS = 1000  # per-chat locks kept; unused ones are forgotten beyond this


class Isolation(Protocol):
    """The ordering strategy the inbox and the conversation core share."""

    def chat(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while one message of chat ``key`` is handled and answered."""
        ...

    def writing(self) -> AbstractAsyncContextManager[None]:
        """Held while one message's transaction runs."""
        ...


class _ChatLocks:
    """One ``asyncio.Lock`` per chat, forgotten when many are idle."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def chat(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > _MAX_IDLE_LOCKS:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield


class OneWriter(_ChatLocks):
    """SQLite: a chat's messages in order, and one transaction at a time."""

    def __init__(self) -> None:
        super().__init__()
        self._writer = asyncio.Lock()

    def writing(self) -> AbstractAsyncContextManager[None]:
        return self._writer


class RowLocks(_ChatLocks):
    """PostgreSQL: a chat's messages in order; transactions in parallel (the state row lock
    orders one chat's messages across processes)."""

    def writing(self) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()


def isolation_for(sqlite: bool) -> Isolation:
    return OneWriter() if sqlite else RowLocks()


class Conversation:
    """The conversation core of one deployment. ``isolation`` orders the messages (one writer
    on SQLite, row locks on PostgreSQL: ``conversation.isolation``); the inbox shares it."""

    def __init__(self, ctx: BotContext, isolation: Isolation | None = None) -> None:
        self.ctx = ctx
        self.isolation = isolation or isolation_for(is_sqlite(ctx.engine))

    async def handle(self, msg: IncomingMessage) -> list[OutgoingMessage]:
        async with self.isolation.writing():
            return await self._handle(msg)

    async def _handle(self, msg: IncomingMessage, attempt: int = 1) -> list[OutgoingMessage]:
        language = normalise_language(msg.language_hint or self.ctx.language)
        key = ChatKey(msg.channel, msg.chat_id, msg.user_id)
        now = self.ctx.clock.now()
        if not msg.private:
            # A group chat: said once per group (remembered like a handled update), nothing
            # linked, nothing read — dondoc works in a person's own chat with the bot.
            first = await mark_handled(self.ctx.engine, msg.channel, f"group:{msg.chat_id}", now)
            return [OutgoingMessage(_("conv.group_only", language))] if first else []
        try:
            async with chat_turn(self.ctx.engine, key, msg.update_id, now) as chat:
                member = chat.member
                language = normalise_language(
                    member.language if member else (msg.language_hint or self.ctx.language)
                )
                turn = Turn(self.ctx, chat, msg, language)
                sent = await self._dispatch(turn)
                language = turn.language
                await turn.finish(sent)
            return sent
        except DuplicateUpdate:
            return []  # the same update, handled before (or right now by another worker)
        except ChatConflict:
            if attempt == 1:
                # Two messages of one new chat at once both created its state: the other one
                # is committed now, so handling this one again finds (and locks) its row.
                return await self._handle(msg, attempt=2)
            log.exception("conversation: conflict for %s/%s", msg.channel, msg.chat_id)
            return [OutgoingMessage(_("conv.error.unexpected", language))]
        except UserError as exc:
            if msg.update_id is not None:
                await mark_handled(self.ctx.engine, msg.channel, msg.update_id, now)
            return [OutgoingMessage(_(exc.key, language, **exc.values))]
        except Exception:
            log.exception("conversation: unexpected error for %s/%s", msg.channel, msg.chat_id)
            return [OutgoingMessage(_("conv.error.unexpected", language))]

    async def _dispatch(self, turn: Turn) -> list[OutgoingMessage]:
        msg = turn.msg
        if msg.unsupported:
            return [turn.say("channels.unsupported")]
        text = (msg.text or "")[:MAX_TEXT]
        if turn.member is None:  # only /start works; everything else gets the explanation
            parts = split_command(text)
            return await self._command(turn, *parts) if parts else await not_linked(turn)
        chosen = turn.chosen()
        if msg.option is not None and chosen is None:
            return [turn.say("conv.stale_option", options=help_options(turn))]
        if chosen is not None and chosen.startswith("/"):
            text = chosen
            chosen = None
        parts = split_command(text)
        if parts is None and turn.state_name != IDLE and _leaves_the_step(text):
            parts = ("huy", "")
        if parts is not None:
            return await self._command(turn, *parts)
        step = FLOW_STEPS.get(turn.state_name)
        if step is not None:
            try:
                return await step(turn, chosen, text)
            except UserError as exc:
                # The half-finished step cannot go on (the task left the unit's list, the
                # member moved to another unit): say why and start afresh, instead of
                # answering the same refusal to every later message of this chat.
                turn.clear_state()
                reason = turn.t(exc.key, **exc.values)
                lost = turn.say("conv.state_lost", options=help_options(turn))
                return [OutgoingMessage(f"{reason}\n{lost.text}", lost.options)]
            except (KeyError, TypeError, ValueError, AssertionError):
                # A stored state this version cannot read (an older release, a manual edit):
                # start afresh rather than fail on every message of this chat.
                log.warning("conversation: unreadable state %r reset", turn.state_name)
                turn.clear_state()
                return [turn.say("conv.state_lost", options=help_options(turn))]
        if chosen is not None and turn.state_name == IDLE:
            return [turn.say("conv.stale_option", options=help_options(turn))]
        if turn.unit is None:
            return [turn.say("conv.no_unit_text", options=help_options(turn))]
        if msg.attachment is not None and not re.search(r"\w", text):
            return await report_flow.file_alone(turn)
        correction = read_correction(text)
        if correction is not None:  # "nhầm", "sửa lại: chưa xong": today's report corrected
            corrected = await corrections.correction_reply(turn, correction)
            if corrected is not None:
                return corrected
        return await report_flow.short_reply(turn, text)

    async def _command(self, turn: Turn, word: str, args: str) -> list[OutgoingMessage]:
        command = REGISTRY.find(word)
        if command is None:
            if turn.member is None:
                return await not_linked(turn)
            return unknown_command(turn, word)
        if not command.allowed(turn.role, turn.unit is not None):
            if turn.member is None:
                return await not_linked(turn)
            if command.access == "unit":
                key, values = "conv.refused.no_unit", {}
            else:
                key, values = "conv.refused", {"office": await office_words(turn)}
            options = help_options(turn)
            return [turn.say(key, options=options, command=command.name, **values)]
        if command.name != "huy":
            turn.clear_state()  # a command leaves any half-finished conversation
        return await command.handler(turn, args)


def _leaves_the_step(text: str) -> bool:
    """ "huỷ", "thoát" — or "nhầm", "gửi nhầm" with nothing else: in the middle of a step,
    where nothing is saved yet, taking back what was just said is leaving the step."""
    if fold(text) in _CANCEL_WORDS:
        return True
    correction = read_correction(text)
    return correction is not None and correction.undo and not correction.rest


def split_command(text: str) -> tuple[str, str] | None:
    """ "/viec@dondoc_bot 2" → ("viec@dondoc_bot", "2"); None when the text is no command."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    word, _sep, args = stripped[1:].partition(" ")
    word, _nl, rest = word.partition("\n")
    args = (rest + " " + args).strip() if rest else args.strip()
    return word, args
