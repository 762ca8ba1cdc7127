"""The small model of replies (``handlers/replies/model.py``, ``reply_model.json``): the
committed file is what ``scripts/train_reply_model.py`` builds from the repository's corpus, it
reads the corpus well in plain Python, and it never saves a done on its own."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dondoc.handlers.replies import decide, parse_reply
from dondoc.handlers.replies.model import MODEL_FILE, features, load

ROOT = Path(__file__).resolve().parents[1]


def _trainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_reply_model", ROOT / "scripts" / "train_reply_model.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_features_are_words_pairs_and_character_grams() -> None:
    got = features("xong roi")
    assert {"w:xong", "w:roi", "b:xong roi", "c: x", "c:xon", "c:ng ", "c: roi"} <= set(got)
    assert features("") == []


def test_the_committed_model_is_small_and_reads_the_corpus() -> None:
    assert MODEL_FILE.stat().st_size < 500_000
    model = load()
    trainer = _trainer()
    rows = trainer.corpus_rows()
    right = sum(model.guess(decide.canonical_words(r["text"]))[0] == r["status"] for r in rows)
    assert right / len(rows) >= 0.95
    probabilities = model.probabilities(decide.canonical_words("đang làm 70% rồi chị"))
    assert abs(sum(probabilities.values()) - 1) < 1e-9
    assert max(probabilities, key=probabilities.__getitem__) == "in_progress"


def test_the_committed_model_is_what_the_script_builds_from_the_corpus() -> None:
    pytest.importorskip("sklearn")
    trainer = _trainer()
    built = trainer.build(trainer.corpus_rows())
    committed = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert built["classes"] == committed["classes"]
    assert built["replies"] == committed["replies"]
    assert built["features"].keys() == committed["features"].keys()
    drift = max(
        abs(a - b)
        for name, row in built["features"].items()
        for a, b in zip(row, committed["features"][name], strict=False)
    )
    assert drift <= 0.002, "run scripts/train_reply_model.py and commit reply_model.json"


@pytest.mark.parametrize(
    "text",
    [
        "em lưu vô sổ tay rồi",
        "Dạ em đã chuyển tin nhắn của chị cho anh Hải phụ trách rồi ạ",
        "báo cáo quý em làm hết sạch sành sanh luôn",
    ],
)
def test_a_done_the_model_guesses_is_always_asked(text: str) -> None:
    parsed = parse_reply(text)
    assert not (parsed.status == "done" and not parsed.confirm), parsed


def test_nothing_the_rules_leave_open_is_saved_as_done_by_the_model() -> None:
    trainer = _trainer()
    for row in trainer.corpus_rows():
        rules, _, open_ = decide.rules(row["text"])
        parsed = parse_reply(row["text"])
        if parsed.status == "done" and not parsed.confirm:
            assert rules.status == "done" and not rules.confirm, row["text"]
        if not open_:
            assert parsed == rules, row["text"]


def test_the_model_speaks_only_where_no_rule_fired() -> None:
    text = "thôn 3 với thôn 5 em gom hết phiếu về nhà văn hóa rồi"  # no rule names this
    rules, body, open_ = decide.rules(text)
    assert open_ and rules.category == "unclear"
    guess, probability = load().guess(body)
    parsed = parse_reply(text)
    if probability >= decide.FALLBACK and guess != "unclear":
        assert parsed.category == guess
    else:
        assert parsed == rules
