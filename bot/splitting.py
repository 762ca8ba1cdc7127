"""Splitting a long message into pieces a messenger accepts (Zalo 2,000, Telegram 4,096).

Pieces end at line boundaries; a paragraph or the block of numbered options ("1. Xong") is
kept whole when it fits in one piece, so an officer never sees an option cut in two. Only a
single line longer than the limit is cut, at a space when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPTION_LINE = re.compile(r"^\s*\d{1,3}\.\s")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs (separated by blank lines); a run of numbered options is its own block."""
    blocks: list[list[str]] = []
    current: list[str] = []
    in_options = False
    for line in text.split("\n"):
        is_option = bool(OPTION_LINE.match(line))
        if not line.strip():
            if current:
                blocks.append(current)
            current, in_options = [], False
            continue
        if current and is_option != in_options:
            blocks.append(current)
            current = []
        current.append(line)
        in_options = is_option
    if current:
        blocks.append(current)
    return blocks


def _cut_line(line: str, limit: int, length: Callable[[str], int]) -> list[str]:
    pieces: list[str] = []
    rest = line
    while length(rest) > limit:
        cut = limit
        while length(rest[:cut]) > limit:  # wide characters (UTF-16 pairs)
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > limit // 2:
            cut = space
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def split_message(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """``text`` in pieces of at most ``limit`` (as measured by ``length``), in order."""
    if limit < 10:
        raise ValueError("limit too small to split a message sensibly")
    if length(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current.strip():
            pieces.append(current.strip("\n"))
        current = ""

    def add(chunk: str, separator: str) -> bool:
        nonlocal current
        candidate = f"{current}{separator}{chunk}" if current else chunk
        if length(candidate) <= limit:
            current = candidate
            return True
        return False

    for block in _blocks(text):
        block_text = "\n".join(block)
        if add(block_text, "\n\n"):
            continue
        flush()
        if add(block_text, ""):
            continue
        for line in block:  # a block bigger than one piece: line by line
            if add(line, "\n"):
                continue
            flush()
            for part in _cut_line(line, limit, length):
                if not add(part, "\n"):
                    flush()
                    current = part
    flush()
    return pieces or [text[:limit]]
