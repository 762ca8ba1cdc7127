"""The conversation around the report, as officers and coordinators met it: a number means one
thing on each screen, dates show their year when a list spans years, a reminder counts once it
is delivered, /nhac is not repeated within the hour, the console plays the whole story
(reminder arrives, officer answers), and each role has one name — the deployment's own
coordinating office."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import transaction
from dondoc.storage.models import Assignment, Occurrence, Outbox, Task, Unit
from tests.conversation_world import (
    NOW,
    ConsoleWorld,
    add_reminder,
    all_reports,
    build_world,
    make_context,
    reports,
    say,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cw(tmp_path: Path) -> ConsoleWorld:
    world = ConsoleWorld(tmp_path / "data")
    world.console("lan", f"/start {world.world.codes['lan']}")
    world.console("hoa", f"/start {world.world.codes['hoa']}")
    return world


async def _outbox(session) -> list[Outbox]:  # noqa: ANN001
    return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


# ---- numbers ------------------------------------------------------------------------------------


async def test_viec_numbers_are_the_tasks_and_the_menu_goes_on_after_them(engine) -> None:  # noqa: ANN001
    # Two tasks a page: the list is 1–2, the menu 3 ("Trang sau"); "2" is task 2, not a menu.
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW), page_size=2))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    listing = await say(conversation, "lan", "/viec")
    assert "1. Xây dựng Kế hoạch" in listing and "2. Báo cáo kết quả khảo sát" in listing
    assert "3. Trang sau" in listing and "\n1. Trang sau" not in listing
    assert listing.count("Báo cáo kết quả khảo sát") == 1  # the list is not repeated
    chosen = await say(conversation, "lan", "2")
    assert "Nhiệm vụ: Báo cáo kết quả khảo sát sự hài lòng" in chosen
    assert "Đồng chí chọn tình trạng hiện nay" in chosen
    await say(conversation, "lan", "/viec")
    second = await say(conversation, "lan", "3")
    assert "trang 2/2" in second and "1. Tuyên truyền" in second


async def test_a_percent_step_reads_every_number_as_a_percent(engine) -> None:  # noqa: ANN001
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW)))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    await say(conversation, "lan", "/baocao")
    await say(conversation, "lan", "1")
    asked = await say(conversation, "lan", "2")  # Đang thực hiện
    assert "• Bỏ qua" in asked and "1. Bỏ qua" not in asked  # no number to mistake
    note = await say(conversation, "lan", "1")
    assert "có ghi chú gì thêm" in note
    for answer in ("bỏ qua", "bỏ qua", "xác nhận"):
        last = await say(conversation, "lan", answer)
    assert "• Tiến độ: 1%" in last
    (report,) = await reports(engine)
    assert (report.status, report.percent) == ("in_progress", 1)
    await say(conversation, "lan", "/baocao")
    await say(conversation, "lan", "1")
    await say(conversation, "lan", "2")
    skipped = await say(conversation, "lan", "Bỏ qua")  # "Bỏ qua" by its words
    assert "có ghi chú gì thêm" in skipped


async def test_dates_in_lists_show_the_year_when_the_list_spans_years(engine) -> None:  # noqa: ANN001
    world = await build_world(engine)
    late = datetime(2024, 12, 30, 2, 0, tzinfo=UTC)  # Thứ Hai 30/12/2024, 09:00
    async with transaction(engine) as session:
        task = Task(
            plan_id=(await session.get(Task, world.tasks["1"])).plan_id,
            key="5",
            position=5,
            ordinal="5",
            title="Tổng kết công tác cải cách hành chính năm 2024",
            schedule_kind="once",
            schedule={"kind": "once", "due": "2025-01-10"},
            created_at=late,
            updated_at=late,
        )
        session.add(task)
        await session.flush()
        session.add(Assignment(task_id=task.id, unit_id=world.units["P_KD"], role="lead"))
        session.add(
            Occurrence(task_id=task.id, period="2025-01-10", start=date(2024, 12, 1),
                       due=date(2025, 1, 10))
        )  # fmt: skip
    same_year = Conversation(make_context(engine, FakeClock(NOW)))
    await say(same_year, "lan", f"/start {world.codes['lan']}")
    one_year = await say(same_year, "lan", "/baocao")
    assert "(05/07)" in one_year and "2024)" not in one_year
    spans = await say(Conversation(make_context(engine, FakeClock(late))), "lan", "/baocao")
    assert "(05/07/2024)" in spans and "(10/01/2025)" in spans


# ---- what a short reply is about ----------------------------------------------------------------


async def test_a_reminder_still_waiting_in_the_outbox_does_not_narrow_a_reply(engine) -> None:  # noqa: ANN001
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW)))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    occurrence, unit = world.occurrences["2"], world.units["P_KD"]
    async with transaction(engine) as session:  # queued at night, not delivered yet
        await add_reminder(session, "lan", occurrence, unit, NOW, delivered=False)
    out = await say(conversation, "lan", "xong")
    assert "cho nhiệm vụ nào" in out and "(đơn vị có 3 nhiệm vụ" in out
    assert await reports(engine) == []
    await say(conversation, "lan", "/huy")
    async with transaction(engine) as session:  # delivered: the reply is about it
        await add_reminder(session, "lan", occurrence, unit, NOW + timedelta(minutes=1))
    assert "Đã ghi nhận" in await say(conversation, "lan", "xong")
    (report,) = await reports(engine)
    assert report.occurrence_id == occurrence


# ---- /nhac is not repeated --------------------------------------------------------------------


def test_a_repeated_nudge_is_refused_while_pending_or_within_the_hour(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/nhac Khương Đình")
    assert "Đã gửi nhắc UBND phường Khương Đình" in out
    queued = len(cw.query(_outbox))
    cw.clock.advance(timedelta(minutes=90))
    out = cw.console("hoa", "/nhac Khương Đình")  # not delivered yet: still waiting
    assert "UBND phường Khương Đình: vừa nhắc lúc 09:00" in out and "còn đang chờ gửi" in out
    assert len(cw.query(_outbox)) == queued
    cw.run("outbox", "--deliver", "console")
    cw.clock.advance(timedelta(minutes=-60))  # delivered, but nudged 30 minutes ago
    out = cw.console("hoa", "/nhac Khương Đình")
    assert "vừa nhắc lúc 09:00" in out and "còn đang chờ gửi" not in out
    assert len(cw.query(_outbox)) == queued
    cw.clock.advance(timedelta(minutes=35))  # delivered and more than an hour: again
    out = cw.console("hoa", "/nhac Khương Đình")
    assert "Đã gửi nhắc UBND phường Khương Đình" in out
    assert len(cw.query(_outbox)) == queued + 1


# ---- the console plays the whole story ---------------------------------------------------------


def test_a_console_user_sees_the_reminders_queued_for_them(cw: ConsoleWorld) -> None:
    cw.console("hoa", "/nhac 84/KH-UBND 2")  # the coordinator nudges about one task
    (row,) = cw.query(_outbox)
    assert (row.chat_id, row.status) == ("lan", "pending")
    out = cw.console("lan", "xong")
    # The reminder is shown first, then the answer: "xong" is about the task reminded.
    assert out.index("Đầu mối tổng hợp, theo dõi đề nghị") < out.index("Đã ghi nhận báo cáo")
    assert "Báo cáo kết quả khảo sát sự hài lòng" in out.split("Đã ghi nhận")[0]
    (report,) = all_reports(cw)
    assert (report.status, report.occurrence_id) == ("done", cw.world.occurrences["2"])
    (row,) = cw.query(_outbox)
    assert row.status == "sent" and row.sent_at is not None
    assert "Đầu mối tổng hợp" not in cw.console("lan", "/viec")  # shown once


def test_outbox_deliver_console_shows_every_console_users_messages(cw: ConsoleWorld) -> None:
    cw.console("hoa", "/nhac quahan")
    out = cw.run("outbox", "--deliver", "console")
    assert "── Gửi lan ──" in out and "Đầu mối tổng hợp, theo dõi đề nghị" in out
    assert "Đã hiển thị và đánh dấu đã gửi 1 tin nhắn của kênh console." in out
    assert all(row.status == "sent" for row in cw.query(_outbox))
    assert "đánh dấu đã gửi 0 tin nhắn" in cw.run("outbox", "--deliver", "console")


# ---- one word per role, the right office named ------------------------------------------------


def test_refusals_name_the_deployments_own_coordinating_office(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/tonghop")
    assert "chỉ dành cho đầu mối tổng hợp, theo dõi (Phòng Nội vụ)" in out

    async def ward(session) -> None:  # noqa: ANN001
        from dondoc.storage.models import Member

        unit = Unit(code="VHXH", name="Phòng Văn hóa - Xã hội", created_at=NOW, updated_at=NOW)
        session.add(unit)
        await session.flush()
        hoa = (await session.exec(select(Member).where(Member.chat_id == "hoa"))).one()
        hoa.unit_id = unit.id  # the ward's coordinators, since 7/2025
        session.add(hoa)

    cw.query(ward)
    out = cw.console("lan", "/quahan")
    assert "đầu mối tổng hợp, theo dõi (Phòng Văn hóa - Xã hội)" in out
    assert "Phòng Nội vụ" not in out
    stranger = cw.console("ghost", "xin chào")
    assert "mã mời do đầu mối tổng hợp, theo dõi (Phòng Văn hóa - Xã hội) cấp" in stranger


def test_the_coordinator_has_one_name_everywhere() -> None:
    for language, word in (("vi", "điều phối"), ("en", "dispatcher")):
        for po in (ROOT / "locales" / language / "LC_MESSAGES").glob("*.po"):
            with po.open("rb") as handle:
                for message in read_po(handle, locale=language):
                    text = message.string if isinstance(message.string, str) else ""
                    assert word not in text.lower(), (po.name, message.id)
                    assert "Phòng Nội vụ" not in text, (po.name, message.id)


def test_moi_reads_unit_and_role_however_spaced(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/moi P_NC   can bo")
    assert "Đơn vị: UBND phường Nhân Chính" in out and "Vai trò: cán bộ" in out
    out = cw.console("hoa", "/moi UBND phường  Nhân Chính    thủ trưởng")
    assert "Đơn vị: UBND phường Nhân Chính" in out and "Vai trò: thủ trưởng" in out
    out = cw.console("hoa", "/moi P_NC can bo xa")
    assert 'Đã hiểu đơn vị "UBND phường Nhân Chính", nhưng chưa hiểu vai trò "can bo xa"' in out
    out = cw.console("hoa", "/moi P_NCC thu truong")
    assert 'Đã hiểu vai trò "thủ trưởng", nhưng không tìm thấy đơn vị "P_NCC"' in out
