"""The outline of a plan's body (*bố cục văn bản*): its paragraphs as a tree of numbered items.

Vietnamese administrative documents number their parts the same way everywhere: "I.", "II." for
sections (*mục*), "1.", "2." under them, "1.1.", "2.2." below, "a)", "b)" below that, and bullets
"-" (then "+") for the single duties. ``outline(paragraphs)`` builds that tree: a paragraph that
starts with a mark opens an item at the mark's level, under the nearest item of a higher level; a
paragraph without a mark is the body (*nội dung*) of the item before it. The heading block before
the first mark (number, date, title, "Căn cứ …") and everything from "Nơi nhận" on are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.storage.documents import Paragraph
from dondoc.storage.text import fold

_MARKS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^(?P<mark>[IVXLC]{1,6})[.)]\s+"), 1),
    (re.compile(r"^(?P<mark>\d{1,2}(?:\.\d{1,2}){0,3})(?:[.)]\s+|(?<=\d)\s+(?=\D))"), 2),
    (re.compile(r"^(?P<mark>[a-zđ])\)\s+"), 6),
    (re.compile(r"^(?P<mark>[-–—•·●▪◦*])\s*"), 7),
    (re.compile(r"^(?P<mark>\+)\s*"), 8),
)
_END = re.compile(r"^(?:noi nhan|noi gui)\b")


@dataclass
class Item:
    """One numbered part: its mark, heading text, body paragraphs and sub-items."""

    level: int
    mark: str
    text: str
    paragraph: Paragraph
    body: list[Paragraph] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    parent: Item | None = None
    index: int = 0  # the n-th bullet among its siblings (bullets only)

    @property
    def is_bullet(self) -> bool:
        return self.level >= 7

    def ancestors(self) -> list[Item]:
        chain: list[Item] = []
        node = self.parent
        while node is not None and node.level > 0:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def key(self) -> str:
        """A stable name of the item in the plan: "II.2.2/3" (third bullet of 2.2 in II)."""
        parts: list[str] = []
        bullets: list[str] = []
        for node in [*self.ancestors(), self]:
            if node.is_bullet:
                bullets.append(f"{'+' if node.level == 8 else ''}{node.index}")
            elif node.level == 1 or node.level == 6:
                parts.append(node.mark)
            else:
                parts = [p for p in parts if not _is_number(p)] + [node.mark]
        key = ".".join(parts)
        tail = "".join(b if b.startswith("+") or i == 0 else f".{b}" for i, b in enumerate(bullets))
        return f"{key}/{tail}" if bullets else key


def _is_number(part: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)*", part))


def mark_of(text: str) -> tuple[int, str, str] | None:
    """(level, mark, text after it) when ``text`` starts with a numbering mark."""
    for pattern, level in _MARKS:
        match = pattern.match(text)
        if match:
            mark = match.group("mark")
            if level == 2:
                level += mark.count(".")
            rest = text[match.end() :].strip()
            if rest:
                return level, mark, rest
    return None


def outline(paragraphs: list[Paragraph]) -> Item:
    """The tree of numbered items (the root holds the items of the highest level)."""
    root = Item(0, "", "", Paragraph("", paragraphs[0].position) if paragraphs else None)  # type: ignore[arg-type]
    current = root
    started = False
    bullets: dict[int, int] = {}
    for paragraph in paragraphs:
        if _END.match(fold(paragraph.text)):
            break
        found = mark_of(paragraph.text)
        if found is None:
            if started:
                current.body.append(paragraph)
            continue
        level, mark, text = found
        started = True
        parent = current
        while parent.level >= level and parent.parent is not None:
            parent = parent.parent
        item = Item(level, mark, text, paragraph, parent=parent)
        if item.is_bullet:
            counter = (id(parent), level)
            bullets[hash(counter)] = bullets.get(hash(counter), 0) + 1
            item.index = bullets[hash(counter)]
        parent.children.append(item)
        current = item
    return root


def walk(item: Item) -> list[Item]:
    """``item``'s sub-items, depth first in document order."""
    found: list[Item] = []
    for child in item.children:
        found.append(child)
        found.extend(walk(child))
    return found
