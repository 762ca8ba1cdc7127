"""What a coordinator does from the web desk (*thao tác*), with the chat's own rules:

* **nudge** a unit, or every late unit (``scheduler.nudge.choose`` and ``nudge_items``: the
  items, the wording, the outbox and the de-duplication of ``/nhac``; the same sentence back);
* **set the date** of a task that waits for an event (``handlers.plans.tasks.set_event_date``,
  as ``dondoc task set-date``);
* **create an invite** code (the roles a coordinator may hand out, as ``/moi``);
* manage people (``handlers.desk.people``).

Each checks the fence first (``Viewer.require_coordinator``); each is audited by the storage
function it calls, under the member's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dondoc.handlers.conversation.context import BotContext
from dondoc.handlers.conversation.coordinator import nudge_words
from dondoc.handlers.desk.access import Viewer
from dondoc.handlers.desk.people import Manager
from dondoc.handlers.plans.tasks import DatedTask, set_event_date
from dondoc.locales import _
from dondoc.scheduler.nudge import DuplicateNudge, choose, nudge_items
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage import audit
from dondoc.storage.db import Session
from dondoc.storage.errors import UserError
from dondoc.storage.invites import NewInvite, create_invite
from dondoc.storage.models import Role
from dondoc.storage.summary import compute_summary
from dondoc.storage.units import active_unit

_DAY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def manager(viewer: Viewer) -> Manager:
    viewer.require_coordinator()
    return Manager(viewer.role, viewer.name, viewer.member_id)


async def nudge(
    session: Session,
    viewer: Viewer,
    ctx: BotContext,
    *,
    now: datetime,
    unit_id: int | None = None,
    all_late: bool = False,
) -> str:
    """Nudge one unit about everything it has not done, or every late unit about what is
    late, as ``/nhac <đơn vị>`` and ``/nhac quahan`` do; the sentence the chat would say."""
    viewer.require_coordinator()
    language = viewer.language
    summary = await compute_summary(session, today=ctx.today(), tz=ctx.calendar.tz)
    if all_late:
        chosen = choose(summary, all_late=True)
        described = _("conv.remind.all_late", language)
    else:
        unit = await active_unit(session, unit_id) if unit_id is not None else None
        if unit is None:
            raise UserError("web.action.unknown_unit")
        chosen = choose(summary, unit_id=unit.id)
        described = unit.name
    if not chosen:
        return _("conv.remind.nothing", language, target=described)
    try:
        done = await nudge_items(
            session,
            chosen,
            actor=viewer.name,
            now=now,
            calendar=ctx.calendar,
            policy=ctx.policy or ReminderPolicy(),
            actor_member_id=viewer.member_id,
        )
    except DuplicateNudge:
        raise UserError("conv.remind.just_done", target=described) from None

    def words(key: str, /, **values: object) -> str:
        return _(key, language, **values)

    return nudge_words(words, done, described)


def parse_day(text: str) -> date:
    """A date from a form: "2025-12-20" (a date field) or "20/12/2025" as people type it."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise UserError("web.action.bad_date", value=text[:20])


async def set_date(
    viewer: Viewer, ctx: BotContext, *, plan_code: str, task_key: str, when: str, now: datetime
) -> DatedTask:
    """Give an event task its date (its own transaction, as ``dondoc task set-date``)."""
    viewer.require_coordinator()
    return await set_event_date(
        ctx.engine,
        plan_code=plan_code,
        task_ref=task_key,
        when=parse_day(when),
        now=now,
        rules=ctx.due_rules,
        calendar=ctx.calendar,
        actor=viewer.name,
    )


@dataclass(frozen=True)
class CreatedInvite:
    invite: NewInvite
    unit_name: str
    telegram_link: str | None


async def invite(
    session: Session, viewer: Viewer, ctx: BotContext, *, unit_id: int, role: str, now: datetime
) -> CreatedInvite:
    """A single-use invite code for a unit; coordinators hand out officer and head codes,
    admins any (as ``/moi``)."""
    viewer.require_coordinator()
    try:
        wanted = Role(role)
    except ValueError:
        raise UserError("conv.invite.unknown_role", value=role[:20]) from None
    if wanted in (Role.COORDINATOR, Role.ADMIN) and not viewer.is_admin:
        raise UserError("conv.invite.admin_only", role=_(f"role.{wanted.value}", viewer.language))
    unit = await active_unit(session, unit_id)
    if unit is None:
        raise UserError("web.action.unknown_unit")
    created = await create_invite(
        session, unit, wanted, ctx.invite_lifetime, now, created_by=viewer.name
    )
    audit.record(
        session,
        now,
        "invite.create",
        actor=viewer.name,
        member_id=viewer.member_id,
        target=unit.code,
        details={"role": wanted.value, "channel": "web"},
    )
    username = ctx.telegram_bot_username
    link = f"https://t.me/{username.lstrip('@')}?start={created.code}" if username else None
    return CreatedInvite(created, unit.name, link)
