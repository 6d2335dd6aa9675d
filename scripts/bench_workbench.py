#!/usr/bin/env python3
"""Time the phrasing workbench (concordance, collocations, recurring phrases, keyness) on a synthetic corpus.

The corpus is scripts/bench_corpus.py's (same seed, reused when on disk); it is indexed once into
WORKDIR/seed…-SIZE/index. Each measurement is the median of ``--repeat`` runs after one warm-up
run, in this process (the page's code path: the library functions the routes call). Budgets of
issue 14 at 1M paragraphs: concordance and collocations of a phrase with 100k occurrences ≤ 500 ms,
n-grams ≤ 1 s, pattern searches (the whole search: top 10, facets, snippets) p95 ≤ 300 ms;
keyness of a filter against the rest: words ≤ 1 s, phrases ≤ 2 s (its first call counts every
candidate phrase over the whole index; the generation remembers those counts for the next ones).

    .venv/bin/python scripts/bench_workbench.py --size 100k
    .venv/bin/python scripts/bench_workbench.py --size 1M --only collocations,n-grams
    .venv/bin/python scripts/bench_workbench.py --size 1M --only keyness --repeat 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_corpus import DEFAULT_SEED, ensure_corpus  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
QUERIES = ("职工", "劳模", "职工书屋", "劳模 工匠", "工会 省:河北", "服务职工")  # the last: ~100k occurrences at 1M
PATTERNS = ("推动*落实", "坚持*，*为", "职工?屋", "劳模 NEAR/5 工匠", "加强*建设", "全?总*会", "服务*职工 省:河北",
            "深化*改革", "以*为", "职工 NEAR/3 权益")
KEYNESS_QUERIES = ("省:河北", "年:2021", "劳模")  # a province, a year, a query's hits


def _median_ms(call, repeat: int) -> tuple[float, float, object]:
    started = time.perf_counter()
    result = call()  # warm-up: literal masks, decoded texts, jieba's dictionary
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), round(first, 1), result


FEATURES = ("concordance", "collocations", "n-grams", "patterns", "keyness")


def measure(index_dir: Path, repeat: int, only: tuple[str, ...] = FEATURES) -> list[dict]:
    """Return one row per query and feature (those in ``only``): median time, first call's, occurrences covered."""
    from search.collocations import collocations
    from search.engine import SearchIndex, SearchRequest
    from search.concordance import concordance
    from search.keyness import keywords
    from search.ngrams import recurring_phrases
    from search.phrase_keyness import MAX_PARAGRAPHS

    index = SearchIndex(index_dir)
    rows = []
    features = {
        "concordance": lambda q: concordance(index, q, limit=500),
        "collocations": lambda q: collocations(index, q),
        "n-grams": lambda q: recurring_phrases(index, q),
    }
    features = {name: run for name, run in features.items() if name in only}
    for q in QUERIES:
        for name, run in features.items():
            ms, first, result = _median_ms(lambda: run(q), repeat)
            rows.append({"feature": name, "query": q, "ms": ms, "first_ms": first, "occurrences": result["total"],
                         "paragraphs": result["paragraphs"], "sampled": bool(result.get("sampled"))})
    if "keyness" in only:
        for q in KEYNESS_QUERIES:
            for unit in ("words", "phrases"):
                ms, first, result = _median_ms(lambda: keywords(index, q, unit=unit), repeat)
                rows.append({"feature": f"keyness ({unit})", "query": q, "ms": ms, "first_ms": first, "occurrences": None,
                             "paragraphs": result["paragraphs"], "sampled": unit == "phrases" and result["paragraphs"] > MAX_PARAGRAPHS})
    if "patterns" not in only:
        return rows
    searches = []
    for q in PATTERNS:
        index.search(SearchRequest(q=q))
        started = time.perf_counter()
        result = index.search(SearchRequest(q=q))
        searches.append(((time.perf_counter() - started) * 1000, q, result["total"]))
    searches.sort()
    p95 = searches[min(len(searches) - 1, int(round(0.95 * (len(searches) - 1))))][0]
    for ms, q, total in searches:
        rows.append({"feature": "pattern search", "query": q, "ms": round(ms, 1), "occurrences": None,
                     "paragraphs": total, "sampled": False})
    rows.append({"feature": "pattern search p95", "query": f"{len(searches)} patterns", "ms": round(p95, 1),
                 "occurrences": None, "paragraphs": None, "sampled": False})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="100k")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/unionsearch-workbench-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--only", default=",".join(FEATURES),
                        help=f"只测这些功能（逗号分隔）：{'、'.join(FEATURES)}")
    args = parser.parse_args()
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = [name for name in only if name not in FEATURES]
    if unknown:
        parser.error(f"未知的功能 {'、'.join(unknown)}；可选：{'、'.join(FEATURES)}")
    size_dir = args.workdir / f"seed{DEFAULT_SEED}-{args.size}"
    corpus, _, _ = ensure_corpus(size_dir, SIZES[args.size])
    index_dir = size_dir / "index"
    if not (size_dir / "index.done").is_file():
        from index.writer import update_index

        started = time.perf_counter()
        update_index(index_dir, [corpus])
        (size_dir / "index.done").write_text(f"{time.perf_counter() - started:.1f}\n", encoding="utf-8")
    rows = measure(index_dir, args.repeat, only)
    print(f"| {args.size} | query | occurrences | paragraphs | first ms | median ms |\n|---|---|---:|---:|---:|---:|")
    for row in rows:
        sampled = " (sampled)" if row["sampled"] else ""
        counts = [f"{n:,}" if n is not None else "" for n in (row["occurrences"], row["paragraphs"])]
        first = row.get("first_ms", "")
        print(f"| {row['feature']} | {row['query']} | {counts[0]} | {counts[1]} | {first} | {row['ms']}{sampled} |")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
