"""Killing the indexer (SIGKILL) at any moment: the index keeps the last commit, the next run completes it.

Every trial starts from an index of version 1 of a generated corpus (written in several commits, so
that the next run also merges segments) and runs `unionsearch index` over version 2 in a subprocess.
After the kill, the index must answer exactly as version 1 did, or, once the new table of contents
is in place, exactly as a clean build of version 2: never a mixture, never an error. (A run larger
than one batch commits once per batch; killed between two, each file is wholly old or wholly new.)
The next run must then succeed at once and leave an index equal to the clean build, with no files
left over.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from index.writer import update_index
from search.documents import list_articles
from search.engine import SearchIndex

from .crash_helpers import (
    Versions,
    answers,
    build_versions,
    copy_index,
    docs_json,
    group_members,
    kill_prelude,
    leftovers,
    lock_is_free,
    paragraphs_by_source,
    reap_group,
    run_indexer,
    start_indexer,
    toc_generation,
)

pytestmark = pytest.mark.slow

KILLS = 20
MAX_TRIALS = 30
SEED = 20240611


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Return the corpus at version 2, an index of version 1 and a clean build of version 2."""
    return build_versions(tmp_path_factory.mktemp("crash"))


def test_the_two_versions_answer_differently(versions):
    # Otherwise "old or new" would prove nothing.
    assert toc_generation(versions.base) == 8
    for query in versions.old:
        assert versions.old[query] != versions.new[query], query
    assert len(versions.old["paragraph_ids"] ^ versions.new["paragraph_ids"]) > 100
    assert (len(list_articles(SearchIndex(versions.base))), len(list_articles(SearchIndex(versions.clean)))) == (150, 148)


def assert_next_run_completes(index_dir: Path, versions: Versions) -> None:
    """Run the indexer again: it must succeed and leave an index equal to the clean build."""
    assert lock_is_free(index_dir), "the killed run left the write lock held"
    started = time.monotonic()
    result = run_indexer(index_dir, versions.corpus)
    assert result.returncode == 0, result.stderr
    # It did not wait for a lock (LOCK_WAIT_SECONDS is 3).
    assert time.monotonic() - started < 30
    assert answers(index_dir) == versions.new
    assert list_articles(SearchIndex(index_dir)) == list_articles(SearchIndex(versions.clean))
    assert leftovers(index_dir) == []


# (where, target "module:attribute", which call, counted calls, results right after the kill)
KILL_POINTS = [
    ("merging old segments into the new one", "index.segments:ColumnsSegmentWriter.merge_segment", 2, "True", "old"),
    ("segment written, columns not yet", "index.segments:write_columns", 1, "True", "old"),
    ("half of the columns written", "numpy:save", 10, "caller == 'write_columns'", "old"),
    ("columns written, table of contents not yet", "whoosh.index:TOC.write", 1, "True", "old"),
    ("table of contents written, not yet renamed", "whoosh.filedb.filestore:FileStorage.rename_file", 1,
     "args[2].endswith('.toc')", "old"),
    ("new table of contents, clean-up not yet", "whoosh.index:clean_files", 1, "True", "new"),
    ("halfway through the clean-up", "whoosh.filedb.filestore:FileStorage.delete_file", 3,
     "caller == 'clean_files'", "new"),
    ("committed, counting the result", "index.writer:count_index", 1, "True", "new"),
]


@pytest.mark.parametrize("where, target, call, when, outcome", KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_a_kill_at_each_step_of_the_commit(versions, tmp_path, where, target, call, when, outcome):
    index_dir = copy_index(versions.base, tmp_path / "index")
    process = start_indexer(index_dir, versions.corpus, prelude=kill_prelude(target, call, when))
    process.wait(timeout=120)
    reap_group(process)
    assert process.returncode == -signal.SIGKILL, f"never reached {where}: {process.stderr}"
    assert answers(index_dir) == (versions.old if outcome == "old" else versions.new)
    assert_next_run_completes(index_dir, versions)


def test_a_kill_between_two_batch_commits_leaves_every_file_old_or_new(versions, tmp_path):
    # A large run commits every BATCH_PARAGRAPHS paragraphs; here batches are made small.
    index_dir = copy_index(versions.base, tmp_path / "index")
    prelude = "import index.writer\nindex.writer.BATCH_PARAGRAPHS = 100\n" + kill_prelude("whoosh.index:clean_files", 2)
    process = start_indexer(index_dir, versions.corpus, prelude=prelude)
    process.wait(timeout=120)
    reap_group(process)
    assert process.returncode == -signal.SIGKILL, f"fewer than two batches: {process.stderr}"
    old, new = paragraphs_by_source(versions.base), paragraphs_by_source(versions.clean)
    killed = paragraphs_by_source(index_dir)
    for source in old.keys() | new.keys():
        assert killed.get(source) in (old.get(source), new.get(source)), source
    changed = {s for s in old.keys() | new.keys() if old.get(s) != new.get(s)}
    assert 0 < sum(killed.get(s) == new.get(s) for s in changed) < len(changed)  # really half-way
    assert_next_run_completes(index_dir, versions)
    assert docs_json(index_dir) == docs_json(versions.clean)


def start_slow_readers(index_dir: Path, corpus: Path, seconds: float, outlive: bool = False):
    """Start `unionsearch index --jobs 2` whose file readers take ``seconds`` a file; return once they run.

    ``outlive``: the readers are not killed with the indexer (as where Linux's death signal is missing).
    """
    prelude = ("import time, index.ingest\n_read = index.ingest.read_file\n"
               f"def _slow(*args, **kwargs):\n    time.sleep({seconds})\n    return _read(*args, **kwargs)\n"
               "index.ingest.read_file = _slow\n")
    if outlive:
        prelude += "index.ingest._die_with_parent = lambda indexer: None\n"
    process = start_indexer(index_dir, corpus, "--jobs", "2", prelude=prelude)
    deadline = time.monotonic() + 60
    while len(group_members(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


def test_a_killed_run_does_not_leave_the_index_locked_by_its_file_readers(versions, tmp_path):
    # File readers are forked worker processes. On Linux they are killed with the indexer; where
    # that is not available they finish their file first: here they are made to outlive it.
    index_dir = copy_index(versions.base, tmp_path / "index")
    process = start_slow_readers(index_dir, versions.corpus, 1.0, outlive=True)
    try:
        time.sleep(0.3)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        orphans = group_members(process.pid)
        assert orphans, "the workers were gone already: nothing was tested"
        assert lock_is_free(index_dir)
        started = time.monotonic()
        result = run_indexer(index_dir, versions.corpus)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 30
    finally:
        reap_group(process)
    assert answers(index_dir) == versions.new


def test_file_readers_die_with_a_killed_indexer(versions, tmp_path):
    index_dir = copy_index(versions.base, tmp_path / "index")
    process = start_slow_readers(index_dir, versions.corpus, 5.0)
    try:
        assert len(group_members(process.pid)) >= 3, "the file readers never started"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 2  # well before a reader would finish its 5-second file
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not group_members(process.pid)
    finally:
        reap_group(process)


def run_time(versions: Versions, index_dir: Path) -> float:
    """Return how long an uninterrupted run takes, from start to exit."""
    copy_index(versions.base, index_dir)
    started = time.monotonic()
    result = run_indexer(index_dir, versions.corpus)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def wait_for_commit(index_dir: Path, process, before: set[str]) -> None:
    """Return once the run has assembled its new segment (the commit has begun) or ended."""
    while process.poll() is None and not any(name.endswith(".seg") for name in set(os.listdir(index_dir)) - before):
        time.sleep(0.002)


def phase(index_dir: Path, before: set[str], base_generation: int, running: bool) -> str:
    """Return where a run was when it was killed, from the files it left."""
    if not running:
        return "finished"
    if toc_generation(index_dir) > base_generation:
        return "committed"
    new = set(os.listdir(index_dir)) - before
    if any(".sc_" in name or name.endswith(".seg") or ".toc." in name for name in new):
        return "committing"
    return "adding" if any(name.startswith("MAIN_") for name in new) else "starting"


def test_kills_at_random_moments_keep_the_old_or_the_new_index(versions, tmp_path):
    rng = random.Random(SEED)
    total = run_time(versions, tmp_path / "calibration")
    # Two thirds of the kills come at moments spread evenly over the run; the others come a
    # random moment after the commit began, since the commit is short.
    spread = KILLS * 2 // 3
    plans = [(total * 0.85 * (n + rng.random()) / spread, False) for n in range(spread)]
    plans += [(rng.uniform(0.0, 0.08), True) for _ in range(KILLS - spread)]
    base_generation = toc_generation(versions.base)
    before = set(os.listdir(versions.base))
    phases: dict[str, int] = {}
    for n, (delay, after_commit_began) in enumerate(plans):
        if n >= MAX_TRIALS:
            break
        index_dir = copy_index(versions.base, tmp_path / "index")
        process = start_indexer(index_dir, versions.corpus)
        try:
            if after_commit_began:
                wait_for_commit(index_dir, process, before)
            time.sleep(delay)
            running = process.poll() is None
            if running:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            where = phase(index_dir, before, base_generation, running)
            phases[where] = phases.get(where, 0) + 1
            if not running:  # the run was quicker this time: kill another one earlier
                plans.append((rng.uniform(0.0, total * 0.8), False))
            expected = versions.new if where in ("committed", "finished") else versions.old
            assert answers(index_dir) == expected, f"kill {n} ({delay:.3f}s, {where})"
            assert lock_is_free(index_dir), "the killed run left the write lock held"
        finally:
            reap_group(process)
        # The next run, in this process to save interpreter starts (the kill tests above use the CLI).
        update_index(index_dir, [versions.corpus])
        assert answers(index_dir) == versions.new
        assert list_articles(SearchIndex(index_dir)) == list_articles(SearchIndex(versions.clean))
        assert leftovers(index_dir) == []
    print(f"\nuninterrupted run {total:.2f}s; trials by phase: {phases}")
    assert sum(phases.values()) - phases.get("finished", 0) >= KILLS
    assert phases.get("committing", 0) + phases.get("committed", 0) >= 3
