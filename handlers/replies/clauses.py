"""Clauses (*vế câu*) and their cues: a reply cut at punctuation and at "nhưng", "mà", "nên",
"but" …, each clause read for the words of the ``lexicon``.

"xong" and the delivery words count as done only when nothing in their clause makes them a part
("xong phần 1", "xong dự thảo"), a negation ("chưa xong", "xong đâu"), a condition or a wait
("chờ … xong mới nộp", "xong em gửi liền") or a promise ("sẽ xong trong tuần"). A clause that
asks ("gửi file excel được không ạ?") reports nothing but a request for more time. ``Cues``
gathers what the clauses say for ``decide``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.handlers.replies import lexicon as lx
from dondoc.handlers.replies import talk
from dondoc.handlers.replies.typing import Canonical

_SPLIT_WORDS = frozenset({"nhung", "ma", "but", "however", "nen", "though", "although"})
_SPLIT_MARKS = frozenset({",", ".", ";", "!", "?", ":", "\n", "(", ")"})
BEFORE_NEG = 3  # words between a negation and the done word it negates


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
    hazards: list[re.Match[str]] = field(default_factory=list)
    cannot: bool = False  # "chưa làm được", "không gửi được"
    bare: list[str] = field(default_factory=list)  # clauses with no cue
    deferred: bool = False  # "tí em trả lời", "về rồi báo": answering later
    unsure_send: bool = False  # sent, with a fault that leaves the officer unsure it arrived
    mistaken: list[str] = field(default_factory=list)  # clauses said to be a mistake
    asked_which: bool = False  # "báo cáo nào ạ?", "quý 3 hay quý 4?", "nộp lại hả?"


def split(text: Canonical) -> list[tuple[str, bool]]:
    """The clauses of the reply, cut at punctuation and at the linking words, each with whether
    it asks (it ends with "?" or is a yes/no question: "… được không ạ")."""
    out: list[tuple[str, bool]] = []
    start = 0
    for word, position in zip(text.words, text.starts, strict=True):
        if word.text in _SPLIT_MARKS or word.text in _SPLIT_WORDS:
            out.append((text.text[start:position].strip(), word.text == "?"))
            start = position + len(word.text) + 1
    out.append((text.text[start:].strip(), False))
    return [(clause, asks or _asks(clause)) for clause, asks in out if clause]


def _asks(clause: str) -> bool:
    """A clause that is a question without "?" ("… được không ạ", "bc nào ạ", "quý 3 hay quý 4
    ạ"); "không biết mẫu nào" only says what is not known."""
    return talk.ASKS.search(clause) is not None and not _UNKNOWN.search(clause)


_UNKNOWN = re.compile(lx.B + r"(?:khong|chua) (?:biet|ro|nam)" + lx.E)


def _words_before(clause: str, position: int, count: int) -> list[str]:
    return clause[:position].split()[-count:] if count else clause[:position].split()


NEGATOR = re.compile(lx.B + lx.NEGATOR + lx.E)
_FUTURE = re.compile(lx.B + lx.FUTURE + lx.E)
_MODAL = re.compile(lx.B + lx.MODAL + lx.E)
_CONDITION = re.compile(lx.B + lx.CONDITION + lx.E)
_DELIVER_OR_DONE = re.compile(
    lx.B + lx.alt(lx.DELIVER, lx.COMPLETE, "send", "submit", "finish", "report") + lx.E
)
NEGATED_DONE = re.compile(
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
CONSEQUENCE = re.compile(r"^(?P<reason>.+?) nen (?:van )?(?:chua|khong)" + lx.E)


# Two negations that make a done: "không phải chưa xong", "không còn hộ nào chưa nhập".
DOUBLE_NEGATIVE = re.compile(
    lx.B
    + r"(?:khong phai chua(?: "
    + lx.W
    + r")?|khong con (?:"
    + lx.W
    + r" ){1,2}(?:nao|dau) chua "
    + lx.W
    + r")"
    + lx.E
)
# Being busy with something ("đang đi thực địa"), read as no status when the officer answers later.
_BUSY = re.compile(lx.B + r"(?:dang|van dang) " + lx.W + r"(?: " + lx.W + r")?" + lx.E)


def _done_in_clause(clause: str, match: re.Match[str], cues: Cues) -> str:
    """What a done word in a clause really says: ``done`` or ``progress``."""
    before = clause[: match.start()]
    after = clause[match.end() :]
    said = match.group(0)
    near = " ".join(_words_before(clause, match.start(), BEFORE_NEG))
    if NEGATOR.search(near) or re.match(r"^ dau" + lx.E, after):
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
    if re.match(r"^ (?:lien|ngay|luon bay gio|lien a)" + lx.E, after) and not past:
        return "progress"  # "xong liền": will be done at once
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


def _wait_over(clause: str, match: re.Match[str]) -> bool:
    """A step of signing or approval that is over: "đã trình ký và gửi lên phòng", "trình
    lãnh đạo ký xong và phát hành rồi" (not "đang chờ duyệt rồi em gửi")."""
    before, after = clause[: match.start()], clause[match.end() :]
    if re.search(lx.B + r"(?:dang|con|van|chi con|cho|doi)\s*$", before):
        return False
    if re.match(r"(?:dang|con|chi|cho|doi|xin|lay)" + lx.E, match.group(0)):
        return False
    if re.match(r"^(?: " + lx.W + r"){0,3} xong" + lx.E, after):
        return True  # "đã trình thẩm định xong"
    past = re.search(lx.B + r"da(?: " + lx.W + r"){0,2}$", before.rstrip()) is not None
    past = past or match.group(0).startswith("da ")
    then_sent = re.match(r"^ (?:roi |va |, )(?:" + lx.W + r" ){0,2}?" + lx.DELIVER + lx.E, after)
    if past and then_sent:
        return True  # "đã được trình ký và gửi lên phòng"
    return lx.DELIVERED.search(after) is not None and not _FUTURE.search(after)


def read_clause(clause: str, asks: bool, cues: Cues) -> None:
    """The cues of one clause. A clause that asks ("gửi file excel được không ạ?", "nộp trễ có
    sao không chị") reports nothing, except a request for more time."""
    clause = DOUBLE_NEGATIVE.sub("xong het", clause)  # "không còn hộ nào chưa nhập"
    if talk.MISTAKEN.search(clause):
        cues.mistaken.append(clause)
        return  # "hôm qua em báo chưa gửi là nhầm"
    if asks:
        cues.asked_which = cues.asked_which or talk.WHICH.search(clause) is not None
        for match in talk.REQUEST.finditer(clause):
            cues.blocked.append(match)
            cues.blocked_clause = cues.blocked_clause or clause
        return
    negated_blockers = [m.span() for m in lx.NOT_BLOCKED.finditer(clause)]
    negated_blockers += [m.span() for m in talk.AWAY.finditer(clause)]
    cues.hazards += [m for m in lx.HAZARD.finditer(clause)]
    fired = len(cues.blocked), cues.progress, cues.done, cues.weak_done, cues.not_started
    for match in lx.BLOCKED.finditer(clause):
        if not any(a <= match.start() < b for a, b in negated_blockers):
            cues.blocked.append(match)
            cues.blocked_clause = cues.blocked_clause or clause
    cannot, because = lx.CANNOT.search(clause), lx.BECAUSE.search(clause)
    cues.cannot = cues.cannot or (cannot is not None and not NEGATED_DONE.search(clause))
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
    away = [m.span() for m in talk.AWAY.finditer(clause)]
    away += [m.span() for m in lx.SHOWN_PENDING.finditer(clause)]
    if cues.deferred:  # "đang đi thực địa, về rồi báo": busy, answering later
        away += [m.span() for m in _BUSY.finditer(clause)]
    for pattern in (lx.PROGRESS, lx.REMAINING, lx.WAIT_OWN, lx.DRAFT_MENTION):
        for match in pattern.finditer(clause):
            if any(
                a <= match.start() < b or match.start() <= a < match.end()
                for a, b in not_started + away
            ):
                continue  # "chưa bắt đầu": not begun; "em đang họp": busy elsewhere
            if pattern is lx.WAIT_OWN and _wait_over(clause, match):
                continue  # "trình ký xong rồi gửi luôn": the signature is behind
            cues.progress = True
    if NEGATED_DONE.search(clause) and not lx.NOT_STARTED.search(clause):
        cues.progress = True
    passed = [m.span() for m in lx.MESSAGE_PASSED.finditer(clause)]
    for pattern, weak in ((lx.COMPLETED, False), (lx.DELIVERED, False), (lx.WORK_DONE, True)):
        for match in pattern.finditer(clause):
            if any(match.start() < b and a < match.end() for a, b in passed):
                continue  # "đã chuyển tin nhắn của chị cho anh Hải": the message, not the report
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
    if fired == (len(cues.blocked), cues.progress, cues.done, cues.weak_done, cues.not_started):
        cues.bare.append(clause)  # no cue: maybe the reason of a "chưa làm được" elsewhere
