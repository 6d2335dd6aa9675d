"""Recurring phrases of a query: the 4–12 character phrases around its occurrences that many articles share.

Around each occurrence of the query's terms (the concordance's: search/concordance.py, filters
applied), every stretch of ``min_length``–``max_length`` characters of its clause that holds the
whole occurrence and starts and ends on jieba word edges is a candidate (切实维护职工合法权益
around 职工). A phrase counts once per
article, so one document repeating itself does not dominate; phrases are kept when at least
``min_articles`` articles use them and no longer phrase holding them is used by exactly as
many (so 弘扬劳模 gives way to 弘扬劳模精神 when they always come together). Each phrase has its years (articles per year)
and its first appearance: the earliest year and article, the way a writer finds a 新提法.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict

from .engine import SearchIndex
from .errors import QueryError
from .concordance import count_occurrences, describe, sampled_occurrences, select_needles
from .patterns import CLAUSE_MARKS
from .segmenting import words_of_texts

MAX_OCCURRENCES = 10_000
MIN_LENGTH, MAX_LENGTH, LONGEST = 4, 12, 20
PAIRWISE = 32  # phrases used equally often compared pair by pair up to this many, else by their parts
SORTS = ("articles", "new")
# A clause ends at the marks a pattern's * never runs across (in match form: folded, no white
# space); 、 too, unless inside the match.
CLAUSE_MARK = re.compile("[" + re.escape(CLAUSE_MARKS) + "]")


def _clauses_around(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Return each span's clause: from just after the last mark before it to the first mark after it."""
    marks = [m.start() for m in CLAUSE_MARK.finditer(text)]
    out = []
    for start, end, _ in spans:
        before = bisect_left(marks, start)  # marks[before - 1] is the last one left of the occurrence
        after = bisect_left(marks, end)  # marks[after] is the first one at or right of its end
        out.append((marks[before - 1] + 1 if before else 0, marks[after] if after < len(marks) else len(text)))
    return out


def word_edges(clause: str, words: list[str]) -> list[int]:
    """Return the sorted offsets in a clause where one of its words (in order) starts or ends."""
    edges = {0, len(clause)}
    at = 0
    for word in words:
        found = clause.find(word, at)
        if found < 0:
            continue  # folding changed it: that word gives no edge
        edges.update((found, found + len(word)))
        at = found + len(word)
    return sorted(edges)


def _phrases(clause: str, edges: list[int], start: int, end: int, shortest: int, longest: int) -> frozenset[str]:
    """Return the stretches of a clause from a word edge (or the occurrence's own) up to ``start`` to one from ``end``."""
    if start not in edges or end not in edges:
        edges = sorted({*edges, start, end})
    lefts = edges[bisect_left(edges, max(0, end - longest)):bisect_right(edges, start)]
    rights = edges[bisect_left(edges, end):]
    return frozenset(clause[left:right] for left in lefts for right in rights if shortest <= right - left <= longest)


def _occurrence_phrases(occurrences, min_length: int, max_length: int) -> tuple[int, list[tuple[frozenset, list]]]:
    """Return (occurrences read, [(phrases, docnums of the occurrences giving exactly those)]).

    Every clause is segmented in one jieba call for all of them, and a clause with its occurrence
    at the same place (boilerplate repeats) gives its phrases once.
    """
    found: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)  # clause, start, end, shortest
    clauses: dict[str, int] = {}
    used = 0
    for docnum, text, spans in occurrences:
        used += len(spans)
        for (start, end, _), (low, high) in zip(spans, _clauses_around(text, spans)):
            shortest = max(min_length, end - start)
            if shortest > max_length:
                continue  # the term alone is longer than a phrase may be
            number = clauses.setdefault(text[low:high], len(clauses))
            found[number, start - low, end - low, shortest].append(docnum)
    texts = list(clauses)
    edges = [word_edges(clause, words) for clause, words in zip(texts, words_of_texts(texts))]
    return used, [(_phrases(texts[number], edges[number], start, end, shortest, max_length), docnums)
                  for (number, start, end, shortest), docnums in found.items()]


def recurring_phrases(index: SearchIndex, q: str, filters: dict[str, list[str]] | None = None,
                      synonyms: bool = True, min_length: int = MIN_LENGTH, max_length: int = MAX_LENGTH,
                      min_articles: int = 2, sort: str = "articles", limit: int = 50) -> dict:
    """Return the phrases around the query's occurrences used by the most articles (or newest first)."""
    if sort not in SORTS:
        raise QueryError(f"未知的排序方式 {sort!r}", hint="用 articles（按文章数）或 new（按首次出现年份，新提法在前）")
    if not 2 <= min_length <= max_length <= LONGEST:
        raise QueryError(f"短语长度须在 2 到 {LONGEST} 个字之间，且最短不超过最长", hint="例如 4 到 12")
    selection, needles, docs = select_needles(index, q, filters, synonyms, "常用说法", "例如：合法权益；筛选条件可以一起写：合法权益 年:2023")
    generation = selection.generation
    total = int(count_occurrences(generation, needles, docs)[1].sum())
    forms = [n.form for n in needles]  # the terms themselves, left out of the phrases
    # phrase → article code → (year, docnum of its first use in that article)
    uses: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    occurrences: dict[str, int] = defaultdict(int)
    used, groups = _occurrence_phrases(sampled_occurrences(generation, docs, needles, MAX_OCCURRENCES),
                                       min_length, max_length)
    article_codes, year_of = generation.article_codes, generation.year
    for phrases, docnums in groups:
        # Each article's first use: its smallest docnum (the paragraphs come in docnum order).
        firsts: dict[int, tuple[int, int]] = {}
        for docnum in docnums:
            firsts.setdefault(int(article_codes[docnum]), (int(year_of[docnum]), docnum))
        for phrase in phrases:
            occurrences[phrase] += len(docnums)
            by_article = uses[phrase]
            for article, first in firsts.items():
                known = by_article.get(article)
                if known is None or first[1] < known[1]:
                    by_article[article] = first
    # The terms themselves are what was asked for, not a phrase found.
    counts = {phrase: len(by) for phrase, by in uses.items() if len(by) >= min_articles and phrase not in forms}
    phrases = maximal(counts)
    # Ranked on what the rows would show, and rows made for the shown ones only.
    if sort == "new":
        phrases.sort(key=lambda p: (-_first_year(uses[p]), -counts[p], -occurrences[p], p))
    else:
        phrases.sort(key=lambda p: (-counts[p], -occurrences[p], -len(p), p))
    rows = [_row(generation, p, uses[p], occurrences[p]) for p in phrases[:limit]]
    return {
        "query": describe(selection),
        "sort": sort, "min_length": min_length, "max_length": max_length, "min_articles": min_articles,
        "total": total, "used": used, "sampled": used < total, "paragraphs": len(docs),
        "phrases": rows, "filters": selection.resolved, "notices": selection.notices,
    }


def maximal(counts: dict[str, int]) -> list[str]:
    """Return the phrases no longer kept phrase holding them is used by exactly as many articles.

    Such a phrase is only ever part of the longer one. (A longer one can be used by more: its
    part is not always cut on word edges, 产业工人队伍 inside 产业工人队伍建设 being one case.)
    """
    # Only a phrase used as often can shadow another: compare within each count, never across.
    by_count: dict[object, list[str]] = defaultdict(list)
    for phrase, n in counts.items():
        by_count[n].append(phrase)
    shadowed: set[str] = set()
    for bucket in by_count.values():
        if len(bucket) < 2:
            continue
        if len(bucket) <= PAIRWISE:  # few phrases: test each pair (a C substring search each)
            shadowed.update(p for q in bucket for p in bucket if len(p) < len(q) and p in q)
            continue
        members, shortest = set(bucket), min(map(len, bucket))
        for phrase in bucket:
            size = len(phrase)
            for length in range(shortest, size):
                for at in range(size - length + 1):
                    part = phrase[at:at + length]
                    if part in members:
                        shadowed.add(part)
    return [p for p in counts if p not in shadowed]


def _first_year(by_article: dict[int, tuple[int, int]]) -> int:
    """Return the earliest year a phrase was used in, 0 when every use is undated (as a row's first_year or 0)."""
    return min((year for year, _ in by_article.values() if year > 0), default=0)


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
