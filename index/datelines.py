"""Datelines: the date and source lines that web copies carry around an article.

Pages copied from news sites put "发布时间：2023-01-17 来源：中国报道", "2018-07-17 11:36" or
"信息来源：沙市区总工会 | 发布时间 2022-04-02" next to the headline; speeches and reports
carry their delivery date under the title ("（2019年8月19日）", "——2022年1月12日在…会议上").
These lines are chrome, never body text, but they are the best evidence of when an article
was written: this module reads them from the raw lines before the junk rules drop them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

HEAD_LINES = 14  # datelines stand among the first lines of a copied page…
TAIL_LINES = 6  # …or at its very end (a notice's signature date)
DATELINE_MAX_CHARS = 90
RESIDUE_MAX_CHARS = 24  # a line that is mostly a date: what is left besides it is a name or two

_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?")
_TIME = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
# Words that make a short line a publication line rather than a sentence.
_META = re.compile(r"发布|時間|时间|日期|来源|來源|稿源|出处|作者|编辑|編輯|责编|发表于|更新|点击|點擊"
                   r"|浏览|瀏覽|访问|訪問|人气|人氣|阅读|閱讀|记者|記者|供稿")
# A delivery date: "（2019年8月19日）", "——2022年1月12日在…会议上", "（2019年1月31日…会议通过）".
_DELIVERED = re.compile(r"^(?:[（(]\s*|——\s*|--\s*)(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
                        r"(?:[)）]|.{0,40}(?:会议上|大会上|會議上|大會上|通过|通過|讲话|講話)[)）]?)\s*$")
# Source lines name the outlet or body a copy came from: "来源：枣庄新闻网", "丹东新闻网讯".
_SOURCE = re.compile(r"(?:信息来源|消息来源|文章来源|稿件来源|来源|來源|稿源)\s*[:：/]?\s*([^\s|｜:：]{2,20})"
                     r"|^([\u4e00-\u9fff]{2,12}?(?:新闻网|日报|晚报|融媒|电视台|广播电视台))讯")


@dataclass(frozen=True)
class Dateline:
    """What the date and source lines of one document say."""

    year: int | None = None
    delivered: bool = False  # the date a speech or report was given, which outranks a repost date
    sources: tuple[str, ...] = ()  # outlet names from source lines ("枣庄新闻网"), weak place evidence


def _plausible(year: int) -> bool:
    return 1949 <= year <= datetime.date.today().year


def dateline_date(line: str) -> int | None:
    """Return the year of a publication line ("发布时间：2023-01-17", "2018-07-17 11:36"), else None."""
    text = line.strip()
    if len(text) > DATELINE_MAX_CHARS:
        return None
    match = _DATE.search(text)
    if not match or not _plausible(int(match.group(1))):
        return None
    residue = _TIME.sub("", _DATE.sub("", text))
    residue = re.sub(r"[\s|｜·•:：/()（）\[\]【】-]", "", residue)
    if _META.search(text) or len(residue) <= RESIDUE_MAX_CHARS or match.start() == 0:
        return int(match.group(1))
    return None


def delivered_date(line: str) -> int | None:
    """Return the year of a speech's or report's date line ("（2019年8月19日）"), else None."""
    text = line.strip()
    if not _DELIVERED.match(text):
        return None
    year = int(_DATE.search(text).group(1))
    return year if _plausible(year) else None


def read_datelines(lines: list[str]) -> Dateline:
    """Read the dates and sources of the lines around an article (raw lines, before cleaning)."""
    texts = [t.strip() for t in lines if t.strip()]
    head, tail = texts[:HEAD_LINES], texts[max(HEAD_LINES, len(texts) - TAIL_LINES):]
    sources = tuple(dict.fromkeys(s for t in head + tail for s in _sources(t)))
    for text in head:
        year = delivered_date(text)
        if year:
            return Dateline(year, True, sources)
    for text in head + tail:
        year = dateline_date(text)
        if year:
            return Dateline(year, False, sources)
    return Dateline(None, False, sources)


def _sources(text: str) -> list[str]:
    if len(text) > DATELINE_MAX_CHARS and not text.endswith("讯"):
        head = text[:40]  # "XX新闻网讯 记者…" opens a paragraph
    else:
        head = text
    return [m.group(1) or m.group(2) for m in _SOURCE.finditer(head)]
