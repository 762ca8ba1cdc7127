"""What the understanding of a reply gives back (*kết quả hiểu câu trả lời*): ``ParsedReply``.

``status`` is what is saved (``done``, ``in_progress``, ``blocked``, ``not_started``) or
``unclear`` when the reply is not a report; ``category`` tells the kinds of "not a report"
apart (an acknowledgement, a question, an unclear text). ``confirm`` is the safety net: the bot
must ask before saving (a reply that leans to done without being certain, a number out of
range). ``out_of_range`` is the number the officer wrote outside 0–100, for that question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNCLEAR = "unclear"
STATUSES = ("done", "in_progress", "blocked", "not_started", UNCLEAR)
CATEGORIES = (
    "done",
    "in_progress",
    "blocked",
    "not_started",
    "acknowledgement",
    "question",
    UNCLEAR,
)
MAX_NOTE = 1000


@dataclass(frozen=True)
class ParsedReply:
    status: str
    percent: int | None = None
    note: str = ""
    acknowledgement: bool = False
    question: bool = False
    confirm: bool = False
    out_of_range: int | None = None

    @property
    def is_report(self) -> bool:
        return self.status != UNCLEAR

    @property
    def category(self) -> str:
        """One of ``CATEGORIES``: the status, or what kind of non-report the reply is."""
        if self.is_report:
            return self.status
        if self.acknowledgement:
            return "acknowledgement"
        return "question" if self.question else UNCLEAR

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "percent": self.percent,
            "note": self.note,
            "confirm": self.confirm,
            "category": self.category,
            "out_of_range": self.out_of_range,
        }
