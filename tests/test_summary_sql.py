"""The one decision, made in SQL, against the same rule in Python; the numbers grouped in the
database against the numbers counted from the items — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.db import transaction
from dondoc.storage.models import Assignment, Member, Occurrence, Plan, Report, Task, Unit
from dondoc.storage.periods import parse_period
from dondoc.storage.summary import compute_summary, load_items
from dondoc.storage.summary_model import Category, Summary, Unreachable, categorise
from tests.summary_data import T0, VN, add_report, build_ward, local, standard_reports

TODAY = date(2024, 7, 18)
DUES = [date(2024, 7, 10), TODAY, date(2024, 7, 25), None]
# Report histories, as (status, days after the due date, hour local); None due: after 1/7.
HISTORIES: list[list[tuple[str, int, int]]] = [
    [],
    [("done", -1, 9)],
    [("done", 0, 23)],
    [("done", 1, 0)],
    [("in_progress", -2, 9)],
    [("blocked", -2, 9)],
    [("not_started", -3, 9)],
    [("done", -2, 9), ("in_progress", -1, 9)],
    [("done", -2, 9), ("done", 3, 9)],  # a note corrected after the deadline
    [("done", -2, 9), ("in_progress", -1, 9), ("done", 2, 9)],  # reopened, done late
    [("in_progress", -3, 9), ("done", -1, 9), ("done", 1, 9)],
    [("done", 2, 9), ("blocked", 3, 9)],
]


def _completion(history: list[tuple[str, datetime]]) -> datetime | None:
    """The Python reading of the rule: the first "done" with no other status after it."""
    done_at = None
    for status, at in history:
        if status != "done":
            done_at = None
        elif done_at is None:
            done_at = at
    return done_at


async def _grid(engine: AsyncEngine) -> dict[tuple[int, int], Category]:
    """One unit per history, one occurrence per due date; the expected categories."""
    expected: dict[tuple[int, int], Category] = {}
    async with transaction(engine) as session:
        plan = Plan(code="1/KH", title="Lưới", created_at=T0, updated_at=T0)
        session.add(plan)
        await session.flush()
        task = Task(plan_id=plan.id, key="1", title="T", schedule_kind="once",  # type: ignore[arg-type]
                    created_at=T0, updated_at=T0)  # fmt: skip
        session.add(task)
        await session.flush()
        occs = []
        for n, due in enumerate(DUES):
            occ = Occurrence(task_id=task.id, period=f"p{n}", start=date(2024, 7, 1), due=due)  # type: ignore[arg-type]
            session.add(occ)
            occs.append(occ)
        units = []
        for n in range(len(HISTORIES)):
            unit = Unit(code=f"U{n:02d}", name=f"Đơn vị {n}", created_at=T0, updated_at=T0)
            session.add(unit)
            units.append(unit)
        await session.flush()
        for unit in units:
            session.add(Assignment(task_id=task.id, unit_id=unit.id, role="lead"))  # type: ignore[arg-type]
        for (occ, due), (unit, history) in itertools.product(
            zip(occs, DUES, strict=True), zip(units, HISTORIES, strict=True)
        ):
            base = due or date(2024, 7, 5)
            moments = [
                (status, local(base + timedelta(days=days), hour)) for status, days, hour in history
            ]
            for status, at in moments:
                session.add(Report(occurrence_id=occ.id, unit_id=unit.id, status=status,  # type: ignore[arg-type]
                                   created_at=at))  # fmt: skip
            latest = moments[-1][0] if moments else None
            expected[(occ.id, unit.id)] = categorise(  # type: ignore[index]
                latest, due, _completion(moments), TODAY, VN
            )
    return expected


async def check_grid(engine: AsyncEngine) -> None:
    expected = await _grid(engine)
    async with transaction(engine) as session:
        summary = await compute_summary(session, today=TODAY, items=True)
        totals = await compute_summary(session, today=TODAY, items=False)
    got = {(i.occurrence_id, i.unit_id): i.category for i in summary.items}
    assert got == expected
    assert totals.counts == summary.counts
    assert (
        totals.overdue_unreported
        == summary.overdue_unreported
        == sum(1 for i in summary.items if i.category is Category.OVERDUE and i.status is None)
    )
    assert totals.blocked_count == len(summary.blocked)


async def test_sql_category_is_the_python_rule(engine: AsyncEngine) -> None:
    await check_grid(engine)


@pytest.mark.postgres
async def test_sql_category_is_the_python_rule_postgresql(pg_engine: AsyncEngine) -> None:
    await check_grid(pg_engine)


def _numbers(summary: Summary) -> dict[str, object]:
    return {
        "total": summary.total,
        "counts": summary.counts,
        "blocked": summary.blocked_count,
        "unreported": summary.overdue_unreported,
        "units": [
            (u.unit_code, u.total, u.counts, u.blocked, u.overdue_unreported, u.unreachable_reason)
            for u in summary.per_unit
        ],  # fmt: skip
        "unreachable": [(u.code, u.reason) for u in summary.unreachable_units],
        "plans": [p.code for p in summary.plans],
    }


async def check_ward(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    # VP named twice in task 1 (lead and cooperating): one item, as lead.
    async with transaction(engine) as session:
        session.add(Assignment(task_id=ward.tasks["1"], unit_id=ward.units["VP"], role="lead"))
    await add_report(engine, ward, "1", "2024-07", "VP", "done", local(date(2024, 7, 1)))
    for kwargs in ({}, {"period": parse_period("2024-06")}, {"unit_code": "VP"},
                   {"plan_code": "84/KH-UBND", "first": date(2024, 7, 15)}):  # fmt: skip
        async with transaction(engine) as session:
            full = await compute_summary(session, today=TODAY, **kwargs)  # type: ignore[arg-type]
            quick = await compute_summary(session, today=TODAY, items=False, **kwargs)  # type: ignore[arg-type]
            assert not quick.items and quick.scope is not None
            assert _numbers(quick) == _numbers(full), kwargs
            shown = await load_items(session, quick)
        assert [(i.occurrence_id, i.unit_id, i.role, i.category) for i in shown] == [
            (i.occurrence_id, i.unit_id, i.role, i.category) for i in full.items
        ]
    vp = [i for i in full.items if i.unit_code == "VP"]
    assert len(vp) == len({i.occurrence_id for i in vp})


async def test_grouped_numbers_equal_the_items(engine: AsyncEngine) -> None:
    await check_ward(engine)


@pytest.mark.postgres
async def test_grouped_numbers_equal_the_items_postgresql(pg_engine: AsyncEngine) -> None:
    await check_ward(pg_engine)


async def test_unreachable_is_two_facts_once_per_unit(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    async with transaction(engine) as session:
        # A second KTHTDT officer who also blocked the bot: still one unit, one fact.
        session.add(
            Member(
                channel="zalo",
                channel_user_id="z1",
                chat_id="z1",
                unit_id=ward.units["KTHTDT"],
                reachable=False,
                created_at=T0,
            )
        )
        summary = await compute_summary(session, today=TODAY, items=False)
    assert [(u.code, u.reason) for u in summary.unreachable_units] == [
        ("KTHTDT", Unreachable.BLOCKED.value),
        ("TTPVHCC", Unreachable.UNLINKED.value),
    ]
    assert [u.code for u in summary.unreachable_by(Unreachable.BLOCKED)] == ["KTHTDT"]


async def test_views_fetch_only_the_rows_they_show(engine: AsyncEngine) -> None:
    from dondoc.storage.summary import BLOCKED_CODES, OVERDUE_CODES

    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    async with transaction(engine) as session:
        summary = await compute_summary(session, today=TODAY, items=False)
        late = await load_items(session, summary, codes=OVERDUE_CODES)
        blocked = await load_items(session, summary, codes=BLOCKED_CODES, evidence=True)
        one = await load_items(session, summary, unit_ids=[ward.units["VHXH"]], limit=1)
    assert {(i.unit_code, i.unreported) for i in late} == {("KTHTDT", False), ("TTPVHCC", True)}
    assert [i.note for i in blocked] == ["Chưa có số liệu từ Sở Tư pháp"]
    assert blocked[0].report_id is not None and blocked[0].evidence is None
    assert [i.unit_code for i in one] == ["VHXH"]
    assert datetime(2024, 1, 1, tzinfo=UTC) < late[0].reported_at  # type: ignore[operator]


async def test_a_zone_with_summer_time(engine: AsyncEngine) -> None:
    """Offsets that change during the year: the due day's end per offset (a CASE over date
    ranges), report days computed in Python — the same numbers and days as item by item."""
    from dondoc.storage.summary import stream_cells
    from dondoc.storage.summary_items import excel_serial

    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    async with transaction(engine) as session:
        for tz in ("Europe/Berlin", "Asia/Ho_Chi_Minh"):
            full = await compute_summary(session, today=TODAY, tz=tz, first=date(2024, 1, 1))
            quick = await compute_summary(session, today=TODAY, tz=tz, items=False,
                                          first=date(2024, 1, 1))  # fmt: skip
            assert _numbers(quick) == _numbers(full)
            assert quick.scope is not None
            cells = [c async for chunk in stream_cells(session, quick.scope) for c in chunk]
            days = {(i.unit_id, i.occurrence_id): i.reported_at for i in full.items}
            for unit_id, occ_id, _code, day, _percent in cells:
                at = days[(unit_id, occ_id)]
                expected = excel_serial(at.astimezone(full.tz).date()) if at else None
                assert day == expected
