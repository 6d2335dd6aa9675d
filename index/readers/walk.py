"""Walk the paths given to ingest and list the files to read, and those skipped and why."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.model import Skipped
from index.readers.encoding import looks_binary, strip_bom
from index.readers.formats import (
    SUPPORTED_SUFFIXES,
    TEXT_FORMATS,
    UNSUPPORTED_ADVICE,
    format_of,
)

_SNIFF = 8192


def display_path(path: Path | str) -> str:
    """Return a path as text that can always be printed and stored: undecodable bytes as \\xNN."""
    # Linux names are bytes; names from GBK systems arrive undecodable and would otherwise
    # carry lone surrogates that no UTF-8 writer (index, JSON, terminal) accepts.
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_metadata_sidecar(name: str) -> bool:
    """Tell whether a file name is a metadata override file rather than a document."""
    lower = name.lower()
    return lower == "metadata.csv" or lower.endswith(".meta.toml")


def _unsupported_reason(name: str) -> str:
    dot = name.rfind(".")
    if dot <= 0:
        return "没有扩展名，无法判断文件类型"
    suffix = display_path(name[dot:]).lower()
    return UNSUPPORTED_ADVICE.get(
        suffix, f"不支持的文件类型 {suffix}（支持：{'、'.join(SUPPORTED_SUFFIXES)}）"
    )


def _check_file(path: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Skipped]:
    name = path.name
    # Word leaves "~$name.docx" owner files beside open documents: never documents.
    if is_metadata_sidecar(name) or name.startswith("~$"):
        return
    fmt = format_of(name)
    if fmt is None:
        yield Skipped(display_path(path), _unsupported_reason(name))
        return
    try:
        info = path.stat()
        if (info.st_dev, info.st_ino) in seen:
            return  # the same file reached twice, through a link or overlapping paths
        seen.add((info.st_dev, info.st_ino))
        if info.st_size == 0:
            yield Skipped(display_path(path), "空文件")
            return
        if fmt in TEXT_FORMATS:
            with path.open("rb") as handle:
                head, bom = strip_bom(handle.read(_SNIFF))
            if bom is None and looks_binary(head):
                yield Skipped(display_path(path), "二进制文件，不是文本")
                return
    except OSError as exc:
        yield Skipped(display_path(path), f"无法读取文件（{exc.strerror or exc}）")
        return
    yield path


def _link_problem(path: Path) -> str:
    """Return why a symbolic link leads to no file: a loop of links, or a missing target."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接循环"
    return "符号链接已断开（目标不存在）"


def _enter(folder: Path, folders: set[tuple[int, int]], stack: list) -> Skipped | None:
    """Push the folder's sorted entries on ``stack``, unless it was seen; Skipped if unreadable."""
    try:
        info = folder.stat()
        key = (info.st_dev, info.st_ino)
        if key in folders:
            return None  # a symlink loop, or a folder reached twice
        folders.add(key)
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        return Skipped(display_path(folder), f"无法打开文件夹（{exc.strerror or exc}）")
    stack.append((folder, iter(entries)))
    return None


def _walk_folder(
    root: Path, folders: set[tuple[int, int]], seen: set[tuple[int, int]]
) -> Iterator[Path | Skipped]:
    # An explicit stack, not recursion: a folder tree can be deeper than Python's recursion limit.
    stack: list[tuple[Path, Iterator[os.DirEntry]]] = []
    problem = _enter(root, folders, stack)
    if problem:
        yield problem
    while stack:
        folder, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            problem = _enter(path, folders, stack)
            if problem:
                yield problem
        elif is_file:
            yield from _check_file(path, seen)
        elif entry.is_symlink():
            yield Skipped(display_path(path), _link_problem(path))
        else:
            yield Skipped(display_path(path), "不是普通文件")


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Yield the document files under the given files and folders, and Skipped for the rest."""
    folders: set[tuple[int, int]] = set()
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk_folder(path, folders, seen)
        elif path.is_file():
            yield from _check_file(path, seen)
        elif path.is_symlink():
            yield Skipped(display_path(path), _link_problem(path))
        elif path.exists():
            yield Skipped(display_path(path), "不是普通文件")
        else:
            yield Skipped(display_path(path), "没有这个文件或文件夹")
