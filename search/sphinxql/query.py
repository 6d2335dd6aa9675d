"""A search plan and resolved filters as SphinxQL: the MATCH expression and the WHERE conditions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.fields import FIELD_BY_NAME, FIELDS
from index.themes import THEMES

from ..scoring import Plan
from .connection import quote
from .encoding import SENTINEL, phrase

NOTHING = "id = 0"  # a condition no paragraph meets (document ids are never 0)
FACET_COLUMNS = {f.name: f.key for f in FIELDS}  # the column of each field (index/fields.py, config.py)


def match_expression(plan: Plan, exact_only: bool = False) -> str | None:
    """Return the MATCH text of a plan (None: no full-text condition; NOTHING: matches nothing).

    Each group is an OR of exact phrases (an empty literal matches nothing, as locally);
    exclusions are NOT phrases; a query of exclusions only starts from the sentinel every
    paragraph holds. ``exact_only`` leaves the synonym alternatives out.
    """
    parts = []
    for group in plan.tree.includes:
        leaves = group.leaves()
        alternatives = [p for p in dict.fromkeys(phrase(leaf.text) for leaf in leaves if leaf.exact or not exact_only) if p]
        if not alternatives:
            return NOTHING
        parts.append("(" + " | ".join(alternatives) + ")")
    excluded = [p for p in dict.fromkeys(phrase(node.child.text) for node in plan.tree.excludes) if p]
    if not parts and excluded:
        parts.append(f'"{SENTINEL}"')
    if not parts:
        return None
    return " ".join(parts + ["-" + p for p in excluded])


def where_clause(match: str | None, conditions: list[str]) -> str:
    """Return the WHERE clause (with the keyword) of a MATCH expression and attribute conditions."""
    if match == NOTHING:
        return f" WHERE {NOTHING}"
    terms = ([f"MATCH({quote(match)})"] if match else []) + conditions
    return (" WHERE " + " AND ".join(terms)) if terms else ""


@dataclass
class RemoteFacets:
    """The facet values the cluster holds, shaped like search.facets.FacetTable where callers look.

    ``values``: per facet, code → value (code 0 is "no value"); ``codes``: city and province
    codes of each distinct (city, province) pair. ``mask`` returns a WHERE condition instead of
    a boolean array, so search.facets.resolve_filters resolves filters here unchanged.
    """

    values: dict[str, list]
    codes: dict[str, np.ndarray]
    years: list[int]

    def mask(self, facet: str, selected: list) -> str:
        """Return the SphinxQL condition of a facet's selected values (year: (from, to) pairs)."""
        kind, column = FIELD_BY_NAME[facet].kind, FACET_COLUMNS[facet]
        if kind == "year":
            years = [y for y in self.years if any(low <= y <= high for low, high in selected)]
            return f"{column} IN ({','.join(map(str, years))})" if years else NOTHING
        if kind == "theme":
            ids = sorted({THEMES.index(v) + 1 for v in selected if v in THEMES})
            return f"{column} IN ({','.join(map(str, ids))})" if ids else NOTHING
        chosen = [v for v in selected if v]
        return f"{column} IN ({','.join(map(quote, chosen))})" if chosen else NOTHING

    @property
    def oldest_year(self) -> int:
        """Return the oldest year any paragraph has (0 when none is dated)."""
        return self.years[0] if self.years else 0
