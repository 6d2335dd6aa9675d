"""What makes a folder an index this version can use: its marker file, format number and lock.

Kept apart from the writer, so that searching does not import the machinery of reading files.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import IndexBusy, IndexFormatError  # noqa: F401  (IndexBusy re-exported for the writer)

FORMAT_VERSION = 3
MARKER = "unionsearch.json"
LOCK_NAME = "MAIN_WRITELOCK"  # Whoosh's own write lock of its default index "MAIN"


REINDEX_HINT = "删除这个文件夹，再运行 unionsearch index 文件夹 重新建立索引"


def check_index_dir(index_dir: Path) -> None:
    """Raise IndexFormatError unless the folder holds an index of this format (or nothing yet)."""
    marker = index_dir / MARKER
    if not marker.exists():
        # A first run that has only taken the lock (or was killed then) leaves nothing foreign.
        if index_dir.exists() and any(p.name not in (LOCK_NAME, MARKER + ".partial") for p in index_dir.iterdir()):
            raise IndexFormatError(f"文件夹 {index_dir} 不是空的，也不是 UnionSearch 建立的索引",
                                   hint="请换一个空文件夹或不存在的文件夹作为索引位置（--index）")
        return
    try:
        version = json.loads(marker.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"无法读取索引标记文件 {marker}（{exc}）", hint=REINDEX_HINT) from None
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"{index_dir} 中的索引是第 {version} 版格式，这个版本的 UnionSearch 只能读写第 {FORMAT_VERSION} 版",
            hint=REINDEX_HINT,
        )
