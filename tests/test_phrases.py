"""Deadline phrases → schedules: every row of DESIGN.md's table, the variants in the seeds'
tables, and the prose deadlines of the Quận 6, Thanh Xuân and Phú Định plans."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.scheduler.phrases import parse_deadline
from dondoc.scheduler.schedules import DueRules, ScheduleKind, occurrences
from tests.conftest import SEEDS

ONCE, MONTHLY, QUARTERLY = ScheduleKind.ONCE, ScheduleKind.MONTHLY, ScheduleKind.QUARTERLY
PERIODIC, ANNUAL, ONGOING = ScheduleKind.PERIODIC, ScheduleKind.ANNUAL, ScheduleKind.ONGOING
EVENT, UNKNOWN = ScheduleKind.EVENT, ScheduleKind.UNKNOWN


@pytest.mark.parametrize(
    ("phrase", "due", "label"),
    [
        ("gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024", date(2024, 7, 15), None),
        ("trước ngày 05/3/2024", date(2024, 3, 5), None),
        ("Trước ngày 05-03-2024", date(2024, 3, 5), None),
        ("TRUOC NGAY 15 THANG 9 NAM 2024", date(2024, 9, 15), None),
        ("Tháng 6/2024", date(2024, 6, 30), "2024-06"),
        ("tháng 02 năm 2024", date(2024, 2, 29), "2024-02"),
        ("Quý IV năm 2025", date(2025, 12, 31), "2025-Q4"),
        ("Quý 1/2024", date(2024, 3, 31), "2024-Q1"),
        ("Trong năm 2024", date(2024, 12, 31), "2024"),
        ("Năm 2022", date(2022, 12, 31), "2022"),
        ("Đảm bảo đến hết năm 2025", date(2025, 12, 31), "2025"),
        ("6 tháng đầu năm 2024", date(2024, 6, 30), "2024-6T"),
    ],
)
def test_once_phrases_give_their_date(phrase: str, due: date, label: str | None) -> None:
    parsed = parse_deadline(phrase, 2024)
    assert parsed.schedule.kind is ONCE
    assert parsed.schedule.due == due
    assert parsed.schedule.label == label
    assert parsed.warnings == []


@pytest.mark.parametrize(
    "phrase",
    [
        "Hằng tháng",
        "Hàng tháng",
        "hang thang",
        "HẰNG THÁNG",
        "Định kỳ hằng tháng",
        "Thời gian thực hiện: Định kỳ hằng tháng.",
        "**Thời gian thực hiện: Định kỳ hằng tháng.**",
        "mỗi tháng",
    ],
)
def test_monthly_variants(phrase: str) -> None:
    parsed = parse_deadline(phrase, 2025)
    assert parsed.schedule.kind is MONTHLY
    assert (parsed.schedule.start, parsed.schedule.end) == (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "phrase", ["Hằng quý", "Hàng quý báo cáo UBND TP", "hang quy", "Định kỳ hằng quý"]
)
def test_quarterly_variants(phrase: str) -> None:
    assert parse_deadline(phrase, 2024).schedule.kind is QUARTERLY


def test_periodic_with_due_day_of_last_month() -> None:
    phrase = "Báo cáo định kỳ (Quý I, 6 tháng, 9 tháng, năm) chậm nhất ngày 05 của tháng cuối kỳ"
    schedule = parse_deadline(phrase, 2024).schedule
    assert schedule.kind is PERIODIC
    assert schedule.day == 5
    assert schedule.periods == ("Q1", "6T", "9T", "year")
    found = occurrences(schedule, date(2024, 1, 1), date(2024, 12, 31), DueRules())
    assert [(o.period, o.due) for o in found] == [
        ("2024-Q1", date(2024, 3, 5)),
        ("2024-6T", date(2024, 6, 5)),
        ("2024-9T", date(2024, 9, 5)),
        ("2024", date(2024, 12, 5)),
    ]


def test_six_months_is_half_yearly_and_the_year() -> None:
    for phrase in ("6 tháng", "Định kỳ 6 tháng và cả năm", "định kỳ ít nhất 6 tháng/lần"):
        schedule = parse_deadline(phrase, 2024).schedule
        assert schedule.kind is PERIODIC, phrase
        assert schedule.periods == ("6T", "year"), phrase


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("Hằng năm", date(2024, 1, 1), date(2024, 12, 31)),
        ("Hàng năm", date(2024, 1, 1), date(2024, 12, 31)),
        ("Năm 2022 và các năm tiếp theo", date(2022, 1, 1), None),
        ("năm 2022 và những năm tiếp theo", date(2022, 1, 1), None),
    ],
)
def test_annual(phrase: str, start: date, end: date | None) -> None:
    schedule = parse_deadline(phrase, 2024).schedule
    assert schedule.kind is ANNUAL
    assert (schedule.start, schedule.end) == (start, end)


def test_annual_from_a_year_ends_with_a_multi_year_plan() -> None:
    schedule = parse_deadline("Năm 2022 và các năm tiếp theo", 2022, last_year=2030).schedule
    assert (schedule.start, schedule.end) == (date(2022, 1, 1), date(2030, 12, 31))


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("Thường xuyên", date(2024, 1, 1), date(2024, 12, 31)),
        ("2022-2030", date(2022, 1, 1), date(2030, 12, 31)),
        ("2022- 2030", date(2022, 1, 1), date(2030, 12, 31)),
        ("Năm 2022 - 2030", date(2022, 1, 1), date(2030, 12, 31)),
        ("Giai đoạn 2021 – 2025", date(2021, 1, 1), date(2025, 12, 31)),
    ],
)
def test_ongoing(phrase: str, start: date, end: date) -> None:
    schedule = parse_deadline(phrase, 2024).schedule
    assert schedule.kind is ONGOING
    assert (schedule.start, schedule.end) == (start, end)
    assert all(o.due is None for o in occurrences(schedule, start, end))


@pytest.mark.parametrize(
    "phrase",
    [
        "Trước bầu cử",
        "Sau khi ban hành",
        "Khi có văn bản dự thảo",
        "Khi triển khai các dự án",
        "sau khi co quyet dinh",
        "Ngay sau khi UBND Thành phố ban hành",
    ],
)
def test_event_phrases_wait_for_the_coordinator(phrase: str) -> None:
    parsed = parse_deadline(phrase, 2024)
    assert parsed.schedule.kind is EVENT
    assert parsed.schedule.due is None
    assert parsed.warnings == ["deadline.event_needs_date"]
    assert occurrences(parsed.schedule, date(2024, 1, 1), date(2024, 12, 31)) == []


@pytest.mark.parametrize(
    ("phrase", "warning"),
    [
        ("", "deadline.empty"),
        ("   ", "deadline.empty"),
        ("Theo quy định", "deadline.by_rule"),
        ("theo kế hoạch của UBND quận", "deadline.by_rule"),
        ("sớm nhất có thể", "deadline.unreadable"),
        ("31/02/2024", "deadline.invalid_date"),
        ("ngày 30 tháng 2 năm 2024", "deadline.invalid_date"),
    ],
)
def test_never_invents_a_date(phrase: str, warning: str) -> None:
    parsed = parse_deadline(phrase, 2024)
    assert parsed.schedule.kind is UNKNOWN
    assert parsed.schedule.due is None
    assert parsed.warnings == [warning]


def test_a_period_without_year_takes_the_plans_year_and_says_so() -> None:
    parsed = parse_deadline("Quý III", 2024)
    assert (parsed.schedule.kind, parsed.schedule.due) == (ONCE, date(2024, 9, 30))
    assert parsed.warnings == ["deadline.year_from_plan"]
    unknown = parse_deadline("Quý III", None)
    assert unknown.schedule.kind is UNKNOWN
    assert unknown.warnings == ["deadline.needs_year"]
    assert parse_deadline("trước ngày 15/7", None).schedule.kind is UNKNOWN
    assert parse_deadline("trước ngày 15/7", 2024).schedule.due == date(2024, 7, 15)
    assert parse_deadline("Trước 30/6", 2024).schedule.due == date(2024, 6, 30)
    assert parse_deadline("Trước 30/6/2025", 2024).schedule.due == date(2025, 6, 30)


def test_recurring_with_a_day() -> None:
    schedule = parse_deadline("trước ngày 20 hằng tháng", 2024).schedule
    assert (schedule.kind, schedule.day) == (MONTHLY, 20)
    annual = parse_deadline("Trước ngày 15/12 hằng năm", 2024).schedule
    assert (annual.kind, annual.day) == (ANNUAL, 15)
    assert parse_deadline("Trước ngày 31/12 hằng năm", 2024).schedule.day == 31


def test_several_kinds_take_the_shortest_with_a_warning() -> None:
    parsed = parse_deadline("báo cáo định kỳ hằng tháng, hằng quý", 2024)
    assert parsed.schedule.kind is MONTHLY
    assert parsed.warnings == ["deadline.several_kinds"]


def test_phu_dinh_reports_monthly_in_2025_only() -> None:
    phrase = "báo cáo định kỳ hàng quý (riêng năm 2025 báo cáo hàng tháng)"
    in_2025 = parse_deadline(phrase, 2025)
    assert in_2025.schedule.kind is MONTHLY
    assert in_2025.schedule.end == date(2025, 12, 31)
    assert in_2025.warnings == ["deadline.exception_year"]
    assert parse_deadline(phrase, 2026).schedule.kind is QUARTERLY


def test_kind_names_still_work_for_schedule_preview() -> None:
    assert parse_deadline("monthly", 2024).schedule.kind is MONTHLY
    assert parse_deadline("once", 2024).schedule.kind is UNKNOWN


def _seed(name: str) -> str:
    return " ".join((SEEDS / name).read_text(encoding="utf-8").split())


def test_prose_deadlines_of_the_quan6_plan() -> None:
    text = _seed("quan6-par-sipas-2024.txt")
    for phrase, due in (
        ("gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024", date(2024, 7, 15)),
        ("(thông qua Phòng Nội vụ) trước ngày 15 tháng 9 năm 2024", date(2024, 9, 15)),
        ("Chỉ số CCHC năm 2024 trước ngày 15 tháng 10 năm 2024", date(2024, 10, 15)),
    ):
        assert phrase in text
        parsed = parse_deadline(phrase, 2024)
        assert (parsed.schedule.kind, parsed.schedule.due) == (ONCE, due)
    assert "Định kỳ hằng tháng" in text
    assert parse_deadline("Định kỳ hằng tháng thống kê tình hình", 2024).schedule.kind is MONTHLY
    assert "Định kỳ 6 tháng và cả năm" in text
    assert parse_deadline("Định kỳ 6 tháng và cả năm rà soát", 2024).schedule.kind is PERIODIC
    assert parse_deadline("định kỳ hằng năm", 2024).schedule.kind is ANNUAL


def test_prose_deadlines_of_the_thanh_xuan_plan() -> None:
    text = _seed("thanhxuan-cchc-2024.txt")
    phrase = "chậm nhất là ngày 05 của tháng cuối kỳ báo cáo"
    assert phrase in text
    schedule = parse_deadline(phrase, 2024).schedule
    assert (schedule.kind, schedule.day, schedule.periods) == (
        PERIODIC,
        5,
        ("Q1", "6T", "9T", "year"),
    )
    titled = "Báo cáo CCHC định kỳ (Quý 1, 6 tháng, 9 tháng và báo cáo năm)"
    assert titled in text
    assert parse_deadline(titled + " " + phrase, 2024).schedule.day == 5
    assert "trước ngày 05/3/2024" in text
    assert parse_deadline(
        "gửi về UBND quận qua phòng Nội vụ trước ngày 05/3/2024", 2024
    ).schedule.due == date(2024, 3, 5)
    assert parse_deadline("đánh giá, xếp loại hàng tháng", 2024).schedule.kind is MONTHLY


def test_prose_deadlines_of_the_phu_dinh_plan() -> None:
    text = _seed("phudinh-par-sipas-2025.txt")
    assert "Thời gian thực hiện: Định kỳ hằng tháng." in text
    assert parse_deadline("Thời gian thực hiện: Định kỳ hằng tháng.", 2025).schedule.kind is MONTHLY
    assert "đến hết năm 2025" in text
    assert parse_deadline("Đảm bảo đến hết năm 2025", 2025).schedule.due == date(2025, 12, 31)
    assert "6 tháng cuối năm 2025" in text
    second_half = parse_deadline("6 tháng cuối năm 2025", 2025).schedule
    assert (second_half.kind, second_half.due) == (ONCE, date(2025, 12, 31))
    assert parse_deadline("Thường xuyên theo dõi, đôn đốc", 2025).schedule.kind is ONGOING
