"""The SphinxQL part of scripts/bench (``--engine sphinxql``): the same corpus and query mix on 1 and 2 shards.

For each shard count it starts that many local searchd nodes (search/sphinxql/nodes.py) in the
size's work folder, indexes the corpus through ``update_cluster`` (what `unionsearch index
--engine` runs), then in a fresh process times the 30-query mix through
``SphinxSearchIndex.search`` (top 10 + every facet count + 10 snippets, like the local engine)
and checks every total and facet count against the local engine's. Nodes are stopped by pid.
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench_queries import peak_rss_mb, query_mix, quick_mix, time_mix

SHARDS = (1, 2)


def _facet_map(result: dict) -> dict:
    return {("themes" if k == "theme" else k): {str(f["value"]): f["count"] for f in v}
            for k, v in result["facets"].items()}


def phase_sphinx_index(spec: dict) -> dict:
    """Index the corpus into the running cluster; rate, client memory, nodes' memory and disk."""
    from search.sphinxql.nodes import LocalCluster
    from search.sphinxql.writer import update_cluster

    cluster = LocalCluster.load(Path(spec["folder"]))
    started = time.perf_counter()
    summary = update_cluster(cluster.url, [Path(spec["corpus"])])
    seconds = time.perf_counter() - started
    return {"paragraphs": summary.paragraphs, "articles": summary.articles, "seconds": round(seconds, 1),
            "paragraphs_per_s": round(summary.paragraphs / seconds, 1), "client_peak_rss_mb": peak_rss_mb(),
            "nodes_rss_mb": round(cluster.memory_kb() / 1024, 1),
            "size_mb": round(sum(p.stat().st_size for p in Path(spec["folder"]).rglob("*") if p.is_file()) / 2**20, 1)}


def phase_sphinx_product(spec: dict) -> dict:
    """Time the query mix and the concordance on the cluster; return totals and facets for the exactness check."""
    from search.engine import SearchRequest
    from search.concordance import concordance
    from search.sphinxql.nodes import LocalCluster
    from search.sphinxql.searcher import SphinxSearchIndex

    cluster = LocalCluster.load(Path(spec["folder"]))
    queries = quick_mix() if spec["quick"] else query_mix()
    index = SphinxSearchIndex(cluster.url)
    started = time.perf_counter()
    index.warm()
    out: dict = {"open_s": round(time.perf_counter() - started, 3)}
    out["full"] = time_mix(lambda q: index.search(SearchRequest(q=q.q, filters=q.filters)), queries, spec["passes"])
    exact = [index.search(SearchRequest(q=q.q, filters=q.filters, synonyms=False)) for q in queries]
    out["totals"] = [r["total"] for r in exact]
    out["facets"] = [_facet_map(r) for r in exact]
    out["notices"] = sorted({n for r in exact for n in r["notices"] if "分片" in n})
    out["concordance"] = {}
    for phrase in spec["concordance"]:
        times, result = [], None
        for _ in range(max(1, min(2, spec["passes"]))):
            t0 = time.perf_counter()
            result = concordance(index, phrase)
            times.append((time.perf_counter() - t0) * 1000)
        out["concordance"][phrase] = {"ms": round(statistics.median(times), 1), "occurrences": result["total"],
                                      "paragraphs": result["paragraphs"]}
    out["client_peak_rss_mb"] = peak_rss_mb()
    out["nodes_rss_mb"] = round(cluster.memory_kb() / 1024, 1)
    return out


PHASES = {"sphinx-index": phase_sphinx_index, "sphinx-product": phase_sphinx_product}


def bench_cluster(size_dir: Path, corpus: Path, args, run_phase: Callable[[str, dict], dict],
                  log: Callable[[str], None], median_tree: Callable[[list], dict], local: dict,
                  concordance: tuple[str, ...]) -> dict:
    """Index and search the corpus on 1 and 2 shards; return per shard count its numbers and exactness."""
    from search.sphinxql.nodes import local_cluster

    out: dict = {}
    for shards in SHARDS:
        folder = size_dir / f"sphinx-{shards}"
        shutil.rmtree(folder, ignore_errors=True)
        cluster = local_cluster(folder, shards)
        cluster.start_all()
        try:
            log(f"sphinxql, {shards} shard(s): indexing")
            result = {"indexing": run_phase("sphinx-index", {"folder": str(folder), "corpus": str(corpus)})}
            runs = []
            for r in range(args.repeat):
                log(f"sphinxql, {shards} shard(s): run {r + 1}/{args.repeat}")
                runs.append(run_phase("sphinx-product", {"folder": str(folder), "quick": args.quick,
                                                         "passes": args.passes, "concordance": list(concordance)}))
        finally:
            cluster.stop_all()
        result.update(median_tree(runs))
        result["exact_totals"] = sum(a == b for a, b in zip(result["totals"], local["totals"]))
        result["exact_facets"] = sum(a == b for a, b in zip(result["facets"], local["facets"]))
        result["queries"] = len(local["totals"])
        out[str(shards)] = result
    return out


def _stats(run: dict) -> str:
    every = run["full"]["classes"]["all"]
    return f"{every['p50']:.1f} / {every['p95']:.1f}"


def render(sizes: dict) -> str:
    """Return the Markdown table of the SphinxQL runs beside the local engine."""
    lines = ["#### SphinxQL backend (Sphinx 2.2.11, local nodes) beside the local engine",
             "| size | engine | indexing | full search p50 / p95 (ms) | first time p50 / p95 | exact totals | "
             "facet sets equal | concordance 职工 / 劳模 (ms) | client RSS | searchd RSS | on disk |",
             "|" + "---|" * 11]
    for label, result in sizes.items():
        product = result.get("product")
        if product:
            first = product["full"]["first"]["all"]
            conc = " / ".join(_ms(product["concordance"][p]["ms"]) for p in product["concordance"])
            lines.append(f"| {label} | local | {result['indexing']['paragraphs_per_s']:,.0f} p/s | {_stats(product)} | "
                         f"{first['p50']:.1f} / {first['p95']:.1f} | – | – | {conc} | "
                         f"{product['peak_rss_mb']:.0f} MB | – | {result['indexing']['size_mb']:.0f} MB |")
        for shards, run in result.get("sphinxql", {}).items():
            first = run["full"]["first"]["all"]
            conc = " / ".join(_ms(run["concordance"][p]["ms"]) for p in run["concordance"])
            indexing = run["indexing"]
            lines.append(f"| {label} | sphinxql, {shards} shard(s) | {indexing['paragraphs_per_s']:,.0f} p/s | "
                         f"{_stats(run)} | {first['p50']:.1f} / {first['p95']:.1f} | "
                         f"{run['exact_totals']}/{run['queries']} | {run['exact_facets']}/{run['queries']} | {conc} | "
                         f"{run['client_peak_rss_mb']:.0f} MB | {run['nodes_rss_mb']:.0f} MB | {indexing['size_mb']:.0f} MB |")
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"
