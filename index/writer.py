"""Write the search index incrementally, in one atomic commit per run."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.index import LockError, create_in, exists_in, open_dir

from .ingest import Ingested, Unchanged, iter_ingest, source_key
from .model import Skipped
from .schema import build_schema, paragraph_document
from .segments import SidecarWriter, live_mask
from .sidecar import read_sidecar

FORMAT_VERSION = 2
MARKER = "unionsearch.json"
LOCK_WAIT_SECONDS = 3.0


class IndexBusy(Exception):
    """Another indexing run holds the index's write lock."""


class IndexFormatError(Exception):
    """The folder is not an index this version of UnionSearch can use."""


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


def check_index_dir(index_dir: Path) -> None:
    """Raise IndexFormatError unless the folder holds an index of this format (or nothing yet)."""
    marker = index_dir / MARKER
    if not marker.exists():
        if index_dir.exists() and any(index_dir.iterdir()):
            raise IndexFormatError(f"{index_dir} is not empty and was not created by UnionSearch")
        return
    try:
        version = json.loads(marker.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"cannot read {marker}: {exc}") from None
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"{index_dir} holds an index of format {version}; this version writes format "
            f"{FORMAT_VERSION}. Delete the folder and run `unionsearch index` again."
        )


def open_or_create(index_dir: Path):
    """Open the Whoosh index in the folder, creating folder and index on first use."""
    check_index_dir(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    if exists_in(str(index_dir)):
        return open_dir(str(index_dir))
    ix = create_in(str(index_dir), build_schema())
    (index_dir / MARKER).write_text(json.dumps({"format": FORMAT_VERSION}), encoding="utf-8")
    return ix


def indexed_files(ix) -> dict[str, str]:
    """Return {source path: content hash} for every file in the index."""
    files: dict[str, str] = {}
    with ix.searcher() as searcher:
        for raw in searcher.lexicon("source"):
            source = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            stored = searcher.document(source=source)
            if stored:
                files[source] = stored.get("content_hash", "")
    return files


def _under(source: str, roots: list[str]) -> bool:
    return any(source == root or source.startswith(root.rstrip("/") + "/") for root in roots)


def default_workers() -> int:
    """Return how many processes read files: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def update_index(index_dir: Path, paths: Iterable[Path],
                 on_file: Callable[[Path], None] | None = None, workers: int | None = None) -> IndexSummary:
    """Bring the index in line with the files under ``paths``: add, update and remove.

    Everything is written in one commit: a run that is interrupted leaves the previous index
    as it was, and the next run does the whole work again.
    """
    started = time.perf_counter()
    paths = list(paths)
    ix = open_or_create(index_dir)
    summary = IndexSummary()
    try:
        writer = SidecarWriter(ix, timeout=LOCK_WAIT_SECONDS)
    except LockError:
        raise IndexBusy(f"another `unionsearch index` is writing {index_dir}; try again when it ends") from None
    known = indexed_files(ix)
    seen: set[str] = set()
    with writer:
        for item in iter_ingest(paths, known=known, on_file=on_file, workers=workers or default_workers(),
                                with_words=True):
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
        roots = [source_key(p) for p in paths]
        for source in known:
            if source not in seen and _under(source, roots):
                writer.delete_by_term("source", source)
                summary.removed += 1
    summary.articles, summary.paragraphs = count_index(index_dir)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def count_index(index_dir: Path) -> tuple[int, int]:
    """Return (articles, paragraphs) live in the index, read from the segments' sidecars."""
    ix = open_dir(str(index_dir))
    articles = paragraphs = 0
    for segment in ix._segments():
        live = live_mask(segment)
        arrays, _ = read_sidecar(Path(index_dir), segment.segment_id())
        paragraphs += int(np.count_nonzero(live))
        articles += int(np.count_nonzero(live & (np.asarray(arrays["position"]) == 0)))
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
            writer.add_document(**paragraph_document(article, paragraph, position, item.document.content_hash, words))
