"""SearchIndex on a SphinxQL cluster: the same request in, the same `search --json` shape out."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from index.fields import FIELD_BY_NAME, FIELDS, YEAR_FIELDS
from index.themes import THEMES

from ..engine import MAX_PER_PAGE, MAX_QUERY_LENGTH, SearchRequest, _merge_filters, validate
from ..errors import QueryError
from ..facets import COUNTED, resolve_filters
from ..highlight import find_spans, snippet
from ..patterns import pattern_terms
from ..query import parse_query
from ..scoring import RECENCY_CAP, RECENCY_WEIGHT, plan_query
from ..synonyms import Synonyms, load_synonyms
from .config import FILES_INDEX, MULTI_FIELDS, SEARCH_INDEX, STAMP_ID, STRING_FACETS, YEAR_COLUMNS
from .connection import PARTIAL_NOTICE, Cluster, ClusterUnavailable
from .query import FACET_COLUMNS, RemoteFacets, match_expression, where_clause

HIT_COLUMNS = ("id", "pid", "article_id", "title", "source", "unit", "organization", *STRING_FACETS,
               *YEAR_COLUMNS, "section", *MULTI_FIELDS, "text", "position")
FACET_LIMIT = 20_000  # distinct values one facet may list; counts stay exact below it
# Facets counted by one FACET each: the places together, the facets with few values together, themes.
JOINTS = tuple(tuple(f.name for f in FIELDS if f.counted and f.kind in kinds)
               for kinds in (("place",), ("year", "coded"), ("theme",)))
# The facets whose values are listed once per generation: every string and year field, the years last.
LISTED = (*(f.name for f in FIELDS if f.kind in ("place", "coded")), *(f.name for f in YEAR_FIELDS))
MAX_WINDOW = 100_000  # deepest hit a page may reach (start + per_page)
# The cluster matches literals only: a pattern typed there is looked up as the characters it holds.
PATTERN_NOTICE = "SphinxQL 集群不支持句式检索（* ? NEAR/n），“{pattern}”已按普通文字查找；句式检索请用本机索引。"


@dataclass
class RemoteGeneration:
    """What a searcher knows of the cluster between two writes: its stamp and its facet values."""

    stamp: str | None
    facets: RemoteFacets


def hit_record(row: tuple) -> dict:
    """Return a paragraph's public fields (the local record shape) from a row of HIT_COLUMNS."""
    values = dict(zip(HIT_COLUMNS, row))
    out = {"id": values["pid"], "article_id": values["article_id"], "title": values["title"],
           "source": values["source"], "unit": values["unit"] or None, "organization": values["organization"] or None}
    for column in STRING_FACETS:
        out[column] = values[column] or None
    for column in YEAR_COLUMNS:
        out[column] = int(values[column]) or None
    out["section"] = values["section"]
    for column in MULTI_FIELDS:
        ids = {int(v) for v in str(values[column] or "").split(",") if v.strip()}
        out[column] = [t for i, t in enumerate(THEMES) if i + 1 in ids]
    out["text"] = values["text"]
    out["position"] = int(values["position"])
    return out


def meta_of(rows: list[tuple]) -> dict[str, str]:
    """Return SHOW META as a dict (several warnings joined)."""
    meta: dict[str, str] = {}
    for name, value in rows:
        meta[name] = f"{meta[name]}; {value}" if name in meta else value
    return meta


class SphinxSearchIndex:
    """A SphinxQL cluster opened for searching; thread-safe; follows each write (config.STAMP_ID)."""

    backend = "sphinxql"

    def __init__(self, url: str, synonyms: Synonyms | None = None, max_per_page: int = MAX_PER_PAGE,
                 max_query_length: int = MAX_QUERY_LENGTH) -> None:
        self.url = url
        self.index_dir = url  # where the page and CLI say the index is
        self.cluster = Cluster(url)
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self.max_per_page = max_per_page
        self.max_query_length = max_query_length
        self._lock = threading.Lock()
        self._generation: RemoteGeneration | None = None

    # --- talking to the cluster -------------------------------------------------------------

    def query(self, sql: str) -> tuple[list[list[tuple]], list[str]]:
        """Run statements on the distributed index of the first node that answers; return (results, notices).

        A node that does not answer is skipped; its shard, and any shard another node reports
        missing (SHOW META's warning), make the result partial and add the notice.
        """
        notices: list[str] = []
        error: ClusterUnavailable | None = None
        for number in range(len(self.cluster.nodes)):
            try:
                results = self.cluster.execute(number, sql + "; SHOW META")
            except ClusterUnavailable as exc:
                error = error or exc
                continue
            warnings = " ".join(meta_of(rows).get("warning", "") for rows in results
                                if rows and len(rows[0]) == 2 and rows[0][0] in ("warning", "total"))
            if error is not None or "agent" in warnings:
                notices.append(PARTIAL_NOTICE)
            return results[:-1], notices
        raise ClusterUnavailable(f"SphinxQL 集群的节点都不可用（{error.message if error else self.url}）",
                                 hint="请确认 searchd 正在运行，或检查 UNIONSEARCH_ENGINE / --engine 的地址")

    def generation(self) -> RemoteGeneration:
        """Return the facet values of the cluster, read again only after a write moved the stamp."""
        try:
            rows = self.cluster.execute(0, f"SELECT digest FROM {FILES_INDEX} WHERE id = {STAMP_ID}")[0]
            stamp = rows[0][0] if rows else ""
        except ClusterUnavailable:
            stamp = None  # the first node is down: keep what is known, or read it from another node
        with self._lock:
            current = self._generation
            if current is not None and (stamp is None or current.stamp == stamp):
                return current
            self._generation = RemoteGeneration(stamp, self._read_facets())
            return self._generation

    def _read_facets(self) -> RemoteFacets:
        names = list(LISTED)
        facets = " ".join(f"FACET {FACET_COLUMNS[n]} LIMIT {FACET_LIMIT}" for n in names)
        results, _ = self.query(f"SELECT id FROM {SEARCH_INDEX} LIMIT 0 OPTION max_matches={FACET_LIMIT} {facets}; "
                                f"SELECT city, province FROM {SEARCH_INDEX} GROUP BY city LIMIT {FACET_LIMIT} "
                                f"OPTION max_matches={FACET_LIMIT}")
        listed = dict(zip(names, results[1:1 + len(names)]))
        years_name = YEAR_FIELDS[0].name
        values = {name: [""] + sorted({str(v) for v, _ in listed[name] if v}) for name in names if name != years_name}
        years = sorted(int(v) for v, _ in listed[years_name] if int(v) > 0)
        index = {name: {v: i for i, v in enumerate(values[name])} for name in ("city", "province")}
        pairs = [(index["city"].get(c, 0), index["province"].get(p, 0)) for c, p in results[-1]]
        codes = {"city": np.array([c for c, _ in pairs], dtype=np.int32),
                 "province": np.array([p for _, p in pairs], dtype=np.int32)}
        return RemoteFacets(values, codes, years)

    def warm(self) -> None:
        """Read the facet values now, so the first search need not (a cluster that is down is left for later)."""
        try:
            self.generation()
        except ClusterUnavailable:
            pass

    # --- searching ----------------------------------------------------------------------------

    def literals(self, q: str, synonyms: bool = True) -> list[str]:
        """Return what a search for ``q`` marks (its terms and their synonyms), without searching."""
        parsed = parse_query(q, max_length=self.max_query_length)
        return plan_query(parsed, self.synonyms if synonyms else None).literals

    def search(self, request: SearchRequest) -> dict:
        """Run a search and return the `search --json` shape (hits, total, facets, snippets, notices)."""
        started = time.perf_counter()
        validate(request, self.max_per_page)
        start = (request.page - 1) * request.per_page
        end = start + request.per_page
        if end > MAX_WINDOW:
            raise QueryError(f"SphinxQL 集群上最多只能翻到第 {MAX_WINDOW} 条结果",
                             hint="请缩小检索范围（加检索词或筛选条件），或导出结果")
        parsed = parse_query(request.q, max_length=self.max_query_length)
        plan = plan_query(parsed, self.synonyms if request.synonyms else None)
        notices = list(parsed.notices)
        for pattern in pattern_terms(parsed):
            notices.append(PATTERN_NOTICE.format(pattern=pattern))
        for term, used in plan.expansions.items():
            notices.append(f"“{term}”同时检索了同义词：{'、'.join(used)}")
        generation = self.generation()
        conditions, resolved, filter_notices = resolve_filters(generation.facets,
                                                               _merge_filters(parsed, request.filters))
        notices.extend(filter_notices)
        match = match_expression(plan)
        tiered = plan.uses_synonyms and request.sort == "relevance"
        statements = [self._hits_sql(match, list(conditions.values()), request.sort, generation,
                                     0 if tiered else start, end if tiered else request.per_page)]
        if tiered:
            statements.insert(0, self._hits_sql(match_expression(plan, exact_only=True),
                                                list(conditions.values()), request.sort, generation, 0, end))
        facet_groups = self._facet_statements(match, conditions)
        statements += [sql for sql, _ in facet_groups]
        results, partial = self.query("; ".join(statements))
        total, rows = self._page(results, tiered, start, end)
        facets = self._facets(results[4 if tiered else 2:], facet_groups)
        hits = []
        for row in rows:
            hit = hit_record(row[:len(HIT_COLUMNS)])
            hit["score"] = round(float(row[len(HIT_COLUMNS)]), 4)
            hit["snippet"] = snippet(hit["text"], find_spans(hit["text"], plan.literals, traditional=True))
            # The cluster matches every term strictly: no soft matching, split terms or vectors.
            hit.update(all_terms=True, missing=[], split=[])
            hits.append(hit)
        return {
            "query": request.q,
            "total": total,
            "total_all_terms": total,
            "page": request.page,
            "per_page": request.per_page,
            "hits": hits,
            "facets": facets,
            "facet_basis": "all_terms",
            "filters": resolved,
            "notices": notices + partial,
            "literals": plan.literals,
            "related": [],
            "group": False,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def _hits_sql(self, match: str | None, conditions: list[str], sort: str, generation: RemoteGeneration,
                  offset: int, count: int) -> str:
        """Return the statement of one page of hits, with total_found counted by the statement after."""
        oldest = generation.facets.oldest_year
        # The local engine's recency preference: at most RECENCY_CAP more for newer documents.
        recency = (f"IF(year > 0, 1.0 + MIN({RECENCY_CAP}, {RECENCY_WEIGHT} * (MAX(year, {oldest}) - {oldest})), 1.0)")
        order = "score DESC, id ASC"
        extra = ""
        if sort != "relevance":
            extra = ", IF(year > 0, " + ("10000 - year" if sort == "newest" else "year") + ", 20000) AS year_key"
            order = "year_key ASC, " + order
        window = max(1000, offset + count)
        return (f"SELECT {', '.join(HIT_COLUMNS)}, weight() * {recency} AS score{extra} FROM {SEARCH_INDEX}"
                f"{where_clause(match, conditions)} ORDER BY {order} LIMIT {offset}, {count} "
                f"OPTION max_matches={window}, ranker=proximity_bm25; SHOW META")

    @staticmethod
    def _page(results: list[list[tuple]], tiered: bool, start: int, end: int) -> tuple[int, list[tuple]]:
        """Return (total, rows of the page); tiered: exact matches first, then synonym-only ones."""
        if not tiered:
            return int(meta_of(results[1]).get("total_found", 0)), results[0]
        exact, full = results[0], results[2]
        total = int(meta_of(results[3]).get("total_found", 0))
        # The exact query was asked for the first `end` rows: when it has fewer, every exact row is
        # among them, and the rest of the page is the full query's best rows that are not exact.
        ids = {row[0] for row in exact}
        merged = list(exact) + ([row for row in full if row[0] not in ids] if len(exact) < end else [])
        return total, merged[start:end]

    def _facet_statements(self, match: str | None, conditions: dict[str, str]) -> list[tuple[str, list[tuple[str, ...]]]]:
        """Return (statement, joints) per set of other selections: each facet ignores its own selection.

        Each FACET is one more match over the shards, so facets with few values are grouped
        together (one FACET over several columns) and summed here, as search/facets.py does.
        """
        by_others: dict[tuple[str, ...], list[str]] = {}
        for name in COUNTED:
            by_others.setdefault(tuple(other for other in conditions if other != name), []).append(name)
        statements = []
        for others, names in by_others.items():
            joints = [tuple(n for n in joint if n in names) for joint in JOINTS]
            joints = [joint for joint in joints if joint]
            # The statement's own result is the first joint's grouping, each FACET another's.
            columns = [", ".join(FACET_COLUMNS[n] for n in joint) for joint in joints]
            clauses = [f"FACET {c} BY {c} ORDER BY COUNT(*) DESC LIMIT {FACET_LIMIT}" for c in columns[1:]]
            # Grouped by a multi-value column, the column shows all its values; GROUPBY() shows the key.
            shown = "GROUPBY()" if FIELD_BY_NAME[joints[0][0]].kind == "theme" else columns[0]
            sql = (f"SELECT {shown}, COUNT(*) FROM {SEARCH_INDEX}"
                   f"{where_clause(match, [conditions[o] for o in others])} GROUP BY {columns[0]} "
                   f"LIMIT {FACET_LIMIT} OPTION max_matches={FACET_LIMIT}, ranker=none {' '.join(clauses)}")
            statements.append((sql, joints))
        return statements

    @staticmethod
    def _facets(results: list[list[tuple]], groups: list[tuple[str, list[tuple[str, ...]]]]) -> dict[str, list[dict]]:
        """Return {facet: [{"value", "count"}]} in the local order (most first; years newest first)."""
        counts: dict[str, Counter] = {name: Counter() for name in COUNTED}
        at = 0
        for _, joints in groups:
            for joint in joints:
                for row in results[at]:
                    for name, value in zip(joint, row):
                        if value not in ("", 0, None):
                            counts[name][value] += int(row[-1])
                at += 1
        out: dict[str, list[dict]] = {}
        for name, counter in counts.items():
            kind = FIELD_BY_NAME[name].kind
            if kind == "year":
                out[name] = [{"value": int(v), "count": n} for v, n in sorted(counter.items(), key=lambda r: -int(r[0]))]
            elif kind == "theme":
                ids = {int(v): n for v, n in counter.items()}
                out[name] = [{"value": t, "count": ids[i + 1]} for i, t in enumerate(THEMES) if ids.get(i + 1)]
            else:
                out[name] = [{"value": v, "count": n} for v, n in sorted(counter.items(), key=lambda r: (-r[1], r[0]))]
        return out

    # --- reading back (search/documents.py and search/concordance.py hand these over) ----------------

    def article_sources(self) -> set[str]:
        """Return the source files the cluster holds."""
        from .documents import article_sources
        return article_sources(self)

    def list_articles(self) -> list[dict]:
        """Return every article (the `docs --json` shape)."""
        from .documents import list_articles
        return list_articles(self)

    def paragraph_context(self, paragraph_id: str, before: int, after: int) -> dict:
        """Return a paragraph with paragraphs of its article around it."""
        from .documents import paragraph_context
        return paragraph_context(self, paragraph_id, before, after)

    def article(self, article_id: str, highlight: list[str] | None = None) -> dict:
        """Return an article with its paragraphs."""
        from .documents import article
        return article(self, article_id, highlight)

    def similar_paragraphs(self, paragraph_id: str, limit: int, terms: int) -> dict:
        """Return the paragraphs of other articles most similar to one paragraph."""
        from .documents import similar_paragraphs
        return similar_paragraphs(self, paragraph_id, limit, terms)

    def select(self, request) -> None:
        """Refuse the workbench's selections (collocations, phrases, keyness, heading sets): local only."""
        from ..errors import NotSupported

        raise NotSupported("SphinxQL 集群上没有这个功能：搭配、常用说法、关键词和标题组只在本机索引上提供",
                           hint="用 --index 指定本机索引，或不设置 UNIONSEARCH_ENGINE")

    def concordance(self, phrase: str, sort: str, context: int, limit: int) -> dict:
        """Return the concordance of a phrase with its counts."""
        from .documents import concordance
        return concordance(self, phrase, sort, context, limit)
