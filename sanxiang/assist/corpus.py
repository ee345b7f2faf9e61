"""Law texts: parsing Markdown law files, Chinese article numbers, citation parsing.

Pure functions (no database): ``parse_law_file`` reads one file in the layout of
LawRefBook/Laws (``# 标题``, header lines up to ``<!-- INFO END -->``, ``## 第一章`` headings,
paragraphs starting ``第X条``; the 款/项 paragraphs that follow stay inside the article).
``parse_citations`` finds 《法名》第X条 references in free text (legal-basis cells, decisions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"[零〇一二两三四五六七八九十百千\d]+"

ARTICLE_START = re.compile(rf"^第({NUM})条(?:之([一二三四五六七八九十]+))?[\s　]*(.*)$", re.S)
DATE_IN_NAME = re.compile(r"[（(](\d{4})-(\d{2})-(\d{2})[）)]")
DATE_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def cn_to_int(text: str) -> int:
    """二十一 → 21, 一百零五 → 105, 46 → 46."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            raise ValueError(text)
    return total + current


def int_to_cn(n: int) -> str:
    """21 → 二十一, 105 → 一百零五, 10 → 十 (the numbering used in statutes)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = digits[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        return head + (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))
    return str(n)


def article_label(ordinal: int, suffix: str = "") -> str:
    return f"第{int_to_cn(ordinal)}条" + (f"之{suffix}" if suffix else "")


def normalize_article(text: str) -> str:
    """第46条 / 四十六条 / 第四十六条 → 第四十六条."""
    m = re.match(rf"第?({NUM})条(?:之([一二三四五六七八九十]+))?", text.strip())
    if not m:
        return text.strip()
    return article_label(cn_to_int(m.group(1)), m.group(2) or "")


def law_key(title: str) -> str:
    """The lookup key of a law title: 《》, year notes and 中华人民共和国 removed."""
    t = title.strip().strip("《》").strip()
    t = re.sub(r"[（(][^）)]*[）)]$", "", t)
    t = t.replace("<", "〈").replace(">", "〉").replace("《", "〈").replace("》", "〉")
    t = t.replace("中华人民共和国", "").replace("中华人民共和", "")
    if t.startswith("中国") and len(t) > 6:
        t = t[2:]
    return t.replace(" ", "").replace("　", "")


@dataclass
class ParsedArticle:
    ordinal: int
    number: str
    text: str
    chapter: str = ""


@dataclass
class ParsedLaw:
    title: str
    revision_date: date
    source: str
    articles: list[ParsedArticle] = field(default_factory=list)


def _fail(path_name, reason):
    raise DomainError(
        _("法律文本“%(name)s”格式不正确：%(reason)s。未导入任何内容。")
        % {"name": path_name, "reason": reason},
        ErrorCode.IMPORT_FAILED,
    )


def parse_law_text(text: str, name: str, source: str = "") -> ParsedLaw:
    """Parse one law file's text; ``name`` is the file name (it carries the revision date)."""
    lines = text.replace("\r\n", "\n").split("\n")
    title = ""
    for line in lines:
        if line.strip():
            if not line.startswith("# "):
                _fail(name, _("第一行应为“# 法律名称”"))
            title = line[2:].strip()
            break
    if not title:
        _fail(name, _("文件为空"))
    m = DATE_IN_NAME.search(name)
    if m:
        revision = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        head = text.split("<!-- INFO END -->")[0]
        found = DATE_IN_TEXT.findall(head)
        if not found:
            _fail(name, _("文件名或标题下方没有修订日期（例如“法名(2021-01-22).md”）"))
        y, mo, d = found[-1]
        revision = date(int(y), int(mo), int(d))
    body = text.split("<!-- INFO END -->", 1)[1] if "<!-- INFO END -->" in text else text
    articles: list[ParsedArticle] = []
    chapter = ""
    seen = set()
    for raw in body.split("\n"):
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("#"):
            chapter = line.lstrip("#").strip()
            continue
        am = ARTICLE_START.match(line)
        if am:
            try:
                ordinal = cn_to_int(am.group(1))
            except ValueError:
                _fail(name, _("条号“%(n)s”无法识别") % {"n": am.group(1)})
            number = article_label(ordinal, am.group(2) or "")
            if number in seen:
                _fail(name, _("%(n)s重复出现") % {"n": number})
            seen.add(number)
            articles.append(ParsedArticle(ordinal, number, am.group(3).strip(), chapter))
        elif articles:
            articles[-1].text += "\n" + line
    if not articles:
        _fail(name, _("没有找到任何“第X条”条文"))
    return ParsedLaw(title=title, revision_date=revision, source=source, articles=articles)


def parse_law_file(path: str | Path, source: str = "") -> ParsedLaw:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(path.name, _("不是 UTF-8 编码"))
    except OSError:
        raise DomainError(
            _("找不到法律文本文件“%(name)s”。") % {"name": str(path)}, ErrorCode.IMPORT_FAILED
        ) from None
    return parse_law_text(text, path.name, source=source)


def source_lines(folder: Path) -> dict[str, str]:
    """file name → its source line, from a SOURCE.md in the folder ("- name — source")."""
    out = {}
    src = folder / "SOURCE.md"
    if src.exists():
        for line in src.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^[-*]\s*(?:[\w/.-]*/)?(\S+\.md)\s*[—-]+\s*(.+)$", line.strip())
            if m:
                out[m.group(1)] = m.group(2).strip()
    return out


_TITLE = re.compile(r"《([^《》]+(?:〈[^〉]*〉[^《》]*)?)》")
_AFTER = re.compile(
    r"^(?:[（(][^）)]{0,20}[）)])?[\s　]*"  # （2018年修订）
)
_CHAIN = re.compile(
    rf"^[\s　]*(?:第)?({NUM})条(?:之([一二三四五六七八九十]+))?"
    rf"((?:[\s　]*(?:第{NUM}款|第[（(]?{NUM}[）)]?项|[、，,和及与或]|以及|或者))*)"
)


# A bare title (no 《》) counts only where a citation can start: at the beginning, after
# punctuation or a space, or after a word that introduces a citation — so 环境保护法第六条
# inside 海洋环境保护法第六条 is not taken for the 环境保护法.
_BARE_BEFORE = re.compile(
    r"(?:^|[\s　，,。；;：:、（(“\"》）)]|依据|根据|违反|依照|按照|参照|适用|即|及|和|与|或|并|了)$"
)


def parse_citations(text: str, default_law: str = "", known_titles=()) -> list[tuple[str, str]]:
    """[(law title without 《》, 第X条)] in order of appearance, without duplicates.

    Every 第X条 chained right after a 《title》 belongs to it (第三十一条第一款、第二款,
    第二十一条四十六条, 第46条). With ``default_law``, a leading 第X条 without a title is
    that law's. ``known_titles`` (the corpus's law titles) are recognised without 《》 too,
    with or without the 中华人民共和国 prefix (依据中华人民共和国行政处罚法第二十八条,
    行政处罚法第二十八条第一款); such a citation is returned under the known title.
    """
    found: list[tuple[int, str, str]] = []  # (position, law, number)
    text = text or ""

    def chain(law, pos, start):
        rest = text[pos:]
        m = _AFTER.match(rest)
        rest = rest[m.end() :] if m else rest
        while True:
            cm = _CHAIN.match(rest)
            if not cm:
                break
            try:
                number = article_label(cn_to_int(cm.group(1)), cm.group(2) or "")
            except ValueError:
                break
            found.append((start, law, number))
            rest = rest[cm.end() :]

    if default_law:
        first = _TITLE.search(text)
        lead = text[: first.start()] if first else text
        if re.match(rf"^[\s　]*第{NUM}条", lead):
            chain(default_law.strip("《》"), 0, -1)
    quoted = []
    for m in _TITLE.finditer(text):
        quoted.append((m.start(), m.end()))
        chain(m.group(1).strip(), m.end(), m.start())
    bare = _bare_pattern(known_titles)
    if bare is not None:
        titles = bare_titles(known_titles)
        for m in bare.finditer(text):
            if any(s <= m.start() < e for s, e in quoted):
                continue
            if not _BARE_BEFORE.search(text[max(0, m.start() - 2) : m.start()]):
                continue
            chain(titles[law_key(m.group("law"))], m.end(), m.start())
    out: list[tuple[str, str]] = []
    for _pos, law, number in sorted(found, key=lambda f: f[0]):
        if (law, number) not in out:
            out.append((law, number))
    return out


def bare_titles(known_titles) -> dict[str, str]:
    """law key → the title to report, for the known titles."""
    return {law_key(t): t.strip("《》") for t in known_titles}


_bare_cache: dict = {}


def _bare_pattern(known_titles):
    """A regex of the known titles' keys (longest first), 中华人民共和国 optional, followed by
    an optional （…修订） and 第X条."""
    keys = tuple(sorted({law_key(t) for t in known_titles if law_key(t)}, key=len, reverse=True))
    if not keys:
        return None
    pattern = _bare_cache.get(keys)
    if pattern is None:
        alternatives = "|".join(re.escape(k) for k in keys)
        pattern = re.compile(
            rf"(?P<law>(?:中华人民共和国)?(?:{alternatives}))"
            rf"(?=(?:[（(][^）)]{{0,20}}[）)])?[\s　]*第{NUM}条)"
        )
        if len(_bare_cache) > 16:
            _bare_cache.clear()
        _bare_cache[keys] = pattern
    return pattern
