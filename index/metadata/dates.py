"""Work out the year an article was written and the span of years it looks back over."""

from __future__ import annotations

import datetime
import re

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "[一二三四五六七八九十两百零]{1,4}"

# "…N周年" counted from these founding years; "建党百年" and the like name the year itself.
_ANNIVERSARY = re.compile(
    r"(建党|中国共产党成立|新中国成立|中华人民共和国成立|建国|改革开放|五四运动|中华全国总工会成立|建军"
    r"|中国共产主义青年团成立|共青团成立|建团)"
    r"(\d{1,3}|" + _CN_NUM + r")周年")
_FOUNDED = {"建党": 1921, "中国共产党成立": 1921, "新中国成立": 1949, "中华人民共和国成立": 1949,
            "建国": 1949, "改革开放": 1978, "五四运动": 1919, "中华全国总工会成立": 1925,
            "建军": 1927, "中国共产主义青年团成立": 1922, "共青团成立": 1922, "建团": 1922}
_AHEAD = re.compile(r"迎接|喜迎|筹备|即将|将")  # an anniversary still to come dates nothing
_CENTENARY = re.compile(r"建党百年|党的百年|党成立一百周年")

# A year right after these words is a target, not something that has happened.
_PLAN_BEFORE = ("力争", "预计", "争取", "目标", "展望", "远景", "规划", "迈向")
_PLAN_AFTER = ("远景", "目标", "前", "底前", "及以后", "以后")
# These make every later year in the same sentence a target ("力争2023年…，2024年…").
_PLAN_SENTENCE = re.compile(r"力争|预计|争取|计划到|到(?:19|20)\d\d年")
_SENTENCE_END = re.compile(r"[。！？；\n]")

_YEAR = re.compile(r"(?<![\d.])((?:19[5-9]|20\d)\d)\s*年(?!代)")
_CN_YEAR = re.compile(r"([一二三四五六七八九〇○零]{4})年")
_RANGE = re.compile(r"(?<![\d.])((?:19|20)\d\d)\s*年?\s*[-—–~～至到]\s*((?:19|20)\d\d)\s*年")
_RANGE_END = re.compile(r"((?:19|20)\d\d)\s*年?\s*[-—–~～至到]\s*$")
_SINCE = re.compile(r"(?<![\d.])((?:19[5-9]|20\d)\d)\s*年(?:以来|来|至今)")
_SPAN = re.compile(r"(?<![\d年])(?:过去的?|近|这)?([一二三四五六七八九十两]|\d{1,2})年(?:以来|来|间|里)"
                   r"|过去的?([一二三四五六七八九十两]|\d{1,2})年")
_CONGRESS = re.compile(r"(第?)(" + _CN_NUM + r")(次全国代表大会|大)(以来)?")
_FIVE_YEAR_PLAN = re.compile(r"(十[一二三四五六七八九])五(?:规划)?(?:”)?(以来)?")
_TITLE_PLAN = re.compile(r"计划|规划|要点|打算|展望|思路")
_LOCAL_BEFORE = re.compile(r"(工会|工代会|团|妇联|妇|省|市|区|县|州|盟|旗)$")


def cn_number(text: str) -> int | None:
    """Return the value of a small numeral (十九 → 19, 二十一 → 21, 一百 → 100, 5 → 5)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        elif char == "百":
            total += (digit if digit is not None else 1) * 100
            digit = None
        else:
            return None
    return total + (digit or 0)


def _is_plan(text: str, start: int, end: int) -> bool:
    """Tell whether the year at ``start:end`` is a target date rather than an event.

    Targets: "到2025年", "力争…2025年", "2035年远景目标", "2025年底前", "2022年，我们将…",
    a later year in a sentence that set a target, and the end of a span of four or more
    years ("2021—2025年" is a plan period).
    """
    before = text[max(0, start - 4):start]
    if before.endswith("到") or any(w in before for w in _PLAN_BEFORE):
        return True
    if text[end:end + 3].startswith(_PLAN_AFTER) or "将" in text[end:end + 6]:
        return True
    sentence = _SENTENCE_END.split(text[max(0, start - 40):start])[-1]
    if _PLAN_SENTENCE.search(sentence):
        return True
    ranged = _RANGE_END.search(text[max(0, start - 8):start])
    return bool(ranged) and int(text[start:start + 4]) - int(ranged.group(1)) >= 4


def explicit_years(text: str) -> list[int]:
    """Return the calendar years written out in ``text`` that are events, not targets."""
    years = [int(m.group(1)) for m in _YEAR.finditer(text) if not _is_plan(text, m.start(), m.end())]
    for m in _CN_YEAR.finditer(text):
        if not _is_plan(text, m.start(), m.end()):
            years.append(int("".join(str(_CN_DIGITS[c]) for c in m.group(1))))
    return years


def congress_year(text: str, m: re.Match) -> int | None:
    """Return the year of a party or ACFTU national congress; None for local congresses."""
    n = cn_number(m.group(2))
    if n is None or not 12 <= n <= 30:
        return None
    before = text[max(0, m.start() - 8):m.start()]
    if before.endswith("中国工会"):
        return 1998 + 5 * (n - 13) if n >= 13 else None
    if re.search(r"(党的?|中共|中国共产党)$", before):
        return 1982 + 5 * (n - 12)
    if m.group(3) == "大" and not m.group(1) and not _LOCAL_BEFORE.search(before):
        return 1982 + 5 * (n - 12)  # bare 十九大 / 二十大 is the party's
    return None


def _lower_bounds(text: str) -> tuple[list[int], list[int]]:
    """Return (dated events, congress and plan references): years the text was written in or after.

    Dated events (2021年, 建党100周年) usually fall in the year of writing; a congress
    or "十三五以来" is talked about for years after, so it only bounds the year below.
    """
    events = explicit_years(text)
    events.extend(_FOUNDED[m.group(1)] + (cn_number(m.group(2)) or 0)
                  for m in _ANNIVERSARY.finditer(text)
                  if not _AHEAD.search(text[max(0, m.start() - 6):m.start()]))
    if _CENTENARY.search(text):
        events.append(2021)
    references = [y for m in _CONGRESS.finditer(text) if (y := congress_year(text, m))]
    # A plan is talked about years before it starts: only "十三五以来" dates the text.
    references.extend(1966 + 5 * (cn_number(m.group(1)) - 3)
                      for m in _FIVE_YEAR_PLAN.finditer(text) if m.group(2))
    return events, references


def span_starts(text: str, year: int, whole_article: bool = True) -> list[int]:
    """Return the years the text says it counts from ("2018年以来", "五年来", "十九大以来").

    With ``whole_article`` False (deep in a body) only cues that usually speak for the
    whole article count ("五年来", "十九大以来"); "自2015年以来" there is about one programme.
    """
    starts = [int(m.group(1)) for m in _SINCE.finditer(text)] if whole_article else []
    starts.extend(y for m in _CONGRESS.finditer(text) if m.group(4) and (y := congress_year(text, m)))
    starts.extend(1966 + 5 * (cn_number(m.group(1)) - 3)
                  for m in _FIVE_YEAR_PLAN.finditer(text) if m.group(2))
    for m in _SPAN.finditer(text):
        n = cn_number(m.group(1) or m.group(2))
        if n and n <= 10:
            starts.append(year - n)
    if whole_article and ("今年以来" in text or "今年来" in text):
        starts.append(year)
    return starts


def title_year(title: str) -> int | None:
    """Return the year a title states as the article's own (not one it counts from).

    A plan ("2022年工作计划", "2021—2025年规划") is dated by its first year; a
    summary of a range ("2018—2022年工作综述") by its last; "2018年以来" is a span start.
    """
    planned = _TITLE_PLAN.search(title) is not None
    ranged = _RANGE.search(title)
    if ranged:
        return int(ranged.group(1 if planned else 2))
    years = [int(m.group(1)) for m in _YEAR.finditer(title)
             if not title[m.end():m.end() + 2].startswith(("以来", "来", "至今"))]
    if not years:
        return None
    return min(years) if planned else max(years)


def collection_year(collection_title: str | None) -> int | None:
    """Return the year a compilation's title gives (2023年…汇编 → 2023)."""
    years = explicit_years(collection_title or "")
    return max(years) if years else None


def extract_years(title: str, body: list[str], file_year: int | None = None,
                  collection_title: str | None = None,
                  stated_year: int | None = None) -> tuple[int | None, list[int] | None]:
    """Return (year written, [first, last] year covered) for one article.

    Order of trust: a year in the title; the compilation's year; the year a dateline or
    front matter states ("发布时间：2023-01-17", "（2019年8月19日）", ``date:``); the latest
    dated event in the text (plan targets like 2035年 excluded, so is anything after the
    stated or file date) unless a congress or plan reference is later; the file's own date;
    the latest congress or plan reference ("十九大" → 2017).  The file's own date is weak:
    one older than every dated event in the text is a template's (python-docx's default
    template says 2013) and is ignored.  A span needs a start cue ("2018年以来", "五年来" =
    five years back from the year written, "十九大以来", "十三五以来"); cues in the title win
    over the first paragraphs, which win over the rest (within ten years of the year
    written); a title that states its year without such a cue covers just that year.
    """
    today = datetime.date.today().year
    if file_year is not None and not 1949 <= file_year <= today:
        file_year = None
    if stated_year is not None and not 1949 <= stated_year <= today:
        stated_year = None
    in_collection = collection_year(collection_title)
    ceiling = min(y for y in (in_collection, stated_year, today) if y)
    stated = title_year(title)
    year = stated or in_collection or stated_year
    if year is None:
        events, references = (
            [y for y in found if y <= ceiling]
            for found in _lower_bounds(title + "\n" + "\n".join(body)))
        if file_year is not None and any(y <= file_year for y in events + references):
            events = [y for y in events if y <= file_year]
            references = [y for y in references if y <= file_year]
        elif events or references:
            file_year = None  # the text speaks only of later years: the file date is a template's
        if events and max(events) >= max(references, default=0):
            year = max(events)
        else:
            year = file_year or max(references, default=None)
    if year is None:
        return None, None
    parts = ((title, True), ("\n".join(body[:3]), True), ("\n".join(body[3:]), False))
    for part, whole in parts:
        starts = [s for s in span_starts(part, year, whole) if year - 10 <= s <= year]
        if starts:
            return year, [min(starts), year]
        if stated and part is title:
            ranged = _RANGE.search(title)  # "2020—2022年规划" spans its range
            return year, [int(ranged.group(1)), int(ranged.group(2))] if ranged else [year, year]
    return year, None
