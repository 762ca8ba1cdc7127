"""Unit names as plans write them (*cơ quan chủ trì, phối hợp*) → units of the registry.

A cell may name several units ("Các phòng: Nội vụ, Tài chính - Kế hoạch; Văn phòng HĐND và
UBND quận", "- Phòng VH& TT - Phòng Nội vụ") or a whole group ("UBND 11 phường", "Các cơ quan
chuyên môn", "đơn vị sự nghiệp công lập"). ``UnitDirectory.resolve_cell`` splits the cell
without breaking names that contain "-" or "và" (it splits there only before a word that
starts a unit name, and keeps the longest run that names a registry unit), matches each part
Vietnamese-aware (diacritics, "&"/"và", dashes, common abbreviations such as VH&TT, TC-KH,
QLĐT, HĐND, UBND, and each unit's aliases), and expands collective phrases to the registry's
units of that kind. A name that matches nothing is returned as written with no unit: the
caller keeps and reports it, never drops it.

Pure: the directory is built from plain ``RegisteredUnit`` values, no database access.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from dondoc.storage.models import UnitKind
from dondoc.storage.text import fold


@dataclass(frozen=True)
class RegisteredUnit:
    """A unit of the registry as plans name it: its code, name, kind and the aliases it may be
    written as (what a plan's cell is matched against)."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedUnits:
    """One name as written in a cell and the units it stands for (empty: unresolved)."""

    written: str
    codes: tuple[str, ...] = ()
    collective: bool = False
    ambiguous: bool = False

    @property
    def resolved(self) -> bool:
        return bool(self.codes)


# Abbreviations as written in plans (folded, spaces removed around & and -) → full words.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "vh&tt": "van hoa va thong tin",
    "vhtt": "van hoa va thong tin",
    "vh-tt": "van hoa va thong tin",
    "vh-xh": "van hoa - xa hoi",
    "vhxh": "van hoa - xa hoi",
    "tc-kh": "tai chinh - ke hoach",
    "tckh": "tai chinh - ke hoach",
    "tc&kh": "tai chinh - ke hoach",
    "qldt": "quan ly do thi",
    "ld-tb&xh": "lao dong - thuong binh va xa hoi",
    "ldtbxh": "lao dong - thuong binh va xa hoi",
    "ld-tbxh": "lao dong - thuong binh va xa hoi",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "gd-dt": "giao duc va dao tao",
    "tn&mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "tn-mt": "tai nguyen va moi truong",
    "kt-ht-dt": "kinh te, ha tang va do thi",
    "ktht&dt": "kinh te, ha tang va do thi",
    "ttyt": "trung tam y te",
    "ttvh": "trung tam van hoa",
    "mttq": "mat tran to quoc",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong",
}

# Collective phrases (folded) → the unit kinds they stand for.
_DEPARTMENTS = (UnitKind.DEPARTMENT.value, UnitKind.OFFICE.value)
COLLECTIVES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(
            r"(?:cac |tat ca cac )?phong,? ban,? nganh(?: (?:thuoc|cua) (?:quan|huyen|phuong|xa))?"
        ),
        _DEPARTMENTS,
    ),
    (
        re.compile(
            r"(?:cac |tat ca cac )?co quan chuyen mon(?: (?:thuoc|cua|truc thuoc) "
            r"(?:uy ban nhan dan|ubnd) (?:quan|huyen|phuong|xa))?(?: (?:quan|huyen|phuong|xa))?"
        ),
        _DEPARTMENTS,
    ),
    (
        re.compile(
            r"(?:cac )?don vi su nghiep(?: cong lap)?"
            r"(?: (?:thuoc|truc thuoc) (?:quan|huyen|phuong))?"
        ),
        (UnitKind.CENTER.value,),
    ),
    (
        re.compile(
            r"(?:uy ban nhan dan|ubnd) (?:cap phuong|cac phuong(?:,? xa)?|\d+ phuong(?:,? xa)?"
            r"|cac xa(?:,? thi tran)?|cap xa|phuong,? xa)(?![a-z])"
        ),
        (UnitKind.WARD.value,),
    ),
    (re.compile(r"(?:cac |tat ca cac )?phong chuyen mon"), (UnitKind.DEPARTMENT.value,)),
    # Vague groups ("các cơ quan, đơn vị liên quan"): kept as written, named to nobody.
    (re.compile(r"(?:cac )?(?:co quan,? )?don vi(?:,? ca nhan)? (?:co )?lien quan"), ()),
    (re.compile(r"(?:cac )?co quan(?:,? to chuc)? (?:co )?lien quan"), ()),
    # "Các cơ quan, đơn vị (thuộc phường)": every unit that is not a ward.
    (
        re.compile(
            r"(?:cac |tat ca cac )co quan,? don vi(?: (?:thuoc|truc thuoc|cua) "
            r"(?:uy ban nhan dan |ubnd )?(?:quan|huyen|phuong|xa))?"
        ),
        (
            UnitKind.DEPARTMENT.value,
            UnitKind.OFFICE.value,
            UnitKind.CENTER.value,
            UnitKind.ORGANISATION.value,
            UnitKind.OTHER.value,
        ),
    ),
    (re.compile(r"(?:cac )?doan the(?: chinh tri - xa hoi)?"), (UnitKind.ORGANISATION.value,)),
)

# Words that start a unit name: a "-" or "và" before one of them separates two units.
_HEAD = (
    r"phong|van phong|ban|uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|trung tam|chi cuc|"
    r"cong an|ban chi huy|doi|bao hiem|kho bac|buu dien|benh vien|truong|mat tran|cac|vp"
)
_SEPARATOR = re.compile(
    r"\s*[;\n]\s*|\s*,\s*|\s*:\s*"
    r"|(?:^|\s+)[-+•·*]\s*(?=(?:" + _HEAD + r")\b)"
    r"|\s+(?:va|&)\s+(?=(?:" + _HEAD + r")\b)"
)
_DOUBLED = re.compile(r"(?i)\b(\w+)(?:\s+\1\b)+")
_EACH_WARD = re.compile(r"^(.+?) (?:cac|\d+) (phuong|xa)(?:,? thi tran)?$")
_DISTRIBUTIVE = re.compile(r"^(?:cac|gom cac|gom) (phong|co quan|don vi|trung tam)\b")


def _expand_abbreviations(text: str) -> str:
    text = re.sub(r"\s*&\s*", "&", text)
    text = re.sub(r"(?<=\w)\s*-\s*(?=\w)", lambda m: "-" if len(m.group(0)) == 1 else " - ", text)
    words = []
    for word in text.split(" "):
        words.append(ABBREVIATIONS.get(word, word))
    return " ".join(words)


def canonical(text: str) -> str:
    """The comparison key of a name: folded, abbreviations expanded, "&"/"và"/dashes and
    punctuation dropped, single spaces."""
    folded = fold(text)
    folded = re.sub(r"[()\[\]\"'“”.]", " ", folded)
    folded = _expand_abbreviations(re.sub(r"\s+", " ", folded).strip())
    folded = folded.replace("&", " ")
    folded = re.sub(r"[-,;:/]", " ", folded)
    words = [w for w in folded.split() if w != "va"]
    return " ".join(words)


_QUALIFIERS = re.compile(r"\s+(?:thuoc quan|cua quan|quan|huyen|phuong|thuoc phuong)$")
_PREFIXES = ("phong ", "cac phong ", "cac ")


def _variants(key: str) -> list[str]:
    """A key and its forms without a leading "phòng"/"các" or a trailing "quận"."""
    result = [key]
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            result.append(key[len(prefix) :])
    for item in list(result):
        stripped = _QUALIFIERS.sub("", item)
        if stripped != item and stripped:
            result.append(stripped)
    if key.startswith("uy ban nhan dan "):
        result.append(key[len("uy ban nhan dan ") :])
    return [r for r in dict.fromkeys(result) if r]


def clean_name(text: str) -> str:
    """A name as written, without bullets, stray HTML, numbering or trailing punctuation."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*(?:[-+•·*–—]|\d+[.)]|[a-zđ][)])\s*", "", text)
    return re.sub(r"\s+", " ", text).strip(" .;,:")


@dataclass
class UnitDirectory:
    """The unit registry indexed for matching names as written."""

    units: list[RegisteredUnit]
    _index: dict[str, set[str]] = field(default_factory=dict, init=False)
    _names: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for unit in self.units:
            for written in (unit.name, unit.code, *unit.aliases):
                for variant in _variants(canonical(written)):
                    self._index.setdefault(variant, set()).add(unit.code)
            for written in (unit.name, *unit.aliases):
                self._names.setdefault(canonical(written), unit.name)

    def suggest(self, name: str) -> str | None:
        """The registered name closest to ``name`` when one is close (a typing slip, a word
        missing): for "có phải … ?" — never used to match silently."""
        from rapidfuzz import fuzz, process

        key = canonical(name)
        if not key or not self._names:
            return None
        best = process.extractOne(key, list(self._names), scorer=fuzz.ratio, score_cutoff=80)
        return self._names[best[0]] if best else None

    @classmethod
    def of(cls, units: Iterable[object]) -> UnitDirectory:
        """From ``storage.models.Unit`` rows (or anything with code, name, kind, aliases)."""
        refs = [
            RegisteredUnit(
                code=u.code,  # type: ignore[attr-defined]
                name=u.name,  # type: ignore[attr-defined]
                kind=u.kind,  # type: ignore[attr-defined]
                aliases=tuple(u.aliases or ()),  # type: ignore[attr-defined]
            )
            for u in units
            if getattr(u, "active", True)
        ]
        return cls(refs)

    def lookup(self, name: str) -> tuple[tuple[str, ...], bool]:
        """The codes one name stands for and whether it was ambiguous."""
        key = canonical(name)
        if not key:
            return (), False
        for variant in _variants(key):
            codes = self._index.get(variant)
            if codes:
                if len(codes) == 1:
                    return tuple(codes), False
                return (), True
        return (), False

    def _each_ward(self, line: str) -> list[NamedUnits]:
        """ "Công an, Ban Chỉ huy quân sự các phường": each named kind, in every ward — the
        registered units whose name is that kind followed by the ward ("Công an phường …")."""
        match = _EACH_WARD.match(fold(line))
        if match is None or len(fold(line)) != len(line):
            return []
        level = match.group(2)
        found: list[NamedUnits] = []
        for head in re.split(r"\s*,\s*|\s+va\s+", match.group(1)):
            stem = canonical(head)
            if not stem:
                continue
            codes = tuple(
                u.code
                for u in self.units
                if canonical(u.name).startswith(f"{stem} {level}")
                or canonical(u.name) == f"{stem} {level}"
            )
            start = fold(line).find(head)
            written = f"{line[start : start + len(head)]} các {line[match.start(2) : match.end(2)]}"
            found.append(NamedUnits(written, codes, collective=True))
        return found if found and all(n.codes for n in found) else []

    def of_kinds(self, kinds: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(u.code for u in self.units if u.kind in kinds)

    def resolve_cell(self, cell: str) -> list[NamedUnits]:
        """Every name written in one cell, in order, each with the units it stands for."""
        text = unicodedata.normalize("NFC", re.sub(r"<[^>]+>", " ", cell or ""))
        text = _DOUBLED.sub(r"\1", text)  # "các các phòng": a typing slip
        result: list[NamedUnits] = []
        for line in re.split(r"[\n;]+", text):
            line = clean_name(line)
            if line:
                result.extend(self._resolve_line(line))
        seen: set[tuple[str, tuple[str, ...]]] = set()
        unique = []
        for item in result:
            if (fold(item.written), item.codes) not in seen:
                seen.add((fold(item.written), item.codes))
                unique.append(item)
        return unique

    def _resolve_line(self, line: str) -> list[NamedUnits]:
        result: list[NamedUnits] = []
        whole, ambiguous = self.lookup(line)
        if whole:
            return [NamedUnits(line, whole)]
        spread = self._each_ward(line)
        if spread:
            return spread
        # Collective phrases first: they contain commas ("phòng, ban, ngành").
        folded = fold(line)
        pieces: list[tuple[int, int, tuple[str, ...]]] = []
        for pattern, kinds in COLLECTIVES:
            for match in pattern.finditer(folded):
                if any(s < match.end() and match.start() < e for s, e, _ in pieces):
                    continue
                pieces.append((match.start(), match.end(), kinds))
        pieces.sort()
        cursor = 0
        for start, end, kinds in pieces:
            result.extend(self._resolve_list(line[cursor:start]))
            written = clean_name(line[start:end])
            codes = self.of_kinds(kinds) if kinds else ()
            result.append(NamedUnits(written, codes, collective=bool(kinds)))
            cursor = end
        result.extend(self._resolve_list(line[cursor:]))
        return result

    def _resolve_list(self, text: str) -> list[NamedUnits]:
        """A list of names separated by commas, bullets, "-" or "và" before a unit word."""
        text = re.sub(r"(?i)^\s*(?:và|va|&)\s+|\s+(?:và|va|&)\s*$", "", text.strip(" ,;:.-"))
        if not text:
            return []
        prefix = ""
        match = _DISTRIBUTIVE.match(fold(text))
        if match and ":" in text:
            prefix = {"phong": "Phòng ", "trung tam": "Trung tâm "}.get(match.group(1), "")
            text = text.split(":", 1)[1]
        parts, seps = self._split(text)
        # "Công an, quận": a lone "quận"/"huyện" belongs to the name before it.
        for k in range(len(parts) - 1, 0, -1):
            if fold(parts[k]) in ("quan", "huyen", "phuong", "xa", "thanh pho"):
                parts[k - 1] = f"{parts[k - 1]} {parts[k]}"
                del parts[k]
                del seps[k - 1]
        result: list[NamedUnits] = []
        trailing = False
        i = 0
        while i < len(parts):
            taken = None
            # The longest run of parts that names one registry unit.
            for j in range(len(parts), i, -1):
                joined = self._join(parts, seps, i, j)
                codes, _ = self.lookup(joined)
                if not codes and prefix:
                    codes, _ = self.lookup(prefix + joined)
                if codes:
                    taken = (j, NamedUnits(clean_name(joined), codes))
                    break
            if taken is None:
                head = self._leading_name(parts[i], prefix)
                if head is not None:  # "Phòng Nội vụ tổng hợp": the words after are not a unit
                    result.append(head)
                    trailing = True
                    i += 1
                    continue
                if trailing and parts[i][:1].islower():  # "…, báo cáo UBND": still the sentence
                    i += 1
                    continue
                # Unresolved: keep names split at "-"/"và" together (they may be one name).
                j = i + 1
                while j < len(parts) and seps[j - 1].strip() not in ("", ",", ";", ":"):
                    if fold(seps[j - 1]).strip() in ("va", "&") or "-" in seps[j - 1]:
                        break_here = self._looks_separate(parts, i, j)
                        if break_here:
                            break
                    j += 1
                written = clean_name(self._join(parts, seps, i, j))
                if written:
                    _, ambiguous = self.lookup(written)
                    result.append(NamedUnits(written, (), ambiguous=ambiguous))
                i = j
                continue
            i, item = taken
            result.append(item)
        return result

    def _leading_name(self, part: str, prefix: str) -> NamedUnits | None:
        """The registered name a part starts with, when lower-case words follow it."""
        words = part.split()
        for k in range(len(words) - 1, 1, -1):
            if not words[k][:1].islower():
                continue
            head = " ".join(words[:k])
            codes, _ = self.lookup(head)
            if not codes and prefix:
                codes, _ = self.lookup(prefix + head)
            if codes:
                return NamedUnits(clean_name(head), codes)
        return None

    def _looks_separate(self, parts: list[str], i: int, j: int) -> bool:
        """After an unresolved part, does the part at ``j`` resolve on its own?"""
        codes, _ = self.lookup(parts[j])
        return bool(codes)

    @staticmethod
    def _split(text: str) -> tuple[list[str], list[str]]:
        text = re.sub(r"\s+", " ", text).strip()
        folded = fold(text)
        if len(folded) != len(text):  # folding changed lengths (rare): split the folded text
            text = folded
        parts: list[str] = []
        seps: list[str] = []
        cursor = 0
        for match in _SEPARATOR.finditer(folded):
            if match.start() == 0 and match.end() == 0:
                continue
            parts.append(text[cursor : match.start()])
            seps.append(text[match.start() : match.end()])
            cursor = match.end()
        parts.append(text[cursor:])
        cleaned_parts: list[str] = []
        cleaned_seps: list[str] = []
        for index, part in enumerate(parts):
            if part.strip():
                cleaned_parts.append(part.strip())
                if index < len(seps):
                    cleaned_seps.append(seps[index])
            elif cleaned_seps and index < len(seps):
                cleaned_seps[-1] = seps[index]
        while len(cleaned_seps) < len(cleaned_parts) - 1:
            cleaned_seps.append(", ")
        return cleaned_parts, cleaned_seps[: max(len(cleaned_parts) - 1, 0)]

    @staticmethod
    def _join(parts: list[str], seps: list[str], i: int, j: int) -> str:
        out = parts[i]
        for k in range(i + 1, j):
            sep = seps[k - 1]
            out += sep if sep.strip() else " "
            out += parts[k]
        return out
