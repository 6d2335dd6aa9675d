"""Markdown: front matter, headings, inline markup removal, line-level body blocks."""

from __future__ import annotations

import pytest

from index.model import Block
from index.readers import read_document

BLANK = Block("", wrapped=True)


def _read(tmp_path, text: str, codec: str = "utf-8", name: str = "a.md"):
    path = tmp_path / name
    path.write_bytes(text.encode(codec))
    return read_document(path)


def _line(text: str) -> Block:
    return Block(text, wrapped=True)


class TestFrontMatter:
    def test_parsed_into_metadata_and_removed_from_text(self, tmp_path):
        doc = _read(
            tmp_path,
            "---\ntitle: 沧州市总工会2022年工作总结\nyear: 2022\ndate: 2023-01-05\ntags: [工会, 总结]\n---\n正文第一行\n",
        )
        assert doc.format == "markdown"
        assert doc.metadata == {
            "title": "沧州市总工会2022年工作总结",
            "year": 2022,
            "date": "2023-01-05",
            "tags": ["工会", "总结"],
        }
        assert doc.blocks == [_line("正文第一行")]

    def test_bad_yaml_is_ignored_and_text_kept(self, tmp_path):
        doc = _read(tmp_path, "---\ntitle: [没有闭合\n---\n正文保留\n")
        assert doc.metadata == {}
        assert doc.blocks == [_line("正文保留")]

    def test_non_mapping_front_matter_ignored(self, tmp_path):
        doc = _read(tmp_path, "---\n只是一句话\n---\n正文\n")
        assert (doc.metadata, doc.blocks) == ({}, [_line("正文")])

    def test_no_front_matter(self, tmp_path):
        doc = _read(tmp_path, "正文\n")
        assert (doc.metadata, doc.blocks) == ({}, [_line("正文")])

    def test_gbk_markdown(self, tmp_path):
        doc = _read(tmp_path, "---\ntitle: 工会总结\n---\n# 一、总体情况\n", codec="gbk", name="a.markdown")
        assert doc.metadata == {"title": "工会总结"}
        assert doc.blocks == [Block("一、总体情况", heading_level=1)]


class TestBody:
    def test_headings_and_body_lines(self, tmp_path):
        text = (
            "# 沧州市总工会工作总结\n"
            "　　2022年，全市各级**工会组织**在[市委](http://example.cn)领导下，\n"
            "团结动员广大职工![现场](a.png)建功新时代。\n"
            "\n"
            "## 一、坚持政治*引领*\n"
            "###### 六级标题\n"
        )
        assert _read(tmp_path, text).blocks == [
            Block("沧州市总工会工作总结", heading_level=1),
            BLANK,
            _line("　　2022年，全市各级工会组织在市委领导下，"),
            _line("团结动员广大职工建功新时代。"),
            BLANK,
            Block("一、坚持政治引领", heading_level=2),
            BLANK,
            Block("六级标题", heading_level=6),
        ]

    def test_quotes_and_lists(self, tmp_path):
        text = "> 引用第一行\n> 引用第二行\n\n1. 第一项\n2. 第二项\n   续行\n\n- 无序项\n* 另一项\n"
        assert _read(tmp_path, text).blocks == [
            _line("引用第一行"),
            _line("引用第二行"),
            BLANK,
            _line("1. 第一项"),
            BLANK,
            _line("2. 第二项"),
            _line("续行"),
            BLANK,
            _line("无序项"),
            BLANK,
            _line("另一项"),
        ]

    def test_table_rows(self, tmp_path):
        text = "| 指标 | 2022年 |\n|---|---|\n| 会员 | 620万 |\n|  |  |\n"
        assert _read(tmp_path, text).blocks == [Block("指标　2022年"), Block("会员　620万")]

    def test_escapes_entities_code_and_html(self, tmp_path):
        text = "职工\\*号 &amp; `代码`<span>内联</span><br>换行\n\n<div align=\"center\">居中文字</div>\n"
        assert _read(tmp_path, text).blocks == [
            _line("职工*号 & 代码内联"),
            _line("换行"),
            BLANK,
            _line("居中文字"),
        ]

    def test_chinese_numbering_stays_text(self, tmp_path):
        text = "（一）加强组织建设\n1．全角编号不是列表\n"
        assert _read(tmp_path, text).blocks == [_line("（一）加强组织建设"), _line("1．全角编号不是列表")]

    @pytest.mark.parametrize("underline", ["===", "---"])
    def test_single_line_setext_heading(self, tmp_path, underline):
        level = 1 if underline == "===" else 2
        assert _read(tmp_path, f"总体情况\n{underline}\n").blocks == [Block("总体情况", heading_level=level)]

    def test_multi_line_setext_is_paragraph(self, tmp_path):
        assert _read(tmp_path, "第一行\n第二行\n---\n").blocks == [_line("第一行"), _line("第二行")]
