"""Shape tests on single lines: headings, sentence ends, contents entries, bylines, captions."""

from __future__ import annotations

import re
import unicodedata

CN_NUM = "一二三四五六七八九十百零〇两"

# Numbered headings, outermost first: the index is the heading's depth in a section path.
NUMBERED_HEADINGS = (
    re.compile(rf"^第[{CN_NUM}\d]+(部分|篇|章)"),
    re.compile(rf"^[{CN_NUM}]+\s*[、．.]"),
    re.compile(rf"^[（(]\s*[{CN_NUM}]+\s*[)）]"),
    re.compile(r"^\d{1,2}\s*[、．.](?!\d)"),
    re.compile(r"^[（(]\s*\d{1,2}\s*[)）]"),
    re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"),
)
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SUBTITLE = re.compile(r"^\s*(——|--|—|－－)\s*\S")
# 。！？ and their ASCII forms, a trailing ellipsis, optionally closed by quotes or brackets.
SENTENCE_END = re.compile(r"([。！？!?；;]|…{1,2}|\.{3,}|：|:)[”’」』）)\]】》\"']*\s*$")
HEADING_MAX_CHARS = 40

# A contents line: a title, then dot leaders / spaces / ellipses, then a page number.
TOC_ENTRY = re.compile(r"^(?P<title>\S.{1,80}?)(?:[\s\u3000]{2,}|[.…·・\-—_]{2,}\s*|…\s*|\s+)(?P<page>\d{1,4})\s*$")
TOC_HEADER = re.compile(r"^(目\s*录|目\s*次|contents)$", re.IGNORECASE)

BYLINE = re.compile(
    r"^[（(]?\s*(?:(?:本报|本刊|本台|本网)?(?:特约)?(?:记者|通讯员|通讯⼯作者)|文\s*[/／|]|图\s*[/／|]|"
    r"文图\s*[/／|]|撰稿[:：\s]|作者[:：\s]|供稿[:：\s]|来源[:：\s]|摄影[:：\s]|执笔[:：\s])"
)
# A credit line of names around an outlet's reporter ("楊夢婧 自貢網記者 李秋玥", "全媒体记者唐慧晔 通讯员郑轶文").
NAMED_BYLINE = re.compile(r"^(?:[\u4e00-\u9fff·]{2,5}\s+)?[\u4e00-\u9fff]{0,10}(?:记者|記者|通讯员|通訊員)\s*[\u4e00-\u9fff·]{2,5}"
                          r"(?:\s+(?:通讯员|通訊員)?\s*[\u4e00-\u9fff·]{2,5})*$")
BYLINE_TAIL = re.compile(r"[（(]\s*(?:文|图|文图|记者|通讯员|撰稿|作者)\s*[/／:：]\s*[^（()）]{1,40}[)）]\s*$")
CAPTION_CUE = re.compile(
    r"[（(]\s*[左右中前后]\s*[一二三四五六七八九十\d]+\s*[)）]|^图为|^图\s*[:：\d]|[（(]?摄影?[)）]?$|"
    r"供图[)）]?$|[（(][^（）()]{1,12}摄[)）]$"
)


# The East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W/F, by block): a regex
# counts them at C speed, where a per-character unicodedata lookup took a third of ingest time.
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0002fffd\U00030000-\U0003fffd]"
)
NARROW = re.compile("[^" + WIDE.pattern[1:])  # Chinese text has few of these: fewer matches to collect


def display_width(text: str) -> int:
    """Return the width of text on a page: wide (CJK) characters count two, others one."""
    return 2 * len(text) - len(NARROW.findall(text))


def ends_sentence(text: str) -> bool:
    """Return True when the text ends a sentence (or a lead-in ending in a colon)."""
    return bool(SENTENCE_END.search(text))


def numbered_heading_depth(text: str) -> int | None:
    """Return the depth of a numbered heading (0 = 第一部分, 1 = 一、 …) or None."""
    for depth, pattern in enumerate(NUMBERED_HEADINGS):
        if pattern.match(text):
            return depth
    return None


def looks_like_heading(text: str) -> bool:
    """Return True for a short numbered line that carries no full sentence."""
    if len(text) > HEADING_MAX_CHARS or numbered_heading_depth(text) is None:
        return False
    # "一、…。正文" is a paragraph with a lead-in, not a heading line.
    inner = text.rstrip("。；;")
    return "。" not in inner


def is_subtitle(text: str) -> bool:
    """Return True for a "——副标题" line."""
    return bool(SUBTITLE.match(text)) and len(text) <= 60


def is_byline(text: str) -> bool:
    """Return True for a line that names the writers rather than saying something."""
    if len(text) > 60 or ends_sentence(text.rstrip(")）")):
        return False
    return bool(BYLINE.match(text)) or (len(text) <= 30 and bool(NAMED_BYLINE.match(text.strip())))


def is_caption_cue(text: str) -> bool:
    """Return True when a short line carries the marks of a photo caption."""
    return len(text) <= 80 and bool(CAPTION_CUE.search(text))


def toc_entry(text: str) -> tuple[str, int] | None:
    """Return (title, page) when the line is a contents entry."""
    match = TOC_ENTRY.match(text.strip())
    if not match:
        return None
    title = match.group("title").strip().rstrip(".…·・-—_ \u3000")
    if len(title) < 2 or ends_sentence(title):
        return None
    return title, int(match.group("page"))


def compact(text: str) -> str:
    """Return text without spaces and punctuation, for comparing titles."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")
