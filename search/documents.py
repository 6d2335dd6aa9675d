"""Reading stored paragraphs and articles back: listings, context, whole articles, similar paragraphs."""

from __future__ import annotations

import json
import re

from whoosh import query as wq

from .engine import HIT_FIELDS, SearchIndex
from .errors import DocumentNotFound, QueryError
from .highlight import find_spans, mark

ID_PATTERN = re.compile(r"[0-9a-f]{16}(-\d{4,6})?")
MAX_CONTEXT = 20
SIMILAR_LIMIT = 10


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise DocumentNotFound(f"no {what} with id {value!r}", hint="ids look like 0123456789abcdef-0003")


def paragraph_record(stored: dict) -> dict:
    """Return a paragraph's public fields from its stored Whoosh fields."""
    record = {name: stored.get(name) for name in HIT_FIELDS}
    record["themes"] = [t for t in (stored.get("themes") or "").split(",") if t]
    record["text"] = stored.get("text", "")
    record["position"] = stored.get("position")
    record["organization"] = stored.get("organization")
    return record


def list_articles(index: SearchIndex) -> list[dict]:
    """Return every indexed article (the `docs --json` shape), in source and position order."""
    with index.searcher() as searcher:
        # Ties on source keep docnum order, which is the order the articles stand in their file
        # (a file's articles are written together, and merges keep the order of documents).
        firsts = searcher.search(wq.NumericRange("position", 0, 0), limit=None, sortedby="source")
        articles = []
        for hit in firsts:
            record = json.loads(hit["article"])
            # Live paragraphs only: doc_frequency would also count those an update deleted.
            live = searcher.docs_for_query(wq.Term("article_id", record["id"]))
            record["paragraph_count"] = sum(1 for _ in live)
            articles.append(record)
    return articles


def _article_paragraphs(searcher, article_id: str) -> list[dict]:
    results = searcher.search(wq.Term("article_id", article_id), limit=None, sortedby="position")
    return [dict(hit.fields()) for hit in results]


def paragraph_context(index: SearchIndex, paragraph_id: str, before: int = 2, after: int = 2) -> dict:
    """Return a paragraph with up to ``before``/``after`` paragraphs of its article around it."""
    _check_id(paragraph_id, "paragraph")
    if not (0 <= before <= MAX_CONTEXT and 0 <= after <= MAX_CONTEXT):
        raise QueryError(f"context must be between 0 and {MAX_CONTEXT} paragraphs", hint="try before=2&after=2")
    with index.searcher() as searcher:
        stored = searcher.document(id=paragraph_id)
        if stored is None:
            raise DocumentNotFound(f"no paragraph with id {paragraph_id!r}")
        siblings = _article_paragraphs(searcher, stored["article_id"])
    position = stored["position"]
    record = paragraph_record(stored)
    record["before"] = [paragraph_record(p) for p in siblings if position - before <= p["position"] < position]
    record["after"] = [paragraph_record(p) for p in siblings if position < p["position"] <= position + after]
    return record


def article(index: SearchIndex, article_id: str, highlight: list[str] | None = None) -> dict:
    """Return an article's record with all its paragraphs in order, matches marked when asked."""
    _check_id(article_id, "article")
    with index.searcher() as searcher:
        paragraphs = _article_paragraphs(searcher, article_id)
    if not paragraphs:
        raise DocumentNotFound(f"no article with id {article_id!r}")
    record = json.loads(paragraphs[0]["article"])
    record["paragraphs"] = []
    for stored in paragraphs:
        item = paragraph_record(stored)
        if highlight:
            item["marked"] = mark(item["text"], find_spans(item["text"], highlight))
        record["paragraphs"].append(item)
    return record


def similar_paragraphs(index: SearchIndex, paragraph_id: str, limit: int = SIMILAR_LIMIT) -> dict:
    """Return the paragraphs of other articles most similar to one paragraph, with scores."""
    _check_id(paragraph_id, "paragraph")
    with index.searcher() as searcher:
        docnum = searcher.document_number(id=paragraph_id)
        if docnum is None:
            raise DocumentNotFound(f"no paragraph with id {paragraph_id!r}")
        stored = searcher.stored_fields(docnum)
        similar: list[dict] = []
        top = limit * 3
        # Paragraphs of the same article and titles are skipped, so widen the search until
        # enough others are found or there is nothing more to find.
        while True:
            results = searcher.more_like(docnum, "text", text=stored["text"], top=top, numterms=25,
                                         normalize=True)
            similar = [_similar_record(hit) for hit in results
                       if hit["article_id"] != stored["article_id"] and hit.get("kind") != "title"][:limit]
            if len(similar) >= limit or len(results.top_n) < top:
                break
            top *= 4
    return {"paragraph": paragraph_record(stored), "similar": similar}


def _similar_record(hit) -> dict:
    record = paragraph_record(hit.fields())
    record["score"] = round(float(hit.score or 0.0), 4)
    return record
