"""The desk's actions (POST, coordinators only; ``guard`` has checked origin, CSRF and session):
each calls the use case of ``handlers.desk`` and shows what was done in one sentence — the
chat's sentence where the chat does the same — with a way back to the page it came from.
"""

from __future__ import annotations

from aiohttp import web

from dondoc.bot.web.guard import Call, safe_back
from dondoc.handlers.desk import actions, people
from dondoc.storage.errors import UserError


def _done(call: Call, text: str, **extra: object) -> web.StreamResponse:
    return call.page(
        "message.html",
        title=call.desk.t("web.action.done_title", call.viewer.language),
        text=text,
        back=safe_back(call.form.get("back")),
        **extra,
    )


def _number(call: Call, name: str) -> int:
    value = call.form.get(name, "").strip()
    if not value.isdigit() or len(value) > 9:
        raise UserError("web.action.bad_form")
    return int(value)


async def nudge(call: Call) -> web.StreamResponse:
    """Nudge one unit (``unit``) or every late unit (``all=1``)."""
    all_late = call.form.get("all") == "1"
    unit_id = None if all_late else _number(call, "unit")
    text = await actions.nudge(
        call.session, call.viewer, call.desk.ctx, now=call.now, unit_id=unit_id, all_late=all_late
    )
    return _done(call, text)


async def set_date(call: Call) -> web.StreamResponse:
    call.viewer.require_coordinator()
    plan, key, when = (call.form.get(k, "").strip() for k in ("plan", "task", "date"))
    if not plan or not key or not when:
        raise UserError("web.action.bad_form")
    dated = await actions.set_date(
        call.viewer, call.desk.ctx, plan_code=plan, task_key=key, when=when, now=call.now
    )
    language = call.viewer.language
    text = call.desk.t(
        "web.action.date_set",
        language,
        task=f"{dated.plan_code} {dated.key}",
        day=call.desk.t("web.day", language, day=dated.due.strftime("%d/%m/%Y")),
    )
    return _done(call, text)


async def invite(call: Call) -> web.StreamResponse:
    created = await actions.invite(
        call.session,
        call.viewer,
        call.desk.ctx,
        unit_id=_number(call, "unit"),
        role=call.form.get("role", "officer"),
        now=call.now,
    )
    language = call.viewer.language
    expires = call.desk.ctx.calendar.local(created.invite.expires_at)
    text = call.desk.t(
        "web.action.invite_created",
        language,
        unit=created.unit_name,
        role=call.desk.t(f"role.{created.invite.role.value}", language),
        expires=f"{expires:%H:%M} {expires:%d/%m/%Y}",
    )
    return _done(call, text, code=created.invite.code, link=created.telegram_link)


async def deactivate(call: Call) -> web.StreamResponse:
    gone = await people.deactivate_person(
        call.session, str(_number(call, "member")), by=actions.manager(call.viewer), now=call.now
    )
    language = call.viewer.language
    unit = gone.unit.name if gone.unit else call.desk.t("people.no_unit", language)
    return _done(call, call.desk.t("people.chat.deactivated", language, name=gone.label, unit=unit))


async def move(call: Call) -> web.StreamResponse:
    unit = call.form.get("unit", "").strip()
    if not unit:
        raise UserError("web.action.bad_form")
    before, after = await people.move_person(
        call.session,
        str(_number(call, "member")),
        unit,
        by=actions.manager(call.viewer),
        now=call.now,
    )
    language = call.viewer.language
    none = call.desk.t("people.no_unit", language)
    text = call.desk.t(
        "people.chat.moved",
        language,
        name=after.label,
        old=before.unit.name if before.unit else none,
        new=after.unit.name if after.unit else none,
    )
    return _done(call, text)


async def revoke(call: Call) -> web.StreamResponse:
    gone = await people.revoke(
        call.session, str(_number(call, "invite")), by=actions.manager(call.viewer), now=call.now
    )
    language = call.viewer.language
    text = call.desk.t(
        "invites.chat.revoked",
        language,
        id=gone.id,
        unit=gone.unit.name if gone.unit else "-",
        role=call.desk.t(f"role.{gone.role}", language),
    )
    return _done(call, text)
