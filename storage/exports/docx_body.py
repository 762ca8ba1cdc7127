"""The body of the Word report (*nội dung báo cáo*): I. the figures, II. the late units,
III. the difficulties and the units no officer receives the reminders of. The layout around it
(heading, title, signature) is ``storage.exports.docx``.

Every count of overdue items says how many were never reported; units the reminders reach
nobody of are worded as a fact of the system ("chưa có cán bộ nhận tin nhắc"), with the reason
(no officer linked yet, or messages cannot reach the linked officers), never as the unit's
fault.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from dondoc.locales import _, format_period, format_short_day
from dondoc.storage.exports.common import category_word, percent_of, rate_text
from dondoc.storage.summary_model import (
    CATEGORIES,
    Category,
    Summary,
    SummaryItem,
    Unreachable,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
MAX_ITEMS_PER_UNIT = 10


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


def _para(doc: Any, text: str, **kwargs: Any) -> Any:
    from dondoc.storage.exports.docx import para

    return para(doc, text, **kwargs)


def _category_part(summary: Summary, category: Category, language: str) -> str:
    count, total = summary.counts[category], summary.total
    share = percent_of(count, total, language)
    if category is Category.OVERDUE and summary.overdue_unreported:
        share = _t("exports.docx.share_unreported", language, share=share,
                   count=summary.overdue_unreported)  # fmt: skip
    return _t(
        "exports.docx.count_part",
        language,
        count=count,
        category=category_word(category, language).lower(),
        share=share,
    )


def results_section(doc: Any, summary: Summary, language: str) -> None:
    _para(doc, _t("exports.docx.section.results", language), bold=True)
    total = summary.total
    today = format_short_day(summary.today, language)
    if not total:
        _para(doc, _t("exports.docx.nothing", language, today=today), indent=True)
        return
    parts = [_category_part(summary, c, language) for c in CATEGORIES if summary.counts[c]]
    _para(
        doc,
        _t(
            "exports.docx.overview",
            language,
            today=today,
            total=total,
            units=len(summary.per_unit),
            parts="; ".join(parts),
        ),  # fmt: skip
        indent=True,
    )
    if summary.on_time_rate is not None:
        rate = rate_text(summary.on_time_rate, language)
        _para(doc, _t("exports.docx.rate", language, rate=rate), indent=True)
    if summary.blocked_count or summary.unreachable_units:
        _para(
            doc,
            _t(
                "exports.docx.flags",
                language,
                blocked=summary.blocked_count,
                unreachable=len(summary.unreachable_units),
            ),  # fmt: skip
            indent=True,
        )
    _numbers_table(doc, summary, language)


def _numbers_table(doc: Any, summary: Summary, language: str) -> None:
    from dondoc.storage.exports.docx import fixed_table

    total = summary.total
    rows: list[tuple[str, str, str, bool, bool]] = []
    for category in CATEGORIES:
        count = summary.counts[category]
        rows.append((category_word(category, language), str(count),
                     percent_of(count, total, language), False, False))  # fmt: skip
        if category is Category.OVERDUE:
            unreported = summary.overdue_unreported
            rows.append((_t("exports.docx.of_which_unreported", language), str(unreported),
                         percent_of(unreported, total, language), False, True))  # fmt: skip
    rows.append((_t("exports.col.grand_total", language), str(total), "100%", True, False))
    table = fixed_table(doc, len(rows) + 1, (Cm(9.0), Cm(3.5), Cm(3.5)))
    table.style = "Table Grid"
    keys = ("exports.col.category", "exports.col.count", "exports.col.share")
    for cell, key in zip(table.rows[0].cells, keys, strict=True):
        run = cell.paragraphs[0].add_run(_t(key, language))
        run.bold = True
        cell.paragraphs[0].alignment = CENTER
    for row, (label, count, share, bold, italic) in zip(table.rows[1:], rows, strict=True):
        for n, (cell, text) in enumerate(zip(row.cells, (label, count, share), strict=True)):
            run = cell.paragraphs[0].add_run(text)
            run.bold, run.italic = bold, italic
            if n:
                cell.paragraphs[0].alignment = CENTER
    _para(doc, "")


def _item_text(item: SummaryItem, language: str) -> str:
    label = item.label()
    category = category_word(item.category, language).lower()
    if item.unreported:
        category = _t("exports.docx.never_reported", language, category=category)
    if item.due is None:
        return _t("exports.docx.late_item_no_due", language, task=label, category=category)
    due = format_short_day(item.due, language)
    if item.period == item.due.isoformat():  # a one-off deadline: the period is the date
        return _t("exports.docx.late_item_once", language, task=label, due=due, category=category)
    return _t(
        "exports.docx.late_item",
        language,
        task=label,
        period=format_period(item.period, language),
        due=due,
        category=category,
    )


def late_section(
    doc: Any, summary: Summary, items: list[SummaryItem], language: str, max_listed: int
) -> None:
    """Units with items done late or overdue, most first, each with its tasks."""
    _para(doc, _t("exports.docx.section.late", language), bold=True)
    late_items: dict[int, list[SummaryItem]] = {}
    for item in items:
        if item.category in (Category.OVERDUE, Category.DONE_LATE):
            late_items.setdefault(item.unit_id, []).append(item)
    units = late_units(summary)
    if not units:
        _para(doc, _t("exports.docx.no_late", language), indent=True)
        return
    _para(doc, _t("exports.docx.late_intro", language, count=len(units)), indent=True)
    for number, unit in enumerate(units[:max_listed], start=1):
        parts = []
        for category in (Category.OVERDUE, Category.DONE_LATE):
            if not unit.counts[category]:
                continue
            part = _t("exports.docx.unit_count", language, count=unit.counts[category],
                      category=category_word(category, language).lower())  # fmt: skip
            if category is Category.OVERDUE and unit.overdue_unreported:
                part += " " + _t("exports.docx.unit_unreported", language,
                                 count=unit.overdue_unreported)  # fmt: skip
            parts.append(part)
        _para(
            doc,
            _t(
                "exports.docx.late_unit",
                language,
                number=number,
                unit=unit.unit_name,
                parts=", ".join(parts),
            ),  # fmt: skip
            indent=True,
        )
        listed = late_items.get(unit.unit_id, [])
        for item in listed[:MAX_ITEMS_PER_UNIT]:
            _para(doc, "- " + _item_text(item, language), indent=True)
        if unit.late > MAX_ITEMS_PER_UNIT:
            more = unit.late - MAX_ITEMS_PER_UNIT
            _para(doc, _t("exports.docx.more_items", language, count=more), indent=True)
    if len(units) > max_listed:
        _para(
            doc,
            _t("exports.docx.more_units", language, count=len(units) - max_listed),
            italic=True,
            indent=True,
        )


def late_units(summary: Summary) -> list[Any]:
    """The units the report lists as late, most late first."""
    return sorted((u for u in summary.per_unit if u.late), key=lambda u: (-u.late, u.unit_code))


def blocked_section(
    doc: Any, summary: Summary, blocked: list[SummaryItem], language: str, max_listed: int
) -> None:
    _para(doc, _t("exports.docx.section.blocked", language), bold=True)
    if not summary.blocked_count:
        _para(doc, _t("exports.docx.no_blocked", language), indent=True)
    for item in blocked[:max_listed]:
        note = " ".join(item.note.split()) or _t("exports.docx.no_note", language)
        _para(
            doc,
            _t(
                "exports.docx.blocked_item",
                language,
                unit=item.unit_name,
                task=item.label(),
                note=note,
            ),  # fmt: skip
            indent=True,
        )
    if summary.blocked_count > max_listed:
        _para(
            doc,
            _t("exports.docx.more_blocked", language, count=summary.blocked_count - max_listed),
            italic=True,
            indent=True,
        )
    if not summary.unreachable_units:
        return
    _para(
        doc,
        _t("exports.docx.unreachable_intro", language, count=len(summary.unreachable_units)),
        indent=True,
    )
    shown = 0
    for reason in Unreachable:
        units = summary.unreachable_by(reason)
        if not units:
            continue
        names = [u.name for u in units[: max(max_listed - shown, 0)]]
        shown += len(names)
        more = _t("exports.docx.more_units_short", language, count=len(units) - len(names))
        key = f"exports.docx.unreachable_{reason.value}"
        if names:
            text = "- " + _t(key, language, units="; ".join(names))
            if len(units) > len(names):
                text += " " + more[:1].upper() + more[1:]
        else:  # the list is full: only the count
            text = "- " + _t(key, language, units="").rstrip(": .") + ": " + more
        _para(doc, text, indent=True)
