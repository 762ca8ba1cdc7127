"""The summary query layer: categories, windows, latest report, totals, bad codes — on SQLite
and, when a server answers, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.periods import parse_period
from dondoc.storage.summary import compute_summary
from dondoc.storage.summary_model import Category, Summary, categorise
from tests.summary_data import VN, add_report, build_ward, local, standard_reports

TODAY = date(2024, 7, 18)
C = Category


async def summary(engine: AsyncEngine, **kwargs: object) -> Summary:
    async with transaction(engine) as session:
        return await compute_summary(session, today=kwargs.pop("today", TODAY), **kwargs)  # type: ignore[arg-type]


def by_key(result: Summary) -> dict[tuple[str, str, str], C]:
    return {(i.ordinal, i.period, i.unit_code): i.category for i in result.items}


async def check_standard(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    result = await summary(engine)
    assert by_key(result) == {
        ("1", "2024-06", "VHXH"): C.DONE_ON_TIME,
        ("1", "2024-06", "VP"): C.DONE_LATE,
        ("1", "2024-07", "VHXH"): C.IN_PROGRESS,
        ("1", "2024-07", "VP"): C.NOT_REPORTED,
        ("2", "2024-07-15", "KTHTDT"): C.OVERDUE,
        ("2", "2024-07-15", "TTPVHCC"): C.OVERDUE,
        ("3", "2024-Q3", "VP"): C.IN_PROGRESS,
    }
    assert result.counts == {
        C.DONE_ON_TIME: 1,
        C.DONE_LATE: 1,
        C.IN_PROGRESS: 2,
        C.OVERDUE: 2,
        C.NOT_REPORTED: 1,
    }
    assert [(i.unit_code, i.note) for i in result.blocked] == [
        ("KTHTDT", "Chưa có số liệu từ Sở Tư pháp")
    ]
    assert [u.code for u in result.unreachable_units] == ["KTHTDT", "TTPVHCC"]
    units = {u.unit_code: u for u in result.per_unit}
    assert units["VHXH"].on_time_rate == 1.0
    assert units["VP"].on_time_rate == 0.0 and units["VP"].rate_denominator == 1
    assert units["VP"].total == 3
    assert units["KTHTDT"].blocked == 1 and units["KTHTDT"].unreachable
    tasks = {t.ordinal: t for t in result.per_task}
    assert tasks["1"].total == 4 and tasks["2"].counts[C.OVERDUE] == 2
    # Items carry the latest report's details and the role.
    item = next(i for i in result.items if i.period == "2024-07" and i.unit_code == "VHXH")
    assert (item.status, item.percent, item.role, item.plan_code) == (
        "in_progress",
        70,
        "lead",
        "84/KH-UBND",
    )
    assert item.reported_at == local(date(2024, 7, 10))
    vp = next(i for i in result.items if i.period == "2024-06" and i.unit_code == "VP")
    assert vp.role == "cooperating" and vp.done_at == local(date(2024, 6, 25))


async def test_standard_sqlite(engine: AsyncEngine) -> None:
    await check_standard(engine)


@pytest.mark.postgres
async def test_standard_postgresql(pg_engine: AsyncEngine) -> None:
    await check_standard(pg_engine)
    # The completion-moment and latest-report rules on the same server, fresh tables.
    async with pg_engine.begin() as connection:
        for table in ("report", "assignment", "occurrence", "task", "plan", "member"):
            await connection.exec_driver_sql(f'DELETE FROM "{table}"')
        await connection.exec_driver_sql("DELETE FROM unit")
    await test_latest_report_counts_and_completion_moment(pg_engine)


async def test_windows(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    june = await summary(engine, period=parse_period("2024-06"))
    assert {(i.ordinal, i.unit_code) for i in june.items} == {("1", "VHXH"), ("1", "VP")}
    assert june.label == "2024-06" and june.first == date(2024, 6, 1)
    q3 = await summary(engine, period=parse_period("quý III/2024"))
    assert len(q3.items) == 5  # task 1 July (2), task 2 (2), task 3's ongoing check-in (1)
    window = await summary(engine, first=date(2024, 7, 15), last=date(2024, 7, 15))
    assert {i.ordinal for i in window.items} == {"2"}
    assert window.label is None
    # Default: due up to the end of the current month; in June, July's items are not there.
    early = await summary(engine, today=date(2024, 6, 5))
    assert {i.period for i in early.items} == {"2024-06"}
    assert early.last == date(2024, 6, 30) and early.first is None
    with pytest.raises(UserError) as caught:
        await summary(engine, first=date(2024, 7, 2), last=date(2024, 7, 1))
    assert caught.value.key == "summary.range_reversed"


async def test_plan_and_unit_filters(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    other = await build_ward_second_plan(engine)
    everything = await summary(engine)
    assert {p.code for p in everything.plans} == {"84/KH-UBND", "12/KH-UBND"}
    only = await summary(engine, plan_code="84/KH-UBND")
    assert len(only.items) == 7 and only.plan_code == "84/KH-UBND"
    relaxed = await summary(engine, plan_code=" 84/kh-ubnd ")
    assert len(relaxed.items) == 7
    vp = await summary(engine, unit_code="VP")
    assert {i.unit_code for i in vp.items} == {"VP"} and len(vp.items) == 3 + other
    with pytest.raises(UserError) as caught:
        await summary(engine, plan_code="99/KH-UBND")
    assert caught.value.key == "summary.unknown_plan"
    assert caught.value.values["plans"] == "12/KH-UBND, 84/KH-UBND"
    with pytest.raises(UserError) as caught:
        await summary(engine, unit_code="NOPE")
    assert caught.value.key == "summary.unknown_unit"


async def build_ward_second_plan(engine: AsyncEngine) -> int:
    """A second plan with one task for VP, due 10/7/2024; returns VP's item count in it."""
    from dondoc.storage.models import Assignment, Occurrence, Plan, Task
    from tests.summary_data import T0

    async with transaction(engine) as session:
        plan = Plan(code="12/KH-UBND", title="Kế hoạch chuyển đổi số", created_at=T0, updated_at=T0)
        session.add(plan)
        await session.flush()
        task = Task(
            plan_id=plan.id,
            key="1",
            ordinal="1",
            title="Số hóa hồ sơ",  # type: ignore[arg-type]
            schedule_kind="once",
            created_at=T0,
            updated_at=T0,
        )
        session.add(task)
        await session.flush()
        from sqlmodel import select

        from dondoc.storage.models import Unit

        vp = (await session.exec(select(Unit).where(Unit.code == "VP"))).one()
        session.add(Assignment(task_id=task.id, unit_id=vp.id, role="lead"))  # type: ignore[arg-type]
        session.add(
            Occurrence(
                task_id=task.id,
                period="2024-07-10",
                start=date(2024, 7, 1),  # type: ignore[arg-type]
                due=date(2024, 7, 10),
            )
        )
    return 1


async def test_latest_report_counts_and_completion_moment(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    # Done on time, then a corrected "done" after the due date: still on time.
    await add_report(engine, ward, "1", "2024-06", "VHXH", "done", local(date(2024, 6, 19)))
    await add_report(
        engine,
        ward,
        "1",
        "2024-06",
        "VHXH",
        "done",
        local(date(2024, 6, 28)),
        note="bổ sung phụ lục",
    )
    # Done on time, reopened, done again after the due date: late.
    await add_report(engine, ward, "1", "2024-06", "VP", "done", local(date(2024, 6, 18)))
    await add_report(
        engine, ward, "1", "2024-06", "VP", "in_progress", local(date(2024, 6, 21)), 80
    )
    await add_report(engine, ward, "1", "2024-06", "VP", "done", local(date(2024, 6, 24)))
    # Done, then blocked: the latest report counts (blocked, past due → overdue).
    await add_report(engine, ward, "2", "2024-07-15", "KTHTDT", "done", local(date(2024, 7, 1)))
    await add_report(
        engine,
        ward,
        "2",
        "2024-07-15",
        "KTHTDT",
        "blocked",
        local(date(2024, 7, 2)),
        note="Thiếu kinh phí",
    )
    result = await summary(engine)
    got = by_key(result)
    assert got[("1", "2024-06", "VHXH")] == C.DONE_ON_TIME
    assert got[("1", "2024-06", "VP")] == C.DONE_LATE
    assert got[("2", "2024-07-15", "KTHTDT")] == C.OVERDUE
    vhxh = next(i for i in result.items if i.unit_code == "VHXH" and i.period == "2024-06")
    assert vhxh.note == "bổ sung phụ lục" and vhxh.done_at == local(date(2024, 6, 19))
    assert [i.note for i in result.blocked] == ["Thiếu kinh phí"]


async def test_due_day_uses_local_date(engine: AsyncEngine) -> None:
    """23:30 on the due day in Hà Nội is 16:30 UTC: on time; 00:30 the next day is late."""
    ward = await build_ward(engine)
    from datetime import UTC, datetime

    await add_report(
        engine,
        ward,
        "1",
        "2024-06",
        "VHXH",
        "done",
        datetime(2024, 6, 20, 23, 30, tzinfo=VN).astimezone(UTC),
    )
    await add_report(
        engine,
        ward,
        "1",
        "2024-06",
        "VP",
        "done",
        datetime(2024, 6, 21, 0, 30, tzinfo=VN).astimezone(UTC),
    )
    got = by_key(await summary(engine, period=parse_period("2024-06")))
    assert got[("1", "2024-06", "VHXH")] == C.DONE_ON_TIME
    assert got[("1", "2024-06", "VP")] == C.DONE_LATE


async def test_inactive_task_and_unit_left_out(engine: AsyncEngine) -> None:
    from sqlmodel import select

    from dondoc.storage.models import Task, Unit

    await build_ward(engine)
    async with transaction(engine) as session:
        task = (await session.exec(select(Task).where(Task.key == "2"))).one()
        task.active = False
        unit = (await session.exec(select(Unit).where(Unit.code == "VP"))).one()
        unit.active = False
    result = await summary(engine)
    assert {i.ordinal for i in result.items} == {"1"}
    assert {i.unit_code for i in result.items} == {"VHXH"}


async def test_empty_database(engine: AsyncEngine) -> None:
    result = await summary(engine)
    assert result.items == [] and result.total == 0 and result.on_time_rate is None
    assert set(result.counts.values()) == {0}


def test_categorise_pure() -> None:
    from datetime import UTC, datetime

    due = date(2024, 7, 15)
    late = datetime(2024, 7, 15, 17, 30, tzinfo=UTC)  # 00:30 on the 16th in Hà Nội
    assert categorise("done", due, late, TODAY, VN) is C.DONE_LATE
    assert categorise("done", None, late, TODAY, VN) is C.DONE_ON_TIME
    assert categorise(None, due, None, TODAY, VN) is C.OVERDUE
    assert categorise(None, date(2024, 7, 18), None, TODAY, VN) is C.NOT_REPORTED
    assert categorise("not_started", date(2024, 7, 30), None, TODAY, VN) is C.IN_PROGRESS
    assert categorise("blocked", None, None, TODAY, VN) is C.IN_PROGRESS


async def test_unit_named_twice_counts_once_as_lead(engine: AsyncEngine) -> None:
    from dondoc.storage.models import Assignment

    ward = await build_ward(engine)
    async with transaction(engine) as session:
        # VP is cooperating on task 1 already; name it lead too, and TTPVHCC twice as cooperating.
        session.add(Assignment(task_id=ward.tasks["1"], unit_id=ward.units["VP"], role="lead"))
        for _ in range(2):
            session.add(
                Assignment(
                    task_id=ward.tasks["3"], unit_id=ward.units["TTPVHCC"], role="cooperating"
                )
            )
    result = await summary(engine, period=parse_period("2024-06"))
    assert [(i.unit_code, i.role) for i in result.items] == [("VHXH", "lead"), ("VP", "lead")]
    q3 = await summary(engine, period=parse_period("2024-Q3"))
    task3 = [(i.unit_code, i.role) for i in q3.items if i.ordinal == "3"]
    assert task3 == [("VP", "lead"), ("TTPVHCC", "cooperating")]


async def test_codes_are_given_back_as_stored(engine: AsyncEngine) -> None:
    await build_ward(engine)
    result = await summary(engine, plan_code="84/kh-ubnd", unit_code="vp")
    assert (result.plan_code, result.unit_code) == ("84/KH-UBND", "VP")
    assert [p.code for p in result.plans] == ["84/KH-UBND"]
