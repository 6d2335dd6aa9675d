"""Find place names in text and resolve them to province / city / county."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from index.metadata.gazetteer import FULL, STEM, WEAK, Entry, Gazetteer, Place, get_gazetteer

# In running text a bare short form (沧州, 来宾) counts only when what follows shows it is
# the place: these are the words union documents put after their own place's name.
_SHORT_ANCHORS = ("总工会", "工会", "职工", "市委", "市政府", "全市", "各级", "工运", "劳模",
                  "大工匠", "工匠", "高质量", "籍", "州委", "地委", "盟委")
# A one-character-stem name (献县, 城区) or a bare county stem (正定) counts only as the
# name of an organisation, or right after the province or city that holds it.
_WEAK_ANCHORS = ("总工会", "工会", "委", "政府", "人民", "人大", "政协")


@dataclass(frozen=True)
class Mention:
    """One place name found in a text, with every meaning it may have."""

    start: int
    end: int
    text: str
    places: tuple[Place, ...]


@lru_cache(maxsize=4)
def _friend_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Compile the false-friend words into one alternation."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")


def _false_friend_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the spans of words that contain a place's short form but are not places."""
    return [(m.start(), m.end()) for m in _friend_pattern(words).finditer(text)]


def _accepts(entry: Entry, text: str, end: int, strict: bool, after_parent: bool) -> bool:
    """Decide whether a match of this strength stands in this position."""
    if entry.strength == FULL:
        return True
    follows = text[end:end + 3]
    if entry.strength in (WEAK, STEM):
        return after_parent or follows.startswith(_WEAK_ANCHORS)
    return not strict or after_parent or follows.startswith(_SHORT_ANCHORS)


def _is_parent(parent: tuple[Place, ...], child: Entry) -> bool:
    """Tell whether a mention just before names the province or city that holds ``child``."""
    return any(p.level in ("province", "city") and p.province == child.place.province
               and (p.level == "province" or p.city == child.place.city) for p in parent)


def _under_parent(out: list[Mention], start: int, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Keep the meanings that sit inside a place named right before (晋城市城区 → 晋城's)."""
    if not out or out[-1].end != start:
        return ()
    return tuple(e for e in entries if _is_parent(out[-1].places, e))


def find_places(text: str, strict: bool = False, gaz: Gazetteer | None = None) -> list[Mention]:
    """Return the place names in ``text``, scanning leftmost-longest.

    ``strict`` is for body text: bare short forms then need a confirming word after them.
    """
    gaz = gaz or get_gazetteer()
    friends = _false_friend_spans(text, gaz.false_friends)
    out: list[Mention] = []
    i, n = 0, len(text)
    while i < n:
        found = None
        for length in gaz.lengths.get(text[i], ()):
            entries = gaz.lookup(text[i:i + length]) if i + length <= n else ()
            if entries:
                found = (length, entries)
                break
        if not found:
            i += 1
            continue
        length, entries = found
        end = i + length
        inside = _under_parent(out, i, entries)
        after_parent = bool(inside)
        entries = inside or entries
        inside_friend = any(s <= i and end <= e for s, e in friends)
        # Inside a false friend only an official name with its suffix stands (隆重庆祝 is no 重庆).
        kept = tuple(e.place for e in entries
                     if not (inside_friend and (e.strength != FULL or text[i:end] != e.place.body))
                     and _accepts(e, text, end, strict, after_parent))
        if kept:
            out.append(Mention(i, end, text[i:end], kept))
            i = end
        else:
            i += 1
    return out


def compatible(a: Place, b: Place) -> bool:
    """Tell whether two places can describe the same spot (one inside the other)."""
    if a.province != b.province:
        return False
    if a.city and b.city and a.city != b.city:
        return False
    return not (a.county and b.county and a.county != b.county)


def _more_specific(a: Place, b: Place) -> Place:
    """Return whichever of two compatible places says more."""
    depth = lambda p: (p.county is not None) * 2 + (p.city is not None)  # noqa: E731
    return b if depth(b) > depth(a) else a


def disambiguate(mentions: list[Mention]) -> list[Place]:
    """Resolve each mention to one place, using the unambiguous ones as context.

    A name that still has meanings in different places is dropped rather than guessed;
    meanings that differ only below the province keep their shared province.
    """
    certain = [m.places[0] for m in mentions if len(m.places) == 1]
    out = []
    for m in mentions:
        if len(m.places) == 1:
            out.append(m.places[0])
            continue
        fitting = [p for p in m.places if any(compatible(p, c) for c in certain)] or list(m.places)
        if len(fitting) == 1:
            out.append(fitting[0])
        elif len({p.province for p in fitting}) == 1:
            first = fitting[0]
            out.append(Place(first.province, "province", first.province,
                             first.city if len({p.city for p in fitting}) == 1 else None))
    return out


def combine(places: list[Place]) -> Place | None:
    """Merge places that nest into one; the first place wins over later conflicting ones."""
    if not places:
        return None
    best = places[0]
    for place in places[1:]:
        if compatible(best, place):
            best = _more_specific(best, place)
    return best


def _share(counts: Counter, minimum: int = 2) -> str | None:
    """Return the key that clearly leads ``counts`` (≥ minimum and twice the runner-up)."""
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < minimum:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def dominant_place(paragraphs: list[str], gaz: Gazetteer | None = None) -> Place | None:
    """Return the place body text clearly talks about, or None when no place dominates."""
    gaz = gaz or get_gazetteer()
    places: list[Place] = []
    for text in paragraphs:
        places.extend(disambiguate(find_places(text, strict=True, gaz=gaz)))
    province = _share(Counter(p.province for p in places))
    if province is None:
        return None
    inside = [p for p in places if p.province == province]
    city = _share(Counter(p.city for p in inside if p.city and p.city != province))
    if city is None:
        return municipal_city(Place(province, "province", province))
    counties = Counter(p.county for p in inside if p.county and p.city == city)
    county = _share(counties)
    # A county wins only when the text names it at least as often as its city.
    if county and counties[county] >= sum(1 for p in inside if p.city == city and not p.county):
        return next(p for p in inside if p.county == county)
    return Place(city, "city", province, city)


def places_in(text: str, strict: bool = False) -> list[Place]:
    """Return the resolved places named in ``text`` in order."""
    return disambiguate(find_places(text, strict=strict))


def municipal_city(place: Place) -> Place:
    """Give a 直辖市's places their city (天津市 is both province and city)."""
    if place.city is None and place.province in get_gazetteer().municipalities:
        return replace(place, city=place.province)
    return place


# "在太原隆重开幕": a place named as where something was held is the venue, not the subject.
_VENUE = re.compile(r"(?:在|于|於)$")
_VENUE_AFTER = re.compile(r"^.{0,6}?(?:召开|举行|开幕|闭幕|举办|隆重|顺利|启动)")
# A place that names an institution serving beyond it (贵阳银行, 苏州大学) locates nothing.
_INSTITUTION_AFTER = ("银行", "大学", "学院", "集团", "公司", "日报", "晚报", "电视台", "新闻网", "网", "号")
_SENTENCE = re.compile(r"[。！？]")
LEAD_MIN_CHARS = 30


def _is_venue(text: str, m: Mention) -> bool:
    return bool(_VENUE.search(text[:m.start]) and _VENUE_AFTER.match(text[m.end:]))


def headline_places(text: str) -> list[Place]:
    """Return the places a headline is about: venues ("在太原召开") only when nothing else is named."""
    mentions = find_places(text)
    kept = [m for m in mentions if not _is_venue(text, m)]
    return disambiguate(kept or mentions)


def union_cities(text: str) -> list[Place]:
    """Return the places of the unions a headline names ("太原市总工会…；阳泉市总开展…")."""
    return disambiguate([m for m in find_places(text) if text[m.end:].startswith(("总工会", "工会", "总"))])


def distinct_cities(places: list[Place]) -> bool:
    """Tell whether places name two different cities (a digest of several cities' news)."""
    cities = {p.city for p in places if p.city and p.city != p.province}
    return len(cities) > 1


def province_of(places: list[Place]) -> Place | None:
    """Return the one province the places share, as a province-level place, or None."""
    provinces = {p.province for p in places}
    if len(provinces) != 1:
        return None
    province = provinces.pop()
    return municipal_city(Place(province, "province", province))


def lead_sentence(body: list[str]) -> str:
    """Return the lead of the first real paragraph (one that ends a sentence): its first two sentences."""
    for text in body:
        stripped = text.strip()
        if len(stripped) >= LEAD_MIN_CHARS and _SENTENCE.search(stripped):
            return "。".join(_SENTENCE.split(stripped, 2)[:2])
    return ""


def lead_place(body: list[str]) -> Place | None:
    """Return the place the first sentence names by its full official name, if it names one."""
    sentence = lead_sentence(body)
    # Only an official name (陽泉市) or a name with a union word after it (丹东总工会): a bare
    # short form in running text is too often part of a word (隆重庆祝).
    strong = [m for m in find_places(sentence, strict=True)
              if (m.text in {p.body for p in m.places} or sentence[m.end:].startswith(_SHORT_ANCHORS))
              and not sentence[m.end:].startswith(_INSTITUTION_AFTER) and not _is_venue(sentence, m)]
    places = disambiguate(strong)
    return combine(places) if places and not distinct_cities(places) else None


def sole_city(paragraphs: list[str]) -> Place | None:
    """Return the one city a text names anywhere (short forms included), or None.

    For a text that calls its own body only "市总工会" / "我市": the city it names, when it
    names exactly one and not as an institution's name (贵阳银行), is the issuing city.
    """
    found: list[Place] = []
    for text in paragraphs:
        found.extend(m.places[0] for m in find_places(text) if len(m.places) == 1
                     and not text[m.end:].startswith(_INSTITUTION_AFTER))
    cities = {p.city for p in found if p.city and p.city != p.province}
    if len(cities) != 1:
        return None
    city = cities.pop()
    return next(Place(city, "city", p.province, city) for p in found if p.city == city)
