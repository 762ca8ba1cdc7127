"""The conversation core (*lõi hội thoại*): THE entry point every channel calls.

``await Conversation(ctx).handle(msg)`` takes one ``IncomingMessage`` and returns the outgoing
messages to send back to that chat. It

* runs in ONE transaction (``storage.chats.chat_turn``): the report, the audit entry, the
  conversation state and the mark of the handled update are written together or not at all;
* drops an update already handled — the one place duplicates are dropped: the answer is then
  the empty list;
* never raises: a ``UserError`` is answered in the member's language (nothing written), any
  other error is logged and answered politely.

Order of understanding: something dondoc cannot read (a sticker) → a pressed button or typed
option number → a command ("/viec", "/huy" …) → people not linked yet get the onboarding
explanation → the step of a half-finished conversation → a short status reply ("xong",
"đang làm 70%").
"""

from __future__ import annotations

import logging
import re

from dondoc.handlers.conversation import onboarding, report_flow
from dondoc.handlers.conversation.commands import REGISTRY, help_options, unknown_command
from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.isolation import Isolation, isolation_for
from dondoc.handlers.conversation.onboarding import not_linked
from dondoc.handlers.conversation.registry import split_command
from dondoc.handlers.conversation.turn import IDLE, Turn
from dondoc.locales import _, normalise_language
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from dondoc.storage.chats import ChatConflict, ChatKey, DuplicateUpdate, chat_turn, mark_handled
from dondoc.storage.db import is_sqlite
from dondoc.storage.errors import UserError
from dondoc.storage.text import fold

log = logging.getLogger(__name__)

# The steps of multi-message conversations, by state name.
FLOW_STEPS = {**report_flow.STEPS, **onboarding.FLOW_STEPS}

MAX_TEXT = 4000  # longer messages are read up to here (Telegram's own limit is 4096)
_CANCEL_WORDS = {"huy", "thoat", "cancel", "stop", "dung", "huy bo"}


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
            return await self._command(turn, *parts) if parts else not_linked(turn)
        chosen = turn.chosen()
        if msg.option is not None and chosen is None:
            return [turn.say("conv.stale_option", options=help_options(turn))]
        if chosen is not None and chosen.startswith("/"):
            text = chosen
            chosen = None
        parts = split_command(text)
        if parts is None and turn.state_name != IDLE and fold(text) in _CANCEL_WORDS:
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
        return await report_flow.short_reply(turn, text)

    async def _command(self, turn: Turn, word: str, args: str) -> list[OutgoingMessage]:
        command = REGISTRY.find(word)
        if command is None:
            if turn.member is None:
                return not_linked(turn)
            return unknown_command(turn, word)
        if not command.allowed(turn.role, turn.unit is not None):
            if turn.member is None:
                return not_linked(turn)
            key = "conv.refused.no_unit" if command.access == "unit" else "conv.refused"
            return [turn.say(key, options=help_options(turn), command=command.name)]
        if command.name != "huy":
            turn.clear_state()  # a command leaves any half-finished conversation
        return await command.handler(turn, args)
