"""Two indexers at once, and searches while the index is rewritten.

A second `unionsearch index` on the same folder waits for the first (up to LOCK_WAIT_SECONDS) or
refuses with a clear message; either way the index ends equal to a clean build. Searches that
share one SearchIndex while commits land (merging and deleting segments) never fail and always
answer exactly as the old or the new version does.
"""

from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path

import pytest

from index.analysis import default_analyzer
from index.errors import IndexFormatError
from index.folder import LOCK_NAME, MARKER, check_index_dir, write_marker
from index.writer import update_index, write_lock
from search.documents import list_articles
from search.engine import SearchIndex

from .crash_helpers import (
    QUERIES,
    Versions,
    answers,
    build_versions,
    copy_index,
    digest,
    leftovers,
    reap_group,
    run_indexer,
    search_request,
    start_indexer,
    write_corpus,
)

pytestmark = pytest.mark.slow

BUSY = "错误：另一个 unionsearch index 正在写入索引 {}\n提示：等它结束后再运行"
# Run in an indexer before it starts: imports done, it waits until the test creates the file `go`.
BARRIER = "import os, time, web.cli, index.writer, search.engine\nwhile not os.path.exists({go!r}):\n    time.sleep(0.002)\n"


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Return the corpus at version 2, an index of version 1 and a clean build of version 2."""
    return build_versions(tmp_path_factory.mktemp("concurrency"))


def assert_equals_clean_build(index_dir: Path, versions: Versions) -> None:
    assert answers(index_dir) == versions.new
    assert list_articles(SearchIndex(index_dir)) == list_articles(SearchIndex(versions.clean))
    assert leftovers(index_dir) == []


def paragraphs(versions: Versions) -> int:
    """Return how many paragraphs the clean build of version 2 holds (the splitter decides)."""
    return len(versions.new["paragraph_ids"])


def wait_for_lock_taken(index_dir: Path, process) -> None:
    """Return once the indexer holds the write lock (its writer's temporary folder exists)."""
    deadline = time.monotonic() + 60
    while not (index_dir / "MAIN.tmp").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.005)


def held_reading(release: Path) -> str:
    """Return a prelude that makes the indexer's file reading wait until ``release`` exists."""
    return ("import os, time, index.ingest\n_read = index.ingest.read_file\n"
            f"def _held(*args, **kwargs):\n    while not os.path.exists({str(release)!r}):\n        time.sleep(0.01)\n"
            "    return _read(*args, **kwargs)\n"
            "index.ingest.read_file = _held\n")


# --- two indexers ---------------------------------------------------------------------------

def test_a_second_indexer_refuses_with_a_clear_message_while_the_first_writes(versions, tmp_path):
    index_dir = copy_index(versions.base, tmp_path / "index")
    release = tmp_path / "release"
    first = start_indexer(index_dir, versions.corpus, "--jobs", "1", prelude=held_reading(release))
    try:
        wait_for_lock_taken(index_dir, first)
        started = time.monotonic()
        second = run_indexer(index_dir, versions.corpus)
        waited = time.monotonic() - started
        assert first.poll() is None
        release.touch()
        out, err = first.communicate(timeout=120)
    finally:
        reap_group(first)
    assert (second.returncode, second.stdout, second.stderr.strip()) == (1, "", BUSY.format(index_dir))
    assert waited >= 3.0  # it waited LOCK_WAIT_SECONDS for the lock first
    assert first.returncode == 0, err
    assert out.startswith(f"新增 13，更新 45，删除 15，未变 90，跳过 0 个文件；索引共 148 篇文章 {paragraphs(versions)} 段；")
    assert_equals_clean_build(index_dir, versions)


def test_a_second_indexer_that_may_wait_longer_runs_after_the_first(versions, tmp_path):
    index_dir = copy_index(versions.base, tmp_path / "index")
    go = tmp_path / "go"
    patient = BARRIER.format(go=str(go)) + "index.writer.LOCK_WAIT_SECONDS = 120\n"
    second = start_indexer(index_dir, versions.corpus, prelude=patient)
    first = start_indexer(index_dir, versions.corpus)
    try:
        wait_for_lock_taken(index_dir, first)
        go.touch()
        first_out, first_err = first.communicate(timeout=120)
        second_out, second_err = second.communicate(timeout=120)
    finally:
        reap_group(first)
        reap_group(second)
    assert (first.returncode, first_err) == (0, "")
    assert first_out.startswith("新增 13，更新 45，删除 15，未变 90，")
    assert (second.returncode, second_err) == (0, "")
    assert second_out.startswith(f"新增 0，更新 0，删除 0，未变 148，跳过 0 个文件；索引共 148 篇文章 {paragraphs(versions)} 段；")
    assert_equals_clean_build(index_dir, versions)


@pytest.mark.parametrize("attempt", [1, 2])
def test_two_first_runs_into_an_empty_folder_start_together(versions, tmp_path, attempt):
    index_dir = tmp_path / "index"
    go = tmp_path / "go"
    runs = [start_indexer(index_dir, versions.corpus, prelude=BARRIER.format(go=str(go))) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    try:
        results = [(run.returncode, *run.communicate(timeout=120)) for run in runs]
        results = [(run.returncode, out, err.strip()) for run, (_, out, err) in zip(runs, results)]
    finally:
        for run in runs:
            reap_group(run)
    created = [r for r in results if r[0] == 0 and r[1].startswith("新增 148，更新 0，删除 0，未变 0，")]
    assert len(created) == 1, results
    (other,) = [r for r in results if r is not created[0]]
    # The other one waited and found nothing to do, or gave up waiting: never an error about the folder.
    assert other[0] == 0 and other[1].startswith("新增 0，更新 0，删除 0，未变 148，") or \
        other == (1, "", BUSY.format(index_dir)), other
    assert_equals_clean_build(index_dir, versions)


def test_a_first_run_writing_while_the_folder_is_listed_is_not_foreign(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    listed = Path.iterdir

    def first_run_writes_meanwhile(folder):
        # Between the check for the marker and the listing, a first run writes the marker, then its files.
        if folder == index_dir and not (index_dir / MARKER).exists():
            write_marker(index_dir, default_analyzer().fingerprint)
            (index_dir / "_MAIN_0.toc").write_bytes(b"")
        return listed(folder)

    monkeypatch.setattr(Path, "iterdir", first_run_writes_meanwhile)
    check_index_dir(index_dir)  # no error: the folder is a first run's, not foreign
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("我的文件", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="不是空的"):
        check_index_dir(tmp_path / "foreign")


def test_a_folder_holding_only_a_first_runs_lock_is_not_foreign(versions, tmp_path):
    index_dir = tmp_path / "index"
    impatient = "import index.writer\nindex.writer.LOCK_WAIT_SECONDS = 0.3\n"
    with write_lock(index_dir):
        assert [p.name for p in index_dir.iterdir()] == [LOCK_NAME]
        check_index_dir(index_dir)  # no error
        refused = start_indexer(index_dir, versions.corpus, prelude=impatient)
        out, err = refused.communicate(timeout=60)
    assert (refused.returncode, out, err.strip()) == (1, "", BUSY.format(index_dir))
    result = run_indexer(index_dir, versions.corpus)
    assert result.returncode == 0, result.stderr
    assert_equals_clean_build(index_dir, versions)


# --- searching while the index is rewritten -------------------------------------------------

SEARCH_THREADS = 3


@pytest.mark.parametrize("moment", ["table of contents read", "before the table of contents is read"])
def test_a_commit_that_lands_while_a_generation_loads_is_followed(versions, tmp_path, monkeypatch, moment):
    from whoosh.index import TOC

    import search.engine

    index_dir = tmp_path / "index"
    files = sorted(write_corpus(versions.corpus, 1).iterdir())
    extra = versions.corpus / "extra.txt"
    commits: list = []

    def commit_once() -> None:
        if not commits:
            commits.append(None)  # update_index reads tables of contents too
            commits[0] = update_index(index_dir, [versions.corpus], workers=1)

    try:
        for part in range(7):
            update_index(index_dir, files[part::7], workers=1)
        shared = SearchIndex(index_dir)
        assert digest(shared.search(search_request(QUERIES[0]))) == versions.old[QUERIES[0]]
        extra.write_text("职工书屋建设\n\n全市新建职工书屋二十家。\n", encoding="utf-8")
        update_index(index_dir, [versions.corpus], workers=1)  # now 8 segments: the next commit merges
        extra.unlink()
        write_corpus(versions.corpus, 2)
        if moment == "table of contents read":
            # ... and a commit now merges (deleting) half of the segments it lists.
            real_generation = search.engine.Generation
            monkeypatch.setattr(search.engine, "Generation",
                                lambda *args, **kwargs: commit_once() or real_generation(*args, **kwargs))
        else:
            # ... and a commit now deletes the table of contents about to be read.
            real_read = TOC.read.__func__
            monkeypatch.setattr(TOC, "read", classmethod(
                lambda cls, *args, **kwargs: commit_once() or real_read(cls, *args, **kwargs)))
        assert digest(shared.search(search_request(QUERIES[0]))) == versions.new[QUERIES[0]]
    finally:
        extra.unlink(missing_ok=True)
        write_corpus(versions.corpus, 2)
    assert (commits[0].added, commits[0].updated, commits[0].removed) == (13, 45, 16)
    monkeypatch.undo()
    assert answers(index_dir) == versions.new


def test_searches_during_reindexing_see_the_old_or_the_new_index_and_never_fail(versions, tmp_path):
    index_dir = copy_index(versions.base, tmp_path / "index")
    known = {q: {versions.old[q]: "old", versions.new[q]: "new"} for q in QUERIES}
    articles = {len(list_articles(SearchIndex(versions.base))): "old",
                len(list_articles(SearchIndex(versions.clean))): "new"}
    assert len(articles) == 2
    shared = SearchIndex(index_dir)
    stop = threading.Event()
    failures: list[str] = []
    seen: dict[str, int] = {}
    counted = threading.Lock()

    def search_loop(offset: int) -> None:
        for n in range(offset, offset + 1_000_000):  # bounded; the stop event ends it much sooner
            if stop.is_set():
                return
            try:
                if n % 6 == 5:
                    version = articles.get(len(list_articles(shared)), "neither")
                else:
                    query = QUERIES[n % len(QUERIES)]
                    version = known[query].get(digest(shared.search(search_request(query))), "neither")
            except Exception:  # noqa: BLE001 - every failure is collected and reported
                version = "error"
                failures.append(traceback.format_exc())
            with counted:
                seen[version] = seen.get(version, 0) + 1

    threads = [threading.Thread(target=search_loop, args=(n,)) for n in range(SEARCH_THREADS)]
    for thread in threads:
        thread.start()
    runs = []
    try:
        time.sleep(0.3)
        # Two commits: the first merges segments, the second deletes what the first wrote.
        for version in (2, 1):
            write_corpus(versions.corpus, version)
            runs.append(run_indexer(index_dir, versions.corpus))
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        write_corpus(versions.corpus, 2)
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    print(f"\nanswers by version while reindexing: {seen}")
    assert failures == []
    assert set(seen) == {"old", "new"}, seen
    assert sum(seen.values()) >= 50
    assert answers(index_dir) == versions.old
    assert list_articles(SearchIndex(index_dir)) == list_articles(SearchIndex(versions.base))
    assert leftovers(index_dir) == []
