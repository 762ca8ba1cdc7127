"""Coordinators through the console channel: /tonghop (numbers from storage.summary, paged),
/quahan, /nhac through the outbox with audit, /moi (invite codes that work), and
``dondoc summary`` with the same numbers."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from dondoc.storage.models import Assignment, AuditLog, Occurrence, Outbox, Task, Unit
from tests.conversation_world import NOW, ConsoleWorld


@pytest.fixture
def cw(tmp_path: Path) -> ConsoleWorld:
    world = ConsoleWorld(tmp_path / "data")
    world.console("hoa", f"/start {world.world.codes['hoa']}")
    world.console("lan", f"/start {world.world.codes['lan']}")
    return world


def _count(out: str, label: str) -> int:
    match = re.search(rf"• {re.escape(label)}: (\d+)", out)
    assert match, (label, out)
    return int(match.group(1))


def test_summary_counts_late_units_and_blocked_notes(cw: ConsoleWorld) -> None:
    cw.console("lan", "/baocao", "2", "vướng: chưa có kinh phí khảo sát", "bỏ qua", "1", "1")
    out = cw.console("hoa", "/tonghop")
    assert "TỔNG HỢP TÌNH HÌNH THỰC HIỆN" in out
    assert _count(out, "Đang thực hiện quá hạn") == 2  # task 1 of both wards
    assert _count(out, "Vướng mắc") == 1
    assert _count(out, "Đơn vị không liên lạc được") == 2  # P_NC and VHTT: nobody linked
    assert "▸ UBND phường Khương Đình: 1 nhiệm vụ" in out
    assert "chưa có kinh phí khảo sát" in out
    english = cw.console("hoa", "/summary")
    assert _count(english, "Đang thực hiện quá hạn") == 2


def test_summary_by_plan_and_period_and_bad_arguments(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/tonghop 84/KH-UBND quý 3/2024")
    assert "84/KH-UBND, kỳ 2024-Q3" in out
    out = cw.console("hoa", "/tonghop 2024-06")
    assert "kỳ 2024-06" in out and "Không có nhiệm vụ nào trong phạm vi này." in out
    out = cw.console("hoa", "/tonghop abc xyz")
    assert 'Không hiểu "abc xyz"' in out and "84/KH-UBND" in out


def test_long_summary_is_paged(cw: ConsoleWorld) -> None:
    async def many_late_units(session) -> None:  # noqa: ANN001
        task = (await session.exec(select(Task).where(Task.ordinal == "1"))).one()
        for n in range(40):
            unit = Unit(
                code=f"TDP{n:02d}",
                name=f"Tổ dân phố số {n} phường Khương Đình",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(unit)
            await session.flush()
            session.add(Assignment(task_id=task.id, unit_id=unit.id, role="cooperating"))

    cw.query(many_late_units)
    out = cw.console("hoa", "/tonghop")
    first_page = out.split("\n\n\n")[0] if "\n\n\n" in out else out
    assert all(len(block) <= 2000 for block in out.split("\n\n1. "))
    assert "Xem tiếp (trang 2/" in first_page
    more = cw.console("hoa", "/tonghop", "1")
    assert "(tiếp theo, trang 2/" in more


def test_overdue_lists_late_units(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/quahan")
    assert "2 đơn vị, 2 nhiệm vụ" in out
    assert "UBND phường Nhân Chính (P_NC)" in out and "quá 3 ngày" in out
    assert "Nhắc tất cả đơn vị quá hạn" in out


def test_remind_goes_through_the_outbox_and_the_audit(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/nhac Khương Đình")
    assert "Đã gửi nhắc UBND phường Khương Đình" in out
    outbox = cw.query(_outbox)
    assert outbox and {o.chat_id for o in outbox} == {"lan"}
    assert all(o.kind == "nudge" for o in outbox)
    audit = cw.query(_audit)
    assert any(a.action.startswith("nudge") or "nudge" in a.action for a in audit)
    again = cw.console("hoa", "/nhac Khương Đình")  # a double press, same second
    assert "UBND phường Khương Đình: vừa nhắc lúc 09:00" in again
    assert len(cw.query(_outbox)) == len(outbox)
    # Delivered, and more than an hour later: the unit can be reminded again.
    cw.run("outbox", "--deliver", "console")
    cw.clock.advance(timedelta(minutes=65))
    late = cw.console("hoa", "/nhac quahan")
    # Both late units are counted where they belong: the one reminded, the one not reachable.
    assert "1 tin nhắn tới 1 đơn vị, về 1 lượt nhiệm vụ" in late
    assert "Không liên lạc được (chưa có cán bộ, thủ trưởng nào" in late
    assert "UBND phường Nhân Chính" in late.split("Không liên lạc được", 1)[1]
    task = cw.console("hoa", "/nhac 84/KH-UBND 2")
    assert "Đã gửi nhắc" in task
    unknown = cw.console("hoa", "/nhac Phường Không Có")
    assert 'Không tìm thấy đơn vị hay nhiệm vụ "Phường Không Có"' in unknown


async def _outbox(session) -> list[Outbox]:  # noqa: ANN001
    return list((await session.exec(select(Outbox))).all())


async def _audit(session) -> list[AuditLog]:  # noqa: ANN001
    return list((await session.exec(select(AuditLog))).all())


def test_invite_code_from_chat_links_a_new_officer(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/moi P_NC thủ trưởng")
    code = re.search(r"Mã mời: ([A-Z0-9]{8})", out).group(1)
    assert "Vai trò: thủ trưởng" in out
    linked = cw.console("nam", f"/start {code}")
    assert "UBND phường Nhân Chính, vai trò: thủ trưởng" in linked
    actions = [a.action for a in cw.query(_audit)]
    assert "invite.create" in actions and actions.count("invite.redeem") == 3


def test_only_admins_invite_coordinators(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/moi NOIVU điều phối")
    assert "Chỉ quản trị viên" in out
    cw.console("an", f"/start {cw.world.codes['an']}")
    out = cw.console("an", "/moi NOIVU điều phối", "/moi", "/moi Phòng")
    assert "Mã mời:" in out
    assert "Cú pháp: /moi" in out
    assert "khớp với nhiều đơn vị" in out


def test_dondoc_summary_gives_the_same_numbers(cw: ConsoleWorld) -> None:
    data = json.loads(cw.run("summary", "--json"))
    assert data["counts"]["overdue"] == 2
    assert data["total"] == sum(data["counts"].values())
    assert {u["unit_code"] for u in data["late_units"]} == {"P_KD", "P_NC"}
    text = cw.run("summary", "--plan", "84/KH-UBND", "--period", "2024-Q3")
    assert "kỳ 2024-Q3" in text and "• Đang thực hiện quá hạn: 2" in text
    chat = cw.console("hoa", "/tonghop")
    assert _count(chat, "Chưa báo cáo") == data["counts"]["not_reported"]


def test_occurrence_dates_in_world(cw: ConsoleWorld) -> None:
    async def due(session) -> date:  # noqa: ANN001
        return (await session.get(Occurrence, cw.world.occurrences["1"])).due

    assert cw.query(due) == date(2024, 7, 5)


def test_overlapping_nudges_in_the_same_second_get_a_polite_answer(cw: ConsoleWorld) -> None:
    cw.console("hoa", "/nhac Khương Đình")
    before = len(cw.query(_outbox))
    out = cw.console("hoa", "/nhac quahan")
    assert "sự cố" not in out
    assert "vừa được nhắc" in out or "Đã gửi nhắc" in out or "vừa nhắc lúc" in out
    assert len(cw.query(_outbox)) >= before


def test_export_command_is_in_the_registry(cw: ConsoleWorld) -> None:
    out = cw.console("hoa", "/xuat xlsx")
    match = re.search(r"\[document: (.+\.xlsx)\]", out)
    assert match, out
    assert Path(match.group(1)).is_file()
    refused = cw.console("lan", "/export xlsx")
    assert "chỉ dành cho đầu mối tổng hợp, theo dõi (Phòng Nội vụ)" in refused
