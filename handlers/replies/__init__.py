"""Short status replies (*trả lời ngắn*): how "xong", "đang làm 70%", "vướng: chưa có số liệu"
— and what officers really type in Zalo — are understood.

``parse_reply(text)`` is pure: it reads a free-text reply of an officer, with or without
diacritics, NFC or NFD, in shorthand or in full, Vietnamese or English, and returns a
``ParsedReply``: a status (``done``, ``in_progress``, ``blocked``, ``not_started`` or
``unclear``), a percentage when one was given, a note (the officer's own words beyond the
status: the blocker, the extension asked for …), whether the bot must confirm before saving,
and what kind of non-report it is (acknowledgement, question).

The parts, each named for what it does:

- ``spelling`` — how words are typed: teencode, tones that tell words apart, regional forms of
  the centre and the south;
- ``typing`` — Zalo typing to plain words (diacritics, teencode, doubled letters, telex marks,
  the "không" that closes a yes/no question);
- ``numbers`` — which number is the share done (percent in digits and words, halves, fractions
  of parts and of money; dates, document numbers and report figures never);
- ``lexicon`` — the words of a status, by class (delivery verbs, marks of completion, blockers,
  hazards, markers of the future and of conditions …); ``talk`` — what is not a report
  (questions, acknowledgements, the officer busy or away);
- ``clauses`` — a reply cut into clauses and each read for cues; ``decide`` — the decision,
  its confidence, and where the model may speak;
- ``model`` — a small logistic regression read in plain Python from ``reply_model.json``
  (built by ``scripts/train_reply_model.py`` from the corpus);
- ``result`` — ``ParsedReply``;
- ``correction`` — "nhầm", "sửa lại", "undo": taking back what was just reported
  (``read_correction``), with the right status when the same message gives it.

Rules first, and a small model where no rule fires — chosen by measurement on replies nobody
had tuned on (``bench/RESULTS.md``). Three writers wrote batches blind (``fresh_a/c/d``); each
was read by the rules as they stood before anyone looked at its misreadings, and by the same
rules with the model built from the files seen by then (leave one batch out):

=========  =====================  ===================  ====================
batch      rules as they stood    rules alone          rules + model
=========  =====================  ===================  ====================
A          before any batch       85.0 %               89.3 %
C          before any batch       77.8 %               83.3 %
D          before any batch       85.1 %               86.5 %
C          tuned on A             81.6 %               85.4 %
D          tuned on A             88.5 %               88.9 %
D          tuned on A and C       91.2 %               91.9 %
=========  =====================  ===================  ====================

The model helped in every reading (+0.4 to +5.5 points of status accuracy), never changed the
precision of done, and made the bot ask 0.3 to 2 points more often. Alone it is worse where it
matters most: on the same held-out batches it reads 86–92 % of statuses but saves 5 to 14
replies as done that are not (a bag of n-grams cannot tell who negates what: "xong mô mà xong",
"chờ huyện duyệt xong mới gửi"). So the rules keep the veto: the model is asked only when the
rules found nothing at all — no cue of done, progress, blocker, start, question,
acknowledgement, absence or a number out of range — and a done it guesses is always asked
("Đồng chí xác nhận đã hoàn thành …?"), never saved. Once the rules had been tuned on all three
batches, the model built without a batch changed its reading by −0.7 to 0 points (it then
only sees the replies the rules leave unclear on purpose: bare dates, document numbers); its
worth is on the words of a fourth writer, where the rules fall silent more often. It costs a
322 KB file and about 130 µs for the replies it reads; scikit-learn is a test dependency only.
"""

from __future__ import annotations

from dondoc.handlers.replies.correction import Correction, read_correction
from dondoc.handlers.replies.decide import decide as parse_reply
from dondoc.handlers.replies.result import (
    CATEGORIES,
    STATUSES,
    UNCLEAR,
    ParsedReply,
)

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "UNCLEAR",
    "Correction",
    "ParsedReply",
    "parse_reply",
    "read_correction",
]
