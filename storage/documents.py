"""A plan document (*văn bản kế hoạch*) as it arrives, read into ordered blocks.

``read_document(path)`` gives a ``PlanDocument``: the paragraphs and tables of the file in
reading order, each with where a person finds it again — page (PDF), paragraph number, line of a
text file, table and row. Nothing here interprets a plan (that is ``handlers.plans``); this
module only turns bytes into text the same way for every format:

* ``.txt`` — text extracted from a PDF or Word file. Lines wrapped by the extraction are joined
  back into paragraphs (a new paragraph starts at a numbering mark "I.", "1.", "2.2.", "a)", a
  bullet "-", "+", "•", or after a line that ends a sentence when the next begins with a capital),
  page numbers and footnotes are dropped, and tables written as text are recognised: rows of
  tab-separated cells, or one cell per line starting with a tab (how Word's tables come out);
* ``.docx`` — body paragraphs and tables in document order (python-docx); a row whose one cell
  spans the whole table is marked ``merged``;
* ``.pdf`` — text and ruled tables page by page (``storage.pdf_text``, pdfplumber);
* ``.doc``, ``.odt``, ``.rtf`` (→ ``.docx``) and ``.xls``, ``.ods`` (→ ``.xlsx``) through
  LibreOffice headless when it is installed (``storage.office``);
* ``.xlsx``, ``.csv``, ``.tsv`` — their tables (``storage.tabular``).

A file that cannot be read raises ``UserError`` with a message key that says why and what to do.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dondoc.storage.errors import UserError
from dondoc.storage.tabular import read_tables

MAX_PARAGRAPHS = 20_000  # a plan is tens of pages; more is not a plan (and would be slow)
TABLE_FORMATS = (".xlsx", ".csv", ".tsv")
WORD_FORMATS = (".docx",)
CONVERTED = {".doc": ".docx", ".odt": ".docx", ".rtf": ".docx", ".xls": ".xlsx", ".ods": ".xlsx"}
SUPPORTED = (".pdf", ".docx", ".txt", *TABLE_FORMATS, *CONVERTED)


@dataclass(frozen=True)
class Position:
    """Where a block is: page (PDF), paragraph number, first line (text file), table and row.

    ``key()`` is a short language-neutral form kept in the database ("p3:12", "t1:5", "l40");
    the edge renders it in the reader's language."""

    page: int | None = None
    paragraph: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None

    def key(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"p{self.page}")
        if self.table is not None:
            parts.append(f"t{self.table}" + (f":{self.row}" if self.row is not None else ""))
        elif self.paragraph is not None:
            parts.append(f"¶{self.paragraph}")
        if self.line is not None:
            parts.append(f"l{self.line}")
        return " ".join(parts)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its text on one line, and the physical lines it was joined from."""

    text: str
    position: Position
    lines: tuple[str, ...] = ()


@dataclass
class TableBlock:
    """One table: rows of cell texts (ragged when read from text), rows merged across."""

    rows: list[list[str]]
    position: Position
    merged: set[int] = field(default_factory=set)  # indexes of rows that are one cell wide
    cell_per_line: bool = False  # read from text where each cell stood on its own line


Block = Paragraph | TableBlock


@dataclass
class PlanDocument:
    """A document's blocks in reading order and what kind of file it came from."""

    path: Path
    kind: str  # pdf | docx | txt | xlsx | csv | tsv (after conversion)
    blocks: list[Block]
    pages: int | None = None

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]

    def head_lines(self, count: int = 40) -> list[str]:
        """The first physical lines of text (the plan's heading: number, place, date, title)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.extend(line for line in (block.lines or (block.text,)) if line.strip())
            elif lines:
                break
            if len(lines) >= count:
                break
        return [re.sub(r"\s+", " ", line).strip() for line in lines[:count]]


# ---------------------------------------------------------------------------- text lines

_ROMAN_MARK = r"[IVXLC]{1,6}[.)]\s"
_NUMBER_MARK = r"\d{1,2}(?:\.\d{1,2}){0,3}[.)]\s|\d{1,2}(?:\.\d{1,2}){1,3}\s"
_LETTER_MARK = r"[a-zđ][)]\s"
_BULLET_MARK = r"[-–—+•·●▪◦*]\s*(?=[\"“(\dA-ZĐÀ-ỸẠ-Ỹa-zđ])"
MARK = re.compile(rf"^\s*(?:{_ROMAN_MARK}|{_NUMBER_MARK}|{_LETTER_MARK}|{_BULLET_MARK})")
_OPENER = re.compile(r"^(?:Căn cứ|Theo đề nghị|Nơi nhận|Trên đây là)\b")
_HEADING_MARK = re.compile(rf"^\s*(?:{_ROMAN_MARK}|{_NUMBER_MARK})")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_FOOTNOTE = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,2}\s+(?=[A-ZĐ][^\s]*\s))")
_FOOTNOTE_MARK = re.compile(r"(?<=[a-zà-ỹđ)])(?:\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)(?=[\s.,;:]|$)")
_SENTENCE_END = re.compile(r"[.;:!?…][\"”')\]]*\s*$|\./\.\s*$")
_SEPARATOR = re.compile(r"^\s*[_\-–—=.]{5,}\s*$|^\s{20,}$")
_CITATION = re.compile(
    r"^\s*\d{1,2}\s+(?:Luật|Quyết định|Nghị định|Nghị quyết|Kế hoạch|Công văn|Thông tư|Chỉ thị"
    r"|Kết luận|Quy định|Hướng dẫn|Văn bản|Báo cáo|Tờ trình|Điều|Khoản)\b"
)


def clean_line(text: str) -> str:
    """A line as people read it: NFC, no emphasis marks or soft characters, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\u200b", "")
    text = text.replace("\uf0b7", "•").replace("\uf02d", "-")
    text = re.sub(r"\*+", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return len(letters) >= 6 and len(words) >= 2 and all(c.isupper() for c in letters)


def _starts_new(
    previous: str, line: str, width: int, first_line: bool = False, heading: bool = False
) -> bool:
    """Does ``line`` start a new paragraph after ``previous`` (both cleaned)? ``width`` is the
    usual length of a full line: a shorter line ended its paragraph (a heading, a last line)."""
    if MARK.match(line) or _OPENER.match(line):
        return True
    if _is_upper(line) != _is_upper(previous):
        return True
    first = line[:1]
    if not (first.isupper() or first in '“"('):
        return False
    if _SENTENCE_END.search(previous):
        return True
    if re.search(
        r"[,\-–(]$|\b(?:và|của|các|về|với|theo|tại|trong|thuộc|cho|giữa|trên|từ|đến|những|là|hoặc)$",
        previous,
    ):
        return False
    if heading and previous.endswith(")"):  # "2. Báo cáo chuyên đề (…)" then its body
        return True
    return len(previous) < 0.6 * width or (first_line and bool(_HEADING_MARK.match(previous)))


Line = tuple[str, int | None, int | None]  # (text, page, line number)


def _inside_brackets(lines: list[str]) -> bool:
    """A bracket opened in the last lines and not closed yet ("(Cải cách thể chế; …")."""
    recent = lines[-3:]
    return "".join(recent).count("(") > "".join(recent).count(")")


def paragraphs_from_lines(lines: list[Line], first_number: int = 1) -> list[Paragraph]:
    """Join physical lines into paragraphs; drop page numbers, footnotes and separators."""
    result: list[Paragraph] = []
    current: list[str] = []
    start: tuple[int | None, int | None] = (None, None)
    in_footnotes = False
    lengths = sorted(len(clean_line(raw)) for raw, _, _ in lines if raw.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 80

    def flush() -> None:
        if current:
            text = " ".join(current)
            text = _FOOTNOTE_MARK.sub("", text)
            number = first_number + len(result)
            position = Position(page=start[0], paragraph=number, line=start[1])
            result.append(Paragraph(re.sub(r"\s+", " ", text).strip(), position, tuple(current)))
            current.clear()

    for raw, page, number in lines:
        line = clean_line(raw)
        if _SEPARATOR.match(raw) and raw.strip(" ") == "" and len(raw) >= 20:
            in_footnotes = True
            continue
        if not line:
            continue
        if _SEPARATOR.match(raw):
            in_footnotes = True
            continue
        if _PAGE_NUMBER.match(line):
            continue
        if _FOOTNOTE.match(line) and (in_footnotes or line[0] in "¹²³⁴⁵⁶⁷⁸⁹⁰"):
            continue
        if _CITATION.match(line):
            continue
        in_footnotes = False
        heading = bool(current) and bool(_HEADING_MARK.match(current[0]))
        if (
            current
            and not _inside_brackets(current)
            and _starts_new(current[-1], line, width, len(current) == 1, heading)
        ):
            flush()
        if not current:
            start = (page, number)
        current.append(line)
    flush()
    return result


# -------------------------------------------------------------------- tables written as text

_CELL_LINE = re.compile(r"^\t(?!.*\t\S)")


def _text_blocks(raw_lines: list[str], page_of: list[int | None]) -> list[Block]:
    """Paragraphs and tables of a text file (tabs mark table cells)."""
    blocks: list[Block] = []
    pending: list[Line] = []
    tables = 0
    i = 0

    def flush_text() -> None:
        if pending:
            number = 1 + sum(1 for b in blocks if isinstance(b, Paragraph))
            blocks.extend(paragraphs_from_lines(list(pending), number))
            pending.clear()

    while i < len(raw_lines):
        raw = raw_lines[i]
        if _CELL_LINE.match(raw):  # one cell per line, continuation lines without a tab
            flush_text()
            tables += 1
            first = i
            cells: list[str] = []
            while i < len(raw_lines):
                line = raw_lines[i]
                if _CELL_LINE.match(line):
                    cells.append(clean_line(line))
                elif line.strip() and cells and not _PAGE_NUMBER.match(line):
                    cells[-1] = f"{cells[-1]}\n{clean_line(line)}".strip()
                i += 1
                nxt = raw_lines[i] if i < len(raw_lines) else ""
                if not _CELL_LINE.match(nxt) and not line.strip():
                    # a blank line ends the table only when no cell follows soon
                    ahead = raw_lines[i : i + 3]
                    if not any(_CELL_LINE.match(a) for a in ahead):
                        break
            position = Position(page=page_of[first], table=tables, line=first + 1)
            blocks.append(TableBlock([cells], position, cell_per_line=True))
            continue
        if raw.count("\t") >= 1 and len([c for c in raw.split("\t") if c.strip()]) >= 2:
            flush_text()
            tables += 1
            first = i
            rows: list[list[str]] = []
            while i < len(raw_lines) and "\t" in raw_lines[i].strip("\n"):
                rows.append([clean_line(c) for c in raw_lines[i].split("\t")])
                i += 1
            position = Position(page=page_of[first], table=tables, line=first + 1)
            blocks.append(TableBlock(rows, position))
            continue
        pending.append((raw, page_of[i], i + 1))
        i += 1
    flush_text()
    return blocks


def _read_txt(path: Path) -> PlanDocument:
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError("file.empty", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError("file.not_utf8", file=str(path)) from exc
    if "\x00" in text:
        raise UserError("file.not_text", file=str(path))
    lines: list[str] = []
    pages: list[int | None] = []
    for page, chunk in enumerate(text.split("\f"), start=1):
        for line in chunk.splitlines():
            lines.append(line)
            pages.append(page if "\f" in text else None)
    if len(lines) > MAX_PARAGRAPHS * 4:
        raise UserError("document.too_long", file=str(path), limit=MAX_PARAGRAPHS)
    return PlanDocument(path, "txt", _text_blocks(lines, pages))


# ------------------------------------------------------------------------------ Word .docx


def _read_docx(path: Path) -> PlanDocument:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    if path.stat().st_size == 0:
        raise UserError("file.empty", file=str(path))
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError("file.corrupt", file=str(path), kind="Word (.docx)") from exc
    except Exception as exc:  # noqa: BLE001 - a broken package can fail in many ways
        raise UserError("file.corrupt", file=str(path), kind="Word (.docx)") from exc
    blocks: list[Block] = []
    paragraphs = tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            tables += 1
            rows: list[list[str]] = []
            merged: set[int] = set()
            for index, row in enumerate(item.rows):
                cells = list(row.cells)
                rows.append([cell.text for cell in cells])
                if len(cells) > 2 and cells[0].grid_span >= len(cells):
                    merged.add(index)
            blocks.append(TableBlock(rows, Position(table=tables), merged))
            continue
        text = item.text
        style = (item.style.name if item.style is not None else "") or ""
        if style.lower().startswith("list bullet") and text.strip() and not MARK.match(text):
            text = f"- {text}"
        for line in text.splitlines() or [""]:
            if not clean_line(line):
                continue
            paragraphs += 1
            if paragraphs > MAX_PARAGRAPHS:
                raise UserError("document.too_long", file=str(path), limit=MAX_PARAGRAPHS)
            cleaned = clean_line(line)
            position = Position(paragraph=paragraphs)
            blocks.append(Paragraph(_FOOTNOTE_MARK.sub("", cleaned), position, (cleaned,)))
    return PlanDocument(path, "docx", blocks)


# ------------------------------------------------------------------------------ dispatching


def _tables_only(path: Path, kind: str) -> PlanDocument:
    blocks: list[Block] = [
        TableBlock(rows, Position(table=number))
        for number, rows in enumerate(read_tables(path), start=1)
    ]
    return PlanDocument(path, kind, blocks)


def read_document(path: Path) -> PlanDocument:
    """Read any supported plan file into blocks; ``UserError`` when it cannot be read."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UserError("file.missing", file=str(path))
    if path.is_dir():
        raise UserError("file.is_directory", file=str(path))
    if suffix not in SUPPORTED:
        raise UserError("document.unsupported", file=str(path), suffix=suffix or "(none)")
    if suffix in CONVERTED:
        from dondoc.storage.office import converted

        with converted(path, CONVERTED[suffix]) as copy:
            document = read_document(copy)
        document.path = path
        return document
    if suffix == ".pdf":
        from dondoc.storage.pdf_text import read_pdf

        return read_pdf(path)
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".txt":
        return _read_txt(path)
    return _tables_only(path, suffix.lstrip("."))
