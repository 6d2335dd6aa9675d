"""What makes a folder an index this version can use: its marker file, format number and lock.

Kept apart from the writer, so that searching does not import the machinery of reading files.
"""

from __future__ import annotations

import json
from pathlib import Path

FORMAT_VERSION = 3
MARKER = "unionsearch.json"
LOCK_NAME = "MAIN_WRITELOCK"  # Whoosh's own write lock of its default index "MAIN"


class IndexFormatError(Exception):
    """The folder is not an index this version of UnionSearch can use."""


class IndexBusy(Exception):
    """Another indexing run holds the index's write lock."""


def check_index_dir(index_dir: Path) -> None:
    """Raise IndexFormatError unless the folder holds an index of this format (or nothing yet)."""
    marker = index_dir / MARKER
    if not marker.exists():
        # A first run that has only taken the lock (or was killed then) leaves nothing foreign.
        if index_dir.exists() and any(p.name not in (LOCK_NAME, MARKER + ".partial") for p in index_dir.iterdir()):
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
