"""Short status replies (*trả lời ngắn*): how "xong", "đang làm 70%", "vướng: chưa có số liệu"
— and what officers really type in Zalo — are understood.

``parse_reply(text)`` is pure: it reads a free-text reply of an officer, with or without
diacritics, NFC or NFD, in shorthand or in full, Vietnamese or English, and returns a
``ParsedReply``: a status (``done``, ``in_progress``, ``blocked``, ``not_started`` or
``unclear``), a percentage when one was given, a note (the officer's own words beyond the
status: the blocker, the extension asked for …), whether the bot must confirm before saving,
and what kind of non-report it is (acknowledgement, question).

The parts, each named for what it does:

- ``typing`` — Zalo typing to plain words (diacritics, teencode, doubled letters, telex marks);
- ``numbers`` — which number is the share done (percent in digits and words, halves, fractions
  of parts; dates and document numbers never);
- ``lexicon`` — the words of a status, by class (delivery verbs, marks of completion, blockers,
  markers of the future and of conditions …);
- ``decide`` — clauses, the decision and its confidence (the order of the rules is there);
- ``result`` — ``ParsedReply``.

Why rules and not a trained model — chosen by measurement on the labelled corpus
(``tests/data/replies/``; ``bench/bench_replies_quality.py`` and ``bench/bench_replies_model.py``,
figures in ``bench/RESULTS.md``). A character n-gram logistic regression (scikit-learn) trained
on the 739 tuning replies reads the 242 measuring replies with 86 % status accuracy, and 12 of
the 64 replies it calls done are not ("ch xong ạ", "done except the annex", "will be done by
Monday", "web dịch vụ công sập rồi chị"): a bag of n-grams cannot tell who negates what, and
precision of done is the figure that matters. The rules read the same replies with no wrong done;
used as a second opinion, the model only made the bot ask more (6 % instead of 4 %) without
catching any wrong done. It would also add scikit-learn and SciPy (160 MB) and a model file to
ship. The rules are built from word classes (any delivery verb with any mark of completion, any
system word with any failure word), which is what carries them to sentences nobody wrote down;
on two batches written fresh after the first rules, they made no wrong done.
"""

from __future__ import annotations

from dondoc.handlers.replies.decide import decide as parse_reply
from dondoc.handlers.replies.result import (
    CATEGORIES,
    MAX_NOTE,
    STATUSES,
    UNCLEAR,
    ParsedReply,
)

__all__ = ["CATEGORIES", "MAX_NOTE", "STATUSES", "UNCLEAR", "ParsedReply", "parse_reply"]
