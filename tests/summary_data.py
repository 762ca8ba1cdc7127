"""Test data for summaries and exports: a small ward with units, a plan, tasks, occurrences
and reports, written straight into a migrated database (no CLI import needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.db import transaction
from dondoc.storage.models import Assignment, Member, Occurrence, Plan, Report, Task, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def local(day: date, hour: int = 9) -> datetime:
    """A moment on ``day`` at ``hour`` in Asia/Ho_Chi_Minh (UTC+7), as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN).astimezone(UTC)


@dataclass
class Ward:
    """Ids of what ``build_ward`` wrote."""

    units: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    occurrences: dict[tuple[str, str], int] = field(default_factory=dict)


UNITS = [
    ("VHXH", "Phòng Văn hóa - Xã hội"),
    ("KTHTDT", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("VP", "Văn phòng HĐND và UBND phường"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công"),
]

# key, ordinal, title, [(period, start, due)], lead, cooperating
TASKS = [
    (
        "1",
        "1",
        "Báo cáo tình hình thực hiện công tác cải cách hành chính",
        [
            ("2024-06", date(2024, 6, 1), date(2024, 6, 20)),
            ("2024-07", date(2024, 7, 1), date(2024, 7, 22)),
        ],
        ["VHXH"],
        ["VP"],
    ),
    (
        "2",
        "2",
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết",
        [("2024-07-15", date(2024, 7, 1), date(2024, 7, 15))],
        ["KTHTDT"],
        ["TTPVHCC"],
    ),
    (
        "3",
        "3",
        "Tuyên truyền, phổ biến pháp luật về chuyển đổi số",
        [("2024-Q3", date(2024, 7, 1), None)],
        ["VP"],
        [],
    ),
]


async def build_ward(engine: AsyncEngine, plan_code: str = "84/KH-UBND") -> Ward:
    ward = Ward()
    async with transaction(engine) as session:
        for code, name in UNITS:
            unit = Unit(code=code, name=name, kind="phong_ban", created_at=T0, updated_at=T0)
            session.add(unit)
            await session.flush()
            ward.units[code] = unit.id  # type: ignore[assignment]
        plan = Plan(
            code=plan_code,
            title="Kế hoạch cải cách hành chính năm 2024",
            issuer="UBND phường Thanh Xuân Trung",
            year=2024,
            created_at=T0,
            updated_at=T0,
        )
        session.add(plan)
        await session.flush()
        for position, (key, ordinal, title, occs, leads, coops) in enumerate(TASKS):
            task = Task(
                plan_id=plan.id,  # type: ignore[arg-type]
                key=key,
                position=position,
                ordinal=ordinal,
                title=title,
                schedule_kind="once",
                created_at=T0,
                updated_at=T0,
            )
            session.add(task)
            await session.flush()
            ward.tasks[key] = task.id  # type: ignore[assignment]
            for code in leads:
                session.add(Assignment(task_id=task.id, unit_id=ward.units[code], role="lead"))  # type: ignore[arg-type]
            for code in coops:
                session.add(
                    Assignment(task_id=task.id, unit_id=ward.units[code], role="cooperating")  # type: ignore[arg-type]
                )
            session.add(
                Assignment(
                    task_id=task.id,
                    unit_id=None,
                    role="cooperating",  # type: ignore[arg-type]
                    name_as_written="các đơn vị liên quan",
                )
            )
            for period, start, due in occs:
                occ = Occurrence(task_id=task.id, period=period, start=start, due=due)  # type: ignore[arg-type]
                session.add(occ)
                await session.flush()
                ward.occurrences[(key, period)] = occ.id  # type: ignore[assignment]
        # Every unit but TTPVHCC has a reachable officer; KTHTDT's only officer blocked the bot.
        for n, code in enumerate(["VHXH", "VP", "KTHTDT"]):
            session.add(
                Member(
                    channel="telegram",
                    channel_user_id=str(100 + n),
                    chat_id=str(100 + n),
                    display_name=f"Cán bộ {code}",
                    unit_id=ward.units[code],
                    reachable=code != "KTHTDT",
                    created_at=T0,
                )
            )
    return ward


async def add_report(
    engine: AsyncEngine,
    ward: Ward,
    task: str,
    period: str,
    unit: str,
    status: str,
    at: datetime,
    percent: int | None = None,
    note: str = "",
) -> None:
    async with transaction(engine) as session:
        session.add(
            Report(
                occurrence_id=ward.occurrences[(task, period)],
                unit_id=ward.units[unit],
                status=status,
                percent=percent,
                note=note,
                created_at=at,
            )
        )


async def standard_reports(engine: AsyncEngine, ward: Ward) -> None:
    """The reports the summary tests and export tests expect (today = 2024-07-18)."""
    # Task 1, June: VHXH done on the due day late in the evening (local) → on time;
    # VP done after the due date → late.
    await add_report(engine, ward, "1", "2024-06", "VHXH", "done", local(date(2024, 6, 20), 22))
    await add_report(
        engine, ward, "1", "2024-06", "VP", "in_progress", local(date(2024, 6, 10)), 50
    )
    await add_report(engine, ward, "1", "2024-06", "VP", "done", local(date(2024, 6, 25)))
    # Task 1, July (due 22/7): VHXH in progress 70%; VP nothing yet.
    await add_report(
        engine, ward, "1", "2024-07", "VHXH", "in_progress", local(date(2024, 7, 10)), 70
    )
    # Task 2 (due 15/7): KTHTDT blocked → overdue on 18/7; TTPVHCC nothing → overdue.
    await add_report(
        engine,
        ward,
        "2",
        "2024-07-15",
        "KTHTDT",
        "blocked",
        local(date(2024, 7, 12)),
        note="Chưa có số liệu từ Sở Tư pháp",
    )
    # Task 3 (ongoing, quarterly check-in): VP reported progress.
    await add_report(engine, ward, "3", "2024-Q3", "VP", "in_progress", local(date(2024, 7, 5)), 30)


async def summary_for(engine: AsyncEngine, today: date = date(2024, 7, 18), **kwargs: object):  # noqa: ANN201
    """The summary of the standard ward as compute_summary gives it."""
    from dondoc.storage.summary import compute_summary

    async with transaction(engine) as session:
        return await compute_summary(session, today=today, **kwargs)  # type: ignore[arg-type]
