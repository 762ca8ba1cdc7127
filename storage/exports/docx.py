"""The Word report (*báo cáo*), ready to sign (python-docx), laid out as Nghị định
30/2020/NĐ-CP, Phụ lục I, asks of an administrative document:

* the heading, a borderless two-column table whose grid and cell widths agree (so Word and
  LibreOffice both keep "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line): the governing body
  above the issuing office (bold) with a short rule under it, and "Số:     /BC-VHXH" (the
  number left blank for the clerk to fill when registering); the national name (bold, upper
  case) and the motto (bold) with a rule as long as it, and "Thanh Xuân, ngày 18 tháng 7 năm
  2024" in italics on the number's line;
* the title "BÁO CÁO" and the summary line (bold, centred) with a short rule under it;
* the body: I. the figures per category (prose and table, the overdue "trong đó chưa báo
  cáo"), II. the late units and their tasks, III. the blocked notes and the units that have
  no officer receiving the reminders (a fact of the system, not a fault of the unit);
* "Nơi nhận:" and its list; the signer's title, a signing space, the name.

Times New Roman 13 (heading 12–13, title 14, recipients 11); A4 with margins 2 / 2 / 3 / 1.5 cm.
The heading's parts the deployment did not set come from its units and plans
(``storage.exports.heading``). Long lists are cut after ``MAX_LISTED`` entries with a sentence
giving the rest's count and pointing to the Excel workbook.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, BinaryIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from dondoc.locales import _, format_short_day
from dondoc.storage.exports import ReportHeading
from dondoc.storage.exports.docx_body import blocked_section, late_section, results_section
from dondoc.storage.exports.heading import complete_heading, prose_name
from dondoc.storage.summary_model import Summary, SummaryItem
from dondoc.storage.text import fold

MAX_LISTED = 100
FONT = "Times New Roman"
TEXT_WIDTH = Cm(16.5)  # A4 21 cm less 3 cm left and 1.5 cm right
HEAD_COLUMNS = (Cm(6.4), Cm(10.1))  # governing body | national name: 16.5 cm
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


def write_docx(
    summary: Summary,
    stream: BinaryIO,
    language: str = "vi",
    *,
    issued: date,
    heading: ReportHeading,
    late_items: list[SummaryItem] | None = None,
    blocked_items: list[SummaryItem] | None = None,
) -> None:
    """Write the report of ``summary`` to ``stream``, dated ``issued``. ``late_items`` and
    ``blocked_items``: the rows the report lists, when the summary has no items loaded."""
    doc = Document()
    _page_setup(doc)
    heading = complete_heading(heading, summary, language)
    _heading_block(doc, heading, issued, language)
    _title(doc, summary, heading, language)
    results_section(doc, summary, language)
    late = late_items if late_items is not None else summary.items
    late_section(doc, summary, late, language, MAX_LISTED)
    blocked = blocked_items if blocked_items is not None else summary.blocked
    blocked_section(doc, summary, blocked, language, MAX_LISTED)
    _closing(doc, heading, language)
    doc.save(stream)


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
    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def para(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = None,
    indent: bool = False,
    after: float | None = None,
) -> Paragraph:
    """A paragraph of one run; ``indent``: a body paragraph (first line 1 cm, justified)."""
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
        paragraph.paragraph_format.space_after = Pt(6)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _first(cell: Any, text: str, *, bold: bool = False, italic: bool = False,
           size: float = 13) -> Paragraph:  # fmt: skip
    """The cell's own first paragraph, with ``text``, centred."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def rule(container: Any, width: Any, column: Any) -> Paragraph:
    """A short horizontal rule (*đường kẻ ngang, nét liền*) of ``width``, centred in a column
    of ``column`` width: an empty paragraph whose top border is indented to that length."""
    paragraph = container.add_paragraph()
    side = max((column - width) // 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before, fmt.space_after = Pt(4), Pt(0)
    fmt.line_spacing = Pt(8)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "000000")):  # fmt: skip
        top.set(qn(name), value)
    borders.append(top)
    paragraph.paragraph_format.element.get_or_add_pPr().append(borders)
    return paragraph


def fixed_table(container: Any, rows: int, widths: tuple[Any, ...]) -> Table:
    """A borderless table ("Normal Table") whose grid columns and cells have the same widths,
    laid out fixed: what LibreOffice needs to keep a line on one line."""
    table = container.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _heading_block(doc: Any, heading: ReportHeading, issued: date, language: str) -> None:
    table = fixed_table(doc, 2, HEAD_COLUMNS)
    left, right = table.rows[0].cells
    if heading.authority:
        _first(left, heading.authority.upper(), size=12.5)
        if heading.office:
            para(left, heading.office.upper(), bold=True, size=12.5, align=CENTER, after=0)
    elif heading.office:
        _first(left, heading.office.upper(), bold=True, size=12.5)
    if heading.authority or heading.office:
        rule(left, Cm(2.2), HEAD_COLUMNS[0])
    _first(right, _t("exports.docx.nation", language), bold=True, size=12.5)
    para(right, _t("exports.docx.motto", language), bold=True, size=13.5, align=CENTER, after=0)
    rule(right, Cm(6.0), HEAD_COLUMNS[1])
    number, day_line = table.rows[1].cells
    # "Số:" then blank room for the clerk's number (no dots: nothing is left to guess).
    _first(number, _t("exports.docx.number", language, symbol=heading.symbol))
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
    _first(day_line, date_line, italic=True, size=13.5)


def _subject(summary: Summary, language: str) -> str | None:
    """The plan's subject for the first sentence, without the plan's number repeated."""
    if len(summary.plans) != 1 or not summary.plans[0].title:
        return None
    plan = summary.plans[0]
    subject = " ".join(plan.title.split())
    # "(kèm theo Kế hoạch số 125/KH-UBND ngày …)" and the like name the plan a second time.
    code = re.escape(plan.code)
    subject = re.sub(rf"\s*\([^()]*{code}[^()]*\)", "", subject)
    subject = re.sub(rf"\s*(?:kèm theo\s+)?(?:Kế hoạch|KH)\s+(?:số\s+)?{code}\S*", "", subject,
                     flags=re.IGNORECASE)  # fmt: skip
    if fold(subject).startswith("ke hoach "):
        subject = subject[len("kế hoạch ") :]
    return subject[:1].lower() + subject[1:] if subject else None


def _title(doc: Any, summary: Summary, heading: ReportHeading, language: str) -> None:
    from dondoc.storage.exports.common import plan_words, scope_words

    para(doc, "", after=0)
    para(doc, _t("exports.docx.title", language), bold=True, size=14, align=CENTER, after=0)
    subtitle = _t(
        "exports.docx.subtitle",
        language,
        plan=plan_words(summary, language),
        scope=scope_words(summary, language),
    )
    para(doc, subtitle, bold=True, size=14, align=CENTER, after=0)
    rule(doc, Cm(4.5), TEXT_WIDTH)
    subject = _subject(summary, language)
    if subject is None:
        return
    plan = summary.plans[0]
    issuer = prose_name(plan.issuer)
    if issuer and subject.endswith(" của " + issuer):  # the plan's title names its issuer too
        subject = subject[: -len(" của " + issuer)]
    values: dict[str, Any] = {"code": plan.code, "title": subject, "issuer": issuer}
    key = "exports.docx.basis_issuer" if plan.issuer else "exports.docx.basis"
    if plan.issued_date:
        values["code"] = _t(
            "exports.docx.plan_dated",
            language,
            code=plan.code,
            day=format_short_day(plan.issued_date, language),
        )
    office = heading.office or _t("exports.docx.office_default", language)
    para(doc, _t(key, language, office=office, **values), indent=True)


def _closing(doc: Any, heading: ReportHeading, language: str) -> None:
    para(doc, _t("exports.docx.closing", language), indent=True)
    table = fixed_table(doc, 1, (Cm(8.0), Cm(8.5)))
    left, right = table.rows[0].cells
    paragraph = left.paragraphs[0]
    run = paragraph.add_run(_t("exports.docx.recipients", language))
    run.bold = run.italic = True
    run.font.size = Pt(12)
    paragraph.paragraph_format.space_after = Pt(0)
    for line in heading.recipients:
        para(left, "- " + line.strip().lstrip("-").strip(), size=11, after=0)
    _first(right, heading.signer_title.upper(), bold=True, size=13.5)
    for _blank in range(4):  # the signing space
        para(right, "", after=0)
    if heading.signer_name:
        para(right, heading.signer_name, bold=True, size=13.5, align=CENTER, after=0)
