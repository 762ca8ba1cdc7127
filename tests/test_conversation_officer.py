"""Officers through the console channel: /viec, /baocao step by step (with evidence), short
replies after a reminder, corrections, /huy, resuming after a restart, and the unit fence."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlmodel import select

from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.models import AuditLog, ConversationState
from tests.conversation_world import (
    NOW,
    ConsoleWorld,
    all_reports,
    build_world,
    make_context,
    remind,
    reports,
    say,
)


@pytest.fixture
def cw(tmp_path: Path) -> ConsoleWorld:
    world = ConsoleWorld(tmp_path / "data")
    world.console("lan", f"/start {world.world.codes['lan']}")
    world.console("minh", f"/start {world.world.codes['minh']}")
    return world


def test_viec_lists_open_tasks_soonest_first_with_due_status_role(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/viec")
    first = out.index("Xây dựng Kế hoạch cải cách hành chính")
    second = out.index("Báo cáo kết quả khảo sát")
    third = out.index("Tuyên truyền về cải cách hành chính")
    assert first < second < third
    assert "Hạn Thứ Sáu, 05/07/2024 — đã quá hạn 3 ngày" in out
    assert "Hạn Thứ Hai, 15/07/2024" in out
    assert "chủ trì" in out and "phối hợp" in out
    assert "Tình trạng: Chưa báo cáo" in out
    assert "Rà soát, đánh giá thủ tục hành chính" not in out  # another unit's task
    english = cw.console("lan", "/tasks")
    assert english.count("Xây dựng Kế hoạch") == 1


def test_baocao_full_flow_with_evidence_and_exact_confirmation(
    cw: ConsoleWorld, tmp_path: Path
) -> None:
    evidence = tmp_path / "bao-cao-cchc.pdf"
    evidence.write_bytes(b"%PDF-1.4 test")
    out = cw.console(
        "lan",
        "/baocao",
        "1",  # task 1 (soonest)
        "Đang thực hiện",  # status by its words
        "70%",
        "chờ số liệu của các tổ dân phố",
        f":file {evidence}",
        "1",  # Xác nhận
    )
    assert "Đồng chí kiểm tra lại báo cáo" in out
    saved = out[out.index("Đã ghi nhận báo cáo") :]
    assert "• Tình trạng: Đang thực hiện" in saved
    assert "• Tiến độ: 70%" in saved
    assert "• Ghi chú: chờ số liệu của các tổ dân phố" in saved
    assert "bao-cao-cchc.pdf" in saved
    (report,) = all_reports(cw)
    assert (report.status, report.percent, report.note) == (
        "in_progress",
        70,
        "chờ số liệu của các tổ dân phố",
    )
    assert report.attachment_kind == "document" and report.attachment_ref == str(evidence)
    assert report.occurrence_id == cw.world.occurrences["1"]
    assert report.source == "command"
    audit = cw.query(lambda s: _audit(s, "report.create"))
    assert (
        len(audit) == 1
        and audit[0].actor == "lan"
        and audit[0].details["status"] == ("in_progress")
    )


async def _audit(session, action: str) -> list[AuditLog]:  # noqa: ANN001
    return list((await session.exec(select(AuditLog).where(AuditLog.action == action))).all())


def test_status_step_understands_a_short_reply_and_skips_answered_steps(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/baocao", "2", "vướng: chưa có kinh phí khảo sát", "bo qua", "1", "1")
    assert "bao nhiêu phần trăm" in out  # percent still asked
    assert "nêu ngắn gọn vướng mắc" not in out  # the note was given with the status
    (report,) = all_reports(cw)
    assert report.status == "blocked" and report.note == "chưa có kinh phí khảo sát"
    assert report.percent is None


def test_reporting_again_keeps_history_latest_counts(cw: ConsoleWorld) -> None:
    cw.console("lan", "/baocao", "1", "2", "50", "1", "1", "1")
    out = cw.console("lan", "/baocao", "1", "1", "1", "1", "1")
    assert "Tình trạng: Đã hoàn thành" in out
    reports = all_reports(cw)
    assert [r.status for r in reports] == ["in_progress", "done"]
    listing = cw.console("lan", "/viec")
    assert "Xây dựng Kế hoạch cải cách hành chính" not in listing  # done: no longer open


def test_short_reply_after_a_reminder_is_recorded_and_confirmed(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "đang làm được khoảng 80 phần trăm")
    assert "Đã ghi nhận báo cáo của UBND phường Khương Đình" in out
    assert "Báo cáo kết quả khảo sát" in out and "• Tiến độ: 80%" in out
    assert "1. Sửa báo cáo này" in out
    (report,) = all_reports(cw)
    assert (report.occurrence_id, report.status, report.percent, report.source) == (
        cw.world.occurrences["2"],
        "in_progress",
        80,
        "chat",
    )
    corrected = cw.console("lan", "1", "1", "1", "1", "1")  # Sửa, Đã hoàn thành, skip, skip, OK
    assert "Đồng chí kiểm tra lại báo cáo" in corrected
    assert [r.status for r in all_reports(cw)] == ["in_progress", "done"]


def test_short_reply_in_nfd_without_diacritics(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    cw.console("lan", unicodedata.normalize("NFD", "Đã hoàn thành"))
    remind(cw, "lan", "1")
    cw.console("lan", "vuong: chua co so lieu")
    reports = all_reports(cw)
    assert [(r.status, r.note) for r in reports] == [
        ("done", ""),
        ("blocked", "chua co so lieu"),
    ]


def test_dates_and_document_numbers_are_not_percentages(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    cw.console("lan", "đang làm, đã có văn bản số 12/KH-UBND ngày 14/7")
    (report,) = all_reports(cw)
    assert report.status == "in_progress" and report.percent is None


def test_several_pending_tasks_ask_which_one(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    out = cw.console("lan", "xong")
    assert "cho nhiệm vụ nào" in out
    assert "1. Xây dựng Kế hoạch" in out and "2. Báo cáo kết quả khảo sát" in out
    assert all_reports(cw) == []
    out = cw.console("lan", "2")
    (report,) = all_reports(cw)
    assert report.occurrence_id == cw.world.occurrences["2"] and report.status == "done"


def test_all_pending_tasks_at_once(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    out = cw.console("lan", "chưa làm", "Tất cả các nhiệm vụ trên")
    saved = out[out.index("Đã ghi nhận") :]
    assert saved.count("• Nhiệm vụ:") == 2 and saved.count("• Tình trạng: Chưa thực hiện") == 1
    assert "1. Sửa: Xây dựng" in saved and "2. Sửa: Báo cáo kết quả" in saved
    assert sorted(r.occurrence_id for r in all_reports(cw)) == sorted(
        [cw.world.occurrences["1"], cw.world.occurrences["2"]]
    )


def test_acknowledgement_asks_for_the_status(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "đã nhận")
    assert "Đồng chí cho biết tình hình thực hiện" in out
    assert "1. Đã hoàn thành" in out
    assert all_reports(cw) == []
    cw.console("lan", "1", "bỏ qua", "bỏ qua", "xác nhận")
    (report,) = all_reports(cw)
    assert report.status == "done" and report.occurrence_id == cw.world.occurrences["2"]


def test_a_status_typed_at_the_task_list_is_kept_for_the_chosen_task(cw: ConsoleWorld) -> None:
    # "ok" (or /baocao) lists the tasks; the officer answers with the status instead of a
    # number: the status and percent are kept, and only the task is asked.
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    out = cw.console("lan", "ok", "đang làm 70%")
    assert 'Đồng chí báo "Đang thực hiện (70%)" cho nhiệm vụ nào? (đơn vị có 2 nhiệm vụ' in out
    assert all_reports(cw) == []
    cw.console("lan", "2")
    (report,) = all_reports(cw)
    assert (report.status, report.percent, report.occurrence_id) == (
        "in_progress",
        70,
        cw.world.occurrences["2"],
    )
    out = cw.console("lan", "/baocao", "vuong: chua co so lieu", "1")
    assert "cho nhiệm vụ nào" in out and "Vướng mắc" in out
    latest = all_reports(cw)[-1]
    assert (latest.status, latest.note, latest.occurrence_id) == (
        "blocked",
        "chua co so lieu",
        cw.world.occurrences["1"],
    )


def test_unclear_message_explains_how_to_reply(cw: ConsoleWorld) -> None:
    # A question gets an answer now (test_conversation_safety); words with no status still
    # get the explanation.
    out = cw.console("lan", "em đang họp")
    assert "Chưa hiểu nội dung" in out and '"đang làm 70%"' in out
    assert all_reports(cw) == []


def test_cancel_leaves_the_report_and_records_nothing(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/baocao", "1", "2", "/huy", "/huy")
    assert "Đã hủy, chưa có gì được ghi nhận." in out
    assert "Hiện không có thao tác nào đang làm dở." in out
    assert all_reports(cw) == []
    out = cw.console("lan", "/baocao", "1", "huỷ")
    assert "Đã hủy" in out


def test_restart_in_the_middle_resumes_where_it_was(cw: ConsoleWorld) -> None:
    cw.console("lan", "/baocao", "1", "2")  # a first console process: up to the percent step
    state = cw.query(lambda s: _state(s, "lan"))
    assert state.state == "report.percent"
    out = cw.console("lan", "60", "bỏ qua", "bỏ qua", "1")  # a new process continues
    assert "• Tiến độ: 60%" in out
    (report,) = all_reports(cw)
    assert report.percent == 60 and report.occurrence_id == cw.world.occurrences["1"]


async def _state(session, user: str) -> ConversationState:  # noqa: ANN001
    return (
        await session.exec(select(ConversationState).where(ConversationState.user_id == user))
    ).one()


def test_bad_percent_is_asked_again(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/baocao", "1", "2", "150", "ngày 14/7", "45", "1", "1", "1")
    assert out.count("Tỷ lệ phải là một số từ 0 đến 100") == 2
    assert all_reports(cw)[0].percent == 45


def test_words_at_the_percent_step_are_the_note(cw: ConsoleWorld) -> None:
    # Asked for a percent, the officer writes the note instead: it is taken as the note (no
    # percent), and the report goes on; a text with a number that is no percent is asked again.
    out = cw.console("lan", "/baocao", "1", "2", "đang chờ ý kiến của lãnh đạo phòng")
    assert "Tỷ lệ phải là một số" not in out
    assert "Đồng chí gửi tệp hoặc ảnh minh chứng" in out
    out = cw.console("lan", "bỏ qua", "xác nhận")
    assert "• Ghi chú: đang chờ ý kiến của lãnh đạo phòng" in out and "Tiến độ" not in out
    (report,) = all_reports(cw)
    assert (report.status, report.percent, report.note) == (
        "in_progress",
        None,
        "đang chờ ý kiến của lãnh đạo phòng",
    )
    out = cw.console("lan", "/baocao", "1", "2", "xong")
    assert "Tỷ lệ phải là một số" in out  # another status: not a note


def test_officer_cannot_see_or_report_another_units_task(cw: ConsoleWorld) -> None:
    other = cw.world.occurrences["3"]  # P_NC's task
    out = cw.console("lan", f"/baocao {other}")
    assert "không thuộc đơn vị của đồng chí" in out
    assert all_reports(cw) == []
    listing = cw.console("lan", "/viec")
    assert "Rà soát, đánh giá thủ tục hành chính" not in listing
    own = cw.console("minh", f"/baocao {other}", "1", "1", "1", "1")
    assert "Đã ghi nhận báo cáo của UBND phường Nhân Chính" in own


def test_officer_is_refused_coordinator_commands(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/tonghop", "/quahan", "/nhac P_NC", "/moi P_KD")
    assert out.count("chỉ dành cho đầu mối tổng hợp") == 4
    assert cw.query(lambda s: _audit(s, "invite.create")) == []


def test_unknown_command_gets_help(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/xyz", "/trogiup")
    assert "Không có lệnh /xyz" in out
    assert "/viec (/tasks)" in out and "/tonghop" not in out.split("Các lệnh")[1]


def test_a_report_whose_task_left_the_unit_starts_afresh(cw: ConsoleWorld) -> None:
    cw.console("lan", "/baocao", "1")  # task chosen, now at the status step
    occurrence = cw.world.occurrences["1"]

    async def move_task(session) -> None:  # noqa: ANN001
        from dondoc.storage.models import Assignment, Occurrence

        task_id = (await session.get(Occurrence, occurrence)).task_id
        for row in (
            await session.exec(select(Assignment).where(Assignment.task_id == task_id))
        ).all():
            await session.delete(row)

    cw.query(move_task)
    out = cw.console("lan", "1")
    assert "không thuộc đơn vị của đồng chí" in out
    assert "bắt đầu lại" in out
    assert cw.query(lambda s: _state(s, "lan")).state == "idle"
    listing = cw.console("lan", "/viec")  # the chat works normally again
    assert "không thuộc đơn vị" not in listing
    assert all_reports(cw) == []


async def test_a_status_typed_at_page_two_asks_among_page_two(engine) -> None:  # noqa: ANN001
    # Two tasks a page: the officer turns to page 2 of /baocao and types "xong"; the question
    # lists the task of page 2 they were looking at, and choosing it records it.
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW), page_size=2))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    first = await say(conversation, "lan", "/baocao")
    assert "trang 1/2" in first and "Tuyên truyền" not in first
    second = await say(conversation, "lan", "Trang sau")
    assert "Tuyên truyền" in second
    which = await say(conversation, "lan", "xong")
    assert 'báo "Đã hoàn thành" cho nhiệm vụ nào' in which
    assert "1. Tuyên truyền" in which and "Xây dựng Kế hoạch" not in which
    saved = await say(conversation, "lan", "1")
    assert "Đã ghi nhận" in saved
    (report,) = await reports(engine)
    assert (report.status, report.occurrence_id) == ("done", world.occurrences["4"])


async def test_which_task_question_has_pages_and_keeps_the_status(engine) -> None:  # noqa: ANN001
    # "đang làm 40%" with three tasks pending and two a page: page 1 offers "Trang sau"; page 2
    # still asks for "Đang thực hiện (40%)", and its task can be chosen.
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW), page_size=2))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    first = await say(conversation, "lan", "đang làm 40%")
    assert "(đơn vị có 3 nhiệm vụ" in first and "3. Trang sau" in first
    assert "Tuyên truyền" not in first
    second = await say(conversation, "lan", "3")
    assert 'báo "Đang thực hiện (40%)" cho nhiệm vụ nào' in second
    assert "1. Tuyên truyền" in second and "Trang sau" not in second
    await say(conversation, "lan", "1")
    (report,) = await reports(engine)
    assert (report.status, report.percent, report.occurrence_id) == (
        "in_progress",
        40,
        world.occurrences["4"],
    )
