"""Search history and saved searches: pages, the POST forms that change them, and recording a search."""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search.clippings import StoreError
from search.clippings.history import (
    clear_history,
    delete_saved_search,
    hit_ids,
    history,
    mark_opened,
    new_hits,
    record_search,
    save_search,
    saved_search,
    saved_searches,
)
from search.engine import SearchRequest
from search.errors import IndexFormatError, IndexMissing, QueryError

from .current import get_index
from .collections import get_store
from .params import search_request, state_url

log = logging.getLogger(__name__)
searches = Blueprint("searches", __name__)

# What makes two searches the same search: the query, filters, sort and synonyms, not the page or view.
NOT_STATE = ("page", "per_page", "view", "kwic_sort", "context")
# Sec-Fetch-Site values of a request another site's page caused (an image, a link): not the user's search.
FOREIGN_FETCH = ("cross-site", "same-site")


def search_state(args: MultiDict) -> str:
    """Return the query string that identifies a search (the part after "?" of its page)."""
    return state_url("", args, drop=NOT_STATE).lstrip("?")


def remember_search(search: SearchRequest, total: int, described: str) -> None:
    """Add the page's current search to the history; a failing database never fails the search."""
    if not current_app.config["HISTORY"] or (not search.q and not search.filters):
        return
    if request.headers.get("Sec-Fetch-Site") in FOREIGN_FETCH:
        return
    try:
        record_search(get_store(), search_state(request.args), search.q, described, total)
    except (StoreError, sqlite3.Error):
        log.warning("could not record the search in the history", exc_info=True)


def _request_of(state: str) -> SearchRequest:
    return search_request(MultiDict(parse_qsl(state, keep_blank_values=True)), current_app.config)


def _current_ids(state: str) -> list[str]:
    return hit_ids(get_index(), _request_of(state), int(current_app.config["EXPORT_LIMIT"]))


@searches.get("/history")
def history_page() -> str:
    """List the remembered searches, newest first, each a link to run it again."""
    return render_template("history.html", entries=history(get_store()), enabled=current_app.config["HISTORY"])


@searches.post("/history/clear")
def clear_history_route() -> Response:
    """Forget every remembered search."""
    count = clear_history(get_store())
    flash(f"已清空检索历史（{count} 条）。")
    return redirect(url_for("searches.history_page"), code=303)


@searches.get("/saved")
def saved_page() -> str:
    """List the saved searches, each with the number of hits it has that were not there when last opened."""
    store = get_store()
    items = []
    for item in saved_searches(store):
        try:
            current = _current_ids(item["state"])
            item["new"] = len(new_hits(saved_search(store, item["id"]), current))
            item["total"] = len(current)
        except (IndexMissing, IndexFormatError, QueryError):
            item["new"] = item["total"] = None
        items.append(item)
    return render_template("saved.html", saved=items)


@searches.post("/saved")
def save_route() -> Response:
    """Save the search described by the form's ``state`` under a name, with the hits it shows now."""
    state = search_state(MultiDict(parse_qsl(request.form.get("state", ""), keep_blank_values=True)))
    request_ = _request_of(state)
    if not request_.q and not request_.filters:
        raise QueryError("没有可保存的检索", hint="请先输入检索词或勾选筛选条件")
    name = request.form.get("name") or request.form.get("default_name") or request_.q or "保存的检索"
    save_search(get_store(), name, state, _current_ids(state))
    flash(f"已保存检索“{' '.join(name.split())[:100]}”。以后重建索引后，这里会显示新增的命中段落数。")
    return redirect(url_for("searches.saved_page"), code=303)


@searches.post("/saved/<int:saved_id>/open")
def open_saved(saved_id: int) -> Response:
    """Open a saved search: its current hits count as seen from now on."""
    store = get_store()
    item = saved_search(store, saved_id)
    mark_opened(store, saved_id, _current_ids(item["state"]))
    return redirect(url_for("views.search_page") + ("?" + item["state"] if item["state"] else ""), code=303)


@searches.post("/saved/<int:saved_id>/delete")
def delete_saved(saved_id: int) -> Response:
    """Delete a saved search."""
    delete_saved_search(get_store(), saved_id)
    flash("已删除这条保存的检索。")
    return redirect(url_for("searches.saved_page"), code=303)
