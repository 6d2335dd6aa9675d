"""Collections (素材夹) of clippings: named, ordered, with notes; each clipping a copy of its paragraph."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from index.fields import FIELDS

from ..errors import DocumentNotFound, QueryError
from .db import connect, open_database, write

MAX_NAME = 100  # characters of a collection or saved-search name
MAX_NOTE = 2000  # characters of a note
# The paragraph fields a clipping copies besides its text: enough to cite, group and export it
# (its metadata fields are the registry's, index/fields.py; themes go with the section).
RECORD_FIELDS = ("title", "organization", "unit", *(f.key for f in FIELDS if f.kind != "theme"),
                 "section", *(f.key for f in FIELDS if f.kind == "theme"), "source", "position")


def now() -> str:
    """Return the current time as the database stores it: UTC, ISO 8601, to the microsecond (it orders lists)."""
    return datetime.now(timezone.utc).isoformat()


def clean_name(name: str, what: str = "素材夹") -> str:
    """Return a name stripped, or raise QueryError when it is empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise QueryError(f"{what}名称不能为空", hint=f"请输入一个{what}名称，例如“经验材料素材”")
    if len(name) > MAX_NAME:
        raise QueryError(f"{what}名称过长：{len(name)} 个字符，最多 {MAX_NAME} 个", hint="请起一个短一些的名称")
    return name


def clean_note(note: str) -> str:
    """Return a note stripped of surrounding space, or raise QueryError when it is too long."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise QueryError(f"备注过长：{len(note)} 个字符，最多 {MAX_NOTE} 个", hint="请把备注缩短")
    return note


def clipping_dict(row: sqlite3.Row) -> dict:
    """Return a clipping as one dict: its copied paragraph fields, then its own columns."""
    own = dict(row)
    # Its position in the article is "article_position"; "position" is its place in the collection.
    copied = json.loads(own.pop("record") or "{}")
    copied["article_position"] = copied.pop("position", None)
    return {**copied, **own}


class ClippingStore:
    """The collections, clippings, search history and saved searches of one database file.

    Each thread has its own connection, and every call holds the write lock only for its own
    short transaction, so several page threads (two tabs) and processes can use one file at once.
    Connections stay open: closing the last one checkpoints the WAL, an fsync on every call.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        open_database(self.path).close()  # create and migrate once, before any request uses it
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Yield this thread's connection to the database."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
            with self._lock:
                self._opened.append(db)
        yield db

    def close(self) -> None:
        """Close every thread's connection (when no call is running); the next call opens a new one."""
        with self._lock:
            for db in self._opened:
                db.close()
            self._opened.clear()
        self._local = threading.local()

    # --- collections ---------------------------------------------------------------------------------

    def collections(self) -> list[dict]:
        """Return every collection with its clipping count, most recently changed first."""
        with self.connection() as db:
            rows = db.execute("SELECT c.*, COUNT(k.id) AS count FROM collection c LEFT JOIN clipping k "
                              "ON k.collection_id = c.id GROUP BY c.id ORDER BY c.updated DESC, c.id DESC").fetchall()
        return [dict(row) for row in rows]

    def create_collection(self, name: str) -> int:
        """Create a collection named ``name`` and return its id; a name already used is refused."""
        name = clean_name(name)
        with self.connection() as db, write(db):
            if db.execute("SELECT 1 FROM collection WHERE name = ?", (name,)).fetchone():
                raise QueryError(f"已有名为“{name}”的素材夹", hint="请换一个名称，或直接把段落加入那个素材夹")
            stamp = now()
            return db.execute("INSERT INTO collection (name, created, updated) VALUES (?, ?, ?)",
                              (name, stamp, stamp)).lastrowid

    def ensure_collection(self, name: str) -> int:
        """Return the id of the collection named ``name``, creating it when there is none."""
        name = clean_name(name)
        with self.connection() as db, write(db):
            row = db.execute("SELECT id FROM collection WHERE name = ?", (name,)).fetchone()
            if row:
                return row["id"]
            stamp = now()
            return db.execute("INSERT INTO collection (name, created, updated) VALUES (?, ?, ?)",
                              (name, stamp, stamp)).lastrowid

    def collection(self, collection_id: int) -> dict:
        """Return a collection with its clippings in order, or raise DocumentNotFound."""
        with self.connection() as db:
            row = db.execute("SELECT * FROM collection WHERE id = ?", (collection_id,)).fetchone()
            if row is None:
                raise DocumentNotFound(f"没有编号为 {collection_id} 的素材夹", hint="它可能已被删除；请回到素材夹列表")
            clippings = db.execute("SELECT * FROM clipping WHERE collection_id = ? ORDER BY position, id",
                                   (collection_id,)).fetchall()
        return {**dict(row), "clippings": [clipping_dict(c) for c in clippings]}

    def rename_collection(self, collection_id: int, name: str) -> None:
        """Rename a collection; a name another collection has is refused."""
        name = clean_name(name)
        with self.connection() as db, write(db):
            self._require(db, collection_id)
            other = db.execute("SELECT id FROM collection WHERE name = ?", (name,)).fetchone()
            if other and other["id"] != collection_id:
                raise QueryError(f"已有名为“{name}”的素材夹", hint="请换一个名称")
            db.execute("UPDATE collection SET name = ?, updated = ? WHERE id = ?", (name, now(), collection_id))

    def delete_collection(self, collection_id: int) -> None:
        """Delete a collection and its clippings."""
        with self.connection() as db, write(db):
            self._require(db, collection_id)
            db.execute("DELETE FROM collection WHERE id = ?", (collection_id,))

    # --- clippings ---------------------------------------------------------------------------------

    def add_clipping(self, collection_id: int, paragraph: dict, citation: str, note: str = "") -> tuple[int, bool]:
        """Append a copy of ``paragraph`` (a paragraph record) with its citation; return (id, added).

        A paragraph already in the collection is not added twice: its clipping's id is returned
        with ``added`` False, and a non-empty ``note`` replaces its note.
        """
        note = clean_note(note)
        record = json.dumps({name: paragraph.get(name) for name in RECORD_FIELDS}, ensure_ascii=False)
        with self.connection() as db, write(db):
            self._require(db, collection_id)
            stamp = now()
            db.execute("UPDATE collection SET updated = ? WHERE id = ?", (stamp, collection_id))
            existing = db.execute("SELECT id FROM clipping WHERE collection_id = ? AND paragraph_id = ?",
                                  (collection_id, paragraph["id"])).fetchone()
            if existing:
                if note:
                    db.execute("UPDATE clipping SET note = ? WHERE id = ?", (note, existing["id"]))
                return existing["id"], False
            position = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM clipping WHERE collection_id = ?",
                                  (collection_id,)).fetchone()[0]
            clipping_id = db.execute(
                "INSERT INTO clipping (collection_id, position, paragraph_id, article_id, text, citation, record, "
                "note, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (collection_id, position, paragraph["id"], paragraph["article_id"], paragraph.get("text") or "",
                 citation, record, note, stamp)).lastrowid
        return clipping_id, True

    def clipping(self, clipping_id: int) -> dict:
        """Return one clipping, or raise DocumentNotFound."""
        with self.connection() as db:
            return clipping_dict(self._clipping(db, clipping_id))

    def set_note(self, clipping_id: int, note: str) -> None:
        """Replace a clipping's note (an empty note removes it)."""
        note = clean_note(note)
        with self.connection() as db, write(db):
            row = self._clipping(db, clipping_id)
            db.execute("UPDATE clipping SET note = ? WHERE id = ?", (note, clipping_id))
            db.execute("UPDATE collection SET updated = ? WHERE id = ?", (now(), row["collection_id"]))

    def move_clipping(self, clipping_id: int, position: int) -> None:
        """Move a clipping to ``position`` (1 = first; past the end = last), renumbering the others."""
        with self.connection() as db, write(db):
            row = self._clipping(db, clipping_id)
            ids = self._ordered(db, row["collection_id"])
            ids.remove(clipping_id)
            ids.insert(min(max(position, 1), len(ids) + 1) - 1, clipping_id)
            db.executemany("UPDATE clipping SET position = ? WHERE id = ?",
                           [(n, i) for n, i in enumerate(ids, start=1)])
            db.execute("UPDATE collection SET updated = ? WHERE id = ?", (now(), row["collection_id"]))

    def remove_clipping(self, clipping_id: int) -> int:
        """Remove a clipping; return the id of the collection it was in."""
        with self.connection() as db, write(db):
            row = self._clipping(db, clipping_id)
            db.execute("DELETE FROM clipping WHERE id = ?", (clipping_id,))
            self._renumber(db, row["collection_id"])
            db.execute("UPDATE collection SET updated = ? WHERE id = ?", (now(), row["collection_id"]))
        return row["collection_id"]

    # --- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _ordered(db: sqlite3.Connection, collection_id: int) -> list[int]:
        return [r["id"] for r in db.execute("SELECT id FROM clipping WHERE collection_id = ? ORDER BY position, id",
                                            (collection_id,))]

    def _renumber(self, db: sqlite3.Connection, collection_id: int) -> None:
        # Positions stay 1..n, so a clipping's position is also its place in the list.
        db.executemany("UPDATE clipping SET position = ? WHERE id = ?",
                       [(n, i) for n, i in enumerate(self._ordered(db, collection_id), start=1)])

    @staticmethod
    def _require(db: sqlite3.Connection, collection_id: int) -> None:
        if not db.execute("SELECT 1 FROM collection WHERE id = ?", (collection_id,)).fetchone():
            raise DocumentNotFound(f"没有编号为 {collection_id} 的素材夹", hint="它可能已被删除；请回到素材夹列表")

    @staticmethod
    def _clipping(db: sqlite3.Connection, clipping_id: int) -> sqlite3.Row:
        row = db.execute("SELECT * FROM clipping WHERE id = ?", (clipping_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(f"没有编号为 {clipping_id} 的摘录", hint="它可能已被移除；请刷新素材夹")
        return row
