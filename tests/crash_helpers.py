"""Helpers for the crash, concurrency and load tests: a generated corpus in two versions, the
known answers of an index, indexer subprocesses and a real waitress server on loopback."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "index" / "sample"
FILES = 150
# Queries whose totals stay under one page, so the hit ids are the whole answer.
QUERIES = ("职工书屋", "劳动竞赛 技能", "困难职工", "农民工 -欠薪", "“劳模工匠”")
PER_PAGE = 100


@lru_cache(maxsize=1)
def sample_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (titles, body paragraphs) of the bundled samples, as the product reads them."""
    from index.ingest import ingest

    result = ingest([SAMPLE_CORPUS])
    titles = tuple(a.title for a in result.articles)
    bodies = tuple(p.text for a in result.articles for p in a.paragraphs if p.kind == "body" and len(p.text) >= 40)
    return titles, bodies


def document(number: int, version: int) -> str | None:
    """Return the text of corpus file ``number`` in ``version`` (1 or 2), None when it does not exist."""
    titles, bodies = sample_texts()
    if version == 2 and number % 10 == 1:
        return None  # removed in version 2
    if version == 1 and number >= FILES:
        return None  # added in version 2
    rng = random.Random(number)
    title = f"{rng.choice(titles)}（第{number}号）"
    paragraphs = rng.sample(bodies, rng.randint(3, 6))
    if version == 2 and number % 3 == 0:
        paragraphs = paragraphs[:-1] + rng.sample(bodies, 2)  # changed in version 2
    return "\n\n".join([title, *paragraphs]) + "\n"


def write_corpus(folder: Path, version: int) -> Path:
    """Make ``folder`` hold exactly the corpus of ``version``: ~150 files of a few paragraphs each."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(FILES + 15):
        path = folder / f"doc_{number:03d}.txt"
        text = document(number, version)
        if text is None:
            path.unlink(missing_ok=True)
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


def answers(index_dir: Path) -> dict:
    """Return what a fresh SearchIndex answers for QUERIES, plus every live paragraph id."""
    from search.engine import SearchIndex

    index = SearchIndex(index_dir)
    out = {q: digest(index.search(search_request(q))) for q in QUERIES}
    out["paragraph_ids"] = paragraph_ids(index)
    return out


def search_request(q: str):
    """Return the request the tests ask: one page holding every hit."""
    from search.engine import SearchRequest

    return SearchRequest(q=q, per_page=PER_PAGE)


def digest(result: dict) -> tuple:
    """Return what must be equal between two answers: total, facets, hit ids with their scores.

    Hits of equal score may come in any order (docnum order differs between an incremental and a
    clean build), so hits are compared as a set of (id, score).
    """
    facets = tuple(sorted((name, tuple((str(c["value"]), c["count"]) for c in counts))
                          for name, counts in result["facets"].items()))
    hits = tuple(sorted((h["id"], h["score"]) for h in result["hits"]))
    return result["total"], facets, hits


def paragraph_ids(index) -> frozenset[str]:
    """Return the ids of every live paragraph of the index's newest generation."""
    generation = index.generation()
    ids = set()
    for segment in generation.segments:
        for local, pid in enumerate(segment.tables["paragraph_ids"]):
            if generation.live[segment.base + local]:
                ids.add(pid)
    assert len(ids) == generation.live_count, "a paragraph id is live twice"
    return frozenset(ids)


def index_command(index_dir: Path, corpus: Path, *extra: str, prelude: str = "") -> list[str]:
    """Return the `unionsearch index` command line, run with this interpreter after ``prelude``."""
    # `python -m web.cli` would not run anything: the module has no __main__ guard.
    code = f"{prelude}\nfrom web.cli import main\nmain()"
    return [sys.executable, "-c", code, "index", "--quiet", "--index", str(index_dir), *extra, str(corpus)]


def start_indexer(index_dir: Path, corpus: Path, *extra: str, prelude: str = "") -> subprocess.Popen:
    """Start `unionsearch index` in its own process group."""
    return subprocess.Popen(index_command(index_dir, corpus, *extra, prelude=prelude), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def reap_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of an indexer's process group (its file-reading workers)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@contextmanager
def serving(app, threads: int = 8) -> Iterator[str]:
    """Serve ``app`` with waitress on 127.0.0.1 and an ephemeral port; yield its base URL."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=10)
