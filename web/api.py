"""JSON routes under /api/: the same shapes the command line prints with --json."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from search.documents import MAX_CONTEXT, list_articles, similar_paragraphs
from search.errors import QueryError
from search.concordance import concordance
from search.pages import paragraph_with_spans

from .current import get_index
from .params import filter_params, int_param, kwic_request, query_param, search_request, synonyms_param

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/search")
def search() -> Response:
    """Search paragraphs: the `unionsearch search --json` shape."""
    return jsonify(get_index().search(search_request(request.args, current_app.config)))


@api.get("/articles")
def articles() -> Response:
    """List the indexed articles: the `unionsearch docs --json` shape."""
    return jsonify(list_articles(get_index()))


@api.get("/paragraphs/<paragraph_id>")
def paragraph(paragraph_id: str) -> Response:
    """Return a paragraph with ``before``/``after`` paragraphs of its article (2 each unless asked).

    With ``q``, each paragraph also has ``spans``: the [start, end) character ranges its terms match.
    """
    before = int_param(request.args, "before", 2, 0, MAX_CONTEXT)
    after = int_param(request.args, "after", 2, 0, MAX_CONTEXT)
    q = query_param(request.args, int(current_app.config["MAX_QUERY_LENGTH"]))
    # The synonyms flag is read (and a bad one refused) only when there are terms to mark.
    synonyms = synonyms_param(request.args, bool(current_app.config["SYNONYMS"])) if q else True
    return jsonify(paragraph_with_spans(get_index(), paragraph_id, before, after, q, synonyms))


@api.get("/similar/<paragraph_id>")
def similar(paragraph_id: str) -> Response:
    """Return the paragraphs of other articles most similar to one paragraph."""
    return jsonify(similar_paragraphs(get_index(), paragraph_id))


@api.get("/kwic")
def kwic() -> Response:
    """Return the concordance of ``q``: the `unionsearch kwic --json` shape."""
    phrase = query_param(request.args, int(current_app.config["MAX_QUERY_LENGTH"]))
    if not phrase:
        raise QueryError("参数 q 不能为空：索引行需要一个要查找的短语", hint="例如 /api/kwic?q=职工书屋")
    options = kwic_request(request.args, sort_name="sort")
    config = current_app.config
    return jsonify(concordance(get_index(), phrase, filters=filter_params(request.args),
                               synonyms=synonyms_param(request.args, bool(config["SYNONYMS"])), sort=options.sort,
                               context=options.context, citation_format=str(config["CITATION_FORMAT"])))
