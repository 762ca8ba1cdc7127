"""Benchmark (run by hand): would a small trained model read replies better than the rules?
The measurement behind the choice written in ``handlers/replies/__init__.py``.

A character n-gram (1–5, on the folded text) TF-IDF with a logistic regression, from
scikit-learn, is trained on the tuning split of ``tests/data/replies/`` and scored on the
measuring split with the same figures as ``bench_replies_quality.py`` (the model never asks,
so every "done" it gives is saved). Then the same model as a second opinion beside the rules:
a rules' "done" the model disagrees with is asked instead of saved.

scikit-learn is not a dependency of dondoc; this bench needs it installed by hand::

    .venv/bin/pip install scikit-learn
    .venv/bin/python bench/bench_replies_model.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_replies_quality import CATEGORIES, category, load, pct  # noqa: E402

from dondoc.handlers.replies import parse_reply  # noqa: E402
from dondoc.storage.text import fold  # noqa: E402


def main() -> None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError:
        print("scikit-learn is not installed: .venv/bin/pip install scikit-learn")
        raise SystemExit(2) from None
    tune, measure = load("tune"), load("measure")
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10.0),
    )
    cpu0 = time.process_time()
    model.fit([fold(r["text"]) for r in tune], [r["status"] for r in tune])
    trained = time.process_time() - cpu0
    guesses = list(model.predict([fold(r["text"]) for r in measure]))
    rules = [category(parse_reply(r["text"])) for r in measure]
    asks = [parse_reply(r["text"]).confirm for r in measure]

    def figures(name: str, got: list[str], asked: list[bool]) -> None:
        ok = sum(g == r["status"] for g, r in zip(got, measure, strict=True))
        saved = [
            (g, r) for g, r, a in zip(got, measure, asked, strict=True) if g == "done" and not a
        ]
        right = sum(r["status"] == "done" for _, r in saved)
        wrong = [r["text"] for g, r in saved if r["status"] != "done"]
        asks_share = pct(sum(asked), len(measure))
        print(
            f"{name:<28} status {pct(ok, len(measure))}   precision of done "
            f"{pct(right, len(saved))} ({right}/{len(saved)})   asks {asks_share}"
        )
        for text in wrong[:6]:
            print(f"{'':<30}wrongly done: {text!r}")

    print(f"trained on {len(tune)} replies in {trained:.2f} s CPU; measured on {len(measure)}")
    figures("model alone", guesses, [False] * len(measure))
    figures("rules alone", rules, asks)
    second = [
        a or (r == "done" and g != "done") for a, r, g in zip(asks, rules, guesses, strict=True)
    ]
    figures("rules, model as 2nd opinion", rules, second)
    print("labels:", ", ".join(CATEGORIES))


if __name__ == "__main__":
    main()
