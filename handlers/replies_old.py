"""Short status replies (*trả lời ngắn*): how "xong", "đang làm 70%", "vướng: chưa có số liệu"
are understood.

``parse_reply(text)`` is pure: it reads a free-text reply of an officer — with or without
diacritics, NFC or NFD — and returns a ``ParsedReply``: a status (``done``, ``in_progress``,
``blocked``, ``not_started`` or ``unclear``), a percentage when one was given, and a note (the
officer's own words beyond the status: the blocker, the extension asked for …).

Rules, in order:

* Numbers that are dates ("ngày 14/7", "20/7/2024") or document numbers ("số 12/KH-UBND") are
  never percentages; a percentage is a number followed by "%" / "phần trăm", or a bare number
  right after "được", "đạt", "khoảng", "tiến độ".
* Blocked words ("vướng", "khó khăn", "gia hạn", "chưa có số liệu" …) win over the others:
  the coordinator must see them.
* "chưa làm" / "chưa thực hiện" is not started; "chưa xong" / "chưa hoàn thành" is in progress.
* "xong", "đã nộp", "hoàn thành", 100 % are done; "đang làm", any percentage below 100 is in
  progress, 0 % is not started.
* Acknowledgements ("ok", "đã nhận", "cảm ơn", "vâng", 👍) are not reports:
  ``status == "unclear"`` and ``acknowledgement`` is true, so the bot asks for the status.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

UNCLEAR = "unclear"
STATUSES = ("done", "in_progress", "blocked", "not_started", UNCLEAR)
MAX_NOTE = 1000


@dataclass(frozen=True)
class ParsedReply:
    status: str
    percent: int | None = None
    note: str = ""
    acknowledgement: bool = False

    @property
    def is_report(self) -> bool:
        return self.status != UNCLEAR

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["acknowledgement"]
        return data


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
    base = base.lower()
    if len(base) != 1:
        return " " if not base else base[0]
    if "\u2010" <= base <= "\u2015" or base == "\u2212":
        return "-"
    if base in "\u2018\u2019\u02bc":  # a phone's apostrophe: "I’m"
        return "'"
    if base.isspace():
        return " "
    return base


def _aligned(text: str) -> tuple[str, str]:
    """The NFC text and its folding, character for character (same length, same positions)."""
    original = unicodedata.normalize("NFC", text)
    return original, "".join(_fold_char(c) for c in original)


def _words(*phrases: str) -> str:
    return "|".join(sorted(phrases, key=len, reverse=True))


_B = r"(?<![a-z0-9])"  # word start
_E = r"(?![a-z0-9])"  # word end

# A date or a document number: "14/7", "20/7/2024", "12/KH-UBND", "ngày 14", "số 12".
_NOT_PERCENT = re.compile(
    r"\d+\s*[/.\-]\s*[0-9a-z]"
    r"|" + _B + r"(?:ngay|so|thang|nam|quy|den|truoc|sau|tu|luc|gio|qd|kh|cv|tt|nq)\s*\d+"
)
_PERCENT = re.compile(
    r"(?<![\d/.\-])(\d{1,3})(?:[.,]\d+)?\s*(?:%|phan tram|ptram|percent" + _E + r"|pc" + _E + ")"
)
_BARE_PERCENT = re.compile(
    _B + r"(?:duoc|dat|khoang|tien do|chung|tam|xong|lam duoc|thuc hien duoc)\s*(?:khoang\s*)?"
    r"(\d{1,3})(?![\d/.\-%]|\s*(?:%|phan tram|/|thang|ngay|nam|gio|ngay))"
)

_BLOCKED = re.compile(
    _B
    + "(?:"
    + _words(
        "vuong",
        "vuong mac",
        "kho khan",
        "gia han",
        "lui han",
        "chua co so lieu",
        "chua co du lieu",
        "thieu so lieu",
        "thieu kinh phi",
        "thieu nhan su",
        "chua co kinh phi",
        "chua co huong dan",
        "cho huong dan",
        "khong the",
        "khong kip",
        "ko kip",
        "k kip",
        "k0 kip",
        "bi tre",
        "bi cham",
        "ach tac",
        "blocked",
        "stuck",
        "issue",
        "problem",
        "extension",
        "can ho tro",
        "xin them thoi gian",
        "chua the",
    )
    + ")"
    + _E
)
_NOT_BLOCKED = re.compile(_B + r"(?:khong|ko|k|chua|het|khong con)\s+(?:co\s+)?(?:vuong|kho khan)")
_NOT_STARTED = re.compile(
    _B
    + "(?:"
    + _words(
        "chua lam",
        "chua thuc hien",
        "chua trien khai",
        "chua bat dau",
        "chua lam gi",
        "chua co gi",
        "not started",
        "not yet started",
        "khong lam",
        "chua tien hanh",
    )
    + ")"
    + _E
)
_NOT_DONE = re.compile(
    _B
    + "(?:"
    + _words(
        "chua xong",
        "chua hoan thanh",
        "chua nop",
        "chua gui",
        "chua bao cao",
        "chua hoan tat",
        "not done",
        "not finished",
        "not yet",
    )
    + ")"
    + _E
)
_DONE = re.compile(
    _B
    + "(?:"
    + _words(
        "xong",
        "hoan thanh",
        "hoan tat",
        "da nop",
        "nop roi",
        "da gui",
        "gui roi",
        "da bao cao",
        "bao cao roi",
        "da thuc hien",
        "da trien khai",
        "da ban hanh",
        "da hoan thien",
        "da xu ly",
        "da co bao cao",
        "done",
        "finished",
        "completed",
        "complete",
        "submitted",
        "sent",
    )
    + ")"
    + _E
)
_IN_PROGRESS = re.compile(
    _B
    + "(?:"
    + _words(
        "dang lam",
        "dang tien hanh",
        "dang hoan thanh",
        "dang chuan bi",
        "dang lay y kien",
        "dang thu thap",
        "dang ra soat",
        "dang thuc hien",
        "dang trien khai",
        "dang tong hop",
        "dang xu ly",
        "dang hoan thien",
        "dang soan",
        "dang xay dung",
        "dang du thao",
        "dang trinh",
        "da trinh",
        "trinh ky",
        "cho ky",
        "cho duyet",
        "dang cho",
        "sap xong",
        "gan xong",
        "se nop",
        "se gui",
        "gui sau",
        "nop sau",
        "se hoan thanh",
        "tiep tuc",
        "in progress",
        "working on",
        "ongoing",
        "almost done",
    )
    # A sending still to come: "mai em gửi", "chiều nay nộp", "hôm nay bên em sẽ gửi".
    # ("tối" is left out: folded, it is "tôi", and "tôi gửi rồi" is done.)
    + r"|(?:mai|ngay mai|sang mai|chieu|hom nay|tuan sau|tuan nay)(?:\s+nay)?"
    r"(?:\s+(?:em|minh|toi|ben em|chung em))?(?:\s+se)?\s+(?:gui|nop|bao cao)"
    r"(?!\s+(?:roi|xong))" + ")" + _E
)
_ACKNOWLEDGEMENT = re.compile(
    r"^(?:(?:"
    + _words(
        "ok",
        "oke",
        "okay",
        "okie",
        "oki",
        "okela",
        "da nhan",
        "nhan",
        "nhan duoc",
        "da nhan duoc",
        "cam on",
        "cam on anh",
        "cam on chi",
        "thanks",
        "thank you",
        "thank",
        "tks",
        "vang",
        "da vang",
        "da",
        "u",
        "uh",
        "da ro",
        "ro",
        "ro roi",
        "noted",
        "roger",
        "received",
        "got it",
        "yes",
        "vang a",
        "biet roi",
        "da biet",
        "e nhan",
        "em nhan",
        "em da nhan",
        "em cam on",
        "hi",
        "hello",
        "chao",
        "xin chao",
        "alo",
    )
    + r")[\s.!,]*)+(?:a|ak|nhe|nha|roi|ah|e|em|anh|chi|a\.)?[\s.!]*$"
)
_EMOJI_ACK = {"👍", "👌", "🙏", "✅", "👍🏻", "👍🏼", "👍🏽", "🆗"}
_SEPARATOR = re.compile(r"[:\-–—]\s*|\s*,\s*|\s*\.\s+")
# Words that carry no information beyond the status: politeness particles and pronouns.
_FILLER = re.compile(
    _B
    + "(?:"
    + _words(
        "a",
        "ah",
        "da",
        "roi",
        "nhe",
        "nha",
        "em",
        "anh",
        "chi",
        "bao cao",
        "kinh gui",
        "kinh bao cao",
        "viec",
        "nhiem vu",
        "nay",
        "do",
        "duoc",
        "khoang",
        "dat",
        "tien do",
        "chung",
        "ok",
        "vang",
        "la",
        "cua",
        "don vi",
        "phan tram",
        "ptram",
        "percent",
        "mac",
        "cong viec",
        "voi",
        "nhu",
        "the",
        "ben",
        "minh",
        "toi",
        "cung",
        "cho",
        "hien",
        "hien tai",
        "it",
        "i",
        "i'm",
        "im",
        "i am",
        "we",
        "we're",
        "we are",
        "is",
        "the",
        "task",
        "now",
        "already",
        "yes",
        "about",
    )
    + ")"
    + _E
)


def _percent(folded: str) -> int | None:
    masked = _NOT_PERCENT.sub(lambda m: " " * len(m.group(0)), folded)
    for pattern in (_PERCENT, _BARE_PERCENT):
        match = pattern.search(masked)
        if match:
            value = int(match.group(1))
            return value if 0 <= value <= 100 else None
    return None


def _note(original: str, folded: str, status: str, keyword: re.Match[str] | None) -> str:
    """The officer's own words beyond the status, from the original text."""
    text = original.strip()
    if status == "blocked" and keyword is not None:
        sep = re.match(r"\s*(?:mac\s*)?[:\-,]\s*", folded[keyword.end() :])
        if sep:
            remainder = original[keyword.end() + sep.end() :].strip()
            if remainder:
                return remainder[:MAX_NOTE]
        if re.fullmatch(r"\s*(?:vuong|vuong mac)\s*(?:a|roi|nhe)?[\s.!]*", folded):
            return ""
        return text[:MAX_NOTE]
    rest_folded = _PERCENT.sub(" ", folded)
    for pattern in (_DONE, _IN_PROGRESS, _NOT_STARTED, _NOT_DONE, _FILLER):
        rest_folded = pattern.sub(" ", rest_folded)
    if not re.search(r"[a-z0-9]", rest_folded):
        return ""  # nothing but status words, numbers and particles
    return text[:MAX_NOTE]


def parse_reply(text: str) -> ParsedReply:
    """Understand one short status reply (see the module docstring for the rules)."""
    original, folded = _aligned(text or "")
    stripped = folded.strip()
    if not re.search(r"[a-z0-9]", stripped):
        compact = "".join(original.split())
        if compact and all(c in "".join(_EMOJI_ACK) or c in "\ufe0f" for c in compact):
            return ParsedReply(UNCLEAR, acknowledgement=True)
        return ParsedReply(UNCLEAR)
    squeezed = re.sub(r"\s+", " ", stripped)
    percent = _percent(folded)

    blocked = None if _NOT_BLOCKED.search(folded) else _BLOCKED.search(folded)
    not_started = _NOT_STARTED.search(folded)
    not_done = _NOT_DONE.search(folded)
    done = _DONE.search(folded)
    progress = _IN_PROGRESS.search(folded)

    status: str
    keyword: re.Match[str] | None
    if blocked:
        status, keyword = "blocked", blocked
    elif not_started and not (percent and percent > 0):
        status, keyword = "not_started", not_started
    elif not_done or not_started:
        status, keyword = "in_progress", not_done or not_started
    elif percent is not None and percent < 100 and not done:
        status, keyword = ("not_started" if percent == 0 else "in_progress"), None
    elif done and not progress:
        status, keyword = "done", done
    elif done and progress and done.start() < progress.start():
        # "xong phần 1, đang làm phần 2": the latest words count
        status, keyword = "in_progress", progress
    elif progress:
        status, keyword = "in_progress", progress
    elif done:
        status, keyword = "done", done
    elif percent == 100:
        status, keyword = "done", None
    elif percent is not None:
        status, keyword = "in_progress", None
    else:
        if _ACKNOWLEDGEMENT.match(squeezed):
            return ParsedReply(UNCLEAR, acknowledgement=True)
        return ParsedReply(UNCLEAR, note=original.strip()[:MAX_NOTE])

    if status == "done" and percent is not None and percent < 100:
        status = "in_progress"
    if status == "not_started":
        percent = None if percent in (None, 0) else percent
    return ParsedReply(status, percent, _note(original, folded, status, keyword))
