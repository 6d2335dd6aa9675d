"""PDF: text layer line by line with page breaks; encrypted, broken and scanned files refused."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from index.model import Block, IngestError
from index.readers import read_document

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

PAGES = [
    ["沧州市总工会2022年工作总结", "　　全市建成职工书屋1800多家，覆盖", "职工12万人次。"],
    ["第二页：劳动竞赛覆盖120个重点项目。"],
]


def _pdf(pages: list[list[str]], encrypt=None, title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    page_canvas = canvas.Canvas(buffer, encrypt=encrypt, invariant=1)
    if title:
        page_canvas.setTitle(title)
    for lines in pages:
        page_canvas.setFont("STSong-Light", 12)
        for row, line in enumerate(lines):
            page_canvas.drawString(72, 750 - 20 * row, line)
        page_canvas.showPage()
    page_canvas.save()
    return buffer.getvalue()


def _read(tmp_path, data: bytes):
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    return read_document(path)


class TestTextLayer:
    def test_lines_and_page_break(self, tmp_path):
        doc = _read(tmp_path, _pdf(PAGES))
        assert doc.format == "pdf"
        assert doc.blocks == [
            Block("沧州市总工会2022年工作总结", wrapped=True),
            Block("　　全市建成职工书屋1800多家，覆盖", wrapped=True),
            Block("职工12万人次。", wrapped=True),
            Block("", wrapped=True),
            Block("第二页：劳动竞赛覆盖120个重点项目。", wrapped=True),
        ]

    def test_title_in_metadata(self, tmp_path):
        assert _read(tmp_path, _pdf(PAGES[:1], title="工作总结")).metadata["pdf_title"] == "工作总结"

    def test_owner_password_only_still_reads(self, tmp_path):
        enc = StandardEncryption("", ownerPassword="owner", canPrint=0)
        assert _read(tmp_path, _pdf(PAGES[1:], encrypt=enc)).blocks == [
            Block("第二页：劳动竞赛覆盖120个重点项目。", wrapped=True)
        ]


class TestRefused:
    def test_password_protected(self, tmp_path):
        enc = StandardEncryption("user", ownerPassword="owner")
        with pytest.raises(IngestError, match="^PDF 有密码保护$"):
            _read(tmp_path, _pdf(PAGES, encrypt=enc))

    def test_truncated(self, tmp_path):
        data = _pdf(PAGES)
        with pytest.raises(IngestError, match="^PDF 文件已损坏"):
            _read(tmp_path, data[: len(data) // 2])

    def test_not_a_pdf(self, tmp_path):
        with pytest.raises(IngestError, match="^PDF 文件已损坏"):
            _read(tmp_path, b"%PDF-1.4 nothing else here")

    def test_no_text_layer(self, tmp_path):
        buffer = io.BytesIO()
        page_canvas = canvas.Canvas(buffer)
        page_canvas.rect(72, 72, 300, 500, fill=1)  # what a scan looks like to a text extractor
        page_canvas.showPage()
        page_canvas.save()
        with pytest.raises(IngestError, match=r"^PDF 没有文字层（可能是扫描图片）$"):
            _read(tmp_path, buffer.getvalue())
