"""Natural persons' names in free text (issue #11 item 14).

A decision text names people who are not parties — 证人, 见证人, 被询问人, 陪同人员, 当事人家属,
the party's staff, customers. Their names are personal information (《个人信息保护法》第四条,
《政府信息公开条例》第十五条) and are masked like a natural-person party's (孙志强 → 孙某某).

Two sources of candidates, both checked against a surname list:

1. **context rules** — a name right after a role word (证人孙志强, 被询问人：王秀英,
   陪同人员李建国、赵丽), including the names listed after it with 、/和/与/及;
2. **the segmenter** — jieba's part-of-speech tagging (``nr``, ``nrfg``, ``nrt``), which finds
   names with no role word before them; a two-character tag must not be a common word of
   jieba's dictionary (it tags 陈述, 越权, 文明 as ``nr``), and a candidate glued to an
   organisation suffix (逢春制药, 张小泉剪刀店) is a shop or company name, not a person.

Names that stay public (docs/publicity.md §Redaction): the 法定代表人 / 负责人 of a legal
person (a 双公示 field) and the 执法人员 / 承办人 (officers act in public office; their names
and certificate numbers are on the portal). ``find_names`` returns the private names only.
"""

from __future__ import annotations

import re
import threading

# Single-character surnames: the ~300 most frequent (公安部 2020 surname statistics cover
# > 99 % of the population with these), plus compound surnames.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "宇文",
    "长孙",
    "司徒",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "万俟",
    "呼延",
    "澹台",
    "轩辕",
}

# Role words before a private person's name (longest first in the regex).
PRIVATE_ROLES = (
    "证人",
    "见证人",
    "被询问人",
    "询问对象",
    "被调查人",
    "被检查人",
    "陪同人员",
    "陪同人",
    "在场人员",
    "在场人",
    "当事人家属",
    "家属",
    "亲属",
    "其妻",
    "其夫",
    "妻子",
    "丈夫",
    "其子",
    "其女",
    "儿子",
    "女儿",
    "父亲",
    "母亲",
    "其父",
    "其母",
    "工作人员",
    "员工",
    "职工",
    "店员",
    "营业员",
    "收银员",
    "雇员",
    "厨师",
    "驾驶员",
    "司机",
    "顾客",
    "消费者",
    "举报人",
    "投诉人",
    "委托代理人",
    "代理人",
    "受托人",
    "借款人",
    "客户",
    "联系人",
    "经办人",
    "现场负责人",
    "店长",
    "业主",
    "房东",
    "租户",
    "患者",
    "学员",
    "村民",
    "居民",
    "翻译人员",
    "经询问",
    "询问",
)
# Role words before a public name: the legal representative / person in charge of a legal
# person (双公示 field) and the officers.
PUBLIC_ROLES = ("法定代表人", "主要负责人", "负责人", "执法人员", "承办人", "执法人", "办案人员")

_ROLE_RE = re.compile(
    "(" + "|".join(sorted(PRIVATE_ROLES + PUBLIC_ROLES, key=len, reverse=True)) + ")"
    r"(?:（[^）]{0,12}）)?[：:\s]?(?:为|是|系|即)?"
)
# Characters that cannot be the 2nd/3rd character of a given name here (they start the next
# word: 证实/称/在场/签字/于/系 …) — used to decide between 2- and 3-character names.
_NOT_GIVEN = set(
    "证称陈在签于系的等和与及是到作出向对说表承供确均亦也同已将未因从把被由经给为之其"
    "、，。；：:;,（）()“”\"'《》 \t\r\n0123456789某"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ORG_SUFFIX = re.compile(
    r"^[\u4e00-\u9fff]{0,4}?(?:有限|股份|公司|集团|制药|药业|药房|药店|商行|商店|超市|门市|"
    r"店|厂|酒家|饭店|餐厅|酒楼|宾馆|诊所|医院|银行|支行|分行|合作社|工作室|中心|经营部|"
    r"批发部|加工|食品|贸易|实业|科技|农场|养殖场|牧场)"
)
# Two-character tokens jieba tags ``nr`` that are ordinary words in decision texts.
_COMMON = {
    "陈述",
    "越权",
    "文明",
    "高明",
    "黎明",
    "万元",
    "于是",
    "向前",
    "程序",
    "金额",
    "余额",
    "全额",
    "高级",
    "严重",
    "林业",
    "石油",
    "华北",
    "江苏",
    "宁夏",
    "安全",
    "明显",
    "管理",
    "常规",
    "周到",
    "应当",
    "平安",
    "方便",
    "和平",
    "华夏",
}
_NAME_TAGS = ("nr", "nrfg", "nrt")
_PLACE = set("省市区县旗镇乡村路街巷弄道")

_lock = threading.Lock()
_posseg = None


def _pseg():
    global _posseg
    if _posseg is None:
        with _lock:
            if _posseg is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(60)
                _posseg = jieba.posseg
    return _posseg


def surname_of(name: str) -> str:
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1] if name[:1] in SURNAMES else ""


def plausible(name: str) -> bool:
    """A 2–4 character CJK string that starts with a surname and is not already masked."""
    if not (2 <= len(name) <= 4) or "某" in name or not all(_CJK.match(c) for c in name):
        return False
    surname = surname_of(name)
    if not surname:
        return False
    given = name[len(surname) :]
    return 1 <= len(given) <= 2


def _org_follows(text: str, end: int) -> bool:
    return bool(_ORG_SUFFIX.match(text[end : end + 8]))


def _name_at(text: str, start: int) -> str:
    """The name starting at ``start`` after a role word, or ''."""
    surname = surname_of(text[start : start + 2])
    if not surname:
        return ""
    pos = start + len(surname)
    given = ""
    for ch in text[pos : pos + 2]:
        if ch in _NOT_GIVEN or not _CJK.match(ch):
            break
        given += ch
    if not given:
        return ""
    name = text[start : pos + len(given)]
    if len(given) == 2 and _third_char_starts_word(text, pos + 1):
        name = name[:-1]
    return name if plausible(name) else ""


def _third_char_starts_word(text: str, index: int) -> bool:
    """True when the character at ``index`` begins a common word (李娜出示 → 李娜)."""
    import jieba

    _pseg()
    freq = jieba.dt.FREQ
    for size in (2, 3):
        word = text[index : index + size]
        if len(word) == size and freq.get(word, 0) >= 500 and word not in _COMMON:
            return True
    return False


def _context_names(text: str) -> tuple[set[str], set[str]]:
    private, public = set(), set()
    for m in _ROLE_RE.finditer(text):
        target = public if m.group(1) in PUBLIC_ROLES else private
        pos = m.end()
        while True:
            name = _name_at(text, pos)
            if not name or _org_follows(text, pos + len(name)):
                break
            target.add(name)
            pos += len(name)
            sep = re.match(r"(?:、|和|与|及|，)", text[pos : pos + 1])
            if not sep:
                break
            pos += 1
    return private, public


def _tagged_names(text: str) -> set[str]:
    """Names from jieba's part-of-speech tags, joined with a split-off surname."""
    pseg = _pseg()
    found = set()
    tokens = [(t.word, t.flag) for t in pseg.cut(text)]
    offset = 0
    spans = []
    for word, flag in tokens:
        spans.append((offset, word, flag))
        offset += len(word)
    freq = __import__("jieba").dt.FREQ
    for i, (start, word, flag) in enumerate(spans):
        if not flag.startswith(_NAME_TAGS):
            continue
        candidate, cstart = word, start
        # "王" + "秀英"(nr) / "欧阳" + "娜娜"(nrt): a surname token split off before
        if not surname_of(word) or len(word) == 2 and freq.get(word, 0) >= 50:
            if i > 0 and spans[i - 1][1] in SURNAMES | COMPOUND_SURNAMES and len(word) <= 2:
                candidate, cstart = spans[i - 1][1] + word, spans[i - 1][0]
        if not plausible(candidate) or candidate in _COMMON:
            continue
        if freq.get(candidate, 0) >= 50 or freq.get(candidate[:2], 0) >= 300:
            continue  # an ordinary word (许可证, 顾问费) that jieba's dictionary tags nr
        end = cstart + len(candidate)
        if candidate[-1] in _PLACE or text[end : end + 1] in _PLACE or _org_follows(text, end):
            continue  # 柯城区, 金田小区: a place; 逢春制药: a company
        found.add(candidate)
    return found


# A name right before one of these is the speaker / subject: 据邓洋娟陈述, 金平涛的询问笔录.
_SPEECH_RE = re.compile(
    r"陈述|称|证实|介绍|反映|交代|供述|承认|证言|作证|的询问笔录|的证言|的陈述|系(?![统列])|两人|等人"
)
_BOUNDARY = set("，。；、：:（( 据有问和与及\n")


def _speaker_names(text: str) -> set[str]:
    found = set()
    for m in _SPEECH_RE.finditer(text):
        end = m.start()
        for size in (3, 2, 4):
            name = text[end - size : end]
            start = end - size
            if start < 0 or not plausible(name) or _common_word(name, prefix=False):
                continue
            if start == 0 or text[start - 1] in _BOUNDARY:
                found.add(name)
                break
    return found


def _common_word(name: str, prefix: bool = True) -> bool:
    import jieba

    _pseg()
    freq = jieba.dt.FREQ
    if name in _COMMON or freq.get(name, 0) >= 50:
        return True
    return prefix and freq.get(name[:2], 0) >= 300


def _listed_before(text: str, names: set[str]) -> set[str]:
    """Names listed before a known one: 上官娜俊、曾某某 / 毛平然和贺建国."""
    found = set()
    for name in names:
        for m in re.finditer(re.escape(name), text):
            head = text[max(0, m.start() - 6) : m.start()]
            if not head or head[-1] not in "、和与及":
                continue
            head = head[:-1]
            for size in (4, 3, 2):
                cand = head[-size:]
                before = head[-size - 1 : -size] if len(head) > size else ""
                if (
                    len(cand) == size
                    and plausible(cand)
                    and not _common_word(cand)
                    and (not before or not _CJK.match(before) or before in "据、人员")
                ):
                    found.add(cand)
                    break
    return found


def find_names(text: str, public: set | frozenset = frozenset()) -> set[str]:
    """Private natural persons' names in ``text``.

    A name after a private role word is private unless the caller lists it as public (the
    registered legal representative); a name only the segmenter found is private unless it
    is public by the caller or by context (法定代表人陈大勇, 执法人员张伟).
    """
    if not text or not _CJK.search(text):
        return set()
    private, public_ctx = _context_names(text)
    weak = _speaker_names(text) | _tagged_names(text)
    weak |= _listed_before(text, private | weak)
    keep = set(public)
    shown = keep | public_ctx
    return {n for n in private if n not in keep} | {
        n for n in weak if n not in private and not any(n in p for p in shown)
    }
