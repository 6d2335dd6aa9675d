"""The phrasing workbench's pages and JSON routes: collocations of a query (page, /api/collocations)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from search.collocations import DEFAULT_LIMIT, MAX_WINDOW, MEASURE_LABELS, MEASURES, collocations
from search.errors import QueryError
from search.facets import FACET_BY_NAME
from search.query import parse_query
from search.query_fields import value_label

from . import get_index
from .params import choice_param, filter_params, int_param, query_param, state_url, synonyms_param

workbench = Blueprint("workbench", __name__)

DEFAULT_WINDOW = 5
MAX_LIMIT = 200
MAX_MIN_FREQUENCY = 1000
# The collocation page's own parameters, carried by its links beside the search state.
OPTION_KEYS = ("window", "measure", "min_freq", "limit")


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
    result = None
    if parse_query(options["q"]).groups:
        result = collocations(get_index(), **options)
        for side in ("left", "right"):
            for row in result[side]:
                row["url"] = pair_url(options["q"], row["word"], request.args)
    links = {m: _option_url(measure=m) for m in MEASURES}
    filters = [f"{FACET_BY_NAME[n].label}：{'、'.join(value_label(n, v) for v in vs)}"
               for n, vs in options["filters"].items()]
    return render_template("workbench/collocations.html", options=options, result=result, measures=MEASURE_LABELS,
                           measure_urls=links, filters=filters, max_window=MAX_WINDOW,
                           search_url=state_url(url_for("views.search_page"), request.args, drop=("page", *OPTION_KEYS)))


def _option_url(**changes: object) -> str:
    """Return this page with its options changed, the search state kept."""
    options: dict[str, object] = {key: request.args.get(key) for key in OPTION_KEYS}
    options.update(changes)
    return state_url(url_for("workbench.collocations_page"), request.args, drop=("page", *OPTION_KEYS), **options)
