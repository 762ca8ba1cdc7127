"""The conversation core (*lõi hội thoại*): THE entry point every channel calls.

``await Conversation(ctx).handle(msg)`` takes one ``IncomingMessage`` and returns the outgoing
messages to send back to that chat. It

* drops an update already handled (``update_id`` in ``ProcessedUpdate``: channels may deliver
  twice) — the answer is then the empty list;
* runs in ONE transaction: the report, the audit entry, the conversation state and the
  processed-update mark are written together or not at all;
* never raises: a ``UserError`` is answered in the member's language (nothing written), any
  other error is logged and answered politely.

Order of understanding: a pressed button or typed option number → a command ("/viec",
"/huy" …) → people not linked yet get the onboarding explanation → the step of a
half-finished conversation → a short status reply ("xong", "đang làm 70%").
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, insert, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from dondoc.handlers.conversation import officer, onboarding, short_replies
from dondoc.handlers.conversation.commands import REGISTRY, help_options, unknown_command
from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.onboarding import not_linked
from dondoc.handlers.conversation.registry import split_command
from dondoc.handlers.conversation.turn import IDLE, StoredState, Turn, UnitRef, Who, load_state
from dondoc.locales import _, normalise_language
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from dondoc.storage.db import is_sqlite, transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import ConversationState, Member, ProcessedUpdate, Unit
from dondoc.storage.text import fold

log = logging.getLogger(__name__)

# The steps of multi-message conversations, by state name.
FLOW_STEPS = {**officer.FLOW_STEPS, **short_replies.FLOW_STEPS, **onboarding.FLOW_STEPS}

MAX_TEXT = 4000  # longer messages are read up to here (Telegram's own limit is 4096)
_CANCEL_WORDS = {"huy", "thoat", "cancel", "stop", "dung", "huy bo"}


_MEMBER = Member.__table__  # type: ignore[attr-defined]
_UNIT = Unit.__table__  # type: ignore[attr-defined]
_STATE = ConversationState.__table__  # type: ignore[attr-defined]
# What a turn reads of the member and their unit (plain columns: ``Who`` and ``UnitRef``).
_WHO = (
    _MEMBER.c.id,
    _MEMBER.c.channel,
    _MEMBER.c.channel_user_id,
    _MEMBER.c.display_name,
    _MEMBER.c.role,
    _MEMBER.c.language,
    _MEMBER.c.unit_id,
    _MEMBER.c.reachable,
    _UNIT.c.id,
    _UNIT.c.code,
    _UNIT.c.name,
)
_ACTIVE_MEMBER = and_(
    _MEMBER.c.channel == bindparam("channel"),
    _MEMBER.c.channel_user_id == bindparam("user_id"),
    _MEMBER.c.active.is_(True),
)


@cache
def _member_query() -> Any:
    """The active member of a chat user, with their unit (built once, bound parameters)."""
    return (
        select(*_WHO)
        .select_from(_MEMBER.outerjoin(_UNIT, _UNIT.c.id == _MEMBER.c.unit_id))
        .where(_ACTIVE_MEMBER)
    )


@cache
def _member_and_state_query() -> Any:
    """SQLite: the member, their unit and the chat's state in one statement, one trip to the
    database instead of two (always one row: the outer joins hang on a one-row select).
    PostgreSQL locks the state row (``FOR UPDATE``), which the nullable side of an outer join
    cannot be: there ``_member_query`` and ``load_state`` stay two statements."""
    one = select(literal(1).label("one")).subquery()
    return select(*_WHO, _STATE.c.id, _STATE.c.state, _STATE.c.data).select_from(
        one.outerjoin(_MEMBER, _ACTIVE_MEMBER)
        .outerjoin(_UNIT, _UNIT.c.id == _MEMBER.c.unit_id)
        .outerjoin(
            _STATE,
            and_(
                _STATE.c.channel == bindparam("channel"),
                _STATE.c.chat_id == bindparam("chat_id"),
                _STATE.c.user_id == bindparam("user_id"),
            ),
        )
    )


@cache
def _reachable_again() -> Any:
    return (
        update(_MEMBER)
        .where(_MEMBER.c.id == bindparam("member_id"))
        .values(reachable=True, unreachable_reason=None, unreachable_at=None)
    )


def _who(row: Any) -> tuple[Who | None, UnitRef | None]:
    member = Who(*row[:8]) if row[0] is not None else None
    unit = UnitRef(*row[8:11]) if member is not None and row[8] is not None else None
    return member, unit


@cache
def _processed_insert() -> Any:
    """The mark of a handled update, built once: ``insert(...).values(...)`` per message costs
    more than the statement itself (the compiled form is reused)."""
    return insert(ProcessedUpdate.__table__)  # type: ignore[attr-defined]


class Conversation:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        # SQLite has one writer: taking turns in-process beats connections that wait on the
        # file lock (busy timeout, back-off sleeps). PostgreSQL handles messages in parallel.
        self._sqlite = is_sqlite(ctx.engine)
        self._serial = asyncio.Lock() if self._sqlite else None

    async def handle(self, msg: IncomingMessage) -> list[OutgoingMessage]:
        if self._serial is None:
            return await self._handle(msg)
        async with self._serial:
            return await self._handle(msg)

    async def _handle(self, msg: IncomingMessage, attempt: int = 1) -> list[OutgoingMessage]:
        language = normalise_language(msg.language_hint or self.ctx.language)
        try:
            async with transaction(self.ctx.engine) as session:
                if msg.update_id is not None:
                    # Insert first: a duplicate fails here on the unique key (one statement
                    # instead of a look-up and an insert), and is answered with nothing.
                    await session.exec(
                        _processed_insert(),
                        params={
                            "channel": msg.channel,
                            "update_id": msg.update_id[:128],
                            "received_at": self.ctx.clock.now(),
                        },
                    )
                turn = await self._turn(session, msg)
                language = turn.language
                sent = await self._dispatch(turn)
                await turn.save_state(sent)
            return sent
        except IntegrityError:
            if msg.update_id is not None and await self._already_processed(msg):
                return []  # the same update, handled concurrently by another worker
            if attempt == 1:
                # Two messages of one new chat at once both created its state: the other one
                # is committed now, so handling this one again finds (and locks) its row.
                return await self._handle(msg, attempt=2)
            log.exception("conversation: integrity error for %s/%s", msg.channel, msg.chat_id)
            return [OutgoingMessage(_("conv.error.unexpected", language))]
        except UserError as exc:
            await self._mark_processed(msg)
            return [OutgoingMessage(_(exc.key, language, **exc.values))]
        except Exception:
            log.exception("conversation: unexpected error for %s/%s", msg.channel, msg.chat_id)
            return [OutgoingMessage(_("conv.error.unexpected", language))]

    async def _turn(self, session, msg: IncomingMessage) -> Turn:  # noqa: ANN001
        params = {"channel": msg.channel, "user_id": msg.user_id}
        state: StoredState | None
        if self._sqlite:
            params["chat_id"] = msg.chat_id
            row = (await session.exec(_member_and_state_query(), params=params)).one()
            member, unit = _who(row)
            state = StoredState(row[11], row[12], row[13]) if row[11] is not None else None
        else:
            found = (await session.exec(_member_query(), params=params)).first()
            member, unit = _who(found) if found is not None else (None, None)
            state = await load_state(session, msg)
        now = self.ctx.clock.now()
        if member is not None and not member.reachable:
            # Whoever writes to the bot can be written to again (unblocked, no longer silent).
            # The chat reminders go to stays the one linked by /start (not a group written in).
            await session.exec(_reachable_again(), params={"member_id": member.id})
            member = replace(member, reachable=True)
        language = normalise_language(
            member.language if member else (msg.language_hint or self.ctx.language)
        )
        return Turn(self.ctx, session, msg, now, member, language, state, unit)

    async def _dispatch(self, turn: Turn) -> list[OutgoingMessage]:
        msg = turn.msg
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
        flow = FLOW_STEPS.get(turn.state_name)
        if flow is not None:
            try:
                return await flow(turn, chosen, text)
            except UserError as exc:
                # The half-finished step cannot go on (the task left the unit's list, the
                # member moved to another unit): say why and start afresh, instead of
                # answering the same refusal to every later message of this chat.
                turn.clear_state()
                reason = turn.t(exc.key, **exc.values)
                lost = turn.say("conv.state_lost", options=help_options(turn))
                return [OutgoingMessage(f"{reason}\n{lost.text}", lost.options)]
            except (KeyError, TypeError, ValueError):
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
            return await short_replies.attachment_outside_report(turn)
        return await short_replies.short_reply(turn, text)

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

    async def _already_processed(self, msg: IncomingMessage) -> bool:
        async with transaction(self.ctx.engine) as session:
            found = (
                await session.exec(
                    select(ProcessedUpdate.id).where(
                        ProcessedUpdate.channel == msg.channel,
                        ProcessedUpdate.update_id == msg.update_id,
                    )
                )
            ).first()
            return found is not None

    async def _mark_processed(self, msg: IncomingMessage) -> None:
        if msg.update_id is None:
            return
        try:
            async with transaction(self.ctx.engine) as session:
                session.add(
                    ProcessedUpdate(
                        channel=msg.channel,
                        update_id=msg.update_id,
                        received_at=self.ctx.clock.now(),
                    )
                )
        except IntegrityError:
            pass
