"""The clippings database: one SQLite file in WAL mode, its schema versioned with ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SearchError

BUSY_TIMEOUT_MS = 10_000  # another tab's write waits this long before giving up

# Each entry takes the schema from version N to N+1; never edit a released one, append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: collections and their clippings, each a copy of its paragraph's text, citation and record (JSON).
    """
    CREATE TABLE collection (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE clipping (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        paragraph_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        text TEXT NOT NULL,
        citation TEXT NOT NULL,
        record TEXT NOT NULL DEFAULT '{}',
        note TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL
    );
    CREATE INDEX clipping_order ON clipping(collection_id, position);
    """,
    # 2: search history, newest first, capped by the store.
    """
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        q TEXT NOT NULL,
        described TEXT NOT NULL DEFAULT '',
        total INTEGER NOT NULL DEFAULT 0,
        searched TEXT NOT NULL
    );
    CREATE INDEX history_state ON history(state);
    """,
    # 3: saved searches, with the hit ids each one showed when it was last opened.
    """
    CREATE TABLE saved_search (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        created TEXT NOT NULL,
        opened TEXT NOT NULL
    );
    CREATE TABLE saved_hit (
        saved_id INTEGER NOT NULL REFERENCES saved_search(id) ON DELETE CASCADE,
        paragraph_id TEXT NOT NULL,
        PRIMARY KEY (saved_id, paragraph_id)
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(SearchError):
    """The clippings database cannot be used as asked (too new, unreadable, locked too long)."""

    status = 503


def connect(path: Path) -> sqlite3.Connection:
    """Return a connection with the store's settings: explicit transactions, busy timeout, foreign keys, FULL sync."""
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), so none is left open by accident.
    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    # FULL: a commit that returned is on disk, even if the process or the power goes the next moment.
    db.execute("PRAGMA synchronous = FULL")
    return db


def migrate(db: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to ``target`` one migration at a time, each in its own transaction; return the version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"素材夹数据库的版本（{version}）比本程序（{SCHEMA_VERSION}）新，不能打开",
                         hint="请升级 unionsearch，或换用另一个数据文件夹（设置项 DATA_DIR）")
    while version < target:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < target:
                for statement in _statements(MIGRATIONS[version]):
                    db.execute(statement)
                version += 1
                db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return version


def _statements(script: str) -> list[str]:
    # executescript() would commit the open transaction; the migrations hold no ";" inside a statement.
    return [s.strip() for s in script.split(";") if s.strip()]


def open_database(path: Path, target: int = SCHEMA_VERSION) -> sqlite3.Connection:
    """Open (creating) the database at ``path`` in WAL mode, migrated to ``target``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = connect(path)
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"素材夹数据库 {path} 无法切换到 WAL 模式（{mode}）", hint="请把数据文件夹放在本机磁盘上")
        migrate(db, target)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise StoreError(f"无法打开素材夹数据库 {path}",
                         hint=f"文件可能已损坏、被占用或所在文件夹不可写（{exc}）；可用设置项 DATA_DIR 换一个文件夹") from None
    return db


@contextmanager
def write(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run a short write transaction: taken at once (BEGIN IMMEDIATE), committed or rolled back whole."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
