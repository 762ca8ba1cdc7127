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
    "don vi", "van phong", "vp", "i", "we", "they", "it", "o_aunt", "eng", "bon em", "tui em",
)
PARTICLE = alt(
    "a", "ah", "ak", "day_ptc", "vang", "roi", "nhe", "nha", "oi", "nhieu", "do", "day", "ne",
    "nhi", "thoi",
    "luon", "ay", "u", "ha", "hen", "voi", "nay", "the", "chu", "ma", "dong chi", "dc", "nghe",
    "o_aunt", "eng",
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
    "email", "forward", "vao so(?! tay)", "cho so", "to chuc", "dien ra", "scan", "dang_tai",
    "dong dau_seal", "gui di", "chuyen di", "submit", "send", "post", "tra loi", "dong bo",
    "niem yet",
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
_STOP = alt("chua", "khong", r"trinh(?! (?:\w+ )?ky (?:xong )?va)", "xin", "giao", "cho", "doi",
            "nhan", "se", "sap", "dang",
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
    r"\d+ / \d+(?= (?:em|minh|toi|se|ben em) )",
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
# A system that shows the file as pending ("cổng DVC vẫn báo đang chờ xử lý"): a doubt about a
# send, not work of the unit going on.
_SHOWN_PENDING = (r"(?:bao|hien|trang thai(?: la)?|status) (?:van )?(?:dang |la )?"
                  r"(?:cho|doi|pending)(?: (?:xu ly|tiep nhan|duyet))?")
HEDGE = alt(
    "chac", "chac la", "hinh nhu", "co le", "nghi la", "em nghi", "nho la", "em nho", "thi phai",
    "tuong", "khong chac", r"(?:de |dang |em )(?:kiem tra|xem|check) lai",
    _SHOWN_PENDING,
    "chua chac", "chac on", "i think", "i believe", "probably", "should be", "maybe", "perhaps",
    "i guess", "hopefully",
)
HEDGE_RX = re.compile(B + HEDGE + r"(?! chan)" + E)
SHOWN_PENDING = rx(_SHOWN_PENDING)

# --- in progress ---------------------------------------------------------------------------
_NOT_WORK_AFTER_DANG = alt("cho", "doi", "vuong", "hop", "ban", "ban_ron", "nghi", "o",
                           "tren", "uy", "nam", "nhap vien", "benh", "om", "sot", "lai",
                           "qua tai", "bi", "gap", "cong tac", "phep", "kiem tra lai", "xem lai",
                           "check", "cho_carry", "o_aunt", "tiep dan",
                           r"di(?! (?:" + WORK + r"|do dac|thuc dia|kiem tra|khao sat|van dong|"
                           r"thu|phat|dieu tra))")
PROGRESS = rx(
    alt(
        r"(?<!da )dang (?!" + _NOT_WORK_AFTER_DANG + E + r")" + W,
        "van dang", "con dang", "tiep tuc", "lam do", "dang do", "dang lam",
        r"(?:sap|gan) (?:xong|hoan thanh|hoan tat|het|done)", "xong gan het", "gan het",
        r"moi (?:bat dau|trien khai|khoi dong|lam|duoc|xong|\d)",
        r"vua (?:moi )?(?:bat dau|trien khai|lam|khoi dong)", "bat dau", "khoi dong",
        r"(?:da )?giao cho(?:_to)?",
        "pending", "waiting", "in progress", "working on",
        r"(?:dang|con|van|phai|chi con) (?:cho|doi)(?! (?:em|minh|toi))",
        r"(?:lam|nhap|ra soat|xong) (?:toi|den) (?:tieu chi|muc|phan|bieu|thon|buoc|noi dung|"
        r"trang|ho|xa|phuong|to)", "ongoing", "on going", "still", "drafting", "almost",
        "nearly", "about to", r"halfway", "underway", "under way", "so far",
        "sap roi", "gan roi", r"(?:doi|cho) em(?: (?:chut|ti|xiu|them))", "lam tiep", "lam not",
        "khan truong", "gap rut", "bo sung", r"(?:duoc )?(?:phan lon|mot phan|phan nhieu|mot so)",
        r"(?:yeu cau|de nghi) (?:sua|bo sung|chinh)",
        r"(?<!da )(?<!ban )(?:sua|lam|hoan thien|chinh) lai", r"(?<!da )(?<!ban )chinh sua",
        "rework", "revise", "revising",
    )
)
REMAINING = rx(
    alt(
        r"con (?:lai|phan|\d+|mot|hai|ba|bon|nam|vai|may|it|chut|thieu|cho|dang|phai|chua|muc|"
        r"bang|bieu|phu luc|khu|to|phuong|don vi|tiep|sua|chinh sua|hoan thien|nhieu|tieu chi|"
        r"thon|ho|khoi|buoc|noi dung|hang muc|chi tieu|file|ban|bo|cong trinh|truong|lop|xa|ap|"
        r"xom|thieu)",
        r"tru (?!khi)" + W, "except", "remaining", r"left to", "chi con", "cac khu khac",
        r"cac (?:phan|to|khu|phuong|don vi) (?:khac|con lai)",
    )
)
# The unit's own leadership: waiting for them is a step of the work, not a blocker.
_OWN_LEADER = alt("lanh dao", "sep", "chu tich", "pho chu tich", "truong phong", "pho phong",
                  "thu truong", "ubnd phuong", "lanh dao phuong", "van thu", "dang uy",
                  "van phong(?! dang)", "ke toan", "bi thu", "bo phan", "thu quy")
WAIT_OWN = rx(
    alt(
        r"(?:dang |con |chi con )?(?:cho|doi) (?:(?:anh|chi|ong|ba|dong chi) )?"
        r"(?:" + _OWN_LEADER + r" )?(?:" + W + r" )?(?:ve )?"
        r"(?:ky|duyet|phe duyet|ky so|ky nhay|y kien|vao so|cap so|cho so|dong dau_seal|phat hanh)",
        r"(?:dang |da )?(?<!to )(?<!cong )(?<!chuong )(?<!qua )trinh"
        r"(?: lanh dao| sep| chu tich)?(?: ky(?: so)?)?",
        r"(?:(?<=^)|(?<=dang )|(?<=con )|(?<=em )|(?<=minh )|(?<=van ))(?:xin|lay) y kien",
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
    "link", "duong link", "duong truyen", "vneid", "tabmis", "ioffice", "file",
)
_FAILURE = alt(
    "loi_kt", "bi loi", "bao loi", "hong_hoc", "sap_do", "treo", "bi treo", "bi khoa", "khoa",
    "het han", "bao tri", "nang cap", "maintenance", "truc trac", "chap chon", "mat ket noi",
    "down", "crash", "crashing", "crashed",
    "error", "errors", "broken", "not working", "khong hoat dong", "bi chan", "khong on dinh",
    "mat", "die", "chet", "dung_hang", "bi tra ve", "tra ve", "khong vao duoc",
)
_RESOURCE = alt(
    "so lieu", "du lieu", "huong dan", "kinh phi", "mau", "bieu mau", "mau bieu", "tai khoan",
    "chu ky so", "nguoi", "can bo", "nhan su", "van ban", "chi tieu", "thong tin", "phuong tien",
    "may", "thiet bi", "dia diem", "danh sach", "ngan sach", "data",
    "budget", "staff", "guidance", "template", "account", "figures", "information", "money",
    "quyet dinh", "cong van", "ho so", "giay to", "ban do", "quyen", "quyen truy cap",
    "mat bang",
)
_AGENT = alt(
    "ben(?! em| minh| toi| chung)", "(?<!van )phong", "so_nganh",
    "(?<!ky )so(?! roi| van ban| lieu| lieu)",
    "cuc", "chi cuc", "cong an", "ubnd", "quan", "huyen", "tinh", "cac to",
    "to dan pho", "khu pho", "cac khu", "truong", "cac truong", "don vi phoi hop", "ngan hang",
    "bao hiem", "bao hiem xa hoi", "thue", "dia chinh", "tai chinh", "cac phuong", "mat tran",
    "doan", "tram y te", "benh vien", "kho bac", "cap tren", "may to", "cac ban", "nguoi dan",
    "ho dan", "cac ho", "doanh nghiep", "cac don vi",
    "cac nganh", "ban chi huy", r"thon(?: \d+)?", "xom", "cac thon", "cac xa", "trung tam",
    "kho bac", "vpdk", "chi nhanh", "chu dau tu", "nha thau", "don vi thi cong",
    "hoi dong tham dinh",
    "van phong dang ky", "van phong dang_reg ky", "police", "tax", "office", "department",
    "the wards",
    "the school", "the schools", "the bank", "province", "district",
)
_ABSENCE = alt(
    r"(?:lanh dao|sep|chu tich|pho chu tich|truong phong|can bo|(?<!van )ban|dong chi|thu truong) "
    r"(?:" + W + r" )?(?:di vang|vang|di cong tac|di hop|di hoc|di tap huan|(?<!de )nghi)"
    r"(?!(?: " + W + r"){0,4} (?:chieu|mai|sang|toi|buoi_toi|lat|chut|tuan sau)(?: nay)?"
    r" (?:moi )?ve)",
    "di vang", "vang mat", "nghi om", "nghi phep", "nghi sinh", "nghi viec", "nghi thai san", "om",
               "di hoc", "di tap huan", "chuyen cong tac", "on leave", "sick")
BLOCKED = rx(
    alt(
        "vuong", "vuong mac", "kho khan", r"kho(?! bac)(?: qua| lam)?", "tro ngai", "ach tac",
        "truc trac", "gia han", "lui han", "doi han", r"xin (?:them|doi|lui|gian)"
        r"(?: (?:thoi gian|han|ngay|\d+ ngay|tuan|mot tuan|\d+ hom))?", "them thoi gian",
        r"(?:khong|so khong|e khong) kip", r"(?:khong|chua) the", "bi tre", "bi cham",
        "tre han", "cham tien do", r"cham (?:giai ngan|thi cong|trien khai)",
        r"cham (?:" + W + r" ){0,2}do", "qua tai",
        r"(?<!ho so )(?<!don )(?:can|de nghi|xin) ho tro", r"(?<!con )thieu " + W,
        r"(?:chua|khong) (?:co|nhan duoc|duoc cap|duoc giao|duoc huong dan|ban giao|"
        r"biet|ro) (?:" + _RESOURCE + r"|cach|mau|lam sao|nen|nguoi)",
        _RESOURCE + r"(?: " + W + r"){0,2}? (?:chua|khong) (?:co|duoc cap|duoc giao|ve|du|ro|"
        r"ro rang|thong nhat|ban hanh|gui|cap|phat hanh|huong dan|cung cap)",
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
        r"(?:cho|doi|dang cho|dang doi|waiting for|waiting on) (?:the )?"
        r"(?!(?:anh |chi )?(?:" + _OWN_LEADER + r"))(?:" + W + r" ){0,2}?(?:"
        + _AGENT + r"|" + _RESOURCE + r"|cung cap|tra loi cua|van ban cua|tren|"
        r"y kien cua(?! " + _OWN_LEADER + r"))" + E
        + r"(?! (?:chot|thang|ngay|quy|cuoi|tuan|nam)" + E + ")",
        _AGENT + r"(?: " + W + r"){0,4}? (?:chua|khong) (?:gui|nop|tra loi|cung cap|phan hoi|"
        r"co y kien|dong y|xac nhan|thong nhat|do dac|ban giao|doi chieu|doi_vs chieu|duyet|"
        r"phe duyet|tham dinh|ky|ban hanh|tra|chuyen|hoan thien|nghiem thu|thanh toan|ky nhan)",
        _ABSENCE,
        "bi_stuck", "ket_stuck", r"(?:can|xin) them (?:\d+|mot|hai|ba|vai) (?:ngay|hom|tuan)",
        "can them thoi gian", r"(?:sai )?lech", "khong khop",
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
        "da khac phuc", "het loi_kt", r"(?:neu |co )(?:gi|chi) (?:vuong|kho khan)",
        "khong sao", "no problem",
    )
)
# Weather and disasters: a blocker when the work cannot go on ("mưa lũ ngập đường, không đi
# thực địa được"), not when they are the report's subject ("báo cáo thiệt hại lũ lụt đã gửi").
HAZARD = rx(alt("mua bao", "bao lu", "lu lut", "lu", "ngap", "ngap lut", "nuoc len", "nuoc lu",
                "bao_storm", "sat lo", "troi mua", "mua to", "mua lon", "mua suot", "dich benh",
                "dich", "chong lu", "di doi"))
# Not sure a send arrived ("không biết tới chưa"), and a send that failed ("gửi không được").
UNSURE = rx(alt("khong biet", "chua biet", "khong chac", "chua chac", "chua thay", "khong ro",
                "not sure"))
FAILED_SEND = rx(alt("gui", "nop", "up", "upload", "day", "tra ve", "bi tra", "khong di",
                     r"khong (?:" + W + r" ){0,3}duoc", "can't", "cannot"))
# "chưa làm được vì X", "do X nên chưa …": the reason that stops the work.
BECAUSE = rx(alt("vi", "do", "boi vi", "tai vi", "tai", "because", "due to", "since", "as"))
CANNOT = rx(r"(?:chua|khong) (?:" + W + r" ){1,3}?duoc|(?:chua|khong) the|can't|cannot|unable")

# --- not started ---------------------------------------------------------------------------
NOT_STARTED = rx(
    alt(
        r"chua (?:lam|thuc hien|trien khai|bat dau|tien hanh|bat tay|khoi dong|co gi|lam gi)"
        r"(?! xong| het)",
        r"chua (?:dong|dung|dung den|dong den) (?:den|toi|vao)", r"chua (?:dong|dung)(?: \w+)?",
        r"chua co thoi gian(?: lam)?", r"khong (?:co )?lam (?:gi|het|ca)",
        r"(?:den|toi|sau|tuan sau|thang sau|mai|ngay mai|dot \d+|ky sau|nam sau)(?: " + W
        + r"){0,3} moi (?:bat dau|trien khai|lam|thuc hien|bat tay)",
        "not started", "not yet started", "no progress", "nothing yet", "nothing done",
        r"(?:haven't|have not|hasn't|has not) (?:yet )?start\w*",
        "not begun",
    )
)
FUTURE_START = rx(
    r"(?:" + FUTURE + r"|sau do|thang sau|ngay|luon|bay gio|chuan bi)(?: " + W + r"){0,3}? "
    r"(?:lam|bat dau|bat tay|trien khai|thuc hien|start)(?! (?:xong|roi|duoc|tiep|not))"
)
ONLY_NOT_YET = re.compile(
    r"^(?:(?:vang|em|ben em) )*(?:chua|not yet|no|nope)(?: (?:" + PARTICLE + "|" + PRONOUN
    + "|dau))*$"
)

# --- done ----------------------------------------------------------------------------------
DA = r"da"  # đã, once "dạ" has become "vang"
_NOT_AFTER_DA = r"(?! (?:nhan|xem|doc|biet|ro|nam|trinh|xin|giao|cho|doi|chua|khong|bat dau))"
DELIVERED = rx(
    alt(
        DA + _NOT_AFTER_DA + r"(?: (?!" + _STOP + E + r")" + W + r"){0,7}? " + DELIVER,
        DELIVER + r"(?! (?:xong|di duoc))(?: (?!roi|khong|chua|xong)\S+){0,18}? roi"
        r"(?! (?:" + DELIVER + r"|moi|se)" + E + r"| thi(?! phai))",
        DELIVER + r" xong(?! (?:moi|thi|se|la|em|minh))",
        r"(?:has|have|was|were|had) (?:been |already )?" + DELIVER_PAST_EN, DELIVER_PAST_EN,
        DELIVER + r"(?: (?!chua|khong|se|sap)" + W + r"){0,8}? (?:hoi sang|hoi chieu|hom qua|"
        r"chieu qua|sang qua|toi qua|buoi_toi qua|tuan truoc|hom truoc|thang truoc|tu hom qua|"
        r"tu sang|tu chieu|tu tuan truoc)",
        r"da co so(?: van ban)?", r"(?:len|vao) truc", r"cho so roi", "vao so roi",
    )
)
# The reminder itself passed on ("đã chuyển tin nhắn của chị cho anh Hải"): not the report.
MESSAGE_PASSED = rx(DELIVER + r"(?: lai)? (?:tin nhan|thong bao|loi nhan|loi nhac|nhac nho)")
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
PAST = rx(alt("da", r"tu (?:chieu|sang|trua|hom|tuan|thang|buoi_toi|toi|dau|\d)",
              r"roi(?! (?:" + DELIVER + "|" + WORK + r")" + E + ")", "hom qua", "tuan truoc",
              "tu hom", "tu sang", "sang nay", "vua",
              "buoi_toi qua", "toi qua", "yesterday", "last week", "already", "this morning",
              "has been", "have been", "was", "da xong"))

# fmt: on
