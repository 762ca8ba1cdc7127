"""Numbers in a reply (*tỷ lệ, tiến độ*): which one is the share of the work done.

- A number with ``%``, ``phần trăm`` or "percent", in digits or in words (``bảy mươi lăm phần
  trăm``, "seventy percent").
- A bare number right after "được", "đạt", "khoảng", "tiến độ" … when nothing but particles
  follows it ("được 70 rồi"; "xong 3 tổ" is a count, not 3 %).
- Halves, thirds, quarters: ``một nửa``, ``nửa chặng`` → 50, ``một phần ba`` → 33, ``3 phần 4``
  → 75, "half", "two thirds".
- A fraction of parts, not a date, when the words around it say so: ``2/4 phường đã gửi``,
  ``được 1/4``, ``3 trên 5 tổ`` → 50, 25, 60.
- Dates (``ngày 14/7``, ``20/7/2024``, ``từ hôm 12/7``) and document numbers (``số 12/KH-UBND``)
  are never percentages.

``read_percent(canonical)`` gives ``(percent, out_of_range)``: a share in 0–100, or the number
the officer wrote outside that range (``150%``, ``-10%``), for the bot to ask about.
"""

from __future__ import annotations

import re

_B = r"(?<![a-z0-9_])"
_E = r"(?![a-z0-9_])"

_UNITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_ENGLISH_TENS = {
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS = "|".join(_ENGLISH_TENS)
# "bay muoi lam", "muoi lam", "mot tram", "seventy five", "seventy-five", "one hundred"
_NUMBER_WORDS = (
    rf"(?:(?:{_UNIT})\s+tram|one hundred|a hundred|(?:(?:{_UNIT})\s+)?muoi(?:\s+(?:{_UNIT}|mot))?"
    rf"|(?:{_TENS})(?:\s*-?\s*(?:{_UNIT}))?|(?:{_UNIT}))"
)
_PERCENT_WORD = r"(?:%|phan tram|percent|per cent|pc" + _E + r")"

_DIGIT_PERCENT = re.compile(r"(?<![\d/.])(-\s*)?(\d{1,4})(?:[.,]\d+)?\s*" + _PERCENT_WORD)
_WORDS_PERCENT = re.compile(_B + "(" + _NUMBER_WORDS + r")\s+" + _PERCENT_WORD)
_LEAD = (
    r"(?:duoc|dat|khoang|tien do|chung|tam|lam duoc|thuc hien duoc|xong|moi|hon|gan|"
    r"hoan thanh|about|around|at|nhap|ra soat|xu ly|tiep nhan)"
)
# A correction: the number after it is the one meant ("50% ạ… à không, 70%").
CORRECTION = re.compile(
    _B + r"(?:a khong|a lon|lon|nham|khong phai|sua lai|xin loi|sorry|i mean|a nham)" + _E
)
# The whole that a bare count is out of: "phường em có 40 thủ tục, đã rà được 30".
_WHOLE = re.compile(_B + r"(?:co|tong(?: so)?|tren|trong) (\d{1,4})" + _E)
_PARTICLES = r"(?:roi|a|thoi|nhe|chi|anh|em|oi|nay|ne|do|day|so far|already|now|\?|!|\.|,|$)"
_BARE = re.compile(
    _B + _LEAD + r"\s+(?:khoang\s+|duoc\s+|tam\s+)?(\d{1,3})\s*(?=" + _PARTICLES + ")"
)

# Parts counted by a fraction: "2/4 phuong", "3 tren 5 to", "4/5 to da xong".
_PARTS = (
    r"(?:phuong|xa|thi tran|to dan pho|to|khu pho|khu|thon|ap|ban|xom|don vi|co quan|truong|"
    r"nganh|ho so|bieu|bieu mau|muc|phan|noi dung|chi tieu|cai|file|bo|lop|ho|diem|co so|nguoi|"
    r"ban ke khai|ban|du an|hop dong|goi thau|cong trinh|phieu|truong hop|co so_nganh|"
    r"wards?|units?|schools?|parts?|sections?|forms?|files?|offices?)"
)
_DATE_BEFORE = (
    r"(?:ngay|hom|truoc|den|tu|han|sau|luc|vao|thu (?:hai|ba|tu|nam|sau|bay|\d+)|thang|dated|on|by|"
    r"until|tuan|ky|quy|nam|so)"
)
_FRACTION = re.compile(
    r"(?<!" + r"[\d/])(\d{1,3})\s*(?:/|tren|trong|out of|of|phan)\s*(\d{1,3})(?![\d/])"
    r"(?:\s+(" + _PARTS + r"))?" + _E
)
# A share of money: "37,5 tỷ/50 tỷ", "120 triệu trên 200 triệu".
_MONEY_SHARE = re.compile(
    r"(\d+(?:[.,]\d+)?) ?(ty|trieu|nghin|ngan)(?: dong)? ?(?:/|tren) ?(\d+(?:[.,]\d+)?) ?\2" + _E
)
_WORD_FRACTIONS = [
    (re.compile(_B + r"(?:nua_\w+ chang|mot nua_half|nua_half|halfway|half|50 ?- ?50)" + _E), 50),
    (re.compile(_B + r"(?:mot phan ba|one third|a third)" + _E), 33),
    (re.compile(_B + r"(?:hai phan ba|two thirds)" + _E), 67),
    (re.compile(_B + r"(?:mot phan tu|one quarter|a quarter)" + _E), 25),
    (re.compile(_B + r"(?:ba phan tu|three quarters)" + _E), 75),
]
# Every way of saying a share, for telling status words from the officer's own (the note).
SHARE_WORDS = re.compile(
    _B
    + r"(?:(?:hon|gan|qua|tren|duoi|khoang|more than|over|almost) )?(?:"
    + "|".join([_WORDS_PERCENT.pattern] + [p.pattern for p, _ in _WORD_FRACTIONS])
    + ")"
)
# A number that belongs to a date or a document: "14/7", "20/7/2024", "12/kh-ubnd", "ngay 14".
_NOT_A_SHARE = re.compile(
    r"\d+\s*/\s*\d+\s*/\s*\d+"  # a full date
    r"|\d+\s*/\s*[a-z]"  # a document number
    r"|" + _B + _DATE_BEFORE + r"\s+\d+(?:\s*/\s*\d+)?"
)


def words_value(words: str) -> int | None:
    """``bay muoi lam`` → 75, ``muoi`` → 10, ``mot tram`` → 100, "seventy-five" → 75."""
    parts = re.findall(r"[a-z]+", words)
    if not parts:
        return None
    if parts[-1] == "tram" or parts[-1] == "hundred":
        return 100 * (_UNITS.get(parts[0], 1) if parts[0] not in ("a",) else 1)
    if parts[0] in _ENGLISH_TENS:
        return _ENGLISH_TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    if "muoi" in parts:
        index = parts.index("muoi")
        tens = _UNITS.get(parts[index - 1], 1) if index > 0 else 1
        unit = _UNITS.get(parts[index + 1], 0) if index + 1 < len(parts) else 0
        return tens * 10 + unit
    return _UNITS.get(parts[0])


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


# A percentage that is a figure inside the report, not the share of the work done: "tổng thu
# đạt 112% dự toán", "tỷ lệ hài lòng đạt 96%".
_FIGURE = re.compile(
    _B + r"(?:ty le|ti le|rate)(?: [a-z_]+){0,4}? (?:dat|la|=|:)? ?-?\d+(?: ?[.,] ?\d+)? ?%"
    r"|(?:10[1-9]|1[1-9]\d|[2-9]\d\d)(?: ?[.,] ?\d+)? ?% "
    r"(?:du toan|ke hoach|chi tieu|cung ky|so voi|von|dan so|nhiem vu nam|kh" + _E + r")"
)


# Any percentage worded as a figure of a report (a rate, a share of a budget, a decimal).
_FIGURE_WORDING = re.compile(
    _B
    + r"(?:ty le|ti le|rate|luy ke|tong thu|tong chi|thu ngan sach|dat va vuot)"
    + _E
    + r"|\d+[.,]\d+ ?%"
    + r"|% (?:du toan|ke hoach|chi tieu|cung ky|so voi|von|dan so|nhiem vu nam|kh)"
    + _E
)


def is_figure(text: str) -> bool:
    """Whether the percentage of the text is worded as a figure inside a report (a rate, a
    share of a budget or a plan, a decimal): beside a report sent, it is not progress."""
    return _FIGURE_WORDING.search(text) is not None


def read_percent(text: str) -> tuple[int | None, int | None]:
    """The share stated in the canonical text, and an out-of-range number (see docstring)."""
    corrections = list(CORRECTION.finditer(text))
    if corrections:
        corrected = _read(text[corrections[-1].end() :])
        if corrected != (None, None):
            return corrected
    return _read(text)


def _read(text: str) -> tuple[int | None, int | None]:
    masked = _mask(_mask(text, _NOT_A_SHARE), _FIGURE)
    match = _DIGIT_PERCENT.search(masked)
    if match:
        # "-10%" is a negative number, "50-60%" a range (its upper end is read)
        negative = bool(match.group(1)) and not re.search(r"\d\s*$", masked[: match.start()])
        value = int(match.group(2)) * (-1 if negative else 1)
        return (value, None) if 0 <= value <= 100 else (None, value)
    match = _WORDS_PERCENT.search(masked)
    if match:
        value = words_value(match.group(1))
        if value is not None:
            return (value, None) if 0 <= value <= 100 else (None, value)
    money = _MONEY_SHARE.search(text)
    if money:  # "đã giải ngân 37,5 tỷ/50 tỷ"
        part, whole = (float(money.group(i).replace(",", ".")) for i in (1, 3))
        if 0 < whole and part <= whole:
            return round(100 * part / whole), None
    for fraction in _FRACTION.finditer(text):
        share = _fraction_share(text, fraction)
        if share is not None:
            return share, None
    for pattern, value in _WORD_FRACTIONS:
        if pattern.search(masked):
            return value, None
    match = _BARE.search(masked)
    if match:
        value = int(match.group(1))
        whole = _WHOLE.search(masked[: match.start()])
        if whole and value < int(whole.group(1)) != 100:
            return round(100 * value / int(whole.group(1))), None
        return (value, None) if 0 <= value <= 100 else (None, value)
    return None, None


def _fraction_share(text: str, match: re.Match[str]) -> int | None:
    """``a/b`` as a share of parts when the words say so, else ``None`` (a date)."""
    part, whole = int(match.group(1)), int(match.group(2))
    if whole == 0 or part > whole:
        return None
    before = text[: match.start()].rstrip()
    if re.search(_B + _DATE_BEFORE + r"$", before):
        return None
    sign = text[match.start(1) : match.start(2)]
    spelled = "/" not in sign  # "3 tren 5", "3 phan 4": never a date
    led = re.search(_B + _LEAD + r"(?:\s+(?:duoc|khoang|tam))?$", before) is not None
    after = text[match.end() :].lstrip()
    ends = re.match(_PARTICLES, after) is not None
    if match.group(3) or spelled or (led and ends):
        return round(100 * part / whole)
    return None
