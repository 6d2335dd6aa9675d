"""Searching an index: a request in, ranked and faceted hits with snippets out."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import sorting
from whoosh import query as wq
from whoosh.index import EmptyIndexError, exists_in, open_dir
from whoosh.scoring import BM25F

from index.model import LEVELS, PARAGRAPH_KINDS
from index.themes import THEMES

from .errors import IndexMissing, QueryError
from .facets import FACET_BY_NAME, FacetCache, FacetTable, facet_counts
from .highlight import find_spans, snippet
from .query import ParsedQuery, parse_query
from .synonyms import Synonyms, load_synonyms
from .whoosh_query import build_query

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 500
RECENCY_WEIGHT = 0.02  # per year newer than the oldest: a preference, not an override
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
    """BM25F with a small preference for newer documents."""

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
        return score * (1.0 + RECENCY_WEIGHT * (int(self._years[docnum]) - self._oldest))


def validate(request: SearchRequest, max_per_page: int = MAX_PER_PAGE) -> None:
    """Raise QueryError for a request that cannot be answered, saying what to change."""
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}", hint=f"use one of: {', '.join(SORTS)}")
    if not 1 <= request.per_page <= max_per_page:
        raise QueryError(f"per_page must be between 1 and {max_per_page}", hint="try per_page=10")
    if request.page < 1 or request.page > 100_000:
        raise QueryError("page must be a positive number", hint="pages start at 1")
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
            masks, resolved, filter_notices = _filter_masks(table, filters)
            notices.extend(filter_notices)
            matched = np.zeros(searcher.doc_count_all(), dtype=bool)
            matched[list(searcher.docs_for_query(built.matcher))] = True
            selected = matched.copy()
            for mask in masks.values():
                selected &= mask
            total = int(np.count_nonzero(selected))
            hits = self._page(searcher, table, built.ranked, selected, request, total)
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
              request: SearchRequest, total: int) -> list[dict]:
        start = (request.page - 1) * request.per_page
        if start >= total:
            return []
        allowed = set(np.flatnonzero(selected).tolist())
        # The recency preference needs the year column, which the searcher only now knows.
        searcher.weighting = RecencyBM25F(table.codes["year"])
        if request.sort == "relevance":
            sortedby = None
        else:
            sortedby = [sorting.FieldFacet("year", reverse=request.sort == "newest"), sorting.ScoreFacet()]
        results = searcher.search(ranked, filter=allowed, limit=start + request.per_page,
                                         sortedby=sortedby)
        hits = []
        for rank in range(start, min(len(results), start + request.per_page)):
            stored = results[rank].fields()
            hit = {name: stored.get(name) for name in HIT_FIELDS}
            hit["themes"] = [t for t in (stored.get("themes") or "").split(",") if t]
            hit["text"] = stored.get("text", "")
            score = results[rank].score
            if isinstance(score, tuple):  # sorted hits carry their sort key; ScoreFacet's part is -score
                score = -score[-1]
            hit["score"] = round(float(score or 0.0), 4)
            hits.append(hit)
        return hits


def _merge_filters(parsed: ParsedQuery, extra: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {name: list(values) for name, values in parsed.filters.items()}
    for name, values in extra.items():
        merged.setdefault(name, []).extend(v for v in values if v not in merged[name])
    return merged


def parse_years(values: list[str]) -> list[tuple[int, int]]:
    """Return (from, to) pairs for year filter values "2021" or "2019-2023"."""
    pairs = []
    for value in values:
        low, _, high = str(value).partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise QueryError(f"year filter {value!r} is not a year", hint="use 2021 or 2019-2023") from None
        pairs.append((min(first, last), max(first, last)))
    return pairs


def _filter_masks(table: FacetTable, filters: dict[str, list[str]]) -> tuple[dict, dict, list[str]]:
    """Resolve filter values against the index (河北 → 河北省) and build their masks."""
    masks: dict[str, np.ndarray] = {}
    resolved: dict[str, list] = {}
    notices: list[str] = []
    for name, values in filters.items():
        if not values:
            continue
        if name == "year":
            pairs = parse_years(values)
            masks[name] = table.mask("year", pairs)
            resolved[name] = [v for v in values]
            continue
        chosen: list[str] = []
        known = table.values.get(name, [])
        for value in values:
            if name in ("level", "kind"):
                allowed = LEVELS if name == "level" else PARAGRAPH_KINDS
                if value not in allowed:
                    raise QueryError(f"unknown {name} {value!r}", hint=f"use one of: {', '.join(allowed)}")
                chosen.append(value)
                continue
            if name == "theme":
                themes = [t for t in THEMES if value == t or value in t]
                if not themes:
                    notices.append(f"没有“{value}”这一主题")
                chosen.extend(t for t in themes if t not in chosen)
                continue
            matches = [v for v in known if v and (v == value or v.startswith(value))]
            if not matches:
                notices.append(f"索引中没有“{value}”这一{FACET_BY_NAME[name].label}")
                chosen.append(value)
            chosen.extend(m for m in matches if m not in chosen)
        masks[name] = table.mask(name, chosen)
        resolved[name] = chosen
    return masks, resolved, notices


def read_article_record(stored: dict) -> dict:
    """Return the article record stored on an article's first paragraph."""
    return json.loads(stored["article"])
