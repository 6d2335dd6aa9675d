"""Recurring phrases of a query: the 4–12 character phrases around its occurrences that many articles share.

Around each occurrence of the query's terms (the concordance's: search/kwic.py, filters
applied), every stretch of ``min_length``–``max_length`` characters of its clause that holds the
whole occurrence and starts and ends on jieba word edges is a candidate (切实维护职工合法权益
around 职工). A phrase counts once per
article, so one document repeating itself does not dominate; phrases are kept when at least
``min_articles`` articles use them and no longer phrase holding them is used by exactly as
many (so 弘扬劳模 gives way to 弘扬劳模精神 when they always come together). Each phrase has its years (articles per year)
and its first appearance: the earliest year and article, the way a writer finds a 新提法.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from index.analysis import segment

from .engine import SearchIndex, SearchRequest
from .errors import QueryError
from .kwic import count_occurrences, describe, needles_of, sampled_occurrences

MAX_OCCURRENCES = 10_000
MIN_LENGTH, MAX_LENGTH, LONGEST = 4, 12, 20
SORTS = ("articles", "new")
# A clause ends at these (in match form: folded, no white space); 、 too, unless inside the match.
CLAUSE_MARKS = frozenset("，。；：！？,.;:!?、“”‘’「」『』（）()《》〈〉【】[]…—\"'")


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the clause around text[start:end]: from the mark before it to the mark after it."""
    low = start
    while low > 0 and text[low - 1] not in CLAUSE_MARKS:
        low -= 1
    high = end
    while high < len(text) and text[high] not in CLAUSE_MARKS:
        high += 1
    return low, high


def _boundaries(clause: str) -> set[int]:
    """Return the offsets in a clause where a jieba word starts or ends (a phrase starts and ends there)."""
    edges = {0, len(clause)}
    at = 0
    for word in segment(clause):
        found = clause.find(word, at)
        if found < 0:
            continue  # folding changed it: that word gives no edge
        edges.update((found, found + len(word)))
        at = found + len(word)
    return edges


def _candidates(text: str, start: int, end: int, shortest: int, longest: int) -> set[str]:
    """Return the phrases of the clause around an occurrence that hold all of it and end on word edges."""
    low, high = _clause(text, start, end)
    edges = {low + e for e in _boundaries(text[low:high])} | {start, end}
    lefts = sorted(e for e in edges if max(low, end - longest) <= e <= start)
    rights = sorted(e for e in edges if end <= e <= high)
    return {text[left:right] for left in lefts for right in rights if shortest <= right - left <= longest}


def recurring_phrases(index: SearchIndex, q: str, filters: dict[str, list[str]] | None = None,
                      synonyms: bool = True, min_length: int = MIN_LENGTH, max_length: int = MAX_LENGTH,
                      min_articles: int = 2, sort: str = "articles", limit: int = 50) -> dict:
    """Return the phrases around the query's occurrences used by the most articles (or newest first)."""
    if sort not in SORTS:
        raise QueryError(f"未知的排序方式 {sort!r}", hint="用 articles（按文章数）或 new（按首次出现年份，新提法在前）")
    if not 2 <= min_length <= max_length <= LONGEST:
        raise QueryError(f"短语长度须在 2 到 {LONGEST} 个字之间，且最短不超过最长", hint="例如 4 到 12")
    selection = index.select(SearchRequest(q=q, filters=filters or {}, synonyms=synonyms))
    needles = needles_of(selection)
    if not needles:
        raise QueryError("常用说法需要一个检索词", hint="例如：合法权益；筛选条件可以一起写：合法权益 年:2023")
    generation = selection.generation
    docs = np.flatnonzero(selection.selected)
    total = int(count_occurrences(generation, needles, docs)[1].sum())
    forms = [n.form for n in needles]  # the terms themselves, left out of the phrases
    # phrase → article code → (year, docnum of its first use in that article)
    uses: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    occurrences: dict[str, int] = defaultdict(int)
    used = 0
    for docnum, text, spans in sampled_occurrences(generation, docs, needles, MAX_OCCURRENCES):
        used += len(spans)
        article, year = int(generation.article_codes[docnum]), int(generation.year[docnum])
        for start, end, _ in spans:
            shortest = max(min_length, end - start)
            if shortest > max_length:
                continue  # the term alone is longer than a phrase may be
            for phrase in _candidates(text, start, end, shortest, max_length):
                occurrences[phrase] += 1
                uses[phrase].setdefault(article, (year, docnum))
    # The terms themselves are what was asked for, not a phrase found.
    counts = {phrase: len(by) for phrase, by in uses.items() if len(by) >= min_articles and phrase not in forms}
    phrases = _maximal(counts)
    rows = [_row(generation, p, uses[p], occurrences[p]) for p in phrases]
    if sort == "new":
        rows.sort(key=lambda r: (-(r["first_year"] or 0), -r["articles"], -r["occurrences"], r["phrase"]))
    else:
        rows.sort(key=lambda r: (-r["articles"], -r["occurrences"], -len(r["phrase"]), r["phrase"]))
    return {
        "query": describe(selection),
        "sort": sort, "min_length": min_length, "max_length": max_length, "min_articles": min_articles,
        "total": total, "used": used, "sampled": used < total, "paragraphs": len(docs),
        "phrases": rows[:limit], "filters": selection.resolved, "notices": selection.notices,
    }


def _maximal(counts: dict[str, int]) -> list[str]:
    """Return the phrases no longer kept phrase holding them is used by exactly as many articles.

    Such a phrase is only ever part of the longer one. (A longer one can be used by more: its
    part is not always cut on word edges, 产业工人队伍 inside 产业工人队伍建设 being one case.)
    """
    shadowed: set[tuple[str, int]] = set()
    for phrase, n in counts.items():
        size = len(phrase)
        for length in range(2, size):
            for at in range(size - length + 1):
                shadowed.add((phrase[at:at + length], n))
    return [p for p, n in counts.items() if (p, n) not in shadowed]


def _row(generation, phrase: str, by_article: dict[int, tuple[int, int]], occurrences: int) -> dict:
    years: dict[int, int] = defaultdict(int)
    for year, _ in by_article.values():
        if year > 0:
            years[year] += 1
    dated = [(year, docnum) for year, docnum in by_article.values() if year > 0]
    first_year, first_doc = min(dated) if dated else (None, min(d for _, d in by_article.values()))
    segment, local = generation.locate(first_doc)
    return {"phrase": phrase, "articles": len(by_article), "occurrences": occurrences, "first_year": first_year,
            "first": {"title": generation.title_of(first_doc), "paragraph_id": segment.paragraph_id(local)},
            "years": [{"value": y, "count": n} for y, n in sorted(years.items())],
            "undated": sum(1 for year, _ in by_article.values() if year <= 0)}
