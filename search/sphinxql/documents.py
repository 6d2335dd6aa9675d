"""Articles, context, similar paragraphs and concordance counts read from a SphinxQL cluster."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

from index.analysis import index_words
from index.normalize import match_form

from ..kwic_lines import kwic_lines, sort_lines
from ..errors import DocumentNotFound, QueryError
from ..highlight import find_spans, mark
from ..scoring import idf
from .config import SEARCH_INDEX
from .connection import PARTIAL_NOTICE, ClusterUnavailable, quote
from .encoding import phrase as encoded_phrase
from .searcher import HIT_COLUMNS, hit_record

if TYPE_CHECKING:
    from .searcher import SphinxSearchIndex

PAGE = 10_000
SIMILAR_WORDS = 60  # distinct words of a paragraph whose document frequency is asked for


def _rows(index: SphinxSearchIndex, columns: str, where: str = "", missing: str = "") -> list[tuple]:
    """Return every row matching ``where`` (``id`` first), paging by id over the distributed index.

    ``missing``: when nothing matches while a shard is down, raise ClusterUnavailable saying
    this (the thing may be on that shard) rather than answering "not found".
    """
    rows: list[tuple] = []
    last = 0
    while True:
        condition = " AND ".join(filter(None, [f"id > {last}", where]))
        results, notices = index.query(f"SELECT id, {columns} FROM {SEARCH_INDEX} WHERE {condition} "
                                       f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}, ranker=none")
        page = results[0]
        if missing and notices and not rows and not page:
            raise ClusterUnavailable(f"找不到{missing}：{PARTIAL_NOTICE}", hint="请等不可用的分片恢复后再试")
        rows.extend(page)
        if len(page) < PAGE:
            return rows
        last = page[-1][0]


def _paragraphs(index: SphinxSearchIndex, where: str, missing: str = "") -> list[dict]:
    """Return the records of the paragraphs matching ``where``, in article and paragraph order."""
    rows = _rows(index, ", ".join(HIT_COLUMNS[1:]) + ", ordinal", where, missing)
    at = len(HIT_COLUMNS) - 1  # position
    rows.sort(key=lambda row: (row[4], row[-1], row[at]))  # source, article in file, position
    return [hit_record(row[:len(HIT_COLUMNS)]) for row in rows]


def article_sources(index: SphinxSearchIndex) -> set[str]:
    """Return the source files the cluster holds."""
    return {row[1] for row in _rows(index, "source", "position = 0")}


def list_articles(index: SphinxSearchIndex) -> list[dict]:
    """Return every article (the `docs --json` shape), by source file, in file order."""
    counts = {key: int(n) for key, n in index.query(
        f"SELECT article_id, COUNT(*) FROM {SEARCH_INDEX} GROUP BY article_id LIMIT 1000000 "
        "OPTION max_matches=1000000")[0][0]}
    articles = []
    for _, source, ordinal, key, record in _rows(index, "source, ordinal, article_id, record", "position = 0"):
        if not record:
            continue
        data = json.loads(record)
        data["paragraph_count"] = counts.get(key, 0)
        articles.append((source or "", ordinal, key, data))
    return [data for *_, data in sorted(articles, key=lambda item: item[:3])]


def _one(index: SphinxSearchIndex, paragraph_id: str) -> dict:
    found = _paragraphs(index, f"pid = {quote(paragraph_id)}", missing=f"段落 {paragraph_id}")
    if not found:
        raise DocumentNotFound(f"没有编号为 {paragraph_id!r} 的段落")
    return found[0]


def paragraph_context(index: SphinxSearchIndex, paragraph_id: str, before: int, after: int) -> dict:
    """Return a paragraph with up to ``before``/``after`` paragraphs of its article around it."""
    record = _one(index, paragraph_id)
    position = record["position"]
    low, high = max(0, position - before), position + after
    siblings = [p for p in _paragraphs(index, f"article_id = {quote(record['article_id'])} "
                                              f"AND position >= {low} AND position <= {high}")
                if p["id"] != record["id"] and p["source"] == record["source"]]
    record["before"] = [p for p in siblings if p["position"] < position]
    record["after"] = [p for p in siblings if p["position"] > position]
    return record


def article(index: SphinxSearchIndex, article_id: str, highlight: list[str] | None = None) -> dict:
    """Return an article's record with all its paragraphs in order, matches marked when asked."""
    rows = _rows(index, "record", f"article_id = {quote(article_id)} AND position = 0", missing=f"文章 {article_id}")
    if not rows or not rows[0][1]:
        raise DocumentNotFound(f"没有编号为 {article_id!r} 的文章")
    record = json.loads(rows[0][1])
    record["paragraphs"] = []
    for item in _paragraphs(index, f"article_id = {quote(article_id)}"):
        if highlight:
            item["marked"] = mark(item["text"], find_spans(item["text"], highlight, traditional=True))
        record["paragraphs"].append(item)
    return record


def similar_paragraphs(index: SphinxSearchIndex, paragraph_id: str, limit: int, terms: int) -> dict:
    """Return the paragraphs of other articles most similar to one paragraph, scores relative to the best.

    As locally, the paragraph's most distinctive words (tf-idf over the cluster) become the
    query; Sphinx ranks the paragraphs containing any of them with BM25.
    """
    record = _one(index, paragraph_id)
    words = Counter(w for w in index_words(record["text"]) if len(w) >= 2)
    candidates = [w for w, _ in words.most_common(SIMILAR_WORDS) if encoded_phrase(w)]
    if not candidates:
        return {"paragraph": record, "similar": []}
    counts = [f"SELECT COUNT(*) FROM {SEARCH_INDEX} WHERE MATCH({quote(encoded_phrase(w))})" for w in candidates]
    counts.append(f"SELECT COUNT(*) FROM {SEARCH_INDEX}")
    results, _ = index.query("; ".join(counts))
    frequencies = [int(rows[0][0]) if rows else 0 for rows in results]
    size = frequencies[-1]
    weighted = sorted(((words[w] * idf(df, size), w) for w, df in zip(candidates, frequencies) if df > 1),
                      reverse=True)[:terms]
    if not weighted:
        return {"paragraph": record, "similar": []}
    match = " | ".join(encoded_phrase(w) for _, w in weighted)
    rows = index.query(f"SELECT {', '.join(HIT_COLUMNS)}, weight() AS w FROM {SEARCH_INDEX} "
                       f"WHERE MATCH({quote(match)}) AND article_id != {quote(record['article_id'])} "
                       f"AND kind != 'title' ORDER BY w DESC, id ASC LIMIT {limit} OPTION ranker=bm25")[0][0]
    top = float(rows[0][-1]) if rows else 1.0
    similar = []
    for row in rows:
        item = hit_record(row[:len(HIT_COLUMNS)])
        item["score"] = round(float(row[-1]) / top, 4)
        similar.append(item)
    return {"paragraph": record, "similar": similar}


def concordance(index: SphinxSearchIndex, phrase: str, sort: str, context: int, limit: int) -> dict:
    """Return every occurrence of ``phrase`` as sorted lines with counts by province and year (the local shape).

    Every matching paragraph's text is read back to count its occurrences: exact, but the cost
    grows with the number of paragraphs containing the phrase.
    """
    needle = match_form(phrase)
    query = encoded_phrase(phrase)
    if not query:
        raise QueryError("索引行需要一个检索词", hint="例如：职工书屋")
    rows = _rows(index, "pid, text, province, year, title, organization, unit, source", f"MATCH({quote(query)})")
    by_province: Counter = Counter()
    by_year: Counter = Counter()
    undated = total = 0
    lines = []
    for _, pid, text, province, year, title, organization, unit, source in rows:
        count = match_form(text).count(needle)
        total += count
        by_province[province or "（未知）"] += count
        if year:
            by_year[int(year)] += count
        else:
            undated += count
        if len(lines) < limit:
            meta = {"title": title, "province": province or None, "year": int(year) or None,
                    "organization": organization or unit or "", "source": source or ""}
            lines.extend((line, meta) for line in kwic_lines(text, pid, phrase, context, traditional=True))
    lines = lines[:limit]
    meta_of_line = {id(line): meta for line, meta in lines}
    ordered = sort_lines([line for line, _ in lines], sort)
    return {
        "query": phrase,
        "sort": sort,
        "total": total,
        "paragraphs": len(rows),
        "lines": [{"left": l.left, "match": l.match, "right": l.right, "paragraph_id": l.paragraph_id,
                   "term": phrase, "synonym": False, **meta_of_line[id(l)]} for l in ordered],
        "by_term": [{"term": phrase, "synonym": False, "of": phrase, "count": total}],
        "by_province": [{"value": v, "count": n} for v, n in sorted(by_province.items(), key=lambda kv: (-kv[1], kv[0])) if n],
        "by_year": [{"value": v, "count": n} for v, n in sorted(by_year.items(), key=lambda kv: -kv[0]) if n],
        "undated": undated,
        "filters": {},
        "notices": [],
    }
