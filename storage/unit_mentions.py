"""Units named in running text (*đơn vị được giao trong câu văn*): who a plan's sentence or
heading gives a duty to.

``subject(directory, text)`` reads the units that stand at the start of a sentence or a heading —
"Giao Phòng Tài nguyên và Môi trường …", "Thủ trưởng các cơ quan chuyên môn, đơn vị sự nghiệp
công lập thuộc Quận và Chủ tịch Ủy ban nhân dân phường …", "2.2. Văn phòng Ủy ban nhân dân
quận" — after the words that lead into them ("Giao", "Đề nghị", "Trách nhiệm của", "Đối với",
an opening clause "Trên cơ sở …, ", "nếu có khó khăn, vướng mắc, "). A person's title before a
unit (Thủ trưởng, Chủ tịch, Trưởng, Người đứng đầu) is kept in the name as written.
``named_after(directory, text, words)`` reads units after a word such as "phối hợp (với)".

Names are matched like table cells (``storage.unit_names.UnitDirectory``): registered names and
aliases first (the longest run of words that names one unit, commas included), then collective
phrases ("các cơ quan chuyên môn", "UBND các phường"; a bare "Ủy ban nhân dân phường" followed
by a lower-case word is every ward). A subject that names no registered unit but is written as
one ("Người đứng đầu các cấp") is returned unresolved, never dropped. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.storage.models import UnitKind
from dondoc.storage.unit_names import COLLECTIVES, UnitDirectory, fold

MAX_WORDS = 16  # the longest name looked for at one place

TITLES = re.compile(
    r"(?:pho )?(?:thu truong|chu tich|truong|giam doc|nguoi dung dau|lanh dao) (?:cua )?"
)
_LEAD_IN = re.compile(
    r"^(?:(?:[-+•]|\d+(?:\.\d+)*[.)]|[ivxlc]+[.)]|[a-z][)])\s*)?"
    r"(?:(?:giao|de nghi|yeu cau|doi voi|trach nhiem(?: cu the)?(?: cua)?|nhiem vu cua)\s+)*"
)
_OPENING = re.compile(
    r"^(?:tren co so|tren day la|can cu|ngoai|trong qua trinh|trong do|dong thoi|ben canh do"
    r"|ngoai ra|neu|truong hop|sau khi|khi)[^,]{0,120},\s*"
)
_CONDITION = re.compile(r"^neu (?:co|phat sinh) [^,]{0,40}(?:, vuong mac)?,\s*")
_JOINER = re.compile(r"^\s*(?:,|;|va|&|cung|voi)\s*")
_GENERIC_WARD = re.compile(r"(?:uy ban nhan dan|ubnd) (?:phuong|xa)\b")
_VAGUE = re.compile(
    r"^(?:thu truong |nguoi dung dau )?(?:cac )?co quan,? (?:don vi|dia phuong)$|^(?:cac )?don vi$"
)
_UNIT_WORD = re.compile(
    r"^(?:phong|van phong|ban|uy ban|ubnd|hdnd|hoi dong|trung tam|chi cuc|cong an|doi|"
    r"bao hiem|kho bac|buu dien|benh vien|truong|so|hoi|thanh tra|chi nhanh|cac|nguoi dung dau"
    r"|thu truong|chu tich|lanh dao)\b"
)
_VERB = re.compile(
    r"\s(?:co trach nhiem|chiu trach nhiem|chu dong|thuc hien|trien khai|to chuc|xay dung|ra soat"
    r"|bao cao|gui|tham muu|chu tri|phoi hop|day manh|tang cuong|chi dao|theo doi|tong hop"
    r"|kiem tra|don doc|nghiem tuc|khan truong|tiep tuc|dinh ky|hang|thuong xuyen|kip thoi"
    r"|can|phai|nang cao|dam bao|bao dam|quan triet|huong dan|lap|cung cap|phan anh|co van ban"
    r"|duoc)\b"
)


@dataclass(frozen=True)
class Mention:
    """One name found in text: as written, its place, the units it stands for."""

    written: str
    start: int
    end: int
    codes: tuple[str, ...] = ()
    collective: bool = False
    ambiguous: bool = False
    vague: bool = False  # "các cơ quan, đơn vị": refers back to the units of the heading


def _words(text: str, start: int) -> list[int]:
    """End offsets of the next words of ``text`` from ``start``."""
    ends = [m.end() for m in re.finditer(r"\S+", text[start:])][:MAX_WORDS]
    return [start + e for e in ends]


def mention_at(directory: UnitDirectory, text: str, start: int) -> Mention | None:
    """The longest unit name (or collective phrase) that starts at ``start`` of ``text``."""
    folded = fold(text)
    if len(folded) != len(text):
        return None
    title = TITLES.match(folded, start)
    name_start = title.end() if title else start
    best: Mention | None = None
    for end in reversed(_words(text, name_start)):
        written = text[name_start:end].rstrip(" ,;:.)")
        while written and fold(written.rsplit(" ", 1)[-1]) in ("va", "&", "cung", "voi", "cac"):
            written = written.rsplit(" ", 1)[0] if " " in written else ""
        if not written:
            continue
        codes, ambiguous = directory.lookup(written)
        if codes:
            cut = name_start + len(written)
            best = Mention(text[start:cut], start, cut, codes)
            break
    for pattern, kinds in COLLECTIVES:
        match = pattern.match(folded, name_start)
        if match and (best is None or match.end() > best.end):
            vague = bool(_VAGUE.match(folded[start : match.end()]))
            codes = directory.of_kinds(kinds) if kinds else ()
            best = Mention(
                text[start : match.end()], start, match.end(), codes, bool(kinds), False, vague
            )
    ward = _GENERIC_WARD.match(folded, name_start)
    if ward and (best is None or ward.end() > best.end):
        after = text[ward.end() :].lstrip()
        if not after[:1].isupper() and not after[:1].isdigit():
            codes = directory.of_kinds((UnitKind.WARD.value,))
            best = Mention(text[start : ward.end()], start, ward.end(), codes, True)
    return best


def _sequence(directory: UnitDirectory, text: str, start: int) -> list[Mention]:
    """Names one after another from ``start``, joined by ",", ";", "và"."""
    found: list[Mention] = []
    position = start
    while position < len(text):
        mention = mention_at(directory, text, position)
        if mention is None:
            break
        found.append(mention)
        rest = text[mention.end :]
        lead = len(rest) - len(rest.lstrip())
        joiner = _JOINER.match(fold(rest.lstrip()))
        if not joiner:
            break
        position = mention.end + lead + joiner.end()
    return found


def lead_in_end(text: str) -> int:
    """Where the subject of a sentence or heading starts (after "Giao", an opening clause …)."""
    folded = fold(text)
    position = 0
    while True:
        before = position
        match = _LEAD_IN.match(folded[position:])
        position += match.end() if match else 0
        for pattern in (_CONDITION, _OPENING):
            clause = pattern.match(folded[position:])
            if clause:
                position += clause.end()
        if position == before:
            return position


_LISTED = re.compile(r"^(cac (?:co quan|phong|don vi|trung tam)): ([^:]{3,300}):")


def _listed(directory: UnitDirectory, text: str, start: int) -> list[Mention]:
    """ "Các cơ quan: Tư pháp, Văn phòng HĐND và UBND quận, Nội vụ: …" — the list before the
    second colon, read like a table cell (the first words apply to every name)."""
    folded = fold(text)
    match = _LISTED.match(folded[start:]) if len(folded) == len(text) else None
    if match is None:
        return []
    end = start + match.end(2)
    found = []
    for named in directory.resolve_cell(text[start:end]):
        if named.codes or named.written:
            found.append(Mention(named.written, start, end, named.codes, named.collective))
    return found if any(m.codes for m in found) else []


def subject(directory: UnitDirectory, text: str) -> list[Mention]:
    """The units a sentence or heading starts with (empty: it names none there)."""
    text = re.sub(r"\s+", " ", text)
    start = lead_in_end(text)
    listed = _listed(directory, text, start)
    if listed:
        return listed
    found = _sequence(directory, text, start)
    if found:
        return found
    folded = fold(text)
    if len(folded) == len(text) and _UNIT_WORD.match(folded[start:]):
        # Written as a unit but not registered ("Người đứng đầu các cấp …"): up to the verb.
        verb = _VERB.search(folded, start)
        end = verb.start() if verb else -1
        written = text[start:end].strip(" ,;:") if end > start else ""
        if written and len(written.split()) <= 10 and not any(c in written for c in ".;"):
            _, ambiguous = directory.lookup(written)
            return [Mention(written, start, start + len(written), (), False, ambiguous)]
    return []


def named_after(directory: UnitDirectory, text: str, words: re.Pattern[str]) -> list[Mention]:
    """Units named right after ``words`` (folded pattern), e.g. after "phối hợp (với)"."""
    text = re.sub(r"\s+", " ", text)
    match = words.search(fold(text))
    if match is None:
        return []
    return _sequence(directory, text, match.end())
