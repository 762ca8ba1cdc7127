"""A correction (*báo nhầm, sửa lại*): the officer takes back what they just reported — "nhầm",
"gửi nhầm", "em báo nhầm ạ", "sửa lại", "undo", "rút lại" — maybe with the right status in the
same message ("nhầm, đang làm 50%", "sửa lại: chưa xong").

``read_correction(text)`` is pure. It reads the correction words at the start of the message
only (after a pronoun, "dạ" or "xin lỗi"): "nhầm" inside a report ("em nhầm hạn, tuần sau mới
nộp") is a report, and "đang sửa lại báo cáo" is work going on. What follows the correction
words is read by ``parse_reply``: a status there is the correction; nothing there (or words
that carry none) asks the conversation to take the report back or to ask for the right status.

``undo`` tells the two wishes apart: "nhầm", "gửi nhầm", "rút lại", "undo" take the report back
as it is (the status before it counts again); "sửa lại", "sửa báo cáo" ask what it should say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.handlers.replies.decide import decide
from dondoc.handlers.replies.result import ParsedReply
from dondoc.handlers.replies.typing import aligned

_LEAD = r"(?:(?:da|vang|ui|oi|oops|sorry|xin loi|em xin loi|chet|thoi chet)[ ,.!]+)*"
_WHO = r"(?:(?:em|e|toi|minh|chi|anh|ben em|i)\s+)?"
_DID = (
    r"(?:(?:da|vua|lo)\s+)?"
    r"(?:(?:gui|bao|bao cao|bc|bam|chon|go|ghi|nhan|nhap|tra loi|send|sent)\s+)?"
)
_AFTER = (
    r"(?:\s+(?:nhiem vu|viec|task|bao cao|bc|tinh trang|trang thai|muc|cai|roi|r|a|ah|ak|nhe|"
    r"nha|oi|chi|anh|mat|that|thiet|qua|luon|ne|it|one))*"
)
_UNDO = (
    r"nham|(?<=[a-z] )lon|sai(?= |$|[,.!:;?-])|undo|hoan tac|rut lai|thu hoi|huy bao cao|huy bc|"
    r"by mistake|my mistake|mistake|wrong|take (?:it )?back|withdraw"
)
_FIX = (
    r"sua lai|sua bao cao|sua bc|sua(?=\s*(?:$|[,.:;!\-–—]))|dinh chinh|correct(?:ion)?|"
    r"fix(?=\s*(?:$|[,.:;!\-–—]))"
)
_CORRECTION = re.compile(
    rf"^{_LEAD}{_WHO}"
    rf"(?:(?P<undo>{_DID}(?P<word>{_UNDO}))|(?P<fix>(?:cho em |xin )?(?:{_FIX})))"
    rf"{_AFTER}(?=$|[\s,.!:;?\-–—])"
)
_INTO = re.compile(r"^[\s,.!:;?\-–—]*(?:(?:thanh|la|lai la|into|to|:)\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Correction:
    """``undo``: take the report back as it is (else: ask what it should say). ``reply``: the
    right status given in the same message, or None. ``rest``: the words after the
    correction words, as typed."""

    undo: bool
    rest: str = ""
    reply: ParsedReply | None = None


def read_correction(text: str) -> Correction | None:
    """The correction ``text`` makes, or None when it is no correction."""
    original, folded = aligned(text.strip())
    match = _CORRECTION.match(folded)
    if match is None:
        return None
    rest = original[match.end() :]
    rest = rest[_INTO.match(aligned(rest)[1]).end() :].strip()  # type: ignore[union-attr]
    reply = decide(rest) if rest else None
    if reply is not None and not reply.is_report:
        reply = None
    if rest and reply is None and match.group("word") == "sai":
        return None  # "sai số liệu": words about wrong figures, not "that was wrong"
    return Correction(undo=match.group("undo") is not None, rest=rest, reply=reply)
