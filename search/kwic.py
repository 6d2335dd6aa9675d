"""Concordance over an index: every occurrence of a phrase, with counts by province and year."""

from __future__ import annotations

from collections import Counter

import numpy as np

from .concordance import SORT_KEYS, kwic_lines, sort_lines
from .engine import SearchIndex
from .errors import QueryError

MAX_LINES = 1000  # lines returned; the counts cover every occurrence
QUOTES = "\"“”「」『』＂"  # a phrase may come quoted from the search box
MAX_CONTEXT = 80


def _counts(counter: Counter, newest_first: bool = False) -> list[dict]:
    if newest_first:
        items = sorted(counter.items(), key=lambda kv: -kv[0])
    else:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": value, "count": count} for value, count in items]


def concordance(index: SearchIndex, phrase: str, sort: str = "right", context: int = 30,
                limit: int = MAX_LINES) -> dict:
    """Return every occurrence of ``phrase`` as left · match · right lines, sorted, with counts.

    Counts by province (unknown ones as “（未知）”) sum to ``total``; counts by year plus
    ``undated`` do too.
    """
    phrase = phrase.strip().strip(QUOTES).strip()
    if sort not in SORT_KEYS:
        raise QueryError(f"未知的排序方式 {sort!r}", hint="用 left（按左侧）或 right（按右侧）")
    if not 1 <= context <= MAX_CONTEXT:
        raise QueryError(f"上下文字数须在 1 到 {MAX_CONTEXT} 之间", hint="例如 30")
    if not isinstance(index, SearchIndex) and phrase:
        return index.concordance(phrase, sort, context, limit)  # a SphinxQL cluster (search/sphinxql)
    generation = index.generation()
    mask = generation.literal_mask(phrase) if phrase else None
    if mask is None:
        raise QueryError("索引行需要一个检索词", hint="例如：职工书屋")
    docs = np.flatnonzero(mask)
    # Province and year are an article's: occurrences are counted over runs of one article's paragraphs.
    firsts, counts = generation.occurrence_counts(phrase, docs)
    facets = generation.facets
    by_province = _weighted(facets.values["province"], facets.codes["province"][firsts], counts, "（未知）")
    years = generation.year[firsts]
    by_year = Counter({int(y): int(n) for y, n in zip(*_sums(years[years > 0], counts[years > 0]))})
    undated = int(counts[years <= 0].sum())
    # Lines for the first occurrences in index order, up to the limit, sorted among themselves:
    # counts above cover every occurrence, however many.
    lines = []
    for docnum in docs.tolist():
        segment, local = generation.locate(docnum)
        found = kwic_lines(segment.text(local), segment.paragraph_id(local), phrase, context,
                           traditional=True)
        province = facets.values["province"][int(facets.codes["province"][docnum])] or None
        meta = {"title": generation.title_of(docnum), "province": province,
                "year": int(generation.year[docnum]) or None}
        lines.extend((line, meta) for line in found)
        if len(lines) >= limit:
            break
    order = {id(line): meta for line, meta in lines}
    ordered = sort_lines([line for line, _ in lines], sort)
    return {
        "query": phrase,
        "sort": sort,
        "total": int(counts.sum()),
        "paragraphs": len(docs),
        "lines": [
            {"left": l.left, "match": l.match, "right": l.right, "paragraph_id": l.paragraph_id, **order[id(l)]}
            for l in ordered[:limit]
        ],
        "by_province": _counts(by_province),
        "by_year": _counts(by_year, newest_first=True),
        "undated": undated,  # occurrences in articles without a year: by_year plus this is total
    }


def _sums(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct keys and the summed weights of each."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.int64)


def _weighted(values: list, codes: np.ndarray, weights: np.ndarray, unknown: str) -> Counter:
    codes_unique, sums = _sums(codes, weights)
    return Counter({(values[int(c)] or unknown): int(n) for c, n in zip(codes_unique, sums)})
