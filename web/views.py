"""Page routes: the search page (results or concordance), an article, similar paragraphs, exports."""

from __future__ import annotations

import math
from pathlib import PurePath

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from index.fields import SIDEBAR_FIELDS, region_text
from search.documents import paragraph_context, similar_paragraphs
from search.export import (
    RESULT_COLUMNS,
    organization_of,
    to_csv,
    to_markdown,
    with_citation,
)
from search.export_docx import results_docx
from search.facets import FACET_BY_NAME
from search.pages import ConcordanceOptions, export_page, marked_article, search_page as search_page_data
from search.query_fields import value_label as facet_value_label

from .current import get_index
from .charts import bar_chart, column_chart
from .downloads import attachment
from .history import remember_search
from .params import (
    FILTER_NAMES,
    SORT_LABELS,
    VIEWS,
    choice_param,
    filter_params,
    int_param,
    kwic_request,
    query_param,
    search_request,
    state_url,
    synonyms_param,
)

views = Blueprint("views", __name__)

KWIC_SHOWN = 500  # rows drawn in the page; the counts and charts cover every occurrence
ARTICLES_SHOWN = 200  # articles listed on the start page
PAGE_WINDOW = 2  # page links shown either side of the current page
SIDEBAR_FACETS = tuple(f.name for f in SIDEBAR_FIELDS)  # index/fields.py: cities are listed under provinces
UNKNOWN_PROVINCE = "（其他）"


def value_label(name: str, value: object) -> str:
    """Return how a facet value reads in the page: level and kind codes in Chinese."""
    return facet_value_label(name, str(value))


def region_of(record: dict) -> str:
    """Return "省 市 县" of a hit or article, or an empty string."""
    return region_text(record)


@views.app_template_global()
def keep_state(path: str, **changes: object) -> str:
    """Return ``path`` with the current search state, changed (page resets unless given)."""
    return state_url(path, request.args, **changes)


def _facet_values(name: str, counts: list[dict], selected: list[str]) -> list[dict]:
    values = [{"value": str(c["value"]), "label": value_label(name, c["value"]), "count": c["count"]} for c in counts]
    # A checked value that matches nothing must stay visible, or it could not be unchecked.
    listed = {v["value"] for v in values}
    values += [{"value": s, "label": value_label(name, s), "count": 0} for s in selected if s not in listed]
    for i, v in enumerate(values, start=1):
        v.update(id=f"f-{name}-{i}", checked=v["value"] in selected, children=[])
    return values


def facet_groups(result: dict, args: MultiDict, city_provinces: dict[str, str]) -> list[dict]:
    """Return the sidebar: each facet's values with counts and checked state, cities under provinces."""
    selected = filter_params(args)
    groups = []
    for name in SIDEBAR_FACETS:
        values = _facet_values(name, result["facets"].get(name, []), selected.get(name, []))
        groups.append({"name": name, "label": FACET_BY_NAME[name].label, "values": values})
    cities = _facet_values("city", result["facets"].get("city", []), selected.get("city", []))
    if cities:
        provinces = {v["value"]: v for v in groups[0]["values"]}
        orphans = []
        for city in cities:
            parent = provinces.get(city_provinces.get(city["value"], ""))
            (parent["children"] if parent else orphans).append(city)
        if orphans:
            groups[0]["values"].append({"value": "", "label": UNKNOWN_PROVINCE, "count": None,
                                        "checked": False, "children": orphans})
    return groups


def active_filters(args: MultiDict) -> list[dict]:
    """Return a chip per filter value in the URL, each with the link that removes it."""
    chips = []
    for name, values in filter_params(args).items():
        for value in values:
            chips.append({"name": name, "value": value, "label": f"{FACET_BY_NAME[name].label}：{value_label(name, value)}",
                          "remove": state_url(url_for("views.search_page"), args, remove=(name, value))})
    return chips


def pagination(total: int, page: int, per_page: int) -> dict:
    """Return the page links to draw: previous, a window of numbers with gaps, next."""
    pages = max(1, math.ceil(total / per_page))
    shown = sorted({1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)})
    items: list[int | None] = []
    for number in shown:
        if items and number - (items[-1] or 0) > 1:
            items.append(None)  # a gap
        items.append(number)
    return {"pages": pages, "items": items, "prev": min(page - 1, pages) if page > 1 else None,
            "next": page + 1 if page < pages else None}


def decorate(hit: dict, q: str, synonyms: bool = True) -> dict:
    """Add what the page shows and links to around a hit or paragraph record."""
    fmt = str(current_app.config["CITATION_FORMAT"])
    return {
        **hit,
        "organization": organization_of(hit),
        "region": region_of(hit),
        "file": PurePath(hit.get("source") or "").name,
        "copy_text": with_citation(hit, fmt),
        "article_url": url_for("views.article_page", article_id=hit["article_id"], q=q or None,
                               synonyms=None if synonyms or not q else "0", _anchor=f"p-{hit['id']}"),
        "similar_url": url_for("views.similar_page", paragraph_id=hit["id"]),
        "context_url": url_for("api.paragraph", paragraph_id=hit["id"], q=q or None,
                               synonyms=None if synonyms or not q else "0"),
    }


@views.get("/")
def search_page() -> str:
    """Render the search page: results (or the concordance with view=kwic) with facets and charts."""
    args = request.args
    config = current_app.config
    search = search_request(args, config)
    view = choice_param(args, "view", VIEWS, "results")
    kwic_options = kwic_request(args)
    concordance = ConcordanceOptions(sort=kwic_options.sort, context=kwic_options.context, limit=KWIC_SHOWN,
                                     citation_format=str(config["CITATION_FORMAT"]))
    page = search_page_data(get_index(), search, kwic=concordance if view == "kwic" else None)
    result, kwic = page["result"], page["kwic"]
    if kwic is not None:
        kwic["year_chart"] = column_chart(kwic["by_year"], f"“{kwic['query']}”各年出现次数")
        kwic["province_chart"] = bar_chart(kwic["by_province"], f"“{kwic['query']}”各省出现次数")
    remember_search(search, result["total"], _describe_filters(args))
    return render_template(
        "search.html",
        search=search, result=result, view=view, kwic=kwic, kwic_options=kwic_options, idle=page["idle"],
        hits=[decorate(hit, search.q, search.synonyms) for hit in page["hits"]],
        articles=page["articles"], articles_shown=ARTICLES_SHOWN,
        facets=facet_groups(result, args, page["city_provinces"]), chips=active_filters(args),
        pages=pagination(result.get("total_articles", result["total"]), search.page, search.per_page),
        year_chart=column_chart(result["facets"].get("year", []), "命中段落按年份分布"),
        sort_labels=SORT_LABELS, first=(search.page - 1) * search.per_page + 1,
        clear_filters={name: None for name in FILTER_NAMES},
        related_links=[{"word": w, "url": keep_state(url_for("views.search_page"), q=f"{search.q} {w}".strip())}
                       for w in result.get("related", [])],
    )


@views.get("/article/<article_id>")
def article_page(article_id: str) -> str:
    """Render a whole article, the matches of ``q`` marked; #p-<id> scrolls to a paragraph."""
    q = query_param(request.args, int(current_app.config["MAX_QUERY_LENGTH"]))
    synonyms = synonyms_param(request.args, bool(current_app.config["SYNONYMS"]))
    record = marked_article(get_index(), article_id, q, synonyms)
    record["paragraphs"] = [decorate(p, q, synonyms) for p in record["paragraphs"]]
    return render_template("article.html", article=record, q=q, region=region_of(record),
                           organization=organization_of(record), file=PurePath(record.get("source") or "").name)


@views.get("/paragraph/<paragraph_id>")
def paragraph_page(paragraph_id: str) -> Response:
    """Redirect to a paragraph in its article (concordance lines link here)."""
    found = paragraph_context(get_index(), paragraph_id, before=0, after=0)
    q = query_param(request.args, int(current_app.config["MAX_QUERY_LENGTH"]))
    return redirect(url_for("views.article_page", article_id=found["article_id"], q=q or None,
                            _anchor=f"p-{found['id']}"))


@views.get("/similar/<paragraph_id>")
def similar_page(paragraph_id: str) -> str:
    """Render the paragraphs of other articles most similar to one paragraph."""
    found = similar_paragraphs(get_index(), paragraph_id)
    return render_template("similar.html", paragraph=decorate(found["paragraph"], ""),
                           similar=[decorate(p, "") for p in found["similar"]])


def _export(args: MultiDict) -> dict:
    index = get_index()
    most = int(current_app.config["EXPORT_LIMIT"])
    request_ = search_request(args, current_app.config)
    # ``limit`` asks for fewer hits than the setting allows; asking for more is refused, naming the limit.
    return export_page(index, request_, int_param(args, "limit", most, 1, most))


def _describe_filters(args: MultiDict) -> str:
    return "；".join(f"{FACET_BY_NAME[n].label} {'、'.join(value_label(n, v) for v in vs)}"
                    for n, vs in filter_params(args).items())


@views.get("/export.csv")
def export_csv() -> Response:
    """Download every hit of the current search (up to ``limit``, at most EXPORT_LIMIT) as CSV for Excel."""
    result = _export(request.args)
    body = to_csv(result["hits"], str(current_app.config["CITATION_FORMAT"]), RESULT_COLUMNS)
    return Response(body, mimetype="text/csv", headers=_attachment(result, "csv"))


@views.get("/export.md")
def export_markdown() -> Response:
    """Download every hit of the current search (up to ``limit``, at most EXPORT_LIMIT) as Markdown with citations."""
    result = _export(request.args)
    body = to_markdown(result, str(current_app.config["CITATION_FORMAT"]), _describe_filters(request.args))
    return Response(body, mimetype="text/markdown", headers=_attachment(result, "md"))


@views.get("/export.docx")
def export_docx() -> Response:
    """Download every hit of the current search (up to ``limit``, at most EXPORT_LIMIT) as Word, by article."""
    result = _export(request.args)
    body = results_docx(result, str(current_app.config["CITATION_FORMAT"]), _describe_filters(request.args))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers=_attachment(result, "docx"))


def _attachment(result: dict, extension: str) -> dict[str, str]:
    query = result.get("query") or ""
    return attachment(f"检索结果-{query}" if query else "检索结果", extension)

