"""Folder walking: order, hidden files, sidecars, unsupported and binary files, links."""

from __future__ import annotations

import os

from index.model import Skipped
from index.readers import iter_files


def _tree(root) -> None:
    files = {
        "b.txt": "工会".encode("gbk"),
        "a.md": b"# title\n",
        "sub/c.html": b"<p>x</p>",
        "sub/d.PDF": b"%PDF-1.4",
        "sub/.hidden.txt": b"secret",
        ".git/config.txt": b"x",
        "image.png": b"\x89PNG\r\n\x1a\n\x00",
        "README": b"no extension",
        "old.doc": b"\xd0\xcf\x11\xe0",
        "empty.txt": b"",
        "binary.txt": b"text\x00\x01\x02",
        "utf16.txt": "\ufeff工会".encode("utf-16-le"),
        "a.md.meta.toml": b'title = "x"',
        "a.meta.toml": b'title = "x"',
        "metadata.csv": b"file,title\n",
        "~$b.docx": b"owner",
        "z.docx": b"PK",
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _show(items, root) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, Skipped):
            out.append(f"SKIP {os.path.relpath(item.path, root)}: {item.reason}")
        else:
            out.append(os.path.relpath(item, root))
    return out


def test_folder_walk(tmp_path):
    _tree(tmp_path)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")  # a link back to the root
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    assert _show(iter_files([tmp_path]), tmp_path) == [
        "SKIP README: 没有扩展名，无法判断文件类型",
        "a.md",
        "b.txt",
        "SKIP binary.txt: 二进制文件，不是文本",
        "SKIP dangling.txt: 符号链接已断开（目标不存在）",
        "SKIP empty.txt: 空文件",
        "SKIP image.png: 不支持的文件类型 .png（支持：.txt、.text、.md、.markdown、.html、.htm、.docx、.pdf）",
        "SKIP old.doc: 不支持旧版 Word .doc 格式：请另存为 .docx",
        "sub/c.html",
        "sub/d.PDF",
        "utf16.txt",
        "z.docx",
    ]


def test_explicit_paths_missing_and_duplicates(tmp_path):
    _tree(tmp_path)
    given = [tmp_path / "b.txt", tmp_path / "nope", tmp_path / "sub", tmp_path / "b.txt"]
    assert _show(iter_files(given), tmp_path) == [
        "b.txt",
        "SKIP nope: 没有这个文件或文件夹",
        "sub/c.html",
        "sub/d.PDF",
    ]


def test_explicit_sidecar_is_not_reported(tmp_path):
    _tree(tmp_path)
    assert list(iter_files([tmp_path / "a.meta.toml", tmp_path / "metadata.csv"])) == []


def test_symlinked_folder_walked_once(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_bytes(b"a")
    os.symlink(tmp_path / "docs", tmp_path / "alias")
    assert _show(iter_files([tmp_path]), tmp_path) == ["alias/a.txt"]

