"""Paragraph vectors beside the index: built in the background after the lexical index, resumable.

Vectors live in ``<index>/vectors/<model>/`` as chunk files (``00000001.npz``: paragraph ids and
a float16 matrix), each written atomically, so a killed build loses at most the chunk it was
encoding. They are keyed by paragraph id, which is derived from the file's content: paragraphs
of unchanged files keep their vectors across reindexing, and only new paragraphs are encoded.
Whoosh's clean-up never touches this folder (its names are not Whoosh's).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Event

import numpy as np
from whoosh.filedb.filestore import FileStorage

from .embedding import DEFAULT_MODEL, MODELS, Encoder, load_encoder
from .snapshot import SnapshotMissing, latest_generation, read_columns, read_snapshot

VECTORS_DIR = "vectors"
CHUNK_ROWS = 64  # paragraphs encoded and written together: what a kill can lose
MAX_CHUNKS = 16  # beyond this many files, the small ones are merged into one
ID_DTYPE = "S40"
STORE_FORMAT = 1
_CHUNK = re.compile(r"^(\d{8})\.npz$")
BUILD_LOCK = "BUILDLOCK"
OPEN_ATTEMPTS = 5


class VectorsBusy(Exception):
    """Another process is building the same model's vectors."""


@dataclass
class VectorProgress:
    """How far the vectors of one model are: paragraphs with a vector out of those live."""

    model: str
    done: int
    total: int
    encoded: int = 0  # by this run
    seconds: float = 0.0
    complete: bool = False

    def to_dict(self) -> dict:
        """Return the progress as JSON-ready data."""
        return dict(self.__dict__)


def store_dir(index_dir: Path, model: str) -> Path:
    """Return the folder of one model's vectors inside an index folder."""
    return Path(index_dir) / VECTORS_DIR / model


def chunk_names(folder: Path) -> list[str]:
    """Return the chunk files of a store, oldest first."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if _CHUNK.match(n))


def read_chunk(folder: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (ids as bytes, float16 vectors) of one chunk file."""
    with np.load(folder / name, allow_pickle=False) as data:
        return data["ids"], data["vectors"]


def stored_models(index_dir: Path) -> list[str]:
    """Return the models that have vectors in this index, in order of preference."""
    return [m for m in MODELS if chunk_names(store_dir(index_dir, m))]


def _write_chunk(folder: Path, ids: np.ndarray, vectors: np.ndarray) -> str:
    """Write one chunk atomically under the next free number and return its name."""
    existing = chunk_names(folder)
    number = int(_CHUNK.match(existing[-1]).group(1)) + 1 if existing else 1
    name = f"{number:08d}.npz"
    partial = folder / (name + ".partial")
    with partial.open("wb") as handle:
        np.savez(handle, ids=ids.astype(ID_DTYPE), vectors=vectors.astype(np.float16))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    return name


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    lock = FileStorage(str(folder)).lock(BUILD_LOCK)
    if not lock.acquire(blocking=False):
        raise VectorsBusy(f"另一个进程正在生成 {folder} 的语义向量")
    try:
        yield
    finally:
        lock.release()


def _check_meta(folder: Path, model: str) -> None:
    """Start the store afresh when it was written in another format or by another model."""
    meta = folder / "store.json"
    wanted = {"format": STORE_FORMAT, "model": model}
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if found != wanted:
        for name in chunk_names(folder):
            (folder / name).unlink(missing_ok=True)
        meta.write_text(json.dumps(wanted), encoding="utf-8")


def live_paragraphs(index_dir: Path) -> list[tuple[list[str], Callable[[int], str], np.ndarray]]:
    """Return, per segment of the newest commit: its paragraph ids, a text reader and its live docnums."""
    folder = Path(index_dir)
    for attempt in range(OPEN_ATTEMPTS):
        number = latest_generation(folder)
        if number < 0:
            return []
        try:
            out = []
            for ref in read_snapshot(folder, number).segments:
                columns = read_columns(folder, ref.segment_id)
                docs = np.flatnonzero(ref.live)
                out.append((columns.paragraph_ids(docs), columns.text, docs))
            return out
        except FileNotFoundError:
            # A commit landing now merged a segment away: read the newer table of contents.
            if attempt + 1 == OPEN_ATTEMPTS:
                raise
            time.sleep(0.2)
        except SnapshotMissing:
            return []
    raise AssertionError("unreachable")


def build_vectors(index_dir: Path, model: str = DEFAULT_MODEL, encoder: Encoder | None = None,
                  on_progress: Callable[[VectorProgress], None] | None = None, stop: Event | None = None,
                  chunk_rows: int = CHUNK_ROWS) -> VectorProgress:
    """Encode the live paragraphs that have no vector yet, chunk by chunk, until done or ``stop`` is set."""
    started = time.perf_counter()
    folder = store_dir(index_dir, model)
    folder.mkdir(parents=True, exist_ok=True)
    with _build_lock(folder):
        for leftover in folder.glob("*.partial"):
            leftover.unlink(missing_ok=True)
        _check_meta(folder, model)
        segments = live_paragraphs(index_dir)
        live = {pid.encode() for ids, _, _ in segments for pid in ids}
        known = set()
        for name in chunk_names(folder):
            known.update(read_chunk(folder, name)[0].tolist())
        todo = [(pid, read, doc) for ids, read, docs in segments
                for pid, doc in zip(ids, docs.tolist()) if pid.encode() not in known]
        progress = VectorProgress(model, len(live) - len(todo), len(live))
        if on_progress:
            on_progress(progress)
        if todo and (stop is None or not stop.is_set()):
            encoder = encoder or load_encoder(model)
        for at in range(0, len(todo), chunk_rows):
            if stop is not None and stop.is_set():
                break
            batch = todo[at:at + chunk_rows]
            vectors = encoder.passages([read(doc) for _, read, doc in batch])
            _write_chunk(folder, np.array([pid.encode() for pid, _, _ in batch], dtype=ID_DTYPE), vectors)
            progress.done += len(batch)
            progress.encoded += len(batch)
            progress.seconds = round(time.perf_counter() - started, 2)
            if len(chunk_names(folder)) > MAX_CHUNKS:
                _merge(folder, live, small_only=True)
            if on_progress:
                on_progress(progress)
        progress.complete = progress.done >= progress.total
        if progress.complete:
            _merge(folder, live, small_only=False)
    progress.seconds = round(time.perf_counter() - started, 2)
    return progress


def _merge(folder: Path, live: set[bytes], small_only: bool) -> None:
    """Merge chunk files into one, dropping vectors of paragraphs no longer in the index.

    ``small_only``: keep the largest file as it is (merging it on every overflow would rewrite
    the whole store again and again). The merged file is written before the old ones go, so a
    kill leaves at worst some vectors twice, which readers take either way.
    """
    names = chunk_names(folder)
    chunks = {name: read_chunk(folder, name) for name in names}
    if small_only:
        largest = max(names, key=lambda n: len(chunks[n][0]))
        names = [n for n in names if n != largest]
    ids = np.concatenate([chunks[n][0] for n in names]) if names else np.zeros(0, dtype=ID_DTYPE)
    if not small_only and len(names) <= 1 and all(i in live for i in ids.tolist()):
        return  # one file holding only live paragraphs: nothing to gain
    vectors = np.concatenate([chunks[n][1] for n in names])
    keep = np.fromiter((i in live for i in ids.tolist()), dtype=bool, count=len(ids))
    _, first = np.unique(ids, return_index=True)
    unique = np.zeros(len(ids), dtype=bool)
    unique[first] = True
    keep &= unique
    if keep.any():
        _write_chunk(folder, ids[keep], vectors[keep])
    for name in names:
        (folder / name).unlink(missing_ok=True)


def follow_index(index_dir: Path, stop: Event, model: str = DEFAULT_MODEL,
                 echo: Callable[[str], None] = print, poll_seconds: float = 10.0) -> None:
    """Keep the vectors of ``index_dir`` complete until ``stop`` is set: build, then rebuild after each commit.

    Meant for a background thread of the page's server; it never raises (a failure is reported
    through ``echo`` and ends the thread, searching stays lexical where vectors are missing).
    """
    seen = None
    reported = 0
    if stop.wait(2.0):  # let the page start first; a server stopped at once encodes nothing
        return
    while not stop.is_set():
        latest = latest_generation(Path(index_dir))
        if latest >= 0 and latest != seen:
            try:
                progress = build_vectors(index_dir, model, stop=stop)
            except VectorsBusy:
                stop.wait(poll_seconds)  # `unionsearch vectors` is at it: look again later
                continue
            except Exception as exc:  # noqa: BLE001 - a background helper must not take the server down
                echo(f"语义向量生成失败，检索只按字词进行：{exc}")
                return
            if progress.complete:
                seen = latest
                if progress.encoded and progress.encoded != reported:
                    echo(f"语义向量（{model}）已完成：{progress.done} 段，本次编码 {progress.encoded} 段，用时 {progress.seconds} 秒。")
                    reported = progress.encoded
        stop.wait(poll_seconds)
