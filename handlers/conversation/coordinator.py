"""Coordinators (*Phòng Nội vụ / Phòng Văn hóa - Xã hội*): ``/tonghop`` (summary), ``/quahan``
(overdue units), ``/nhac`` (manual nudge) and ``/moi`` (invite code).

The numbers come from ``storage.summary.compute_summary`` — one place decides the status
categories for the chat, the CLI and the exports. Nudges go through
``scheduler.nudge.nudge`` (the reminders' wording, the outbox, rate limits, audit).
Long lists are paged: each message stays well under Zalo's 2000 characters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.scope import scoped_summary
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option, OutgoingMessage
from dondoc.scheduler.nudge import DuplicateNudge, NudgeOutcome, choose, nudge_items
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage import audit
from dondoc.storage.directory import find_task, find_unit
from dondoc.storage.errors import UserError
from dondoc.storage.invites import create_invite
from dondoc.storage.models import Role
from dondoc.storage.periods import Period
from dondoc.storage.summary import compute_summary
from dondoc.storage.summary_model import Category, Summary, SummaryItem
from dondoc.storage.text import fold

PAGE_CHARS = 1300  # + the head and the options: under Zalo's 2000 characters
MAX_OPTION_VALUE = 64
_PAGE = re.compile(r"(?:^|\s)(?:p|trang|page)\s*(\d{1,4})\s*$")
_ALL_LATE = {"quahan", "qua han", "tat ca", "tatca", "all", "all late", "late", "overdue"}
_ROLE_WORDS = {
    Role.OFFICER: ("officer", "can bo", "cong chuc", "chuyen vien", "cb"),
    Role.HEAD: ("head", "thu truong", "lanh dao", "truong", "chu tich", "truong phong"),
    Role.COORDINATOR: ("coordinator", "dieu phoi", "tong hop", "noi vu", "theo doi"),
    Role.ADMIN: ("admin", "quan tri", "quan tri vien"),
}


# ---- arguments -----------------------------------------------------------------------------


def _split_page(args: str) -> tuple[str, int]:
    match = _PAGE.search(fold(args))
    if not match:
        return args.strip(), 1
    return args[: match.start()].strip(), max(1, int(match.group(1)))


# ---- paging --------------------------------------------------------------------------------


def _paged(
    turn: Turn, head: str, lines: list[str], page: int, command: str
) -> list[OutgoingMessage]:
    """``head`` then the ``page``-th slice of ``lines`` that fits in one phone message."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if pages[-1] and size + len(line) > PAGE_CHARS:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    page = max(1, min(page, len(pages)))
    body = "\n".join(pages[page - 1])
    parts = [head] if page == 1 else [turn.t("conv.page.continued", page=page, pages=len(pages))]
    if body:
        parts.append(body)
    options: list[Option] = []
    if page < len(pages):
        value = f"{command} p{page + 1}".replace("  ", " ")
        if len(value.encode()) <= MAX_OPTION_VALUE:
            options.append(turn.option("conv.opt.more", value, page=page + 1, pages=len(pages)))
        else:
            parts.append(turn.t("conv.page.type_more", command=value))
    return [OutgoingMessage("\n\n".join(parts), tuple(options or help_options(turn)))]


def _item_line(turn: Turn, item: SummaryItem) -> str:
    due = item.due.strftime("%d/%m/%Y") if item.due else item.period
    return turn.t("conv.summary.item", title=item.label(70), plan=item.plan_code, due=due)


def _scope_words(turn: Turn, summary: Summary, period: Period | None) -> str:
    plan = summary.plan_code or turn.t("conv.summary.all_plans")
    if period is not None:
        return turn.t("conv.summary.scope_period", plan=plan, period=period.label)
    return turn.t(
        "conv.summary.scope_default",
        plan=plan,
        until=turn.day(summary.last) if summary.last else "",
    )


# ---- /tonghop ------------------------------------------------------------------------------


async def summary_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/tonghop [kế hoạch] [kỳ] [trang N]`` (``/summary``)."""
    rest, page = _split_page(args)
    summary, period = await scoped_summary(turn, rest, "conv.summary.bad_args")
    counts = summary.counts
    head = [
        turn.t("conv.summary.title", scope=_scope_words(turn, summary, period)),
        turn.t("conv.summary.total", total=len(summary.items), units=len(summary.per_unit)),
    ]
    head += [
        turn.t("conv.summary.count", label=turn.t(f"status.category.{c.value}"), count=counts[c])
        for c in Category
    ]
    head.append(
        turn.t("conv.summary.count", label=turn.t("conv.flag.blocked"), count=len(summary.blocked))
    )
    head.append(
        turn.t(
            "conv.summary.count",
            label=turn.t("conv.flag.unreachable"),
            count=len(summary.unreachable_units),
        )
    )
    lines: list[str] = []
    late = _by_unit([i for i in summary.items if i.category is Category.OVERDUE])
    if late:
        lines.append(turn.t("conv.summary.late_units", count=len(late)))
        for (_code, name), items in late:
            lines.append(turn.t("conv.summary.unit", unit=name, count=len(items)))
            lines += [_item_line(turn, i) for i in items]
    if summary.blocked:
        lines.append(turn.t("conv.summary.blocked_title", count=len(summary.blocked)))
        for item in summary.blocked:
            lines.append(
                turn.t(
                    "conv.summary.blocked_item",
                    unit=item.unit_name,
                    title=_item_line(turn, item).strip(" –-•"),
                    note=(item.note or "-")[:200],
                )
            )
    if summary.unreachable_units:
        names = ", ".join(u.name for u in summary.unreachable_units)
        lines.append(turn.t("conv.summary.unreachable", units=names))
    if not summary.items:
        lines.append(turn.t("conv.summary.empty"))
    return _paged(turn, "\n".join(head), lines, page, f"/tonghop {rest}")


def _by_unit(items: list[SummaryItem]) -> list[tuple[tuple[str, str], list[SummaryItem]]]:
    grouped: dict[tuple[str, str], list[SummaryItem]] = defaultdict(list)
    for item in items:
        grouped[(item.unit_code, item.unit_name)].append(item)
    return sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0][1]))


# ---- /quahan -------------------------------------------------------------------------------


async def overdue_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/quahan [kế hoạch] [kỳ] [trang N]`` (``/overdue``): late units and their tasks."""
    rest, page = _split_page(args)
    summary, period = await scoped_summary(turn, rest, "conv.summary.bad_args")
    late = _by_unit([i for i in summary.items if i.category is Category.OVERDUE])
    if not late:
        return [
            turn.say(
                "conv.overdue.none",
                options=help_options(turn),
                scope=_scope_words(turn, summary, period),
            )
        ]
    head = turn.t(
        "conv.overdue.title",
        scope=_scope_words(turn, summary, period),
        units=len(late),
        count=sum(len(items) for _key, items in late),
    )
    lines: list[str] = []
    for (code, name), items in late:
        lines.append(turn.t("conv.overdue.unit", unit=name, code=code, count=len(items)))
        for item in items:
            days = (turn.ctx.today() - item.due).days if item.due else 0
            status = (
                turn.t(f"conv.status.{item.status}") if item.status else turn.t("conv.status.none")
            )
            lines.append(
                turn.t("conv.overdue.item", line=_item_line(turn, item), days=days, status=status)
            )
    messages = _paged(turn, head, lines, page, f"/quahan {rest}")
    last = messages[-1]
    options = tuple(o for o in last.options if o.value.startswith("/quahan")) + (
        turn.option("conv.opt.remind_all_late", "/nhac quahan"),
    )
    return [OutgoingMessage(last.text, options)]


# ---- /nhac ---------------------------------------------------------------------------------


async def remind_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/nhac <đơn vị | kế hoạch STT | quahan>`` (``/remind``): a manual nudge, now."""
    target = args.strip()
    if not target:
        return [
            turn.say(
                "conv.remind.usage",
                options=[turn.option("conv.opt.remind_all_late", "/nhac quahan")],
            )
        ]
    summary = await compute_summary(turn.session, today=turn.ctx.today(), tz=turn.ctx.calendar.tz)
    described: str
    if fold(target) in _ALL_LATE:
        chosen = choose(summary, all_late=True)
        described = turn.t("conv.remind.all_late")
    else:
        unit = await find_unit(turn.session, target)
        if unit is not None:
            chosen = choose(summary, unit_id=unit.id)
            described = unit.name
        else:
            task = await find_task(turn.session, target)
            if task is None:
                raise UserError("conv.remind.unknown_target", value=target[:60])
            chosen = choose(summary, task_id=task.id)
            described = " ".join(task.title.split())[:80]
    if not chosen:
        return [turn.say("conv.remind.nothing", options=help_options(turn), target=described)]
    assert turn.member is not None
    try:
        done = await nudge_items(
            turn.session,
            chosen,
            actor=turn.actor,
            now=turn.now,
            calendar=turn.ctx.calendar,
            policy=turn.ctx.policy or ReminderPolicy(),
            actor_member_id=turn.member.id,
        )
    except DuplicateNudge:
        # The same nudge in the same second (a double press): the first one stands.
        raise UserError("conv.remind.just_done", target=described) from None
    text = nudge_words(turn.t, done, described)
    return [OutgoingMessage(text, tuple(help_options(turn)))]


def nudge_words(t: Callable[..., str], done: NudgeOutcome, described: str) -> str:
    """What a coordinator is told after a nudge (the chat and the web desk say the same)."""
    if done.queued:
        key = "conv.remind.queued"
    elif done.any_reachable:
        key = "conv.remind.already_queued"  # nudge() does not queue the same message twice
    else:
        key = "conv.remind.none_queued"
    lines = [t(key, target=described, messages=done.queued, units=done.units, tasks=done.tasks)]
    if done.unreachable:
        lines.append(t("conv.remind.unreachable", units=", ".join(done.unreachable)))
    return "\n".join(lines)


# ---- /moi ----------------------------------------------------------------------------------


def _role(turn: Turn, text: str) -> Role:
    wanted = fold(text)
    if not wanted:
        return Role.OFFICER
    for role, words in _ROLE_WORDS.items():
        if wanted in words:
            return role
    raise UserError("conv.invite.unknown_role", value=text[:40])


async def invite_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/moi <đơn vị> [vai trò]`` (``/invite``): a single-use invite code for a unit."""
    text = args.strip()
    if not text:
        return [turn.say("conv.invite.usage")]
    unit = await find_unit(turn.session, text)
    role = Role.OFFICER
    words = text.split()
    for size in (1, 2, 3):
        if unit is not None or len(words) <= size:
            break
        head, tail = " ".join(words[:-size]), " ".join(words[-size:])
        if any(fold(tail) in names for names in _ROLE_WORDS.values()):
            unit = await find_unit(turn.session, head)
            role = _role(turn, tail) if unit is not None else role
    if unit is None:
        raise UserError("conv.unit.unknown", value=text[:60])
    if role in (Role.COORDINATOR, Role.ADMIN) and turn.role is not Role.ADMIN:
        raise UserError("conv.invite.admin_only", role=turn.t(f"role.{role.value}"))
    invite = await create_invite(
        turn.session, unit, role, turn.ctx.invite_lifetime, turn.now, created_by=turn.actor
    )
    assert turn.member is not None
    audit.record(
        turn.session,
        turn.now,
        "invite.create",
        actor=turn.actor,
        member_id=turn.member.id,
        target=unit.code,
        details={"role": role.value, "channel": turn.msg.channel},
    )
    expires = turn.ctx.calendar.local(invite.expires_at)
    lines = [
        turn.t(
            "conv.invite.created",
            code=invite.code,
            unit=unit.name,
            role=turn.t(f"role.{role.value}"),
            expires=f"{expires:%H:%M} {turn.day(expires)}",
        )
    ]
    username = turn.ctx.telegram_bot_username
    if username:
        link = f"https://t.me/{username.lstrip('@')}?start={invite.code}"
        lines.append(turn.t("conv.invite.telegram_link", link=link))
    return [OutgoingMessage("\n".join(lines))]
