"""Reading stored paragraphs and articles back: listings, context, whole articles, similar paragraphs."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from index.analysis import index_words

from .engine import SearchIndex
from .errors import DocumentNotFound, QueryError
from .highlight import find_spans, mark
from .scoring import bm25, idf

ID_PATTERN = re.compile(r"[0-9a-f]{16}(-\d{4,6})?")
MAX_CONTEXT = 20
SIMILAR_LIMIT = 10
SIMILAR_TERMS = 25


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise DocumentNotFound(f"没有编号为 {value!r} 的{what}", hint="编号形如 0123456789abcdef-0003")


def article_sources(index: SearchIndex) -> set[str]:
    """Return the source files of the live articles (without reading any article record)."""
    if not isinstance(index, SearchIndex):
        return index.article_sources()  # a SphinxQL cluster (search/sphinxql)
    generation = index.generation()
    keys = (generation.article_keys[code] for code in np.unique(generation.article_codes[generation.live]).tolist())
    return {generation.articles[key]["source"] for key in keys if key in generation.articles}


def list_articles(index: SearchIndex) -> list[dict]:
    """Return every indexed article (the `docs --json` shape), by source file, in file order."""
    if not isinstance(index, SearchIndex):
        return index.list_articles()
    generation = index.generation()
    counts = np.bincount(generation.article_codes[generation.live], minlength=len(generation.article_keys))
    firsts = np.flatnonzero(generation.live & (generation.position == 0))
    articles = []
    for docnum in firsts.tolist():
        key = generation.article_keys[int(generation.article_codes[docnum])]
        record = generation.article_record(key)
        if record is None:
            continue
        record["paragraph_count"] = int(counts[generation.article_codes[docnum]])
        articles.append((record.get("source") or "", docnum, record))
    # A file's articles were written together, so docnum order is their order in the file.
    return [record for _, _, record in sorted(articles, key=lambda item: (item[0], item[1]))]


def _find(index: SearchIndex, paragraph_id: str):
    _check_id(paragraph_id, "段落")
    generation = index.generation()
    docnum = generation.docnum(paragraph_id)
    if docnum is None:
        raise DocumentNotFound(f"没有编号为 {paragraph_id!r} 的段落")
    return generation, docnum


def paragraph_context(index: SearchIndex, paragraph_id: str, before: int = 2, after: int = 2) -> dict:
    """Return a paragraph with up to ``before``/``after`` paragraphs of its article around it."""
    if not (0 <= before <= MAX_CONTEXT and 0 <= after <= MAX_CONTEXT):
        raise QueryError(f"上下文段数须在 0 到 {MAX_CONTEXT} 之间", hint="例如 before=2&after=2")
    if not isinstance(index, SearchIndex):
        _check_id(paragraph_id, "段落")
        return index.paragraph_context(paragraph_id, before, after)
    generation, docnum = _find(index, paragraph_id)
    record = generation.record(docnum)
    position = record["position"]
    siblings = [generation.record(int(d)) for d in generation.article_docnums(record["article_id"])
                if position - before <= generation.position[d] <= position + after and d != docnum]
    record["before"] = [p for p in siblings if p["position"] < position]
    record["after"] = [p for p in siblings if p["position"] > position]
    return record


def article(index: SearchIndex, article_id: str, highlight: list[str] | None = None) -> dict:
    """Return an article's record with all its paragraphs in order, matches marked when asked."""
    _check_id(article_id, "文章")
    if not isinstance(index, SearchIndex):
        return index.article(article_id, highlight)
    generation = index.generation()
    docnums = generation.article_docnums(article_id)
    record = generation.article_record(article_id) if len(docnums) else None
    if record is None:
        raise DocumentNotFound(f"没有编号为 {article_id!r} 的文章")
    record["paragraphs"] = []
    for docnum in docnums.tolist():
        item = generation.record(docnum)
        if highlight:
            item["marked"] = mark(item["text"], find_spans(item["text"], highlight, traditional=True))
        record["paragraphs"].append(item)
    return record


def similar_paragraphs(index: SearchIndex, paragraph_id: str, limit: int = SIMILAR_LIMIT) -> dict:
    """Return the paragraphs of other articles most similar to one paragraph, with scores.

    As "more like this" does: the paragraph's most distinctive words (by tf-idf) become a
    query, scored with BM25; paragraphs of its own article and titles are left out.
    """
    if not isinstance(index, SearchIndex):
        _check_id(paragraph_id, "段落")
        return index.similar_paragraphs(paragraph_id, limit, SIMILAR_TERMS)
    generation, docnum = _find(index, paragraph_id)
    record = generation.record(docnum)
    words = Counter(index_words(record["text"]))
    postings = {word: generation.word_postings(word) for word in words if len(word) >= 2}
    weighted = [(tf * idf(len(postings[word][0]), generation.live_count), word)
                for word, tf in words.items() if word in postings and len(postings[word][0]) > 1]
    acc = np.zeros(generation.size)
    for _, word in sorted(weighted, reverse=True)[:SIMILAR_TERMS]:
        docs, tf = postings[word]
        acc[docs] += bm25(generation, docs, tf, len(docs))
    own = generation.article_index.get(record["article_id"])
    acc[generation.article_codes == own] = 0.0
    acc[generation.facets.codes["kind"] == _kind_code(generation, "title")] = 0.0
    candidates = np.flatnonzero(acc > 0)
    best = candidates[np.lexsort((candidates, -acc[candidates]))][:limit]
    top = float(acc[best[0]]) if len(best) else 1.0
    similar = []
    for other in best.tolist():
        item = generation.record(other)
        item["score"] = round(float(acc[other]) / top, 4)
        similar.append(item)
    return {"paragraph": record, "similar": similar}


def _kind_code(generation, kind: str) -> int:
    values = generation.facets.values["kind"]
    return values.index(kind) if kind in values else -1
