"""Text as dondoc compares and shortens it.

``fold("Phòng Văn hóa – Xã hội")`` → ``"phong van hoa - xa hoi"``: NFC/NFD alike, no
diacritics, đ→d, dashes unified, single spaces, lower case.

``shorten(text, limit)``: the one way a person's words (a note, a task title) are cut to fit —
at a word boundary when there is one near, and every cut marked with "…" (*dấu lược*), so
that a reader never takes a cut text for the whole of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# Texts up to this length are cached (8,192 of them at most): a message's words, option labels,
# unit names, the cells and sentences of a plan; longer ones are folded each time.
_SHORT = 1000


def fold(text: str) -> str:
    """The comparison form of ``text`` (the one fold of dondoc: every comparison of names,
    phrases and replies goes through it)."""
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = unicodedata.normalize("NFC", text).replace("\u0110", "D").replace("\u0111", "d")
    text = _DASHES.sub("-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


_fold_short = lru_cache(maxsize=8192)(_fold)


ELLIPSIS = "…"
_NEAR = 0.2  # a cut goes back to a space at most this share of the limit


def shorten(text: str, limit: int, *, one_line: bool = True) -> str:
    """``text`` in at most ``limit`` characters (the "…" included): unchanged when it fits,
    else cut after the last whole word that fits (mid-word only when no space is near) and
    marked with "…". ``one_line``: spaces and line breaks collapsed first."""
    if one_line:
        text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        space = max(head.rfind(" "), head.rfind("\n"))
        if space >= (limit - 1) * (1 - _NEAR):
            head = head[:space]
    return head.rstrip(" \t\n,;:-–") + ELLIPSIS
