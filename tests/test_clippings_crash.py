"""`kill -9` while the clippings database is being written: nothing acknowledged is lost, the file stays sound."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from search.clippings import ClippingStore
from search.clippings.history import history

from .crash_helpers import ROOT

pytestmark = pytest.mark.slow

# Adds clippings and records searches without pause; prints each one after its call has returned
# (committed), so every printed line is a write the page would have acknowledged.
WRITER = textwrap.dedent("""
    import sys
    from search.clippings import ClippingStore
    from search.clippings.history import record_search

    store = ClippingStore(sys.argv[1])
    collection = store.ensure_collection("压力测试")
    print("ready", flush=True)
    n = int(sys.argv[2])
    while True:
        n += 1
        pid = f"0123456789abcdef-{n:04d}"
        store.add_clipping(collection, {"id": pid, "article_id": "0123456789abcdef", "text": "段落" * 200 + str(n),
                                        "title": "标题"}, "——摘自《标题》", "备注" * 50)
        print("clip", pid, flush=True)
        record_search(store, f"q=词{n}", f"词{n}", "", n)
        print("search", n, flush=True)
""")


def run_and_kill(path: Path, start: int, acknowledged: int) -> tuple[set[str], set[str]]:
    """Start a writer numbering from ``start``, SIGKILL it after ``acknowledged`` acknowledged writes;
    return what it acknowledged."""
    clips, searches = set(), set()
    with subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(start)], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}) as process:
        assert process.stdout.readline().strip() == "ready"
        for _ in range(acknowledged):
            kind, value = process.stdout.readline().split()
            (clips if kind == "clip" else searches).add(value)
        os.kill(process.pid, signal.SIGKILL)
        # Lines printed after the ones read were acknowledged too, before the kill landed; a line
        # the kill cut short (no newline yet) was not.
        for line in process.stdout:
            if not line.endswith("\n"):
                break
            kind, value = line.split()
            (clips if kind == "clip" else searches).add(value)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return clips, searches


def test_a_killed_writer_loses_nothing_it_acknowledged(tmp_path):
    path = tmp_path / "clippings.sqlite3"
    rng = random.Random(15)
    all_clips: set[str] = set()
    for _trial in range(6):
        clips, searches = run_and_kill(path, len(all_clips) + 2, rng.randint(5, 120))
        all_clips |= clips
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store = ClippingStore(path)
        kept = store.collection(store.ensure_collection("压力测试"))["clippings"]
        kept_ids = {clip["paragraph_id"] for clip in kept}
        # Every acknowledged clipping is there; at most the one being written when killed is extra.
        assert all_clips <= kept_ids and len(kept_ids - all_clips) <= 1
        assert [clip["position"] for clip in kept] == list(range(1, len(kept) + 1))
        assert all(clip["text"].startswith("段落") and clip["note"] == "备注" * 50 for clip in kept)
        remembered = {h["q"][1:] for h in history(store)}
        assert searches and {s for s in searches if int(s) > max(map(int, searches)) - 200} <= remembered
        all_clips = kept_ids  # with the one unacknowledged write, if it landed
