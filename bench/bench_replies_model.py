"""Benchmark (run by hand): do the rules alone, or the rules with the small model of replies,
read replies nobody tuned on better? The measurement behind the choice written in
``handlers/replies/__init__.py``.

Leave one batch out: for each blind batch (``fresh_*.jsonl``), the model is built by
``scripts/train_reply_model.py`` from every other file of the corpus and the batch is read by

- the rules alone (``decide.rules``),
- the model alone (its likeliest class; it never asks, so every done it gives is saved),
- the rules with the model where no rule fires (``decide.understand``: what dondoc ships).

The rules themselves were tuned on every batch by now, so only the model is held out here; the
figures of the rules on batches they had not seen are the first readings in ``bench/RESULTS.md``.
Needs scikit-learn (a test dependency)::

    .venv/bin/python bench/bench_replies_model.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_replies_quality import load, pct  # noqa: E402
from train_reply_model import build, corpus_rows  # noqa: E402

from dondoc.handlers.replies import decide  # noqa: E402
from dondoc.handlers.replies.model import from_json  # noqa: E402
from dondoc.handlers.replies.result import ParsedReply  # noqa: E402


def figures(name: str, rows: list[dict[str, Any]], got: list[ParsedReply]) -> None:
    ok = sum(p.category == r["status"] for p, r in zip(got, rows, strict=True))
    saved = [r for p, r in zip(got, rows, strict=True) if p.category == "done" and not p.confirm]
    right = sum(r["status"] == "done" for r in saved)
    asked = sum(p.confirm for p in got)
    print(
        f"  {name:<22} status {pct(ok, len(rows))}   precision of done {pct(right, len(saved))}"
        f" ({len(saved) - right} wrong)   asks {pct(asked, len(rows))}"
    )


def main() -> None:
    batches = sorted(p.stem for p in (ROOT / "tests/data/replies").glob("fresh_*.jsonl"))
    for held in batches:
        cpu0 = time.process_time()
        second = from_json(build(corpus_rows(skip=held)))
        trained = time.process_time() - cpu0
        rows = load(held)
        print(f"{held}: {len(rows)} replies, model built without it in {trained:.1f} s CPU")
        figures("rules alone", rows, [decide.rules(r["text"])[0] for r in rows])
        alone = []
        for r in rows:
            guess, _ = second.guess(decide.canonical_words(r["text"]))
            status = guess if guess in ("done", "in_progress", "blocked", "not_started") else None
            alone.append(
                ParsedReply(
                    status or "unclear",
                    acknowledgement=guess == "acknowledgement",
                    question=guess == "question",
                )
            )
        figures("model alone", rows, alone)
        figures("rules + model", rows, [decide.understand(r["text"], second) for r in rows])


if __name__ == "__main__":
    main()
