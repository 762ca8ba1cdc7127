"""The words of a reminder (*nội dung tin nhắc việc*): one grouped message per recipient.

A message lists every item due for its reader at that moment — task, plan and period, due date
in Vietnamese form (``locales.format_day``), how far the due date is, the unit's status so far —
and ends with how to answer ("xong", "đang làm 70%", "vướng: …"). Cooperating (*phối hợp*)
units get a softer wording than lead (*chủ trì*) units; a head (*thủ trưởng*) gets the
escalation wording. Every sentence comes from the ``reminders`` catalog domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dondoc.locales import _, format_day, format_period
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.scheduler.policy import CHECKIN_STEP, ReminderPolicy
from dondoc.storage.models import AssignmentRole, ReportStatus


@dataclass(frozen=True)
class ItemView:
    """What a reader needs to know about one (occurrence, unit) in a reminder."""

    title: str
    plan_code: str
    period: str
    due: date | None
    step: str
    role: str  # lead | cooperating
    status: str | None = None  # latest report status, None: nothing reported
    percent: int | None = None
    note: str = ""


@lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    return format_day(day, language)  # Babel formatting is slow; a wave repeats few dates


@lru_cache(maxsize=4096)
def _working_days(calendar: WorkingCalendar, first: date, last: date) -> int:
    return calendar.working_days_between(first, last)


def step_words(step: str, language: str) -> str:
    """A step of the policy as people say it: "T-3" → "3 ngày làm việc trước hạn", "due" →
    "ngày đến hạn", "overdue-2" → "quá hạn, lần 2", "checkin" → "hỏi tiến độ định kỳ",
    "nudge" → "nhắc thủ công"; anything else as it is."""
    if step.startswith("T-") and step[2:].isdigit():
        return _("reminders.step.before", language, days=int(step[2:]))
    if step.startswith("overdue-") and step[8:].isdigit():
        return _("reminders.step.overdue", language, count=int(step[8:]))
    if step in ("due", "checkin", "nudge"):
        return _(f"reminders.step.{step}", language)
    return step


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_text(item: ItemView, language: str) -> str:
    """The unit's status so far, in words."""
    if item.status is None:
        return _("reminders.status.none", language)
    if item.status == ReportStatus.IN_PROGRESS.value:
        if item.percent is not None:
            return _("reminders.status.in_progress_percent", language, percent=item.percent)
        return _("reminders.status.in_progress", language)
    if item.status == ReportStatus.BLOCKED.value:
        note = shorten(item.note, 80) if item.note else "…"
        return _("reminders.status.blocked", language, note=note)
    if item.status == ReportStatus.DONE.value:
        return _("reminders.status.done", language)
    return _("reminders.status.not_started", language)


def timing_text(item: ItemView, today: date, calendar: WorkingCalendar, language: str) -> str:
    """How the due date stands from ``today``: days left, due today, days late."""
    cooperating = item.role == AssignmentRole.COOPERATING.value
    soft = ".soft" if cooperating else ""
    if item.step == CHECKIN_STEP or item.due is None:
        period = format_period(item.period, language)
        return _("reminders.timing.checkin" + soft, language, period=period)
    if item.due > today:
        days = _working_days(calendar, today, item.due)
        return _("reminders.timing.before" + soft, language, days=max(days, 1))
    if item.due == today:
        return _("reminders.timing.today" + soft, language)
    days = _working_days(calendar, item.due, today)
    if days <= 0:
        return _("reminders.timing.today" + soft, language)
    return _("reminders.timing.overdue" + soft, language, days=days)


def item_text(
    index: int,
    item: ItemView,
    today: date,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    language: str,
) -> str:
    due = _day(item.due, language) if item.due is not None else _("reminders.item.no_due", language)
    role = _(f"reminders.role.{item.role}", language)
    # A one-off deadline's period is its due date, said once already: no "kỳ" line then.
    once = item.due is not None and item.period == item.due.isoformat()
    return _(
        "reminders.item.once" if once else "reminders.item",
        language,
        index=index,
        title=shorten(item.title, policy.title_chars),
        plan=item.plan_code,
        period=format_period(item.period, language),
        due=due,
        timing=timing_text(item, today, calendar, language),
        role=role,
        status=status_text(item, language),
    )


def reminder_message(
    *,
    language: str,
    member_name: str,
    unit_name: str,
    items: list[ItemView],
    escalation: bool,
    today: date,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    manual: bool = False,
) -> OutgoingMessage:
    """One message listing ``items`` (sorted by due date) for one reader."""
    if not items:
        raise ValueError("a reminder needs at least one item")
    ordered = sorted(items, key=lambda i: (i.due or date.max, i.title))
    name = member_name.strip()
    if escalation:
        greeting = _("reminders.greeting.head", language, name=name or "", unit=unit_name)
        intro = _("reminders.intro.escalation", language, count=len(ordered))
    else:
        greeting = (
            _("reminders.greeting.named", language, name=name, unit=unit_name)
            if name
            else _("reminders.greeting.anonymous", language, unit=unit_name)
        )
        all_cooperating = all(i.role == AssignmentRole.COOPERATING.value for i in ordered)
        if manual:
            intro = _("reminders.intro.nudge", language, count=len(ordered))
        elif all_cooperating:
            intro = _("reminders.intro.cooperating", language, count=len(ordered))
        else:
            intro = _("reminders.intro.lead", language, count=len(ordered))
    shown = ordered[: policy.max_items]
    lines = [greeting, intro, ""]
    lines += [
        item_text(n, item, today, calendar, policy, language)
        for n, item in enumerate(shown, start=1)
    ]
    if len(ordered) > len(shown):
        lines.append(_("reminders.more", language, count=len(ordered) - len(shown)))
    lines += ["", _("reminders.how_to_reply", language)]
    return OutgoingMessage("\n".join(lines))
