"""A plan's appendix table (*phụ lục nhiệm vụ*) read as people make it: rows → task rows.

Reads ``.xlsx`` (every sheet), ``.docx`` (every table of the document, python-docx) and
``.csv``/``.tsv``. In each table the header row is found by its words, wherever it is in the
first rows and whatever the case or diacritics: TT/STT; Nhiệm vụ/Nội dung; Tiến độ/Thời gian
(hoàn thành); (Cơ quan) chủ trì; (Cơ quan) phối hợp; Kết quả/Sản phẩm (a two-row header such
as "Cơ quan thực hiện" over "Chủ trì | Phối hợp" works too). Below it:

* a header repeated at a page break, and the row of column numbers "(1) (2) (3)", are skipped;
* a row whose first cell is a Roman numeral or a capital letter (I, II, … / A, B), often
  merged across the row, is a section heading (*mục*), kept as the section of the tasks below;
* a row with an empty TT (or the TT of the row above, from a cell merged down) continues the
  task above (text split across pages) and is merged in;
* bullets, dashes and stray HTML are stripped from the text.

A table without a header right after one with a header and the same number of columns (a Word
table split in two) continues it. Task keys are the ordinals as written, qualified by the
section numeral when ordinals restart per section ("II.3").
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dondoc.storage.errors import UserError
from dondoc.storage.tabular import Rows, read_tables
from dondoc.storage.text import fold

ROLES = ("ordinal", "title", "deadline", "lead", "cooperating", "output", "key", "quote", "where")
HEADER_SEARCH_ROWS = 15

# Header words (folded) per column role, tried in this order for each header cell.
_HEADER_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # the review sheet's own columns (``handlers.plans.review``)
    ("key", re.compile(r"^ma nhiem vu\b")),
    ("quote", re.compile(r"^(?:trich dan|nguyen van)")),
    ("where", re.compile(r"^(?:nguon|vi tri trong van ban)")),
    ("warnings", re.compile(r"^(?:canh bao|luu y cua dondoc)")),
    ("ordinal", re.compile(r"^(?:s\.?\s?t\.?\s?t|t\.?\s?t|so tt|so thu tu|thu tu)\.?$")),
    ("lead", re.compile(r"chu tri|don vi thuc hien|co quan thuc hien|don vi dau moi")),
    ("cooperating", re.compile(r"phoi hop")),
    ("deadline", re.compile(r"tien do|thoi gian|thoi han|hoan thanh")),
    ("output", re.compile(r"ket qua|san pham")),
    ("title", re.compile(r"nhiem vu|noi dung|cong viec|hoat dong|giai phap|ten (?:de an|viec)")),
)
_GROUP_HEADER = re.compile(r"^(?:co quan|don vi) (?:thuc hien|phu trach)$")
_SECTION_MARK = re.compile(r"^(?i:phần |phan |mục |muc )?([IVXLC]{1,6}|[A-Z])(?:[.):]|$)")
_SECTION_HEADING = re.compile(r"^(?i:phần |phan |mục |muc )?([IVXLC]{1,6}|[A-Z])[.):]\s*\S")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_BULLET = re.compile(r"^\s*(?:[-+•·*–—]+|\u2022)\s*")


@dataclass
class PlanRow:
    """One task of the table, as written (texts cleaned, not yet interpreted)."""

    position: int
    section: str
    section_mark: str
    ordinal: str
    title: str
    deadline: str
    lead: str
    cooperating: str
    output: str
    source: str  # "t1:12" (table 1, row 12): where a person finds it in the file
    key: str = ""
    notes: list[str] = field(default_factory=list)
    quote: str = ""  # the row's words as the file has them (a review sheet carries its own)


@dataclass
class PlanTable:
    """The tasks of a file and the text around the table (title, year, plan number)."""

    rows: list[PlanRow]
    preamble: list[str]


def clean_text(value: str) -> str:
    """Cell text without HTML, bullets at line starts, repeated spaces; lines kept."""
    text = html.unescape(re.sub(r"<br\s*/?>", "\n", value or "", flags=re.I))
    text = re.sub(r"<[^>]+>", " ", text)
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    lines = []
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", _BULLET.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


# ------------------------------------------------------------------------ reading files


def _read_docx(path: Path) -> tuple[list[Rows], list[str]]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if path.stat().st_size == 0:
        raise UserError("file.empty", file=str(path))
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError("file.corrupt", file=str(path), kind="Word (.docx)") from exc
    except Exception as exc:  # noqa: BLE001 - a broken package can fail in many ways
        raise UserError("file.corrupt", file=str(path), kind="Word (.docx)") from exc
    from docx.table import Table

    tables: list[Rows] = []
    preamble: list[str] = []  # the paragraphs before the first table
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables.append([[cell.text for cell in row.cells] for row in block.rows])
        elif not tables and block.text.strip():
            preamble.append(block.text.strip())
    return tables, preamble


def read_plan_file(path: Path) -> PlanTable:
    """Read the task rows of every table in ``path``; ``UserError`` if there are none."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        if not path.exists():
            raise UserError("file.missing", file=str(path))
        if path.is_dir():
            raise UserError("file.is_directory", file=str(path))
        tables, paragraphs = _read_docx(path)
    else:
        tables, paragraphs = read_tables(path), []
    tables = [[[str(c) if c is not None else "" for c in row] for row in t] for t in tables]
    if not any(any(any(c.strip() for c in row) for row in t) for t in tables):
        if paragraphs:
            raise UserError("import.no_table", file=str(path))
        raise UserError("file.empty", file=str(path))
    return parse_tables(tables, paragraphs, str(path))


# ---------------------------------------------------------------------- reading a table


def _roles(row: list[str]) -> dict[str, int]:
    """Column index of each role a row's cells name (a header row names several)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        folded = fold(clean_text(cell)).replace("\n", " ")
        if not folded or len(folded) > 80:
            continue
        for role, pattern in _HEADER_WORDS:
            if pattern.search(folded) and role not in found:
                if role == "title" and "chu tri" in folded:
                    continue
                found[role] = index
                break
    return found


def header_roles(row: list[str]) -> dict[str, int]:
    """Column index of each role the cells of ``row`` name (public name of ``_roles``)."""
    return _roles(row)


def is_header(roles: dict[str, int]) -> bool:
    return _is_header(roles)


def _is_header(roles: dict[str, int]) -> bool:
    return "title" in roles and bool({"deadline", "lead", "cooperating"} & roles.keys())


def _find_header(rows: Rows) -> tuple[int, dict[str, int], int] | None:
    """(header row index, column of each role, rows the header takes) or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = _roles(row)
        if not _is_header(roles):
            continue
        span = 1
        # "Cơ quan thực hiện" over "Chủ trì | Phối hợp": the roles are in the next row.
        if index + 1 < len(rows):
            below = _roles(rows[index + 1])
            if {"lead", "cooperating"} & below.keys() and "title" not in below:
                for role in ("lead", "cooperating", "deadline", "output"):
                    if role in below:
                        roles[role] = below[role]
                span = 2
        grouped = [i for i, c in enumerate(row) if _GROUP_HEADER.match(fold(clean_text(c)))]
        if grouped and "cooperating" not in roles and span == 1:
            roles.setdefault("lead", grouped[0])
        return index, roles, span
    return None


def _is_column_numbers(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) < 3 or not all(_COLUMN_NUMBER.match(c) for c in cells):
        return False
    numbers = [int(c.strip("()")) for c in cells]
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def _cell(row: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    if index is None or index >= len(row):
        return ""
    return clean_text(row[index])


def _section(row: list[str], roles: dict[str, int]) -> tuple[str, str] | None:
    """(heading, numeral) when ``row`` is a section heading."""
    values = [clean_text(c) for c in row]
    non_empty = [v for v in values if v]
    if not non_empty:
        return None
    ordinal = _cell(row, roles, "ordinal") if "ordinal" in roles else values[0]
    title = _cell(row, roles, "title")
    first = ordinal or non_empty[0]
    distinct = list(dict.fromkeys(non_empty))
    heading = _SECTION_HEADING.match(first)
    if heading and len(distinct) == 1:  # merged across the row, or alone in its cell
        return first, heading.group(1)
    mark = _SECTION_MARK.match(ordinal) if ordinal else None
    if mark and ordinal == mark.group(0).strip() and title:
        # "I" | "VỀ CẢI CÁCH THỂ CHẾ" | (empty cells)
        others = [v for v in distinct if v not in (ordinal, title)]
        if not others:
            return f"{mark.group(1)}. {title}", mark.group(1)
    if not ordinal and title and len(distinct) == 1:
        heading = _SECTION_HEADING.match(title)
        if heading:
            return title, heading.group(1)
    if ordinal and len(distinct) == 1 and len(ordinal.split()) >= 3 and not title:
        # a heading merged across the row, read back from a spreadsheet (text in TT only)
        mark = _SECTION_MARK.match(ordinal)
        return ordinal, mark.group(1) if mark else ""
    return None


def _merge(previous: str, addition: str) -> str:
    if not addition or addition == previous or addition in previous.split("\n"):
        return previous
    return f"{previous}\n{addition}" if previous else addition


def _normal_ordinal(text: str) -> str:
    return re.sub(r"[.):]+$", "", text.replace(" ", ""))


def parse_tables(
    tables: list[Rows],
    paragraphs: list[str],
    file: str,
    merged: list[set[int]] | None = None,
    sources: list[str] | None = None,
) -> PlanTable:
    """The task rows of every table with a recognisable header (and of their continuations).

    ``merged`` gives, per table, the rows whose one cell spans the table (a Word section row
    such as "CẢI CÁCH TÀI CHÍNH CÔNG", numbered or not): they are headings, never glued to
    the task above. ``sources`` names each table for ``PlanRow.source`` ("p3 t2")."""
    result: list[PlanRow] = []
    preamble = list(paragraphs)
    roles: dict[str, int] | None = None
    columns = 0
    header_cells: list[str] = []
    section, section_mark = "", ""
    current: PlanRow | None = None
    found_header = False
    for table_no, rows in enumerate(tables, start=1):
        header = _find_header(rows)
        if header is not None:
            start, roles, span = header
            found_header = True
            columns = max(len(r) for r in rows)
            header_cells = [fold(clean_text(c)) for c in rows[start]]
            if not result:
                preamble.extend(
                    " ".join(dict.fromkeys(clean_text(c) for c in r if clean_text(c)))
                    for r in rows[:start]
                    if any(c.strip() for c in r)
                )
            body_start = start + span
        elif roles is not None and max((len(r) for r in rows), default=0) == columns:
            body_start = 0
        else:
            current = None if roles is None else current
            continue
        assert roles is not None
        spanning = merged[table_no - 1] if merged and table_no <= len(merged) else set()
        name = sources[table_no - 1] if sources and table_no <= len(sources) else f"t{table_no}"
        for row_no, row in enumerate(rows[body_start:], start=body_start + 1):
            if not any(clean_text(c) for c in row):
                continue
            if row_no - 1 in spanning or _same_everywhere(row, roles):
                text = next(clean_text(c) for c in row if clean_text(c))
                mark = _SECTION_MARK.match(text)
                section, section_mark = text, (mark.group(1) if mark else "")
                current = None
                continue
            folded = [fold(clean_text(c)) for c in row]
            if folded == header_cells or _is_header(_roles(row)):
                continue
            if _is_column_numbers(row):
                continue
            heading = _section(row, roles)
            if heading is not None:
                section, section_mark = heading
                current = None
                continue
            ordinal = _cell(row, roles, "ordinal")
            values = {role: _cell(row, roles, role) for role in ROLES[1:6]}
            extra = {role: _cell(row, roles, role) for role in ROLES[6:]}
            # An empty TT continues the task above; so does the same TT again (a Word cell
            # merged down over two rows repeats its text in each).
            sub_row = (
                current is not None
                and ordinal
                and ordinal == current.ordinal
                and values["title"]
                and values["title"] not in current.title
                and any(
                    values[r] and values[r] != getattr(current, r) for r in ("deadline", "lead")
                )
            )
            if current is not None and not sub_row and (not ordinal or ordinal == current.ordinal):
                for role, value in values.items():
                    setattr(current, role, _merge(getattr(current, role), value))
                continue
            current = PlanRow(
                position=len(result) + 1,
                section=section,
                section_mark=section_mark,
                ordinal=ordinal,
                source=f"{name}:{row_no}",
                **values,
            )
            if sub_row:  # rows under one merged TT cell: each is its own task
                current.notes.append("import.sub_row")
            current.key = extra["key"][:64]
            current.quote = extra["quote"]
            if extra["where"]:
                current.source = extra["where"][:64]
            if not ordinal:
                current.notes.append("import.no_ordinal")
            result.append(current)
    if not found_header:
        raise UserError("import.no_header", file=file)
    result = [r for r in result if r.title or r.deadline or r.lead]
    if not result:
        raise UserError("import.no_rows", file=file)
    _assign_keys(result)
    return PlanTable(result, preamble)


def _same_everywhere(row: list[str], roles: dict[str, int]) -> bool:
    """A row whose cells all say the same (a merged row as text extraction repeats it)."""
    cells = [clean_text(c) for c in row]
    return len(roles) >= 3 and len(cells) >= 3 and all(cells) and len(set(cells)) == 1


def _assign_keys(rows: list[PlanRow]) -> None:
    ordinals = [_normal_ordinal(r.ordinal) for r in rows if r.ordinal]
    restart = len(ordinals) != len(set(ordinals))
    seen: dict[str, int] = {}
    given = [r.key for r in rows if r.key]
    keep = len(given) == len(rows) and len(set(given)) == len(given)  # a review sheet's keys
    for position, row in enumerate(rows, start=1):
        row.position = position
        if keep:
            continue
        base = _normal_ordinal(row.ordinal) or f"#{position}"
        if restart and row.section_mark and row.ordinal:
            base = f"{row.section_mark}.{base}"
        count = seen.get(base, 0) + 1
        seen[base] = count
        if count > 1 and "import.sub_row" in row.notes:
            base = f"{base}.{count}"
        elif count > 1:
            row.notes.append("import.duplicate_ordinal")
            base = f"{base}#{count}"
        row.key = base[:64]


# ------------------------------------------------------------------ the text around it

_PERIOD = re.compile(r"giai doan (\d{4})\s*-\s*(\d{4})")
_YEAR_WORD = re.compile(r"\bnam (\d{4})\b")
_PLAN_NUMBER = re.compile(r"\b(\d{1,5}/(?:KH|QD|KH-[A-Z]+|QĐ)-?[A-ZĐ0-9-]*)")


def document_years(preamble: list[str]) -> tuple[int | None, int | None]:
    """(first year, last year) the title names: "giai đoạn 2021 - 2030", "năm 2024".

    Dates ("ngày 02 tháng 6 năm 2022") are not a plan's year and are skipped.
    """
    periods = [_PERIOD.search(fold(line)) for line in preamble]
    period = next((p for p in periods if p), None)
    for line in reversed(preamble[-8:]):
        folded = fold(line)
        own = _PERIOD.search(folded)
        if own:
            return int(own.group(1)), int(own.group(2))
        years = [
            int(m.group(1))
            for m in _YEAR_WORD.finditer(folded)
            if not re.search(r"(?:thang|ngay) \d{1,2},? $", folded[: m.start()])
        ]
        if years:
            first = years[0]
            last = int(period.group(2)) if period and int(period.group(2)) >= first else None
            return first, last
    if period:
        return int(period.group(1)), int(period.group(2))
    return None, None


_ISSUED = re.compile(r"ngay (\d{1,2})(?: thang |/)(\d{1,2})(?: nam |/)(\d{4})")


def document_date(preamble: list[str]) -> date | None:
    """The date the plan was issued: the "…, ngày 08 tháng 10 năm 2025" line, or the date
    after the plan's own number ("kèm theo Kế hoạch số 125/KH-UBND ngày 28/10/2025")."""
    for line in preamble[:15]:
        folded = fold(line)
        if not (re.match(r"^[^,]{2,40}, ngay ", folded) or _PLAN_NUMBER.search(line)):
            continue
        if _PLAN_NUMBER.search(line) and "ke hoach" not in folded and "quyet dinh" not in folded:
            continue
        match = _ISSUED.search(folded)
        if match:
            try:
                return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            except ValueError:
                continue
    return None


def document_number(preamble: list[str]) -> str | None:
    """The plan's number as written ("84/KH-UBND") in the title lines, if any."""
    for line in preamble[:12]:
        if "ke hoach" in fold(line) or line.strip().lower().startswith("số"):
            match = _PLAN_NUMBER.search(line)
            if match:
                return match.group(1)
    return None


def document_title(preamble: list[str]) -> str | None:
    """The title line: the one after "KẾ HOẠCH", or the first line that names a plan."""
    for index, line in enumerate(preamble):
        folded = fold(line)
        if folded in ("ke hoach", "phu luc") and index + 1 < len(preamble):
            return preamble[index + 1][:1000]
        if folded.startswith("ke hoach ") or folded.startswith("phu luc "):
            return line[:1000]
    return preamble[0][:1000] if preamble else None
