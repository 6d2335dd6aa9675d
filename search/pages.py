"""What a page shows, assembled in one call: the search page, an article or paragraph marked, workbench tables.

A page (web/views.py, web/workbench.py, web/api.py) parses its request, calls one function here
and renders; links and charts stay with the page, which knows its URLs.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .collocations import collocations
from .documents import article, list_articles, paragraph_context
from .engine import SearchIndex, SearchRequest
from .export import export_hits
from .headings import heading_sets
from .highlight import find_spans
from .concordance import concordance
from .ngrams import recurring_phrases
from .query import ParsedQuery, format_query, parse_query

_per_index: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass(frozen=True)
class ConcordanceOptions:
    """How the search page draws its concordance (view=kwic)."""

    sort: str
    context: int
    limit: int
    citation_format: str


def highlight_terms(index: SearchIndex, q: str, synonyms: bool) -> list[str]:
    """Return what a query highlights (its terms and their synonyms): what its search would mark."""
    return index.literals(q, synonyms) if q else []


def marked_article(index: SearchIndex, article_id: str, q: str, synonyms: bool) -> dict:
    """Return a whole article with the matches of ``q`` marked."""
    return article(index, article_id, highlight=highlight_terms(index, q, synonyms))


def paragraph_with_spans(index: SearchIndex, paragraph_id: str, before: int, after: int, q: str,
                         synonyms: bool) -> dict:
    """Return a paragraph in its context; with ``q``, each paragraph's ``spans`` of the terms it matches."""
    record = paragraph_context(index, paragraph_id, before=before, after=after)
    if q:
        literals = highlight_terms(index, q, synonyms)
        for item in (record, *record["before"], *record["after"]):
            item["spans"] = find_spans(item["text"], literals, traditional=True)
    return record


def search_concordance(index: SearchIndex, search: SearchRequest, options: ConcordanceOptions) -> dict | None:
    """Return the concordance of a search's query and filters, each line with its copy text; None without terms."""
    if not parse_query(search.q).tree.includes:
        return None
    kwic = concordance(index, search.q, filters=search.filters, synonyms=search.synonyms, sort=options.sort,
                       context=options.context, limit=options.limit, citation_format=options.citation_format)
    for line in kwic["lines"]:
        # What the line's copy button puts on the clipboard: the line and its citation.
        line["copy_text"] = f"{line['left']}{line['match']}{line['right']}\n{line['citation']}"
    return kwic


def search_page(index: SearchIndex, search: SearchRequest, kwic: ConcordanceOptions | None = None) -> dict:
    """Return what the search page shows: the result, its hits with organizations, the concordance, articles.

    ``articles`` lists the index when nothing is asked; ``city_provinces`` maps each city to its
    province for the sidebar, when there are cities to place.
    """
    result = index.search(search)
    concordance_ = search_concordance(index, search, kwic) if kwic is not None else None
    idle = not search.q and not search.filters
    cities = result["facets"].get("city") or search.filters.get("city")
    return {"result": result, "kwic": concordance_, "idle": idle,
            "hits": with_organizations(index, result["hits"]),
            "articles": list_articles(index) if idle else [],
            "city_provinces": city_provinces(index) if cities else {}}


def _per_generation(index: SearchIndex, name: str, build: Callable[[object], object]) -> object:
    """Return ``build(table)``, computed once per index generation (each commit makes a new facet table)."""
    table = index.generation().facets
    with _lock:
        entries = _per_index.setdefault(index, {})
        entry = entries.get(name)
    if entry is None or entry[0]() is not table:
        entry = (weakref.ref(table), build(table))
        with _lock:
            entries[name] = entry
    return entry[1]


def city_provinces(index: SearchIndex) -> dict[str, str]:
    """Return the province each indexed city belongs to, from the paragraphs' own metadata."""
    def build(table) -> dict[str, str]:
        size = len(table.values["province"])
        pairs = np.unique(table.codes["city"].astype(np.int64) * size + table.codes["province"])
        mapping: dict[str, str] = {}
        for pair in pairs.tolist():
            city, province = divmod(pair, size)
            if city and province:
                mapping.setdefault(table.values["city"][city], table.values["province"][province])
        return mapping

    return _per_generation(index, "cities", build)


def with_organizations(index: SearchIndex, hits: list[dict]) -> list[dict]:
    """Return the hits with their article's organization, which search hits do not carry."""
    organizations = _per_generation(
        index, "organizations", lambda _table: {a["id"]: a.get("organization") for a in list_articles(index)})
    return [{**hit, "organization": hit.get("organization") or organizations.get(hit["article_id"])} for hit in hits]


def export_page(index: SearchIndex, search: SearchRequest, limit: int) -> dict:
    """Return every hit of a search up to ``limit`` (see search.export.export_hits), with organizations."""
    result = export_hits(index, search, limit)
    return {**result, "hits": with_organizations(index, result["hits"])}


def collocations_table(index: SearchIndex, q: str, **options) -> dict | None:
    """Return the collocations of ``q`` (see search.collocations.collocations), None when it has no terms."""
    return collocations(index, q, **options) if parse_query(q).tree.includes else None


def phrases_table(index: SearchIndex, q: str, **options) -> dict | None:
    """Return the recurring phrases of ``q`` for the page, None when it has no terms.

    Beside search.ngrams.recurring_phrases' shape: ``year_columns`` (every year any phrase is
    used), each phrase's ``by_year`` counts, and ``typed_filters``, the filters typed in ``q``
    as query text, which each phrase's concordance keeps.
    """
    parsed = parse_query(q)
    if not parsed.tree.includes:
        return None
    result = recurring_phrases(index, q, **options)
    result["year_columns"] = sorted({y["value"] for row in result["phrases"] for y in row["years"]})
    result["typed_filters"] = format_query(ParsedQuery(filters=parsed.filters))
    for row in result["phrases"]:
        row["by_year"] = {y["value"]: y["count"] for y in row["years"]}
    return result


def heading_table(index: SearchIndex, q: str, **options) -> dict | None:
    """Return the parallel heading sets of the headings ``q`` matches, None when it has no terms."""
    return heading_sets(index, q, **options) if parse_query(q).tree.includes else None
