"""The words of a status reply (*từ vựng*), grouped by what they say about the work, as regular
expressions over the canonical words of ``typing`` (folded, shorthand expanded).

Groups are built from word classes rather than from sentences: a delivery verb (gửi, nộp,
chuyển, đẩy lên, ký số, phát hành, đăng …) with a mark of completion (đã …, … rồi, … xong) is
done whatever the channel; a marker of the future or of a condition before "xong" makes it a
promise; a system word near a failure word is blocked whatever the system. That is what lets the
rules hold on sentences nobody wrote down.
"""

from __future__ import annotations

import re

# fmt: off
B = r"(?<![a-z0-9_'])"
E = r"(?![a-z0-9_'])"
W = r"[a-z0-9_']+"  # one word


def alt(*phrases: str) -> str:
    """Phrases as one alternation, longest first (plain words, or regex fragments)."""
    return "(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + ")"


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(B + pattern + E)


PRONOUN = alt(
    "em", "anh", "chi", "toi", "minh", "ben em", "ben minh", "chung em", "chung toi", "phuong",
    "don vi", "van phong", "vp", "i", "we", "they", "it",
)
PARTICLE = alt(
    "a", "ah", "ak", "vang", "roi", "nhe", "nha", "oi", "nhieu", "do", "day", "ne", "nhi", "thoi",
    "luon", "ay", "u", "ha", "hen", "voi", "nay", "the", "chu", "ma", "dong chi", "dc",
)
NEGATOR = alt("chua", "khong", "chang", "not", "never", "no", "n't", "cannot", "can't", "won't",
              "haven't", "hasn't", "didn't", "isn't", "aren't", "wasn't", "don't", "doesn't")

COMPLETE = alt(
    "xong", "xong xuoi", "hoan thanh", "hoan tat", "done", "finished", "completed", "complete",
    "ket thuc", "all done",
)
DELIVER = alt(
    "gui", "goi", "nop", "chuyen", "day", "day len", "tiep nhan", "duoc tiep nhan", "up",
    "upload", "dang", "dang tai", "tai len",
    "dua len", "cap nhat", "nhap", "ky", "ky so", "ban hanh", "phat hanh", "bao cao", "mail",
    "email", "forward", "vao so", "cho so", "to chuc", "dien ra", "scan", "dang_tai",
    "dong dau", "gui di", "chuyen di",
)
DELIVER_PAST_EN = alt(
    "sent", "submitted", "uploaded", "emailed", "forwarded", "signed", "registered",
    "published", "posted", "filed", "delivered", "handed in", "turned in",
)
WORK = alt(
    "lam", "thuc hien", "trien khai", "xu ly", "ra soat", "kiem tra", "tong hop", "hoan thien",
    "soan", "viet", "thong ke", "nhap lieu", "du thao", "tien hanh", "thu thap", "do dac",
    "xac minh", "tham dinh",
)
# Words the gap between "đã" and its verb may hold ("đã được văn thư phát hành").
# Words that end the reach of "đã" over the next verb: "đã xin … gửi" is not "đã gửi".
_STOP = alt("chua", "khong", "trinh", "xin", "giao", "cho", "doi", "nhan", "se", "sap", "dang",
            "de", "moi", "roi", "nhung", "ma", "nen", "dinh", "muon", "can", "phai", "not")
_GAP = alt("duoc", "em", "ben em", "minh", "toi", "van thu", "lanh dao", "sep", "chu tich",
           "hoan thien va", "tong hop va", "ky va", "ky so va", "kiem tra va", "ra soat va",
           "lam xong va", "xong va", "in va", "scan va", "tu sang", "tu hom qua", "kip")
FUTURE = alt(
    "se", "mai", "ngay mai", "sang mai", "chieu mai", "chieu", "chieu nay", "buoi_toi",
    "buoi_toi nay", "toi nay", "hom nay", "trong ngay", "tuan sau", "tuan nay", "tuan toi",
    "dau tuan", "cuoi tuan", "cuoi thang", "thang nay", "trong tuan",
    r"thu (?:hai|ba|tu|nam|sau|bay|\d)",
    "chu nhat", "cham nhat", "muon nhat", "tre nhat", r"truoc \d+", "du kien", "co gang",
    "phan dau", r"(?:tam |khoang )?\d+ (?:hom|ngay|tuan) (?:nua|nua_more)",
    "lat nua", "chut nua", "cuoi gio", "sau", "sap", "hen", "de em", "de minh",
    r"(?:^|(?<=vang ))nay(?= (?:em|minh|toi|ben em|chi|anh) )", "will", "tomorrow", "next week",
    "later", "tonight",
    r"by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|\w+day)",
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
)
MODAL = alt("se", "sap", "gan", "can", "phai", "muon", "hy vong", "mong", "de", "co gang",
            "phan dau", "du kien", "co the", "kip", "will", "hope", "going to")
CONDITION = alt("khi", "khi nao", "neu", "sau khi", "cho", "doi", "dang cho", "truoc khi",
                "bao gio", "mien la", "if", "when", "once", "after", "until")
THEN = alt("moi", "thi", "se", "la", "roi gui", "roi nop", "em gui", "em nop", "gui", "nop",
           r"(?:em )?bao (?:chi|anh|lai|ngay|luon)", "then", "and then")
HEDGE = alt(
    "chac", "chac la", "hinh nhu", "co le", "nghi la", "em nghi", "nho la", "em nho", "thi phai",
    "chua chac", "chac on", "i think", "i believe", "probably", "should be", "maybe", "perhaps",
    "i guess", "hopefully",
)
HEDGE_RX = re.compile(B + HEDGE + r"(?! chan)" + E)

# --- in progress ---------------------------------------------------------------------------
_NOT_WORK_AFTER_DANG = alt("cho", "doi", "vuong", "hop", "ban", "ban_ron", "di", "nghi", "o",
                           "tren", "uy", "nam", "nhap vien", "benh", "om", "sot", "lai",
                           "qua tai", "bi", "gap", "cong tac", "phep")
PROGRESS = rx(
    alt(
        r"(?<!da )dang (?!" + _NOT_WORK_AFTER_DANG + E + r")" + W,
        "van dang", "con dang", "tiep tuc", "lam do", "dang do", "dang lam",
        r"(?:sap|gan) (?:xong|hoan thanh|hoan tat|het|done)", "xong gan het", "gan het",
        r"moi (?:bat dau|trien khai|khoi dong|lam|duoc|xong|\d)",
        r"vua (?:moi )?(?:bat dau|trien khai|lam|khoi dong)", "bat dau", "khoi dong",
        r"(?:da )?giao cho(?:_to)?",
        "in progress", "working on", "ongoing", "on going", "still", "drafting", "almost",
        "nearly", "about to", r"halfway", "underway", "under way", "so far",
        "khan truong", "gap rut", "bo sung", r"(?:duoc )?(?:phan lon|mot phan|phan nhieu|mot so)",
        r"(?:yeu cau|de nghi) (?:sua|bo sung|chinh)",
        r"(?:sua|lam|hoan thien|chinh) lai", "chinh sua", "rework", "revise", "revising",
    )
)
REMAINING = rx(
    alt(
        r"con (?:lai|phan|\d+|mot|hai|ba|bon|nam|vai|may|it|chut|thieu|cho|dang|phai|chua|muc|"
        r"bang|bieu|phu luc|khu|to|phuong|don vi|tiep|sua|chinh sua|hoan thien|nhieu)",
        r"tru (?!khi)" + W, "except", "remaining", r"left to", "chi con", "cac khu khac",
        r"cac (?:phan|to|khu|phuong|don vi) (?:khac|con lai)",
    )
)
# The unit's own leadership: waiting for them is a step of the work, not a blocker.
_OWN_LEADER = alt("lanh dao", "sep", "chu tich", "pho chu tich", "truong phong", "pho phong",
                  "thu truong", "ubnd phuong", "lanh dao phuong", "van thu", "dang uy")
WAIT_OWN = rx(
    alt(
        r"(?:dang |con |chi con )?(?:cho|doi) (?:" + _OWN_LEADER + r" )?"
        r"(?:ky|duyet|phe duyet|ky so|ky nhay|y kien|vao so|cap so|cho so|dong dau|phat hanh)",
        r"(?:dang |da )?trinh(?: lanh dao| sep| chu tich)?(?: ky)?", "xin y kien", "lay y kien",
        "waiting for (?:the )?(?:chairman'?s? |leader'?s? |boss'?s? )?"
        r"(?:signature|approval|sign off)", "awaiting (?:signature|approval)",
        r"(?:dang )?(?:cho|doi) (?:hop|ket qua|phan hoi)",
        r"(?:cho|doi) (?:y kien )?(?:cua )?" + _OWN_LEADER,
    )
)
DRAFT_MENTION = rx(alt("du thao", "ban nhap", "ban thao", "draft", "bi tra lai", "tra ve"))
DRAFT = rx(alt("du thao", "ban nhap", "ban thao", "nhap", "draft", "noi dung"))
PARTIAL = rx(r"phan(?! (?:viec|cong viec|nhiem vu|duoc giao|cua|mem|hoi|cong|anh))(?: " + W + ")?")
WHOLE = rx(alt("het", "tat ca", "toan bo", "day du", "du", "ca", "all", "everything", "fully",
               "100", "xong xuoi"))
OWN_PART = rx(r"phan (?:cua )?(?:em|minh|toi)")

# --- blocked -------------------------------------------------------------------------------
_SYSTEM = alt(
    "he thong", "phan mem", "truc", "truc lien thong", "cong", "cong dich vu cong",
    "dich vu cong", "web", "website", "trang", "mang", "may", "may tinh", "may in", "server",
    "may chu", "token", "chu ky so", "tai khoan", "email", "mail", "dien", "internet", "wifi",
    "portal", "system", "network", "app", "ung dung", "usb", "qlvb", "quan ly van ban",
)
_FAILURE = alt(
    "loi_kt", "bi loi", "bao loi", "hong_hoc", "sap_do", "treo", "bi treo", "bi khoa", "khoa",
    "het han", "bao tri", "nang cap", "maintenance", "truc trac", "chap chon", "mat ket noi",
    "down", "crash", "crashing", "crashed",
    "error", "errors", "broken", "not working", "khong hoat dong", "bi chan", "khong on dinh",
)
_RESOURCE = alt(
    "so lieu", "du lieu", "huong dan", "kinh phi", "mau", "bieu mau", "mau bieu", "tai khoan",
    "chu ky so", "nguoi", "can bo", "nhan su", "van ban", "chi tieu", "thong tin", "phuong tien",
    "may", "thiet bi", "dia diem", "danh sach", "ngan sach", "data",
    "budget", "staff", "guidance", "template", "account", "figures", "information", "money",
    "quyet dinh", "cong van", "ho so", "giay to", "ban do",
)
_AGENT = alt(
    "ben(?! em| minh| toi| chung)", "phong", "so_nganh", "(?<!ky )so(?! roi| van ban| lieu| lieu)",
    "cuc", "chi cuc", "cong an", "ubnd", "quan", "huyen", "tinh", "cac to",
    "to dan pho", "khu pho", "cac khu", "truong", "cac truong", "don vi phoi hop", "ngan hang",
    "bao hiem", "bao hiem xa hoi", "thue", "dia chinh", "tai chinh", "cac phuong", "mat tran",
    "doan", "tram y te", "benh vien", "kho bac", "cap tren", "may to", "cac ban", "nguoi dan",
    "ho dan", "cac ho", "doanh nghiep", "cac don vi",
    "cac nganh", "ban chi huy", "police", "tax", "office", "department", "the wards",
    "the school", "the schools", "the bank", "province", "district",
)
_ABSENCE = alt(
    r"(?:lanh dao|sep|chu tich|pho chu tich|truong phong|can bo|ban|dong chi|thu truong) "
    r"(?:" + W + r" )?(?:di vang|vang|di cong tac|di hop|di hoc|di tap huan|nghi)",
    "di vang", "vang mat", "nghi om", "nghi phep", "nghi sinh", "nghi viec", "nghi thai san", "om",
               "di hoc", "di tap huan", "chuyen cong tac", "on leave", "sick")
BLOCKED = rx(
    alt(
        "vuong", "vuong mac", "kho khan", r"kho(?! bac)(?: qua| lam)?", "tro ngai", "ach tac",
        "truc trac", "gia han", "lui han", "doi han", r"xin (?:them|doi|lui|gian)"
        r"(?: (?:thoi gian|han|ngay|\d+ ngay|tuan|mot tuan|\d+ hom))?", "them thoi gian",
        r"(?:khong|so khong|e khong) kip", r"(?:khong|chua) the", "bi tre", "bi cham",
        "tre han", "cham tien do", "qua tai", r"(?:can|de nghi|xin) ho tro",
        r"(?<!con )thieu " + W, r"(?:chua|khong) (?:co|nhan duoc|duoc cap|duoc giao|duoc huong dan|"
        r"biet|ro) (?:" + _RESOURCE + r"|cach|mau|lam sao|nen|nguoi)",
        _RESOURCE + r" (?:chua|khong) (?:co|duoc cap|duoc giao|ve|du|ro|ro rang|thong nhat)",
        r"khong du " + W, r"(?:chua|khong) (?:co )?(?:ai|nguoi) " + W,
        r"khong (?:hop tac|phoi hop|dong y|chiu)", r"(?:nam vien|nhap vien|cap cuu)",
        _SYSTEM + r"(?: " + W + r"){0,2}? (?:khong|chua) (?!co |duoc )" + W,
        r"khong (?!biet)(?:" + W + r" ){1,3}?duoc(?! khong)",
        r"(?:chua|khong) (?:ai|co ai|co nguoi) (?:lam|phu trach|ky|duyet|xu ly|giup)",
        r"khong (?:" + W + r" ){0,2}kip", r"(?:sai|quen|mat) (?:mat khau|tai khoan|password)",
        "khong co nguoi", r"(?:chua|khong) (?:khop|trung khop|thong nhat|chinh xac)",
        r"(?:nhieu viec|qua nhieu viec|ngap viec|ban_ron qua|(?<!van )ban qua)",
        r"(?:nop|gui|bao cao) (?:muon|cham|tre)",
        r"xin phep(?: " + W + r"){0,5}? (?:muon|cham|lui|gia han|them|tre)",
        _SYSTEM + r"(?: " + W + r"){0,3}? bi " + W, r"bi (?:om|benh|sot|tai nan)",
        _SYSTEM + r"(?: " + W + r"){0,2}? (?:khong|chua) cho(?:_to)? " + W,
        r"(?:won't|doesn't|does not|will not) (?:let|allow)",
        r"(?:chua|khong) thong nhat",
        _SYSTEM + r"(?: " + W + r"){0,3}? " + _FAILURE, _FAILURE + r" " + _SYSTEM, "virus",
        "loi_kt", "sap_do", "hong_hoc", r"mat (?:mang|dien|ket noi|internet|song)",
        r"khong (?:dang nhap|dang_tai nhap|truy cap|vao|gui|nop|up|upload|tai len|day len|ky|mo|in)"
        r"(?: \S+){0,4}? duoc", r"(?:gui|up|upload|nop|day|ky) (?:" + W + r" ){0,2}?"
        r"(?:khong|chua) (?:di|duoc|len)",
        r"(?:cho|doi|dang cho|dang doi|waiting for|waiting on) (?:the )?(?:" + W + r" ){0,2}?(?:"
        + _AGENT + r"|" + _RESOURCE + r"|cung cap|tra loi cua|van ban cua|tren|"
        r"y kien cua(?! " + _OWN_LEADER + r"))" + E,
        _AGENT + r"(?: " + W + r"){0,3}? (?:chua|khong) (?:gui|nop|tra loi|cung cap|phan hoi|"
        r"co y kien|dong y|xac nhan|thong nhat|do dac|ban giao)",
        _ABSENCE, "mua bao", "bao lu", "lu lut", "dich benh",
        "blocked", "stuck", "issue", "issues", "problem", "problems", "extension", "delay",
        "delayed", r"need(?:s)? (?:more time|help|support)", r"(?:can't|cannot|unable to) \w+",
        r"won't make", "missing", r"no (?:data|budget|staff|guidance|template|account|money|one)",
        r"is down", r"keeps? crashing",
    )
)
NOT_BLOCKED = rx(
    alt(
        r"(?:khong|chua|het|khong con|khong co|chang co|no|without)(?: co)? (?:(?:vuong|kho khan|"
        r"van de|tro ngai|gi vuong|vuong mac|problems?|issues?)(?: gi)?(?: ,)?(?: va| hay)? ?)+",
        "da khac phuc", "het loi_kt",
        "khong sao", "no problem",
    )
)
# "chưa làm được vì X", "do X nên chưa …": the reason that stops the work.
BECAUSE = rx(alt("vi", "do", "boi vi", "tai vi", "tai", "because", "due to", "since", "as"))
CANNOT = rx(r"(?:chua|khong) (?:" + W + r" ){1,3}?duoc|(?:chua|khong) the|can't|cannot|unable")

# --- not started ---------------------------------------------------------------------------
NOT_STARTED = rx(
    alt(
        r"chua (?:lam|thuc hien|trien khai|bat dau|tien hanh|bat tay|khoi dong|co gi|lam gi)"
        r"(?! xong| het)",
        r"chua (?:dong|dung|dung den|dong den) (?:den|toi|vao)", r"chua (?:dong|dung)(?: \w+)?",
        r"chua co thoi gian(?: lam)?",
        "not started", "not yet started", "no progress", "nothing yet", "nothing done",
        r"(?:haven't|have not|hasn't|has not) (?:yet )?start\w*",
        "not begun",
    )
)
FUTURE_START = rx(
    r"(?:se|de|mai|tuan sau|thang sau|sau do|will|de mai)(?: " + W + r"){0,3}? "
    r"(?:lam|bat dau|trien khai|thuc hien|start)(?! (?:xong|roi))"
)
ONLY_NOT_YET = re.compile(
    r"^(?:(?:vang|em|ben em) )*(?:chua|not yet|no|nope)(?: " + PARTICLE + ")*$"
)

# --- done ----------------------------------------------------------------------------------
DA = r"da"  # đã, once "dạ" has become "vang"
_NOT_AFTER_DA = r"(?! (?:nhan|xem|doc|biet|ro|nam|trinh|xin|giao|cho|doi|chua|khong|bat dau))"
DELIVERED = rx(
    alt(
        DA + _NOT_AFTER_DA + r"(?: (?!" + _STOP + E + r")" + W + r"){0,5}? " + DELIVER,
        DELIVER + r"(?! (?:xong|di duoc))(?: (?!roi|khong|chua|xong)\S+){0,6}? roi"
        r"(?! (?:" + DELIVER + r"|moi|thi|se))",
        DELIVER + r" xong(?! (?:moi|thi|se|la|em|minh))",
        r"(?:has|have|was|were|had) (?:been |already )?" + DELIVER_PAST_EN, DELIVER_PAST_EN,
        r"da co so(?: van ban)?", r"(?:len|vao) truc", r"cho so roi", "vao so roi",
    )
)
COMPLETED = rx(COMPLETE)
WORK_DONE = rx(
    alt(
        DA + r"(?: " + _GAP + r"){0,2} " + WORK + r"(?: " + W + r"){0,2}? "
        r"(?:day du|het|xong|toan bo)",
        WORK + r" (?:day du|het roi|xong)", DA + " " + WORK,
        WORK + " roi(?! " + DELIVER + E + ")",
    )
)
WORK_FULL = rx(r"(?:day du|het roi|xong|toan bo|100 %)")
PAST = rx(alt("da", r"roi(?! (?:" + DELIVER + "|" + WORK + r")" + E + ")", "hom qua", "tuan truoc",
              "tu hom", "tu sang", "sang nay", "vua",
              "buoi_toi qua", "toi qua", "yesterday", "last week", "already", "this morning",
              "has been", "have been", "was", "da xong"))

# --- not a status --------------------------------------------------------------------------
QUESTION = rx(
    alt(
        r"\?", r"(?:cho|cho_to|ve|o|lay o|gui|nop|qua|tu) (?:ai|dau)", "ai phu trach",
        r"(?<!xong )(?<!roi )dau(?: (?:" + PARTICLE + "|" + PRONOUN + r"))*$",
        r"co(?: " + W + r"){1,8}? khong(?: (?:" + PARTICLE + "|" + PRONOUN + r"))*$", "khong hay",
        W + r" hay (?!qua|lam)" + W, r"\w+ nao(?! xong)",
        "the nao", "nhu the nao", "lam sao", "ra sao", r"bao gio(?! xong)", "bao lau",
        r"(?:co )?(?:can|phai|duoc)(?: " + W + r"){0,8}? khong(?: (?:" + PARTICLE + "|" + PRONOUN
        + r"))*$",
        r"duoc khong", "phai khong",
        r"hay (?:la )?" + W + r"(?: " + W + r"){0,3} (?:a|chi|anh|ha)$",
        r"ha (?:chi|anh|em)", "vay", r"gi (?:a|vay|chi|anh|the)", "nhung gi", r"la gi",
        r"^(?:how|what|when|where|who|which|why|do i|should i|can i|is it|are we)",
        r"^(?:vang |chi oi |anh oi )?(?:sao|tai sao|vi sao|lam sao)",
        r"(?:may|bao nhieu) (?:ban|bo|bieu|file|trang|muc|cai|lan|ngay)(?: " + PARTICLE + r")*$",
        r"(?:chi|anh|dong chi) (?:gui|cho|chuyen|nhac) (?:lai )?(?:em|minh|toi)",
    )
)
ACK_WORD = rx(
    alt(
        "ok", "u", "vang", "nhan", "nhan duoc", "cam on", "thanks", "thank you", "ro", "da ro",
        "ro roi", "biet", "biet roi", "nam", "nam roi", "xem", "doc", "noted", "received",
        "got it", "sure", "yes", "yeah", "alo", "chao", "xin chao", "hello", "hi", "hihi", "haha",
        "hehe", "chuc", "sticker", "thank", "tin nhan", "thong tin", "good", "great", "roger",
        "like",
        "nhan thong tin", "da nhan", "em nhan", "nhac", "reminder", "for the",
        "thong bao",
    )
)
SMALL_TALK = rx(alt("vui ve", "buoi sang", "ngay moi", "suc khoe", "cuoi tuan vui ve", "chuc",
                    "tot lanh", "nhieu", "a", "nha", "ca nha"))
# Words that carry nothing beyond the status: politeness, pronouns, framing of a report.
FILLER = frozenset(
    (
        "a ah ak vang roi nhe oi em anh chi toi minh ben chung ta da ok u nhieu do day ne nhi thoi "
        "luon ay ha hen voi nay the chu ma dong chi dang day du du thanks there moi lai chut "
        "nua_more cho_to kinh gui bao cao viec nhiem vu cong viec cua "
        "la duoc khoang dat tien do chung tam phan tram percent i i'm im we we're is the task now "
        "already yes about it it's its this that all so far don vi phuong van phong vp with "
        "of cho gi ca xong done ok het hien tai hien it has been have was and to"
    ).split()
)

# fmt: on


def vocabulary() -> frozenset[str]:
    """Every word the lexicon spells out: a doubled letter or a telex mark is undone only
    when that gives one of them (``typing.squeeze``)."""
    words: set[str] = set(FILLER)
    for value in list(globals().values()):
        text = value.pattern if isinstance(value, re.Pattern) else value
        if isinstance(text, str):
            words.update(re.findall(r"(?<![\\(?])\b[a-z]{2,}\b", text))
    return frozenset(words)
