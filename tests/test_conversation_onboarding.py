"""Onboarding through the console channel: unlinked people get the explanation and nothing
else; /start CODE links (single use, expiry checked); a real ``dondoc`` subprocess too."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from dondoc.storage.models import AuditLog, Member
from tests.conversation_world import ConsoleWorld

NOT_LINKED = "Để sử dụng, đồng chí cần mã mời"


def test_unlinked_people_get_the_explanation_and_nothing_else(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    out = world.console("lan", "xin chào", "/viec", "/tonghop", "xong", "/khongco", "/start")
    assert out.count(NOT_LINKED) == 6
    assert "Nhiệm vụ" not in out and "TỔNG HỢP" not in out
    assert world.query(lambda s: _count_members(s)) == 0


async def _count_members(session) -> int:  # noqa: ANN001
    return len((await session.exec(select(Member))).all())


def test_start_with_code_links_unit_and_role(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    code = world.world.codes["lan"]
    out = world.console("lan", f"/start {code.lower()[:4]}-{code.lower()[4:]}", "/viec")
    assert "Đã liên kết thành công" in out
    assert "UBND phường Khương Đình" in out and "cán bộ" in out
    assert "Nhiệm vụ chưa hoàn thành của UBND phường Khương Đình" in out
    member = world.query(lambda s: _member(s, "lan"))
    assert member.role == "officer" and member.unit_id == world.world.units["P_KD"]
    actions = world.query(lambda s: _actions(s))
    assert "invite.redeem" in actions


async def _member(session, user: str) -> Member:  # noqa: ANN001
    return (await session.exec(select(Member).where(Member.channel_user_id == user))).one()


async def _actions(session) -> list[str]:  # noqa: ANN001
    return [a.action for a in (await session.exec(select(AuditLog))).all()]


def test_code_is_single_use(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    code = world.world.codes["lan"]
    world.console("lan", f"/start {code}")
    out = world.console("minh", f"/start {code}", "/viec")
    assert "Mã mời này đã được dùng" in out
    assert out.count(NOT_LINKED) == 1  # /viec afterwards: still not linked
    assert world.query(lambda s: _count_members(s)) == 1


def test_expired_and_unknown_codes_are_refused(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    world.clock.advance(timedelta(days=8))
    out = world.console("lan", f"/start {world.world.codes['lan']}", "/start ABCDEFGH")
    assert "hết hạn" in out
    assert "Mã mời không đúng" in out
    assert world.query(lambda s: _count_members(s)) == 0


def test_start_when_linked_says_where_one_belongs(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    out = world.console("hoa", f"/start {world.world.codes['hoa']}", "/start", "/batdau")
    assert out.count("Tài khoản của đồng chí đã được liên kết: Phòng Nội vụ") == 2


def test_real_dondoc_console_in_a_pipe(tmp_path: Path) -> None:
    """``printf '/start CODE\\n/viec\\n' | dondoc console --user lan`` as an operator runs it."""
    now = datetime.now(UTC)  # the subprocess runs on the real clock
    world = ConsoleWorld(tmp_path, now=now)
    code = world.world.codes["lan"]
    dondoc = Path(sys.executable).parent / "dondoc"
    env = {**os.environ, "DONDOC_DATA_DIR": str(tmp_path), "DONDOC_LOCALE": "vi"}
    result = subprocess.run(
        [str(dondoc), "console", "--user", "lan"],
        input=f"/start {code}\n/viec\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Đã liên kết thành công" in result.stdout
    assert "Nhiệm vụ chưa hoàn thành của UBND phường Khương Đình" in result.stdout
    assert "1. Xem nhiệm vụ" in result.stdout  # options are numbered


def test_console_on_an_empty_data_dir_says_to_run_init(dondoc) -> None:
    result = dondoc("console", "--user", "lan", input="/viec\n")
    assert result.exit_code == 2
    assert "dondoc init" in result.output


def test_writing_again_makes_a_member_reachable(tmp_path: Path) -> None:
    world = ConsoleWorld(tmp_path)
    world.console("lan", f"/start {world.world.codes['lan']}")

    async def block(session) -> None:  # noqa: ANN001
        member = await _member(session, "lan")
        member.reachable, member.unreachable_reason = False, "bot blocked"
        session.add(member)

    world.query(block)
    world.console("lan", "/viec")
    member = world.query(lambda s: _member(s, "lan"))
    assert member.reachable and member.unreachable_reason is None
