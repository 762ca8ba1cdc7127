"""The unit registry (*danh sách đơn vị*): import from a table, list, look up by code.

A units file has the columns ``code, name, kind, parent, aliases`` (aliases separated by
``;``). Re-importing updates units by code. The whole file is checked before anything is
written: duplicate codes, unknown parents or a missing column change nothing. A kind is one
of ``UnitKind`` or a word people use for one ("phòng", "UBND phường", "cơ quan", "hội" …);
any other word ("cơ quan ngành dọc", "doanh nghiệp", "chi nhánh") is kept as the unit's label
with kind ``khac``: a file is never refused for its kind column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.models import Unit, UnitKind
from dondoc.storage.tabular import non_empty, read_tables
from dondoc.storage.text import fold

COLUMNS = ("code", "name", "kind", "parent", "aliases")

# Kind names as people write them in a units file, folded to ASCII lower case.
_KIND_WORDS = {
    "phong": UnitKind.DEPARTMENT,
    "phong ban": UnitKind.DEPARTMENT,
    "ban": UnitKind.DEPARTMENT,
    "co quan chuyen mon": UnitKind.DEPARTMENT,
    "ubnd phuong": UnitKind.WARD,
    "ubnd xa": UnitKind.WARD,
    "phuong": UnitKind.WARD,
    "xa": UnitKind.WARD,
    "trung tam": UnitKind.CENTER,
    "don vi su nghiep": UnitKind.CENTER,
    "van phong": UnitKind.OFFICE,
    "doan the": UnitKind.ORGANISATION,
    "mat tran": UnitKind.ORGANISATION,
    "hoi": UnitKind.ORGANISATION,
    "to chuc chinh tri - xa hoi": UnitKind.ORGANISATION,
    "co quan": UnitKind.DEPARTMENT,
    "bo phan": UnitKind.DEPARTMENT,
    "phong chuyen mon": UnitKind.DEPARTMENT,
    "co quan hanh chinh": UnitKind.DEPARTMENT,
    "van phong hdnd va ubnd": UnitKind.OFFICE,
    "van phong ubnd": UnitKind.OFFICE,
    "don vi su nghiep cong lap": UnitKind.CENTER,
    "truong": UnitKind.CENTER,
    "truong hoc": UnitKind.CENTER,
    "ubnd thi tran": UnitKind.WARD,
    "thi tran": UnitKind.WARD,
    "khac": UnitKind.OTHER,
}


def parse_kind(text: str) -> UnitKind | None:
    """A kind as written ("phòng", "UBND phường", "trung_tam") or None when not a known word
    (a units file keeps such a word as the unit's label, with kind ``khac``)."""
    folded = fold(text).replace("_", " ")
    if not folded:
        return UnitKind.DEPARTMENT
    for kind in UnitKind:
        if folded == kind.value.replace("_", " "):
            return kind
    return _KIND_WORDS.get(folded)


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: UnitKind
    parent: str
    aliases: list[str]
    label: str = ""  # the kind word as written when it is none of the known kinds


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def read_units_file(path: Path) -> list[UnitRow]:
    """Read and check a units file completely; raise ``UserError`` on the first problem."""
    tables = [non_empty(t) for t in read_tables(path)]
    tables = [t for t in tables if t]
    if not tables:
        raise UserError("file.empty", file=str(path))
    rows = tables[0]
    header = [fold(c).replace(" ", "_") for c in rows[0]]
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise UserError("units.missing_columns", file=str(path), columns=", ".join(missing))
    index = {name: header.index(name) for name in COLUMNS if name in header}

    def cell(row: list[str], name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    result: list[UnitRow] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        code = cell(row, "code")
        name = cell(row, "name")
        if not code or not name:
            raise UserError("units.row_incomplete", file=str(path), line=line)
        if code in seen:
            raise UserError(
                "units.duplicate_code", file=str(path), code=code, line=line, first=seen[code]
            )
        seen[code] = line
        written = cell(row, "kind")
        kind = parse_kind(written)
        label = ""
        if kind is None:  # "cơ quan ngành dọc", "doanh nghiệp", "chi nhánh": kept as written
            kind, label = UnitKind.OTHER, written[:64]
        aliases = [a.strip() for a in cell(row, "aliases").split(";") if a.strip()]
        result.append(UnitRow(line, code, name, kind, cell(row, "parent"), aliases, label))
    if not result:
        raise UserError("units.no_rows", file=str(path))
    return result


async def import_units(session: AsyncSession, rows: list[UnitRow], now: datetime) -> ImportResult:
    """Create or update units by code, then link parents. Raises before writing on bad parents."""
    existing = {u.code: u for u in (await session.exec(select(Unit))).all()}
    codes = set(existing) | {r.code for r in rows}
    for row in rows:
        if row.parent and row.parent not in codes:
            raise UserError("units.unknown_parent", line=row.line, code=row.code, parent=row.parent)
        if row.parent == row.code:
            raise UserError("units.own_parent", line=row.line, code=row.code)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            unit = Unit(
                code=row.code,
                name=row.name,
                kind=row.kind.value,
                label=row.label,
                aliases=row.aliases,
                created_at=now,
                updated_at=now,
            )
            session.add(unit)
            existing[row.code] = unit
            created.append(row.code)
            continue
        if (unit.name, unit.kind, list(unit.aliases or []), unit.label) == (
            row.name,
            row.kind.value,
            row.aliases,
            row.label,
        ):
            unchanged.append(row.code)
        else:
            unit.name, unit.kind, unit.aliases = row.name, row.kind.value, row.aliases
            unit.label = row.label
            unit.updated_at = now
            session.add(unit)
            updated.append(row.code)
    await session.flush()
    for row in rows:
        unit = existing[row.code]
        parent_id = existing[row.parent].id if row.parent else None
        if unit.parent_id != parent_id:
            unit.parent_id = parent_id
            session.add(unit)
            if row.code in unchanged:
                unchanged.remove(row.code)
                updated.append(row.code)
    _check_no_cycles(existing)
    await session.flush()
    return ImportResult(created, updated, unchanged)


def _check_no_cycles(units: dict[str, Unit]) -> None:
    by_id = {u.id: u for u in units.values()}
    for unit in units.values():
        seen: set[int | None] = set()
        current: Unit | None = unit
        while current is not None and current.parent_id is not None:
            if current.id in seen:
                raise UserError("units.parent_cycle", code=unit.code)
            seen.add(current.id)
            current = by_id.get(current.parent_id)


async def list_units(session: AsyncSession) -> list[Unit]:
    return list((await session.exec(select(Unit).order_by(Unit.code))).all())


async def unit_by_code(session: AsyncSession, code: str) -> Unit:
    unit = (await session.exec(select(Unit).where(Unit.code == code))).first()
    if unit is None:
        raise UserError("units.unknown_code", code=code)
    return unit


async def active_unit(session: AsyncSession, unit_id: int) -> Unit | None:
    """The active unit with this id (None: no such unit, or no longer active)."""
    unit = await session.get(Unit, unit_id)
    return unit if unit is not None and unit.active else None
