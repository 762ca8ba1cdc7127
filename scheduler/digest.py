"""The coordinator's daily digest (*bản tin tổng hợp hằng ngày*) on working days.

At ``policy.digest_time`` on each working day every active, reachable coordinator gets one
message: which (task, unit) became overdue since the previous working day, which units report
being blocked (*vướng mắc*) and their note, and who cannot be reached (*không liên lạc được*):
members whose channel refused delivery, and assigned units with nobody reachable — and, when
invite codes were guessed at since the previous digest, how often (``storage.invite_attempts``).
The outbox
key ``digest:<member>:<date>`` makes it once a day whatever the number of ticks or restarts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.locales import _, format_day, format_short_day
from dondoc.scheduler import outbox
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage.assignments import latest_reports
from dondoc.storage.invite_attempts import Guessing, guessing_since
from dondoc.storage.models import (
    REMINDED_ROLES,
    Assignment,
    Member,
    Occurrence,
    Outbox,
    Plan,
    ReportStatus,
    Role,
    Task,
    Unit,
)
from dondoc.storage.text import shorten

LIST_LIMIT = 10


@dataclass
class DigestContent:
    day: date
    became_overdue: list[tuple[str, str, date]] = field(default_factory=list)  # unit, task, due
    overdue_total: int = 0
    blocked: list[tuple[str, str, str]] = field(default_factory=list)  # unit, task, note
    unreachable_members: list[tuple[str, str, str]] = field(default_factory=list)
    unreachable_units: list[str] = field(default_factory=list)
    invite_guessing: Guessing | None = None  # wrong invite codes since the last digest


def digest_moment(day: date, calendar: WorkingCalendar, policy: ReminderPolicy) -> datetime:
    return calendar.next_allowed(calendar.at(day, policy.digest_time))


async def gather(
    session: AsyncSession, *, now: datetime, calendar: WorkingCalendar, policy: ReminderPolicy
) -> DigestContent:
    today = calendar.local_date(now)
    since = calendar.previous_working_day(today)
    window_start = calendar.add_working_days(today, -(policy.horizon_after + 1))
    horizon = today + timedelta(days=62)  # blocked reports on what is due in the coming weeks
    content = DigestContent(day=today)
    unit_rows = await session.exec(select(Unit.id, Unit.code, Unit.name, Unit.active))
    units = {uid: (code, name) for uid, code, name, active in unit_rows.all() if active}

    open_rows = await session.exec(
        select(
            Occurrence.id,
            Occurrence.due,
            Task.title,
            Plan.code,
            Assignment.unit_id,
        )
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(
            col(Task.active).is_(True),
            col(Assignment.unit_id).is_not(None),
            or_(
                and_(col(Occurrence.due) >= window_start, col(Occurrence.due) <= horizon),
                col(Occurrence.due).is_(None),
            ),
        )
    )
    pairs = [row for row in open_rows.all() if row[4] in units]
    occ_ids = sorted({row[0] for row in pairs})
    latest = await latest_reports(session, occ_ids)
    assigned_units: set[int] = set()
    for occ_id, due, title, _plan, unit_id in pairs:
        report = latest.get((occ_id, unit_id))
        status, note = (report.status, report.note) if report else (None, "")
        if status == ReportStatus.DONE.value:
            continue
        code = units[unit_id][0]
        if status == ReportStatus.BLOCKED.value:
            content.blocked.append((code, shorten(title, 80), shorten(note, 80)))
        if due is not None and due < today:
            content.overdue_total += 1
            if due >= since:
                content.became_overdue.append((code, shorten(title, 80), due))
        if due is None or due >= today - timedelta(days=31):
            assigned_units.add(unit_id)

    members = await session.exec(
        select(
            Member.unit_id,
            Member.display_name,
            Member.reachable,
            Member.unreachable_reason,
            Member.role,
        ).where(col(Member.active).is_(True))
    )
    reachable_units: set[int] = set()
    for unit_id, name, reachable, reason, role in members.all():
        if role not in REMINDED_ROLES:
            continue
        if reachable and unit_id is not None:
            reachable_units.add(unit_id)
        elif not reachable:
            code = units.get(unit_id, ("", ""))[0] if unit_id else ""
            content.unreachable_members.append((name or "?", code, shorten(reason or "", 60)))
    content.unreachable_units = sorted(
        units[u][0] for u in assigned_units - reachable_units if u in units
    )
    guessing = await guessing_since(session, digest_moment(since, calendar, policy))
    content.invite_guessing = guessing if guessing.burst else None
    content.became_overdue.sort(key=lambda x: (x[2], x[0], x[1]))
    content.blocked.sort()
    content.unreachable_members.sort(key=lambda x: (x[1], x[0]))
    return content


def _section(lines: list[str], items: list[str], language: str) -> None:
    lines += [f"• {item}" for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(_("reminders.digest.more", language, count=len(items) - LIST_LIMIT))


def digest_text(content: DigestContent, name: str, language: str) -> str:
    lines = [
        _("reminders.digest.title", language, day=format_day(content.day, language)),
        _("reminders.digest.greeting", language, name=name)
        if name
        else _("reminders.digest.greeting_anonymous", language),
        "",
    ]
    if content.became_overdue:
        lines.append(_("reminders.digest.overdue", language, count=len(content.became_overdue)))
        _section(
            lines,
            [
                _(
                    "reminders.digest.overdue_item",
                    language,
                    unit=u,
                    task=t,
                    due=format_short_day(d, language),
                )
                for u, t, d in content.became_overdue
            ],
            language,
        )
    else:
        lines.append(_("reminders.digest.overdue_none", language))
    lines.append(_("reminders.digest.overdue_total", language, count=content.overdue_total))
    lines.append("")
    if content.blocked:
        lines.append(_("reminders.digest.blocked", language, count=len(content.blocked)))
        _section(
            lines,
            [
                _("reminders.digest.blocked_item", language, unit=u, task=t, note=n or "…")
                for u, t, n in content.blocked
            ],
            language,
        )
    else:
        lines.append(_("reminders.digest.blocked_none", language))
    lines.append("")
    unreachable = [
        _("reminders.digest.unreachable_member", language, name=n, unit=u or "—", reason=r or "…")
        for n, u, r in content.unreachable_members
    ] + [
        _("reminders.digest.unreachable_unit", language, unit=u) for u in content.unreachable_units
    ]
    if unreachable:
        lines.append(_("reminders.digest.unreachable", language, count=len(unreachable)))
        _section(lines, unreachable, language)
    else:
        lines.append(_("reminders.digest.unreachable_none", language))
    if content.invite_guessing is not None:
        g = content.invite_guessing
        lines += ["", _("reminders.digest.invite_guessing", language, **vars(g))]
    lines += ["", _("reminders.digest.footer", language)]
    return "\n".join(lines)


async def queue_digest(
    session: AsyncSession,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    force: bool = False,
) -> int:
    """Queue today's digest for every coordinator (once a day); returns messages queued.

    Nothing on a non-working day, nor before the digest time (unless ``force``).
    """
    today = calendar.local_date(now)
    if not force and (
        not calendar.is_working_day(today) or now < digest_moment(today, calendar, policy)
    ):
        return 0
    coordinators = (
        (
            await session.exec(
                select(Member).where(
                    Member.role == Role.COORDINATOR.value,
                    col(Member.active).is_(True),
                    col(Member.reachable).is_(True),
                )
            )
        )
        .scalars()
        .all()
    )
    if not coordinators:
        return 0
    keys = {m.id: f"digest:{m.id}:{today.isoformat()}" for m in coordinators}
    existing = set(
        (await session.exec(select(Outbox.key).where(col(Outbox.key).in_(list(keys.values())))))
        .scalars()
        .all()
    )
    todo = [m for m in coordinators if keys[m.id] not in existing]
    if not todo:
        return 0
    content = await gather(session, now=now, calendar=calendar, policy=policy)
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    queued = 0
    for member in todo:
        text = texts[member.language].get(member.display_name)
        if text is None:
            text = digest_text(content, member.display_name, member.language)
            texts[member.language][member.display_name] = text
        row = await outbox.enqueue(
            session,
            key=keys[member.id],
            kind="digest",
            member=member,
            message=OutgoingMessage(text),
            now=now,
        )
        queued += row is not None
    return queued
