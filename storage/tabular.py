"""Read the rows of a table file as people send them: ``.csv``/``.tsv`` (UTF-8, with or without
BOM) and ``.xlsx``. Every cell comes back as a stripped string ("" for empty). Anything that is
not such a table raises ``UserError`` naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from dondoc.storage.errors import UserError

Rows = list[list[str]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10] if hasattr(value, "hour") else value.isoformat()
    return str(value).strip()


def _read_text(path: Path, delimiter: str | None) -> Rows:
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError("file.empty", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError("file.not_utf8", file=str(path)) from exc
    if "\x00" in text:
        raise UserError("file.not_text", file=str(path))
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    try:
        return [
            [c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise UserError("file.malformed", file=str(path), reason=str(exc)) from exc


def _read_xlsx(path: Path) -> list[Rows]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError("file.corrupt", file=str(path), kind="Excel (.xlsx)") from exc
    try:
        sheets = []
        for sheet in workbook.worksheets:
            sheets.append([[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)])
        return sheets
    finally:
        workbook.close()


def read_tables(path: Path) -> list[Rows]:
    """Every table of the file: one for CSV/TSV, one per sheet for XLSX."""
    if not path.exists():
        raise UserError("file.missing", file=str(path))
    if path.is_dir():
        raise UserError("file.is_directory", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_text(path, None)]
    if suffix == ".tsv" or suffix == ".txt":
        return [_read_text(path, "\t")]
    if suffix == ".xlsx":
        if path.stat().st_size == 0:
            raise UserError("file.empty", file=str(path))
        return _read_xlsx(path)
    raise UserError("file.wrong_extension", file=str(path), suffix=suffix or "(none)")


def non_empty(rows: Rows) -> Rows:
    return [row for row in rows if any(cell for cell in row)]
