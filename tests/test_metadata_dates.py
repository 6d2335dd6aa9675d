"""Year written and years covered: explicit dates, congresses, plans, anniversaries, context."""

from __future__ import annotations

import re

import pytest

from index.metadata import ArticleContext, extract_metadata
from index.metadata.dates import (collection_year, congress_year, cn_number, explicit_years,
                                  extract_years, title_year)
from index.metadata.dates import _CONGRESS
from tests.test_metadata_region import COMPILATION, compilation_metadata, sample_lines


@pytest.mark.parametrize(("text", "value"), [
    ("十九", 19), ("二十", 20), ("二十一", 21), ("十", 10), ("五", 5), ("两", 2), ("一百", 100),
    ("七十", 70), ("12", 12), ("百x", None),
])
def test_cn_number(text: str, value: int | None) -> None:
    assert cn_number(text) == value


# --- explicit years -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "years"), [
    ("2023年7月，全国外卖行业首个全网职工代表大会召开", [2023]),
    ("出席此次会议的共有2002名代表", []),
    ("“大学习”课堂1852期", []),
    ("二〇二一年十一月", [2021]),
    ("到2025年，基本建成", []),
    ("力争在2025年实现全覆盖", []),
    ("2035年远景目标", []),
    ("2025年底前完成", []),
    ("2022年，我们将继续深化改革", []),
    ("2018年至2020年，全国新发展会员", [2018, 2020]),
    ("2021—2025年发展规划", []),
    ("截至2023年7月", [2023]),
    ("上世纪1990年代", []),
    ("被市委评为2020年度全市亮点工作", [2020]),
    ("力争2023年达标率达到80%以上，2024年及以后保持在90%。2022年12月召开", [2022]),
])
def test_explicit_years(text: str, years: list[int]) -> None:
    assert explicit_years(text) == years


@pytest.mark.parametrize(("text", "year"), [
    ("喜迎党的十九大", 2017), ("学习贯彻党的二十大精神", 2022), ("中国工会十七大以来", 2018),
    ("中国工会第十八次全国代表大会将于10月9日开幕", 2023), ("党的第二十次全国代表大会", 2022),
    ("喜迎二十大、建功新时代", 2022),
    ("泉州工会十七大即将开幕", None), ("省工会十四大工作要求", None), ("共青团第十九次全国代表大会", None),
    ("“十大行动”深入推进", None), ("八大群体入会", None),
])
def test_congress_years(text: str, year: int | None) -> None:
    found = [congress_year(text, m) for m in _CONGRESS.finditer(text)]
    assert (max((y for y in found if y), default=None)) == year


@pytest.mark.parametrize(("title", "year"), [
    ("2019年江苏省苏州市吴江区总工会工作总结", 2019),
    ("石家庄市总工会2022年工作要点", 2022),
    ("2021年工作总结和2022年工作计划", 2021),
    ("2021—2025年发展规划", 2021),
    ("2018—2022年工作综述", 2022),
    ("2018年以来工作综述", None),
    ("讷河市财政局创新工会工作记事", None),
])
def test_title_year(title: str, year: int | None) -> None:
    assert title_year(title) == year


def test_collection_year() -> None:
    assert collection_year("2023年工会工作总结、工作汇报、经验材料汇编（总工会）（34篇）") == 2023
    assert collection_year("工会经验材料汇编") is None
    assert collection_year(None) is None


# --- the write year and the span ------------------------------------------------------

@pytest.mark.parametrize(("title", "body", "kwargs", "expected"), [
    # The latest dated event wins: a 2017 caption in a 2021 article does not date it.
    ("工作综述", ["2017年全国工会就业创业服务月启动仪式", "今年以来，紧紧围绕庆祝建党100周年主线"], {},
     (2021, [2021, 2021])),
    ("工作综述", ["喜迎党的十九大", "建功“十三五”", "被评为2020年度亮点工作", "奋斗“十四五”"], {},
     (2020, None)),
    ("工作综述", ["在庆祝中华人民共和国成立70周年前夕"], {}, (2019, None)),
    ("工作综述", ["改革开放40周年"], {}, (2018, None)),
    # An anniversary still to come and a plan period do not date the text.
    ("工作综述", ["迎接建党100周年", "2019年"], {}, (2019, None)),
    ("工作综述", ["奋力开局“十四五”"], {}, (None, None)),
    ("工作综述", ["到2035年基本实现", "2020年以来"], {}, (2020, [2020, 2020])),
    ("工作综述", ["没有年份"], {}, (None, None)),
    ("工作综述", ["没有年份"], {"file_year": 2022}, (2022, None)),
    # The file's date bounds what the text can claim.
    ("工作综述", ["2019年", "2024年"], {"file_year": 2020}, (2019, None)),
    # A compilation's year is the default for its articles, and beats body evidence.
    ("工作综述", ["喜迎党的十九大"], {"collection_title": "2023年工会经验材料汇编"}, (2023, None)),
    ("2019年工作总结", [], {"collection_title": "2023年工会经验材料汇编"}, (2019, [2019, 2019])),
    ("五年来兵团工会工作综述", [], {"collection_title": "2023年汇编"}, (2023, [2018, 2023])),
    ("工作综述", ["过去5年，全区各级工会"], {"file_year": 2022}, (2022, [2017, 2022])),
    ("工作综述", ["党的十八大以来"], {"file_year": 2022}, (2022, [2012, 2022])),
    ("工作综述", ["“十三五”以来"], {"file_year": 2020}, (2020, [2016, 2020])),
    ("2018—2022年沧州市工会工作综述", [], {}, (2022, [2018, 2022])),
    # "自2015年以来" deep in a long body is about one programme, not the article.
    ("工作综述", ["a", "b", "c", "自2015年以来开展普惠服务"], {"collection_title": "2023年汇编"},
     (2023, None)),
    # Congress and plan references only bound the year below: the file's date is better.
    ("工作综述", ["党的十八大以来"], {"file_year": 2016}, (2016, [2012, 2016])),
    ("工作综述", ["党的十八大以来", "2013年"], {"file_year": 2016}, (2013, [2012, 2013])),
    ("工作综述", ["党的十八大以来", "2013年"], {}, (2013, [2012, 2013])),
    ("工作综述", ["党的十九大以来"], {}, (2017, [2017, 2017])),
    ("工作综述", ["a", "b", "c", "五年来，全市各级工会"], {"file_year": 2023}, (2023, [2018, 2023])),
])
def test_extract_years(title: str, body: list[str], kwargs: dict, expected: tuple) -> None:
    assert extract_years(title, body, **kwargs) == expected


def test_cangzhou_sample_is_2021() -> None:
    md = extract_metadata("", sample_lines("000"))
    assert (md["year"], md["years_covered"]) == (2021, None)


def test_shangqiu_sample_is_2021() -> None:
    lines = [line.lstrip("#").strip() for line in sample_lines("004")]
    md = extract_metadata(lines[0], lines[1:3] + lines[4:], lines[3])
    assert (md["year"], md["years_covered"]) == (2021, [2016, 2021])


def test_shangqiu_sample_prefers_its_text_over_a_later_file_date() -> None:
    lines = [line.lstrip("#").strip() for line in sample_lines("004")]
    md = extract_metadata(lines[0], lines[4:], lines[3], ArticleContext(file_year=2024))
    assert md["year"] == 2021


SPANS = {
    "中国工会第十七次全国代表大会以来工作综述": [2018, 2023],
    "甘肃省工会第十二次代表大会以来工作综述": [2017, 2023],
    "五年来兵团工会工作综述": [2018, 2023],
    "泉州市工会十六大以来工作掠影": [2018, 2023],
    "平凉市总工会深学细悟砥砺奋进奋力开创新征程工会工作新局面": [2023, 2023],
    "十堰市工会未来五年工作展望": None,
    "讷河市财政局创新工会工作记事": None,
}


@pytest.mark.parametrize("title", [row[0] for row in COMPILATION], ids=[row[0][:12] for row in COMPILATION])
def test_compilation_articles_are_2023(title: str) -> None:
    md = compilation_metadata(title)
    assert md["year"] == 2023
    if title in SPANS:
        assert md["years_covered"] == SPANS[title]
    elif md["years_covered"] is not None:
        assert md["years_covered"][1] == 2023 and 2013 <= md["years_covered"][0] <= 2023


def test_no_year_is_taken_from_counts() -> None:
    body = ["出席此次会议的共有2002名代表", "举办课堂1852期", "覆盖全市120个重点项目"]
    assert extract_years("工作综述", body) == (None, None)
    assert not re.search(r"\d{4}", str(extract_years("", ["1999名职工"])))
