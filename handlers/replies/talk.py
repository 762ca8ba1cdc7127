"""What is not a status report (*không phải báo cáo*), as regular expressions over the canonical
words of ``typing``: questions and clauses that ask, a question about which report is meant,
acknowledgements and small talk, the officer busy or away answering later, a bare "rồi", a
clause about "this one" set against another report, and the words that carry nothing beyond the
status (for an empty note). ``vocabulary()`` gives every word the lexicons spell out.
"""

from __future__ import annotations

import re

from dondoc.handlers.replies import lexicon
from dondoc.handlers.replies.lexicon import HEDGE, PARTICLE, PRONOUN, E, W, alt, rx

# fmt: off
QUESTION = rx(
    alt(
        r"\?", r"(?:cho|cho_to|ve|o|lay o|gui|nop|qua|tu) (?:ai|dau)", "ai phu trach",
        r"(?<!xong )(?<!roi )dau(?: (?:" + PARTICLE + "|" + PRONOUN + r"))*$",
        "khong_q", "khong hay",
        W + r" hay (?!qua|lam)" + W, r"\w+ nao(?! xong)",
        "the nao", "nhu the nao", "lam sao", "ra sao", r"bao gio(?! xong)", "bao lau",
        r"duoc khong", "phai khong",
        r"cho(?:_to)? (?:em |toi |minh )?(?:hoi|xin)(?! (?:phep|lui|gia|them|doi|cham|gian))",
        r"so may", "may gio", "ngay nao", "luc nao",
        r"(?<!con )(?<!da )(?<!xong )ha(?: (?:" + PARTICLE + "|" + PRONOUN + r"))*(?= [,.;!]|$)",
        r"hay (?:la )?" + W + r"(?: " + W + r"){0,3} (?:a|chi|anh|ha)$",
        r"ha (?:chi|anh|em)", "vay(?! nhi)", r"gi (?:a|vay|chi|anh|the)", "nhung gi", r"la gi",
        r"^(?:how|what|when|where|who|which|why|do i|should i|can i|is it|are we)",
        r"^(?:vang |chi oi |anh oi )?(?:sao|tai sao|vi sao|lam sao)",
        r"(?:may|bao nhieu) (?:ban|bo|bieu|file|trang|muc|cai|lan|ngay)(?: " + PARTICLE + r")*$",
        r"(?:chi|anh|dong chi) (?:gui|cho|chuyen|nhac) (?:lai )?(?:em|minh|toi)",
    )
)
# A clause that asks: a yes/no question ("… được không ạ": ``typing`` marks that "không").
ASKS = rx(
    alt("khong_q",
        r"(?:da|co) (?:" + W + r" ){0,5}?chua(?: (?:a|chi|anh|em|nhi|vay|oi|the|ha))*$",
        r"(?<!ti )(?<!chut )(?<!xiu )(?<!cai )(?:nao|ha)(?: (?:a|chi|anh|em|nhi|vay|oi|the))*$",
        r"(?<=[a-z0-9] )hay (?:la )?" + W + r"(?: " + W + r"){0,4}? (?:a|ha|nhi|vay|chi|anh)$")
)
# A question about which task is meant: a done beside it may be about another one.
WHICH = rx(alt(r"(?<!ti )(?<!chut )" + W + " nao", "hay", "lai", "cai gi", "bao cao gi", "viec gi",
               "which", "again"))
# What a clause that asks may still report: a request for more time.
REQUEST = rx(
    alt(r"xin (?:them|doi|lui|gian|gia han|cham|tre|phep (?:cham|lui|gia han|tre|nop muon))",
        "gia han", "lui han", "doi han", "them thoi gian", r"cham (?:\d+|mot|vai) (?:ngay|hom)")
)
# A question about the receipt of what was sent: the send itself stands.
RECEIPT_CHECK = rx(alt(r"nhan duoc (?:chua|khong_q)", r"(?:nhan|thay) (?:chua|khong_q)", "check",
                       r"(?:kiem tra|xem|ktra) (?:giup|ho|lai|mail|hop thu)", "nhan duoc"))
# The officer busy or away right now, answering later: not a blocker of the work.
AWAY = rx(
    r"(?:(?:em|minh|toi|tui) |^)(?:dang |di |con |bay gio dang )?(?:hop|tiep dan|tiep cong dan|"
    r"nghi phep|di phep|di co so|di dam cuoi|an cuoi|dam cuoi|di cong tac|cong tac|"
    r"o ngoai|ngoai duong|chay xe|lai xe|di duong|cho_carry con|dua con|don con|di dam gio|"
    r"dam gio|an gio|du lop|hoc lop|di boi duong|boi duong|tap huan|di tap huan|"
    r"du hoi nghi|du hop)(?: " + W + r"){0,3}"
)
# Answering later ("tí em trả lời chị", "về rồi báo o", "chiều về em coi"): no status yet.
DEFER = rx(
    r"(?:ve|lat|lat nua|chut|chut nua|ti nua|sau) (?:roi )?(?:em |minh |toi )?"
    r"(?:bao|tra loi|nhan lai|nhan tin|xem|check|goi lai|phan hoi)(?! (?:cao|xong))"
)
# A later clause about "this one", set against an earlier one about another report.
THIS_ONE = re.compile(
    r"^(?:con )?(?!(?:hom|sang|chieu|buoi_toi|toi|tuan|thang|nam|dot|ky|lan|ngay|gio|bay gio) )"
    r"(?:" + W + r" ){1,3}?nay(?: thi)?" + E
)
# A clause said to be a mistake ("hôm qua em báo chưa gửi là nhầm"): its words do not count.
MISTAKEN = rx(r"(?:la|thi) (?:nham|sai|nham lan)(?: (?:a|chi|anh|nhe|roi|do))*$")
# Nothing but "rồi" after a reminder ("rồi a ạ", "rùi c nha"): done.
ONLY_DONE = re.compile(
    r"^(?:vang )?(?:(?:" + HEDGE + r") (?:ok|on|duoc|xong) )?roi(?: (?:" + PARTICLE + "|" + PRONOUN
    + r"|oi|nhe|nha))*$"
)
ACK_WORD = rx(
    alt(
        "ok", "u", "vang", "nhan", "nhan duoc", "cam on", "thanks", "thank you", "ro", "da ro",
        "ro roi", "biet", "biet roi", "nam", "nam roi", "xem", "doc", "noted", "received",
        "got it", "sure", "yes", "yeah", "chao", "xin chao", "hello", "hi", "hihi", "haha",
        "hehe", "chuc", "sticker", "thank", "tin nhan", "thong tin", "good", "great", "roger",
        "like",
        "nhan thong tin", "da nhan", "em nhan", "nhac", "reminder", "for the",
        "thong bao", "ghi nhan", "yen tam", "nho", "nho roi", "nam duoc", "noi dung",
        "nam duoc noi dung", "tuan lenh", "chi dao", "hoai", "vay nhi", "nhan van ban", "luu",
        "so tay", "co nhan", "nho roi", "luu y", "nhac nho", "bao lai", "se luu y",
    )
)
SMALL_TALK = rx(alt("vui ve", "buoi sang", "ngay moi", "suc khoe", "cuoi tuan vui ve", "chuc",
                    "tot lanh", "nhieu", "a", "nha", "ca nha"))
# Words that carry nothing beyond the status: politeness, pronouns, framing of a report.
FILLER = frozenset(
    (
        "o_aunt eng o ne nhi nghe kia vay cai kip phong ti "
        "a ah ak day_ptc vang roi nhe oi em anh chi toi minh ben chung ta da ok u nhieu do day ne "
        "nhi thoi "
        "luon ay ha hen voi nay the chu ma dong chi dang day du du thanks there moi lai chut "
        "nua_more cho_to kinh gui bao cao viec nhiem vu cong viec cua "
        "la duoc khoang dat tien do chung tam phan tram percent i i'm im we we're is the task now "
        "already yes about it it's its this that all so far don vi phuong van phong vp with "
        "of cho gi ca xong done ok het hien tai hien it has been have was and to tiep han ngay "
        "lien nao qua trinh trong vua dau"
    ).split()
)

# fmt: on


def vocabulary() -> frozenset[str]:
    """Every word the lexicon spells out: a doubled letter or a telex mark is undone only
    when that gives one of them (``typing.squeeze``)."""
    words: set[str] = set(FILLER)
    for value in [*vars(lexicon).values(), *globals().values()]:
        text = value.pattern if isinstance(value, re.Pattern) else value
        if isinstance(text, str):
            words.update(re.findall(r"(?<![\\(?])\b[a-z]{2,}\b", text))
    return frozenset(words)
