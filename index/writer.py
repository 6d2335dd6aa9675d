"""Write the search index incrementally, in one atomic commit per run."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import create_in, exists_in, open_dir
from whoosh.util.filelock import try_for

from .analysis import Analyzer, default_analyzer
from .folder import (LOCK_NAME, MARKER, STALE_ANALYSIS, IndexBusy, analysis_is_stale, check_index_dir,
                     sources_cut_otherwise, write_marker)
from .ingest import Ingested, Unchanged, iter_ingest, source_key
from .model import Article, Skipped
from .normalize import fold, match_form_of_folded
from .records import paragraph_record
from .schema import build_schema, stored_paragraph
from .segments import ColumnsSegmentWriter
from .snapshot import latest_generation, read_columns, read_snapshot

LOCK_WAIT_SECONDS = 3.0
BATCH_PARAGRAPHS = 250_000
# Left behind only by a run that was killed: never part of a committed index.
LEFTOVERS = (MARKER + ".partial", "_MAIN_*.toc.*")

# File descriptors of the write locks this process holds. The lock is an flock, which forked
# children share: a file-reading worker outliving a killed indexer would keep the index locked.
_held_locks: set[int] = set()


def _drop_locks_in_child() -> None:
    for fd in _held_locks:
        try:
            os.close(fd)  # closing this copy does not unlock the parent's
        except OSError:
            pass
    _held_locks.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


@dataclass
class IndexSummary:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    articles: int = 0
    paragraphs: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """Return the summary as JSON-ready data."""
        data = self.__dict__.copy()
        data["skipped"] = [s.__dict__ for s in self.skipped]
        return data


def open_or_create(index_dir: Path, analyzer: Analyzer | None = None):
    """Open the Whoosh index in the folder, creating folder and index on first use (call under the write lock)."""
    check_index_dir(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    if exists_in(str(index_dir)):
        return open_dir(str(index_dir))
    # The marker comes first, so that a concurrent first run never sees a folder that looks foreign.
    write_marker(index_dir, (analyzer or default_analyzer()).fingerprint)
    return create_in(str(index_dir), build_schema())


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock while the block runs; raise IndexBusy after LOCK_WAIT_SECONDS."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileStorage(str(index_dir)).lock(LOCK_NAME)
    if not try_for(lock.acquire, timeout=LOCK_WAIT_SECONDS, delay=0.1):
        raise IndexBusy(f"另一个 unionsearch index 正在写入索引 {index_dir}", hint="等它结束后再运行")
    fd = lock.fd
    _held_locks.add(fd)
    try:
        yield
    finally:
        _held_locks.discard(fd)
        lock.release()


def _remove_leftovers(index_dir: Path) -> None:
    """Delete temporary files of killed runs that Whoosh's clean-up does not know (call under the lock)."""
    for pattern in LEFTOVERS:
        for path in index_dir.glob(pattern):
            path.unlink(missing_ok=True)


def indexed_files(ix) -> dict[str, str]:
    """Return {source path: content hash} for every file in the index."""
    files: dict[str, str] = {}
    with ix.searcher() as searcher:
        for raw in searcher.lexicon("source"):
            source = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            stored = searcher.document(source=source)
            if stored:
                files[source] = stored_paragraph(stored).get("content_hash", "")
    return files


def source_under(source: str, roots: list[str]) -> bool:
    """Tell whether a source path is one of ``roots`` or inside one (the paths an update was given)."""
    return any(source == root or source.startswith(root.rstrip("/") + "/") for root in roots)


def default_workers() -> int:
    """Return how many processes read files: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def update_index(index_dir: Path, paths: Iterable[Path],
                 on_file: Callable[[Path], None] | None = None, workers: int | None = None,
                 analyzer: Analyzer | None = None) -> IndexSummary:
    """Bring the index in line with the files under ``paths``: add, update and remove.

    Each commit is atomic: a run that is interrupted leaves the index as its last commit left it
    (the previous index, unless the run had already committed a batch of files), and the next
    run does the remaining work. An index written with another user dictionary (``analyzer``,
    default the shipped one) has every file under ``paths`` read again; once no file analysed
    the old way is left, the index records the new dictionary.
    """
    analyzer = analyzer or default_analyzer()
    started = time.perf_counter()
    paths = list(paths)
    check_index_dir(index_dir)
    summary = IndexSummary()
    # Everything, from reading the table of contents to counting the result, happens under the
    # lock: a concurrent commit would otherwise delete files while they are read.
    with write_lock(index_dir):
        ix, known, stale = _open_for_writing(index_dir, analyzer)
        # A file cut with another dictionary is not unchanged: its words must be cut again.
        unchanged = {source: digest for source, digest in known.items() if source not in stale}
        items = iter_ingest(paths, known=unchanged, on_file=on_file,
                            workers=workers or default_workers(), analyzer=analyzer)
        seen = _apply(ix, items, known, [source_key(p) for p in paths], summary)
        if stale or analysis_is_stale(index_dir, analyzer.fingerprint):
            # A file skipped now keeps its last good version, cut with the old dictionary.
            kept = {source_key(Path(s.path)) for s in summary.skipped}
            _record_analysis(index_dir, analyzer, sorted(s for s in stale if s not in seen or s in kept), summary)
        summary.articles, summary.paragraphs = count_index(index_dir)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _open_for_writing(index_dir: Path, analyzer: Analyzer) -> tuple:
    """Open (or create) the index under the write lock: (index, content hash by source, sources cut otherwise)."""
    ix = open_or_create(index_dir, analyzer)
    _remove_leftovers(index_dir)
    known = indexed_files(ix)
    return ix, known, sources_cut_otherwise(index_dir, analyzer.fingerprint, known)


def write_records(index_dir: Path, articles: Iterable[Article], analyzer: Analyzer | None = None) -> IndexSummary:
    """Index articles given as records, without files, in one commit: a source's articles replace what it held.

    Each article's ``source`` plays the part of a file: articles sharing one are written
    together, and a later call (or a run over files) with that source replaces them all.
    Paragraph ids must follow from the article id and position (``index.articles.paragraph_id``).
    """
    analyzer = analyzer or default_analyzer()
    started = time.perf_counter()
    index_dir = Path(index_dir)
    check_index_dir(index_dir)
    by_source: dict[str, list[Article]] = {}
    for article in articles:
        by_source.setdefault(article.source, []).append(article)
    summary = IndexSummary()
    with write_lock(index_dir):
        ix, known, stale = _open_for_writing(index_dir, analyzer)
        writer = ColumnsSegmentWriter(ix, _lk=False)
        try:
            for source, group in by_source.items():
                if source in known:
                    writer.delete_by_term("source", source)
                    summary.updated += 1
                else:
                    summary.added += 1
                digest = records_digest(group)
                for article in group:
                    for position, paragraph in enumerate(article.paragraphs):
                        base = fold(paragraph.text)
                        writer.add_record(paragraph_record(
                            article, paragraph, position, digest,
                            analyzer.words_of_folded(base, subwords=True), match_form_of_folded(base)))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if stale or analysis_is_stale(index_dir, analyzer.fingerprint):
            _record_analysis(index_dir, analyzer, sorted(stale - set(by_source)), summary)
        summary.articles, summary.paragraphs = count_index(index_dir)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def records_digest(articles: list[Article]) -> str:
    """Return the digest standing for a file's content hash for records: it changes when any record does."""
    return hashlib.sha256(json.dumps([a.to_dict() for a in articles], ensure_ascii=False,
                                     sort_keys=True).encode("utf-8")).hexdigest()


def _record_analysis(index_dir: Path, analyzer: Analyzer, left: list[str], summary: IndexSummary) -> None:
    """Store the analyzer's fingerprint and the files still cut with an older one; say which they are."""
    write_marker(index_dir, analyzer.fingerprint, left)
    if not left:
        return
    shown = "、".join(left[:3]) + ("等" if len(left) > 3 else "")
    summary.notices.append(f"{STALE_ANALYSIS}：仍有 {len(left)} 个文件不在本次索引的路径下，按旧词典分词（{shown}）；"
                           "请把它们所在的文件夹也重新索引一遍")


def _apply(ix, items: Iterable, known: dict[str, str], roots: list[str], summary: IndexSummary) -> set[str]:
    """Write what was read: add, replace, and delete files gone from under ``roots``; return the sources seen.

    Files are committed in batches of about BATCH_PARAGRAPHS paragraphs, so that memory stays
    bounded on a large first run; a file's old and new version always go in the same commit.
    """
    seen: set[str] = set()
    writer = ColumnsSegmentWriter(ix, _lk=False)
    try:
        for item in items:
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                # A file that became unreadable keeps its last good version in the index.
                seen.add(source_key(Path(item.path)))
                continue
            source = source_key(item.path)
            seen.add(source)
            if isinstance(item, Unchanged):
                summary.unchanged += 1
                continue
            _write_file(writer, item, replace=source in known)
            summary.notices.extend(item.notices)
            if source in known:
                summary.updated += 1
            else:
                summary.added += 1
            if len(writer.builder) >= BATCH_PARAGRAPHS:
                writer.commit()
                writer = ColumnsSegmentWriter(ix, _lk=False)
        for source in known:
            if source not in seen and source_under(source, roots):
                writer.delete_by_term("source", source)
                summary.removed += 1
                seen.add(source)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return seen


def count_index(index_dir: Path) -> tuple[int, int]:
    """Return (articles, paragraphs) live in the index's newest commit, read from the segments' columns."""
    folder = Path(index_dir)
    articles = paragraphs = 0
    for ref in read_snapshot(folder, latest_generation(folder)).segments:
        position = read_columns(folder, ref.segment_id).position
        paragraphs += int(np.count_nonzero(ref.live))
        articles += int(np.count_nonzero(ref.live & (np.asarray(position) == 0)))
    return articles, paragraphs


def _write_file(writer, item: Ingested, replace: bool) -> None:
    """Replace every paragraph of one file with its newly read articles."""
    source = source_key(item.path)
    if replace:
        writer.delete_by_term("source", source)
    for article in item.articles:
        article.source = source
        for position, paragraph in enumerate(article.paragraphs):
            words = item.words.get(paragraph.id) if item.words else None
            folded = item.folded.get(paragraph.id) if item.folded else None
            writer.add_record(paragraph_record(article, paragraph, position, item.document.content_hash,
                                                     words, folded))
