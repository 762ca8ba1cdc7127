"""The labelled replies corpus (``tests/data/replies/``) and the understanding run over its
tuning split with thresholds (issue 15). The measuring split is only read here for its shape;
how well it is understood is ``bench/bench_replies_quality.py``'s to say."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from dondoc.handlers.replies import CATEGORIES, parse_reply
from dondoc.storage.text import fold

CORPUS = Path(__file__).parent / "data" / "replies"


def _load(split: str) -> list[dict[str, Any]]:
    with (CORPUS / f"{split}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


TUNE = _load("tune")
MEASURE = _load("measure")


def test_corpus_is_large_labelled_and_split_once() -> None:
    assert len(TUNE) + len(MEASURE) >= 600
    assert len(MEASURE) >= 200
    tune_texts = {row["text"] for row in TUNE}
    assert len(tune_texts) == len(TUNE)
    assert not tune_texts & {row["text"] for row in MEASURE}
    for row in TUNE + MEASURE:
        assert set(row) == {"text", "status", "percent", "confirm", "note"}, row
        assert row["status"] in CATEGORIES, row
        assert row["percent"] is None or 0 <= row["percent"] <= 100, row
        assert isinstance(row["confirm"], bool), row
        assert row["note"] is None or isinstance(row["note"], str), row
    # every family of the guide is in both splits
    for rows in (TUNE, MEASURE):
        assert {row["status"] for row in rows} == set(CATEGORIES)
        assert any(row["confirm"] and row["status"] == "done" for row in rows)
        assert any(row["confirm"] and row["status"] == "unclear" for row in rows)


def _note_ok(expected: str | None, note: str) -> bool:
    if expected is None:
        return True
    return note == "" if expected == "" else fold(expected) in fold(note)


def test_tuning_split_is_understood() -> None:
    parsed = [(row, parse_reply(row["text"])) for row in TUNE]
    status_ok = sum(p.category == row["status"] for row, p in parsed)
    percent_ok = sum(p.percent == row["percent"] for row, p in parsed)
    saved_done = [row for row, p in parsed if p.category == "done" and not p.confirm]
    wrongly_done = [row["text"] for row in saved_done if row["status"] != "done"]
    asks = sum(p.confirm for _, p in parsed)
    notes = [(row, p) for row, p in parsed if row["note"] is not None]
    notes_ok = sum(_note_ok(row["note"], p.note) for row, p in notes)
    assert status_ok / len(TUNE) >= 0.97, status_ok
    assert percent_ok / len(TUNE) >= 0.97, percent_ok
    assert not wrongly_done  # precision of done: a task closed by mistake is the worst failure
    assert asks / len(TUNE) <= 0.10
    assert notes_ok / len(notes) >= 0.95


def test_every_tuning_reply_reads_the_same_in_nfd() -> None:
    for row in TUNE:
        text = row["text"]
        assert parse_reply(unicodedata.normalize("NFD", text)) == parse_reply(text), text


def test_nothing_contradicted_is_ever_saved_as_done() -> None:
    """Every tuning reply labelled other than done is never saved as done without asking."""
    for row in TUNE:
        parsed = parse_reply(row["text"])
        if row["status"] != "done":
            assert not (parsed.status == "done" and not parsed.confirm), row["text"]


FRESH = {path.stem: _load(path.stem) for path in sorted(CORPUS.glob("fresh_*.jsonl"))}


def test_blind_batches_are_labelled_and_new() -> None:
    """The batches written blind by other writers: labelled like the rest (plus the writer's
    ``why``), and no reply that is already elsewhere in the corpus."""
    assert len(FRESH) >= 3
    seen = {unicodedata.normalize("NFC", row["text"]).lower().strip() for row in TUNE + MEASURE}
    for rows in FRESH.values():
        assert len(rows) >= 250
        assert {row["status"] for row in rows} == set(CATEGORIES)
        for row in rows:
            assert (
                {"text", "status", "percent", "confirm", "note"}
                <= set(row)
                <= {
                    "text",
                    "status",
                    "percent",
                    "confirm",
                    "note",
                    "why",
                }
            ), row
            assert row["status"] in CATEGORIES, row
            assert row["percent"] is None or 0 <= row["percent"] <= 100, row
            key = unicodedata.normalize("NFC", row["text"]).lower().strip()
            assert key not in seen, row["text"]
            seen.add(key)


@pytest.mark.parametrize("split", ["tune", "measure", *FRESH])
def test_guide_names_the_splits(split: str) -> None:
    guide = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert f"`{split}.jsonl`" in guide
