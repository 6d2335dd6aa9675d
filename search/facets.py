"""Facets: one small object per facet, and counts over a whole result set with numpy.

Each facet's counts ignore that facet's own selection (so a writer can widen a choice) and honour
every other facet's selection. Counting works on per-paragraph code arrays read once per index
generation, so a count costs a numpy pass, not a Python loop over hits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from index.themes import THEMES


@dataclass(frozen=True)
class Facet:
    """A facet: the request name, the Chinese label, the index column it counts."""

    name: str
    label: str
    column: str
    counted: bool = True  # shown with counts (county is a filter only)


FACETS = (
    Facet("province", "省份", "province"),
    Facet("city", "城市", "city"),
    Facet("county", "区县", "county", counted=False),
    Facet("year", "年份", "year"),
    Facet("theme", "主题", "theme_bits"),
    Facet("level", "级别", "level"),
    Facet("doc_type", "文种", "doc_type"),
    Facet("kind", "段落类型", "kind"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}
COUNTED = tuple(f.name for f in FACETS if f.counted)


@dataclass
class FacetTable:
    """Per-paragraph facet codes of one index generation (docnum → code)."""

    codes: dict[str, np.ndarray]
    values: dict[str, list]  # code → value; code 0 is "no value"

    def mask(self, facet: str, selected: list) -> np.ndarray:
        """Return the paragraphs whose value is one of ``selected`` (year: (from, to) pairs)."""
        codes = self.codes[facet]
        if facet == "theme":
            bits = 0
            for value in selected:
                if value in THEMES:
                    bits |= 1 << THEMES.index(value)
            return (codes & bits) != 0
        if facet == "year":
            out = np.zeros(len(codes), dtype=bool)
            for low, high in selected:
                out |= (codes >= low) & (codes <= high)
            return out
        index = {v: i for i, v in enumerate(self.values[facet])}
        wanted = [index[v] for v in selected if v in index]
        return np.isin(codes, wanted) if wanted else np.zeros(len(codes), dtype=bool)

    def count(self, facet: str, rows: np.ndarray) -> list[dict]:
        """Return [{"value", "count"}] over the paragraphs flagged in ``rows``, most first."""
        codes = self.codes[facet][rows]
        if facet == "theme":
            counts = [(name, int(np.count_nonzero(codes & (1 << i)))) for i, name in enumerate(THEMES)]
            return [{"value": v, "count": n} for v, n in counts if n]
        if facet == "year":
            years, counts = np.unique(codes[codes > 0], return_counts=True)
            pairs = sorted(zip(years.tolist(), counts.tolist()), key=lambda p: -p[0])
            return [{"value": y, "count": n} for y, n in pairs]
        counts = np.bincount(codes, minlength=len(self.values[facet]))
        pairs = [(self.values[facet][i], int(n)) for i, n in enumerate(counts) if i and n]
        pairs.sort(key=lambda p: (-p[1], p[0]))
        return [{"value": v, "count": n} for v, n in pairs]


def build_facet_table(reader) -> FacetTable:
    """Read the facet columns of an index reader into code arrays."""
    codes: dict[str, np.ndarray] = {}
    values: dict[str, list] = {}
    size = reader.doc_count_all()
    for facet in FACETS:
        column = reader.column_reader(facet.column) if reader.has_column(facet.column) else None
        raw = list(column) if column is not None else [None] * size
        if facet.name in ("year", "theme"):
            codes[facet.name] = np.array([int(v or 0) for v in raw], dtype=np.int64)
            values[facet.name] = []
            continue
        table: dict[str, int] = {"": 0}
        out = np.zeros(size, dtype=np.int32)
        for docnum, value in enumerate(raw):
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            out[docnum] = table.setdefault(value or "", len(table))
        codes[facet.name] = out
        values[facet.name] = list(table)
    return FacetTable(codes, values)


class FacetCache:
    """Facet tables keyed by index generation, shared by the threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables: dict[object, FacetTable] = {}

    def get(self, searcher) -> FacetTable:
        """Return the facet table of the searcher's index generation, building it once."""
        reader = searcher.reader()
        key = (reader.generation(), reader.doc_count_all())
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                table = build_facet_table(reader)
                self._tables = {key: table}  # keep only the newest generation
            return table


def facet_counts(table: FacetTable, matched: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, list[dict]]:
    """Count every counted facet over ``matched``, each ignoring its own selection."""
    result: dict[str, list[dict]] = {}
    for name in COUNTED:
        rows = matched.copy()
        for other, mask in masks.items():
            if other != name:
                rows &= mask
        result[name] = table.count(name, rows)
    return result
