"""Facets: one small object per facet, counts over a whole result set with numpy, and filters.

Each facet's counts ignore that facet's own selection (so a writer can widen a choice) and honour
every other facet's selection. Counting works on per-paragraph code arrays loaded once per index
generation (search/generation.py), so a count costs a numpy pass, not a Python loop over hits. Filter values are
resolved against the values the index holds (河北 → 河北省, 昌吉州 → 昌吉回族自治州, 市 → city).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from index.fields import FIELDS, Field
from index.themes import THEMES

from .errors import QueryError
from .query_fields import canonical_value


@dataclass(frozen=True)
class Facet:
    """A facet of one field (index/fields.py): how its codes are resolved, masked, counted and listed.

    The base class is a closed list of string values (code 0 is "no value"); the kinds below
    change what differs.
    """

    field: Field

    @property
    def name(self) -> str:
        """Return the request name (province, year …)."""
        return self.field.name

    @property
    def label(self) -> str:
        """Return the Chinese label (省份, 年份 …)."""
        return self.field.label

    @property
    def column(self) -> str:
        """Return the index column it counts."""
        return self.field.column

    @property
    def counted(self) -> bool:
        """Tell whether it is shown with counts (county is a filter only)."""
        return self.field.counted

    def dense(self, table: FacetTable, codes: np.ndarray) -> tuple[np.ndarray, int]:
        """Return the codes as small consecutive integers, and how many there are."""
        return codes, len(table.values[self.name])

    def mask(self, table: FacetTable, codes: np.ndarray, selected: tuple) -> np.ndarray:
        """Return the paragraphs whose value is one of ``selected``."""
        chosen = np.isin(table.values[self.name], selected)  # per code, then one gather per paragraph
        chosen[0] = False  # code 0 is "no value", never chosen
        return chosen[codes]

    def listing(self, table: FacetTable, counts: np.ndarray) -> list[dict]:
        """Return the non-zero counts by dense code as the result listing, most first."""
        values = table.values[self.name]
        present = np.flatnonzero(counts).tolist()
        pairs = sorted(((values[code], int(counts[code])) for code in present if code), key=lambda p: (-p[1], p[0]))
        return [{"value": v, "count": n} for v, n in pairs]

    def values_named(self, value: str, known: list[str]) -> list[str]:
        """Return the index values a typed filter value names."""
        return [_closed_value(self.name, value, known)]

    def resolve(self, table: FacetTable, values: list[str]) -> tuple[list, list, list[str]]:
        """Return (what the mask selects, the resolved values, notices) for typed filter values."""
        known = table.values.get(self.name, [])
        chosen: list[str] = []
        notices: list[str] = []
        for value in values:
            found = self.values_named(value, known)
            if not found or not set(found) & set(known):
                notices.append(f"索引中没有“{value}”这一{self.label}")
            chosen.extend(found or [value])
        resolved = list(dict.fromkeys(chosen))
        return resolved, resolved, notices


class CodedFacet(Facet):
    """Codes with Chinese names and aliases (级别, 段落类型, 文种)."""


class PlaceFacet(Facet):
    """Full official place names; short forms and aliases resolved through the gazetteer (城市 takes 直辖市 too)."""

    def values_named(self, value: str, known: list[str]) -> list[str]:
        """Return the index's places ``value`` names, short forms included."""
        return place_values(self.name, value, known)


class YearFacet(Facet):
    """Years: codes are the years themselves, filters are ranges, listed newest first."""

    def dense(self, table: FacetTable, codes: np.ndarray) -> tuple[np.ndarray, int]:
        """Return years as codes above the oldest year (table.year_base), 0 for none."""
        table.year_base = int(codes[codes > 0].min()) - 1 if (codes > 0).any() else 0
        dense = np.where(codes > 0, codes - table.year_base, 0)
        return dense, int(dense.max(initial=0)) + 1

    def mask(self, table: FacetTable, codes: np.ndarray, selected: tuple) -> np.ndarray:
        """Return the paragraphs whose year is in one of the (from, to) pairs ``selected``."""
        out = np.zeros(len(codes), dtype=bool)
        for low, high in selected:
            out |= (codes >= low) & (codes <= high)
        return out

    def listing(self, table: FacetTable, counts: np.ndarray) -> list[dict]:
        """Return the years with counts, newest first."""
        present = np.flatnonzero(counts).tolist()
        return [{"value": code + table.year_base, "count": int(counts[code])} for code in reversed(present) if code]

    def resolve(self, table: FacetTable, values: list[str]) -> tuple[list, list, list[str]]:
        """Return the (from, to) pairs of the typed years and ranges; a value that is no year raises QueryError."""
        return year_ranges(values), values, []


class ThemeFacet(Facet):
    """Themes: up to three per paragraph, stored as bits; a part of a theme's name names it."""

    def dense(self, table: FacetTable, codes: np.ndarray) -> tuple[np.ndarray, int]:
        """Return each paragraph's theme set as its rank among the sets present (table.theme_sets)."""
        # Paragraphs carry few themes, so few distinct theme sets: count sets, then sum bits.
        present = np.bincount(codes, minlength=1 << len(THEMES)) > 0
        table.theme_sets = np.flatnonzero(present)
        dense = np.cumsum(present) - 1
        return dense[codes], len(table.theme_sets)

    def mask(self, table: FacetTable, codes: np.ndarray, selected: tuple) -> np.ndarray:
        """Return the paragraphs that carry one of the themes ``selected``."""
        bits = 0
        for value in selected:
            if value in THEMES:
                bits |= 1 << THEMES.index(value)
        return (codes & bits) != 0

    def listing(self, table: FacetTable, counts: np.ndarray) -> list[dict]:
        """Return each theme's count summed over the theme sets, in the themes' order."""
        bits = (table.theme_sets[:, None].astype(np.int64) >> np.arange(len(THEMES))) & 1
        totals = counts @ bits
        return [{"value": name, "count": int(n)} for name, n in zip(THEMES, totals.tolist()) if n]

    def resolve(self, table: FacetTable, values: list[str]) -> tuple[list, list, list[str]]:
        """Return the themes the typed values name; a value naming none is noticed."""
        chosen: list[str] = []
        notices: list[str] = []
        for value in values:
            found = theme_values(value)
            if not found:
                notices.append(f"索引中没有“{value}”这一{self.label}")
            chosen.extend(found or [value])
        resolved = list(dict.fromkeys(chosen))
        return resolved, resolved, notices


FACET_KINDS: dict[str, type[Facet]] = {"place": PlaceFacet, "coded": CodedFacet, "year": YearFacet,
                                       "theme": ThemeFacet}
FACETS = tuple(FACET_KINDS[f.kind](f) for f in FIELDS)
FACET_BY_NAME = {f.name: f for f in FACETS}
COUNTED = tuple(f.name for f in FACETS if f.counted)


JOINT_BINS = 1 << 18  # at most this many bins in one joint count of several facets
MASK_CACHE = 32  # filter masks a table remembers


@dataclass
class Joint:
    """Facets counted together: one code per paragraph combines theirs (mixed radix)."""

    names: tuple[str, ...]
    shape: tuple[int, ...]
    codes: np.ndarray


@dataclass
class FacetTable:
    """Per-paragraph facet codes of one index generation (docnum → code)."""

    codes: dict[str, np.ndarray]
    values: dict[str, list]  # code → value; code 0 is "no value"
    joints: list[Joint] = field(init=False)
    year_base: int = field(init=False, default=0)  # a year's dense code is year - year_base
    theme_sets: np.ndarray = field(init=False)  # the theme bits of each dense theme code

    def __post_init__(self) -> None:
        # A filter is applied again on every page and every facet click: its mask is remembered.
        self._mask = lru_cache(maxsize=MASK_CACHE)(self._read_only_mask)
        # Counting is per facet a gather and a bincount over every matching paragraph, which for a
        # common word is most of a million: facets with few values share one joint count instead.
        dense = {name: self._dense(name) for name in COUNTED if name in self.codes}
        self.joints = []
        names: list[str] = []
        for name in sorted(dense, key=lambda n: dense[n][1]):
            if names and np.prod([dense[n][1] for n in names]) * dense[name][1] > JOINT_BINS:
                self.joints.append(self._joint(names, dense))
                names = []
            names.append(name)
        if names:
            self.joints.append(self._joint(names, dense))

    def _dense(self, name: str) -> tuple[np.ndarray, int]:
        """Return a facet's codes as small consecutive integers, and how many there are."""
        return FACET_BY_NAME[name].dense(self, self.codes[name])

    @staticmethod
    def _joint(names: list[str], dense: dict[str, tuple[np.ndarray, int]]) -> Joint:
        shape = tuple(dense[n][1] for n in names)
        combined = np.zeros(len(dense[names[0]][0]), dtype=np.int32)  # < JOINT_BINS, or one facet's size
        for name in names:
            combined *= dense[name][1]
            combined += dense[name][0]
        return Joint(tuple(names), shape, combined)

    def mask(self, facet: str, selected: list) -> np.ndarray:
        """Return the paragraphs whose value is one of ``selected`` (year: (from, to) pairs), read-only."""
        return self._mask(facet, tuple(selected))

    def _read_only_mask(self, facet: str, selected: tuple) -> np.ndarray:
        mask = self._compute_mask(facet, selected)
        mask.flags.writeable = False
        return mask

    def _compute_mask(self, facet: str, selected: tuple) -> np.ndarray:
        return FACET_BY_NAME[facet].mask(self, self.codes[facet], selected)

    def count(self, facets: list[str], rows: np.ndarray) -> dict[str, list[dict]]:
        """Return {facet: [{"value", "count"}], most first} over the paragraphs ``rows`` selects (docnums)."""
        out = {}
        for joint in self.joints:
            wanted = [n for n in joint.names if n in facets]
            if not wanted:
                continue
            counts = np.bincount(joint.codes[rows], minlength=int(np.prod(joint.shape))).reshape(joint.shape)
            for name in wanted:
                axis = joint.names.index(name)
                others = tuple(i for i in range(len(joint.names)) if i != axis)
                out[name] = self._listing(name, counts.sum(axis=others) if others else counts)
        return out

    def _listing(self, facet: str, counts: np.ndarray) -> list[dict]:
        """Return the non-zero counts of one facet by dense code as the result listing."""
        return FACET_BY_NAME[facet].listing(self, counts)


def facet_counts(table: FacetTable, matched: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, list[dict]]:
    """Count every counted facet over ``matched``, each ignoring its own selection."""
    # Facets whose other selections are the same count the same rows, together.
    by_others: dict[tuple[str, ...], list[str]] = {}
    for name in COUNTED:
        by_others.setdefault(tuple(other for other in masks if other != name), []).append(name)
    result: dict[str, list[dict]] = {}
    for others, names in by_others.items():
        rows = matched.copy()
        for other in others:
            rows &= masks[other]
        result.update(table.count(names, np.flatnonzero(rows)))
    return {name: result[name] for name in COUNTED}


# What may follow a short place name in its full name: 河北 → 河北省, 广西 → 广西壮族自治区.
_PLACE_SUFFIXES = ("省", "市", "县", "区", "旗", "盟", "地区", "林区", "特区", "特别行政区")
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
_PLACE_LEVELS = {"province": ("province",), "city": ("city", "province"), "county": ("district",)}
# The coded fields with a closed list of codes (level, kind); the others list the values the index holds.
_CLOSED = {f.name: tuple(f.codes) for f in FIELDS if f.kind == "coded" and f.codes}


def _is_short_form(short: str, full: str) -> bool:
    """Tell whether ``full`` is ``short`` plus an administrative suffix (not 河 → 河北省)."""
    if len(short) < 2 or not full.startswith(short) or full == short:
        return False
    rest = full[len(short):]
    return rest in _PLACE_SUFFIXES or rest.endswith(_AUTONOMOUS)


def place_values(facet: str, value: str, known: list[str]) -> list[str]:
    """Return the index's values of a place facet that ``value`` names, short forms included."""
    if value in known:
        return [value]
    from index.metadata.gazetteer import get_gazetteer  # deferred: built on first place filter

    found = []
    for entry in get_gazetteer().lookup(value):
        full = getattr(entry.place, facet, None)
        if full in known and entry.place.level in _PLACE_LEVELS[facet]:
            found.append(full)
    found.extend(v for v in known if v and _is_short_form(value, v))
    return list(dict.fromkeys(found))


def theme_values(value: str) -> list[str]:
    """Return the themes ``value`` names: the one it equals, or every theme containing it."""
    exact = [t for t in THEMES if value == t or value in t.split("/")]
    return exact or [t for t in THEMES if value in t]


def _closed_value(name: str, value: str, known: list[str]) -> str:
    """Return the code of a level, kind or doc_type value, or raise QueryError listing the choices."""
    if value in _CLOSED.get(name, ()) or value in known:
        return value
    canonical, notice = canonical_value(name, value)
    if canonical is None:
        choices = _CLOSED.get(name) or [v for v in known if v]
        label = FACET_BY_NAME[name].label if name in FACET_BY_NAME else name
        raise QueryError(notice or f"无法识别的{label}“{value}”", hint=f"可用：{'、'.join(map(str, choices))}")
    return canonical


def unknown_filter(name: str) -> QueryError:
    """Return the error for a filter name that is no facet, listing the facets by name and label."""
    names = "、".join(f"{f.name}（{f.label}）" for f in FACETS)
    return QueryError(f"未知的筛选字段“{name}”", hint=f"可用的筛选字段：{names}")


def year_ranges(values: list[str]) -> list[tuple[int, int]]:
    """Return (from, to) pairs for year filter values such as "2021" or "2019-2023"."""
    pairs = []
    for value in values:
        canonical, notice = canonical_value("year", str(value))
        if canonical is None:
            raise QueryError(notice or f"无法识别的年份“{value}”", hint="例如 2021 或 2019-2023")
        low, _, high = canonical.partition("-")
        pairs.append((int(low), int(high or low)))
    return pairs


def resolve_filters(table: FacetTable, filters: dict[str, list[str]]) -> tuple[dict, dict, list[str]]:
    """Return (masks, resolved values, notices) for the filters; a value nothing can match is noticed."""
    masks: dict[str, np.ndarray] = {}
    resolved: dict[str, list] = {}
    notices: list[str] = []
    for name, values in filters.items():
        if name not in FACET_BY_NAME:
            raise unknown_filter(name)
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            continue
        selected, resolved[name], found_notices = FACET_BY_NAME[name].resolve(table, values)
        notices.extend(found_notices)
        masks[name] = table.mask(name, selected)
    return masks, resolved, notices
