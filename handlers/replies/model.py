"""A small statistical model of replies (*mô hình thống kê*): a second reader for the replies
where no rule of ``decide`` fires.

A multinomial logistic regression over the words (one and two) and the character n-grams (2 to
4, within words) of the canonical text of ``typing``, with TF-IDF weights (sublinear term
frequency, L2-normalised rows), trained by ``scripts/train_reply_model.py`` with scikit-learn on
the labelled corpus ``tests/data/replies/`` and shipped as ``reply_model.json`` beside this file.
Inference here is plain Python (no scikit-learn, numpy or network at run time): the same
``features`` function the trainer hands to scikit-learn, the stored IDF weights and
coefficients, and a softmax.

The model never decides alone where the rules have spoken, and it can never make a silent done:
see ``decide`` for how its guess is used.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("reply_model.json")
CHAR_SIZES = (2, 3, 4)


def features(canonical: str) -> list[str]:
    """The features of a canonical text: its words, its pairs of words, and the character
    n-grams of each word padded with spaces (what scikit-learn calls ``char_wb``)."""
    words = canonical.split()
    out = [f"w:{w}" for w in words]
    out += [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f" {word} "
        for size in CHAR_SIZES:
            if len(padded) < size:
                break
            out += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return out


@dataclass(frozen=True)
class Model:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[float, ...]]

    def probabilities(self, canonical: str) -> dict[str, float]:
        """The probability of each class for a canonical text."""
        counts = Counter(f for f in features(canonical) if f in self.idf)
        values = {f: (1.0 + math.log(n)) * self.idf[f] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        scores = list(self.intercept)
        for feature, value in values.items():
            for k, weight in enumerate(self.weights.get(feature, ())):
                scores[k] += weight * value / norm
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def guess(self, canonical: str) -> tuple[str, float]:
        """The likeliest class and its probability."""
        probabilities = self.probabilities(canonical)
        best = max(probabilities, key=probabilities.__getitem__)
        return best, probabilities[best]


def from_json(data: dict[str, object]) -> Model:
    classes = tuple(data["classes"])  # type: ignore[arg-type]
    table: dict[str, list[float]] = data["features"]  # type: ignore[assignment]
    return Model(
        classes=classes,
        intercept=tuple(data["intercept"]),  # type: ignore[arg-type]
        idf={f: row[0] for f, row in table.items()},
        weights={f: tuple(row[1:]) for f, row in table.items() if any(row[1:])},
    )


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model (read once)."""
    return from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
