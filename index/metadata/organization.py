"""Find the union body an article speaks for: its name, level, unit and where it sits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.metadata.gazetteer import Place, get_gazetteer
from index.metadata.region import Mention, find_places

NATIONAL_BODY = "中华全国总工会"
_NATIONAL = re.compile(r"中华全国总工会|全国总工会|(?<![安健完齐])全总(?![结体])|中国工会(?!法)"
                       r"|中国(?!特色)[\u4e00-\u9fff]{2,8}?(?:总工会|工会)")
_UNION = re.compile(r"总工会|工会")
_AWARDER_AFTER = re.compile(r"成立|公布|授予|表彰的|命名|颁发|评选|发布的|印发|主办的")
# Words that close the name of an institution whose union speaks (讷河市财政局 → 局).
_INSTITUTION = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:委员会|局|厅|办公室|学校|学院|大学|中学|小学|医院|研究院|研究所"
    r"|中心|银行|集团有限公司|股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|厂|油田)")
_ENTERPRISE = re.compile(r"(集团|公司|厂|油田|银行|矿|工程局|[一二三四五六七八九十]+局)$")
# Sector unions named after a place: 昌吉州教育工会, 甘肃省金融工会, XX市直属机关工会.
_SECTOR = re.compile(
    r"^(?:直属)?(?:教育|卫生|卫健|医务|金融|财贸|机关|系统|行业|产业|建设|交通|交通运输|邮电|邮政"
    r"|农林|农业|林业|水利|气象|科技|文化|体育|教科文卫|能源|电力|铁路|民航|海员|商业|供销|税务"
    r"|公安|检察|法院|烟草|轻纺|机械|冶金|建材|石油|煤炭|国防|社区|街道|乡镇|园区|开发区|高新区"
    r"|新区|非公|工业园区|新就业形态|[\u4e00-\u9fff]{0,4}行业)$")
_STOP = set("的了着在以将把为对与和及是等")
# Leading noise before a title's subject: numbering ("24："), dates, "关于".
_LEAD = re.compile(r"^(?:[\d一二三四五六七八九十]+[：:、.．]\s*)?(?:(?:19|20)\d\d年(?:度)?)?(?:关于)?")
_CONGRESS_AFTER = re.compile(r"第?[一二三四五六七八九十]+(?:次|大)")
# How a text names its own body without a place name, most local level first.
_RELATIVE = (("district", ("我区工会", "我县工会", "全县工会", "区总工会", "县总工会", "县工会")),
             ("city", ("我市工会", "全市工会", "市总工会", "市工会", "我州工会", "州总工会", "州工会")),
             ("province", ("我省工会", "全省工会", "省总工会", "省工会")))


@dataclass(frozen=True)
class OrgMatch:
    """An issuing body named in a text."""

    start: int
    level: str
    name: str | None
    unit: str | None = None
    places: tuple[Place, ...] = ()
    prefix: str = ""


def general_suffix(place: Place, text: str) -> str:
    """Return "总工会" when the text calls this place's union that (市总工会 → 总工会), else "工会"."""
    own = (place.body[-1] + "总工会", place.body + "总工会")
    return "总工会" if any(form in text for form in own) else "工会"


def _chains(mentions: list[Mention]) -> list[tuple[int, int, int, tuple[Place, ...]]]:
    """Group adjacent mentions (江苏省苏州市吴江区) into (start, last start, end, last places)."""
    out: list[tuple[int, int, int, tuple[Place, ...]]] = []
    for m in mentions:
        if out and out[-1][2] == m.start:
            out[-1] = (out[-1][0], m.start, m.end, m.places)
        else:
            out.append((m.start, m.start, m.end, m.places))
    return out


def _after_place(text: str, chain: tuple[int, int, int, tuple[Place, ...]]) -> OrgMatch | None:
    """Read the body named by a place and what follows it (总工会, 教育工会, 财政局…)."""
    start, last, end, places = chain
    rest = text[end:end + 24]
    head = text[start:end]
    union = _UNION.match(rest)
    if union:
        level = places[0].level if len({p.level for p in places}) == 1 else "city"
        return OrgMatch(start, level, head + union.group(0), None, places, text[start:last])
    first_union = _UNION.search(rest)
    middle = rest[:first_union.start()] if first_union else ""
    if middle and not (_STOP & set(middle)) and len(middle) <= 12:
        if _ENTERPRISE.search(middle):
            return OrgMatch(start, "enterprise", head + middle + "工会", head + middle, places)
        if _SECTOR.match(middle):
            return OrgMatch(start, "unit", head + middle + "工会", head + middle + "工会", places)
    inst = _INSTITUTION.match(rest)
    if inst and not (_STOP & set(inst.group(0))) and "工会" not in inst.group(0):
        unit = head + inst.group(0)
        level = "enterprise" if _ENTERPRISE.search(inst.group(0)) else "unit"
        return OrgMatch(start, level, unit + "工会", unit, places)
    return None


def _enterprise_at_start(text: str, full_text: str) -> OrgMatch | None:
    """Read an enterprise named at the start of a title (中铁二十五局…, 北大荒集团工会…)."""
    lead = _LEAD.match(text)
    start = lead.end() if lead else 0
    inst = _INSTITUTION.match(text, start)
    if not inst or not _ENTERPRISE.search(inst.group(0)) or _STOP & set(inst.group(0)):
        return None
    name = inst.group(0)
    if name + "工会" not in full_text:
        return None
    gaz = get_gazetteer()
    places = tuple(p for key, p in gaz.enterprises.items() if key in name)
    mentions = find_places(name)
    if not places and len(mentions) == 1:
        places = mentions[0].places  # 国网沧州供电公司 is in 沧州
    return OrgMatch(start, "enterprise", name + "工会", name, places)


def _national(text: str) -> OrgMatch | None:
    """Read a national body (全总, 中国工会…, 中国海员建设工会).

    "中国工会十八大" past the start of a title is the congress a local body studies,
    not the speaker, and names no body.
    """
    m = _NATIONAL.search(text)
    if not m:
        return None
    word = m.group(0)
    industrial = word.startswith("中国") and len(word) > 4
    if industrial and (find_places(word[2:]) or _INSTITUTION.search(word)):
        return None  # 中国石油大庆油田工会 is an enterprise's union, not a national one
    named = word if industrial else NATIONAL_BODY
    lead = _LEAD.match(text)
    congress = word == "中国工会" and _CONGRESS_AFTER.match(text, m.end())
    if congress and m.start() > (lead.end() if lead else 0):
        return None
    return OrgMatch(m.start(), "national", named)


def _names_awarder(text: str, found: OrgMatch) -> bool:
    """Tell whether a national body is named as the one that founded, awarded or published something."""
    match = _NATIONAL.search(text, found.start)
    return bool(match) and bool(_AWARDER_AFTER.match(text, match.end()))


def find_org(text: str, full_text: str = "") -> OrgMatch | None:
    """Return the first body named in a short text (a title or byline), or None.

    A national body named as awarder, publisher or the subject of an anniversary
    ("中华全国总工会公布…", "庆祝全总成立100周年·巡礼|四川工会…") gives way to a local body
    the same text names: it does not make the article national.
    """
    candidates = []
    for chain in _chains(find_places(text)):
        found = _after_place(text, chain)
        if found:
            candidates.append(found)
            break
    for found in (_enterprise_at_start(text, full_text or text), _national(text)):
        if found:
            candidates.append(found)
    local = [c for c in candidates if c.level != "national"]
    if local and any(c.level == "national" and _names_awarder(text, c) for c in candidates):
        candidates = local
    return min(candidates, key=lambda c: c.start) if candidates else None


def relative_level(text: str) -> str | None:
    """Return the level a text's own-body words point at (我市工会 → city), if any."""
    return next((level for level, words in _RELATIVE if any(w in text for w in words)), None)
