"""Short-reply understanding on real-style replies of ward officers (with and without
diacritics, NFC and NFD), and ``dondoc parse-reply`` from the outside."""

from __future__ import annotations

import json
import unicodedata

import pytest

from dondoc.handlers.replies import parse_reply

# (reply as an officer types it, status, percent)
CASES: list[tuple[str, str, int | None]] = [
    ("xong", "done", None),
    ("Xong", "done", None),
    ("xong rồi ạ", "done", None),
    ("dạ xong rồi ạ", "done", None),
    ("đã xong", "done", None),
    ("Đã hoàn thành", "done", None),
    ("Da hoan thanh", "done", None),
    ("da hoan thanh a", "done", None),
    ("đã nộp", "done", None),
    ("Đã nộp báo cáo", "done", None),
    ("da nop bao cao qua email roi", "done", None),
    ("em đã gửi báo cáo về phòng rồi ạ", "done", None),
    ("Đã gửi bản cứng về Phòng Nội vụ", "done", None),
    ("hoàn thành 100%", "done", 100),
    ("100%", "done", 100),
    ("đã hoàn thành, đã gửi văn bản số 12/KH-UBND ngày 14/7", "done", None),
    ("ok xong roi", "done", None),
    ("Done", "done", None),
    ("đã ban hành kế hoạch", "done", None),
    ("đang làm 70%", "in_progress", 70),
    ("dang lam 70%", "in_progress", 70),
    ("Đang làm, được khoảng 80 phần trăm", "in_progress", 80),
    ("được khoảng 80 phần trăm", "in_progress", 80),
    ("duoc khoang 80 phan tram", "in_progress", 80),
    ("đạt 60%", "in_progress", 60),
    ("70%", "in_progress", 70),
    ("70 %", "in_progress", 70),
    ("tiến độ 45%", "in_progress", 45),
    ("đang thực hiện", "in_progress", None),
    ("Dang thuc hien", "in_progress", None),
    ("đang triển khai", "in_progress", None),
    ("đang tổng hợp số liệu", "in_progress", None),
    ("đang tổng hợp, ngày 14/7 sẽ gửi", "in_progress", None),
    ("sắp xong rồi", "in_progress", None),
    ("chưa xong", "in_progress", None),
    ("chưa hoàn thành", "in_progress", None),
    ("chua hoan thanh, dang lam 50%", "in_progress", 50),
    ("hoàn thành 80%", "in_progress", 80),
    ("đang trình lãnh đạo ký văn bản số 45/BC-UBND", "in_progress", None),
    ("đang làm, dự kiến nộp trước ngày 20/7", "in_progress", None),
    ("in progress", "in_progress", None),
    ("vướng: chưa có số liệu", "blocked", None),
    ("Vướng mắc: chưa có hướng dẫn của Sở", "blocked", None),
    ("vuong: chua co so lieu", "blocked", None),
    ("vướng", "blocked", None),
    ("đang làm 50% nhưng vướng kinh phí", "blocked", 50),
    ("cần gia hạn đến 20/7", "blocked", None),
    ("can gia han den 20/7", "blocked", None),
    ("xin gia hạn thêm 1 tuần", "blocked", None),
    ("khó khăn về nhân sự", "blocked", None),
    ("chưa có số liệu từ các tổ dân phố", "blocked", None),
    ("thiếu kinh phí", "blocked", None),
    ("không kịp hạn, xin thêm thời gian", "blocked", None),
    ("chưa làm", "not_started", None),
    ("chua lam", "not_started", None),
    ("Chưa thực hiện", "not_started", None),
    ("chưa triển khai ạ", "not_started", None),
    ("chưa bắt đầu", "not_started", None),
    ("0%", "not_started", None),
    ("ok", "unclear", None),
    ("OK", "unclear", None),
    ("đã nhận", "unclear", None),
    ("Đã nhận ạ", "unclear", None),
    ("cảm ơn", "unclear", None),
    ("cam on", "unclear", None),
    ("vâng ạ", "unclear", None),
    ("👍", "unclear", None),
    ("dạ", "unclear", None),
    ("ngày 14/7", "unclear", None),
    ("số 12/KH-UBND", "unclear", None),
    ("Kế hoạch số 84/KH-UBND ngày 15/3/2024", "unclear", None),
    ("ai phụ trách việc này vậy?", "unclear", None),
    ("", "unclear", None),
    ("   ", "unclear", None),
    ("không có vướng mắc, đã xong", "done", None),
    ("Đã gửi Đảng ủy phường", "done", None),
    ("công tác tuyên truyền đã thực hiện xong", "done", None),
    ("đã trình lãnh đạo ký", "in_progress", None),
    ("dang cho duyet", "in_progress", None),
    ("mai em gửi ạ", "in_progress", None),
    ("chiều nay em gửi", "in_progress", None),
    ("ngày mai bên em sẽ nộp", "in_progress", None),
    ("hôm nay em gửi rồi ạ", "done", None),
    ("hôm nay em đã gửi", "done", None),
    ("tôi gửi rồi", "done", None),
    ("hôm nay em gửi", "in_progress", None),
    ("em nộp sau ạ", "in_progress", None),
    ("k kịp hạn", "blocked", None),
    ("ko kip", "blocked", None),
    ("ok e", "unclear", None),
    ("ok anh ạ", "unclear", None),
]

ACKNOWLEDGEMENTS = [
    "ok",
    "OK",
    "đã nhận",
    "Đã nhận ạ",
    "cảm ơn",
    "cam on",
    "vâng ạ",
    "👍",
    "dạ",
    "ok e",
    "ok em",
    "oke anh",
]


def test_at_least_sixty_real_style_replies() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("text", "status", "percent"), CASES)
def test_reply_is_understood(text: str, status: str, percent: int | None) -> None:
    parsed = parse_reply(text)
    assert (parsed.status, parsed.percent) == (status, percent), parsed


@pytest.mark.parametrize(("text", "status", "percent"), CASES)
def test_nfd_reads_like_nfc(text: str, status: str, percent: int | None) -> None:
    assert parse_reply(unicodedata.normalize("NFD", text)) == parse_reply(text)


@pytest.mark.parametrize("text", ACKNOWLEDGEMENTS)
def test_acknowledgements_are_not_reports(text: str) -> None:
    parsed = parse_reply(text)
    assert parsed.acknowledgement and not parsed.is_report


def test_unclear_text_is_not_an_acknowledgement() -> None:
    assert not parse_reply("ai phụ trách việc này vậy?").acknowledgement


def test_blocked_note_is_the_blocker() -> None:
    assert parse_reply("vướng: chưa có số liệu").note == "chưa có số liệu"
    assert parse_reply("Vướng mắc: chưa có hướng dẫn của Sở").note == "chưa có hướng dẫn của Sở"


def test_note_keeps_the_officers_words() -> None:
    assert parse_reply("cần gia hạn đến 20/7").note == "cần gia hạn đến 20/7"
    assert parse_reply("xong").note == ""
    assert parse_reply("đang làm 70%").note == ""
    assert parse_reply("dạ xong rồi ạ").note == ""
    assert parse_reply("working on it 70%").note == ""
    assert parse_reply("Done already").note == ""
    assert parse_reply("I'm working on it, about 60%").note == ""
    assert parse_reply("I’m working on it 60%").note == ""  # a phone's apostrophe
    note = parse_reply("đang làm, dự kiến nộp trước ngày 20/7").note
    assert "20/7" in note


def test_note_comes_back_in_nfc() -> None:
    note = parse_reply(unicodedata.normalize("NFD", "vướng: chưa có số liệu")).note
    assert note == unicodedata.normalize("NFC", "chưa có số liệu")


def test_percent_over_hundred_is_ignored() -> None:
    assert parse_reply("đạt 150%").percent is None


def test_parse_reply_cli_json(dondoc) -> None:
    result = dondoc("parse-reply", "đang làm 70%", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "status": "in_progress",
        "percent": 70,
        "note": "",
        "confirm": False,
        "category": "in_progress",
        "out_of_range": None,
    }
    result = dondoc("parse-reply", "số 12/KH-UBND", "--json")
    assert json.loads(result.output)["percent"] is None


def test_parse_reply_cli_text(dondoc) -> None:
    result = dondoc("parse-reply", "vướng: chưa có số liệu")
    assert result.exit_code == 0
    assert "Vướng mắc" in result.output
    assert "chưa có số liệu" in result.output
    ack = dondoc("parse-reply", "cảm ơn")
    assert "xác nhận" in ack.output


def test_parse_reply_cli_says_whether_the_bot_asks(dondoc) -> None:
    certain = dondoc("parse-reply", "đã chuyển qua trục liên thông rồi ạ")
    assert "Đã hoàn thành" in certain.output and "không cần hỏi lại" in certain.output
    doubtful = dondoc("parse-reply", "hình như em gửi rồi")
    assert "Đã hoàn thành" in doubtful.output and "hỏi lại một lần" in doubtful.output
    data = json.loads(dondoc("parse-reply", "chắc xong rồi", "--json").output)
    assert (data["status"], data["confirm"]) == ("done", True)
    question = dondoc("parse-reply", "cái này nộp cho ai ạ?")
    assert "câu hỏi" in question.output and "Tình trạng" not in question.output
    assert json.loads(dondoc("parse-reply", "nộp cho ai ạ?", "--json").output)["category"] == (
        "question"
    )


def test_parse_reply_cli_out_of_range_and_a_leading_minus(dondoc) -> None:
    result = dondoc("parse-reply", "--", "-10%")
    assert result.exit_code == 0, result.output
    assert "-10%" in result.output and "0–100" in result.output
    data = json.loads(dondoc("parse-reply", "--json", "--", "-10%").output)
    assert (data["status"], data["percent"], data["out_of_range"], data["confirm"]) == (
        "unclear",
        None,
        -10,
        True,
    )
    assert "150%" in dondoc("parse-reply", "đạt 150%").output


def test_parse_reply_cli_in_english(tmp_path) -> None:
    from tests.conftest import Cli

    english = Cli(tmp_path / "data", {"DONDOC_LOCALE": "en"})
    out = english("parse-reply", "hình như em gửi rồi").output
    assert "Status: Done" in out and "ask once" in out
    assert "outside 0–100" in english("parse-reply", "150%").output
    assert "question" in english("parse-reply", "gửi về đâu ạ?").output
