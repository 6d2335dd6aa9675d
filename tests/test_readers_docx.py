"""Word .docx: headings by style, paragraphs, tables in order, properties, refused packages."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

import index.readers.docx as docx_reader
from index.model import Block, IngestError
from index.readers import read_document


def _build() -> bytes:
    document = docx.Document()
    props = document.core_properties
    props.title = "沧州市总工会2022年工作总结"
    props.author = "市总工会办公室"
    props.created = dt.datetime(2023, 1, 4, 9, 30, tzinfo=dt.timezone.utc)
    document.add_heading("沧州市总工会2022年工作总结", 0)
    document.add_paragraph("　　2022年，全市各级工会组织团结动员广大职工建功新时代。")
    document.add_heading("一、坚持政治引领", 1)
    para = document.add_paragraph("全年建成职工书屋1800多家。")
    para.add_run().add_break()
    para.add_run("新建户外劳动者服务站点120个。")
    document.add_paragraph("")
    table = document.add_table(rows=4, cols=3)
    for col, text in enumerate(["指标", "2021年", "2022年"]):
        table.cell(0, col).text = text
    table.cell(1, 0).merge(table.cell(1, 1)).text = "会员人数（合并）"
    table.cell(1, 2).text = "620万"
    table.cell(2, 0).text = "基层工会"
    table.cell(2, 1).text = "3万个"
    table.cell(2, 2).text = "3.5万个"
    chinese = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("（一）中文样式名的标题", style=chinese)
    outlined = document.styles.add_style("公文小标题", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "2")
    outlined.element.get_or_add_pPr().append(level)
    document.add_paragraph("1.大纲级别三级", style=outlined)
    document.add_heading("二、服务大局", 2)
    layout = document.add_table(rows=1, cols=1)
    cell = layout.cell(0, 0)
    cell.paragraphs[0].text = "版式表格中的第一段。"
    cell.add_paragraph("版式表格中的第二段。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _read(tmp_path, data: bytes):
    path = tmp_path / "a.docx"
    path.write_bytes(data)
    return read_document(path)


class TestContent:
    def test_blocks_in_document_order(self, tmp_path):
        doc = _read(tmp_path, _build())
        assert doc.format == "docx"
        assert doc.blocks == [
            Block("沧州市总工会2022年工作总结", heading_level=1),
            Block("2022年，全市各级工会组织团结动员广大职工建功新时代。"),  # indentation dropped
            Block("一、坚持政治引领", heading_level=1),
            Block("全年建成职工书屋1800多家。"),
            Block("新建户外劳动者服务站点120个。"),
            Block("指标　2021年　2022年"),
            Block("会员人数（合并）　620万"),
            Block("基层工会　3万个　3.5万个"),
            Block("（一）中文样式名的标题", heading_level=2),
            Block("1.大纲级别三级", heading_level=3),
            Block("二、服务大局", heading_level=2),
            Block("版式表格中的第一段。"),
            Block("版式表格中的第二段。"),
        ]

    def test_vertical_merge_and_nested_table(self, tmp_path):
        document = docx.Document()
        table = document.add_table(rows=3, cols=3)
        for col, text in enumerate(["年度", "指标", "数值"]):
            table.cell(0, col).text = text
        table.cell(1, 0).merge(table.cell(2, 0)).text = "2022年"
        table.cell(1, 1).text, table.cell(1, 2).text = "会员", "620万"
        table.cell(2, 1).text, table.cell(2, 2).text = "工会", "3万个"
        layout = document.add_table(rows=1, cols=2)
        layout.cell(0, 0).paragraphs[0].text = "左栏第一段"
        layout.cell(0, 0).add_paragraph("左栏第二段")
        inner = layout.cell(0, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "内表A", "内表B"
        buffer = io.BytesIO()
        document.save(buffer)
        assert _read(tmp_path, buffer.getvalue()).blocks == [
            Block("年度　指标　数值"),
            Block("2022年　会员　620万"),
            Block("工会　3万个"),  # the merged cell's text is not repeated
            Block("左栏第一段"),
            Block("左栏第二段"),
            Block("内表A　内表B"),
        ]

    def test_core_properties(self, tmp_path):
        assert _read(tmp_path, _build()).metadata == {
            "docx_title": "沧州市总工会2022年工作总结",
            "docx_author": "市总工会办公室",
            "docx_created": "2023-01-04T09:30:00+00:00",
        }


class TestRefused:
    def test_password_protected(self, tmp_path):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le")
        with pytest.raises(IngestError, match="^Word 文档有密码保护$"):
            _read(tmp_path, ole)

    def test_old_doc_renamed(self, tmp_path):
        with pytest.raises(IngestError, match=r"旧版 Word \.doc 文件"):
            _read(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)

    def test_truncated(self, tmp_path):
        data = _build()
        with pytest.raises(IngestError, match=r"^Word 文件已损坏"):
            _read(tmp_path, data[: len(data) // 2])

    def test_not_a_zip(self, tmp_path):
        with pytest.raises(IngestError, match=r"^Word 文件已损坏"):
            _read(tmp_path, "这不是一个Word文件".encode("utf-8"))

    def test_zip_without_document(self, tmp_path):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("hello.txt", "hi")
        with pytest.raises(IngestError, match="包内没有 word/document.xml"):
            _read(tmp_path, buffer.getvalue())

    def test_damaged_part(self, tmp_path):
        buffer = io.BytesIO()
        with zipfile.ZipFile(_build_io()) as source, zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                data = b"<w:document" if info.filename == "word/document.xml" else source.read(info)
                target.writestr(info, data)
        with pytest.raises(IngestError, match=r"^Word 文件已损坏（"):
            _read(tmp_path, buffer.getvalue())

    def test_unpacked_size_cap(self, tmp_path, monkeypatch):
        monkeypatch.setattr(docx_reader, "MAX_UNZIPPED_BYTES", 10 * 1024 * 1024)
        with pytest.raises(IngestError, match=r"解压后有 11 MB，超过 10 MB 上限（可能是 zip 炸弹）"):
            _read(tmp_path, _bomb(11 * 1024 * 1024))

    def test_compression_ratio_cap(self, tmp_path, monkeypatch):
        monkeypatch.setattr(docx_reader, "_RATIO_FLOOR", 1024 * 1024)
        with pytest.raises(IngestError, match=r"压缩比超过 100:1"):
            _read(tmp_path, _bomb(2 * 1024 * 1024))


def _build_io() -> io.BytesIO:
    return io.BytesIO(_build())


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\x00" * size)
    return buffer.getvalue()


def test_same_text_by_different_authors_is_two_documents(tmp_path):
    """docx_author is shown nowhere, but counts in the text hash: neither file is skipped as a duplicate."""
    from pathlib import Path

    from index.ingest import ingest

    def save(name: str, author: str) -> None:
        document = docx.Document()
        document.core_properties.author = author
        document.core_properties.created = dt.datetime(2023, 1, 4, tzinfo=dt.timezone.utc)
        document.add_paragraph("全年建成职工书屋1800多家，新建户外劳动者服务站点120个。")
        document.save(tmp_path / name)

    save("甲.docx", "市总工会办公室")
    save("乙.docx", "县总工会办公室")
    result = ingest([tmp_path])
    assert sorted(Path(a.source).name for a in result.articles) == ["乙.docx", "甲.docx"]
    assert result.skipped == []
