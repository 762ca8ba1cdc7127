"""What every export shares: the words of the categories and periods (from ``locales``), the
colours of the categories, and how a period or a window is named in a title."""

from __future__ import annotations

from datetime import date

from locales import _, format_short_day
from storage.summary_model import CATEGORIES, Category, Summary

# Fill colours (RGB hex) of the categories, the usual traffic-light meaning in Excel.
CATEGORY_COLOURS: dict[Category, str] = {
    Category.DONE_ON_TIME: "C6EFCE",  # green
    Category.DONE_LATE: "FFEB9C",  # amber
    Category.IN_PROGRESS: "DDEBF7",  # light blue
    Category.OVERDUE: "FFC7CE",  # red
    Category.NOT_REPORTED: "E7E6E6",  # grey
}
BLOCKED_COLOUR = "C00000"  # dark red text for blocked notes


def category_word(category: Category, language: str) -> str:
    """The shared words: "Hoàn thành đúng hạn" … (catalog key ``status.category.<value>``)."""
    return _(f"status.category.{category.value}", language)


def category_words(language: str) -> list[str]:
    return [category_word(c, language) for c in CATEGORIES]


def period_words(label: str, language: str) -> str:
    """ "2024-07" → "tháng 7/2024"; "2024-Q3" → "quý III/2024"; "2024-6T" → "6 tháng đầu năm
    2024"; "2024-9T" → "9 tháng năm 2024"; "2024" → "năm 2024"; other labels as they are."""
    year, _sep, rest = label.partition("-")
    if not year.isdigit():
        return label
    if not rest:
        return _("exports.period.year", language, year=year)
    if rest.isdigit() and len(rest) <= 2:
        return _("exports.period.month", language, month=int(rest), year=year)
    if rest.startswith("Q") and rest[1:].isdigit():
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(int(rest[1:]), rest[1:])
        return _("exports.period.quarter", language, quarter=roman, year=year)
    if rest in ("6T", "9T"):
        return _(f"exports.period.first_{rest[0]}", language, year=year)
    try:
        return format_short_day(date.fromisoformat(label), language)
    except ValueError:
        return label


def scope_words(summary: Summary, language: str) -> str:
    """What a title says the summary covers: the period, or the days, or "up to …"."""
    if summary.label:
        return period_words(summary.label, language)
    if summary.first and summary.last:
        return _(
            "exports.scope.range",
            language,
            first=format_short_day(summary.first, language),
            last=format_short_day(summary.last, language),
        )
    if summary.last:
        return _("exports.scope.until", language, last=format_short_day(summary.last, language))
    return _("exports.scope.from", language, first=format_short_day(summary.first, language))


def plan_words(summary: Summary, language: str) -> str:
    """ "theo Kế hoạch số 84/KH-UBND" or "theo các kế hoạch" (all plans)."""
    if summary.plan_code or len(summary.plans) == 1:
        code = summary.plans[0].code if summary.plans else summary.plan_code
        return _("exports.scope.plan", language, code=code)
    return _("exports.scope.all_plans", language)


def rate_text(rate: float | None, language: str) -> str:
    """On-time rate as people write it: "85,7%"; "—" when nothing was due yet."""
    if rate is None:
        return "—"
    from babel.numbers import format_percent

    from locales import normalise_language

    return format_percent(rate, "#,##0.0%", locale=normalise_language(language))


def percent_of(count: int, total: int, language: str) -> str:
    return rate_text(count / total if total else None, language)
