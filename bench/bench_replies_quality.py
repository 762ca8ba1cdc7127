"""Benchmark (run by hand): how well short replies are understood, on the labelled corpus
``tests/data/replies/`` (issue 15). Goals on the measuring split: status accuracy ≥ 95 %,
precision of "done" ≥ 99.5 %, asks ≤ 10 % of replies.

- status accuracy: the seven categories of the corpus guide (done, in_progress, blocked,
  not_started, acknowledgement, question, unclear), as the bot would act on them;
- percent accuracy: the percentage read equals the label (``None`` included), on every reply
  and on the replies that state one;
- precision of done: of the replies the bot would save as done *without asking*, how many
  really are done (a task closed by mistake is the worst failure);
- asks: how often the bot asks instead of deciding (a doubtful done, a number out of range);
- note: on the replies whose note is labelled, the note contains the label (empty when "").

Any file of the corpus is a split, named by its stem (``tune``, ``measure``, ``fresh_a`` …);
``fresh`` is every batch written blind by other writers (``fresh_*.jsonl``) together, ``both``
is ``tune`` and ``measure``, ``all`` is every file. Run::

    .venv/bin/python bench/bench_replies_quality.py                  # the measuring split
    .venv/bin/python bench/bench_replies_quality.py --split tune     # the tuning split
    .venv/bin/python bench/bench_replies_quality.py --split fresh_c --errors
    .venv/bin/python bench/bench_replies_quality.py --split fresh    # the blind batches, pooled
    .venv/bin/python bench/bench_replies_quality.py --split all --brief
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dondoc.handlers.replies import parse_reply
from dondoc.storage.text import fold

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "replies"
CATEGORIES = (
    "done",
    "in_progress",
    "blocked",
    "not_started",
    "acknowledgement",
    "question",
    "unclear",
)
SHORT = {
    "done": "done",
    "in_progress": "prog",
    "blocked": "block",
    "not_started": "notst",
    "acknowledgement": "ack",
    "question": "quest",
    "unclear": "uncl",
}


def load(split: str) -> list[dict[str, Any]]:
    """The replies of one corpus file (``tune``, ``fresh_a`` …) or of ``fresh`` (every
    ``fresh_*.jsonl`` together)."""
    paths = sorted(CORPUS.glob("fresh_*.jsonl")) if split == "fresh" else [corpus_file(split)]
    rows: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def corpus_file(split: str) -> Path:
    path = CORPUS / f"{split}.jsonl"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in CORPUS.glob("*.jsonl")))
        raise SystemExit(f"no split {split!r}: the corpus has {known}, fresh, both, all")
    return path


def splits_of(name: str) -> list[str]:
    """The splits a ``--split`` value names, each reported apart."""
    if name == "both":
        return ["tune", "measure"]
    if name == "all":
        fresh = sorted(p.stem for p in CORPUS.glob("fresh_*.jsonl"))
        return ["tune", "measure", *fresh, "fresh"]
    if name != "fresh":
        corpus_file(name)
    return [name]


def category(parsed: Any) -> str:
    """The seven-way label of a parse result (works on older results without ``category``)."""
    if hasattr(parsed, "category"):
        return parsed.category
    if parsed.status != "unclear":
        return parsed.status
    return "acknowledgement" if parsed.acknowledgement else "unclear"


def asks(parsed: Any) -> bool:
    return bool(getattr(parsed, "confirm", False))


@dataclass
class Score:
    replies: int
    status_ok: int
    percent_ok: int
    percent_labelled: int
    percent_labelled_ok: int
    saved_done: int
    saved_done_ok: int
    asked: int
    ask_agrees: int
    notes: int
    notes_ok: int
    confusion: Counter[tuple[str, str]]
    errors: list[tuple[str, str, str, Any, Any]]
    cpu: float
    wall: float


def note_ok(expected: str, note: str) -> bool:
    """The note holds the label's words (diacritics aside: the officer may have typed none)."""
    if expected == "":
        return note == ""
    return fold(expected) in fold(note)


def score(rows: list[dict[str, Any]]) -> Score:
    s = Score(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Counter(), [], 0.0, 0.0)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    parsed_all = [parse_reply(row["text"]) for row in rows]
    s.cpu, s.wall = time.process_time() - cpu0, time.perf_counter() - wall0
    for row, parsed in zip(rows, parsed_all, strict=True):
        s.replies += 1
        got = category(parsed)
        s.confusion[(row["status"], got)] += 1
        s.status_ok += got == row["status"]
        s.percent_ok += parsed.percent == row["percent"]
        if row["percent"] is not None:
            s.percent_labelled += 1
            s.percent_labelled_ok += parsed.percent == row["percent"]
        if got == "done" and not asks(parsed):
            s.saved_done += 1
            s.saved_done_ok += row["status"] == "done"
        s.asked += asks(parsed)
        s.ask_agrees += asks(parsed) == row["confirm"]
        if row["note"] is not None:
            s.notes += 1
            s.notes_ok += note_ok(row["note"], parsed.note)
        wrong_note = row["note"] is not None and not note_ok(row["note"], parsed.note)
        if (
            got != row["status"]
            or parsed.percent != row["percent"]
            or asks(parsed) != row["confirm"]
            or wrong_note
        ):
            s.errors.append((row["text"], row["status"], got, parsed.percent, parsed.note))
    return s


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "   n/a"


def brief(split: str, s: Score) -> None:
    """One line per split: the goals' figures."""
    wrong_done = s.saved_done - s.saved_done_ok
    print(
        f"{split:<10} {s.replies:>4}  status {pct(s.status_ok, s.replies)}"
        f"  percent {pct(s.percent_ok, s.replies)}"
        f"  done precision {pct(s.saved_done_ok, s.saved_done)} ({wrong_done} wrong)"
        f"  asks {pct(s.asked, s.replies)}  note {pct(s.notes_ok, s.notes)}"
        f"  {1e6 * s.cpu / max(1, s.replies):.0f} µs/reply"
    )


def report(split: str, s: Score, show_errors: bool) -> None:
    print(f"== split {split}: {s.replies} replies")
    print(f"status accuracy      {pct(s.status_ok, s.replies)}  ({s.status_ok}/{s.replies})")
    print(f"percent accuracy     {pct(s.percent_ok, s.replies)}  (all replies)")
    print(
        f"  where one is given {pct(s.percent_labelled_ok, s.percent_labelled)}"
        f"  ({s.percent_labelled_ok}/{s.percent_labelled})"
    )
    print(
        f"precision of done    {pct(s.saved_done_ok, s.saved_done)}"
        f"  ({s.saved_done_ok}/{s.saved_done} saved as done without asking)"
    )
    print(f"asks                 {pct(s.asked, s.replies)}  ({s.asked}/{s.replies})")
    print(f"  ask agrees w/ label {pct(s.ask_agrees, s.replies)}")
    print(f"note                 {pct(s.notes_ok, s.notes)}  ({s.notes_ok}/{s.notes} labelled)")
    print(f"time                 {s.cpu:.3f} s CPU, {s.wall:.3f} s wall")
    print("confusion (rows: label, columns: understood)")
    print("        " + " ".join(f"{SHORT[c]:>6}" for c in CATEGORIES))
    for gold in CATEGORIES:
        cells = " ".join(f"{s.confusion[(gold, got)]:>6}" for got in CATEGORIES)
        print(f"{SHORT[gold]:>7} {cells}")
    if show_errors:
        print("errors (text | label | understood | percent | note)")
        for text, gold, got, percent, note in s.errors:
            print(f"  {text!r} | {gold} | {got} | {percent} | {note!r}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        default="measure",
        help="a corpus file's stem (tune, measure, fresh_a …), fresh, both or all",
    )
    parser.add_argument("--errors", action="store_true", help="list every reply misread")
    parser.add_argument("--brief", action="store_true", help="one line of figures per split")
    args = parser.parse_args()
    for split in splits_of(args.split):
        if args.brief:
            brief(split, score(load(split)))
        else:
            report(split, score(load(split)), args.errors)


if __name__ == "__main__":
    main()
