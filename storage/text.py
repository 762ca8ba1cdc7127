"""Vietnamese-aware text folding: how names, phrases and replies are compared.

``fold("Phòng Văn hóa – Xã hội")`` → ``"phong van hoa - xa hoi"``: NFC/NFD alike, no
diacritics, đ→d, dashes unified, single spaces, lower case.
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
