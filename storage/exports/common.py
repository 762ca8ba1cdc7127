"""What every export shares: the words of the categories and periods (from ``locales``), the
colours of the categories, and how a period or a window is named in a title."""

from __future__ import annotations

from dondoc.locales import _, format_period, format_short_day
from dondoc.storage.summary_model import CATEGORIES, Category, Summary

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


def scope_words(summary: Summary, language: str) -> str:
    """What a title says the summary covers: the period, or the days, or "up to …"."""
    if summary.label:
        return format_period(summary.label, language)
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

    from dondoc.locales import normalise_language

    return format_percent(rate, "#,##0.0%", locale=normalise_language(language))


def percent_of(count: int, total: int, language: str) -> str:
    return rate_text(count / total if total else None, language)
