"""Structure: compilations split into articles; titles, kinds, sections, bylines, captions and ids."""

from pathlib import Path

import pytest

from index.articles import split_document
from index.ingest import build_articles, ingest
from index.model import Block, RawDocument

SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"
COMPILATION = SAMPLE / "002_5b471ee912e3ac09.txt"
CONGRESS = SAMPLE / "000_5f3d671481d5a661.txt"
NEWSPAPER = SAMPLE / "004_02a006feb856f6ff.txt"


def plain(text: str, source: str = "t.txt") -> RawDocument:
    return RawDocument(source, "text", [Block(line, wrapped=True) for line in text.split("\n")], content_hash="h" * 64)


@pytest.fixture(scope="module")
def sample():
    return ingest([SAMPLE])


def by_source(result, path: Path):
    return [a for a in result.articles if Path(a.source).name == path.name]


def test_compilation_is_split_into_its_34_articles(sample):
    articles = by_source(sample, COMPILATION)
    assert len(articles) == 34
    titles = [a.title for a in articles]
    assert titles[0] == "中国工会第十七次全国代表大会以来工作综述"
    assert titles[23] == "来宾市工会亮点工作扫描"  # listed as "24：来宾市…" in the contents
    assert titles[17] == "淮北市总工会着力打造新时代“五型工会”"
    assert titles[-1] == "以党建引领工会创新，激发企业职工群众的创造活力"
    assert len(set(titles)) == 34


def test_article_boundaries_are_exact(sample):
    articles = by_source(sample, COMPILATION)
    gansu, sichuan = articles[1], articles[2]
    assert gansu.paragraphs[1].text == "劳动创造幸福，奋斗铸就伟大。"
    assert gansu.paragraphs[-1].text.startswith("新使命引领新征程，新作为铸就新辉煌。")
    assert sichuan.paragraphs[0].text == "四川省工会5年深度观察"
    assert sichuan.paragraphs[1].text.startswith("“你的思考非常深入，我们都要向你学习！”")


def test_no_contents_lines_or_ads_in_any_paragraph(sample):
    for article in sample.articles:
        for paragraph in article.paragraphs:
            assert "目　录" not in paragraph.text and "目录" != paragraph.text
            assert "哒哒素材库" not in paragraph.text
            assert "AAA11241618" not in paragraph.text
            assert not paragraph.text.rstrip().endswith(("　　1", "…101")), paragraph.text


def test_first_paragraph_is_the_title_and_sections_follow_headings(sample):
    national = by_source(sample, COMPILATION)[0]
    kinds = [(p.kind, p.section) for p in national.paragraphs[:5]]
    assert kinds == [
        ("title", ""), ("body", ""), ("body", ""),
        ("heading", ""), ("body", "一、团结引导职工群众听党话、跟党走"),
    ]
    assert national.paragraphs[3].text == "一、团结引导职工群众听党话、跟党走"


def test_title_block_extracted_after_body_columns_is_put_first(sample):
    (article,) = by_source(sample, CONGRESS)
    assert article.title == "凝聚“主力军”力量 助推高质量发展"
    assert [(p.kind, p.text) for p in article.paragraphs[:2]] == [
        ("title", "凝聚“主力军”力量 助推高质量发展"),
        ("heading", "——热烈祝贺沧州市工会第十次代表大会召开"),
    ]
    assert article.paragraphs[2].text.startswith("牢牢把握工会工作的根本原则，思想引领坚定有力。")
    assert article.paragraphs[-1].kind == "caption"
    assert article.paragraphs[-1].text == "正在建设中的新工人文化宫"
    assert len(article.paragraphs) == 16


def test_byline_captions_and_markdown_headings(sample):
    (article,) = by_source(sample, NEWSPAPER)
    assert article.byline == "本报记者 翟华伟 通讯员 王博 邢俊英"
    assert all("本报记者" not in p.text for p in article.paragraphs)
    captions = [p.text for p in article.paragraphs if p.kind == "caption"]
    assert captions == [
        "全国总工会兼职副主席巨晓林(右一)到商丘市调研农民工“双向”服务工作。",
        "2018年全国工会就业创业服务月河南省启动仪式在商丘举行。",
        "农民工“双向”服务对市重点项目建设工地开展送清凉活动。",
        "慰问市立医院抗疫一线女职工。",
        "2017年，召开商丘市劳动模范和先进工作者表彰大会。",
        "开展职工劳动保护监督检查员培训。",
        "全国劳模事迹宣讲会。",
        "全市第五届职工职业技能竞赛钳工比武。",
    ]
    headings = [p.text for p in article.paragraphs if p.kind == "heading"]
    assert "着力加强思想政治引领 团结动员广大职工跟党走" in headings
    body = next(p for p in article.paragraphs if p.text.startswith("今年以来，市工会紧紧围绕"))
    assert body.section == "着力加强思想政治引领 团结动员广大职工跟党走"


def test_ids_are_deterministic_and_unique(sample):
    again = ingest([SAMPLE])
    assert [a.id for a in again.articles] == [a.id for a in sample.articles]
    ids = [p.id for a in sample.articles for p in a.paragraphs]
    assert len(ids) == len(set(ids))
    first = sample.articles[0]
    assert first.paragraphs[3].id == f"{first.id}-0003"


def test_nested_numbered_headings_build_section_paths():
    doc = plain(
        "关于职工服务工作的经验材料\n\n"
        "一、主要做法\n\n"
        "（一）建强阵地\n\n"
        "　　全市建成职工服务中心十二个，覆盖所有县区。\n\n"
        "（二）创新机制\n\n"
        "　　建立困难职工帮扶长效机制，实现动态管理。\n\n"
        "二、下一步打算\n\n"
        "　　继续深化改革，提升服务水平。"
    )
    articles, _ = build_articles(doc)
    got = [(p.kind, p.section, p.text) for p in articles[0].paragraphs]
    assert got == [
        ("title", "", "关于职工服务工作的经验材料"),
        ("heading", "", "一、主要做法"),
        ("heading", "一、主要做法", "（一）建强阵地"),
        ("body", "一、主要做法 > （一）建强阵地", "全市建成职工服务中心十二个，覆盖所有县区。"),
        ("heading", "一、主要做法", "（二）创新机制"),
        ("body", "一、主要做法 > （二）创新机制", "建立困难职工帮扶长效机制，实现动态管理。"),
        ("heading", "", "二、下一步打算"),
        ("body", "二、下一步打算", "继续深化改革，提升服务水平。"),
    ]


def test_byline_at_the_end_in_brackets_becomes_metadata():
    doc = plain("职工书屋建设成效明显\n\n　　全市建成职工书屋一千八百多家，职工阅读热情高涨。（文/张三 图/李四）")
    articles, _ = build_articles(doc)
    assert articles[0].byline == "文/张三 图/李四"
    assert articles[0].paragraphs[-1].text == "全市建成职工书屋一千八百多家，职工阅读热情高涨。"


def test_document_without_any_heading_takes_title_from_metadata():
    doc = plain("　　全市各级工会认真开展送温暖活动，慰问困难职工两千余户。")
    doc.metadata["html_title"] = "送温暖活动温暖人心"
    articles, _ = build_articles(doc)
    assert articles[0].title == "送温暖活动温暖人心"
    assert [p.kind for p in articles[0].paragraphs] == ["body"]


def test_same_content_gives_same_ids_wherever_it_lives():
    one = split_document(plain("标题一\n\n　　正文内容一。", "a.txt"))
    two = split_document(plain("标题一\n\n　　正文内容一。", "b/c.txt"))
    assert one[0].shape == two[0].shape
    a, _ = build_articles(plain("标题一\n\n　　正文内容一。", "a.txt"))
    b, _ = build_articles(plain("标题一\n\n　　正文内容一。", "b/c.txt"))
    assert a[0].id == b[0].id and a[0].paragraphs[1].id == b[0].paragraphs[1].id
