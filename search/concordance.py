"""Concordance of a whole query: every occurrence of its terms in the paragraphs it selects.

The paragraphs are the search's own (index.select: the same terms, OR groups, synonyms and
filters); the lines are the occurrences in them of every term and synonym the query searched
for, each marked with the term it matched. Counts by province and year cover every occurrence
in the selected paragraphs; the lines stop at ``limit``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from index.normalize import match_form

from .kwic_lines import SORT_KEYS, query_lines, sort_lines
from .engine import SearchIndex, SearchRequest, Selection
from .errors import QueryError
from .export import citation
from .highlight import resolve_occurrences
from .generation import Generation
from .occurrences import counts_in
from .query import parse_query
from .patterns import is_pattern, shown

MAX_LINES = 1000  # lines returned; the counts cover every occurrence
MAX_CONTEXT = 80
DEFAULT_CITATION = "——摘自《{title}》，{organization}，{year}"
UNKNOWN_PROVINCE = "（未知）"


@dataclass(frozen=True)
class Needle:
    """One literal the concordance looks for: a typed term or a synonym standing in for one."""

    text: str
    form: str  # match form
    synonym: bool
    of: str  # the typed term (itself, for a typed term)


def needles_of(selection: Selection) -> list[Needle]:
    """Return the literals of a selection's plan, one per match form, typed terms before synonyms."""
    found: dict[str, Needle] = {}
    typed = ""
    for leaf in selection.plan.tree.leaves():  # a group's typed term comes before its synonyms
        typed = leaf.text if leaf.exact else typed
        form = match_form(leaf.text)
        if form and (form not in found or (leaf.exact and found[form].synonym)):
            found[form] = Needle(leaf.text, form, not leaf.exact, typed)
    return list(found.values())


def select_needles(index: SearchIndex, q: str, filters: dict[str, list[str]] | None, synonyms: bool,
                   view: str, example: str) -> tuple[Selection, list[Needle], np.ndarray]:
    """Return the search's selection, its literals and its selected docnums; a query without a term is refused."""
    selection = index.select(SearchRequest(q=q, filters=filters or {}, synonyms=synonyms))
    needles = needles_of(selection)
    if not needles:
        raise QueryError(f"{view}需要一个检索词", hint=example)
    return selection, needles, np.flatnonzero(selection.selected)


def sampled_occurrences(generation: Generation, docs: np.ndarray, needles: list[Needle],
                        limit: int) -> Iterator[tuple[int, str, list]]:
    """Yield (docnum, folded text, occurrence spans) of the needles in ``docs``, up to ``limit`` occurrences in all."""
    forms, tiers = [n.form for n in needles], [int(n.synonym) for n in needles]
    find = _disjoint_finder(forms)
    used = 0
    for docnum in docs.tolist():
        if used >= limit:
            return
        text = generation.folded_text(docnum)
        spans = (find(text) if find else resolve_occurrences(text, forms, tiers))[:limit - used]
        used += len(spans)
        yield docnum, text, spans


def _disjoint_finder(forms: list[str]):
    """Return a function giving resolve_occurrences(text, forms) in one regex scan, or None if forms can overlap.

    Occurrences of forms that can never overlap need no resolving: the leftmost-first scan of
    their alternation finds each form's own left-to-right occurrences, all of them, in order.
    """
    if not forms or _can_overlap(forms):
        return None
    which = {form: at for at, form in enumerate(forms)}
    scan = re.compile("|".join(re.escape(form) for form in forms)).finditer
    return lambda text: [(m.start(), m.end(), which[m.group()]) for m in scan(text)]


def describe(selection: Selection) -> str:
    """Return the query's terms as the user wrote them, OR groups joined by OR, filters left out."""
    groups = selection.parsed.tree.includes
    return " ".join(" OR ".join(shown(leaf.text) for leaf in group.children) for group in groups)


def _can_overlap(forms: list[str]) -> bool:
    """Tell whether occurrences of two different forms could overlap in some text (patterns: always)."""
    if any(is_pattern(form) for form in forms):
        return True  # and a pattern is not counted by str.count: the per-paragraph way does both
    for i, a in enumerate(forms):
        for b in forms[i + 1:]:
            if a in b or b in a:
                return True
            shortest = min(len(a), len(b))
            if any(a[-k:] == b[:k] or b[-k:] == a[:k] for k in range(1, shortest)):
                return True
    return False


def count_occurrences(generation: Generation, needles: list[Needle],
                      docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (docnums, counts per needle × docnum) of the needles' occurrences in ``docs`` (read-only).

    The counts of each run of one article's paragraphs are exact (province, year and article are
    an article's); within a run they may all stand on its first paragraph.
    """
    # Counting is most of a concordance's time, and the same selection comes back: its collocations
    # and phrases, another sort or measure, the next page. A generation never changes: keep the counts.
    key = ("concordance.count_occurrences", tuple((n.form, n.synonym) for n in needles), len(docs),
           hashlib.blake2b(np.ascontiguousarray(docs, dtype=np.int64).tobytes(), digest_size=16).digest())
    firsts, counts = generation.remember(key, lambda: _count_occurrences(generation, needles, docs))
    return firsts, counts


def _count_occurrences(generation: Generation, needles: list[Needle],
                       docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    forms = [n.form for n in needles]
    tiers = [int(n.synonym) for n in needles]
    if not _can_overlap(forms):
        # Occurrences of different needles are disjoint: each needle counts on its own, fast
        # (a stretch of one article's paragraphs may have its count on its first paragraph).
        rows = [counts_in(generation, needle.text, docs) for needle in needles]
        return docs, np.array(rows, dtype=np.int64).reshape(len(needles), len(docs))
    counts = np.zeros((len(needles), len(docs)), dtype=np.int64)
    for at, docnum in enumerate(docs.tolist()):
        text = generation.folded_text(docnum)
        for _, _, which in resolve_occurrences(text, forms, tiers):
            counts[which, at] += 1
    return docs, counts


class _Articles:
    """Each article's citation fields, looked up once per concordance."""

    def __init__(self, generation: Generation, citation_format: str) -> None:
        self.generation = generation
        self.format = citation_format
        self.cache: dict[int, dict] = {}

    def meta(self, docnum: int) -> dict:
        """Return the title, place, year and citation of a paragraph's article."""
        generation = self.generation
        code = int(generation.article_codes[docnum])
        if code not in self.cache:
            facets = generation.facets
            info = generation.articles.get(generation.article_keys[code]) or {}
            record = {"title": info.get("title") or "",
                      "province": facets.values["province"][int(facets.codes["province"][docnum])] or None,
                      "year": int(generation.year[docnum]) or None,
                      "organization": info.get("organization") or info.get("unit") or "",
                      "source": info.get("source") or ""}
            record["citation"] = citation(record, self.format)
            self.cache[code] = record
        return self.cache[code]


def concordance(index: SearchIndex, q: str, filters: dict[str, list[str]] | None = None,
                synonyms: bool = True, sort: str = "right", context: int = 30, limit: int = MAX_LINES,
                citation_format: str = DEFAULT_CITATION) -> dict:
    """Return every occurrence of the query's terms in the paragraphs it selects, as sorted lines with counts.

    Counts by province (unknown ones as “（未知）”) sum to ``total``; counts by year plus
    ``undated`` do too; ``by_term`` splits it by the term (or synonym) matched.
    """
    if sort not in SORT_KEYS:
        raise QueryError(f"未知的排序方式 {sort!r}", hint="用 left（按左侧）或 right（按右侧）")
    if not 1 <= context <= MAX_CONTEXT:
        raise QueryError(f"上下文字数须在 1 到 {MAX_CONTEXT} 之间", hint="例如 30")
    if not isinstance(index, SearchIndex):
        return _cluster_concordance(index, q, bool(filters), sort, context, limit, citation_format)
    selection, needles, docs = select_needles(index, q, filters, synonyms, "索引行",
                                              "例如：职工书屋；筛选条件可以和检索词一起写：职工书屋 省:河北")
    generation = selection.generation
    # Province and year are an article's: occurrences are counted over runs of one article's paragraphs.
    firsts, per_needle = count_occurrences(generation, needles, docs)
    counts = per_needle.sum(axis=0) if len(needles) else np.zeros(0, dtype=np.int64)
    facets = generation.facets
    by_province = _weighted(facets.values["province"], facets.codes["province"][firsts], counts, UNKNOWN_PROVINCE)
    years = generation.year[firsts]
    by_year = Counter({int(y): int(n) for y, n in zip(*_sums(years[years > 0], counts[years > 0]))})
    # Lines for the first occurrences in index order, up to the limit, sorted among themselves.
    articles = _Articles(generation, citation_format)
    texts, tiers = [n.text for n in needles], [int(n.synonym) for n in needles]
    lines = []
    for docnum in docs.tolist():
        segment, local = generation.locate(docnum)
        found = query_lines(segment.text(local), segment.paragraph_id(local), texts, context, tiers=tiers)
        lines.extend((line, articles.meta(docnum)) for line in found)
        if len(lines) >= limit:
            break
    meta_of = {id(line): meta for line, meta in lines}
    ordered = sort_lines([line for line, _ in lines], sort)
    return {
        "query": describe(selection),
        "sort": sort,
        "total": int(counts.sum()),
        "paragraphs": len(docs),
        "lines": [_line(line, needles[line.term], meta_of[id(line)]) for line in ordered[:limit]],
        "by_term": [{"term": shown(n.text), "synonym": n.synonym, "of": shown(n.of), "count": int(row.sum())}
                    for n, row in zip(needles, per_needle)],
        "by_province": _counts(by_province),
        "by_year": _counts(by_year, newest_first=True),
        "undated": int(counts[years <= 0].sum()),  # occurrences in undated articles: by_year plus this is total
        "filters": selection.resolved,
        "notices": selection.notices,
    }


def _line(line, needle: Needle, meta: dict) -> dict:
    return {"left": line.left, "match": line.match, "right": line.right, "paragraph_id": line.paragraph_id,
            "term": shown(needle.text), "synonym": needle.synonym, **meta}


def _counts(counter: Counter, newest_first: bool = False) -> list[dict]:
    if newest_first:
        items = sorted(counter.items(), key=lambda kv: -kv[0])
    else:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": value, "count": count} for value, count in items]


def _sums(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct keys (small non-negative codes or years) and the summed weights of each."""
    keys = np.asarray(keys, dtype=np.int64)
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64)
    # Counted by code, not sorted: a frequent word selects most of a million paragraphs.
    present = np.flatnonzero(np.bincount(keys))
    sums = np.bincount(keys, weights=np.asarray(weights, dtype=np.float64))
    return present, np.rint(sums[present]).astype(np.int64)


def _weighted(values: list, codes: np.ndarray, weights: np.ndarray, unknown: str) -> Counter:
    codes_unique, sums = _sums(codes, weights)
    return Counter({(values[int(c)] or unknown): int(n) for c, n in zip(codes_unique, sums)})


def _cluster_concordance(index, q: str, filtered: bool, sort: str, context: int, limit: int,
                         citation_format: str) -> dict:
    """Return a SphinxQL cluster's concordance (search/sphinxql): one phrase, the query's first term, over every shard."""
    parsed = parse_query(q)
    literals = parsed.literals()
    if not literals:
        raise QueryError("索引行需要一个检索词", hint="例如：职工书屋")
    result = index.concordance(literals[0], sort, context, limit)
    for line in result["lines"]:
        line["citation"] = citation(line, citation_format)
    if len(literals) > 1 or filtered or parsed.filters or parsed.tree.excludes:
        result["notices"].append(f"集群上的索引行只统计第一个检索词“{literals[0]}”，不应用其余检索词和筛选条件"
                                 "（SphinxQL 后端的限制）。")
    return result
