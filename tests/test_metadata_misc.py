"""Document type cues, the public API's shape, and speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.metadata import ArticleContext, extract_metadata
from index.metadata import doctype
from index.metadata.doctype import classify_doc_type, load_cues
from index.model import DOC_TYPES, LEVELS
from tests.test_metadata_region import COMPILATION, compilation_metadata, sample_lines

KEYS = {"organization", "province", "city", "county", "unit", "level", "year", "years_covered",
        "doc_type"}


# --- document type --------------------------------------------------------------------

@pytest.mark.parametrize(("title", "byline", "body", "expected"), [
    ("江西省工会五年工作综述", None, [], "工作综述"),
    ("延安市工会工作五年回眸", None, [], "工作综述"),
    ("泉州市工会十六大以来工作掠影", None, [], "工作综述"),
    ("四川省工会5年深度观察", None, [], "工作综述"),
    ("24：来宾市工会亮点工作扫描", None, [], "工作综述"),
    ("2019年江苏省苏州市吴江区总工会工作总结", None, [], "工作总结"),
    ("十堰市工会未来五年工作展望", None, [], "工作展望"),
    ("石家庄市总工会2022年工作要点", None, [], "工作展望"),
    ("关于黔东南州工会困难职工帮扶工作的经验材料", None, [], "经验材料"),
    ("讷河市财政局创新工会工作记事", None, [], "经验材料"),
    ("中铁二十五局扎实做好工会工作侧记", None, [], "经验材料"),
    ("新疆北方建设集团工会助力企业经济高质量发展纪实", None, [], "经验材料"),
    ("在市工会第十次代表大会上的工作报告", None, [], "工作报告"),
    # A reporter's byline makes a news report, unless the title says what it is.
    ("职工书屋开进工地", "本报记者 张三 通讯员 李四", [], "新闻报道"),
    ("新时代 再出发 ——我市工会工作综述", "本报记者 翟华伟 通讯员 王博 邢俊英", [], "工作综述"),
    ("某企业工会工作纪实", "本报记者 张三", [], "经验材料"),
    # Body cues when title and byline say nothing.
    ("职工书屋开进工地", None, ["本报讯 10月9日，……"], "新闻报道"),
    ("凝心聚力", None, ["一、重点工作完成情况", "二、存在的问题"], "工作总结"),
    ("凝心聚力", None, ["近5年来，湖北工会忠诚党的工运事业"], "工作综述"),
    ("凝心聚力", None, ["一、主要做法"], "经验材料"),
    ("以党建引领工会创新，激发企业职工群众的创造活力", None, ["在新时代，工会作为党联系职工群众的桥梁纽带"],
     "其他"),
])
def test_doc_type_cues(title: str, byline: str | None, body: list[str], expected: str) -> None:
    assert classify_doc_type(title, byline, body) == expected


def test_compilation_title_decides_only_when_it_names_one_type() -> None:
    assert classify_doc_type("凝心聚力", collection_title="2022年工会经验材料汇编") == "经验材料"
    mixed = "2023年工会工作总结、工作汇报、经验材料汇编（总工会）（34篇）"
    assert classify_doc_type("凝心聚力", collection_title=mixed) == "其他"


def test_every_cue_names_a_known_type() -> None:
    table = load_cues()
    assert set(table) == {"title", "byline", "body"}
    assert all(t in DOC_TYPES for rules in table.values() for t, _ in rules)


def test_cue_table_is_user_editable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = tmp_path / "doctypes.toml"
    edited.write_text('[[title]]\ntype = "工作报告"\ncues = ["述职"]\n', encoding="utf-8")
    monkeypatch.setattr(doctype, "CUE_FILE", edited)
    load_cues.cache_clear()
    try:
        assert classify_doc_type("2023年述职") == "工作报告"
        assert classify_doc_type("工作综述") == "其他"
    finally:
        load_cues.cache_clear()


def test_cue_table_rejects_unknown_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = tmp_path / "doctypes.toml"
    edited.write_text('[[title]]\ntype = "讲话稿"\ncues = ["讲话"]\n', encoding="utf-8")
    monkeypatch.setattr(doctype, "CUE_FILE", edited)
    load_cues.cache_clear()
    try:
        with pytest.raises(ValueError, match="讲话稿"):
            load_cues()
    finally:
        load_cues.cache_clear()


DOC_TYPES_OF_COMPILATION = {
    "中国工会第十七次全国代表大会以来工作综述": "工作综述",
    "贵州省工会做优“工”字品牌助力高质量发展": "其他",
    "湖北省工会凝心聚力促发展服务职工创和谐": "工作综述",
    "长春市工会将以更大力度更实举措推进新时代工会工作": "工作展望",
    "十堰市工会未来五年工作展望": "工作展望",
    "绥化市总工会解放思想改革创新不断推动工会工作提档升级": "工作总结",
    "平凉市总工会深学细悟砥砺奋进奋力开创新征程工会工作新局面": "工作总结",
    "讷河市财政局创新工会工作记事": "经验材料",
    "北大荒集团工会工作综述": "工作综述",
    "以党建引领工会创新，激发企业职工群众的创造活力": "其他",
}


@pytest.mark.parametrize(("title", "expected"), DOC_TYPES_OF_COMPILATION.items())
def test_compilation_doc_types(title: str, expected: str) -> None:
    assert compilation_metadata(title)["doc_type"] == expected


def test_sample_doc_types() -> None:
    lines = [line.lstrip("#").strip() for line in sample_lines("004")]
    assert extract_metadata(lines[0], lines[1:3] + lines[4:], lines[3])["doc_type"] == "工作综述"
    assert extract_metadata("", sample_lines("000"))["doc_type"] == "其他"


# --- the public API -------------------------------------------------------------------

def test_context_defaults_to_nothing() -> None:
    assert ArticleContext() == ArticleContext(None, None, None, None)


def test_empty_article() -> None:
    md = extract_metadata("", [])
    assert set(md) == KEYS
    assert md == {k: None for k in KEYS} | {"doc_type": "其他"}


@pytest.mark.parametrize("title", [row[0] for row in COMPILATION], ids=[row[0][:12] for row in COMPILATION])
def test_values_come_from_the_model_vocabularies(title: str) -> None:
    md = compilation_metadata(title)
    assert set(md) == KEYS
    assert md["level"] in LEVELS
    assert md["doc_type"] in DOC_TYPES


def test_section_label_decides_level_only_when_no_body_is_named() -> None:
    ctx = ArticleContext(section_label="三、企业工会")
    assert extract_metadata("以党建引领工会创新", [], None, ctx)["level"] == "enterprise"
    assert extract_metadata("沧州市总工会工作综述", [], None, ctx)["level"] == "city"
    unit = ArticleContext(section_label="二、单位工会")
    assert extract_metadata("凝心聚力促发展", [], None, unit)["level"] == "unit"


def test_byline_names_the_body_when_the_title_does_not() -> None:
    md = extract_metadata("凝心聚力促发展", ["全市各级工会"], "沧州市总工会")
    assert (md["organization"], md["level"], md["city"]) == ("沧州市总工会", "city", "沧州市")


