"""The decision (*quyết định tình trạng*) and its confidence: from the cues of each clause to one
status, a percentage, a note, and whether the bot must ask first.

A reply is cut into clauses (at punctuation and at "nhưng", "mà", "nên", "but" …); each
clause is read for cues of the ``lexicon``. "xong" and the delivery words count as done only
when nothing in their clause makes them a part ("xong phần 1", "xong dự thảo"), a negation
("chưa xong", "xong đâu"), a condition or a wait ("chờ … xong mới nộp", "xong em gửi liền")
or a promise ("sẽ xong trong tuần").

Then, over the whole reply, in this order (the first that holds decides):

1. a blocker (not negated: "không vướng gì") → ``blocked``, whatever else is said — the
   coordinator must see it; a percentage is kept;
2. "not started" words, and nothing done or going on → ``not_started``;
3. anything going on — a cue of progress, of work remaining, of a wait for the unit's own
   signature or approval, a promise, a negated or partial done, 0 < percent < 100 →
   ``in_progress`` (0 % → ``not_started``);
4. done words, or 100 % → ``done``. The bot *confirms* before saving when the done is not
   certain: a hedge ("chắc", "hình như", "I think"), only a weak verb ("đã làm", "đã triển
   khai"), a negation the rules cannot place ("gửi rồi mà chưa thấy phản hồi"), "my part";
5. a number out of range → ``unclear`` with ``confirm`` (the bot asks what was meant);
6. a question → ``unclear``/question; thanks, "ok", a sticker → acknowledgement; anything else
   → ``unclear`` with the text as the note.

A wrong "in progress" costs a reminder; a wrong "done" silences a unit — so every conflict is
settled against done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from dondoc.handlers.replies import lexicon as lx
from dondoc.handlers.replies.numbers import SHARE_WORDS, read_percent
from dondoc.handlers.replies.result import MAX_NOTE, UNCLEAR, ParsedReply
from dondoc.handlers.replies.typing import Canonical, canonical, read

_SPLIT_WORDS = frozenset({"nhung", "ma", "but", "however", "nen", "though", "although"})
_SPLIT_MARKS = frozenset({",", ".", ";", "!", "?", ":", "\n", "(", ")"})
_BEFORE_NEG = 3  # words between a negation and the done word it negates


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return lx.vocabulary()


@dataclass
class Cues:
    """What the clauses say, over the whole reply."""

    blocked: list[re.Match[str]] = field(default_factory=list)
    blocked_clause: str = ""
    not_started: bool = False
    progress: bool = False
    done: bool = False
    weak_done: bool = False
    own_part: bool = False
    question: bool = False


def _clauses(text: Canonical) -> list[str]:
    """The clauses of the reply, cut at punctuation and at the linking words."""
    out: list[str] = []
    start = 0
    for word, position in zip(text.words, text.starts, strict=True):
        if word.text in _SPLIT_MARKS or word.text in _SPLIT_WORDS:
            out.append(text.text[start:position].strip())
            start = position + len(word.text) + 1
    out.append(text.text[start:].strip())
    return [clause for clause in out if clause]


def _words_before(clause: str, position: int, count: int) -> list[str]:
    return clause[:position].split()[-count:] if count else clause[:position].split()


_NEGATOR = re.compile(lx.B + lx.NEGATOR + lx.E)
_FUTURE = re.compile(lx.B + lx.FUTURE + lx.E)
_MODAL = re.compile(lx.B + lx.MODAL + lx.E)
_CONDITION = re.compile(lx.B + lx.CONDITION + lx.E)
_DELIVER_OR_DONE = re.compile(
    lx.B + lx.alt(lx.DELIVER, lx.COMPLETE, "send", "submit", "finish", "report") + lx.E
)
_NEGATED_DONE = re.compile(
    lx.B
    + lx.NEGATOR
    + r"(?: (?:duoc|het|kip|hoan toan|yet|been|fully|quite|em|ben em|minh|lam|co|xong))*? "
    + lx.alt(
        lx.COMPLETE,
        lx.DELIVER,
        lx.DELIVER_PAST_EN,
        "send",
        "submit",
        "finish",
        "done",
        "hoan thien",
    )
    + lx.E
    + r"|"
    + lx.B
    + lx.alt(lx.COMPLETE, lx.DELIVER)
    + r" dau"
    + lx.E
)
_THEN = re.compile(r"^ (?:" + lx.THEN + r"|" + lx.PRONOUN + r" " + lx.DELIVER + r")" + lx.E)
# A delivery still to come after "xong" in the same clause: "xong cái này em gửi liền".
_LATER_DELIVERY = re.compile(
    lx.B + r"(?<!da )" + lx.alt(lx.DELIVER, "bao") + r"(?! (?:roi|xong)" + lx.E + r")" + lx.E
)
# "X nên chưa …": X is what stops the work (unless X is the unit's own work still going on).
_CONSEQUENCE = re.compile(r"^(?P<reason>.+?) nen (?:van )?(?:chua|khong)" + lx.E)


def _done_in_clause(clause: str, match: re.Match[str], cues: Cues) -> str:
    """What a done word in a clause really says: ``done`` or ``progress``."""
    before = clause[: match.start()]
    after = clause[match.end() :]
    said = match.group(0)
    near = " ".join(_words_before(clause, match.start(), _BEFORE_NEG))
    if _NEGATOR.search(near) or re.match(r"^ dau" + lx.E, after):
        return "progress"
    if not said.endswith("roi") and re.match(r"^ (?:" + lx.NEGATOR + r"|dau)" + lx.E, after):
        return "progress"  # "xong chưa được đâu", "hoàn thành không nổi"
    past = (
        re.match(r"^ (?:het )?roi" + lx.E, after) is not None
        or re.search(lx.B + r"da(?: " + lx.W + r"){0,3}$", before.rstrip()) is not None
        or re.search(r"(?:^da|roi)" + lx.E, said) is not None
    )
    if _CONDITION.search(before) and not past:
        return "progress"
    if said.endswith(("xong", "hoan thanh", "hoan tat")) and not past:
        later = _LATER_DELIVERY.search(after)
        if later and re.search(lx.B + "roi" + lx.E, after[later.end() :]):
            later = None  # "tổng hợp xong và gửi phòng rồi": sent, not to be sent
        if _THEN.match(after) or later:
            return "progress"  # "xong em gửi liền", "xong cái này em gửi": a condition
    if (_MODAL.search(before) or _FUTURE.search(before)) and not past:
        return "progress"
    rest = after.strip()
    if lx.OWN_PART.match(rest):
        cues.own_part = True
        return "done"
    if lx.DRAFT.match(rest) or (lx.PARTIAL.match(rest) and not lx.WHOLE.match(rest)):
        return "progress"
    return "done"


def _read_clause(clause: str, cues: Cues) -> None:
    negated_blockers = [m.span() for m in lx.NOT_BLOCKED.finditer(clause)]
    for match in lx.BLOCKED.finditer(clause):
        if not any(a <= match.start() < b for a, b in negated_blockers):
            cues.blocked.append(match)
            cues.blocked_clause = cues.blocked_clause or clause
    cannot, because = lx.CANNOT.search(clause), lx.BECAUSE.search(clause)
    if cannot and because and because.start() > cannot.start():
        reason = clause[because.end() :]
        if lx.PROGRESS.search(reason) or lx.REMAINING.search(reason):
            cues.progress = True  # "chưa gửi được vì còn sửa": the unit's own work goes on
        else:  # "chưa làm được vì hệ thống lỗi": blocked, the reason is the note
            cues.blocked.insert(0, because)
            cues.blocked_clause = clause
    not_started: list[tuple[int, int]] = []
    for pattern in (lx.NOT_STARTED, lx.FUTURE_START):
        for match in pattern.finditer(clause):
            cues.not_started = True
            not_started.append(match.span())
    for pattern in (lx.PROGRESS, lx.REMAINING, lx.WAIT_OWN, lx.DRAFT_MENTION):
        for match in pattern.finditer(clause):
            if any(
                a <= match.start() < b or match.start() <= a < match.end() for a, b in not_started
            ):
                continue  # "chưa bắt đầu", "tuần sau mới bắt đầu": not started, not begun
            cues.progress = True
    if _NEGATED_DONE.search(clause) and not lx.NOT_STARTED.search(clause):
        cues.progress = True
    for pattern, weak in ((lx.COMPLETED, False), (lx.DELIVERED, False), (lx.WORK_DONE, True)):
        for match in pattern.finditer(clause):
            meaning = _done_in_clause(clause, match, cues)
            if meaning == "progress":
                cues.progress = True
            elif meaning == "done":
                full = weak and lx.WORK_FULL.search(match.group(0))
                if weak and not full:
                    cues.weak_done = True
                else:
                    cues.done = True
    future = _FUTURE.search(clause)
    if future and not lx.PAST.search(clause):
        if _DELIVER_OR_DONE.search(clause[future.end() :]) or _DELIVER_OR_DONE.search(
            clause[: future.start()]
        ):
            cues.progress = True


def _only(text: str, *patterns: re.Pattern[str]) -> bool:
    """Whether the text is nothing but matches of the patterns, particles and pronouns."""
    rest = text
    for pattern in patterns:
        rest = pattern.sub(" ", rest)
    words = [w for w in rest.split() if re.search(r"[a-z0-9]", w)]
    return all(w in lx.FILLER or w in _PARTICLES for w in words)


_PARTICLES = frozenset(re.findall(r"[a-z_']+", lx.PARTICLE + " " + lx.PRONOUN))
_FUTURE_ONLY = re.compile(lx.B + lx.FUTURE + lx.E)
_UNEXPLAINED_NEGATION_OK = re.compile(
    lx.B + lx.alt("khong co gi", "khong sao", "khong a", "khong chi", "khong anh") + lx.E
)


def _emoji_only(original: str) -> bool:
    compact = "".join(original.split())
    return bool(compact) and all(
        unicodedata.category(c) in ("So", "Sk", "Cf", "Mn", "Me") or c in "\u200d\ufe0f"
        for c in compact
    )


def decide(text: str) -> ParsedReply:
    """Understand one short status reply (see the module docstring for the rules)."""
    original, words = read(text or "", _known())
    stripped = original.strip()
    canon = canonical(words)
    body = canon.text
    if not re.search(r"[a-z0-9?]", body):
        return ParsedReply(UNCLEAR, acknowledgement=_emoji_only(original))
    percent, out_of_range = read_percent(body)
    cues = Cues()
    for clause in _clauses(canon):
        _read_clause(clause, cues)
    cues.question = lx.QUESTION.search(body) is not None
    consequence = _CONSEQUENCE.search(body)
    if consequence and not cues.blocked:
        reason = consequence.group("reason")
        if not (lx.PROGRESS.search(reason) or lx.REMAINING.search(reason)) and not _only(reason):
            cues.blocked.append(consequence)
            cues.blocked_clause = reason
    done = cues.done or cues.weak_done or percent == 100
    status: str
    if cues.blocked:
        status = "blocked"
    elif cues.not_started and not cues.progress and not done and not percent:
        status = "not_started"
    elif percent == 0:
        status = "not_started"  # 0 %: nothing done yet, whatever the words around it
    elif cues.progress or cues.not_started or (percent is not None and percent < 100):
        status = "in_progress"
    elif done:
        status = "done"
    elif lx.ONLY_NOT_YET.match(body):
        status = "not_started"
    elif out_of_range is not None:
        return ParsedReply(
            UNCLEAR, note=stripped[:MAX_NOTE], confirm=True, out_of_range=out_of_range
        )
    elif _only(body, _FUTURE_ONLY) and _FUTURE_ONLY.search(body):
        status = "in_progress"  # "mai chị nhé": a promise of a day
    else:
        ack = not cues.question and _acknowledgement(body)
        note = "" if ack else stripped[:MAX_NOTE]
        return ParsedReply(UNCLEAR, note=note, acknowledgement=ack, question=cues.question)
    confirm = status == "done" and _doubtful(body, cues, percent)
    if out_of_range is not None:
        confirm = True
    if status == "not_started":
        percent = None
    note = _note(original, canon, status, cues)
    return ParsedReply(status, percent, note, False, cues.question, confirm, out_of_range)


def _doubtful(body: str, cues: Cues, percent: int | None) -> bool:
    weak_only = cues.weak_done and not cues.done and percent != 100
    if lx.HEDGE_RX.search(body) or cues.own_part or weak_only:
        return True
    cleared = lx.NOT_BLOCKED.sub(" ", _UNEXPLAINED_NEGATION_OK.sub(" ", body))
    return _NEGATOR.search(cleared) is not None


def _acknowledgement(body: str) -> bool:
    if not (lx.ACK_WORD.search(body) or lx.SMALL_TALK.search(body)):
        return False
    return _only(body, lx.ACK_WORD, lx.SMALL_TALK)


_STATUS_WORDS = (
    _NEGATED_DONE,
    lx.WORK_DONE,
    lx.DELIVERED,
    lx.COMPLETED,
    re.compile(lx.B + lx.WORK + lx.E),
    lx.PROGRESS,
    SHARE_WORDS,
    lx.WAIT_OWN,
    lx.NOT_STARTED,
    re.compile(r"\d+(?: [.,] \d+)? (?:%|phan tram|percent)|\d+"),
)


def _note(original: str, canon: Canonical, status: str, cues: Cues) -> str:
    """The officer's own words beyond the status, from the original text: the blocker (after
    "vướng:" or "vì"), or the whole reply unless it is nothing but status words."""
    text = original.strip()
    if status == "blocked":
        keyword = cues.blocked[0]
        word = keyword.group(0)
        clause_start = canon.text.find(cues.blocked_clause)
        anchor = None
        if word in ("vuong", "vuong mac") or lx.BECAUSE.fullmatch(word):
            anchor = clause_start + keyword.end() if clause_start >= 0 else None
        if anchor is not None:
            index = canon.word_at(anchor)
            if index < len(canon.words) and canon.starts[index] < anchor:
                index += 1
            if index < len(canon.words):
                remainder = original[canon.words[index].start :].strip(" :,-–—.\t\n")
                rest_words = canon.text[anchor:]
                if remainder and not _only(rest_words):
                    return remainder[:MAX_NOTE]
            if _only(canon.text, re.compile(lx.B + "vuong(?: mac)?" + lx.E)):
                return ""
        return text[:MAX_NOTE]
    if _only(canon.text, *_STATUS_WORDS):
        return ""
    return text[:MAX_NOTE]
