"""The safety net under "done", through the console: a doubtful done is asked about before it
is saved; a status is read back, and taken back or corrected the same day with one message
(the history keeps both); questions, courtesy and numbers out of range get an answer, never a
status; a long note is never cut silently."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from dondoc.storage.assignments import latest_reports
from dondoc.storage.models import AuditLog, ConversationState
from dondoc.storage.unit_work import MAX_NOTE
from tests.conversation_world import ConsoleWorld, all_reports, remind


@pytest.fixture
def cw(tmp_path: Path) -> ConsoleWorld:
    world = ConsoleWorld(tmp_path / "data")
    world.console("lan", f"/start {world.world.codes['lan']}")
    world.console("hoa", f"/start {world.world.codes['hoa']}")
    return world


SIPAS = "Báo cáo kết quả khảo sát sự hài lòng của người dân (SIPAS)"


async def _state(session, user: str) -> str:  # noqa: ANN001
    row = (
        await session.exec(select(ConversationState).where(ConversationState.user_id == user))
    ).first()
    return row.state if row else "idle"


async def _audit(session) -> list[str]:  # noqa: ANN001
    rows = (await session.exec(select(AuditLog).order_by(AuditLog.id))).all()
    return [a.action for a in rows if a.action.startswith("report.")]


# ---- a doubtful done -------------------------------------------------------------------------


def test_a_doubtful_done_is_confirmed_before_saving(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "hình như xong rồi")
    assert f"Đồng chí xác nhận đã hoàn thành “{SIPAS}”?" in out
    assert "1. Đúng, đã xong\n2. Chưa, còn đang làm" in out
    assert all_reports(cw) == []  # nothing saved before the answer
    assert cw.query(lambda s: _state(s, "lan")) == "report.check_done"
    out = cw.console("lan", "2")
    assert "• Tình trạng: Đang thực hiện" in out
    (report,) = all_reports(cw)
    assert (report.status, report.occurrence_id) == ("in_progress", cw.world.occurrences["2"])
    # Answered in words: "đúng rồi" is yes; a whole reply ("mới được 80% thôi") is saved as
    # it says; anything else is asked again and nothing is saved.
    cw.console("lan", "chắc xong rồi", "đúng rồi")
    assert all_reports(cw)[-1].status == "done"
    remind(cw, "lan", "1")
    out = cw.console("lan", "em nghĩ là xong", "ừm để xem", "mới được 80% thôi")
    assert "Chưa ghi nhận gì. Nhiệm vụ đã hoàn thành hẳn chưa?" in out
    last = all_reports(cw)[-1]
    assert (last.status, last.percent, last.occurrence_id) == (
        "in_progress",
        80,
        cw.world.occurrences["1"],
    )


def test_a_doubtful_done_among_several_tasks_is_asked_after_the_task(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    out = cw.console("lan", "đã làm rồi", "2")  # "đã làm": a weak verb, not certain
    assert 'báo "Đã hoàn thành" cho nhiệm vụ nào' in out
    assert f"Đồng chí xác nhận đã hoàn thành “{SIPAS}”?" in out
    assert all_reports(cw) == []
    cw.console("lan", "Đúng, đã xong")
    (report,) = all_reports(cw)
    assert (report.status, report.occurrence_id) == ("done", cw.world.occurrences["2"])


def test_the_report_form_asks_about_a_doubtful_done_too(cw: ConsoleWorld) -> None:
    out = cw.console("lan", "/baocao", "1", "hình như xong rồi")
    assert "Đồng chí xác nhận đã hoàn thành “Xây dựng Kế hoạch cải cách hành chính" in out
    out = cw.console("lan", "2", "60", "bỏ qua", "bỏ qua", "xác nhận")
    assert "• Tình trạng: Đang thực hiện" in out and "• Tiến độ: 60%" in out
    out = cw.console("lan", "/baocao", "1", "1")  # the button "Đã hoàn thành" is certain
    assert "xác nhận đã hoàn thành" not in out and "có ghi chú gì thêm" in out
    assert [r.status for r in all_reports(cw)] == ["in_progress"]


# ---- taken back or corrected the same day ------------------------------------------------------


def test_a_correction_the_same_day_replaces_the_status_and_keeps_history(
    cw: ConsoleWorld,
) -> None:
    remind(cw, "lan", "2")
    saved = cw.console("lan", "xong")
    assert "• Tình trạng: Đã hoàn thành" in saved  # read back in the confirmation
    assert "1. Sửa báo cáo này\n2. Rút lại (gửi nhầm)" in saved
    assert SIPAS not in cw.console("lan", "/viec")  # done: no longer open
    out = cw.console("lan", "nhầm, đang làm 50%")
    assert "Đã sửa báo cáo của UBND phường Khương Đình" in out and "• Tiến độ: 50%" in out
    first, second = all_reports(cw)
    assert (first.status, second.status, second.percent) == ("done", "in_progress", 50)
    assert first.withdrawn_at is not None and first.replaced_by == second.id
    assert second.withdrawn_at is None
    assert "Tình trạng: Đang thực hiện (50%)" in cw.console("lan", "/viec")
    # "nhầm" alone takes the report back: the status before it counts again (here: none).
    out = cw.console("lan", "nhầm")
    assert "Đã rút lại báo cáo đồng chí gửi lúc 09:00" in out
    assert 'đã báo "Đang thực hiện (50%)" → nay tính là: Chưa báo cáo' in out
    reports = all_reports(cw)
    assert len(reports) == 2 and all(r.withdrawn_at is not None for r in reports)
    occurrence, unit = cw.world.occurrences["2"], cw.world.units["P_KD"]
    assert cw.query(lambda s: latest_reports(s, [occurrence], [unit])) == {}
    listing = cw.console("lan", "/viec")
    sipas = listing[listing.index(SIPAS) :]
    assert sipas.index("Tình trạng: Chưa báo cáo") < 200
    assert cw.query(_audit) == [
        "report.create",
        "report.create",
        "report.correct",
        "report.withdraw",
    ]
    assert "đã được rút lại hoặc sửa rồi" in cw.console("lan", "nhầm")  # nothing left to undo
    out = cw.console("lan", "sửa lại: đang làm 60%")  # taken back, then the right status
    assert "Đã ghi nhận báo cáo" in out and "• Tiến độ: 60%" in out
    assert (all_reports(cw)[-1].occurrence_id, all_reports(cw)[-1].percent) == (occurrence, 60)


def test_sua_lai_asks_the_right_status_and_it_replaces_the_report(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    cw.console("lan", "xong")
    out = cw.console("lan", "sửa lại")
    assert "Sửa báo cáo gửi hôm nay. Nhiệm vụ: " + SIPAS in out
    assert "Tình trạng đã báo cáo: Đã hoàn thành" in out
    out = cw.console("lan", "3", "40", "chưa có kinh phí", "bỏ qua", "xác nhận")
    assert "Đã sửa báo cáo" in out and "• Tình trạng: Vướng mắc" in out
    first, second = all_reports(cw)
    assert first.replaced_by == second.id and (second.status, second.percent) == ("blocked", 40)
    # The confirmation's "Sửa" option does the same (here: back to done).
    cw.console("lan", "1", "1", "bỏ qua", "bỏ qua", "1")
    third = all_reports(cw)[-1]
    assert third.status == "done" and all_reports(cw)[1].replaced_by == third.id


def test_a_report_can_be_corrected_only_the_same_day(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    cw.console("lan", "đang làm 30%")
    (report,) = all_reports(cw)
    cw.clock.advance(timedelta(days=1))
    out = cw.console("lan", "nhầm")
    assert "Hôm nay đồng chí chưa gửi báo cáo nào" in out
    # Yesterday's "Sửa" button asks for today's status: a new report, not a correction.
    out = cw.console("lan", f"/sua {report.id}")
    assert "không còn sửa được" in out
    cw.console("lan", "2", "45", "bỏ qua", "bỏ qua", "1")
    first, second = all_reports(cw)
    assert first.withdrawn_at is None and second.percent == 45
    # A correction with a status and nothing to correct is read as the report it is.
    cw.clock.advance(timedelta(days=1))
    cw.console("lan", "nhầm, xong rồi")
    assert all_reports(cw)[-1].status == "done"


def test_nham_in_the_middle_of_a_step_leaves_it_and_saves_nothing(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    out = cw.console("lan", "xong", "nhầm")  # "which task?" — "oops": nothing was saved yet
    assert "Đã hủy, chưa có gì được ghi nhận." in out
    assert all_reports(cw) == [] and cw.query(lambda s: _state(s, "lan")) == "idle"


def test_the_whole_batch_is_taken_back(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "1")
    remind(cw, "lan", "2")
    cw.console("lan", "chưa làm", "Tất cả các nhiệm vụ trên")
    out = cw.console("lan", "/rutlai")
    assert out.count("→ nay tính là: Chưa báo cáo") == 2
    assert all(r.withdrawn_at is not None for r in all_reports(cw))


# ---- not a report: an answer, never a status ----------------------------------------------------


def test_a_question_gets_the_task_its_due_date_and_the_office(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "cái này nộp cho ai ạ?")
    assert SIPAS in out and "Hạn Thứ Hai, 15/07/2024" in out
    assert "đầu mối tổng hợp, theo dõi (Phòng Nội vụ)" in out
    assert '"đang làm 70%"' in out
    assert all_reports(cw) == [] and cw.query(lambda s: _state(s, "lan")) == "idle"


def test_courtesy_gets_an_acknowledgement(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "em cảm ơn chị")
    assert out.startswith("Dạ, cảm ơn đồng chí.")
    cw.console("lan", "xong")
    out = cw.console("lan", "👍")  # right after the confirmation: thanks, not a new report
    assert out.startswith("Dạ, cảm ơn đồng chí.")
    assert len(all_reports(cw)) == 1 and cw.query(lambda s: _state(s, "lan")) == "idle"


def test_a_number_out_of_range_gets_a_clear_question(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    out = cw.console("lan", "đang làm 150%")
    assert "Đồng chí ghi 150% — tỷ lệ phải từ 0 đến 100, nên bot chưa ghi nhận." in out
    assert "Chưa hiểu nội dung" not in out and all_reports(cw) == []
    out = cw.console("lan", "1")  # at a percent question, "1" is 1 %
    (report,) = all_reports(cw)
    assert (report.status, report.percent) == ("in_progress", 1)
    out = cw.console("lan", "150%", "100")  # no status said: the number decides
    assert "100 là đã hoàn thành" in out
    assert (all_reports(cw)[-1].status, all_reports(cw)[-1].percent) == ("done", 100)


# ---- long messages ----------------------------------------------------------------------------


def test_a_long_note_is_kept_up_to_the_limit_and_the_cut_is_marked(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    words = " ".join(f"tổ dân phố số {n} chưa gửi số liệu," for n in range(100))
    out = cw.console("lan", f"vướng: {words}")
    assert "(Ghi chú dài" in out and "quá giới hạn 1000" in out
    (report,) = all_reports(cw)
    assert len(report.note) <= MAX_NOTE and report.note.endswith("…")
    kept = report.note[:-1]
    assert words.startswith(kept) and words[len(kept)] in " ,"  # cut after a whole word
    summary = cw.console("hoa", "/tonghop")
    blocked = summary[summary.index("VƯỚNG MẮC") :]
    assert "tổ dân phố số 0 chưa gửi số liệu" in blocked and "…" in blocked


def test_the_summary_counts_a_withdrawn_report_as_never_sent(cw: ConsoleWorld) -> None:
    remind(cw, "lan", "2")
    cw.console("lan", "vướng: chưa có kinh phí khảo sát", "nhầm")
    summary = cw.console("hoa", "/tonghop")
    assert "• Vướng mắc: 0" in summary and "chưa có kinh phí khảo sát" not in summary
