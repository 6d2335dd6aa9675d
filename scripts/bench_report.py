"""Turn the benchmark's results into Markdown tables: latency, exactness, targets."""

from __future__ import annotations

from bench_baselines import FACET_KEYS
from bench_queries import QUERY_CLASSES, BenchQuery, query_mix, quick_mix

# The targets; latency ones apply at the size named, the rest at every size.
INDEX_RATE = 2500
FIRST_SEARCH_S = 1.0
MEMORY_MB = 2048
CONCORDANCE_MS = 200
LATENCY = {"100k": (5, 30), "1M": (20, 100)}
BRUTE_RATIO_1M = 10
INDEX_1M_S = 7 * 60
ADD_ONE_S = 1.0


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float) -> str:
    return f"{value:.1f}×" if value >= 1 else f"{value:.2g}×"


def _versus(value: float | None, ours: float) -> str:
    """Return a baseline's time with its ratio to UnionSearch's: 16.8 (0.06×)."""
    return "–" if value is None else f"{_ms(value)} ({_ratio(value / ours)})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _p50(result: dict, engine: str, kind: str, cls: str) -> float | None:
    return result.get(engine, {}).get(kind, {}).get("classes", {}).get(cls, {}).get("p50")


def _summary_rows(sizes: dict) -> list[list[str]]:
    rows = []
    for label, r in sizes.items():
        ix, prod, add = r["indexing"], r["product"], r.get("add_one")
        conc = [f"{c['ms']:.0f} ms ({c['occurrences']:,} occ.)" for c in prod["concordance"].values()]
        rows.append([
            label, f"{r['paragraphs']:,}", f"{r['corpus']['articles']:,}",
            f"{ix['paragraphs_per_s']:,.0f} p/s ({ix['seconds']:.0f} s{', reused' if ix.get('reused') else ''})",
            f"{ix['peak_rss_mb']:,.0f} MB", f"{ix['size_mb']:.0f} MB",
            (f"{prod['first_result_after_launch_s']:.2f} s (open {prod['open_s']:.2f} s, search {prod['first_search_s']:.2f} s)"
             if "open_s" in prod else f"{prod['first_result_after_launch_s']:.2f} s (call {prod['first_search_s']:.2f} s)"),
            f"{prod['peak_rss_mb']:.0f} MB", f"{r['brute']['peak_rss_mb']:.0f} MB",
            (f"{add['visible_s']:.2f} s" + ("" if add["found"] else " (NOT FOUND)")) if add else "–", *conc,
        ])
    return rows


def _class_rows(sizes: dict, queries: list[BenchQuery]) -> list[list[str]]:
    rows = []
    for label, r in sizes.items():
        totals = r["brute"]["totals"]
        for cls in QUERY_CLASSES + ("all",):
            hits = [t for q, t in zip(queries, totals) if cls in (q.cls, "all")]
            stats = r["product"]["full"]["classes"].get(cls)
            if not stats:
                continue
            brute = r["brute"]["full"]["classes"][cls]
            first = r["product"]["full"].get("first", {}).get(cls)
            rows.append([
                label, cls, f"{min(hits):,}–{max(hits):,}",
                f"{_ms(stats['p50'])} / {_ms(stats['p95'])} / {_ms(stats['max'])}",
                f"{_ms(first['p50'])} / {_ms(first['p95'])}" if first else "–",
                f"{_ms(brute['p50'])} / {_ms(brute['p95'])}", _ratio(brute["p50"] / stats["p50"]),
                *(_versus(_p50(r, engine, kind, cls), stats["p50"])
                  for engine, kind in (("whoosh", "top10"), ("whoosh", "full"), ("tantivy", "full"))),
            ])
    return rows


def exactness(result: dict, queries: list[BenchQuery]) -> dict[str, dict]:
    """Compare each engine's counts (and the product's facet counts) with the brute-force scan."""
    truth = result["brute"]["totals"]
    out = {}
    for engine in ("product", "whoosh", "tantivy"):
        if engine not in result:
            continue
        totals = result[engine]["totals"]
        entry = {"exact": sum(a == b for a, b in zip(totals, truth)), "queries": len(truth),
                 "found": sum(min(a, b) for a, b in zip(totals, truth)), "expected": sum(truth),
                 "wrong": [q.label for q, a, b in zip(queries, totals, truth) if a != b]}
        if engine == "product":
            unfiltered = [i for i, q in enumerate(queries) if not q.filters]
            entry["facets_equal"] = sum(
                all(result["product"]["facets"][i].get(k, {}) == result["brute"]["facets"][i].get(k, {})
                    for k in FACET_KEYS) for i in unfiltered)
            entry["facets_checked"] = len(unfiltered)
        out[engine] = entry
    return out


def _exact_rows(sizes: dict, queries: list[BenchQuery]) -> list[list[str]]:
    rows = []
    names = {"product": "UnionSearch (synonyms off)", "whoosh": "stock Whoosh + jieba", "tantivy": "tantivy (chars)"}
    for label, r in sizes.items():
        for engine, e in exactness(r, queries).items():
            facets = f"{e['facets_equal']}/{e['facets_checked']}" if "facets_equal" in e else "–"
            recall = e["found"] / e["expected"] if e["expected"] else 1.0
            rows.append([label, names[engine], f"{e['exact']}/{e['queries']}", f"{recall:.1%}", facets,
                         "; ".join(e["wrong"][:4]) or "–"])
    return rows


def _slow_rows(sizes: dict, queries: list[BenchQuery], top: int = 5) -> list[list[str]]:
    rows = []
    for label, r in sizes.items():
        times = r["product"]["full"]["queries"]
        order = sorted(range(len(times)), key=lambda i: -times[i])[:top]
        rows += [[label, queries[i].label, queries[i].cls, _ms(times[i]), f"{r['product']['totals'][i]:,}"]
                 for i in order]
    return rows


def _check(rows: list, label: str, what: str, value: float | None, limit: float, unit: str,
           at_least: bool = False) -> None:
    if value is None:
        return
    ok = value >= limit if at_least else value <= limit
    rows.append([label, f"{what} {'≥' if at_least else '≤'} {limit:g} {unit}", f"{value:,.1f} {unit}",
                 "yes" if ok else "**no**"])


def target_rows(sizes: dict) -> list[list[str]]:
    """Return one row per target of the issue that the measured sizes can speak to."""
    rows: list[list[str]] = []
    for label, r in sizes.items():
        prod = r["product"]
        _check(rows, label, "indexing", r["indexing"]["paragraphs_per_s"], INDEX_RATE, "p/s", at_least=True)
        # The server opens the index as it starts (before it listens): the first search is what follows.
        _check(rows, label, "first search after start (index opened)", prod["first_search_s"], FIRST_SEARCH_S, "s")
        _check(rows, label, "search process memory", prod["peak_rss_mb"], MEMORY_MB, "MB")
        for phrase, c in prod["concordance"].items():
            if c["occurrences"] >= 10_000:
                _check(rows, label, f"concordance {phrase} ({c['occurrences']:,} occ.)", c["ms"], CONCORDANCE_MS, "ms")
        if label in LATENCY:
            p50, p95 = LATENCY[label]
            _check(rows, label, "full search p50", prod["full"]["classes"]["all"]["p50"], p50, "ms")
            _check(rows, label, "full search p95", prod["full"]["classes"]["all"]["p95"], p95, "ms")
        if label == "100k" and r.get("add_one"):
            _check(rows, label, "add one document → found", r["add_one"]["visible_s"], ADD_ONE_S, "s")
        if label == "1M":
            ratio = r["brute"]["full"]["classes"]["all"]["p50"] / prod["full"]["classes"]["all"]["p50"]
            _check(rows, label, "faster than brute force (p50)", ratio, BRUTE_RATIO_1M, "×", at_least=True)
            _check(rows, label, "indexing time", r["indexing"]["seconds"], INDEX_1M_S, "s")
    return rows


def render_markdown(report: dict) -> str:
    """Return the whole report as Markdown."""
    meta, sizes = report["meta"], report["sizes"]
    queries = quick_mix() if meta["quick"] else query_mix()
    parts = [
        (f"### UnionSearch benchmark — seed {meta['seed']}, {meta['cpus']} CPUs, Python {meta['python']}, "
         f"commit {meta['git'] or 'unknown'}, {meta['date']}"),
        (f"Medians of {meta['repeat']} fresh-process run(s), {meta['passes']} timed pass(es) over "
         f"{len(queries)} queries after a warm-up pass (\"first time\": that pass, each query's first run "
         "in the process, before a generation remembers its literals and filters). Full search = `SearchIndex.search`: top 10, every "
         "facet count, 10 snippets. Brute force = folded texts in a list, `needle in text`, Counter facets."),
        "", "#### Overview",
        _table(["size", "paragraphs", "articles", "indexing, end to end", "indexing RSS", "index on disk",
                "fresh process: launch → first result", "search RSS", "brute-force RSS", "add 1 doc → found",
                "concordance 职工", "concordance 劳模"], _summary_rows(sizes)),
        "", "#### Warm full-search latency per query class (ms)",
        _table(["size", "class", "hits", "UnionSearch p50 / p95 / max", "first time p50 / p95", "brute force p50 / p95",
                "brute ÷ UnionSearch (p50)", "stock Whoosh top 10 p50 (÷ UnionSearch)",
                "stock Whoosh + facets p50 (÷)", "tantivy + facets p50 (÷)"], _class_rows(sizes, queries)),
        "", "#### Exactness against the brute-force scan",
        _table(["size", "engine", "exact counts", "paragraphs found", "facet counts equal", "differs on"],
               _exact_rows(sizes, queries)),
        "", "#### Slowest UnionSearch queries (warm, median ms)",
        _table(["size", "query", "class", "ms", "hits (synonyms off)"], _slow_rows(sizes, queries)),
    ]
    builds = [[label, engine, f"{b['paragraphs_per_s']:,.0f} p/s", f"{b['size_mb']:.0f} MB"]
              for label, r in sizes.items() for engine, b in r.get("builds", {}).items()]
    if builds:
        parts += ["", "#### Baseline indexes (built from the indexed paragraphs: no reading or cleaning)",
                  _table(["size", "engine", "build rate", "on disk"], builds)]
    parts += ["", "#### Targets of the issue", _table(["size", "target", "measured", "met"], target_rows(sizes))]
    notes = sorted({n for r in sizes.values() for n in r.get("notes", [])})
    if notes:
        parts += [""] + [f"Note: {n}" for n in notes]
    return "\n".join(parts) + "\n"
