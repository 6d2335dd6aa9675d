"""Read a committed index: its newest generation number, its segments, each segment's columns.

This is the one place outside the writer that knows how a generation is stored (Whoosh's table
of contents, the per-segment column files beside it), so ``search/`` asks here instead of
opening Whoosh's private parts or the files themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError

from .folded_texts import FoldedTexts
from .segments import live_mask
from .sidecar import read_sidecar, sidecar_exists, sidecar_path

INDEX_NAME = "MAIN"  # Whoosh's default index name, the only one a folder holds
# What read_snapshot raises when the folder holds no table of contents for that generation.
SnapshotMissing = EmptyIndexError


@dataclass(frozen=True)
class SegmentRef:
    """One segment of a generation: its id and which of its documents are not deleted."""

    segment_id: str
    live: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """One committed generation: its number and its segments in docnum order."""

    number: int
    segments: list[SegmentRef]


@dataclass(frozen=True)
class SegmentColumns:
    """One segment's stored columns: arrays memory-mapped by name, small tables parsed, folded texts."""

    segment_id: str
    size: int
    arrays: dict[str, np.ndarray]
    tables: dict
    folded: FoldedTexts


def latest_generation(folder: Path) -> int:
    """Return the number of the newest committed generation, -1 when there is none."""
    if not Path(folder).is_dir():
        return -1
    # Listing the folder is all Whoosh does to find it; no file is opened, so this cannot race.
    return TOC._latest_generation(FileStorage(str(folder)), INDEX_NAME)


def read_snapshot(folder: Path, number: int) -> Snapshot:
    """Return generation ``number``: its segments and their live documents (SnapshotMissing if none)."""
    toc = TOC.read(FileStorage(str(folder)), INDEX_NAME, gen=number)
    return Snapshot(number, [SegmentRef(s.segment_id(), live_mask(s)) for s in toc.segments])


def has_columns(folder: Path, segment_id: str) -> bool:
    """Return True when the segment's columns were completely written."""
    return sidecar_exists(Path(folder), segment_id)


def read_columns(folder: Path, segment_id: str) -> SegmentColumns:
    """Open one segment's columns: arrays memory-mapped, only the small tables parsed."""
    arrays, tables = read_sidecar(Path(folder), segment_id)
    folded = FoldedTexts(sidecar_path(Path(folder), segment_id, "fold_blob"), arrays["fold_lengths"])
    return SegmentColumns(segment_id, tables["size"], arrays, tables, folded)
