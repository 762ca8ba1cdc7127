"""The desk's pages (GET), each a signed-in ``guard.Call``: the filters are read, the one
summary is computed (``handlers.desk.filters.summary_for``), the page's contents are built
(``handlers.desk.pages``) and rendered. Evidence and papers are linked by signed ``/f/`` links
made for the viewer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from dondoc.bot.web.guard import Call
from dondoc.handlers.desk import pages as contents
from dondoc.handlers.desk.filters import (
    CATEGORY_CHOICES,
    Filters,
    period_choices,
    read_filters,
    summary_for,
)
from dondoc.handlers.desk.people import channel_name, reach_words
from dondoc.handlers.plans.proposal import place_parts
from dondoc.storage.desk import event_tasks, plans, units
from dondoc.storage.evidence import KeptEvidence
from dondoc.storage.models import Role
from dondoc.storage.people import list_people, unused_invites
from dondoc.storage.summary_model import Summary

PEOPLE_PER_PAGE = 100


async def _common(call: Call, **extra: Any) -> tuple[Filters, Summary, dict[str, Any]]:
    """Filters, the summary and what every filtered page shows around it."""
    ctx = call.desk.ctx
    today = ctx.today()
    filters = await read_filters(call.session, call.request.query, call.viewer, today)
    for name, value in extra.items():
        setattr(filters, name, value)
    summary = await summary_for(call.session, call.viewer, filters, today, ctx.calendar.tz)
    context: dict[str, Any] = {
        "filters": filters,
        "summary": summary,
        "plans": await plans(call.session),
        "units": await units(call.session) if call.viewer.coordinates else [],
        "periods": period_choices(today, call.viewer.language),
        "categories": CATEGORY_CHOICES,
        "today": today,
        "path": call.request.path,
    }
    return filters, summary, context


async def overview_page(call: Call) -> web.StreamResponse:
    filters, summary, context = await _common(call)
    events = await event_tasks(call.session, filters.plan) if call.viewer.coordinates else []
    return call.page(
        "overview.html",
        view=contents.overview(summary),
        events=events,
        limit=contents.LIST_LIMIT,
        **context,
    )


async def matrix_page(call: Call) -> web.StreamResponse:
    filters, summary, context = await _common(call)
    grid = contents.matrix(summary, filters.category, _page(call))
    return call.page("matrix.html", matrix=grid, **context)


def _page(call: Call) -> int:
    """The ``trang`` (page) of a long list asked for; 1 when none or nonsense."""
    value = call.request.query.get("trang", "1").strip()
    return int(value) if value.isdigit() and len(value) <= 5 else 1


def _evidence_links(call: Call, evidence: dict[int, KeptEvidence]) -> dict[int, str]:
    """A signed link to each kept piece of evidence, made for the viewer."""
    links = call.desk.ctx.file_links
    folder = links.folders.get("evidence") if links else None
    found: dict[int, str] = {}
    if links is None or folder is None:
        return found
    for report_id, kept in evidence.items():
        if kept.status == "kept" and kept.path:
            token = links.token(folder / kept.path, call.viewer.member_id, call.now)
            found[report_id] = f"/f/{token}"
    return found


async def unit_view(call: Call) -> web.StreamResponse:
    unit_id = int(call.request.match_info["unit_id"])
    call.viewer.require_unit(unit_id)
    ctx = call.desk.ctx
    today = ctx.today()
    filters = await read_filters(call.session, call.request.query, call.viewer, today)
    filters.unit = None
    unit_ref = next((u for u in await units(call.session) if u.id == unit_id), None)
    if unit_ref is None:
        raise web.HTTPNotFound()
    if call.viewer.coordinates:
        filters.unit = unit_ref.code
    summary = await summary_for(call.session, call.viewer, filters, today, ctx.calendar.tz)
    page = await contents.unit_page(call.session, call.viewer, unit_id, summary)
    if page is None:
        raise web.HTTPNotFound()
    people = [(p, channel_name(p.channel, call.viewer.language),
               reach_words(p, call.viewer.language)) for p in page.people]  # fmt: skip
    filters.unit = None  # the filter links of a unit page lead back to every unit
    return call.page(
        "unit.html",
        page=page,
        people=people,
        evidence_links=_evidence_links(call, page.evidence),
        filters=filters,
        summary=summary,
        plans=await plans(call.session),
        units=[],
        periods=period_choices(today, call.viewer.language),
        categories=CATEGORY_CHOICES,
        today=today,
        path=call.request.path,
    )


async def task_view(call: Call) -> web.StreamResponse:
    task_id = int(call.request.match_info["task_id"])
    filters, summary, context = await _common(call)
    page = await contents.task_page(call.session, call.viewer, task_id, summary)
    if page is None:
        raise web.HTTPNotFound()
    events = []
    if call.viewer.coordinates and page.source.schedule_kind == "event":
        events = [e for e in await event_tasks(call.session) if e.id == task_id]
    language = call.viewer.language
    place = ", ".join(
        call.desk.t(key, language, **values) for key, values in place_parts(page.source.source)
    )
    return call.page(
        "task.html",
        page=page,
        place=place or page.source.source,
        event=events[0] if events else None,
        evidence_links=_evidence_links(call, page.evidence),
        **context,
    )


async def people_page(call: Call) -> web.StreamResponse:
    viewer = call.viewer
    language = viewer.language
    unit_code = (call.request.query.get("unit") or "").strip()
    chosen = None
    if viewer.coordinates:
        all_units = await units(call.session)
        chosen = next((u for u in all_units if u.code == unit_code), None)
        people = await list_people(
            call.session, unit_id=chosen.id if chosen else None, include_inactive=True
        )
        invites = await unused_invites(call.session, call.now)
    else:
        own = viewer.unit.id if viewer.unit else -1
        people = await list_people(call.session, unit_id=own, include_inactive=True)
        invites, all_units = [], []
    roles = [Role.OFFICER.value, Role.HEAD.value]
    if viewer.is_admin:
        roles += [Role.COORDINATOR.value, Role.ADMIN.value]
    pages = max(1, -(-len(people) // PEOPLE_PER_PAGE))
    page = min(_page(call), pages)
    shown = people[(page - 1) * PEOPLE_PER_PAGE : page * PEOPLE_PER_PAGE]
    rows = [(p, channel_name(p.channel, language), reach_words(p, language)) for p in shown]
    return call.page(
        "people.html",
        people=rows,
        people_total=len(people),
        page=page,
        pages=pages,
        chosen=chosen,
        invites=invites,
        units=all_units,
        roles=roles,
        path=call.request.path,
        invite_days=int(call.desk.ctx.invite_lifetime / timedelta(days=1)),
    )
