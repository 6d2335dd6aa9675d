"""The baselines the product is compared with, run on the paragraphs the product indexed.

The paragraphs are read back from the product's index, so every engine sees the same text:

* ``BruteForce`` — every paragraph's text folded (``index.normalize.fold``) with whitespace
  removed, held in a Python list; a query is ``needle in text`` per paragraph, then facet
  counts with ``collections.Counter`` over the matched paragraphs. Exact and unranked.
* ``StockWhoosh`` — Whoosh with jieba's stock ``ChineseAnalyzer``; top 10 only, or top 10 with
  facet counts through ``groupedby``. Its phrase queries find nothing (jieba stores character
  offsets as positions) and word segmentation misses substrings, so its recall is reported.
* ``Tantivy`` — optional (``pip install tantivy``): one token per character through the
  whitespace tokenizer, a phrase query per literal, terms aggregations for facet counts.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bench_queries import BenchQuery, peak_rss_mb, query_mix, quick_mix, time_mix

FACET_KEYS = ("province", "city", "year", "doc_type", "level", "kind", "themes")


# --- the paragraphs the product indexed ----------------------------------------------------------


def iter_index_records(index_dir: Path) -> Iterator[dict]:
    """Yield every indexed paragraph's text and facet values, read from the product's index."""
    from whoosh.index import open_dir

    from index.schema import stored_paragraph

    with open_dir(str(index_dir)).searcher() as searcher:
        for _, whoosh_doc in searcher.reader().iter_docs():
            stored = stored_paragraph(whoosh_doc)
            yield {
                "id": stored["id"], "text": stored.get("text", ""),
                "province": stored.get("province"), "city": stored.get("city"),
                "year": stored.get("year"), "doc_type": stored.get("doc_type"),
                "level": stored.get("level"), "kind": stored.get("kind"),
                "themes": [t for t in (stored.get("themes") or "").split(",") if t],
            }


def export_records(index_dir: Path, path: Path) -> int:
    """Write the indexed paragraphs to a JSON-lines file; return how many."""
    count = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for record in iter_index_records(index_dir):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count


def read_records(path: Path) -> Iterator[dict]:
    """Yield the records of a JSON-lines file written by ``export_records``."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _year_ranges(values: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        low, _, high = value.partition("-")
        pairs.append((int(low), int(high or low)))
    return pairs


# --- baseline 1: brute-force substring scan ------------------------------------------------------


class BruteForce:
    """Exact, unranked search: a substring test on every paragraph, then Counter facet counts."""

    def __init__(self, records: Iterable[dict]) -> None:
        from index.normalize import fold

        self.texts: list[str] = []
        self.meta: list[tuple] = []
        for r in records:
            self.texts.append("".join(fold(r["text"]).split()))
            self.meta.append((r["id"], r["province"], r["city"], r["year"], r["doc_type"], r["level"],
                              r["kind"], tuple(r["themes"])))
        self._fold = fold

    def _keep(self, filters: dict[str, list[str]]) -> Callable[[tuple], bool] | None:
        checks = []
        for name, values in filters.items():
            if name == "year":
                ranges = _year_ranges(values)
                checks.append(lambda m, r=ranges: m[3] is not None and any(lo <= m[3] <= hi for lo, hi in r))
            elif name == "theme":
                checks.append(lambda m, v=set(values): any(t in v for t in m[7]))
            else:
                col = {"province": 1, "city": 2, "doc_type": 4, "level": 5, "kind": 6}[name]
                checks.append(lambda m, c=col, v=set(values): m[c] in v)
        return (lambda m: all(check(m) for check in checks)) if checks else None

    def search(self, query: BenchQuery) -> dict:
        """Return {"total", "top" (first 10 ids), "facets"} for the query."""
        needles = ["".join(self._fold(n).split()) for n in query.needles]
        first, rest = needles[0], needles[1:]
        rows = [i for i, text in enumerate(self.texts) if first in text]
        for needle in rest:
            rows = [i for i in rows if needle in self.texts[i]]
        keep = self._keep(query.filters)
        matched = [self.meta[i] for i in rows]
        if keep is not None:
            matched = [m for m in matched if keep(m)]
        facets = {key: Counter() for key in FACET_KEYS}
        for m in matched:
            for key, value in zip(FACET_KEYS[:6], m[1:7]):
                if value is not None:
                    facets[key][value] += 1
            facets["themes"].update(m[7])
        return {"total": len(matched), "top": [m[0] for m in matched[:10]], "facets": facets}


# --- baseline 2: stock Whoosh with jieba's ChineseAnalyzer ---------------------------------------


def _whoosh_schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

    return Schema(id=ID(stored=True), text=TEXT(analyzer=ChineseAnalyzer(), stored=True),
                  province=ID(sortable=True), city=ID(sortable=True), doc_type=ID(sortable=True),
                  level=ID(sortable=True), kind=ID(sortable=True), year=NUMERIC(int, bits=32, sortable=True),
                  themes=KEYWORD(commas=True, scorable=False))


class StockWhoosh:
    """Whoosh as shipped, with jieba's ``ChineseAnalyzer``: the naive way to build this product."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh.index import open_dir
        from whoosh.qparser import QueryParser

        self.ix = open_dir(str(index_dir))
        self.parser = QueryParser("text", self.ix.schema)
        self.searcher = self.ix.searcher()

    @staticmethod
    def build(records: Iterable[dict], index_dir: Path) -> int:
        """Create the index from records; return how many paragraphs it holds."""
        from whoosh.index import create_in

        index_dir.mkdir(parents=True, exist_ok=True)
        writer = create_in(str(index_dir), _whoosh_schema()).writer(limitmb=256)
        count = 0
        for r in records:
            doc = {k: r[k] for k in ("id", "text", "province", "city", "doc_type", "level", "kind", "year") if r.get(k)}
            doc["themes"] = ",".join(r["themes"])
            writer.add_document(**doc)
            count += 1
        writer.commit()
        return count

    def _filter(self, filters: dict[str, list[str]]):
        from whoosh import query as wq

        parts = []
        for name, values in filters.items():
            if name == "year":
                parts.append(wq.Or([wq.NumericRange("year", lo, hi) for lo, hi in _year_ranges(values)]))
            else:
                parts.append(wq.Or([wq.Term("themes" if name == "theme" else name, v) for v in values]))
        return wq.And(parts) if parts else None

    def search(self, query: BenchQuery, facets: bool = False, exact_total: bool = False) -> dict:
        """Return the top 10 (and facet counts when asked); the total only when ``exact_total``."""
        from whoosh import sorting

        parsed = self.parser.parse(query.q)
        grouped = None
        if facets:
            grouped = {k: sorting.FieldFacet(k, allow_overlap=(k == "themes")) for k in FACET_KEYS}
        results = self.searcher.search(parsed, limit=10, filter=self._filter(query.filters), groupedby=grouped,
                                       maptype=sorting.Count)
        out = {"top": [hit["id"] for hit in results]}
        if facets:
            out["facets"] = {k: dict(results.groups(k)) for k in FACET_KEYS}
        if exact_total:
            out["total"] = len(results)
        return out


# --- baseline 3: tantivy (optional) --------------------------------------------------------------


def tantivy_available() -> bool:
    """Return whether the optional ``tantivy`` package can be imported."""
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


_SPACE = re.compile(r"\s+")


class Tantivy:
    """tantivy with one token per folded character: exact phrase matching like the product."""

    def __init__(self, index_dir: Path) -> None:
        import tantivy

        self.t = tantivy
        self.ix = tantivy.Index.open(str(index_dir))
        self.schema = self.ix.schema
        self.searcher = self.ix.searcher()

    @staticmethod
    def build(records: Iterable[dict], index_dir: Path) -> int:
        """Create the index from records; return how many paragraphs it holds."""
        import tantivy

        from index.normalize import fold

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("chars", tokenizer_name="whitespace", index_option="position")
        sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
        for key in ("province", "city", "doc_type", "level", "kind", "themes"):
            sb.add_text_field(key, fast=True, tokenizer_name="raw", index_option="basic")
        sb.add_integer_field("year", indexed=True, fast=True)
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(sb.build(), path=str(index_dir))
        writer = ix.writer(heap_size=256_000_000, num_threads=2)
        count = 0
        for r in records:
            doc = tantivy.Document(id=r["id"], chars=" ".join(_SPACE.sub("", fold(r["text"]))))
            for key in ("province", "city", "doc_type", "level", "kind"):
                if r.get(key):
                    doc.add_text(key, r[key])
            for theme in r["themes"]:
                doc.add_text("themes", theme)
            if r.get("year"):
                doc.add_integer("year", int(r["year"]))
            writer.add_document(doc)
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def _query(self, query: BenchQuery):
        from index.normalize import fold

        t, must = self.t, []
        for needle in query.needles:
            chars = list(_SPACE.sub("", fold(needle)))
            must.append(t.Query.term_query(self.schema, "chars", chars[0]) if len(chars) == 1
                        else t.Query.phrase_query(self.schema, "chars", chars))
        for name, values in query.filters.items():
            if name == "year":
                alts = [t.Query.range_query(self.schema, "year", t.FieldType.Integer, lo, hi)
                        for lo, hi in _year_ranges(values)]
            else:
                alts = [t.Query.term_query(self.schema, "themes" if name == "theme" else name, v) for v in values]
            must.append(t.Query.boolean_query([(t.Occur.Should, a) for a in alts]))
        return t.Query.boolean_query([(t.Occur.Must, q) for q in must])

    def search(self, query: BenchQuery, facets: bool = False) -> dict:
        """Return the total and top 10 ids, and facet counts when asked."""
        tq = self._query(query)
        result = self.searcher.search(tq, 10, count=True)
        out = {"total": result.count, "top": [self.searcher.doc(addr)["id"][0] for _, addr in result.hits]}
        if facets:
            aggs = {k: {"terms": {"field": k, "size": 1000}} for k in FACET_KEYS}
            raw = self.searcher.aggregate(tq, aggs)
            out["facets"] = {k: {b["key"]: b["doc_count"] for b in raw[k]["buckets"]} for k in FACET_KEYS}
        return out


# --- phases run in a fresh process by scripts/bench ----------------------------------------------


def run_baseline_phase(engine: str, spec: dict) -> dict:
    """Load one baseline, time the query mix on it, and return stats, totals and peak memory."""
    queries = quick_mix() if spec.get("quick") else query_mix()
    passes = int(spec.get("passes", 3))
    started = time.perf_counter()
    out: dict = {"engine": engine}
    if engine == "brute":
        brute = BruteForce(read_records(Path(spec["records"])))
        out["load_s"] = round(time.perf_counter() - started, 2)
        out["full"] = time_mix(brute.search, queries, passes)
        out["totals"] = [brute.search(q)["total"] for q in queries]
        out["facets"] = [{k: dict(c) for k, c in brute.search(q)["facets"].items()} for q in queries]
    elif engine == "whoosh":
        stock = StockWhoosh(Path(spec["index"]))
        out["load_s"] = round(time.perf_counter() - started, 2)
        out["top10"] = time_mix(lambda q: stock.search(q), queries, passes)
        out["full"] = time_mix(lambda q: stock.search(q, facets=True), queries, passes)
        out["totals"] = [stock.search(q, exact_total=True)["total"] for q in queries]
    elif engine == "tantivy":
        tv = Tantivy(Path(spec["index"]))
        out["load_s"] = round(time.perf_counter() - started, 2)
        out["top10"] = time_mix(lambda q: tv.search(q), queries, passes)
        out["full"] = time_mix(lambda q: tv.search(q, facets=True), queries, passes)
        out["totals"] = [tv.search(q)["total"] for q in queries]
    else:
        raise ValueError(f"unknown baseline {engine!r}")
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def build_baseline_phase(engine: str, spec: dict) -> dict:
    """Build one baseline's index from the exported records; return its size and build rate."""
    started = time.perf_counter()
    records = read_records(Path(spec["records"]))
    target = Path(spec["index"])
    count = StockWhoosh.build(records, target) if engine == "whoosh" else Tantivy.build(records, target)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return {"engine": engine, "paragraphs": count, "seconds": round(seconds, 2),
            "paragraphs_per_s": round(count / seconds, 1) if seconds else None,
            "size_mb": round(size / 2**20, 1), "peak_rss_mb": peak_rss_mb()}
