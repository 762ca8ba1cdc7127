"""The Word report (*báo cáo*), ready for the coordinator to edit and sign (python-docx).

Laid out like a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP): governing body and
issuing office top left, the national motto top right, "…, ngày … tháng … năm …" filled with
the real date, the title "BÁO CÁO / Tình hình thực hiện nhiệm vụ …", then

I.   the figures per category in prose and in a table;
II.  the units that are late and their tasks;
III. the blocked notes (*khó khăn, vướng mắc*) and the units dondoc could not reach;
then "Nơi nhận" and the signature block. Parts the deployment did not configure (office
name, place, signer) are left out rather than replaced by dots: nothing to fill in by hand.

Long lists (a national summary has thousands of units) are cut after ``MAX_LISTED`` entries
with a sentence giving the rest's count and pointing to the Excel workbook.
"""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from dondoc.locales import _, format_period, format_short_day
from dondoc.storage.exports import ReportHeading
from dondoc.storage.exports.common import (
    category_word,
    percent_of,
    plan_words,
    rate_text,
    scope_words,
)
from dondoc.storage.summary_model import CATEGORIES, Category, Summary, SummaryItem
from dondoc.storage.text import fold

MAX_LISTED = 100
FONT = "Times New Roman"


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


def write_docx(
    summary: Summary,
    stream: BinaryIO,
    language: str = "vi",
    *,
    issued: date,
    heading: ReportHeading,
) -> None:
    """Write the report of ``summary`` to ``stream``, dated ``issued``."""
    doc = Document()
    _page_setup(doc)
    heading = _with_plan_issuer(summary, heading)
    _heading_block(doc, heading, issued, language)
    _title(doc, summary, language)
    _results(doc, summary, language)
    _late_units(doc, summary, language)
    _blocked(doc, summary, language)
    _closing(doc, summary, heading, language)
    doc.save(stream)


def _with_plan_issuer(summary: Summary, heading: ReportHeading) -> ReportHeading:
    """Without a configured governing body, a single plan's issuer stands in."""
    if heading.authority or len(summary.plans) != 1 or not summary.plans[0].issuer:
        return heading
    return ReportHeading(
        authority=summary.plans[0].issuer,
        office=heading.office,
        place=heading.place,
        signer_title=heading.signer_title,
        signer_name=heading.signer_name,
    )


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    # East-Asian font slot too, so Word does not substitute for Vietnamese letters.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)


def _para(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = None,
    indent: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _heading_block(doc: Any, heading: ReportHeading, issued: date, language: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10.0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].text = ""
    if heading.authority:
        left.paragraphs[0].add_run(heading.authority.upper()).font.size = Pt(12)
        left.paragraphs[0].alignment = center
    if heading.office:
        _para(left, heading.office.upper(), bold=True, size=12, align=center)
    right.paragraphs[0].add_run(_t("exports.docx.nation", language)).bold = True
    right.paragraphs[0].runs[0].font.size = Pt(12)
    right.paragraphs[0].alignment = center
    _para(right, _t("exports.docx.motto", language), bold=True, size=13, align=center)
    date_line = _t(
        "exports.docx.date_line",
        language,
        # Nghị định 30/2020: a zero before days below 10 and the months 1 and 2.
        day=f"{issued.day:02d}",
        month=f"{issued.month:02d}" if issued.month < 3 else str(issued.month),
        year=issued.year,
    )
    if heading.place:
        date_line = _t("exports.docx.place_date", language, place=heading.place, date=date_line)
    else:
        date_line = date_line[:1].upper() + date_line[1:]
    _para(right, date_line, italic=True, size=13, align=center)


def _title(doc: Any, summary: Summary, language: str) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "")
    _para(doc, _t("exports.docx.title", language), bold=True, size=14, align=center)
    _para(
        doc,
        _t(
            "exports.docx.subtitle",
            language,
            plan=plan_words(summary, language),
            scope=scope_words(summary, language),
        ),
        bold=True,
        size=14,
        align=center,
    )
    _para(doc, "")
    if len(summary.plans) == 1 and summary.plans[0].title:
        plan = summary.plans[0]
        subject = " ".join(plan.title.split())
        if fold(subject).startswith("ke hoach "):
            subject = subject[len("kế hoạch ") :]
        subject = subject[:1].lower() + subject[1:]
        key = "exports.docx.basis_issuer" if plan.issuer else "exports.docx.basis"
        _para(
            doc,
            _t(key, language, code=plan.code, title=subject, issuer=plan.issuer),
            indent=True,
        )


def _results(doc: Any, summary: Summary, language: str) -> None:
    _para(doc, _t("exports.docx.section.results", language), bold=True)
    total = summary.total
    today = format_short_day(summary.today, language)
    if not total:
        _para(doc, _t("exports.docx.nothing", language, today=today), indent=True)
        return
    counts = summary.counts
    parts = [
        _t(
            "exports.docx.count_part",
            language,
            count=counts[c],
            category=category_word(c, language).lower(),
            share=percent_of(counts[c], total, language),
        )
        for c in CATEGORIES
        if counts[c]
    ]
    _para(
        doc,
        _t(
            "exports.docx.overview",
            language,
            today=today,
            total=total,
            units=len(summary.per_unit),
            parts="; ".join(parts),
        ),
        indent=True,
    )
    if summary.on_time_rate is not None:
        _para(
            doc,
            _t(
                "exports.docx.rate",
                language,
                rate=rate_text(summary.on_time_rate, language),
            ),
            indent=True,
        )
    if summary.blocked or summary.unreachable_units:
        _para(
            doc,
            _t(
                "exports.docx.flags",
                language,
                blocked=len(summary.blocked),
                unreachable=len(summary.unreachable_units),
            ),
            indent=True,
        )
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, key in zip(
        table.rows[0].cells,
        ("exports.col.category", "exports.col.count", "exports.col.share"),
        strict=True,
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(_t(key, language)).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for category in CATEGORIES:
        row = table.add_row().cells
        row[0].text = category_word(category, language)
        row[1].text = str(counts[category])
        row[2].text = percent_of(counts[category], total, language)
        for cell in row[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    row = table.add_row().cells
    for cell, text in zip(
        row, (_t("exports.col.grand_total", language), str(total), "100%"), strict=True
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    row[1].paragraphs[0].alignment = row[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "")


def _item_text(item: SummaryItem, summary: Summary, language: str) -> str:
    label = item.label()
    category = category_word(item.category, language).lower()
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


def _late_units(doc: Any, summary: Summary, language: str) -> None:
    _para(doc, _t("exports.docx.section.late", language), bold=True)
    late_items: dict[int, list[SummaryItem]] = {}
    for item in summary.items:
        if item.category in (Category.OVERDUE, Category.DONE_LATE):
            late_items.setdefault(item.unit_id, []).append(item)
    units = sorted(
        (u for u in summary.per_unit if u.unit_id in late_items),
        key=lambda u: (-u.late, u.unit_code),
    )
    if not units:
        _para(doc, _t("exports.docx.no_late", language), indent=True)
        return
    _para(doc, _t("exports.docx.late_intro", language, count=len(units)), indent=True)
    for number, unit in enumerate(units[:MAX_LISTED], start=1):
        parts = [
            _t(
                "exports.docx.unit_count",
                language,
                count=unit.counts[c],
                category=category_word(c, language).lower(),
            )
            for c in (Category.OVERDUE, Category.DONE_LATE)
            if unit.counts[c]
        ]
        _para(
            doc,
            _t(
                "exports.docx.late_unit",
                language,
                number=number,
                unit=unit.unit_name,
                parts=", ".join(parts),
            ),
            indent=True,
        )
        items = late_items[unit.unit_id]
        for item in items[:10]:
            _para(doc, "- " + _item_text(item, summary, language), indent=True)
        if len(items) > 10:
            _para(doc, _t("exports.docx.more_items", language, count=len(items) - 10), indent=True)
    if len(units) > MAX_LISTED:
        _para(
            doc,
            _t("exports.docx.more_units", language, count=len(units) - MAX_LISTED),
            italic=True,
            indent=True,
        )


def _blocked(doc: Any, summary: Summary, language: str) -> None:
    _para(doc, _t("exports.docx.section.blocked", language), bold=True)
    if not summary.blocked:
        _para(doc, _t("exports.docx.no_blocked", language), indent=True)
    for item in summary.blocked[:MAX_LISTED]:
        _para(
            doc,
            _t(
                "exports.docx.blocked_item",
                language,
                unit=item.unit_name,
                task=item.label(),
                note=" ".join(item.note.split()) or _t("exports.docx.no_note", language),
            ),
            indent=True,
        )
    if len(summary.blocked) > MAX_LISTED:
        _para(
            doc,
            _t("exports.docx.more_blocked", language, count=len(summary.blocked) - MAX_LISTED),
            italic=True,
            indent=True,
        )
    if summary.unreachable_units:
        names = [u.name for u in summary.unreachable_units[:MAX_LISTED]]
        text = _t("exports.docx.unreachable", language, units="; ".join(names))
        if len(summary.unreachable_units) > MAX_LISTED:
            text += " " + _t(
                "exports.docx.more_units_short",
                language,
                count=len(summary.unreachable_units) - MAX_LISTED,
            )
        _para(doc, text, indent=True)


def _closing(doc: Any, summary: Summary, heading: ReportHeading, language: str) -> None:
    _para(doc, _t("exports.docx.closing", language), indent=True)
    _para(doc, "")
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run(_t("exports.docx.recipients", language))
    run.bold = run.italic = True
    run.font.size = Pt(12)
    for key in ("exports.docx.recipient_leaders", "exports.docx.recipient_units",
                "exports.docx.recipient_archive"):  # fmt: skip
        _para(left, _t(key, language), size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].text = ""
    title = heading.signer_title or _t("exports.docx.signer_default", language)
    right.paragraphs[0].add_run(title.upper()).bold = True
    right.paragraphs[0].alignment = center
    for _blank in range(4):
        _para(right, "")
    if heading.signer_name:
        _para(right, heading.signer_name, bold=True, align=center)
