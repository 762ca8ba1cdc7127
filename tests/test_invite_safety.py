"""Invites never silently change who someone is, and codes cannot be guessed (issue 16, items
3 and 4), tried from the console as people would:

* a member already linked who opens an invite is shown what would change and asked; nothing
  changes unless they agree, and an admin or coordinator is lowered only by their own "yes";
* every change of role or unit is in the audit log, before and after;
* after a few wrong codes a chat waits (longer each time), and so does everyone after many
  wrong codes overall; the attempts are audited and the coordinator's digest mentions them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.digest import digest_text, gather
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage.models import AuditLog, Invite, Member
from tests.conversation_world import ConsoleWorld

CONFIRM = "Mã mời này sẽ đổi"


def invite(world: ConsoleWorld, unit: str | None, role: str) -> str:
    args = ["invite", "create", "--role", role] + (["--unit", unit] if unit else [])
    return re.search(r"Mã mời: (\w+)", world.run(*args)).group(1)


def member(world: ConsoleWorld, user: str) -> Member:
    async def body(session):  # noqa: ANN001, ANN202
        return (await session.exec(select(Member).where(Member.channel_user_id == user))).one()

    return world.query(body)


def audit(world: ConsoleWorld, action: str) -> list[AuditLog]:
    async def body(session):  # noqa: ANN001, ANN202
        found = await session.exec(select(AuditLog).where(AuditLog.action == action))
        return list(found.all())

    return world.query(body)


def test_a_linked_officer_is_asked_before_an_invite_changes_them(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    world.console("lan", f"/start {world.world.codes['lan']}")
    code = invite(world, "NOIVU", "coordinator")
    out = world.console("lan", f"/start {code}")
    assert CONFIRM in out
    assert "UBND phường Khương Đình" in out and "Phòng Nội vụ" in out
    assert "1. " in out and "2. " in out
    lan = member(world, "lan")
    assert (lan.role, lan.unit_id) == ("officer", world.world.units["P_KD"])  # not yet

    out = world.console("lan", "2")  # keep as is
    assert "giữ nguyên" in out.lower()
    lan = member(world, "lan")
    assert (lan.role, lan.unit_id) == ("officer", world.world.units["P_KD"])
    assert audit(world, "invite.declined")

    out = world.console("lan", f"/start {code}", "1")  # the invite is still good: yes
    assert "Đã liên kết thành công" in out
    lan = member(world, "lan")
    assert (lan.role, lan.unit_id) == ("coordinator", world.world.units["NOIVU"])
    [first, second] = audit(world, "invite.redeem")
    assert first.details["role_before"] is None  # linked for the first time
    assert second.details == {
        **second.details,
        "role_before": "officer",
        "unit_before": "P_KD",
        "role": "coordinator",
        "unit": "NOIVU",
    }


def test_an_admin_is_never_lowered_by_a_tap_on_a_link(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    world.console("an", f"/start {world.world.codes['an']}")
    code = invite(world, "P_KD", "officer")
    out = world.console("an", f"/start {code}", "/tonghop")
    assert CONFIRM in out and "không còn quyền" in out
    assert member(world, "an").role == "admin"
    assert "TỔNG HỢP" in out  # still an admin
    # something else than yes or no: asked again, nothing changes
    out = world.console("an", f"/start {code}", "xong")
    assert out.count(CONFIRM) == 2
    assert member(world, "an").role == "admin"
    out = world.console("an", "1")  # their own decision
    assert member(world, "an").role == "officer"


def test_the_same_placement_needs_no_question(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    world.console("lan", f"/start {world.world.codes['lan']}")
    code = invite(world, "P_KD", "officer")
    out = world.console("lan", f"/start {code}")
    assert CONFIRM not in out and "Đã liên kết thành công" in out


def test_wrong_codes_make_a_chat_wait_longer_each_time(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    good = world.world.codes["lan"]
    out = world.console("x", *[f"/start WRONG{i}AB" for i in range(3)])
    assert out.count("Mã mời không đúng") == 3 and "thử lại sau" not in out
    out = world.console("x", "/start WRONG4AB")  # the fourth: now a wait
    assert "Mã mời không đúng" in out and "1 phút" in out
    out = world.console("x", f"/start {good}")  # even the right code waits
    assert "thử lại sau" in out and "Đã liên kết" not in out
    assert audit(world, "invite.throttled")
    world.clock.advance(timedelta(seconds=61))
    out = world.console("x", "/start WRONG5AB")  # the fifth: 2 minutes
    assert "2 phút" in out
    world.clock.advance(timedelta(minutes=2, seconds=1))
    out = world.console("x", f"/start {good}")
    assert "Đã liên kết thành công" in out
    failed = audit(world, "invite.failed")
    assert len(failed) == 5 and {f.target for f in failed} == {"console:x"}
    assert world.query(_unused_invites) == len(world.world.codes) - 1


async def _unused_invites(session) -> int:  # noqa: ANN001
    return len((await session.exec(select(Invite).where(Invite.used_at.is_(None)))).all())


def test_many_wrong_codes_overall_make_everyone_wait_and_the_digest_says_so(
    tmp_path: Path,
) -> None:
    world = ConsoleWorld(tmp_path)
    for i in range(21):  # one wrong code each from 21 accounts: no chat alone is suspicious
        world.console(f"bot{i}", f"/start GUESS{i:03d}")
    out = world.console("lan", f"/start {world.world.codes['lan']}")
    assert "thử lại sau" in out and "Đã liên kết" not in out
    world.clock.advance(timedelta(seconds=31))
    out = world.console("lan", f"/start {world.world.codes['lan']}")
    assert "Đã liên kết thành công" in out

    async def digest(session):  # noqa: ANN001, ANN202
        now = world.clock.now() + timedelta(days=1)
        content = await gather(
            session, now=now, calendar=WorkingCalendar(), policy=ReminderPolicy()
        )
        return digest_text(content, "Hoa", "vi")

    text = world.query(digest)
    assert "21 lần nhập sai mã mời từ 21 tài khoản" in text
