"""Search history (the last HISTORY_LIMIT searches) and saved searches that count their new hits."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from ..engine import SearchIndex, SearchRequest
from ..errors import DocumentNotFound
from ..export import export_hits
from .db import write
from .store import ClippingStore, clean_name, now

HISTORY_LIMIT = 200


def record_search(store: ClippingStore, state: str, q: str, described: str, total: int) -> None:
    """Remember a search; the same search again (e.g. its next page) only moves it to the top."""
    with store.connection() as db:
        # Every search page writes here: no fsync per search. WAL still survives a killed process;
        # only a power cut could lose the last few entries of the history (never a clipping).
        db.execute("PRAGMA synchronous = NORMAL")
        try:
            _record(db, state, q, described, total)
        finally:
            db.execute("PRAGMA synchronous = FULL")


def _record(db: sqlite3.Connection, state: str, q: str, described: str, total: int) -> None:
    with write(db):
        newest = db.execute("SELECT id, state FROM history ORDER BY id DESC LIMIT 1").fetchone()
        if newest and newest["state"] == state:
            db.execute("UPDATE history SET total = ?, searched = ? WHERE id = ?", (total, now(), newest["id"]))
            return
        db.execute("DELETE FROM history WHERE state = ?", (state,))
        db.execute("INSERT INTO history (state, q, described, total, searched) VALUES (?, ?, ?, ?, ?)",
                   (state, q, described, total, now()))
        db.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)",
                   (HISTORY_LIMIT,))


def history(store: ClippingStore) -> list[dict]:
    """Return the remembered searches, newest first."""
    with store.connection() as db:
        return [dict(row) for row in db.execute("SELECT * FROM history ORDER BY id DESC")]


def clear_history(store: ClippingStore) -> int:
    """Forget every remembered search; return how many there were."""
    with store.connection() as db, write(db):
        return db.execute("DELETE FROM history").rowcount


def hit_ids(index: SearchIndex, request: SearchRequest, limit: int) -> list[str]:
    """Return the ids of a search's hits, up to ``limit``, in the search's order."""
    return [hit["id"] for hit in export_hits(index, replace(request, page=1), limit)["hits"]]


def save_search(store: ClippingStore, name: str, state: str, seen: list[str]) -> int:
    """Save a search under ``name`` with the hit ids it shows now; a name in use is replaced."""
    name = clean_name(name, "检索")
    with store.connection() as db, write(db):
        stamp = now()
        db.execute("DELETE FROM saved_search WHERE name = ?", (name,))
        saved_id = db.execute("INSERT INTO saved_search (name, state, created, opened) VALUES (?, ?, ?, ?)",
                              (name, state, stamp, stamp)).lastrowid
        db.executemany("INSERT OR IGNORE INTO saved_hit (saved_id, paragraph_id) VALUES (?, ?)",
                       [(saved_id, pid) for pid in seen])
    return saved_id


def saved_searches(store: ClippingStore) -> list[dict]:
    """Return every saved search (name, state, when saved and last opened), by name."""
    with store.connection() as db:
        return [dict(row) for row in db.execute("SELECT * FROM saved_search ORDER BY name")]


def saved_search(store: ClippingStore, saved_id: int) -> dict:
    """Return one saved search with ``seen``, the set of hit ids it showed when last opened."""
    with store.connection() as db:
        row = db.execute("SELECT * FROM saved_search WHERE id = ?", (saved_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(f"没有编号为 {saved_id} 的保存的检索", hint="它可能已被删除")
        seen = {r[0] for r in db.execute("SELECT paragraph_id FROM saved_hit WHERE saved_id = ?", (saved_id,))}
    return {**dict(row), "seen": seen}


def new_hits(saved: dict, current: list[str]) -> list[str]:
    """Return the hit ids of ``current`` that the saved search had not shown when last opened."""
    return [pid for pid in current if pid not in saved["seen"]]


def mark_opened(store: ClippingStore, saved_id: int, current: list[str]) -> None:
    """Record that a saved search was opened now, showing the hits ``current``."""
    with store.connection() as db, write(db):
        if db.execute("UPDATE saved_search SET opened = ? WHERE id = ?", (now(), saved_id)).rowcount == 0:
            raise DocumentNotFound(f"没有编号为 {saved_id} 的保存的检索", hint="它可能已被删除")
        db.execute("DELETE FROM saved_hit WHERE saved_id = ?", (saved_id,))
        db.executemany("INSERT OR IGNORE INTO saved_hit (saved_id, paragraph_id) VALUES (?, ?)",
                       [(saved_id, pid) for pid in current])


def delete_saved_search(store: ClippingStore, saved_id: int) -> None:
    """Delete a saved search."""
    with store.connection() as db, write(db):
        if db.execute("DELETE FROM saved_search WHERE id = ?", (saved_id,)).rowcount == 0:
            raise DocumentNotFound(f"没有编号为 {saved_id} 的保存的检索", hint="它可能已被删除")
