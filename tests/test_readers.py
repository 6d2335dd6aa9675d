"""Plain-text reading, encoding detection and the read_document dispatcher."""

from __future__ import annotations

import codecs
import hashlib

import pytest

import index.readers as readers
from index.model import Block, IngestError
from index.readers import SUPPORTED_SUFFIXES, read_document
from index.readers.encoding import decode_bytes

SIMPLIFIED = ["沧州市总工会2022年工作总结", "", "　　全市建成职工书屋1800多家，覆盖职工12万人次。", "堃喆犇镕：GBK 才有的字"]
TRADITIONAL = ["臺灣省總工會工作總結", "", "　　職工權益保障與勞動競賽成效顯著。"]


def _lines(doc) -> list[str]:
    return [b.text for b in doc.blocks]


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


class TestTextEncodings:
    @pytest.mark.parametrize("codec", ["gb18030", "gbk"])
    def test_gb_family(self, tmp_path, codec):
        path = _write(tmp_path, "a.txt", "\n".join(SIMPLIFIED).encode(codec))
        assert _lines(read_document(path)) == SIMPLIFIED

    def test_gb18030_only_characters(self, tmp_path):
        text = "䶮与𠀀：GB18030 四字节字符\n第二行"
        path = _write(tmp_path, "a.txt", text.encode("gb18030"))
        assert _lines(read_document(path)) == ["䶮与𠀀：GB18030 四字节字符", "第二行"]

    def test_big5_is_not_read_as_gb18030(self, tmp_path):
        data = "\n".join(TRADITIONAL).encode("big5")
        data.decode("gb18030")  # the trap: strict GB18030 accepts these bytes
        path = _write(tmp_path, "a.txt", data)
        assert _lines(read_document(path)) == TRADITIONAL

    def test_short_gbk_and_big5(self):
        assert decode_bytes("工会".encode("gbk")) == "工会"
        assert decode_bytes("職工".encode("big5")) == "職工"

    @pytest.mark.parametrize(
        "bom, codec",
        [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    )
    def test_byte_order_marks(self, tmp_path, bom, codec):
        path = _write(tmp_path, "a.txt", bom + "\n".join(SIMPLIFIED).encode(codec))
        assert _lines(read_document(path)) == SIMPLIFIED

    def test_utf8_without_bom(self, tmp_path):
        path = _write(tmp_path, "a.text", "\n".join(SIMPLIFIED).encode("utf-8"))
        assert _lines(read_document(path)) == SIMPLIFIED

    def test_western_windows_text(self):
        assert decode_bytes("Café résumé".encode("cp1252")) == "Café résumé"

    def test_damaged_gbk_is_refused_not_garbled(self, tmp_path):
        path = _write(tmp_path, "a.txt", "工会工作总结，深入开展劳动竞赛。".encode("gbk") + b"\xff\xff")
        with pytest.raises(IngestError, match="无法识别文本编码"):
            read_document(path)

    def test_invalid_bytes_after_bom(self, tmp_path):
        path = _write(tmp_path, "a.txt", codecs.BOM_UTF8 + b"\xff\xfe\xfa")
        with pytest.raises(IngestError, match="字节顺序标记（BOM），却含有无效字节"):
            read_document(path)

    def test_binary_file(self, tmp_path):
        path = _write(tmp_path, "a.txt", b"PK\x03\x04\x00\x00binary\x00stuff")
        with pytest.raises(IngestError, match="^二进制文件$"):
            read_document(path)


class TestTextLines:
    @pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
    def test_line_endings(self, tmp_path, newline):
        path = _write(tmp_path, "a.txt", newline.join(["第一行", "", "第三行", ""]).encode("utf-8"))
        doc = read_document(path)
        assert doc.blocks == [Block("第一行", wrapped=True), Block("", wrapped=True), Block("第三行", wrapped=True)]

    def test_mixed_line_endings_and_form_feed(self, tmp_path):
        path = _write(tmp_path, "a.txt", "一\r\n二\r三\n四\f五".encode("gb18030"))
        assert _lines(read_document(path)) == ["一", "二", "三", "四", "五"]

    def test_indentation_and_trailing_spaces_kept(self, tmp_path):
        path = _write(tmp_path, "a.txt", "　　段首缩进  \n  半角缩进".encode("utf-8"))
        assert _lines(read_document(path)) == ["　　段首缩进  ", "  半角缩进"]


class TestDispatch:
    def test_document_fields(self, tmp_path):
        data = "工会\n".encode("gbk")
        path = _write(tmp_path, "A.TXT", data)
        doc = read_document(path)
        assert (doc.source, doc.format, doc.metadata) == (str(path), "text", {})
        assert doc.content_hash == hashlib.sha256(data).hexdigest()

    def test_supported_suffixes(self):
        assert SUPPORTED_SUFFIXES == (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")

    def test_unsupported_suffix(self, tmp_path):
        path = _write(tmp_path, "a.xls", b"x")
        with pytest.raises(IngestError, match=r"不支持的文件类型 \.xls"):
            read_document(path)

    def test_missing_file(self, tmp_path):
        with pytest.raises(IngestError, match="找不到文件"):
            read_document(tmp_path / "none.txt")

    def test_empty_file(self, tmp_path):
        with pytest.raises(IngestError, match="空文件"):
            read_document(_write(tmp_path, "a.txt", b""))

    def test_whitespace_only(self, tmp_path):
        with pytest.raises(IngestError, match="文档中没有找到文字"):
            read_document(_write(tmp_path, "a.txt", "  \n\u3000\n".encode("utf-8")))

    def test_size_cap(self, tmp_path, monkeypatch):
        monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1024 * 1024)
        path = _write(tmp_path, "big.txt", b"a" * (3 * 1024 * 1024 // 2))
        with pytest.raises(IngestError, match=r"文件太大（1\.5 MB，上限 1 MB）"):
            read_document(path)
