"""Hand-set metadata: sidecar TOML files, metadata.csv, front matter; typing and errors."""

from __future__ import annotations

import pytest

from index.model import IngestError
from index.overrides import load_overrides, overrides_from_front_matter


def _doc(tmp_path, name: str = "a.docx"):
    path = tmp_path / name
    path.write_bytes(b"doc")
    return path


class TestSidecars:
    def test_full_name_sidecar(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "a.docx.meta.toml").write_text(
            'title = "沧州市总工会2022年工作总结"\nyear = 2022\nyears_covered = "2018-2022"\n'
            'level = "city"\ndoc_type = "工作总结"\nauthor_note = "ignored"\n[extra]\nx = 1\n',
            encoding="utf-8",
        )
        assert load_overrides(doc) == {
            "title": "沧州市总工会2022年工作总结",
            "year": 2022,
            "years_covered": [2018, 2022],
            "level": "city",
            "doc_type": "工作总结",
        }

    def test_stem_sidecar_and_precedence(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "a.meta.toml").write_text('city = "沧州市"\nyear = "2021年"\n', encoding="utf-8")
        (tmp_path / "a.docx.meta.toml").write_text("year = 2022\n", encoding="utf-8")
        assert load_overrides(doc) == {"city": "沧州市", "year": 2022}

    def test_no_overrides(self, tmp_path):
        assert load_overrides(_doc(tmp_path)) == {}

    def test_malformed_toml_names_file(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "a.meta.toml").write_text('title = "没有闭合\n', encoding="utf-8")
        with pytest.raises(IngestError, match=r"^a\.meta\.toml：TOML 格式错误（"):
            load_overrides(doc)

    def test_toml_not_utf8(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "a.meta.toml").write_bytes('title = "工会"\n'.encode("gbk"))
        with pytest.raises(IngestError, match=r"^a\.meta\.toml：不是 UTF-8 文本"):
            load_overrides(doc)

    @pytest.mark.parametrize(
        "line, problem",
        [
            ('year = "去年"', "字段 year：'去年' 不是年份"),
            ("year = 20222", "字段 year：20222 不是合理的年份"),
            ('years_covered = "2022-2018"', "字段 years_covered：'2022-2018' 起止年份颠倒"),
            ('level = "村级"', "字段 level：'村级' 不是可用的级别（national, province"),
            ('doc_type = "新闻稿"', "字段 doc_type：'新闻稿' 不是可用的文稿类型（工作综述"),
            ("title = [1, 2]", r"字段 title：\[1, 2\] 不是文字"),
        ],
    )
    def test_bad_values_name_file_and_field(self, tmp_path, line, problem):
        doc = _doc(tmp_path)
        (tmp_path / "a.docx.meta.toml").write_text(line + "\n", encoding="utf-8")
        with pytest.raises(IngestError, match=rf"^a\.docx\.meta\.toml：{problem}"):
            load_overrides(doc)


class TestValueConversion:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ('"2018-2022"', [2018, 2022]),
            ('"2018年—2022年"', [2018, 2022]),
            ('"2018至2022"', [2018, 2022]),
            ('"2023"', [2023, 2023]),
            ("[2016, 2020]", [2016, 2020]),
            ("2021", [2021, 2021]),
        ],
    )
    def test_years_covered(self, tmp_path, value, expected):
        doc = _doc(tmp_path)
        (tmp_path / "a.meta.toml").write_text(f"years_covered = {value}\n", encoding="utf-8")
        assert load_overrides(doc) == {"years_covered": expected}

    @pytest.mark.parametrize("value, expected", [("省级", "province"), ("区县", "district"), ("Enterprise", "enterprise")])
    def test_level_aliases(self, tmp_path, value, expected):
        doc = _doc(tmp_path)
        (tmp_path / "a.meta.toml").write_text(f'level = "{value}"\n', encoding="utf-8")
        assert load_overrides(doc) == {"level": expected}


class TestMetadataCsv:
    def test_rows_matched_by_file_name(self, tmp_path):
        doc = _doc(tmp_path, "甘肃省工会综述.docx")
        _doc(tmp_path, "b.pdf")
        table = (
            "file,title,province,year,years_covered,unknown_column\r\n"
            "甘肃省工会综述.docx,甘肃省工会第十二次代表大会以来工作综述,甘肃省,2023,2018-2022,x\r\n"
            "b.pdf,其他,,,,\r\n"
        )
        (tmp_path / "metadata.csv").write_bytes(table.encode("gbk"))
        assert load_overrides(doc) == {
            "title": "甘肃省工会第十二次代表大会以来工作综述",
            "province": "甘肃省",
            "year": 2023,
            "years_covered": [2018, 2022],
        }
        assert load_overrides(tmp_path / "b.pdf") == {"title": "其他"}

    def test_filename_column_bom_and_case(self, tmp_path):
        doc = _doc(tmp_path, "Report.DOCX")
        (tmp_path / "metadata.csv").write_bytes("\ufeffFilename,City\nsub/report.docx,沧州市\n".encode("utf-8"))
        assert load_overrides(doc) == {"city": "沧州市"}

    def test_sidecar_beats_csv(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "metadata.csv").write_text("file,city,year\na.docx,沧州市,2021\n", encoding="utf-8")
        (tmp_path / "a.meta.toml").write_text("year = 2022\n", encoding="utf-8")
        assert load_overrides(doc) == {"city": "沧州市", "year": 2022}

    def test_csv_updates_are_seen(self, tmp_path):
        doc = _doc(tmp_path)
        table = tmp_path / "metadata.csv"
        table.write_text("file,year\na.docx,2021\n", encoding="utf-8")
        assert load_overrides(doc) == {"year": 2021}
        table.write_text("file,year\na.docx,2022\nother.txt,2020\n", encoding="utf-8")
        assert load_overrides(doc) == {"year": 2022}

    def test_missing_file_column(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "metadata.csv").write_text("name,title\na.docx,x\n", encoding="utf-8")
        with pytest.raises(IngestError, match=r"^metadata\.csv：第一行没有 file 或 filename 列"):
            load_overrides(doc)

    def test_unclosed_quote(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "metadata.csv").write_text('file,title\na.docx,"没有闭合\n', encoding="utf-8")
        with pytest.raises(IngestError, match=r"^metadata\.csv：CSV 格式错误（"):
            load_overrides(doc)

    def test_extra_cells(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "metadata.csv").write_text("file,title\na.docx,x,y\n", encoding="utf-8")
        with pytest.raises(IngestError, match=r"^metadata\.csv：第 2 行的单元格比表头多"):
            load_overrides(doc)

    def test_listed_twice(self, tmp_path):
        doc = _doc(tmp_path)
        _doc(tmp_path, "b.txt")
        (tmp_path / "metadata.csv").write_text("file,year\na.docx,2021\na.docx,2022\nb.txt,2020\n", encoding="utf-8")
        with pytest.raises(IngestError, match=r"^metadata\.csv：a\.docx 出现在 2 行"):
            load_overrides(doc)
        assert load_overrides(tmp_path / "b.txt") == {"year": 2020}

    def test_bad_value_names_row(self, tmp_path):
        doc = _doc(tmp_path)
        (tmp_path / "metadata.csv").write_text("file,year\na.docx,明年\n", encoding="utf-8")
        with pytest.raises(IngestError, match=r"^metadata\.csv \(a\.docx\)：字段 year：'明年' 不是年份"):
            load_overrides(doc)


class TestFrontMatter:
    def test_keeps_article_fields_only(self):
        meta = {"title": "工作总结", "year": 2022, "tags": ["a"], "date": "2023-01-05", "Byline": "本报记者 张三"}
        assert overrides_from_front_matter(meta) == {"title": "工作总结", "year": 2022, "byline": "本报记者 张三"}

    def test_bad_values_are_ignored(self):
        assert overrides_from_front_matter({"year": "去年", "level": "村级", "city": "沧州市", "title": ""}) == {
            "city": "沧州市"
        }
