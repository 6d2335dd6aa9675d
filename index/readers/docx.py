"""Read Word .docx files: headings, paragraphs and table rows in document order."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from index.model import Block, IngestError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# A password-protected .docx is an OLE file holding this stream (name in UTF-16 LE).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Text XML compresses ~10×; a far higher ratio on a large archive is a decompression bomb.
MAX_RATIO = 100
_RATIO_FLOOR = 20 * 1024 * 1024
_CHUNK = 1024 * 1024

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-6])$", re.I)
_TITLE_STYLES = {"title", "标题"}
_CELL_SEP = "　"


def check_package(data: bytes) -> None:
    """Raise IngestError unless the bytes are a sane, unencrypted .docx zip package."""
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise IngestError("Word 文档有密码保护")
        raise IngestError("这是旧版 Word .doc 文件（OLE），不是 .docx：请另存为 .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise IngestError(f"Word 文件已损坏（不是可读的 zip 包：{exc}）") from exc
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        raise IngestError("不是 Word 文档（包内没有 word/document.xml）")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise IngestError(
            f".docx 解压后有 {total // (1024 * 1024)} MB，超过 "
            f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB 上限（可能是 zip 炸弹）"
        )
    if total > _RATIO_FLOOR and total > MAX_RATIO * len(data):
        raise IngestError(f".docx 压缩比超过 {MAX_RATIO}:1（可能是 zip 炸弹）")


def repack(data: bytes) -> bytes:
    """Return the package re-zipped from its parts, each inflated no further than its declared size."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(out, "w") as copy:
        # The last entry of a name wins, as in zipfile's own lookup.
        for info in {info.filename: info for info in package.infolist() if not info.is_dir()}.values():
            with package.open(info) as part:
                # Small reads: zipfile inflates all of one read() at once, so a single read of a
                # part whose header understates its size would inflate the whole bomb in memory.
                copy.writestr(info.filename, b"".join(iter(lambda: part.read(_CHUNK), b"")))
    return out.getvalue()


def _outline_level(paragraph: Paragraph) -> int | None:
    """Return the 0-based outline level set on the paragraph or its style chain, if any."""
    values = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    style = paragraph.style
    while not values and style is not None:
        values = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        style = style.base_style
    if values and str(values[0]).isdigit():
        return int(values[0])
    return None


def heading_level(paragraph: Paragraph) -> int | None:
    """Return 1–6 for a heading paragraph (by style name or outline level), else None."""
    name = (paragraph.style.name or "").strip() if paragraph.style is not None else ""
    match = _HEADING_STYLE.match(name)
    if match:
        return int(match.group(1))
    if name.lower() in _TITLE_STYLES:
        return 1
    level = _outline_level(paragraph)
    # Outline level 9 means body text; Word offers 1–9, this model keeps 1–6.
    if level is not None and level < 6:
        return level + 1
    return None


def _paragraph_blocks(paragraph: Paragraph) -> list[Block]:
    level = heading_level(paragraph)
    lines = [line.strip() for line in paragraph.text.split("\n")]
    if level is not None:
        text = "".join(lines)
        return [Block(text, heading_level=level)] if text else []
    # A manual line break inside a paragraph separates paragraphs, as <br> does in HTML.
    return [Block(line) for line in lines if line]


def _is_layout_cell(cell: _Cell) -> bool:
    return bool(cell.tables) or sum(1 for p in cell.paragraphs if p.text.strip()) > 1


def _table_blocks(table: Table) -> list[Block]:
    blocks: list[Block] = []
    # Merged cells come back once per grid column/row they span; holding the elements keeps
    # their ids unique while comparing. (python-docx has no public cell identity.)
    seen: dict[int, object] = {}
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen[id(cell._tc)] = cell._tc
                cells.append(cell)
        if len(cells) == 1 or any(_is_layout_cell(c) for c in cells):
            for cell in cells:
                blocks.extend(_content_blocks(cell.iter_inner_content()))
            continue
        texts = [_CELL_SEP.join(t.strip() for t in c.text.split("\n") if t.strip()) for c in cells]
        if any(texts):
            blocks.append(Block(_CELL_SEP.join(t for t in texts if t)))
    return blocks


def _content_blocks(items) -> list[Block]:
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Paragraph):
            blocks.extend(_paragraph_blocks(item))
        elif isinstance(item, Table):
            blocks.extend(_table_blocks(item))
    return blocks


def _metadata(document) -> dict:
    # docx_author is shown nowhere, yet stays: ingest.text_hash counts a file's own metadata, so two
    # files with the same text and different authors are not skipped as duplicates of each other.
    props = document.core_properties
    meta: dict = {}
    if (props.title or "").strip():
        meta["docx_title"] = props.title.strip()
    if (props.author or "").strip():
        meta["docx_author"] = props.author.strip()
    if props.created is not None:
        meta["docx_created"] = props.created.isoformat()
    return meta


def read_docx(data: bytes) -> tuple[list[Block], dict]:
    """Return heading, paragraph and table-row blocks of a .docx, with its core properties."""
    check_package(data)
    try:
        document = docx.Document(io.BytesIO(repack(data)))
        blocks = _content_blocks(document.iter_inner_content())
        meta = _metadata(document)
    except IngestError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types for damaged parts
        raise IngestError(f"Word 文件已损坏（{type(exc).__name__}: {exc}）") from exc
    return blocks, meta
