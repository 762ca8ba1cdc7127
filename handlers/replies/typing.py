"""Zalo typing (*cách gõ Zalo*): a reply as an officer types it on a phone, turned into plain
words the rules can read, each word still pointing at the characters it came from.

- NFC and NFD alike; diacritics folded (``đã`` → ``da``), except where the tone is the only
  thing that tells two words apart: ``dạ`` (yes) is not ``đã`` (already), ``sập`` (crashed) is
  not ``sắp`` (about to), ``hỏng`` (broken) is not ``hông`` (not), ``nửa`` (half) is not
  ``nữa`` (more), ``lỗi`` (error) is not ``lời`` (word). Without diacritics the neighbours decide.
- Shorthand and teencode (``xg`` → ``xong``, ``dc``/``đc`` → ``duoc``, ``k``/``ko``/``hok`` →
  ``khong``, ``chx`` → ``chua``, ``r``/``rùi``/``òi`` → ``roi``, ``bc`` → ``bao cao``, ``ht``/
  ``hthanh`` → ``hoan thanh`` …), doubled letters (``xonggg``, ``okeee``), a telex mark left at a
  word's end (``xongf``, ``ddax``), stray punctuation and emoji.

``read(text)`` gives the NFC text and its ``Word`` list; ``canonical(words)`` joins them with
single spaces and keeps where each word starts, so a phrase found in the canonical string can be
traced back to the officer's own characters (for the note).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from dondoc.handlers.replies.spelling import BARE_ONLY, TEENCODE, TONE_SENSES, TONED_BARE
from dondoc.storage.text import fold

_LETTERS = re.compile(r"[a-z0-9_]")

_WORD = re.compile(r"\d+(?:[.,]\d+)+(?![a-z0-9_])|[a-z0-9_]+(?:'[a-z]+)?|[%?!,.;:/()\-+]|\n")
# Telex marks left when the keyboard's Vietnamese input was off: ``xongf``, ``roiif``, ``ddax``.
_TELEX_TONE = re.compile(r"^([a-z]*[aeiouy][a-z]*?)([sfrxj])$")
_TELEX_VOWEL = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"))


@dataclass(frozen=True)
class Word:
    """One word of the reply: what the rules read (``text``, folded and expanded) and where it
    stands in the NFC original (``start``, ``end``)."""

    text: str
    start: int
    end: int


def fold_char(char: str) -> str:
    """One character folded with ``storage.text.fold`` (the one fold of dondoc), kept one
    character long so that positions in the folding are positions in the original: a mark
    left alone becomes a space, a phone's apostrophe (``I’m``) a plain one, a line break stays."""
    if char.isspace():
        return "\n" if char in "\n\r" else " "
    if char in "\u2018\u2019\u02bc`":
        return "'"
    folded = fold(char)
    return folded[0] if folded else " "


def aligned(text: str) -> tuple[str, str]:
    """The NFC text and its folding, character for character (same length, same positions)."""
    original = unicodedata.normalize("NFC", text or "")
    return original, "".join(fold_char(c) for c in original)


def squeeze(word: str, known: frozenset[str]) -> str:
    """Letters typed again for emphasis: three or more always go (``xonggg``), a double goes
    when the word without it is known (``roii`` → ``roi``, ``okk`` → ``ok``; not in a word of
    two letters)."""
    word = re.sub(r"([a-z])\1{2,}", r"\1", word)
    if word in known or len(word) < 3:
        return word  # "uu" (ưu) is a word, not "u" typed twice
    single = re.sub(r"([a-z])\1", r"\1", word)
    return single if single in known else word


def untelex(word: str, known: frozenset[str]) -> str:
    """A word with telex marks left in it, when stripping them gives a known word."""
    candidate = word
    for pair, letter in _TELEX_VOWEL:
        candidate = candidate.replace(pair, letter)
    match = _TELEX_TONE.match(candidate)
    for option in (candidate, match.group(1) if match else ""):
        if option and option in known:
            return option
    return word


def _sense(original_word: str, folded: str) -> str:
    return TONE_SENSES.get(original_word.lower(), folded)


@lru_cache(maxsize=4)
def _with_shorthand(known: frozenset[str]) -> frozenset[str]:
    return known | frozenset(TEENCODE)


def read(text: str, known: frozenset[str]) -> tuple[str, list[Word]]:
    """The NFC text and its words as the rules read them (see the module docstring).
    ``known`` is the vocabulary of the lexicon: a doubled letter or a telex mark is only undone
    when that gives a known word."""
    original, folded = aligned(text)
    # A message typed with tones writes "chờ" for "wait": a bare "cho" there is "to, for".
    toned = any(ord(c) > 127 and c.isalpha() for c in original)
    words: list[Word] = []
    for match in _WORD.finditer(folded):
        token, start, end = match.group(0), match.start(), match.end()
        if _LETTERS.match(token):
            token = _sense(original[start:end], token)
            if toned and original[start:end].lower() in TONED_BARE:
                token = TONED_BARE[original[start:end].lower()]
            if token not in known and token not in TEENCODE:
                token = squeeze(token, _with_shorthand(known))
            if token not in known and token not in TEENCODE:
                token = untelex(token, known)
            bare = original[start:end].lower() == token
            if token in TEENCODE and (bare or token not in BARE_ONLY):
                token = TEENCODE[token]
        words.append(Word(token, start, end))
    return original, _disambiguate(words)


_GIVE = frozenset({"giao", "gui", "nop", "chuyen", "mail", "email", "forward", "bao", "cao", "day"})
_WAITING = frozenset({"dang", "con", "van", "phai", "ngoi", "dung"})  # "đang chờ": waiting
_PRONOUNS = frozenset({"em", "anh", "chi", "toi", "minh", "ben", "chung", "chau", "con"})
_HALF_BEFORE = frozenset(
    {"duoc", "mot", "hon", "khoang", "gan", "xong", "tam", "qua", "chung", "lam", "moi"}
)


_WHAT_BEFORE = frozenset(
    "co lam khong con nhac noi hoi biet duoc vi de la gi may sao vay mua xem thay".split()
)
_WHAT_AFTER = frozenset("het ca nua do vay ma dau rua vuong ne nhe a rui roi".split())


def _disambiguate(words: list[Word]) -> list[Word]:
    """Words that fold alike and are told apart by their neighbours when the diacritics are
    missing: ``da`` (dạ/đã), ``nua`` (nửa/nữa), ``loi`` (lỗi/lời), ``sap`` (sắp/sập)."""
    out: list[Word] = []
    for i, word in enumerate(words):
        text = word.text
        after = words[i + 1].text if i + 1 < len(words) else ""
        before = out[-1].text if out else ""
        if text == "da" and (not after or after in _PRONOUNS or not _LETTERS.match(after)):
            # "da em gui", "da, ..." and a lone "da" are "dạ"; "da gui" is "đã gửi"
            if after not in ("xong", "roi"):
                text = "vang"
        elif text == "nua":
            text = "nua_half" if before in _HALF_BEFORE else "nua_more"
        elif text in ("loi", "loi_kt") and before in ("xin", "tra", "phan"):
            text = "loi"  # xin lỗi (sorry), trả lời (reply), phản hồi
        elif text == "cho" and before not in _WAITING and any(w.text in _GIVE for w in out[-3:]):
            text = "cho_to"  # "giao cho các tổ", "gửi cho chị": to, not "chờ" (wait)
        elif text == "chi_bare":
            # central "chi" (what): "làm chi", "có chi vướng", "chi hết"; else "chi cục" …
            what = before in _WHAT_BEFORE or after in _WHAT_AFTER or not after
            text = "gi" if what else "chi"
        elif text == "dang_tai" and after == "ky":
            text = "dang_reg"  # "đăng ký" (register), not "đăng" (post)
        elif text == "bi_stuck" and after == "thu":
            text = "bi"  # "bí thư" (the party secretary), not "bí" (stuck)
        elif text == "dau" and before == "dong":
            text = "dau_seal"  # "đóng dấu" (stamp), not "đâu" (where)
        elif text == "oi" and before in ("xong", "gui", "nop", "lam"):
            text = "roi"  # "xong òi" is southern "xong rồi"
        out.append(Word(text, word.start, word.end))
    return _question_particles(out)


# What may follow the "không" that ends a yes/no question ("có … không ạ", "được không chị").
_TAIL = frozenset(
    "a ah ak vang nhe oi chi anh em ha nhi the vay ta dong ban co thay ai ne nhieu".split()
)
_ASKED_BY = frozenset({"duoc", "phai", "kip", "sao", "on", "dung", "can", "nen", "con"})


def _question_particles(words: list[Word]) -> list[Word]:
    """The "không" that closes a yes/no question ("biểu 02 có phải điền ko ạ", "gửi file excel
    được không?") asks; it negates nothing: it becomes ``khong_q``."""
    out = list(words)
    for i, word in enumerate(words):
        if word.text != "khong" or i == 0:
            continue
        j = i + 1
        while j < len(words) and words[j].text in _TAIL:
            j += 1
        if j < len(words) and _LETTERS.match(words[j].text):
            continue  # the clause goes on: "không" negates what follows
        k = i - 1
        while k >= 0 and _LETTERS.match(words[k].text):
            k -= 1
        clause = [w.text for w in words[k + 1 : i]]
        opened = any(
            t == "co" and (n == 0 or clause[n - 1] not in ("khong", "chua"))
            for n, t in enumerate(clause)
        )
        if opened or clause[-1:] and clause[-1] in _ASKED_BY:
            out[i] = Word("khong_q", word.start, word.end)
    return out


@dataclass(frozen=True)
class Canonical:
    """The words joined by single spaces, and where each word starts in that string."""

    text: str
    starts: tuple[int, ...]
    words: tuple[Word, ...]

    def word_at(self, position: int) -> int:
        """The index of the word a position of ``text`` falls in."""
        return max(0, bisect_right(self.starts, position) - 1)


def canonical(words: list[Word]) -> Canonical:
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for word in words:
        starts.append(offset)
        parts.append(word.text)
        offset += len(word.text) + 1
    return Canonical(" ".join(parts), tuple(starts), tuple(words))
