"""Read documents of every supported format into RawDocument blocks, and list input files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from index.model import Block, IngestError, RawDocument
from index.readers.docx import read_docx
from index.readers.formats import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, format_of
from index.readers.html import read_html
from index.readers.markdown import read_markdown
from index.readers.pdf import read_pdf
from index.readers.text import read_text
from index.readers.walk import iter_files

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_SUFFIXES", "iter_files", "read_document"]

_READERS: dict[str, Callable[[bytes], tuple[list[Block], dict]]] = {
    "text": read_text,
    "markdown": read_markdown,
    "html": read_html,
    "docx": read_docx,
    "pdf": read_pdf,
}
_MB = 1024 * 1024


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise IngestError(
                    f"文件太大（{size / _MB:.1f} MB，上限 {MAX_FILE_BYTES // _MB} MB）"
                )
            # The reported size, then a bounded look for more: a file can grow after the check,
            # and some (/proc, network mounts) report a size of 0 whatever they hold.
            parts = [handle.read(size)]
            total = len(parts[0])
            while total <= MAX_FILE_BYTES:
                chunk = handle.read(min(_MB, MAX_FILE_BYTES + 1 - total))
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise IngestError(f"文件太大（读取时超过 {MAX_FILE_BYTES // _MB} MB 上限）")
        return parts[0] if len(parts) == 1 else b"".join(parts)
    except FileNotFoundError as exc:
        raise IngestError("找不到文件") from exc
    except IsADirectoryError as exc:
        raise IngestError("这是文件夹，不是文件") from exc
    except OSError as exc:
        raise IngestError(f"无法读取文件（{exc.strerror or exc}）") from exc


def read_document(path: Path) -> RawDocument:
    """Read one file into a RawDocument, choosing the reader by suffix; IngestError if unreadable."""
    path = Path(path)
    fmt = format_of(path.name)
    if fmt is None:
        raise IngestError(f"不支持的文件类型 {path.suffix.lower() or '（无扩展名）'}")
    data = _read_bytes(path)
    if not data:
        raise IngestError("空文件")
    blocks, metadata = _READERS[fmt](data)
    if not any(block.text.strip() for block in blocks):
        raise IngestError("文档中没有找到文字")
    return RawDocument(
        source=str(path),
        format=fmt,
        blocks=blocks,
        metadata=metadata,
        content_hash=hashlib.sha256(data).hexdigest(),
    )
