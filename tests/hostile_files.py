"""Generate hostile and broken documents at test time, so that no binary file is committed."""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import docx
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

MB = 1024 * 1024
GB = 1024 * MB
PASSWORD = "工会2024"

# One paragraph of a work report, reused wherever a file needs real text.
REPORT = "全市建成职工书屋示范点十二个，惠及职工三万余人，职工之家建设取得新进展。"
# Markup a document may carry as text: every page must show it, never run it.
MARKUP_TEXT = '<script>alert("书屋")</script><img src=x onerror=alert(1)></mark><a href="javascript:alert(2)">点我</a>'

HOSTILE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>劳模工匠宣传周活动综述</title>
<script>document.write("脚本里的劳模")</script>
<style>body { background: url("javascript:alert(3)") }</style></head>
<body onload="alert(4)">
<nav><a href="/">首页</a></nav>
<div class="content">
<h1 onclick="alert(5)">劳模工匠宣传周活动综述</h1>
<p onmouseover="alert(6)">劳模工匠宣传周期间，全市举办报告会二十场。<img src="x" onerror="alert(7)"></p>
<p>模板里的文字：&lt;script&gt;alert("劳模")&lt;/script&gt; 和 &lt;/mark&gt;&lt;mark&gt;劳模&lt;/mark&gt; 都是正文。</p>
<p><a href="javascript:alert(8)">劳模事迹展</a>吸引职工一万余人次参观。</p>
<p>劳模&lt;img src=x onerror=alert(9)&gt;精神进企业活动覆盖职工五千人。</p>
<script>var s = "<p>不该出现的劳模</p>";</script>
<iframe src="javascript:alert(10)"></iframe>
</div></body></html>
"""
# What the HTML reader must keep of HOSTILE_HTML, paragraph by paragraph.
HOSTILE_HTML_TEXT = [
    "劳模工匠宣传周活动综述",
    "劳模工匠宣传周期间，全市举办报告会二十场。",
    '模板里的文字：<script>alert("劳模")</script> 和 </mark><mark>劳模</mark> 都是正文。',
    "劳模事迹展吸引职工一万余人次参观。",
    "劳模<img src=x onerror=alert(9)>精神进企业活动覆盖职工五千人。",
]
# A plain-text document whose body is raw markup (files and paragraphs keep it as text).
HOSTILE_TEXT = f"工匠学院建设情况\n\n工匠学院{MARKUP_TEXT}培训职工八百人。\n"

# Names that stress the walk, the index's source field and every page showing a file name.
ODD_NAMES = (
    "有 空格 的 文件.txt",
    "职工书屋建设总结.txt",
    "<img src=x onerror=alert(11)>.txt",
    "line\nbreak.txt",
)
# A name whose bytes are not UTF-8: Linux allows any byte but "/" and NUL.
UNDECODABLE_NAME = b"bad-\xff\xfe-\xb9\xa4\xbb\xe1.txt"

_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def docx_bytes(paragraphs: list[str], title: str | None = None) -> bytes:
    """Return a .docx holding ``title`` as Heading 1, then one paragraph per item."""
    document = docx.Document()
    if title:
        document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str], password: str | None = None) -> bytes:
    """Return a one-page PDF with a text layer; ``password`` makes opening it need one."""
    encrypt = StandardEncryption(password, ownerPassword=password + "!") if password else None
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt, invariant=1)
    page.setFont(_FONT, 12)
    for row, line in enumerate(lines):
        page.drawString(72, 750 - 20 * row, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def encrypted_docx_bytes(data: bytes, password: str = PASSWORD) -> bytes:
    """Return ``data`` (a .docx) encrypted as Word does it: an OLE file with an EncryptedPackage."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """Return a raw deflate stream of ``size`` zero bytes (a multiple of 16 MB) and its CRC-32."""
    # A full flush ends a segment on a byte boundary with no back-references, so one
    # compressed segment repeated is a valid stream: 2 GB of zeros costs ~2 MB and no CPU time.
    chunk = bytes(16 * MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return segment * (size // len(chunk)) + final, crc


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """Return a ZIP64 archive of (name, raw deflate data, CRC-32, declared unpacked size) entries.

    Built by hand because zipfile can neither store a precompressed stream nor write a
    size other than the true one, which is what a lying archive needs.
    """
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        raw = name.encode("utf-8")
        extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(raw), len(extra)) + raw + extra + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc,
                                   0xFFFFFFFF, 0xFFFFFFFF, len(raw), len(extra), 0, 0, 0, 0, offset)
                       + raw + extra)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def _entry(name: str, text: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, compressor.compress(text) + compressor.flush(), zlib.crc32(text), len(text)


# The two parts that lead a reader to word/document.xml, so that a bomb there is reached.
_PACKAGE = [
    _entry("[Content_Types].xml", (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')),
    _entry("_rels/.rels", (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument"/></Relationships>')),
]
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_bomb_docx(unpacked: int = 2 * GB) -> bytes:
    """Return a ~2 MB .docx whose word/document.xml really inflates to ``unpacked`` bytes."""
    stream, crc = _deflated_zeros(unpacked)
    return _zip([*_PACKAGE, ("word/document.xml", stream, crc, unpacked)])


def lying_zip_docx(declared: int = 1000, unpacked: int = 1 * GB, prefix_crc: bool = False) -> bytes:
    """Return a .docx whose document.xml claims ``declared`` bytes but inflates to ``unpacked``.

    ``prefix_crc`` makes the checksum that of the first ``declared`` bytes, so a reader that
    stops at the declared size finds nothing wrong.
    """
    stream, crc = _deflated_zeros(unpacked)
    if prefix_crc:
        crc = zlib.crc32(bytes(declared))
    return _zip([*_PACKAGE, ("word/document.xml", stream, crc, declared)])


def declared_bomb_docx(declared: int = 8 * GB) -> bytes:
    """Return a tiny .docx whose headers claim a ``declared``-byte document.xml (nothing behind it)."""
    return _zip([*_PACKAGE, _entry("word/document.xml", b"<w:document/>")[:3] + (declared,)])


def entity_bomb_docx(levels: int = 9) -> bytes:
    """Return a .docx whose document.xml is a "billion laughs" XML entity bomb."""
    entities = [f'<!ENTITY e0 "{REPORT}">'] + [
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, levels + 1)
    ]
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(entities)}]>'
           f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&e{levels};</w:t></w:r></w:p>'
           "</w:body></w:document>")
    return _zip([*_PACKAGE, _entry("word/document.xml", xml.encode("utf-8"))])


def big_text(size: int = 50 * MB, repeats: int = 80) -> bytes:
    """Return ``size`` bytes of UTF-8 report text: numbered paragraphs of ``repeats`` sentences."""
    lines, total, n = [], 0, 0
    while total < size:
        line = f"第{n}条：{REPORT * repeats}\n\n".encode()
        lines.append(line)
        total += len(line)
        n += 1
    return b"".join(lines)[:size].rsplit(b"\n", 1)[0] + b"\n"


def long_line(size: int = 5 * MB) -> bytes:
    """Return one line of ``size`` bytes of UTF-8 Chinese, no line break anywhere."""
    unit = REPORT.encode("utf-8")
    return (unit * (size // len(unit) + 1))[: size - size % 3]


def mixed_encoding_text() -> bytes:
    """Return a text file whose first half is UTF-8 and second half GBK, as pasted files are."""
    return ("工会工作总结\n\n" + REPORT + "\n\n").encode("utf-8") + ("下半年工作：" + REPORT + "\n").encode("gbk")


def damaged_utf8_text(repeats: int) -> bytes:
    """Return UTF-8 text with a stray continuation byte and a cut-off last character."""
    head = "工会工作总结\n\n全市建成".encode()
    rest = REPORT[4:] + REPORT * (repeats - 1)
    return head + b"\x80" + rest.encode("utf-8") + "工".encode()[:2]


def random_bytes(size: int, seed: int) -> bytes:
    """Return ``size`` reproducible random bytes."""
    return random.Random(seed).randbytes(size)


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path``, creating folders, and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def tiny_files(folder: Path, count: int) -> None:
    """Write ``count`` small, distinct text documents into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:05d}.txt").write_text(f"第{n}号简报\n\n第{n}号简报：{REPORT}\n", encoding="utf-8")


def nested_folders(root: Path, depth: int, name: str = "层") -> Path:
    """Make ``depth`` folders one inside the other under ``root`` and return the deepest."""
    # One mkdir per level: a single makedirs of the whole path can exceed PATH_MAX in one call.
    folder = root
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            folder = folder / name
    finally:
        os.close(fd)
    return folder


def write_hostile_set(root: Path, tiny: int = 3000, depth: int = 200) -> None:
    """Write the whole hostile set under ``root`` (everything but the 50 MB file and the 5 MB line)."""
    good_docx = docx_bytes([REPORT], title="截断的文档")
    good_pdf = pdf_bytes(["截断的PDF", REPORT])
    broken = {
        "empty.txt": b"",
        "empty.docx": b"",
        "empty.pdf": b"",
        "binary.txt": random_bytes(4096, 1),
        "binary.docx": random_bytes(4096, 2),
        "binary.pdf": random_bytes(4096, 3),
        "truncated.docx": good_docx[: len(good_docx) // 2],
        "truncated.pdf": good_pdf[: len(good_pdf) // 2],
        "locked.pdf": pdf_bytes(["加密的PDF", REPORT], password=PASSWORD),
        "locked.docx": encrypted_docx_bytes(docx_bytes([REPORT], title="加密的文档")),
        "zip-bomb.docx": zip_bomb_docx(),
        "declared-bomb.docx": declared_bomb_docx(),
        "lying-zip.docx": lying_zip_docx(),
        "entity-bomb.docx": entity_bomb_docx(),
        "garbled.txt": damaged_utf8_text(1),
    }
    for name, data in broken.items():
        write(root / "broken" / name, data)
    write(root / "encodings" / "mixed.txt", mixed_encoding_text())
    write(root / "encodings" / "damaged-utf8.txt", damaged_utf8_text(10))
    write(root / "encodings" / "gbk.txt", ("工会工作总结\n\n" + REPORT + "\n").encode("gbk"))
    write(root / "encodings" / "utf16.txt", ("\ufeff工会工作综述\n\n" + REPORT + "\n").encode("utf-16-le"))
    write(root / "markup" / "page.html", HOSTILE_HTML.encode("utf-8"))
    write(root / "markup" / "markup.txt", HOSTILE_TEXT.encode("utf-8"))
    for n, name in enumerate(ODD_NAMES):
        write(root / "names" / name, f"怪名字文档{n}\n\n{REPORT}编号{n}。\n".encode())
    write(Path(os.fsdecode(os.fsencode(root / "names") + b"/" + UNDECODABLE_NAME)),
          f"怪名字文档{len(ODD_NAMES)}\n\n{REPORT}编号{len(ODD_NAMES)}。\n".encode())
    links = root / "symlinks"
    links.mkdir()
    os.symlink("..", links / "loop")
    os.symlink("self.txt", links / "self.txt")
    os.symlink("nowhere.txt", links / "broken.txt")
    os.symlink("../markup/markup.txt", links / "again.txt")
    bottom = nested_folders(root, depth, "层")
    write(bottom / "deep.txt", f"深处的文档\n\n{REPORT}位于第{depth}层。\n".encode())
    tiny_files(root / "tiny", tiny)


def remove_nested(root: Path, name: str) -> None:
    """Delete a chain of nested ``name`` folders under ``root`` (files only beside them), however deep.

    shutil.rmtree (and so pytest's clean-up of old temporary folders) recurses once per level
    and fails past ~1,000 levels: walk down and back up through folder descriptors instead.
    """
    fd, depth = os.open(root, os.O_RDONLY), 0
    try:
        while True:
            try:
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            except FileNotFoundError:
                break
            os.close(fd)
            fd, depth = child, depth + 1
        for _ in range(depth):
            for entry in os.listdir(fd):  # the files of this level; its folder is gone
                os.unlink(entry, dir_fd=fd)
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)
