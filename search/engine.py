"""Searching an index: a request in, ranked and faceted hits with snippets out."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.index import EmptyIndexError, exists_in, open_dir
from whoosh.scoring import BM25F

from .errors import IndexMissing, QueryError
from .facets import FACET_BY_NAME, FacetCache, FacetTable, facet_counts, resolve_filters
from .highlight import find_spans, snippet
from .query import ParsedQuery, parse_query
from .synonyms import Synonyms, load_synonyms
from .whoosh_query import build_query

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_QUERY_LENGTH = 500
RECENCY_WEIGHT = 0.02  # per year newer than the oldest: a preference, not an override
RECENCY_CAP = 0.1  # so a wide span of years never outweighs a better match
HIT_FIELDS = ("id", "article_id", "title", "source", "province", "city", "county", "unit",
              "level", "year", "doc_type", "kind", "section")


@dataclass
class SearchRequest:
    """What the user asked for, as the CLI and the page receive it."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    synonyms: bool = True


class RecencyBM25F(BM25F):
    """BM25F with a small, capped preference for newer documents (global docnums only)."""

    use_final = True

    def __init__(self, years: np.ndarray | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._years = years
        present = years[years > 0] if years is not None and len(years) else np.array([])
        self._oldest = int(present.min()) if len(present) else 0

    def final(self, searcher, docnum: int, score: float) -> float:
        """Scale the score up a little for each year after the oldest in the index."""
        if self._years is None or docnum >= len(self._years) or not self._years[docnum]:
            return score
        return score * (1.0 + min(RECENCY_CAP, RECENCY_WEIGHT * (int(self._years[docnum]) - self._oldest)))


def validate(request: SearchRequest, max_per_page: int = MAX_PER_PAGE) -> None:
    """Raise QueryError for a request that cannot be answered, saying what to change."""
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}", hint=f"use one of: {', '.join(SORTS)}")
    if not isinstance(request.per_page, int) or not 1 <= request.per_page <= max_per_page:
        raise QueryError(f"per_page must be between 1 and {max_per_page}", hint="try per_page=10")
    if not isinstance(request.page, int) or not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}", hint="pages start at 1")
    for name in request.filters:
        if name not in FACET_BY_NAME:
            raise QueryError(f"unknown filter {name!r}", hint=f"filters: {', '.join(FACET_BY_NAME)}")


class SearchIndex:
    """An index folder opened for searching; thread-safe, reopens after each commit."""

    def __init__(self, index_dir: Path, synonyms: Synonyms | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self.facets = FacetCache()
        self._lock = threading.Lock()
        self._ix = None

    def _index(self):
        with self._lock:
            if self._ix is None:
                if not exists_in(str(self.index_dir)):
                    raise IndexMissing(f"no index at {self.index_dir}", hint="run `unionsearch index PATH` first")
                try:
                    self._ix = open_dir(str(self.index_dir))
                except EmptyIndexError as exc:
                    raise IndexMissing(f"no index at {self.index_dir}", hint=str(exc)) from None
            return self._ix

    def searcher(self, weighting=None):
        """Return a new Whoosh searcher on the newest committed generation."""
        ix = self._index()
        return ix.searcher(weighting=weighting) if weighting is not None else ix.searcher()

    def facet_table(self, searcher) -> FacetTable:
        """Return the facet codes of the searcher's generation."""
        return self.facets.get(searcher)

    def search(self, request: SearchRequest) -> dict:
        """Run a search and return the `search --json` shape."""
        started = time.perf_counter()
        validate(request)
        parsed = parse_query(request.q, max_length=MAX_QUERY_LENGTH)
        filters = _merge_filters(parsed, request.filters)
        built = build_query(parsed, self.synonyms if request.synonyms else None)
        notices = list(parsed.notices)
        for term, used in built.expansions.items():
            notices.append(f"“{term}”同时检索了同义词：{'、'.join(used)}")
        with self.searcher() as searcher:
            table = self.facet_table(searcher)
            masks, resolved, filter_notices = resolve_filters(table, filters)
            notices.extend(filter_notices)
            matched = _mask(searcher, built.matcher)
            selected = matched.copy()
            for mask in masks.values():
                selected &= mask
            # Paragraphs found only through a synonym rank after every exact one.
            exact = selected & _mask(searcher, built.exact) if built.exact is not None else None
            total = int(np.count_nonzero(selected))
            hits = self._page(searcher, table, built.ranked, selected, exact, request)
            for hit in hits:
                hit["snippet"] = snippet(hit["text"], find_spans(hit["text"], built.literals))
            result = {
                "query": request.q,
                "total": total,
                "page": request.page,
                "per_page": request.per_page,
                "hits": hits,
                "facets": facet_counts(table, matched, masks),
                "filters": resolved,
                "notices": notices,
                "literals": built.literals,
                "took_ms": round((time.perf_counter() - started) * 1000, 1),
            }
        return result

    def _page(self, searcher, table: FacetTable, ranked: wq.Query, selected: np.ndarray,
              exact: np.ndarray | None, request: SearchRequest) -> list[dict]:
        """Return the hits of the requested page: by relevance or year, exact matches first."""
        start = (request.page - 1) * request.per_page
        end = start + request.per_page
        searcher.weighting = RecencyBM25F(table.codes["year"])
        inexact = selected & ~exact if exact is not None else None
        if request.sort == "relevance":
            groups = [g for g in (exact, inexact) if g is not None] or [selected]
        else:
            groups = year_groups(table.codes["year"], selected, request.sort == "newest", inexact)
        # Only the groups the page overlaps are ranked: one group with a top-k search, several
        # with one search over their union, ordered by group, then score, then docnum (whoosh's
        # own tie order, so a page never disagrees with its neighbours).
        overlapping: list[np.ndarray] = []
        first = None
        offset = 0
        for group in groups:
            size = int(np.count_nonzero(group))
            if size and start < offset + size and end > offset:
                first = offset if first is None else first
                overlapping.append(group)
            offset += size
            if offset >= end:
                break
        if not overlapping:
            return []
        if len(overlapping) == 1:
            found = _ranked(searcher, ranked, overlapping[0], end - first)
        else:
            rank = np.zeros(len(selected), dtype=np.int64)
            for number, group in enumerate(overlapping):
                rank[group] = number
            union = np.logical_or.reduce(overlapping)
            found = sorted(_ranked(searcher, ranked, union, None), key=lambda p: (rank[p[0]], -p[1], p[0]))
        return [_hit(searcher, docnum, score) for docnum, score in found[start - first:end - first]]


def year_groups(years: np.ndarray, selected: np.ndarray, newest: bool,
                inexact: np.ndarray | None) -> Iterator[np.ndarray]:
    """Yield the selection split by year (newest or oldest first, undated last), exact first."""
    keys = np.where(years > 0, -years if newest else years, 1 << 20).astype(np.int64) * 2
    if inexact is not None:
        keys += inexact
    for key in np.unique(keys[selected]).tolist():
        yield selected & (keys == key)


def _mask(searcher, query: wq.Query) -> np.ndarray:
    """Return a boolean array over docnums flagging the live paragraphs ``query`` matches."""
    flags = np.zeros(searcher.doc_count_all(), dtype=bool)
    flags[np.fromiter(searcher.docs_for_query(query), dtype=np.int64)] = True
    return flags


def _ranked(searcher, query: wq.Query, allowed: np.ndarray, limit: int | None) -> list[tuple[int, float]]:
    """Return up to ``limit`` (all when None) (docnum, score) pairs of the allowed paragraphs, best first."""
    results = searcher.search(query, filter=set(np.flatnonzero(allowed).tolist()), limit=limit)
    return [(docnum, float(score or 0.0)) for score, docnum in results.top_n]


def _hit(searcher, docnum: int, score: float) -> dict:
    """Return one hit's public fields."""
    stored = searcher.stored_fields(docnum)
    hit = {name: stored.get(name) for name in HIT_FIELDS}
    hit["themes"] = [t for t in (stored.get("themes") or "").split(",") if t]
    hit["text"] = stored.get("text", "")
    hit["score"] = round(score, 4)
    return hit


def _merge_filters(parsed: ParsedQuery, extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the query's own filters with the request's added (both OR within a facet)."""
    merged = {name: list(values) for name, values in parsed.filters.items()}
    for name, values in extra.items():
        known = merged.setdefault(name, [])
        known.extend(v for v in dict.fromkeys(values) if v not in known)
    return merged


def read_article_record(stored: dict) -> dict:
    """Return the article record stored on an article's first paragraph."""
    return json.loads(stored["article"])
