"""Managing people from the command line and the chat: list members (role, channel,
reachability), deactivate someone who left (reports kept, reminders stop, web sessions end),
move someone, list and revoke unused invites — with the same rules everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from dondoc.bot.cli import App, cli
from dondoc.bot.settings import Settings
from dondoc.storage.models import AuditLog, Member, Report
from tests.conversation_world import ConsoleWorld


def run_fail(cw: ConsoleWorld, *args: str) -> str:
    app = App(settings=Settings(data_dir=cw.data_dir, locale="vi"), clock=cw.clock)
    result = CliRunner().invoke(cli, list(args), obj=app, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    return result.output


def linked(tmp_path: Path) -> ConsoleWorld:
    cw = ConsoleWorld(tmp_path / "data")
    for person in ("hoa", "lan", "tuan", "minh"):
        cw.console(person, f"/start {cw.world.codes[person]}")
    return cw


def member_id(cw: ConsoleWorld, person: str) -> int:
    async def find(session):  # noqa: ANN001, ANN202
        member = (await session.exec(select(Member).where(Member.channel_user_id == person))).one()
        return member.id

    return cw.query(find)


async def _report(session, cw: ConsoleWorld, member: int) -> None:  # noqa: ANN001
    from dondoc.storage.models import ReportStatus
    from dondoc.storage.unit_work import NewReport, save_report

    await save_report(
        session,
        NewReport(
            cw.world.occurrences["1"],
            cw.world.tasks["1"],
            "x",
            ReportStatus.DONE,
            note="đã gửi báo cáo",
        ),  # fmt: skip
        unit_id=cw.world.units["P_KD"],
        unit_code="P_KD",
        member_id=member,
        actor="lan",
        source="chat",
        now=cw.clock.now(),
    )


def test_members_from_the_command_line(tmp_path: Path) -> None:
    cw = linked(tmp_path)
    listed = cw.run("members", "list")
    assert "UBND phường Khương Đình:" in listed and "lan — cán bộ · dòng lệnh" in listed
    assert "tuan — thủ trưởng" in listed and "Tổng cộng 4 người." in listed
    only = json.loads(cw.run("members", "list", "--unit", "Khương Đình", "--json"))
    assert sorted(p["name"] for p in only) == ["lan", "tuan"]
    assert all(p["unit_code"] == "P_KD" and p["reachable"] for p in only)

    lan = member_id(cw, "lan")
    cw.query(lambda session: _report(session, cw, lan))  # a report before leaving: it stays
    out = cw.run("members", "deactivate", str(lan))
    assert "lan (UBND phường Khương Đình) thôi tham gia" in out
    assert "đã thôi tham gia từ trước" in run_fail(cw, "members", "deactivate", str(lan))
    assert "lan" not in cw.run("members", "list", "--unit", "P_KD")
    assert "đã thôi tham gia" in cw.run("members", "list", "--all")
    answer = cw.console("lan", "/viec")  # her chat no longer speaks for the unit
    assert "mã mời" in answer.lower()

    tuan = member_id(cw, "tuan")
    out = cw.run("members", "move", "console:tuan", "--unit", "P_NC")
    assert "từ UBND phường Khương Đình sang UBND phường Nhân Chính" in out
    assert "đã thuộc" in run_fail(cw, "members", "move", str(tuan), "--unit", "Nhân Chính")
    assert "Không tìm thấy cán bộ" in run_fail(cw, "members", "deactivate", "999")

    async def facts(session):  # noqa: ANN001, ANN202
        lan_row = await session.get(Member, lan)
        reports = (await session.exec(select(Report).where(Report.member_id == lan))).all()
        actions = [a.action for a in (await session.exec(select(AuditLog))).all()]
        return lan_row, reports, actions

    lan_row, reports_kept, actions = cw.query(facts)
    assert not lan_row.active and lan_row.deactivated_at is not None
    assert [r.note for r in reports_kept] == ["đã gửi báo cáo"]
    assert "member.deactivate" in actions and "member.move" in actions


def test_invites_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    cw = ConsoleWorld(tmp_path / "data")
    listed = cw.run("invite", "list")
    assert "5 mã mời chưa dùng" in listed
    rows = json.loads(cw.run("invite", "list", "--json"))
    lan = next(r for r in rows if r["unit_code"] == "P_KD" and r["role"] == "officer")
    out = cw.run("invite", "revoke", str(lan["id"]))
    assert f"Đã thu hồi mã mời #{lan['id']}" in out
    assert "đã bị thu hồi từ trước" in run_fail(cw, "invite", "revoke", str(lan["id"]))
    assert "4 mã mời chưa dùng" in cw.run("invite", "list")
    answer = cw.console("lan", f"/start {cw.world.codes['lan']}")
    assert "đã bị thu hồi" in answer
    cw.console("tuan", f"/start {cw.world.codes['tuan']}")
    tuan = next(r for r in rows if r["role"] == "head")
    assert "đã được dùng" in run_fail(cw, "invite", "revoke", str(tuan["id"]))
    assert "không phải số" in run_fail(cw, "invite", "revoke", "abc")


def test_a_coordinator_manages_people_in_the_chat(tmp_path: Path) -> None:
    cw = linked(tmp_path)
    answer = cw.console("hoa", "/canbo")
    assert "Cán bộ — tất cả đơn vị (4 người)" in answer and "/canbo nghi <số>" in answer
    lan, hoa, minh = member_id(cw, "lan"), member_id(cw, "hoa"), member_id(cw, "minh")
    assert "(2 người)" in cw.console("hoa", "/members Khương Đình")
    assert "thôi tham gia" in cw.console("hoa", f"/canbo nghi {lan}")
    assert "tự cho mình" in cw.console("hoa", f"/canbo nghi {hoa}")
    assert "sang UBND phường Khương Đình" in cw.console("hoa", f"/canbo chuyen {minh} P_KD")
    assert "Cách dùng" in cw.console("hoa", f"/canbo chuyen {minh}")
    invites = cw.console("hoa", "/mamoi")
    assert "Mã mời chưa dùng (1)" in invites  # only the admin's is left
    number = invites.split("#", 1)[1].split(" ", 1)[0]
    assert "chỉ người quản trị" in cw.console("hoa", f"/mamoi huy {number}").lower()
    # officers cannot manage people
    assert "/canbo" not in cw.console("minh", "/trogiup")
    refused = cw.console("minh", "/canbo")
    assert "Cán bộ —" not in refused
