"""The phrasing workbench's pages and JSON routes: collocations, recurring phrases, keywords, heading sets."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from search.collocations import DEFAULT_LIMIT, MAX_WINDOW, MEASURE_LABELS, MEASURES, collocations
from search.errors import QueryError
from search.headings import heading_sets
from search.keyness import UNITS as KEYWORD_UNITS, keywords
from search.ngrams import LONGEST, SORTS as PHRASE_SORTS, recurring_phrases
from search.facets import FACET_BY_NAME
from search.pages import collocations_table, heading_table, phrases_table
from search.query_fields import value_label

from .current import get_index
from .params import choice_param, filter_params, int_param, query_param, state_url, synonyms_param

workbench = Blueprint("workbench", __name__)

DEFAULT_WINDOW = 5
MAX_LIMIT = 200
MAX_MIN_FREQUENCY = 1000
# The collocation page's own parameters, carried by its links beside the search state.
OPTION_KEYS = ("window", "measure", "min_freq", "limit", "min_length", "max_length", "min_articles", "phrase_sort", "unit")
KEYWORD_DEFAULTS = {"min_freq": 5, "min_articles": 2, "limit": 50}


def collocation_request(args: Mapping) -> dict:
    """Return the keyword arguments of collocations() that the query string describes."""
    config = current_app.config
    return {
        "q": query_param(args, int(config["MAX_QUERY_LENGTH"])),
        "filters": filter_params(args),
        "synonyms": synonyms_param(args, bool(config["SYNONYMS"])),
        "window": int_param(args, "window", DEFAULT_WINDOW, 1, MAX_WINDOW),
        "measure": choice_param(args, "measure", MEASURES, "logdice"),
        "min_frequency": int_param(args, "min_freq", 2, 1, MAX_MIN_FREQUENCY),
        "limit": int_param(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
    }


def pair_url(q: str, word: str, args: Mapping) -> str:
    """Return the concordance of the node with one collocate: both as terms, the filters kept."""
    return state_url(url_for("views.search_page"), args, drop=("page", *OPTION_KEYS),
                     q=f"{q} {word}", view="kwic")


@workbench.get("/api/collocations")
def collocations_api() -> Response:
    """Return the collocations of ``q``: the `unionsearch collocations --json` shape."""
    options = collocation_request(request.args)
    if not options["q"]:
        raise QueryError("参数 q 不能为空：搭配需要一个检索词", hint="例如 /api/collocations?q=职工书屋")
    return jsonify(collocations(get_index(), **options))


@workbench.get("/collocations")
def collocations_page() -> str:
    """Render the left and right collocates of the query, the measure switchable, each linked to its concordance."""
    options = collocation_request(request.args)
    result = collocations_table(get_index(), **options)
    if result is not None:
        for side in ("left", "right"):
            for row in result[side]:
                row["url"] = pair_url(options["q"], row["word"], request.args)
    links = {m: _option_url(measure=m) for m in MEASURES}
    filters = _filter_labels(options["filters"])
    return render_template("workbench/collocations.html", options=options, result=result, measures=MEASURE_LABELS,
                           measure_urls=links, filters=filters, max_window=MAX_WINDOW,
                           search_url=state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS)))


def _option_url(**changes: object) -> str:
    """Return this page with its options changed, the search state kept."""
    options: dict[str, object] = {key: request.args.get(key) for key in OPTION_KEYS}
    options.update(changes)
    return state_url(url_for("workbench.collocations_page"), request.args, drop=("page", *OPTION_KEYS), **options)


def phrases_request(args: Mapping) -> dict:
    """Return the keyword arguments of recurring_phrases() that the query string describes."""
    config = current_app.config
    return {
        "q": query_param(args, int(config["MAX_QUERY_LENGTH"])),
        "filters": filter_params(args),
        "synonyms": synonyms_param(args, bool(config["SYNONYMS"])),
        "min_length": int_param(args, "min_length", 4, 2, LONGEST),
        "max_length": int_param(args, "max_length", 12, 2, LONGEST),
        "min_articles": int_param(args, "min_articles", 2, 1, MAX_MIN_FREQUENCY),
        "sort": choice_param(args, "phrase_sort", PHRASE_SORTS, "articles"),
        "limit": int_param(args, "limit", 50, 1, MAX_LIMIT),
    }


@workbench.get("/api/phrases")
def phrases_api() -> Response:
    """Return the recurring phrases of ``q``: the `unionsearch phrases --json` shape."""
    options = phrases_request(request.args)
    if not options["q"]:
        raise QueryError("参数 q 不能为空：常用说法需要一个检索词", hint="例如 /api/phrases?q=合法权益")
    return jsonify(recurring_phrases(get_index(), **options))


@workbench.get("/phrases")
def phrases_page() -> str:
    """Render the recurring phrases around the query: articles using each, its years, its first appearance."""
    options = phrases_request(request.args)
    result = phrases_table(get_index(), **options)
    if result is not None:
        for row in result["phrases"]:
            # The box's own filters (合法权益 年:2023) stay with each phrase's concordance.
            row["url"] = state_url(url_for("views.search_page"), request.args, drop=("page", "q", *OPTION_KEYS),
                                   q=f'"{row["phrase"]}" {result["typed_filters"]}'.strip(), view="kwic")
            row["first_url"] = url_for("views.paragraph_page", paragraph_id=row["first"]["paragraph_id"])
    sort_urls = {code: _phrases_url(phrase_sort=code) for code in PHRASE_SORTS}
    return render_template("workbench/phrases.html", options=options, result=result, sort_urls=sort_urls,
                           filters=_filter_labels(options["filters"]),
                           search_url=state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS)))


def _phrases_url(**changes: object) -> str:
    options: dict[str, object] = {key: request.args.get(key) for key in OPTION_KEYS}
    options.update(changes)
    return state_url(url_for("workbench.phrases_page"), request.args, drop=("page", *OPTION_KEYS), **options)


def _filter_labels(filters: dict[str, list[str]]) -> list[str]:
    return [f"{FACET_BY_NAME[n].label}：{'、'.join(value_label(n, v) for v in vs)}" for n, vs in filters.items()]


def keywords_request(args: Mapping) -> dict:
    """Return the keyword arguments of keywords() that the query string describes."""
    config = current_app.config
    return {
        "q": query_param(args, int(config["MAX_QUERY_LENGTH"])),
        "filters": filter_params(args),
        "synonyms": synonyms_param(args, bool(config["SYNONYMS"])),
        "min_frequency": int_param(args, "min_freq", KEYWORD_DEFAULTS["min_freq"], 1, MAX_MIN_FREQUENCY),
        "min_articles": int_param(args, "min_articles", KEYWORD_DEFAULTS["min_articles"], 1, MAX_MIN_FREQUENCY),
        "limit": int_param(args, "limit", KEYWORD_DEFAULTS["limit"], 1, MAX_LIMIT),
        "unit": choice_param(args, "unit", KEYWORD_UNITS, "words"),
    }


@workbench.get("/api/keywords")
def keywords_api() -> Response:
    """Return the words key to the request's subset against the rest: the `unionsearch keywords --json` shape."""
    return jsonify(keywords(get_index(), **keywords_request(request.args)))


@workbench.get("/keywords")
def keywords_page() -> str:
    """Render the words key to (and lacking in) the current filter or search, each linked to its concordance."""
    options = keywords_request(request.args)
    result = None
    if options["q"] or options["filters"]:
        result = keywords(get_index(), **options)
        for side in ("key", "lacking"):
            for row in result[side]:
                # A phrase is looked up as written (quoted), not as the words it splits into.
                term = f'"{row["word"]}"' if options["unit"] == "phrases" else row["word"]
                row["url"] = state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS),
                                       q=f'{options["q"]} {term}'.strip(), view="kwic")
    return render_template("workbench/keywords.html", options=options, result=result,
                           filters=_filter_labels(options["filters"]),
                           search_url=state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS)))


def _headings_request(args: Mapping) -> dict:
    config = current_app.config
    return {"q": query_param(args, int(config["MAX_QUERY_LENGTH"])), "filters": filter_params(args),
            "synonyms": synonyms_param(args, bool(config["SYNONYMS"])),
            "limit": int_param(args, "limit", 50, 1, MAX_LIMIT)}


@workbench.get("/api/headings")
def headings_api() -> Response:
    """Return the parallel heading sets of the headings ``q`` matches."""
    options = _headings_request(request.args)
    if not options["q"]:
        raise QueryError("参数 q 不能为空：并列小标题需要一个检索词", hint="例如 /api/headings?q=坚持")
    return jsonify(heading_sets(get_index(), **options))


@workbench.get("/headings")
def headings_page() -> str:
    """Render each matching 小标题 with its sibling headings of the same section."""
    options = _headings_request(request.args)
    result = heading_table(get_index(), **options)
    if result:
        for group in result["sets"]:
            group["url"] = url_for("views.article_page", article_id=group["article_id"], q=options["q"] or None)
            for heading in group["headings"]:
                heading["url"] = url_for("views.paragraph_page", paragraph_id=heading["id"], q=options["q"] or None)
    return render_template("workbench/headings.html", options=options, result=result,
                           filters=_filter_labels(options["filters"]),
                           search_url=state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS)))
