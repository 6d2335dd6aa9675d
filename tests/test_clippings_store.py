"""The clippings store: schema migrations, collections, ordering, notes, history, saved searches, source states."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from index.writer import update_index
from search.clippings import SCHEMA_VERSION, ClippingStore, StoreError
from search.clippings.db import MIGRATIONS, connect, migrate
from search.clippings.history import (
    HISTORY_LIMIT,
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
from search.clippings.sources import CHANGED, CURRENT, MOVED, REMOVED, paragraph_record, source_states
from search.engine import SearchIndex, SearchRequest
from search.errors import DocumentNotFound, QueryError


def paragraph(n: int, article: str = "0123456789abcdef", **fields) -> dict:
    """Return a paragraph record like the index's, number ``n`` of ``article``."""
    return {"id": f"{article}-{n:04d}", "article_id": article, "text": f"第{n}段：职工书屋建设。",
            "title": "河北省总工会2022年工作总结", "organization": "河北省总工会", "province": "河北省",
            "city": "石家庄市", "county": None, "level": "province", "year": 2022, "kind": "body",
            "section": "一、思想政治引领", "themes": ["职工文化"], "source": "/docs/a.txt", "position": n, **fields}


@pytest.fixture
def store(tmp_path: Path) -> ClippingStore:
    return ClippingStore(tmp_path / "data" / "clippings.sqlite3")


def order(store: ClippingStore, collection_id: int) -> list[str]:
    return [c["paragraph_id"][-4:] for c in store.collection(collection_id)["clippings"]]


# --- the database ---------------------------------------------------------------------------------------

def test_a_new_database_is_in_wal_mode_at_the_latest_version(store):
    with store.connection() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"collection", "clipping", "history", "saved_search", "saved_hit"} <= tables


def test_a_version_1_database_is_migrated_and_keeps_its_clippings(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    assert migrate(db, target=1) == 1
    db.execute("INSERT INTO collection (name, created, updated) VALUES ('旧素材', '2025-01-01', '2025-01-01')")
    db.execute("INSERT INTO clipping (collection_id, position, paragraph_id, article_id, text, citation, note, added) "
               "VALUES (1, 1, '0123456789abcdef-0001', '0123456789abcdef', '旧的摘录', '——摘自《旧文》', '旧备注', '2025-01-01')")
    assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {"collection", "clipping"}
    db.close()

    store = ClippingStore(path)
    with store.connection() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    clip = store.collection(1)["clippings"][0]
    assert (clip["text"], clip["citation"], clip["note"]) == ("旧的摘录", "——摘自《旧文》", "旧备注")
    record_search(store, "q=职工", "职工", "", 5)  # the tables of versions 2 and 3 work
    assert [h["q"] for h in history(store)] == ["职工"]
    assert save_search(store, "旧检索", "q=职工", ["a"]) == 1


def test_each_migration_runs_once_even_when_opened_again(tmp_path):
    path = tmp_path / "c.sqlite3"
    ClippingStore(path).create_collection("甲")
    ClippingStore(path)  # opening again migrates nothing and loses nothing
    assert [c["name"] for c in ClippingStore(path).collections()] == ["甲"]
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="比本程序.*新"):
        ClippingStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="无法打开素材夹数据库"):
        ClippingStore(path)


# --- collections and clippings --------------------------------------------------------------------------

def test_clippings_keep_their_order_and_move(store):
    c = store.create_collection("经验材料素材")
    for n in range(1, 5):
        store.add_clipping(c, paragraph(n), f"——摘自{n}")
    assert order(store, c) == ["0001", "0002", "0003", "0004"]
    ids = {clip["paragraph_id"][-4:]: clip["id"] for clip in store.collection(c)["clippings"]}
    store.move_clipping(ids["0004"], 1)
    assert order(store, c) == ["0004", "0001", "0002", "0003"]
    store.move_clipping(ids["0004"], 99)  # past the end: last
    assert order(store, c) == ["0001", "0002", "0003", "0004"]
    store.move_clipping(ids["0001"], 3)
    assert order(store, c) == ["0002", "0003", "0001", "0004"]
    store.remove_clipping(ids["0003"])
    assert order(store, c) == ["0002", "0001", "0004"]
    assert [clip["position"] for clip in store.collection(c)["clippings"]] == [1, 2, 3]


def test_a_clipping_is_a_copy_of_text_citation_and_record(store):
    c = store.create_collection("素材")
    clip_id, added = store.add_clipping(c, paragraph(2), "——摘自《河北省总工会2022年工作总结》，河北省总工会，2022", "开头可用")
    clip = store.clipping(clip_id)
    assert added and clip["text"] == "第2段：职工书屋建设。" and clip["note"] == "开头可用"
    assert clip["citation"] == "——摘自《河北省总工会2022年工作总结》，河北省总工会，2022"
    assert (clip["title"], clip["province"], clip["city"], clip["themes"], clip["article_position"]) == \
        ("河北省总工会2022年工作总结", "河北省", "石家庄市", ["职工文化"], 2)
    assert clip["position"] == 1  # its place in the collection, not in the article


def test_the_same_paragraph_is_not_added_twice_but_a_new_note_is_kept(store):
    c = store.create_collection("素材")
    first, _ = store.add_clipping(c, paragraph(1), "x", "甲")
    assert store.add_clipping(c, paragraph(1), "x") == (first, False)
    assert store.clipping(first)["note"] == "甲"
    assert store.add_clipping(c, paragraph(1), "x", "乙") == (first, False)
    assert store.clipping(first)["note"] == "乙" and len(store.collection(c)["clippings"]) == 1


def test_rename_refuses_a_name_in_use_and_delete_removes_the_clippings(store):
    a, b = store.create_collection("甲"), store.create_collection("乙")
    store.add_clipping(b, paragraph(1), "x")
    with pytest.raises(QueryError, match="已有名为“甲”的素材夹"):
        store.rename_collection(b, " 甲 ")
    with pytest.raises(QueryError, match="已有名为“甲”"):
        store.create_collection("甲")
    store.rename_collection(b, "  丙   素材 ")
    assert store.collection(b)["name"] == "丙 素材"
    store.rename_collection(a, "甲")  # its own name again is fine
    store.delete_collection(b)
    with pytest.raises(DocumentNotFound):
        store.collection(b)
    with store.connection() as db:
        assert db.execute("SELECT COUNT(*) FROM clipping").fetchone()[0] == 0
    assert [c["name"] for c in store.collections()] == ["甲"]


def test_names_and_notes_are_checked(store):
    with pytest.raises(QueryError, match="名称不能为空"):
        store.create_collection("   ")
    with pytest.raises(QueryError, match="名称过长"):
        store.create_collection("字" * 101)
    c = store.create_collection("字" * 100)
    with pytest.raises(QueryError, match="备注过长"):
        store.add_clipping(c, paragraph(1), "x", "注" * 2001)
    with pytest.raises(DocumentNotFound):
        store.add_clipping(c + 1, paragraph(1), "x")
    with pytest.raises(DocumentNotFound):
        store.set_note(12345, "x")


def test_collections_list_counts_and_puts_the_last_changed_first(store):
    a, b = store.create_collection("甲"), store.create_collection("乙")
    store.add_clipping(a, paragraph(1), "x")
    store.add_clipping(a, paragraph(2), "x")
    listed = store.collections()
    assert [(c["name"], c["count"]) for c in listed] == [("甲", 2), ("乙", 0)]
    store.add_clipping(b, paragraph(3), "x")
    assert [c["name"] for c in store.collections()] == ["乙", "甲"]


def test_two_writers_at_once_lose_nothing(store):
    c = store.create_collection("并发")
    errors = []

    def add(start: int) -> None:
        try:
            for n in range(start, start + 40):
                store.add_clipping(c, paragraph(n), "x")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(start,)) for start in (1, 101, 201)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    clippings = store.collection(c)["clippings"]
    assert len(clippings) == 120 and [clip["position"] for clip in clippings] == list(range(1, 121))


# --- history --------------------------------------------------------------------------------------------

def test_history_keeps_the_last_200_newest_first(store):
    for n in range(HISTORY_LIMIT + 25):
        record_search(store, f"q=词{n}", f"词{n}", "", n)
    entries = history(store)
    assert len(entries) == HISTORY_LIMIT == 200
    assert entries[0]["q"] == "词224" and entries[-1]["q"] == "词25"
    assert clear_history(store) == 200 and history(store) == []


def test_the_same_search_again_moves_to_the_top_instead_of_repeating(store):
    record_search(store, "q=甲", "甲", "", 1)
    record_search(store, "q=乙", "乙", "省份 河北省", 2)
    record_search(store, "q=乙", "乙", "省份 河北省", 3)  # its next page, say
    assert [(h["q"], h["total"]) for h in history(store)] == [("乙", 3), ("甲", 1)]
    record_search(store, "q=甲", "甲", "", 4)
    assert [h["q"] for h in history(store)] == ["甲", "乙"]
    assert history(store)[1]["described"] == "省份 河北省"


# --- saved searches and source states after a real reindex ---------------------------------------------

ARTICLE_1 = "沧州市总工会2021年职工书屋工作总结\n\n全市新建职工书屋12家，覆盖职工三万人。\n\n职工书屋配送图书五千册。\n"
ARTICLE_2 = "邢台市总工会2022年工作总结\n\n新建职工书屋8家，开展读书活动。\n\n劳模工作室建设稳步推进。\n"
ARTICLE_1_EDITED = "沧州市总工会2021年职工书屋工作总结\n\n全市新建职工书屋15家，覆盖职工四万人。\n\n职工书屋配送图书五千册。\n"


def test_saved_searches_count_exactly_the_new_hits_after_a_reindex(store, tmp_path):
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "a.txt").write_text(ARTICLE_1, encoding="utf-8")
    update_index(index_dir, [docs])
    index = SearchIndex(index_dir)
    request = SearchRequest(q="职工书屋")
    before = hit_ids(index, request, 5000)
    assert len(before) == 3  # the title and both paragraphs
    saved_id = save_search(store, "书屋", "q=职工书屋", before)

    (docs / "b.txt").write_text(ARTICLE_2, encoding="utf-8")
    update_index(index_dir, [docs])
    after = hit_ids(index, request, 5000)
    added = set(after) - set(before)
    assert len(after) == 4 and len(added) == 1
    assert new_hits(saved_search(store, saved_id), after) == [pid for pid in after if pid in added]

    mark_opened(store, saved_id, after)
    assert new_hits(saved_search(store, saved_id), hit_ids(index, request, 5000)) == []
    assert [s["name"] for s in saved_searches(store)] == ["书屋"]
    delete_saved_search(store, saved_id)
    assert saved_searches(store) == []


def test_a_clipping_whose_source_changed_or_went_is_marked_and_keeps_its_copy(store, tmp_path):
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "a.txt").write_text(ARTICLE_1, encoding="utf-8")
    (docs / "b.txt").write_text(ARTICLE_2, encoding="utf-8")
    update_index(index_dir, [docs])
    index = SearchIndex(index_dir)
    c = store.create_collection("来源")
    records = {h["text"]: paragraph_record(index, h["id"]) for h in index.search(SearchRequest(q="职工书屋"))["hits"]}
    edited, kept, deleted = (records["全市新建职工书屋12家，覆盖职工三万人。"], records["职工书屋配送图书五千册。"],
                             records["新建职工书屋8家，开展读书活动。"])
    for record in (edited, kept, deleted):
        store.add_clipping(c, record, f"——摘自《{record['title']}》")
    clips = store.collection(c)["clippings"]
    states = source_states(index, clips)
    assert [states[clip["id"]][0] for clip in clips] == [CURRENT, CURRENT, CURRENT]

    # a.txt is edited (every paragraph of it gets a new id), b.txt is deleted.
    (docs / "a.txt").write_text(ARTICLE_1_EDITED, encoding="utf-8")
    (docs / "b.txt").unlink()
    update_index(index_dir, [docs])
    states = source_states(index, clips)
    assert [states[clip["id"]][0] for clip in clips] == [CHANGED, MOVED, REMOVED]
    moved_to = states[clips[1]["id"]][1]
    assert moved_to != kept["id"] and paragraph_record(index, moved_to)["text"] == "职工书屋配送图书五千册。"
    # The copies are untouched.
    assert [k["text"] for k in store.collection(c)["clippings"]] == [edited["text"], kept["text"], deleted["text"]]
