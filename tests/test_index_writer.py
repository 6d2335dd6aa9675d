"""Incremental indexing: add, update, remove, unchanged files; atomic commits; one writer at a time."""

import json
from pathlib import Path

import pytest
from whoosh.index import open_dir

from index.folder import MARKER, IndexBusy, IndexFormatError
from index.writer import indexed_files, open_or_create, update_index

ARTICLE_A = "职工书屋建设经验\n\n　　全市建成职工书屋一千八百多家，职工阅读热情高涨。\n\n　　开展读书活动五百场次。"
ARTICLE_B = "困难职工帮扶工作总结\n\n　　全年走访慰问困难职工两千余户，发放救助金九百万元。"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def stored_texts(index_dir: Path) -> list[str]:
    ix = open_dir(str(index_dir))
    with ix.searcher() as searcher:
        return sorted(doc["paragraph"]["text"] for doc in searcher.all_stored_fields())


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    write(folder / "a.txt", ARTICLE_A)
    write(folder / "sub" / "b.txt", ARTICLE_B)
    return folder


def test_first_run_adds_every_file(tmp_path, docs):
    summary = update_index(tmp_path / "ix", [docs])
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (2, 0, 0, 0)
    assert (summary.articles, summary.paragraphs) == (2, 5)
    assert stored_texts(tmp_path / "ix") == sorted([
        "职工书屋建设经验", "全市建成职工书屋一千八百多家，职工阅读热情高涨。", "开展读书活动五百场次。",
        "困难职工帮扶工作总结", "全年走访慰问困难职工两千余户，发放救助金九百万元。",
    ])


def test_second_run_changes_only_what_changed(tmp_path, docs):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [docs])
    write(docs / "a.txt", ARTICLE_A.replace("五百场次", "六百场次"))
    (docs / "sub" / "b.txt").unlink()
    write(docs / "c.txt", "新就业形态劳动者建会入会\n\n　　推动快递员、外卖送餐员加入工会。")
    summary = update_index(index_dir, [docs])
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 1, 1, 0)
    texts = stored_texts(index_dir)
    assert "开展读书活动六百场次。" in texts and "开展读书活动五百场次。" not in texts
    assert not any("困难职工" in t for t in texts)
    assert summary.paragraphs == 5

    again = update_index(index_dir, [docs])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert stored_texts(index_dir) == texts


def test_files_outside_the_given_paths_are_kept(tmp_path, docs):
    index_dir = tmp_path / "ix"
    other = write(tmp_path / "other" / "o.txt", ARTICLE_B.replace("两千", "三千"))
    update_index(index_dir, [docs, other.parent])
    summary = update_index(index_dir, [docs])
    assert summary.removed == 0
    assert any("三千余户" in t for t in stored_texts(index_dir))


def test_ids_survive_a_reindex(tmp_path, docs):
    update_index(tmp_path / "one", [docs])
    update_index(tmp_path / "two", [docs])
    ids = []
    for name in ("one", "two"):
        with open_dir(str(tmp_path / name)).searcher() as searcher:
            ids.append(sorted(doc["paragraph"]["id"] for doc in searcher.all_stored_fields()))
    assert ids[0] == ids[1] and len(ids[0]) == 5


def test_broken_file_is_skipped_and_the_rest_indexed(tmp_path, docs):
    (docs / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (docs / "empty.txt").write_bytes(b"")
    summary = update_index(tmp_path / "ix", [docs])
    assert summary.added == 2
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert set(reasons) == {"broken.docx", "empty.txt"}
    assert all(reason for reason in reasons.values())


def test_a_file_that_breaks_later_keeps_its_indexed_version(tmp_path, docs):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [docs])
    (docs / "a.txt").write_bytes(b"\x00\x01\x02 binary now")
    summary = update_index(index_dir, [docs])
    assert summary.removed == 0 and len(summary.skipped) == 1
    assert "全市建成职工书屋一千八百多家，职工阅读热情高涨。" in stored_texts(index_dir)


def test_interrupted_run_leaves_previous_index_intact(tmp_path, docs, monkeypatch):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [docs])
    before = stored_texts(index_dir)
    write(docs / "c.txt", "新增文章\n\n　　这一段不应出现在中断后的索引里。")

    import index.writer as writer_module

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module, "_write_file", explode)
    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, [docs])
    assert stored_texts(index_dir) == before
    monkeypatch.undo()
    summary = update_index(index_dir, [docs])
    assert summary.added == 1
    assert "这一段不应出现在中断后的索引里。" in stored_texts(index_dir)


def test_second_writer_is_refused_with_a_clear_message(tmp_path, docs, monkeypatch):
    index_dir = tmp_path / "ix"
    ix = open_or_create(index_dir)
    monkeypatch.setattr("index.writer.LOCK_WAIT_SECONDS", 0.1)
    held = ix.writer()
    try:
        with pytest.raises(IndexBusy, match="另一个 unionsearch index 正在写入索引"):
            update_index(index_dir, [docs])
    finally:
        held.cancel()
    assert update_index(index_dir, [docs]).added == 2


def test_foreign_or_incompatible_folders_are_refused(tmp_path, docs):
    foreign = tmp_path / "foreign"
    write(foreign / "notes.txt", "my notes")
    with pytest.raises(IndexFormatError, match="不是 UnionSearch 建立的索引"):
        update_index(foreign, [docs])
    old = tmp_path / "old"
    update_index(old, [docs])
    (old / MARKER).write_text(json.dumps({"format": 0}), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="第 0 版格式") as caught:
        update_index(old, [docs])
    assert "删除这个文件夹" in caught.value.hint and caught.value.status == 409


def test_indexed_files_reports_hashes(tmp_path, docs):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [docs])
    files = indexed_files(open_dir(str(index_dir)))
    assert sorted(Path(p).name for p in files) == ["a.txt", "b.txt"]
    assert all(len(h) == 64 for h in files.values())


def test_large_runs_commit_in_batches_with_the_same_result(tmp_path, docs, monkeypatch):
    import index.writer as writer_module
    from search.engine import SearchIndex, SearchRequest

    for n in range(5):
        (docs / f"extra{n}.txt").write_text(f"第{n}号简报\n\n　　开展送温暖活动{n}次，慰问困难职工。", encoding="utf-8")
    update_index(tmp_path / "whole", [docs])
    monkeypatch.setattr(writer_module, "BATCH_PARAGRAPHS", 3)
    summary = update_index(tmp_path / "batched", [docs])
    assert (summary.added, summary.paragraphs) == (7, 15)
    assert len(open_dir(str(tmp_path / "batched"))._segments()) > 1
    assert stored_texts(tmp_path / "batched") == stored_texts(tmp_path / "whole")
    for q in ("送温暖", "职工", "简报"):
        want = SearchIndex(tmp_path / "whole").search(SearchRequest(q=q, per_page=100))
        got = SearchIndex(tmp_path / "batched").search(SearchRequest(q=q, per_page=100))
        assert (got["total"], got["facets"]) == (want["total"], want["facets"])
        assert sorted(h["id"] for h in got["hits"]) == sorted(h["id"] for h in want["hits"])
