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
from functools import lru_cache

from dondoc.handlers.replies import lexicon as lx
from dondoc.handlers.replies import model, talk
from dondoc.handlers.replies.clauses import (
    CONSEQUENCE,
    DOUBLE_NEGATIVE,
    NEGATED_DONE,
    NEGATOR,
    Cues,
    read_clause,
    split,
)
from dondoc.handlers.replies.numbers import CORRECTION, SHARE_WORDS, is_figure, read_percent
from dondoc.handlers.replies.result import UNCLEAR, ParsedReply
from dondoc.handlers.replies.typing import Canonical, canonical, read


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return talk.vocabulary()


def _only(text: str, *patterns: re.Pattern[str]) -> bool:
    """Whether the text is nothing but matches of the patterns, particles and pronouns."""
    rest = list(text)
    for pattern in patterns:  # every pattern on the whole text: one match may hold another
        for match in pattern.finditer(text):
            rest[match.start() : match.end()] = " " * (match.end() - match.start())
    words = [w for w in "".join(rest).split() if re.search(r"[a-z0-9]", w)]
    return all(w in talk.FILLER or w in _PARTICLES for w in words)


_PARTICLES = frozenset(re.findall(r"[a-z_']+", lx.PARTICLE + " " + lx.PRONOUN))
_FUTURE_ONLY = re.compile(lx.B + lx.FUTURE + lx.E)
_UNEXPLAINED_NEGATION_OK = re.compile(
    lx.B
    + lx.alt(
        "khong co gi",
        "khong sao",
        "khong a",
        "khong chi",
        "khong anh",
        r"khong con (?:gi|ton|sot|thieu|viec gi|ho so nao|cai nao|nua)",
    )
    + lx.E
)


_ONLY_MARKS = re.compile(r"^[?!. ]*$")  # "???": nothing asked, nothing said


def _emoji_only(original: str) -> bool:
    compact = "".join(original.split())
    return bool(compact) and all(
        unicodedata.category(c) in ("So", "Sk", "Cf", "Mn", "Me") or c in "\u200d\ufe0f"
        for c in compact
    )


def canonical_words(text: str) -> str:
    """The reply as the rules read it: folded, shorthand and regional forms expanded."""
    return canonical(read(text or "", _known())[1]).text


def decide(text: str) -> ParsedReply:
    """Understand one short status reply: the rules, and the model where no rule fires."""
    return understand(text, model.load())


def understand(text: str, second: model.Model | None) -> ParsedReply:
    """The rules (module docstring); where none fires, the ``second`` reader's guess when it is
    likely enough (``FALLBACK``) — and a done it guesses is always asked, never saved."""
    parsed, body, open_ = rules(text)
    if not open_ or second is None:
        return parsed
    guess, probability = second.guess(body)
    if probability < FALLBACK or guess == UNCLEAR:
        return parsed
    percent, _ = read_percent(body)
    note = (text or "").strip()
    if guess == "acknowledgement":
        return ParsedReply(UNCLEAR, acknowledgement=True)
    if guess == "question":
        return ParsedReply(UNCLEAR, note=note, question=True)
    if guess == "not_started":
        return ParsedReply(guess, note=note)
    return ParsedReply(guess, percent, note, confirm=guess == "done")


FALLBACK = 0.5  # how likely the model's guess must be where no rule fired


def rules(text: str) -> tuple[ParsedReply, str, bool]:
    """The rules alone: the result, the canonical text, and whether no rule fired at all (the
    reply is open to the model)."""
    original, words = read(text or "", _known())
    stripped = original.strip()
    canon = canonical(words)
    body = canon.text
    if not re.search(r"[a-z0-9?]", body):
        return ParsedReply(UNCLEAR, acknowledgement=_emoji_only(original)), body, False
    percent, out_of_range = read_percent(body)
    cues = Cues(deferred=talk.DEFER.search(body) is not None)
    clauses = split(canon)
    for index, (clause, _) in enumerate(clauses):
        if index and talk.THIS_ONE.match(clause):
            clauses = clauses[index:]  # "báo cáo kia gửi rồi, còn báo cáo này chưa làm"
    for clause, asks in clauses:
        read_clause(clause, asks, cues)
    cues.question = talk.QUESTION.search(body) is not None and not _ONLY_MARKS.match(body)
    consequence = CONSEQUENCE.search(body)
    if consequence and not cues.blocked:
        reason = consequence.group("reason")
        if not (lx.PROGRESS.search(reason) or lx.REMAINING.search(reason)) and not _only(reason):
            cues.blocked.append(consequence)
            cues.blocked_clause = reason
    if percent is not None and cues.done and percent < 100 and is_figure(body):
        percent = None  # "đã gửi, tỷ lệ giải ngân đạt 62,4%": a figure of the report sent
    done = cues.done or cues.weak_done or percent == 100
    _blocked_without_the_word(cues, done, body)
    status: str
    if cues.blocked:
        status = "blocked"
    elif cues.not_started and not cues.progress and not done and not percent:
        status = "not_started"
    elif percent == 0:
        status = "not_started"  # 0 %: nothing done yet, whatever the words around it
    elif cues.progress or cues.not_started or (percent is not None and percent < 100):
        status = "in_progress"
    elif done and cues.asked_which and not talk.RECEIPT_CHECK.search(body):
        # "báo cáo nào ạ? e gửi 2 cái rồi": what is asked about is not this task's done
        return ParsedReply(UNCLEAR, note=stripped, question=True), body, False
    elif done or talk.ONLY_DONE.match(body):
        status = "done"
    elif lx.ONLY_NOT_YET.match(body) or (clauses and lx.ONLY_NOT_YET.match(clauses[0][0])):
        status = "not_started"
    elif out_of_range is not None:
        parsed = ParsedReply(UNCLEAR, note=stripped, confirm=True, out_of_range=out_of_range)
        return parsed, body, False
    elif _only(body, _FUTURE_ONLY) and _FUTURE_ONLY.search(body):
        status = "in_progress"  # "mai chị nhé": a promise of a day
    else:
        ack = not cues.question and _acknowledgement(body)
        note = "" if ack else stripped
        quiet = ack or cues.question or cues.deferred or talk.AWAY.search(body)
        open_ = not quiet and re.search(r"[a-z]", body) is not None
        parsed = ParsedReply(UNCLEAR, note=note, acknowledgement=ack, question=cues.question)
        return parsed, body, open_
    confirm = status == "done" and (_doubtful(body, cues, percent) or cues.unsure_send)
    if out_of_range is not None:
        confirm = True
    if status == "not_started":
        percent = None
    note = _note(original, canon, status, cues)
    parsed = ParsedReply(status, percent, note, False, cues.question, confirm, out_of_range)
    return parsed, body, False


def _blocked_without_the_word(cues: Cues, done: bool, body: str) -> None:
    """Blockers that only count with what is around them: a flood or a storm when the work cannot
    go on (not when it is the report's subject); "chưa làm được" beside a clause that gives no
    status (its reason: "ngập sâu quá, …, báo cáo chưa làm được"); and a system fault beside a
    send the officer is unsure of ("gửi mail rồi nhưng không biết tới chưa, mạng chập chờn")
    is a doubtful done, not a blocker."""
    if cues.blocked and cues.done and lx.UNSURE.search(body):
        if not any(lx.FAILED_SEND.search(m.group(0)) for m in cues.blocked):
            cues.blocked.clear()
            cues.unsure_send = True
            return
    if cues.blocked or done:
        return
    stuck = cues.cannot or cues.not_started or not cues.progress
    if cues.hazards and stuck:
        cues.blocked.append(cues.hazards[0])
        cues.blocked_clause = body
        return
    reasons = [c for c in cues.bare if len(_content(c)) >= 2]
    reason = re.match(r".+", reasons[0]) if reasons else None
    if cues.cannot and reason and not cues.progress:
        cues.blocked.append(reason)
        cues.blocked_clause = reasons[0]


def _content(text: str) -> list[str]:
    """The words of a text beyond particles, pronouns and status framing."""
    return [w for w in text.split() if w not in talk.FILLER and w not in _PARTICLES]


def _doubtful(body: str, cues: Cues, percent: int | None) -> bool:
    weak_only = cues.weak_done and not cues.done and percent != 100
    if lx.HEDGE_RX.search(body) or cues.own_part or weak_only:
        return True
    cleared = lx.NOT_BLOCKED.sub(" ", _UNEXPLAINED_NEGATION_OK.sub(" ", body))
    cleared = talk.RECEIPT_CHECK.sub(" ", DOUBLE_NEGATIVE.sub(" ", cleared))
    for clause in cues.mistaken:
        cleared = cleared.replace(clause, " ")
    return NEGATOR.search(cleared) is not None


def _acknowledgement(body: str) -> bool:
    if not (talk.ACK_WORD.search(body) or talk.SMALL_TALK.search(body)):
        return False
    return _only(body, talk.ACK_WORD, talk.SMALL_TALK)


_STATUS_WORDS = (
    NEGATED_DONE,
    lx.WORK_DONE,
    lx.DELIVERED,
    lx.COMPLETED,
    re.compile(lx.B + lx.WORK + lx.E),
    lx.PROGRESS,
    SHARE_WORDS,
    lx.WAIT_OWN,
    lx.NOT_STARTED,
    lx.FUTURE_START,
    lx.ONLY_NOT_YET,
    _UNEXPLAINED_NEGATION_OK,
    lx.HEDGE_RX,
    CORRECTION,
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
                    return remainder
            if _only(canon.text, re.compile(lx.B + "vuong(?: mac)?" + lx.E)):
                return ""
        return text
    if _only(canon.text, *_STATUS_WORDS):
        return ""
    return text
