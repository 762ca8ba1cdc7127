"""Periods as people write them: labels, first and last days, and refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dondoc.locales import _
from dondoc.storage.errors import UserError
from dondoc.storage.periods import parse_period


@pytest.mark.parametrize(
    ("text", "label", "first", "last"),
    [
        ("2024-07", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("tháng 7/2024", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("Tháng 07 năm 2024", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("T7/2024", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("07/2024", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("2024-Q3", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-q1", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("quý 3/2024", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("Quý III 2024", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("QUÝ IV NĂM 2025", "2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("Q2/2024", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-6T", "2024-6T", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024-9T", "2024-9T", date(2024, 1, 1), date(2024, 9, 30)),
        ("6 tháng 2024", "2024-6T", date(2024, 1, 1), date(2024, 6, 30)),
        ("6 tháng đầu năm 2024", "2024-6T", date(2024, 1, 1), date(2024, 6, 30)),
        ("9 tháng năm 2024", "2024-9T", date(2024, 1, 1), date(2024, 9, 30)),
        ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("năm 2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("  Năm  2024 ", "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_forms(text: str, label: str, first: date, last: date) -> None:
    period = parse_period(text)
    assert (period.label, period.first, period.last) == (label, first, last)


def test_nfd_input_is_the_same() -> None:
    import unicodedata

    assert parse_period(unicodedata.normalize("NFD", "quý III năm 2024")).label == "2024-Q3"


def test_year_from_today_when_omitted() -> None:
    assert parse_period("tháng 7", today=date(2025, 3, 1)).label == "2025-07"
    assert parse_period("quý 2", today=date(2025, 3, 1)).label == "2025-Q2"


@pytest.mark.parametrize(
    "text",
    [
        "2024-Q5",
        "tháng 13",
        "tháng 13/2024",
        "2024-13",
        "quý V 2024",
        "",
        "hôm qua",
        "2024-7T",
        "tháng 7",
        "năm 20244",
        "1890",
    ],
)
def test_invalid(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_period(text)
    assert caught.value.key == "period.invalid"
    assert caught.value.values["value"] == text
    message = _("period.invalid", "vi", **caught.value.values)
    assert "2024-Q3" in message and "quý III/2024" in message


def test_contains() -> None:
    period = parse_period("2024-Q3")
    assert date(2024, 8, 15) in period and date(2024, 10, 1) not in period


@given(year=st.integers(1990, 2100), month=st.integers(1, 12))
def test_month_forms_agree(year: int, month: int) -> None:
    forms = [f"{year}-{month:02d}", f"tháng {month}/{year}", f"T{month}/{year}",
             f"{month:02d}/{year}", f"Tháng {month} năm {year}"]  # fmt: skip
    periods = {parse_period(form) for form in forms}
    assert len(periods) == 1
    [period] = periods
    assert period.label == f"{year}-{month:02d}"
    assert period.first == date(year, month, 1)
    assert (period.last + timedelta(days=1)).day == 1 and period.last.month == month


@given(year=st.integers(1990, 2100), quarter=st.integers(1, 4))
def test_quarter_forms_agree(year: int, quarter: int) -> None:
    roman = ["I", "II", "III", "IV"][quarter - 1]
    forms = [f"{year}-Q{quarter}", f"quý {quarter}/{year}", f"Quý {roman} năm {year}",
             f"Q{quarter}/{year}"]  # fmt: skip
    labels = {parse_period(form).label for form in forms}
    assert labels == {f"{year}-Q{quarter}"}
    period = parse_period(forms[0])
    assert period.first.month == 3 * quarter - 2 and period.last.month == 3 * quarter


@given(text=st.text(max_size=30))
def test_anything_else_is_refused_or_a_real_period(text: str) -> None:
    try:
        period = parse_period(text)
    except UserError as exc:
        assert exc.key == "period.invalid"
    else:
        assert period.first <= period.last
