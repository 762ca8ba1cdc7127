"""The plan's own heading (*phần đầu văn bản*): number, issuing body, place and date, title, year.

A Vietnamese administrative document opens the same way: the issuing body in capitals at the
left ("ỦY BAN NHÂN DÂN / QUẬN 6"), the national motto at the right, then "Số: 84/KH-UBND",
"Phú Định, ngày 08 tháng 10 năm 2025", "KẾ HOẠCH" and the title ("Thực hiện …"). The year of
the plan comes from the title ("… năm 2024", "giai đoạn 2021 - 2030"), else from the date line,
else from the deadlines the plan writes (the caller's job); ``--year``/``--code`` are needed only
when nothing says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dondoc.storage.plan_tables import document_date, document_number, document_years
from dondoc.storage.text import fold

_MOTTO = re.compile(r"cong hoa xa hoi|doc lap - tu do")
_KIND_WORD = re.compile(r"^(?:ke hoach|phu luc|chuong trinh|quyet dinh|de an)\b")
_CITING = re.compile(
    r"^(?:can cu|theo de nghi|thuc hien (?:quyet dinh|ke hoach|nghi quyet|chi thi|cong van"
    r"|thong tu|van ban|chuong trinh)\b[^,]{0,40}\bso)"
)
_BODY_START = re.compile(r"^(?:[ivx]+\.|\d+\.)\s")
_DATE_LINE = re.compile(r"^[^,]{2,40}, ngay\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PLAN_YEAR = re.compile(
    r"^nam (?:cua )?ke hoach\s*:?\s*((?:19|20)\d{2})(?:\s*-\s*((?:19|20)\d{2}))?"
)


@dataclass(frozen=True)
class PlanHeader:
    code: str | None
    issuer: str
    issued: date | None
    title: str | None
    year: int | None
    last_year: int | None


def read_header(head: list[str], paragraphs: list[str] | None = None) -> PlanHeader:
    """The heading of a plan from its first lines (``PlanDocument.head_lines``) and paragraphs:
    what comes before its first numbered part, without what cites other documents ("Căn cứ …",
    "Thực hiện Quyết định số …")."""
    lines: list[str] = []
    for line in head:
        folded = fold(line)
        if _BODY_START.match(folded):
            break
        if not _CITING.match(folded):
            lines.append(line)
    issuer_lines: list[str] = []
    for line in lines:
        folded = fold(line)
        if _MOTTO.search(folded) or not line.isupper() or _KIND_WORD.match(folded):
            break
        if not folded.startswith("so"):
            issuer_lines.append(line)
    date_year = next(
        (
            int(_YEAR.findall(fold(x))[-1])
            for x in lines
            if _DATE_LINE.match(fold(x)) and _YEAR.findall(fold(x))
        ),
        None,
    )
    title = _title(paragraphs if paragraphs is not None else lines)
    year, last_year = document_years([title]) if title else (None, None)
    stated = next((m for m in (_PLAN_YEAR.match(fold(x)) for x in lines) if m), None)
    if stated:  # "Năm của kế hoạch: 2024" (the review sheet says it in so many words)
        year = int(stated.group(1))
        last_year = int(stated.group(2)) if stated.group(2) else None
    if year is None:
        year = date_year
    return PlanHeader(
        code=document_number(lines) or _written_number(lines),
        issuer=" ".join(issuer_lines)[:255],
        issued=document_date(lines),
        title=title[:1000] if title else None,
        year=year,
        last_year=last_year if last_year and year and last_year > year else None,
    )


_NUMBER_LINE = re.compile(r"^\s*Số\s*:\s*([^\s/][^\s]{0,63})\s*$", re.I)


def _written_number(lines: list[str]) -> str | None:
    """ "Số: KH-Q6": a number as the line writes it, when it is not the usual "84/KH-UBND"."""
    for line in lines[:12]:
        match = _NUMBER_LINE.match(line)
        if match:
            return match.group(1)
    return None


def _title(paragraphs: list[str]) -> str | None:
    """The paragraph after "KẾ HOẠCH" (or the rest of that paragraph)."""
    for index, text in enumerate(paragraphs):
        folded = fold(text)
        if _BODY_START.match(folded):
            return None
        match = _KIND_WORD.match(folded)
        if not match:
            continue
        rest = text[match.end() :].strip(" :-")
        if rest:
            return rest
        for following in paragraphs[index + 1 : index + 3]:
            if not _CITING.match(fold(following)) and not following.startswith("("):
                return following.strip()
        return None
    return None
