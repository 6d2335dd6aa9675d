"""Searching an index: a request in, ranked and faceted hits with snippets out."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.analysis import default_analyzer
from index.folder import STALE_ANALYSIS, STALE_HINT, IndexFormatError, analysis_is_stale, check_index_dir
from index.snapshot import SnapshotMissing, latest_generation, read_snapshot

from .errors import IndexMissing, QueryError
from .facets import FACET_BY_NAME, facet_counts, resolve_filters, unknown_filter
from .generation import Generation
from .grouping import page_by_article
from .highlight import find_spans, snippet
from .limits import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH
from .patterns import to_patterns
from .query import ParsedQuery, parse_query
from .related import RELATED_WEIGHT, expansion_words, related_words
from .scoring import DERIVED, Matcher, Plan, order, plan_query
from .semantic import SemanticLayer
from .soft import Tiers, hit_record, rank_keys, tiers
from .synonyms import Synonyms, load_synonyms
from .tree import Literal

SORTS = ("relevance", "newest", "oldest")
NO_INDEX_HINT = "先运行 unionsearch index 文件夹 建立索引"
OPEN_ATTEMPTS = 5  # a generation read while commits land is read again, at most this often
__all__ = ["MAX_PER_PAGE", "SORTS", "SearchIndex", "SearchRequest", "Selection", "validate"]


@dataclass
class SearchRequest:
    """What the user asked for, as the CLI and the page receive it."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    synonyms: bool = True
    soft: bool = True  # partial hits below those with every term (search/soft.py)
    group: bool = False  # one hit per article: its best paragraph, with a count
    related: bool = False  # also rank by the query's related words, weakly
    semantic: bool = True  # fuse with the nearest paragraphs by meaning where vectors exist (search/semantic.py)


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


@dataclass
class Selection:
    """A request resolved against one generation: what the search and the concordance both start from."""

    parsed: ParsedQuery
    plan: Plan
    generation: Generation
    matcher: Matcher
    matched: np.ndarray  # paragraphs holding every term (the workbench's set; soft matching's tier 1)
    exact: np.ndarray | None  # ... of those, matched without synonyms (None: no synonym used)
    selected: np.ndarray  # matched and passing every filter
    masks: dict[str, np.ndarray]
    resolved: dict
    notices: list[str]
    found: Tiers  # every tier soft matching finds (search/soft.py)
    filtered: np.ndarray  # the paragraphs passing every filter


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
        self.semantic = SemanticLayer(self.index_dir)

    def _latest(self) -> int:
        """Return the number of the newest committed table of contents, -1 when there is none."""
        return latest_generation(self.index_dir)

    def _load(self, number: int) -> Generation:
        """Return generation ``number``, loading it unless it is the one already loaded."""
        if number < 0:
            raise IndexMissing(f"{self.index_dir} 还没有索引", hint=NO_INDEX_HINT)
        if self._generation is not None and self._generation[0] == number:
            return self._generation[1]
        if not self._checked:
            check_index_dir(self.index_dir)
            self._checked = True
        snapshot = read_snapshot(self.index_dir, number)
        # The segment column files stay readable through their memory maps even after a later commit
        # deletes them; segments the previous generation loaded are reused as they are.
        previous = self._generation[1] if self._generation is not None else None
        self._generation = (number, Generation(self.index_dir, snapshot, previous))
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
                except SnapshotMissing:
                    raise IndexMissing(f"{self.index_dir} 还没有索引", hint=NO_INDEX_HINT) from None
            raise AssertionError("unreachable")

    def warm(self) -> None:
        """Load the newest generation and the word segmenter now, so the first search need not.

        Then what the first pattern search, concordance or keyness would pay for: the decoded
        folded texts (at 1M 0.6 s and 270 MB, one segment at a time), the words' totals over
        the index and the whole-index counts of common phrases (4 s at 1M).
        """
        from .keyness import prepare
        from .phrase_keyness import prepare as prepare_phrases

        try:
            generation = self.generation()
        except (IndexMissing, IndexFormatError):
            return  # the page says what to do when it is asked for
        default_analyzer().query_words("工会")
        for name, compute in DERIVED.items():
            generation.derived(name, compute)
        self.semantic.view(generation)  # a million vectors take seconds to load
        for segment in generation.segments:
            segment.folded.text()
        prepare(generation)
        prepare_phrases(generation)

    def plan(self, q: str, synonyms: bool = True, split: bool = False) -> tuple[ParsedQuery, Plan]:
        """Return a query parsed (句式 patterns as operators) and planned with this index's synonyms."""
        parsed = to_patterns(parse_query(q, max_length=self.max_query_length))
        return parsed, plan_query(parsed, self.synonyms if synonyms else None, split=split)

    def literals(self, q: str, synonyms: bool = True) -> list[str]:
        """Return what a search for ``q`` marks (its terms and their synonyms), without searching."""
        return self.plan(q, synonyms)[1].literals

    def select(self, request: SearchRequest) -> Selection:
        """Return what a request matches: its plan, the matched and selected paragraphs, notices."""
        validate(request, self.max_per_page)
        parsed, plan = self.plan(request.q, request.synonyms, split=request.soft)
        notices = list(parsed.notices)
        for term, used in plan.expansions.items():
            notices.append(f"“{term}”同时检索了同义词：{'、'.join(used)}")
        generation = self.generation()
        if stale := self.analysis_notice():
            notices.append(stale)
        masks, resolved, filter_notices = resolve_filters(generation.facets, _merge_filters(parsed, request.filters))
        notices.extend(filter_notices)
        matcher = Matcher(generation)
        found = tiers(generation, matcher, plan, request.soft)
        filtered = np.ones(generation.size, dtype=bool)
        for mask in masks.values():
            filtered &= mask
        return Selection(parsed, plan, generation, matcher, found.all_terms, found.exact, found.all_terms & filtered,
                         masks, resolved, notices, found, filtered)

    def search(self, request: SearchRequest) -> dict:
        """Run a search and return the `search --json` shape."""
        started = time.perf_counter()
        selection = self.select(request)
        plan, generation, matcher, found = selection.plan, selection.generation, selection.matcher, selection.found
        masks, resolved, notices, table = selection.masks, selection.resolved, selection.notices, generation.facets
        filtered = selection.filtered
        related = related_words(generation, plan, self.synonyms if request.synonyms else None)
        if request.related:
            # The synonym list wins: a term with synonyms is expanded by them, not by related words.
            plan.extra.extend((word, RELATED_WEIGHT) for word in expansion_words(related, plan))
        selected = found.hits & filtered
        total = int(np.count_nonzero(selected))
        total_all_terms = int(np.count_nonzero(found.all_terms & filtered))
        # Facets count what the writer asked for (every term) while some paragraph has it; else
        # every hit. Either way each count is what its filter returns in that same total.
        basis = "all_terms" if total_all_terms or total == 0 else "all_hits"
        out: dict = {"query": request.q, "total": total, "total_all_terms": total_all_terms,
                     "page": request.page, "per_page": request.per_page}
        semantic = None
        if request.group:
            hits, out["total_articles"] = page_by_article(generation, matcher, plan, found, selected, request)
        elif request.semantic:
            # Vectors rank among the partial hits and add paragraphs found by meaning (search/semantic.py).
            page = lambda window: self._page(generation, matcher, plan, selected, found, window, total)  # noqa: E731
            hits, out["total"], semantic, more = self.semantic.page(generation, selection.parsed, request, selected,
                                                                    found.exact, masks, total, page)
            notices.extend(more)
        else:
            hits = self._page(generation, matcher, plan, selected, found, request, total)
        split_words = {group.label: group.split for group in plan.tree.includes}
        for hit in hits:
            hit.setdefault("all_terms", False)  # a paragraph found by meaning alone
            hit.setdefault("split", [])
            # A hit found through a split term shows its words marked; other hits only the terms.
            marked = [*plan.tree.leaves(), *(Literal(word) for label in hit["split"] for word in split_words[label])]
            hit["snippet"] = snippet(hit["text"], find_spans(hit["text"], marked, traditional=True))
        out.update({
            "hits": hits,
            "facets": facet_counts(table, found.all_terms if basis == "all_terms" else found.hits, masks),
            "facet_basis": basis,
            "filters": resolved,
            "notices": notices,
            "literals": plan.literals,
            "related": related,
            "group": request.group,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
        })
        if semantic is not None:
            out["semantic"] = semantic
        return out

    def _page(self, generation: Generation, matcher: Matcher, plan, selected: np.ndarray,
              found: Tiers, request: SearchRequest, total: int) -> list[dict]:
        """Return the hits of the requested page: by relevance or year, tier by tier."""
        start = (request.page - 1) * request.per_page
        end = min(start + request.per_page, total)
        if start >= end:
            return []
        first = selected & found.all_terms if found.hits is not found.all_terms else selected
        # Every-term hits come first in every sort: when they fill the page, no partial hit is scored.
        docs = np.flatnonzero(first if int(np.count_nonzero(first)) >= end else selected)
        score, group = rank_keys(generation, matcher, plan, found, docs, request.sort)
        page = order(np.arange(len(docs)), score, group, end)[start:end]
        return [hit_record(generation, found, int(docs[at]), float(score[at])) for at in page.tolist()]


def _merge_filters(parsed: ParsedQuery, extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the query's own filters with the request's added (both OR within a facet)."""
    merged = {name: list(values) for name, values in parsed.filters.items()}
    for name, values in extra.items():
        known = merged.setdefault(name, [])
        known.extend(v for v in dict.fromkeys(values) if v not in known)
    return merged
