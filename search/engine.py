"""Searching an index: a request in, ranked and faceted hits with snippets out."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError

from index.analysis import default_analyzer
from index.folder import STALE_ANALYSIS, STALE_HINT, IndexFormatError, analysis_is_stale, check_index_dir

from .errors import IndexMissing, QueryError
from .facets import FACET_BY_NAME, facet_counts, resolve_filters, unknown_filter
from .generation import Generation
from .highlight import find_spans, snippet
from .limits import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH
from .query import ParsedQuery, parse_query
from .scoring import DERIVED, Matcher, order, plan_query, scores
from .synonyms import Synonyms, load_synonyms

SORTS = ("relevance", "newest", "oldest")
NO_INDEX_HINT = "先运行 unionsearch index 文件夹 建立索引"
OPEN_ATTEMPTS = 5  # a generation read while commits land is read again, at most this often
__all__ = ["MAX_PER_PAGE", "SORTS", "SearchIndex", "SearchRequest", "validate"]


@dataclass
class SearchRequest:
    """What the user asked for, as the CLI and the page receive it."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    synonyms: bool = True


def validate(request: SearchRequest, max_per_page: int = MAX_PER_PAGE) -> None:
    """Raise QueryError for a request that cannot be answered, saying what to change."""
    if request.sort not in SORTS:
        raise QueryError(f"未知的排序方式“{request.sort}”", hint=f"可用：{'、'.join(SORTS)}")
    if not isinstance(request.per_page, int) or not 1 <= request.per_page <= max_per_page:
        raise QueryError(f"每页条数须在 1 到 {max_per_page} 之间", hint="例如 per_page=10")
    if not isinstance(request.page, int) or not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"页码须在 1 到 {MAX_PAGE} 之间", hint="页码从 1 开始")
    for name in request.filters:
        if name not in FACET_BY_NAME:
            raise unknown_filter(name)


class SearchIndex:
    """An index folder opened for searching: thread-safe, follows each new commit."""

    def __init__(self, index_dir: Path, synonyms: Synonyms | None = None,
                 max_per_page: int = MAX_PER_PAGE, max_query_length: int = MAX_QUERY_LENGTH) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self.max_per_page = max_per_page
        self.max_query_length = max_query_length
        self._lock = threading.Lock()
        self._checked = False
        self._generation: tuple[int, Generation] | None = None
        self._stale_analysis = False

    def _latest(self) -> int:
        """Return the number of the newest committed table of contents, -1 when there is none."""
        if not self.index_dir.is_dir():
            return -1
        # Listing the folder is all Whoosh does to find it; no file is opened, so this cannot race.
        return TOC._latest_generation(FileStorage(str(self.index_dir)), "MAIN")

    def _load(self, number: int) -> Generation:
        """Return generation ``number``, loading it unless it is the one already loaded."""
        if number < 0:
            raise IndexMissing(f"{self.index_dir} 还没有索引", hint=NO_INDEX_HINT)
        if self._generation is not None and self._generation[0] == number:
            return self._generation[1]
        if not self._checked:
            check_index_dir(self.index_dir)
            self._checked = True
        toc = TOC.read(FileStorage(str(self.index_dir)), "MAIN", gen=number)
        # The sidecar files stay readable through their memory maps even after a later commit
        # deletes them; segments the previous generation loaded are reused as they are.
        previous = self._generation[1] if self._generation is not None else None
        self._generation = (number, Generation(self.index_dir, toc.segments, previous))
        self._stale_analysis = analysis_is_stale(self.index_dir, default_analyzer().fingerprint)
        return self._generation[1]

    def analysis_notice(self) -> str | None:
        """Return the notice that the index was cut with another user dictionary, or None."""
        if self._stale_analysis:  # the writer records the new dictionary after its commit: look again
            self._stale_analysis = analysis_is_stale(self.index_dir, default_analyzer().fingerprint)
        return f"{STALE_ANALYSIS}。{STALE_HINT}。" if self._stale_analysis else None

    def generation(self) -> Generation:
        """Return the newest committed generation, loading it once per commit."""
        with self._lock:
            for attempt in range(OPEN_ATTEMPTS):
                number = self._latest()
                try:
                    return self._load(number)
                except (FileNotFoundError, IndexMissing):
                    # A commit landing now deletes the table of contents being read and the segments
                    # it merged away: read the newer one, unless nothing new was committed.
                    if attempt + 1 == OPEN_ATTEMPTS or self._latest() == number:
                        raise
                except EmptyIndexError:
                    raise IndexMissing(f"{self.index_dir} 还没有索引", hint=NO_INDEX_HINT) from None
            raise AssertionError("unreachable")

    def warm(self) -> None:
        """Load the newest generation and the word segmenter now, so the first search need not."""
        try:
            generation = self.generation()
        except (IndexMissing, IndexFormatError):
            return  # the page says what to do when it is asked for
        default_analyzer().query_words("工会")
        for name, compute in DERIVED.items():
            generation.derived(name, compute)

    def search(self, request: SearchRequest) -> dict:
        """Run a search and return the `search --json` shape."""
        started = time.perf_counter()
        validate(request, self.max_per_page)
        parsed = parse_query(request.q, max_length=self.max_query_length)
        plan = plan_query(parsed, self.synonyms if request.synonyms else None)
        notices = list(parsed.notices)
        for term, used in plan.expansions.items():
            notices.append(f"“{term}”同时检索了同义词：{'、'.join(used)}")
        generation = self.generation()
        if stale := self.analysis_notice():
            notices.append(stale)
        table = generation.facets
        masks, resolved, filter_notices = resolve_filters(table, _merge_filters(parsed, request.filters))
        notices.extend(filter_notices)
        matcher = Matcher(generation)
        matched, exact = matcher.match(plan)
        selected = matched.copy()
        for mask in masks.values():
            selected &= mask
        total = int(np.count_nonzero(selected))
        hits = self._page(generation, matcher, plan, selected, exact, request, total)
        for hit in hits:
            hit["snippet"] = snippet(hit["text"], find_spans(hit["text"], plan.literals, traditional=True))
        return {
            "query": request.q,
            "total": total,
            "page": request.page,
            "per_page": request.per_page,
            "hits": hits,
            "facets": facet_counts(table, matched, masks),
            "filters": resolved,
            "notices": notices,
            "literals": plan.literals,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def _page(self, generation: Generation, matcher: Matcher, plan, selected: np.ndarray,
              exact: np.ndarray | None, request: SearchRequest, total: int) -> list[dict]:
        """Return the hits of the requested page: by relevance or year, exact matches first."""
        start = (request.page - 1) * request.per_page
        end = min(start + request.per_page, total)
        if start >= end:
            return []
        docs = np.flatnonzero(selected)
        score = scores(generation, matcher, plan, docs)
        tier = (~exact[docs]).astype(np.int64) if exact is not None else np.zeros(len(docs), dtype=np.int64)
        group = tier
        if request.sort != "relevance":
            years = generation.year[docs]
            year_key = np.where(years > 0, -years if request.sort == "newest" else years, 1 << 20)
            # Dense ranks keep the group numbers small, so group and score share one float key.
            group = np.unique(year_key.astype(np.int64) * 2 + tier, return_inverse=True)[1]
        page = order(np.arange(len(docs)), score, group, end)[start:end]
        hits = []
        for at in page.tolist():
            hit = generation.record(int(docs[at]))
            hit["score"] = round(float(score[at]), 4)
            hits.append(hit)
        return hits


def _merge_filters(parsed: ParsedQuery, extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the query's own filters with the request's added (both OR within a facet)."""
    merged = {name: list(values) for name, values in parsed.filters.items()}
    for name, values in extra.items():
        known = merged.setdefault(name, [])
        known.extend(v for v in dict.fromkeys(values) if v not in known)
    return merged
