"""Focused tests of the understanding of replies, one family of issue 15 at a time: Zalo typing,
several clauses, done in the words of the office, the forms of "in progress", blocked without
the word "vướng", questions and small talk, numbers out of range, English, and the safety net
(confirm before a doubtful done). Sentences here are not in the corpus."""

from __future__ import annotations

import pytest

from dondoc.handlers.replies import parse_reply
from dondoc.handlers.replies.numbers import read_percent, words_value
from dondoc.handlers.replies.talk import vocabulary
from dondoc.handlers.replies.typing import read, squeeze, untelex


def _is(text: str, category: str, percent: int | None = None, *, confirm: bool = False) -> None:
    parsed = parse_reply(text)
    assert (parsed.category, parsed.percent, parsed.confirm) == (category, percent, confirm), (
        text,
        parsed,
    )


# ---- Zalo typing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["xg r nha c", "xog rùi ạ", "hthanh r", "da ht a", "xonggggg", "XONG R", "xongf rooif",
     "đã nộp r ạ!!!", "✅✅ xong", "ok e xg r", "nộp rồiii nhaaa"],
)  # fmt: skip
def test_shorthand_done(text: str) -> None:
    _is(text, "done")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("dg lam a", "in_progress"),
        ("e đg lm", "in_progress"),
        ("chx xg", "in_progress"),
        ("k kịp r chị ơi", "blocked"),
        ("ko dc vì mạng lỗi", "blocked"),
        ("chx lam gi", "not_started"),
    ],
)
def test_shorthand_other_statuses(text: str, category: str) -> None:
    _is(text, category)


def test_tone_marks_tell_words_apart() -> None:
    known = vocabulary()
    # dạ (yes) is not đã (already); without tones the next word decides
    assert [w.text for w in read("dạ em gửi", known)[1]][:1] == ["vang"]
    assert [w.text for w in read("da gui", known)[1]][:1] == ["da"]
    assert [w.text for w in read("da em gui", known)[1]][:1] == ["vang"]
    # sập (crashed) is not sắp (about to); nửa (half) is not nữa (more)
    _is("hệ thống sập", "blocked")
    _is("sắp xong", "in_progress")
    _is("được nửa rồi", "in_progress", 50)
    _is("còn chút nữa thôi", "in_progress")
    # "chờ" is waiting, "cho" is "to": "đã gửi cho phòng" is sent, not waiting for the office
    _is("đã gửi hết cho phòng rồi", "done")
    _is("chờ phòng tài chính trả lời", "blocked")


def test_doubled_letters_and_telex_marks() -> None:
    known = vocabulary()
    assert squeeze("xonggg", known) == "xong"
    assert squeeze("roii", known) == "roi"
    assert squeeze("uu", known) == "uu"  # "ưu" stays
    assert untelex("xongf", known) == "xong"
    assert untelex("ddax", known) == "da"


# ---- several clauses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "xong phần tổng hợp rồi, còn phần kiến nghị",
        "đã xong biểu 1, biểu 2 đang làm",
        "xong dự thảo rồi ạ",
        "xong rồi mà chưa ký",
        "làm xong rồi nhưng chưa gửi",
        "chưa xong hẳn đâu chị",
        "xong đâu chị ơi",
        "xong cái biểu này em nộp luôn",
        "khi nào lãnh đạo duyệt xong em gửi",
        "sẽ xong trước thứ năm",
        "gửi rồi nhưng phòng yêu cầu bổ sung",
    ],
)
def test_a_done_word_that_is_not_done(text: str) -> None:
    parsed = parse_reply(text)
    assert parsed.status == "in_progress", (text, parsed)


def test_xong_in_a_wait_for_another_office_is_blocked() -> None:
    _is("chờ bên kho bạc xác nhận xong mới nộp được", "blocked")
    _is("đợi công an phường trả lời xong mới làm tiếp", "blocked")


def test_negation_of_a_blocker_is_not_a_blocker() -> None:
    _is("không có khó khăn vướng mắc gì, đã gửi", "done")
    _is("hết vướng rồi, nộp xong rồi ạ", "done")


# ---- done in the words of the office -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "đã chuyển văn bản qua trục liên thông",
        "văn thư đã vào sổ và phát hành",
        "đã ký số rồi ạ",
        "em đã gửi qua hộp thư công vụ",
        "đã đăng lên cổng dịch vụ công",
        "đã nhập số liệu lên phần mềm rồi",
        "em đã gửi file trong nhóm zalo",
        "đã tổ chức hội nghị triển khai xong",
        "the report was submitted through the portal",
    ],
)
def test_done_in_the_words_of_the_office(text: str) -> None:
    _is(text, "done")


# ---- in progress ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("được sáu mươi lăm phần trăm", 65),
        ("tám mươi phần trăm rồi", 80),
        ("đạt khoảng 45 %", 45),
        ("mới đc nửa chặng", 50),
        ("3/4 tổ đã gửi", 75),
        ("2 trên 8 khu phố đã nộp", 25),
        ("làm được hai phần ba rồi", 67),
        ("about seventy percent", 70),
    ],
)
def test_shares_in_words_digits_and_fractions(text: str, percent: int) -> None:
    _is(text, "in_progress", percent)


def test_dates_and_document_numbers_are_never_a_share() -> None:
    assert read_percent("ngay 14 / 7")[0] is None
    assert read_percent("so 12 / kh - ubnd")[0] is None
    assert read_percent("nop tu hom 3 / 4 roi")[0] is None
    assert read_percent("duoc 3 / 4 roi")[0] == 75
    assert words_value("bay muoi lam") == 75
    assert words_value("muoi") == 10
    assert words_value("mot tram") == 100
    _is("đã nộp từ ngày 2/7", "done")


@pytest.mark.parametrize(
    "text",
    [
        "đang chờ chủ tịch ký",
        "đã trình phó chủ tịch",
        "thứ năm này em gửi ạ",
        "chiều mai em nộp",
        "đầu tuần sau gửi chị nhé",
        "mới triển khai được mấy hôm",
        "vừa bắt đầu làm",
        "mai chị nhé",
    ],
)
def test_in_progress_in_its_many_forms(text: str) -> None:
    _is(text, "in_progress")


# ---- blocked without the word "vướng" ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("phần mềm quản lý văn bản bị lỗi từ hôm qua", "lỗi"),
        ("không vào được cổng dịch vụ công", "cổng"),
        ("chưa có kinh phí", "kinh phí"),
        ("thiếu người làm", "thiếu"),
        ("chưa có hướng dẫn của quận", "hướng dẫn"),
        ("đang chờ chi cục thuế gửi số liệu", "thuế"),
        ("cán bộ phụ trách nghỉ sinh", "nghỉ sinh"),
        ("xin lùi hạn đến thứ hai", "lùi hạn"),
    ],
)
def test_blocked_without_the_word(text: str, reason: str) -> None:
    parsed = parse_reply(text)
    assert parsed.status == "blocked", (text, parsed)
    assert reason in parsed.note


def test_cannot_because_is_blocked_with_the_reason_as_note() -> None:
    parsed = parse_reply("Chưa làm được vì chưa có mẫu biểu")
    assert (parsed.status, parsed.note) == ("blocked", "chưa có mẫu biểu")
    parsed = parse_reply("chưa nộp được do máy tính hỏng")
    assert (parsed.status, parsed.note) == ("blocked", "máy tính hỏng")
    # the unit's own work still going on is not a blocker
    assert parse_reply("chưa gửi được vì còn phải sửa").status == "in_progress"


def test_the_blocker_wins_and_the_share_is_kept() -> None:
    _is("được 40% rồi nhưng thiếu số liệu của 2 tổ", "blocked", 40)


# ---- not started ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["chưa làm gì ạ", "chưa đụng tới", "0%", "để em làm ngay ạ"])
def test_not_started(text: str) -> None:
    _is(text, "not_started")


# ---- questions and small talk: never a status ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "báo cáo này gửi về đâu ạ",
        "nộp bản giấy hay bản điện tử ạ?",
        "có cần xin chữ ký lãnh đạo không chị",
        "mẫu số 3 lấy ở đâu vậy",
        "hạn là ngày nào ạ",
        "which office do I send it to?",
    ],
)
def test_questions_are_not_a_status(text: str) -> None:
    parsed = parse_reply(text)
    assert (parsed.category, parsed.is_report, parsed.question) == ("question", False, True)


@pytest.mark.parametrize(
    "text", ["em cảm ơn chị ạ", "dạ vâng", "ok chị nhé", "🙏🙏", "👍🏻", "[Sticker]", "thanks!"]
)
def test_small_talk_is_an_acknowledgement(text: str) -> None:
    parsed = parse_reply(text)
    assert parsed.acknowledgement and not parsed.is_report, (text, parsed)


def test_a_status_with_a_question_is_the_status() -> None:
    parsed = parse_reply("xong rồi ạ, có cần gửi bản giấy không chị?")
    assert (parsed.status, parsed.question) == ("done", True)


# ---- numbers out of range ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("150%", 150), ("đạt 180 %", 180), ("-10%", -10)])
def test_out_of_range_is_a_clear_question(text: str, number: int) -> None:
    parsed = parse_reply(text)
    assert (parsed.status, parsed.percent, parsed.out_of_range, parsed.confirm) == (
        "unclear",
        None,
        number,
        True,
    )


def test_a_range_is_not_a_negative_number() -> None:
    assert parse_reply("được khoảng 50-60%").percent == 60


# ---- the safety net ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "chắc là xong rồi chị",
        "hình như văn thư gửi rồi",
        "em nghĩ là nộp rồi",
        "gửi rồi mà chưa thấy phòng phản hồi",
        "xong phần em rồi",
        "đã triển khai rồi",
        "I think we sent it",
    ],
)
def test_a_doubtful_done_is_confirmed(text: str) -> None:
    _is(text, "done", confirm=True)


@pytest.mark.parametrize("text", ["xong rồi ạ", "đã gửi qua trục liên thông", "chắc chắn xong rồi"])
def test_a_certain_done_is_not_asked(text: str) -> None:
    _is(text, "done")


# ---- English -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("all done, sent this morning", "done"),
        ("not finished yet", "in_progress"),
        ("will submit on Friday", "in_progress"),
        ("we cannot log in to the system", "blocked"),
        ("haven't started", "not_started"),
        ("got it, thanks", "acknowledgement"),
    ],
)
def test_english(text: str, category: str) -> None:
    _is(text, category)
