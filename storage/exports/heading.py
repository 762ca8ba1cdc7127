"""The Word report's heading and signature, completed from what the deployment knows
(*thể thức văn bản*, Nghị định 30/2020/NĐ-CP): what the settings leave empty comes from the
units and plans, never from dots to fill in by hand.

* **Governing body** (*cơ quan chủ quản*): the setting, else the issuer of the single plan
  summarised ("UBND phường Thanh Xuân Trung").
* **Issuing office** (*cơ quan ban hành*): the setting, else the unit the coordinators belong to
  ("Phòng Văn hóa - Xã hội").
* **Symbol** (*ký hiệu*): the setting, else "BC-" and the code of the coordinators' unit
  ("BC-VHXH"), else "BC".
* **Place** (*địa danh*): the setting, else the governing body's name without its kind
  ("UBND phường Thanh Xuân Trung" → "Thanh Xuân Trung").
* **Signer's title**: the setting, else the head of the office by its kind (Phòng → Trưởng
  phòng, Văn phòng → Chánh Văn phòng, Trung tâm → Giám đốc, Ban → Trưởng ban).
* **Recipients** (*nơi nhận*): the setting, else the governing body (to report to), the units
  concerned; always closed by "Lưu: VT, <office code>".
"""

from __future__ import annotations

import re
from dataclasses import replace

from dondoc.locales import _
from dondoc.storage.exports import ReportHeading
from dondoc.storage.summary_model import Summary
from dondoc.storage.text import fold

_AUTHORITY_KIND = re.compile(
    r"^(?:ubnd|uy ban nhan dan|hdnd)\s+"
    r"(?:phuong|xa|thi tran|quan|huyen|thi xa|thanh pho|tinh|tp\.?)\s*",
)
_HEADS = (
    ("van phong", "exports.docx.signer.office"),
    ("phong", "exports.docx.signer.department"),
    ("trung tam", "exports.docx.signer.centre"),
    ("ban ", "exports.docx.signer.board"),
)


def place_of(authority: str) -> str:
    """ "UBND phường Thanh Xuân Trung" → "Thanh Xuân Trung"; "" when nothing is left."""
    words = " ".join(authority.split())
    folded = fold(words)
    match = _AUTHORITY_KIND.match(folded)
    if not match:
        return ""
    # fold() keeps the length of Vietnamese text: cut the written words at the same place.
    rest = words[match.end() :].strip() if len(folded) == len(words) else ""
    return rest[:1].upper() + rest[1:]


_PLACE_KIND = re.compile(r"\b(phường|xã|thị trấn|quận|huyện|thị xã|thành phố|tỉnh)\s+(.+)$")


def prose_name(name: str) -> str:
    """A body's name as a sentence writes it: "ỦY BAN NHÂN DÂN PHƯỜNG MẪU" (as a plan's
    heading prints it) → "Ủy ban nhân dân phường Mẫu"; a name in mixed case is kept."""
    name = " ".join(name.split())
    if not name or not name.isupper():
        return name
    lowered = name.lower()
    match = _PLACE_KIND.search(lowered)
    if match:
        place = " ".join(word[:1].upper() + word[1:] for word in match.group(2).split())
        lowered = lowered[: match.start(2)] + place
    return lowered[:1].upper() + lowered[1:]


def signer_title_for(office: str, language: str) -> str:
    folded = fold(office)
    for prefix, key in _HEADS:
        if folded.startswith(prefix):
            return _(key, language)
    return _("exports.docx.signer_default", language)


def complete_heading(heading: ReportHeading, summary: Summary, language: str) -> ReportHeading:
    """``heading`` with its empty parts filled from the summary's units and plans."""
    authority = heading.authority
    if not authority and len(summary.plans) == 1:
        authority = summary.plans[0].issuer
    coordinator = summary.coordinator_units[0] if summary.coordinator_units else None
    office = heading.office or (coordinator.name if coordinator else "")
    code = coordinator.code if coordinator else ""
    symbol = heading.symbol or (f"BC-{code}" if code else "BC")
    if not code and "-" in symbol:
        code = symbol.split("-", 1)[1]
    recipients = heading.recipients or (
        _("exports.docx.recipient_authority", language, authority=authority)
        if authority
        else _("exports.docx.recipient_leaders", language),
        _("exports.docx.recipient_units", language),
    )
    archive = (
        _("exports.docx.recipient_archive_office", language, code=code)
        if code
        else _("exports.docx.recipient_archive", language)
    )
    return replace(
        heading,
        authority=authority,
        office=office,
        place=heading.place or place_of(authority),
        signer_title=heading.signer_title or signer_title_for(office, language),
        symbol=symbol,
        recipients=tuple(line.strip().lstrip("-").strip() for line in (*recipients, archive)),
    )
