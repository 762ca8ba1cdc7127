"""Tasks written in a plan's prose (*nhiệm vụ trong nội dung văn bản*), not in a table.

Most plans give their duties in the body: a unit heading ("2.2. Văn phòng Ủy ban nhân dân
quận") governs the bullets under it; a sentence names its own units ("Giao Phòng Tài nguyên và
Môi trường …", "Các cơ quan, đơn vị … gửi về Phòng Nội vụ trước ngày 15 tháng 7 năm 2024");
a "Thời gian thực hiện: …" line gives the time of the duty before it. The rules, general to
Vietnamese administrative writing:

* a task is a sentence that gives a duty a time (``scheduler.deadline_finder``): a date, a
  recurrence, a period, "thường xuyên", an event ("ngay khi …"). A sentence with no time word
  is context, not something to follow up; goals and targets (sections *mục đích, yêu cầu, mục
  tiêu, chỉ tiêu, kinh phí*) give no task;
* its units are the sentence's own subject, else those of the nearest heading that names units;
  a vague subject that refers back ("Thủ trưởng các cơ quan, đơn vị", "các cơ quan, đơn vị")
  takes the heading's units. Units a sentence only sends to or reports to ("gửi về Phòng Nội
  vụ", "báo cáo UBND quận (thông qua …)") are not assigned; "phối hợp (với) X" makes X
  cooperating;
* a heading that is a title ("1. Báo cáo CCHC định kỳ (Quý 1, 6 tháng, 9 tháng và báo cáo năm)")
  gives its time words to the sentences of its body, and is not a task of its own;
* a time line ("Thời gian thực hiện: Định kỳ hằng tháng.", "Thời hạn gửi: …") belongs to the
  task before it, or makes the bullet it closes a task.

Each task keeps the sentence as ``quote`` and the paragraph's place as ``source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.handlers.plans.outline import Item, outline, walk
from dondoc.handlers.plans.proposal import (
    Notice,
    TaskResult,
    UnitMention,
    mentions_of,
    settle_roles,
)
from dondoc.scheduler.deadline_finder import (
    deadline_phrase,
    is_time_line,
    time_line_phrase,
)
from dondoc.scheduler.phrases import parse_deadline
from dondoc.storage.documents import Paragraph
from dondoc.storage.text import fold
from dondoc.storage.unit_mentions import Mention, lead_in_end, named_after, subject
from dondoc.storage.unit_names import NamedUnits, UnitDirectory

TITLE_LENGTH = 240
_GOALS = re.compile(
    r"^(?:muc dich|yeu cau|muc tieu|quan diem|chi tieu|kinh phi|can cu|ket qua dat duoc"
    r"|danh gia (?:ket qua|tinh hinh)|tinh hinh|su can thiet|pham vi|doi tuong)"
)
_DUTIES = re.compile(r"nhiem vu|giai phap|to chuc thuc hien|trach nhiem|phan cong")
_COOPERATING = re.compile(r"\bphoi hop(?: chat che)?(?: voi)?\s+(?=\S)")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+(?=[\"“(]?[A-ZĐÀ-ỸẠ-Ỹ])")
_CLOSING = re.compile(r"^(?:tren day la|trong qua trinh (?:to chuc )?thuc hien)")
_PERIODS = re.compile(r"\bquy (?:i|1)\b|\b6 thang\b|\b9 thang\b|\bnam\)")


@dataclass
class _Context:
    units: list[Mention] = field(default_factory=list)
    phrase: str = ""  # time words of a title heading, for the sentences of its body
    section: str = ""


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a new one after ". " and a capital)."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _coverage(text: str, found: list[Mention]) -> float:
    start = lead_in_end(text)
    rest = len(text.rstrip(" .:;")) - start
    return (found[-1].end - start) / rest if found and rest > 0 else 0.0


def _is_title(item: Item) -> bool:
    """A heading that names a subject rather than stating a duty: short, no closing stop."""
    text = item.text.rstrip()
    return (
        not item.is_bullet
        and bool(item.body)
        and not re.search(r"[.;:]$", text)
        and len(text.split()) <= 60
    )


def _title_of(sentence: str) -> str:
    """A short title: the sentence after its lead-in and subject, capitalised, shortened."""
    text = re.sub(r"^(?:[-+•]\s*)", "", sentence).strip()
    start = lead_in_end(text)
    text = text[start:] if start < len(text) else text
    text = text[:1].upper() + text[1:]
    if len(text) > TITLE_LENGTH:
        cut = text.rfind(" ", 0, TITLE_LENGTH - 1)
        text = text[: cut if cut > 0 else TITLE_LENGTH - 1].rstrip(" ,;:") + "…"
    return text


@dataclass
class _Found:
    """A task being built from one sentence (or a bullet closed by a time line)."""

    item: Item
    paragraph: Paragraph
    quote: str
    phrase: str
    lead: list[Mention]
    cooperating: list[Mention]


class ProseReader:
    """Reads the tasks of a plan's body against one unit registry."""

    def __init__(self, directory: UnitDirectory, year: int, last_year: int | None) -> None:
        self.directory = directory
        self.year = year
        self.last_year = last_year

    # ------------------------------------------------------------------------ the tree

    def read(self, paragraphs: list[Paragraph]) -> list[TaskResult]:
        found: list[_Found] = []
        root = outline(paragraphs)
        contexts: dict[int, _Context] = {id(root): _Context()}
        skipped: set[int] = set()
        for item in walk(root):
            parent = item.parent or root
            if id(parent) in skipped:
                skipped.add(id(item))
                continue
            folded = fold(item.text)
            if not item.is_bullet and _GOALS.match(folded) and not _DUTIES.search(folded):
                skipped.add(id(item))
                continue
            context = contexts.get(id(parent), _Context())
            own = _Context(context.units, context.phrase, context.section)
            if item.level == 1:
                own.section = f"{item.mark}. {item.text}"[:500]
            heading_units = subject(self.directory, item.text)
            unit_heading = bool(heading_units) and (
                _coverage(item.text, heading_units) >= 0.6 or bool(item.children)
            )
            if heading_units and not all(m.vague for m in heading_units):
                if unit_heading or item.children:
                    own.units = heading_units
            contexts[id(item)] = own
            texts: list[Paragraph] = []
            if _is_title(item) and not unit_heading:
                cue = deadline_phrase(item.text)
                if cue is not None:
                    own.phrase = cue.phrase
                texts = list(item.body)
            elif unit_heading and _coverage(item.text, heading_units) >= 0.6:
                texts = list(item.body)
            else:
                texts = [Paragraph(item.text, item.paragraph.position), *item.body]
            found.extend(self._item_tasks(item, texts, own))
        return self._results(found, contexts)

    # --------------------------------------------------------------------- one item

    def _item_tasks(self, item: Item, texts: list[Paragraph], context: _Context) -> list[_Found]:
        tasks: list[_Found] = []
        before: list[str] = []  # sentences of this item not yet part of a task
        for paragraph in texts:
            for sentence in sentences(paragraph.text):
                if is_time_line(sentence):
                    phrase = time_line_phrase(sentence)
                    if tasks and not before:
                        last = tasks[-1]
                        last.phrase = f"{phrase}; {last.phrase}" if last.phrase else phrase
                        last.quote = f"{last.quote} {sentence}"
                    elif before:
                        quote = " ".join(before)
                        tasks.append(self._task(item, paragraph, quote, phrase, context))
                        tasks[-1].quote = f"{quote} {sentence}"
                        before = []
                    continue
                cue = deadline_phrase(sentence)
                if cue is None:
                    before.append(sentence)
                    continue
                phrase = cue.phrase
                if context.phrase and not _PERIODS.search(fold(phrase)):
                    if cue.cue in ("recurring", "due_day"):
                        phrase = f"{context.phrase}; {phrase}"
                tasks.append(self._task(item, paragraph, sentence, phrase, context))
                before = []
        return tasks

    def _task(
        self, item: Item, paragraph: Paragraph, sentence: str, phrase: str, context: _Context
    ) -> _Found:
        own = subject(self.directory, sentence)
        if _CLOSING.match(fold(sentence)):  # the plan's closing words: no heading governs them
            context = _Context()
        if own and all(m.vague for m in own) and context.units:
            lead = context.units
        elif own:
            lead = own
        else:
            lead = context.units
        cooperating = named_after(self.directory, sentence, _COOPERATING)
        lead_names = {m.written for m in lead}
        cooperating = [m for m in cooperating if m.written not in lead_names]
        return _Found(item, paragraph, sentence, phrase, lead, cooperating)

    # ------------------------------------------------------------------------ results

    def _named(self, mentions: list[Mention]) -> list[NamedUnits]:
        return [NamedUnits(m.written, m.codes, m.collective, m.ambiguous) for m in mentions]

    def _results(self, found: list[_Found], contexts: dict[int, _Context]) -> list[TaskResult]:
        results: list[TaskResult] = []
        counts: dict[str, int] = {}
        for task in found:
            notices: list[Notice] = []
            parsed = parse_deadline(task.phrase, self.year, last_year=self.last_year)
            notices.extend(Notice(w, {"phrase": task.phrase}) for w in parsed.warnings)
            lead_named = self._named(task.lead)
            coop_named = self._named(task.cooperating)
            lead: list[UnitMention] = mentions_of(self.directory, lead_named, notices)
            cooperating = mentions_of(self.directory, coop_named, notices)
            lead, cooperating = settle_roles(
                lead,
                cooperating,
                {c for n in lead_named if not n.collective for c in n.codes},
                {c for n in coop_named if not n.collective for c in n.codes},
            )
            if not lead:
                notices.append(Notice("import.no_lead"))
            base = task.item.key()
            counts[base] = counts.get(base, 0) + 1
            key = base if counts[base] == 1 else f"{base}#{counts[base]}"
            context = contexts.get(id(task.item), _Context())
            results.append(
                TaskResult(
                    key=f"§{key}"[:64],
                    ordinal=key[:32],
                    section=context.section,
                    title=_title_of(task.quote),
                    deadline_text=task.phrase,
                    schedule=parsed.schedule,
                    lead=lead,
                    cooperating=cooperating,
                    output="",
                    warnings=notices,
                    quote=task.quote,
                    source=task.paragraph.position.key(),
                )
            )
        return results


def read_prose(
    directory: UnitDirectory, paragraphs: list[Paragraph], year: int, last_year: int | None
) -> list[TaskResult]:
    """The tasks a plan's body gives, in document order."""
    if not paragraphs:
        return []
    return ProseReader(directory, year, last_year).read(paragraphs)
