"""Deadline phrases inside running text (*thời hạn trong câu văn*): which words of a plan's
sentence say when a duty is due, so that ``scheduler.phrases.parse_deadline`` can read them.

A sentence of a plan is full of dates that are not deadlines — the dates of the documents it
cites ("Quyết định số 1033/QĐ-UBND ngày 01 tháng 4 năm 2024"), the years of targets ("phấn đấu
đến hết năm 2025 đạt 100%"), the names of programmes ("giai đoạn 2021-2030, tầm nhìn đến năm
2030"), money words ("chi thường xuyên"). So a phrase counts only with the words that make it a
deadline, each rule one line of a table:

==================== ================================================== ==================
cue                  examples                                           strength
==================== ================================================== ==================
date                 "trước ngày 15 tháng 7 năm 2024", "chậm nhất ngày  5 (wins)
                     05/3/2024", "hạn chót 30/6"
recurring, due day   "định kỳ hằng tháng", "hằng quý (riêng năm 2025    4
                     báo cáo hàng tháng)", "Định kỳ (Quý I, 6 tháng, 9
                     tháng và năm)", "ít nhất 2 lần/năm", "báo cáo …
                     định kỳ", "chậm nhất là ngày 05 của tháng cuối kỳ"
period               "Thời gian hoàn thành: Quý IV năm 2025", "đến hết   3
                     năm 2025", "Đến năm 2025, …" (at a clause's start)
ongoing              "thường xuyên", "duy trì thường xuyên"              2
event                "ngay khi Thành phố ban hành …", "khi có kết luận   1
                     …", "kịp thời báo cáo", "nếu có khó khăn, vướng mắc"
==================== ================================================== ==================

``deadline_phrase(sentence)`` gives the phrase of the strongest kind found (recurring cues and
a due day are joined: "Định kỳ (Quý I, …); chậm nhất là ngày 05 …"), or None when the sentence
says nothing about time. A clause that sets a target ("phấn đấu …") gives no deadline. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.storage.text import fold

_D = r"\d{1,2}"
_Y = r"(?:19|20)\d{2}"

CUES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (
        "date",
        5,
        re.compile(
            r"\b(?:truoc|cham nhat(?: la)?|han chot(?: la)?|xong truoc|hoan thanh truoc|"
            r"han(?: cuoi)?(?: la)?|den het|nop truoc)\s*:?\s*(?:ngay\s+)?"
            rf"{_D}(?: thang |\s?[/.-]\s?){_D}(?:(?:,? nam |\s?[/.-]\s?){_Y})?(?![\d/])"
        ),
    ),
    (
        "due_day",
        4,
        re.compile(
            rf"\b(?:cham nhat|truoc|han)(?: la)? ngay {_D} (?:cua |hang )?"
            r"(?:thang cuoi (?:cua )?(?:ky|quy)(?: bao cao)?|cua thang|thang|hang thang)"
        ),
    ),
    (
        "recurring",
        4,
        re.compile(
            r"\b(?:dinh ky )?(?:hang|moi) (?:thang|quy|nam|tuan)\b(?: cua (?:don vi|co quan))?"
            r"(?:,? (?:hang|moi) (?:thang|quy|nam)\b)*"
            r"|\bdinh ky (?:\([^)]{0,80}\)|(?:it nhat )?\d{1,2} thang(?:/lan)?(?: va ca nam)?)"
            r"|\b(?:it nhat )?0?\d{1,2} thang/lan\b"
            r"|\b(?:it nhat )?0?\d{1,2} lan ?(?:/|trong|moi) ?(?:1 |mot )?nam\b"
            r"|\bbao cao (?:[^.;()]{0,60} )?dinh ky\b(?: \([^)]{0,80}\))?|\bdinh ky bao cao\b"
        ),
    ),
    (
        "period",
        3,
        re.compile(
            r"\b(?:thoi gian hoan thanh|hoan thanh(?: trong)?|trong|truoc|den het|het|cuoi)"
            rf"\s*:?\s*(?:thang {_D}(?:\s?[/.-]\s?{_Y}| nam {_Y})?"
            rf"|qu[yi] (?:iv|iii|ii|i|[1-4])\b(?:\s?[/.-]\s?{_Y}| nam {_Y})?)"
            rf"|(?<!\d thang )\b(?:den het|het|(?:den|truoc|vao) cuoi|hoan thanh(?: trong)?|truoc)"
            rf" nam {_Y}"
            rf"|(?:^|[,;:] )den nam {_Y}"
        ),
    ),
    ("ongoing", 2, re.compile(r"(?<!\bchi )(?<!kinh phi )\bthuong xuyen\b")),
    (
        "event",
        1,
        re.compile(
            r"\bngay (?:sau )?khi (?:[^,;.]{0,50}?\b(?:ban hanh|phe duyet|co hieu luc|trien khai)\b"
            r"|[^,;.]{3,40})|\bsau khi [^,;.]{0,40}"
            r"(?:ban hanh|phe duyet|co (?:van ban|ket luan|quyet dinh)|ket thuc|hoan thanh)"
            r"|\bkhi co (?:van ban|ket luan|quyet dinh|chi dao|yeu cau|huong dan|ke hoach)"
            r"[^,;.]{0,60}"
            r"|\bkip thoi (?:bao cao|phan anh|gui)\b|\b(?:bao cao|phan anh)(?: ve [^,;.]{0,40})?"
            r" kip thoi\b|\bneu (?:co|phat sinh) kho khan(?:, vuong mac)?|\bkhi phat sinh\b"
        ),
    ),
)

_EXCEPTION = re.compile(r"^\s*\(?\s*rieng nam \d{4}[^)]{0,60}\)?")
_TARGET = re.compile(r"\bphan dau\b|\bdat (?:ty le )?\d|\bmuc tieu\b")
_NAME_BEFORE = re.compile(r"(?:tam nhin|dinh huong|giai doan [\d -]+,?)\s*$")
_CUT_OFF = re.compile(r"^(?:thoi (?:diem|gian|han) )?chot so lieu")
_TIME_LINE = re.compile(
    r"^(?:thoi gian|thoi han|tien do|han)(?: thuc hien| hoan thanh| gui| nop| bao cao)?\s*:"
)
_CLAUSE = re.compile(r"[.;]")


@dataclass(frozen=True)
class FoundDeadline:
    """The words of a sentence that say when (``phrase``, as written), their place, the cue."""

    phrase: str
    start: int
    end: int
    cue: str
    strength: int


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def find_cues(text: str) -> list[FoundDeadline]:
    """Every deadline cue of ``text`` (single spaces), in order of position."""
    text = _normal(text)
    folded = fold(text)
    if len(folded) != len(text):  # folding changed lengths (rare): work on the folded text
        text = folded
    if _CUT_OFF.match(folded):
        return []
    found: list[FoundDeadline] = []
    for cue, strength, pattern in CUES:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if match.group(0).startswith((",", ";", ":")):
                start += 2
            clause_start = max((m.end() for m in _CLAUSE.finditer(folded, 0, start)), default=0)
            before = folded[clause_start:start]
            if cue in ("date", "period") and _TARGET.search(before):
                continue  # "phấn đấu đến hết năm 2025 đạt 100%": a target, not a deadline
            if cue == "period" and _NAME_BEFORE.search(before):
                continue  # "…, tầm nhìn đến năm 2030": the name of a programme
            if cue == "recurring":
                if match.group(0).startswith("bao cao"):  # "báo cáo … định kỳ": the last words
                    start = folded.rindex("dinh ky", start, end)
                exception = _EXCEPTION.match(folded[end:])
                if exception:
                    end += exception.end()
            if any(f.start <= start < f.end for f in found):
                continue
            found.append(FoundDeadline(text[start:end].strip(" ,;:"), start, end, cue, strength))
    return sorted(found, key=lambda f: f.start)


def deadline_phrase(text: str) -> FoundDeadline | None:
    """The phrase to read as the deadline of a sentence, or None (no time word)."""
    cues = find_cues(text)
    if not cues:
        return None
    best = max(cue.strength for cue in cues)
    chosen = [c for c in cues if c.strength == best]
    if best == 4:  # recurring words and a due day read together
        chosen = [c for c in cues if c.cue in ("recurring", "due_day")]
    phrase = chosen[0].phrase
    for previous, cue in zip(chosen, chosen[1:], strict=False):
        if cue.phrase in phrase:
            continue
        adjacent = cue.start - previous.end <= 2
        phrase += (" " if adjacent else "; ") + cue.phrase
    return FoundDeadline(phrase, chosen[0].start, chosen[-1].end, chosen[0].cue, best)


def is_time_line(text: str) -> bool:
    """A sentence that only says when ("Thời gian thực hiện: Định kỳ hằng tháng.")."""
    return bool(_TIME_LINE.match(fold(_normal(text))))


def time_line_phrase(text: str) -> str:
    """The deadline words of a time line (after its colon)."""
    return _normal(text).split(":", 1)[-1].strip(" .;")
