"""Build ``handlers/replies/reply_model.json``, the small model of replies, from the labelled
corpus ``tests/data/replies/`` (every file: tune, measure and the blind batches).

scikit-learn (BSD-3-Clause) is a test/development dependency only: it fits the logistic
regression here; dondoc reads the exported weights in plain Python
(``handlers/replies/model.py``). The build is deterministic: the same corpus gives the same file.

    .venv/bin/python scripts/train_reply_model.py            # write the file
    .venv/bin/python scripts/train_reply_model.py --check    # is the committed file up to date?
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "replies"
C = 10.0  # inverse regularisation, chosen by leave-one-batch-out (bench/bench_replies_model.py)
MIN_DF = 2  # a feature seen in one reply only is noise
MAX_FEATURES = 6000  # keeps the file to a few hundred KB
DECIMALS = 3


def corpus_rows(skip: str | None = None) -> list[dict[str, Any]]:
    """Every labelled reply of the corpus, less one file (``fresh_c`` …) when asked."""
    rows: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        if path.stem == skip:
            continue
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def canonical_text(text: str) -> str:
    from dondoc.handlers.replies.decide import canonical_words

    return canonical_words(text)


def build(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The model of ``rows`` as the JSON object ``model.from_json`` reads."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from dondoc.handlers.replies.model import features

    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES
    )
    matrix = vectorizer.fit_transform([canonical_text(r["text"]) for r in rows])
    regression = LogisticRegression(C=C, max_iter=5000)
    regression.fit(matrix, [r["status"] for r in rows])
    vocabulary = vectorizer.get_feature_names_out()
    coefficients = regression.coef_.T
    table = {}
    for index, feature in enumerate(vocabulary):
        weights = [round(float(w), DECIMALS) for w in coefficients[index]]
        idf = round(float(vectorizer.idf_[index]), DECIMALS)
        table[str(feature)] = [idf, *weights] if any(weights) else [idf]
    return {
        "about": "dondoc reply model: scripts/train_reply_model.py over tests/data/replies",
        "replies": len(rows),
        "classes": [str(c) for c in regression.classes_],
        "intercept": [round(float(b), DECIMALS) for b in regression.intercept_],
        "features": dict(sorted(table.items())),
    }


def dump(model: dict[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    from dondoc.handlers.replies.model import MODEL_FILE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    text = dump(build(corpus_rows()))
    if args.check:
        same = MODEL_FILE.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{MODEL_FILE.name} differs: run the script")
        sys.exit(0 if same else 1)
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({len(text.encode()) // 1024} KB)")


if __name__ == "__main__":
    main()
