"""What makes a folder an index this version can use: its marker file, format number and lock.

Kept apart from the writer, so that searching does not import the machinery of reading files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
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
        foreign = index_dir.exists() and any(p.name not in (LOCK_NAME, MARKER + ".partial") for p in index_dir.iterdir())
        # A first run writes the marker before any other file: one that did so while the folder
        # was being listed has a marker now.
        if foreign and not marker.exists():
            raise IndexFormatError(f"文件夹 {index_dir} 不是空的，也不是 UnionSearch 建立的索引",
                                   hint="请换一个空文件夹或不存在的文件夹作为索引位置（--index）")
        if not marker.exists():
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


STALE_ANALYSIS = ("用户词典（index/data/userdict.txt）在建立这个索引之后改动过，分词与索引不一致，排序可能不准")
STALE_HINT = "重新运行 unionsearch index 文件夹，把索引过的全部文件夹再索引一遍（会按新词典重新分词）"


def _marker(index_dir: Path) -> dict:
    try:
        data = json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def analysis_is_stale(index_dir: Path, fingerprint: str) -> bool:
    """Tell whether some of the index was cut by an analyzer other than the one of ``fingerprint``.

    An index written before fingerprints were stored has none and is taken to match.
    """
    data = _marker(index_dir)
    stored = data.get("analysis")
    return isinstance(stored, str) and (stored != fingerprint or bool(data.get("stale")))


def sources_cut_otherwise(index_dir: Path, fingerprint: str, known: Iterable[str]) -> set[str]:
    """Return the indexed sources (of ``known``) whose words were cut by another analyzer."""
    data = _marker(index_dir)
    stored = data.get("analysis")
    if not isinstance(stored, str):
        return set()
    if stored != fingerprint:
        return set(known)
    return set(data.get("stale") or ()) & set(known)


def write_marker(index_dir: Path, analysis: str, stale: Iterable[str] = ()) -> None:
    """Write the marker file atomically: format, analyzer fingerprint, sources cut by an older analyzer."""
    data: dict = {"format": FORMAT_VERSION, "analysis": analysis}
    if stale := sorted(stale):
        data["stale"] = stale
    partial = index_dir / (MARKER + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, index_dir / MARKER)
