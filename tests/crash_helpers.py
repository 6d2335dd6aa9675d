"""Helpers for the crash, concurrency and load tests: a generated corpus in two versions, the
known answers of an index, indexer subprocesses and a real waitress server on loopback."""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np


ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "index" / "sample"
FILES = 150
BASE_SEGMENTS = 8  # the first version is written in this many commits: the next run merges segments
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


@dataclass
class Versions:
    """A corpus (left at version 2), an index of version 1 and a clean build of version 2, with their answers."""

    corpus: Path
    base: Path  # version 1, written in BASE_SEGMENTS commits
    clean: Path  # version 2, written in one run into an empty folder
    old: dict
    new: dict


def build_versions(root: Path) -> Versions:
    """Build both versions under ``root``: the base index in several commits, the clean one at once."""
    from index.writer import update_index

    corpus = write_corpus(root / "corpus", 1)
    files = sorted(corpus.iterdir())
    for part in range(BASE_SEGMENTS):
        update_index(root / "base", files[part::BASE_SEGMENTS], workers=1)
    write_corpus(corpus, 2)
    update_index(root / "clean", [corpus], workers=1)
    return Versions(corpus, root / "base", root / "clean", answers(root / "base"), answers(root / "clean"))


def answers(index_dir: Path) -> dict:
    """Return what a fresh SearchIndex answers for QUERIES, plus every live paragraph id."""
    from search.engine import SearchIndex

    index = SearchIndex(index_dir)
    out: dict = {q: digest(index.search(search_request(q))) for q in QUERIES}
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
        live = np.flatnonzero(generation.live[segment.base:segment.base + segment.size])
        ids.update(segment.columns.paragraph_ids(live))
    assert len(ids) == generation.live_count, "a paragraph id is live twice"
    return frozenset(ids)


def index_command(index_dir: Path, corpus: Path, *extra: str, prelude: str = "") -> list[str]:
    """Return the `unionsearch index` command line, run with this interpreter after ``prelude``."""
    # Run the console entry point the way the installed `unionsearch` script does.
    code = f"{prelude}\nfrom web.cli import main\nmain()"
    return [sys.executable, "-c", code, "index", "--quiet", "--index", str(index_dir), *extra, str(corpus)]


def start_indexer(index_dir: Path, corpus: Path, *extra: str, prelude: str = "") -> subprocess.Popen:
    """Start `unionsearch index` in a process group of its own (the group id is its pid)."""
    return subprocess.Popen(index_command(index_dir, corpus, *extra, prelude=prelude), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def run_indexer(index_dir: Path, corpus: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `unionsearch index` to its end."""
    return subprocess.run(index_command(index_dir, corpus, *extra), check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def kill_prelude(target: str, call: int = 1, when: str = "True") -> str:
    """Return Python that makes the indexer SIGKILL itself at the ``call``-th call of ``target``.

    ``target`` is "module:attribute" (attribute may be Class.method); only calls for which the
    expression ``when`` (over ``args`` and ``caller``, the calling function's name) holds count.
    """
    module, _, attr = target.partition(":")
    owner, _, name = attr.rpartition(".")
    holder = f"{module}.{owner}" if owner else module
    return (f"import os, signal, sys\n"
            f"import {module}\n"
            f"_holder = {holder}\n_original = getattr(_holder, {name!r})\n_calls = [0]\n"
            f"def _killer(*args, **kwargs):\n"
            f"    caller = sys._getframe(1).f_code.co_name\n"
            f"    if {when}:\n"
            f"        _calls[0] += 1\n"
            f"        if _calls[0] >= {call}:\n"
            f"            os.kill(os.getpid(), signal.SIGKILL)\n"
            f"    return _original(*args, **kwargs)\n"
            f"setattr(_holder, {name!r}, _killer)\n")


def group_members(group: int) -> list[int]:
    """Return the pids of the live processes of a process group."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == group:
                members.append(int(entry))
    return members


def reap_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of an indexer's process group (file-reading workers of a killed run)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def lock_is_free(index_dir: Path) -> bool:
    """Return True when nobody holds the index's write lock (taking and releasing it at once)."""
    from whoosh.filedb.filestore import FileStorage

    from index.folder import LOCK_NAME

    lock = FileStorage(str(index_dir)).lock(LOCK_NAME)
    if not lock.acquire():
        return False
    lock.release()
    return True


def copy_index(source: Path, target: Path) -> Path:
    """Copy an index folder (a fresh target each time)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


@contextmanager
def serving(app, threads: int = 8) -> Iterator[str]:
    """Serve ``app`` with waitress on 127.0.0.1 and an ephemeral port; yield its base URL."""
    import waitress
    from waitress import wasyncore

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def loop() -> None:
        # Short polls, so that the loop notices the stop flag; it alone touches the sockets.
        while not stopping.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://{server.effective_host}:{server.effective_port}"
    finally:
        stopping.set()
        thread.join(timeout=10)
        wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown()


def toc_generation(index_dir: Path) -> int:
    """Return the newest committed generation of an index folder (-1: none)."""
    from index.snapshot import latest_generation

    return latest_generation(index_dir)


def leftovers(index_dir: Path) -> list[str]:
    """Return the files that belong to no committed segment: what a killed run left behind."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    from index.folder import LOCK_NAME, MARKER

    generation = toc_generation(index_dir)
    live = {s.segment_id() for s in TOC.read(FileStorage(str(index_dir)), "MAIN", gen=generation).segments}
    keep = {LOCK_NAME, MARKER, f"_MAIN_{generation}.toc"}
    return sorted(p.name for p in index_dir.iterdir() if p.name not in keep and p.name.split(".")[0] not in live)


MAX_REQUESTS_PER_CLIENT = 100_000  # a bound on top of the time limit
PAGE_TOTAL = re.compile(rb'<strong class="total">(\d+)</strong>')


def check_response(item: dict, status: int, body: bytes) -> str | None:
    """Return what is wrong with a response to a planned request, or None."""
    if status != item["status"]:
        return f"status {status}"
    if item["kind"] == "page":
        match = PAGE_TOTAL.search(body)
        total = int(match.group(1)) if match else None
    elif item["kind"] in ("search", "kwic"):
        total = json.loads(body)["total"]
    elif item["kind"] == "paragraph":
        found = json.loads(body)["id"]
        return None if found == item["id"] else f"paragraph {found}"
    else:
        return None if "error" in json.loads(body) else "no error message"
    return None if total in item["totals"] else f"total {total}, neither version's"


def load(base_url: str, plan: list[dict], clients: int, seconds: float) -> dict:
    """Send the planned GETs round-robin from ``clients`` keep-alive connections for ``seconds``."""
    parts = urlsplit(base_url)
    assert parts.hostname == "127.0.0.1", "load goes to this computer only"
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    record = threading.Lock()

    def client(number: int) -> None:
        connection = None
        for n in range(number, number + MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            item = plan[n % len(plan)]
            started = time.perf_counter()
            status = 0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                connection.request("GET", item["path"])
                response = connection.getresponse()
                status, body = response.status, response.read()
                problem = check_response(item, status, body)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                if connection is not None:
                    connection.close()
                connection = None
            elapsed = time.perf_counter() - started
            with record:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if problem:
                    errors.append(f"{item['path']}: {problem}")
        if connection is not None:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def quantile(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 4) if ordered else 0.0

    return {"clients": clients, "seconds": round(elapsed, 2), "requests": len(ordered),
            "throughput": round(len(ordered) / elapsed, 1), "p50": quantile(0.5), "p95": quantile(0.95),
            "max": round(ordered[-1], 4) if ordered else 0.0, "statuses": statuses,
            "error_count": len(errors), "errors": errors[:20]}


def start_load(base_url: str, plan: list[dict], clients: int, seconds: float) -> subprocess.Popen:
    """Run ``load`` in a process of its own (so the server keeps its interpreter to itself)."""
    code = "import json, sys\nfrom tests.crash_helpers import load\nprint(json.dumps(load(*json.loads(sys.argv[1]))))"
    return subprocess.Popen([sys.executable, "-c", code, json.dumps([base_url, plan, clients, seconds])], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def paragraphs_by_source(index_dir: Path) -> dict[str, frozenset[str]]:
    """Return the live paragraph ids of each source file in the index."""
    from search.engine import SearchIndex

    generation = SearchIndex(index_dir).generation()
    found: dict[str, set[str]] = {}
    for docnum in np.flatnonzero(generation.live).tolist():
        record = generation.record(docnum)
        found.setdefault(record["source"], set()).add(record["id"])
    return {source: frozenset(ids) for source, ids in found.items()}


def docs_json(index_dir: Path) -> list[dict]:
    """Return what `unionsearch docs --json` prints for an index."""
    code = "from web.cli import main\nmain()"
    result = subprocess.run([sys.executable, "-c", code, "docs", "--json", "--index", str(index_dir)], check=True,
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    return json.loads(result.stdout)
