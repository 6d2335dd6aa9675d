"""The benchmark's query mix and timing helpers: percentiles per query class, peak memory."""

from __future__ import annotations

import math
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

QUERY_CLASSES = ("common", "medium", "rare", "and", "phrase", "filtered")


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix: literal needles (AND), quoted or not, and facet filters."""

    cls: str
    needles: tuple[str, ...]
    quoted: bool = False
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def q(self) -> str:
        """Return the query as a user types it in the search box."""
        return " ".join(f'"{n}"' if self.quoted else n for n in self.needles)

    @property
    def label(self) -> str:
        """Return a short readable name for tables."""
        extra = " ".join(f"{k}={','.join(v)}" for k, v in self.filters.items())
        return f"{self.q} [{extra}]" if extra else self.q


def query_mix() -> list[BenchQuery]:
    """Return the 30 queries: five each of common, medium, rare, two-word AND, phrase, filtered."""
    words = {
        "common": ("职工", "工会", "服务", "建设", "工人"),
        "medium": ("劳模", "产业工人", "困难职工", "技能竞赛", "户外劳动者"),
        # Rare in the sample (1–3 paragraphs), and one that never occurs (风电).
        "rare": ("心理健康", "冰雪", "劳动保护", "光伏", "风电"),
    }
    mix = [BenchQuery(cls, (w,)) for cls, ws in words.items() for w in ws]
    mix += [BenchQuery("and", pair) for pair in (("职工", "服务"), ("劳模", "工匠"), ("女职工", "帮扶"),
                                                  ("疫情", "快递"), ("工会", "乡村振兴"))]
    mix += [BenchQuery("phrase", (p,), quoted=True)
            for p in ("产业工人队伍建设改革", "职工之家", "送温暖", "会、站、家", "省总工会")]
    mix += [
        BenchQuery("filtered", ("职工",), filters={"province": ["河北省"]}),
        BenchQuery("filtered", ("工会",), filters={"year": ["2019-2021"]}),
        BenchQuery("filtered", ("劳模",), filters={"theme": ["劳模工匠"]}),
        BenchQuery("filtered", ("服务",), filters={"kind": ["heading"]}),
        BenchQuery("filtered", ("职工",), filters={"province": ["广东省"], "year": ["2023"], "doc_type": ["工作总结"]}),
    ]
    return mix


def quick_mix() -> list[BenchQuery]:
    """Return two queries of each class, for a smoke run."""
    mix = query_mix()
    return [q for cls in QUERY_CLASSES for q in [q for q in mix if q.cls == cls][:2]]


# --- timing --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile (a value that occurred; conservative for small samples)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarize(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Return {class: {p50, p95, max, n}} in milliseconds, plus "all" over every class."""
    every = [t for ts in samples.values() for t in ts]
    out = {}
    for cls, ts in list(samples.items()) + [("all", every)]:
        if ts:
            out[cls] = {"p50": round(percentile(ts, 0.5), 2), "p95": round(percentile(ts, 0.95), 2),
                        "max": round(max(ts), 2), "n": len(ts)}
    return out


def time_mix(run: Callable[[BenchQuery], object], queries: list[BenchQuery], passes: int) -> dict:
    """Run one warm-up pass, then ``passes`` timed passes.

    Return {"classes": per-class stats, "queries": each query's median, "first": per-class stats
    of the warm-up pass (each query's first run: nothing about it remembered yet)} in milliseconds.
    """
    first: dict[str, list[float]] = {}
    for query in queries:
        started = time.perf_counter()
        run(query)
        first.setdefault(query.cls, []).append((time.perf_counter() - started) * 1000)
    per_query: list[list[float]] = [[] for _ in queries]
    for _ in range(passes):
        for i, query in enumerate(queries):
            started = time.perf_counter()
            run(query)
            per_query[i].append((time.perf_counter() - started) * 1000)
    samples: dict[str, list[float]] = {}
    for query, times in zip(queries, per_query):
        samples.setdefault(query.cls, []).extend(times)
    return {"classes": summarize(samples), "queries": [round(statistics.median(t), 2) for t in per_query],
            "first": summarize(first)}


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MiB (VmHWM)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
