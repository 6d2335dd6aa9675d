"""Region, organization, level and unit of articles: the gazetteer, place matching, sample titles."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from index.metadata import ArticleContext, extract_metadata
from index.metadata.gazetteer import FULL, SHORT, STEM, WEAK, get_gazetteer
from index.metadata.region import dominant_place, find_places

SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"
TOC_LINE = re.compile(r"^(.*?)(?:\u3000\u3000|…+)\s*\d+$")


def sample_lines(prefix: str) -> list[str]:
    """Return the non-empty lines of one bundled sample file, as a plain-text reader would."""
    path = next(SAMPLE.glob(prefix + "_*.txt"))
    return [line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


@lru_cache(maxsize=1)
def compilation_articles() -> tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """Split the 34-article compilation by its table of contents: (collection title, articles)."""
    lines = sample_lines("002")
    toc, section, last_toc = [], None, 0
    for i, line in enumerate(lines[:60]):
        if re.match(r"^[一二三]、", line):
            section = line
        elif TOC_LINE.match(line):
            toc.append((TOC_LINE.match(line).group(1).rstrip("…"), section))
            last_toc = i
    starts, pos = [], last_toc + 1
    for title, _ in toc:
        key = re.sub(r"^\d+：", "", title)[:8]
        pos = next(i for i in range(pos, len(lines)) if lines[i].startswith(key))
        starts.append(pos)
        pos += 1
    bounds = starts[1:] + [len(lines)]
    articles = tuple((title, sec, tuple(lines[s + 1:e]))
                     for (title, sec), s, e in zip(toc, starts, bounds))
    return lines[0], articles


def compilation_metadata(title: str) -> dict:
    """Run extract_metadata on one compilation article the way the pipeline does."""
    collection, articles = compilation_articles()
    for name, section, body in articles:
        if name == title:
            context = ArticleContext(collection_title=collection, section_label=section)
            return extract_metadata(title, list(body), None, context)
    raise KeyError(title)


# --- gazetteer ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "body", "province", "city", "strength"), [
    ("河北省", "河北省", "河北省", None, FULL),
    ("河北", "河北省", "河北省", None, FULL),
    ("内蒙古", "内蒙古自治区", "内蒙古自治区", None, FULL),
    ("广西", "广西壮族自治区", "广西壮族自治区", None, FULL),
    ("西藏", "西藏自治区", "西藏自治区", None, FULL),
    ("沧州", "沧州市", "河北省", "沧州市", SHORT),
    ("沧州市", "沧州市", "河北省", "沧州市", FULL),
    ("昌吉州", "昌吉回族自治州", "新疆维吾尔自治区", "昌吉回族自治州", FULL),
    ("黔东南州", "黔东南苗族侗族自治州", "贵州省", "黔东南苗族侗族自治州", FULL),
    ("克孜勒苏", "克孜勒苏柯尔克孜自治州", "新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州", SHORT),
    ("兵团", "新疆生产建设兵团", "新疆维吾尔自治区", None, FULL),
    ("新疆兵团", "新疆生产建设兵团", "新疆维吾尔自治区", None, FULL),
    ("天津", "天津市", "天津市", "天津市", FULL),
    ("讷河市", "讷河市", "黑龙江省", "齐齐哈尔市", FULL),
    ("献县", "献县", "河北省", "沧州市", WEAK),
    ("正定", "正定县", "河北省", "石家庄市", STEM),
    ("讷河", "讷河市", "黑龙江省", "齐齐哈尔市", STEM),
    ("长阳县", "长阳土家族自治县", "湖北省", "宜昌市", FULL),
])
def test_names_generated_by_rule(name: str, body: str, province: str, city: str | None,
                                 strength: str) -> None:
    (entry,) = get_gazetteer().lookup(name)
    assert (entry.place.body, entry.place.province, entry.place.city, entry.strength) == (
        body, province, city, strength)


def test_province_short_form_beats_city_short_form() -> None:
    # 吉林 is both 吉林省's and 吉林市's short form; 海南 also shortens 海南藏族自治州.
    assert [e.place.body for e in get_gazetteer().lookup("吉林")] == ["吉林省"]
    assert [e.place.body for e in get_gazetteer().lookup("海南")] == ["海南省"]


def test_shared_county_names_keep_every_meaning() -> None:
    cities = sorted(e.place.city for e in get_gazetteer().lookup("朝阳区"))
    assert cities == ["北京市", "长春市"]


# --- place matching -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "身穿中山装的老劳模", "雄安新区建设者之家", "长春藤爬满了职工书屋", "新中国成立七十周年大庆",
    "维护社会长治久安", "全市和县级工会干部", "50名港澳来宾出席大会", "文山会海必须精简",
    "举办“安康杯”竞赛",
])
def test_false_friends_are_not_places(text: str) -> None:
    found = [m.text for m in find_places(text)]
    assert found in ([], ["雄安新区"])
    assert "安新县" not in found


def test_leftmost_longest_match() -> None:
    assert [m.text for m in find_places("长沙市区职工")] == ["长沙市"]
    assert [m.text for m in find_places("天津市滨海新区总工会")] == ["天津市", "滨海新区"]


def test_body_short_forms_need_a_confirming_word() -> None:
    assert [m.text for m in find_places("在商丘举行", strict=True)] == []
    assert [m.text for m in find_places("商丘大工匠", strict=True)] == ["商丘"]
    assert [m.text for m in find_places("在商丘举行")] == ["商丘"]


def test_a_place_named_right_before_resolves_a_shared_name() -> None:
    assert [p.city for p in find_places("北京市朝阳区")[1].places] == ["北京市"]
    assert [p.city for p in find_places("吉林省朝阳区")[1].places] == ["长春市"]


def test_weak_names_need_an_organisation_or_their_city() -> None:
    assert [m.text for m in find_places("献县总工会")] == ["献县"]
    assert [m.text for m in find_places("沧州市献县")] == ["沧州市", "献县"]
    assert [m.text for m in find_places("献县")] == []
    assert [m.text for m in find_places("正定总工会")] == ["正定"]
    assert [m.text for m in find_places("富裕起来的职工")] == []


def test_dominant_place_needs_a_clear_lead() -> None:
    assert dominant_place(["沧州市总工会", "沧州市职工", "河北省"]).city == "沧州市"
    assert dominant_place(["沧州市总工会", "商丘市总工会"]) is None
    assert dominant_place(["沧州市总工会"]) is None


# --- sample titles --------------------------------------------------------------------

KEYS = ("province", "city", "county", "level", "unit", "organization")

COMPILATION = [
    ("中国工会第十七次全国代表大会以来工作综述", None, None, None, "national", None, "中华全国总工会"),
    ("甘肃省工会第十二次代表大会以来工作综述", "甘肃省", None, None, "province", None, "甘肃省总工会"),
    ("四川省工会5年深度观察", "四川省", None, None, "province", None, "四川省总工会"),
    ("青海省工会工作5年综述", "青海省", None, None, "province", None, "青海省总工会"),
    ("江西省工会五年工作综述", "江西省", None, None, "province", None, "江西省总工会"),
    ("西藏自治区工会五年工作综述", "西藏自治区", None, None, "province", None, "西藏自治区总工会"),
    ("贵州省工会做优“工”字品牌助力高质量发展", "贵州省", None, None, "province", None, "贵州省总工会"),
    ("安徽省工会工作综述", "安徽省", None, None, "province", None, "安徽省总工会"),
    ("湖北省工会凝心聚力促发展服务职工创和谐", "湖北省", None, None, "province", None, "湖北省总工会"),
    ("湖南省工会五年工作成就综述", "湖南省", None, None, "province", None, "湖南省总工会"),
    ("五年来兵团工会工作综述", "新疆维吾尔自治区", None, None, "province", None, "新疆生产建设兵团总工会"),
    ("济南市工会五年工作综述", "山东省", "济南市", None, "city", None, "济南市总工会"),
    ("长春市工会将以更大力度更实举措推进新时代工会工作", "吉林省", "长春市", None, "city", None, "长春市总工会"),
    ("拉萨市工会事业高质量发展综述", "西藏自治区", "拉萨市", None, "city", None, "拉萨市总工会"),
    ("许昌市工会六次代表大会以来工作综述", "河南省", "许昌市", None, "city", None, "许昌市总工会"),
    ("曲靖市工会工作综述", "云南省", "曲靖市", None, "city", None, "曲靖市总工会"),
    ("十堰市工会未来五年工作展望", "湖北省", "十堰市", None, "city", None, "十堰市总工会"),
    ("淮北市总工会着力打造新时代“五型工会”", "安徽省", "淮北市", None, "city", None, "淮北市总工会"),
    ("遵义市工会五年工作综述", "贵州省", "遵义市", None, "city", None, "遵义市总工会"),
    ("延安市工会工作五年回眸", "陕西省", "延安市", None, "city", None, "延安市总工会"),
    ("绥化市总工会解放思想改革创新不断推动工会工作提档升级", "黑龙江省", "绥化市", None, "city", None,
     "绥化市总工会"),
    ("铜仁市工会五年工作综述", "贵州省", "铜仁市", None, "city", None, "铜仁市总工会"),
    ("平凉市总工会深学细悟砥砺奋进奋力开创新征程工会工作新局面", "甘肃省", "平凉市", None, "city", None,
     "平凉市总工会"),
    ("24：来宾市工会亮点工作扫描", "广西壮族自治区", "来宾市", None, "city", None, "来宾市总工会"),
    ("大庆市工会工作综述", "黑龙江省", "大庆市", None, "city", None, "大庆市总工会"),
    ("泉州市工会十六大以来工作掠影", "福建省", "泉州市", None, "city", None, "泉州市总工会"),
    ("滨海新区总工会履职尽责勇担当创新实干促发展", "天津市", "天津市", "滨海新区", "district", None,
     "滨海新区总工会"),
    ("观山湖区总工会多措并举扎实做好工会工作", "贵州省", "贵阳市", "观山湖区", "district", None,
     "观山湖区总工会"),
    ("昌吉州教育工会五年工作综述", "新疆维吾尔自治区", "昌吉回族自治州", None, "unit", "昌吉州教育工会",
     "昌吉州教育工会"),
    ("讷河市财政局创新工会工作记事", "黑龙江省", "齐齐哈尔市", "讷河市", "unit", "讷河市财政局",
     "讷河市财政局工会"),
    ("北大荒集团工会工作综述", "黑龙江省", None, None, "enterprise", "北大荒集团", "北大荒集团工会"),
    ("新疆北方建设集团工会助力企业经济高质量发展纪实", "新疆维吾尔自治区", None, None, "enterprise",
     "新疆北方建设集团", "新疆北方建设集团工会"),
    # Its text names 广东省 five times (a 广东 pilot unit, 广东省总工会 awards): body dominance.
    ("中铁二十五局扎实做好工会工作侧记", "广东省", None, None, "enterprise", "中铁二十五局", "中铁二十五局工会"),
    ("以党建引领工会创新，激发企业职工群众的创造活力", None, None, None, "enterprise", None, None),
]


def test_compilation_is_split_into_all_34_articles() -> None:
    collection, articles = compilation_articles()
    assert collection == "2023年工会工作总结、工作汇报、经验材料汇编（总工会）（34篇）"
    assert [a[0] for a in articles] == [row[0] for row in COMPILATION]
    assert all(len(body) >= 5 for _, _, body in articles)


@pytest.mark.parametrize(("title", *KEYS), COMPILATION, ids=[row[0][:12] for row in COMPILATION])
def test_compilation_article(title: str, province, city, county, level, unit, organization) -> None:
    md = compilation_metadata(title)
    assert tuple(md[k] for k in KEYS) == (province, city, county, level, unit, organization)


def test_cangzhou_congress_article_without_title_line() -> None:
    md = extract_metadata("", sample_lines("000"))
    assert tuple(md[k] for k in KEYS) == ("河北省", "沧州市", None, "city", None, "沧州市总工会")


def test_shangqiu_article_with_reporter_byline() -> None:
    lines = [line.lstrip("#").strip() for line in sample_lines("004")]
    assert lines[3] == "本报记者 翟华伟 通讯员 王博 邢俊英"
    md = extract_metadata(lines[0], lines[1:3] + lines[4:], lines[3])
    assert tuple(md[k] for k in KEYS) == ("河南省", "商丘市", None, "city", None, "商丘市总工会")


# --- unseen kinds of titles -----------------------------------------------------------

UNSEEN = [
    ("2019年江苏省苏州市吴江区总工会工作总结", [],
     ("江苏省", "苏州市", "吴江区", "district", None, "江苏省苏州市吴江区总工会")),
    ("关于黔东南州工会困难职工帮扶工作的经验材料", [],
     ("贵州省", "黔东南苗族侗族自治州", None, "city", None, "黔东南苗族侗族自治州工会")),
    ("石家庄市总工会2022年工作要点", [], ("河北省", "石家庄市", None, "city", None, "石家庄市总工会")),
    ("甘肃省总工会工作报告", ["省总工会"], ("甘肃省", None, None, "province", None, "甘肃省总工会")),
    ("四川省工会经验交流", ["四川省总工会坚持"], ("四川省", None, None, "province", None, "四川省总工会")),
    ("沧州市工会工作纪实", ["全市各级工会"], ("河北省", "沧州市", None, "city", None, "沧州市工会")),
    ("北京市总工会工作报告", [], ("北京市", "北京市", None, "province", None, "北京市总工会")),
    ("内蒙古自治区总工会工作综述", [], ("内蒙古自治区", None, None, "province", None, "内蒙古自治区总工会")),
    ("献县总工会经验材料", [], ("河北省", "沧州市", "献县", "district", None, "献县总工会")),
    ("正定总工会推进产改纪实", [], ("河北省", "石家庄市", "正定县", "district", None, "正定县总工会")),
    ("中华全国总工会关于加强产业工人队伍建设的意见", [], (None, None, None, "national", None, "中华全国总工会")),
    ("全总召开书记处会议", [], (None, None, None, "national", None, "中华全国总工会")),
    ("中国海员建设工会五年工作综述", [], (None, None, None, "national", None, "中国海员建设工会")),
    ("学习贯彻中国工会十八大精神 沧州市总工会召开专题会", [],
     ("河北省", "沧州市", None, "city", None, "沧州市总工会")),
    ("甘肃省教育工会工作总结", [], ("甘肃省", None, None, "unit", "甘肃省教育工会", "甘肃省教育工会")),
    ("国网沧州供电公司工会经验材料", [],
     ("河北省", "沧州市", None, "enterprise", "国网沧州供电公司", "国网沧州供电公司工会")),
    ("雄安新区总工会工作综述", [], ("河北省", None, None, "city", None, "雄安新区总工会")),
    # 朝阳区 is a district of both 北京市 and 长春市: unresolved without help, resolved with it.
    ("朝阳区总工会工作总结", [], (None, None, None, "district", None, "朝阳区总工会")),
    ("朝阳区总工会工作总结", ["北京市朝阳区总工会", "北京市总工会"],
     ("北京市", "北京市", "朝阳区", "district", None, "朝阳区总工会")),
    ("朝阳区总工会工作总结", ["区总工会联合长春市人社局开展招聘"],
     ("吉林省", "长春市", "朝阳区", "district", None, "朝阳区总工会")),
    ("城区总工会工作", [], (None, None, None, "district", None, "城区总工会")),
    ("晋城市城区总工会工作", [], ("山西省", "晋城市", "城区", "district", None, "晋城市城区总工会")),
    ("中山装里的劳模故事", [], (None, None, None, None, None, None)),
    ("长春藤下的职工书屋", [], (None, None, None, None, None, None)),
    ("维护社会长治久安", [], (None, None, None, None, None, None)),
    ("庆祝新中国成立七十周年大庆职工文艺汇演", [], (None, None, None, None, None, None)),
]


@pytest.mark.parametrize(("title", "body", "expected"), UNSEEN, ids=[row[0][:14] for row in UNSEEN])
def test_unseen_titles(title: str, body: list[str], expected: tuple) -> None:
    md = extract_metadata(title, body)
    assert tuple(md[k] for k in KEYS) == expected


def test_compilation_and_file_name_give_the_place_when_the_article_does_not() -> None:
    ctx = ArticleContext(collection_title="南京市工会工作汇编")
    md = extract_metadata("鼓楼区总工会工作综述", [], None, ctx)
    assert (md["province"], md["city"], md["county"]) == ("江苏省", "南京市", "鼓楼区")
    md = extract_metadata("我市工会工作综述", [], None, ArticleContext(source_name="沧州市总工会2021.docx"))
    assert (md["province"], md["city"], md["level"], md["organization"]) == (
        "河北省", "沧州市", "city", "沧州市总工会")


def test_body_place_is_used_only_when_it_dominates() -> None:
    body = ["沧州市总工会召开会议", "沧州职工", "沧州市劳模", "河北省总工会领导出席"]
    assert extract_metadata("我市工会工作综述", body)["city"] == "沧州市"
    mixed = ["沧州市总工会召开会议", "商丘市总工会来访", "济南市总工会交流"]
    assert extract_metadata("工会工作综述", mixed)["province"] is None
    two_cities = ["沧州市总工会召开会议", "商丘市总工会来访", "石家庄市总工会交流"]
    md = extract_metadata("工会工作综述", two_cities)
    assert (md["province"], md["city"]) == ("河北省", None)


def test_title_outranks_body() -> None:
    body = ["商丘市总工会", "商丘市职工", "商丘市劳模", "河南省"]
    md = extract_metadata("沧州市总工会赴商丘市学习考察", body)
    assert (md["province"], md["city"], md["organization"]) == ("河北省", "沧州市", "沧州市总工会")
