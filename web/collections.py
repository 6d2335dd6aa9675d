"""素材夹 pages: collections and their clippings; every change is a POST form with a CSRF token."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from search.clippings import ClippingStore, StoreError
from search.clippings.exports import collection_csv, collection_markdown
from search.clippings.sources import CURRENT, MOVED, STATE_LABELS, paragraph_record, source_states
from search.errors import IndexFormatError, IndexMissing, QueryError
from search.export import citation
from search.export_docx import collection_docx

from .current import get_index
from .downloads import attachment
from .params import int_param

log = logging.getLogger(__name__)
collections = Blueprint("collections", __name__)

STORE = "unionsearch_clippings"
DATABASE_FILE = "clippings.sqlite3"
_store_lock = threading.Lock()


def get_store() -> ClippingStore:
    """Return the app's clippings store, opening (and migrating) its database on first use."""
    store = current_app.extensions.get(STORE)
    if store is None:
        with _store_lock:
            store = current_app.extensions.get(STORE)
            if store is None:
                store = ClippingStore(Path(current_app.config["DATA_DIR"]) / DATABASE_FILE)
                current_app.extensions[STORE] = store
    return store


@collections.app_template_global()
def clip_targets() -> list[dict]:
    """Return the collections a paragraph can be added to, most recently used first (once per request).

    A database that cannot be opened leaves the list empty: searching still works, and adding
    says what is wrong.
    """
    if "clip_targets" not in g:
        try:
            g.clip_targets = get_store().collections()
        except (StoreError, sqlite3.Error, OSError):
            log.warning("cannot read the collections database", exc_info=True)
            g.clip_targets = []
    return g.clip_targets


@collections.app_template_global()
def here() -> str:
    """Return the current page's path and query: where a form comes back to."""
    return request.full_path.rstrip("?")


def local_path(target: str) -> bool:
    """Return whether ``target`` is a path of this site (not another site's address: no open redirect)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target and target.isprintable()


def back_to(default: str) -> str:
    """Return the form's ``next`` when it is a path of this site, else ``default``."""
    target = request.form.get("next") or ""
    return target if local_path(target) else default


def form_id(name: str) -> int:
    """Return a positive integer form field, or raise QueryError naming it."""
    return int_param(request.form, name, 0, 1, 2**62)


@collections.get("/collections")
def collection_list() -> str:
    """List the collections with their sizes, and a form to start a new one."""
    return render_template("collections.html", collections=clip_targets())


@collections.post("/collections")
def create_collection() -> Response:
    """Create a collection and open it."""
    collection_id = get_store().create_collection(request.form.get("name", ""))
    return redirect(url_for("collections.collection_page", collection_id=collection_id), code=303)


def _states(collection: dict) -> dict[int, tuple[str, str | None]]:
    """Return each clipping's source state and current paragraph id; unchanged when there is no index."""
    try:
        return source_states(get_index(), collection["clippings"])
    except (IndexMissing, IndexFormatError):
        return {clip["id"]: (CURRENT, clip["paragraph_id"]) for clip in collection["clippings"]}


def _flags(states: dict[int, tuple[str, str | None]]) -> dict[int, str]:
    return {clip_id: STATE_LABELS[state] for clip_id, (state, _) in states.items() if state in STATE_LABELS}


@collections.get("/collections/<int:collection_id>")
def collection_page(collection_id: int) -> str:
    """Show a collection's clippings in order, each with its citation, note, state and link back."""
    collection = get_store().collection(collection_id)
    states = _states(collection)
    for clip in collection["clippings"]:
        clip["state"], now_id = states[clip["id"]]
        clip["state_label"] = STATE_LABELS.get(clip["state"], "")
        clip["moved"] = clip["state"] == MOVED
        # The link follows the paragraph to where it is now; one that is gone has none.
        clip["article_url"] = url_for("views.paragraph_page", paragraph_id=now_id) if now_id else None
    return render_template("collection.html", collection=collection)


@collections.post("/collections/<int:collection_id>/rename")
def rename_collection(collection_id: int) -> Response:
    """Rename a collection."""
    get_store().rename_collection(collection_id, request.form.get("name", ""))
    flash("素材夹已重命名。")
    return redirect(url_for("collections.collection_page", collection_id=collection_id), code=303)


@collections.post("/collections/<int:collection_id>/delete")
def delete_collection(collection_id: int) -> Response:
    """Delete a collection and its clippings (the form asks to confirm)."""
    if request.form.get("confirm") != "yes":
        raise QueryError("删除素材夹需要确认", hint="请勾选“确认删除这个素材夹及其全部摘录”后再点删除")
    name = get_store().collection(collection_id)["name"]
    get_store().delete_collection(collection_id)
    flash(f"已删除素材夹“{name}”。")
    return redirect(url_for("collections.collection_list"), code=303)


@collections.get("/collections/<int:collection_id>/export.<any(docx, md, csv):extension>")
def export_collection(collection_id: int, extension: str) -> Response:
    """Download a collection as Word, Markdown or CSV, with each clipping's citation."""
    collection = get_store().collection(collection_id)
    flags = _flags(_states(collection))
    if extension == "docx":
        body, mimetype = collection_docx(collection, flags), \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif extension == "md":
        body, mimetype = collection_markdown(collection, flags), "text/markdown"
    else:
        body, mimetype = collection_csv(collection, flags), "text/csv"
    return Response(body, mimetype=mimetype, headers=attachment(collection["name"], extension))


@collections.get("/clip/<paragraph_id>")
def clip_page(paragraph_id: str) -> str:
    """Show one paragraph with the form that adds it to a collection (from concordance lines and context)."""
    record = paragraph_record(get_index(), paragraph_id)
    back = request.args.get("next") or ""
    if not local_path(back):
        back = url_for("views.article_page", article_id=record["article_id"], _anchor=f"p-{record['id']}")
    return render_template("clip.html", paragraph=record, back=back)


@collections.post("/clippings")
def add_clipping() -> Response:
    """Add a paragraph (looked up in the index, never taken from the form) to a collection."""
    store = get_store()
    paragraph = paragraph_record(get_index(), request.form.get("paragraph_id", ""))
    new_name = (request.form.get("new_collection") or "").strip()
    if new_name:
        collection_id = store.ensure_collection(new_name)
    elif request.form.get("collection_id"):
        collection_id = form_id("collection_id")
    else:
        raise QueryError("请选择一个素材夹，或输入新素材夹的名称", hint="例如新建“经验材料素材”")
    cited = citation(paragraph, str(current_app.config["CITATION_FORMAT"]))
    _, added = store.add_clipping(collection_id, paragraph, cited, request.form.get("note", ""))
    name = store.collection(collection_id)["name"]
    flash(f"已加入素材夹“{name}”。" if added else f"这一段已在素材夹“{name}”中。")
    return redirect(back_to(url_for("collections.collection_page", collection_id=collection_id)), code=303)


def _back_to_collection(collection_id: int) -> Response:
    return redirect(url_for("collections.collection_page", collection_id=collection_id,
                            _anchor=request.form.get("anchor") or None), code=303)


@collections.post("/clippings/<int:clipping_id>/note")
def set_note(clipping_id: int) -> Response:
    """Replace a clipping's note."""
    store = get_store()
    store.set_note(clipping_id, request.form.get("note", ""))
    flash("备注已保存。")
    return _back_to_collection(store.clipping(clipping_id)["collection_id"])


@collections.post("/clippings/<int:clipping_id>/move")
def move_clipping(clipping_id: int) -> Response:
    """Move a clipping up, down, or to a numbered place."""
    store = get_store()
    clip = store.clipping(clipping_id)
    direction = request.form.get("direction")
    if direction == "up":
        position = clip["position"] - 1
    elif direction == "down":
        position = clip["position"] + 1
    else:
        position = form_id("position")
    store.move_clipping(clipping_id, position)
    return _back_to_collection(clip["collection_id"])


@collections.post("/clippings/<int:clipping_id>/remove")
def remove_clipping(clipping_id: int) -> Response:
    """Remove a clipping from its collection."""
    collection_id = get_store().remove_clipping(clipping_id)
    flash("已移除这条摘录。")
    return redirect(url_for("collections.collection_page", collection_id=collection_id), code=303)
