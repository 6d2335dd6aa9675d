"""The search box's query language: parse_query, format_query and the exported field tables."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.model import DOC_TYPES, LEVELS, PARAGRAPH_KINDS
from search.query import (
    FACET_FIELDS,
    FIELD_ALIASES,
    KIND_NAMES,
    LEVEL_NAMES,
    ParsedQuery,
    Term,
    format_query,
    parse_query,
)


def w(text: str) -> Term:
    return Term(text, phrase=False)


def ph(text: str) -> Term:
    return Term(text, phrase=True)


def q(groups=(), excluded=(), filters=None, notices=()) -> ParsedQuery:
    return ParsedQuery.of([list(g) for g in groups], list(excluded), dict(filters or {}), list(notices))


N_OR = "忽略了位置不当的 OR（OR 只能写在两个要查找的词之间）。"
N_ONLY_EXCLUDED = "检索式只有排除词，没有要查找的内容。"
N_BAD_YEAR = "无法识别的年份“{}”，已忽略（示例：年:2021 或 年:2019-2023）。"


TERMS = [
    ("职工书屋", q([[w("职工书屋")]])),
    ("职工书屋 农家书屋", q([[w("职工书屋")], [w("农家书屋")]])),
    ("职工书屋\u3000建设", q([[w("职工书屋")], [w("建设")]])),
    ("会、站、家", q([[w("会、站、家")]])),
    ("APP 12351", q([[w("APP")], [w("12351")]])),
    ("http://www.acftu.org 10:30", q([[w("http://www.acftu.org")], [w("10:30")]])),
    ("COVID-19", q([[w("COVID-19")]])),
    ("帮扶 帮扶 OR 帮扶", q([[w("帮扶")]])),
]

PHRASES = [
    ('"产业工人队伍建设改革" 省:河北', q([[ph("产业工人队伍建设改革")]], filters={"province": ["河北"]})),
    ("“中文引号” 建设", q([[ph("中文引号")], [w("建设")]])),
    ("「会站家」", q([[ph("会站家")]])),
    ('" 职工   书屋 "', q([[ph("职工 书屋")]])),
    ('职工"书屋 建设"', q([[w("职工")], [ph("书屋 建设")]])),
    ('"职工书屋" 职工书屋', q([[ph("职工书屋")], [w("职工书屋")]])),
]

OR_GROUPS = [
    ("职工书屋 OR 农家书屋 建设", q([[w("职工书屋"), w("农家书屋")], [w("建设")]])),
    ("送温暖|金秋助学 年:2019-2023", q([[w("送温暖"), w("金秋助学")]], filters={"year": ["2019-2023"]})),
    ("送温暖｜金秋助学", q([[w("送温暖"), w("金秋助学")]])),
    ("a OR b OR c d", q([[w("a"), w("b"), w("c")], [w("d")]])),
    ('"职工书屋" OR 农家书屋', q([[ph("职工书屋"), w("农家书屋")]])),
    ("职工 or 书屋", q([[w("职工")], [w("or")], [w("书屋")]])),
    ("省:河北 OR 省:河南", q(filters={"province": ["河北", "河南"]})),
]

EXCLUSIONS = [
    ("小三级 -乡镇", q([[w("小三级")]], [w("乡镇")])),
    ('帮扶 -"困难职工"', q([[w("帮扶")]], [ph("困难职工")])),
    ("帮扶 －乡镇 --村", q([[w("帮扶")]], [w("乡镇"), w("村")])),
    ("-乡镇", q(excluded=[w("乡镇")], notices=[N_ONLY_EXCLUDED])),
    ("省:河北 -乡镇", q(excluded=[w("乡镇")], filters={"province": ["河北"]})),
]

FILTERS = [
    ("主题:女职工 级别:市", q(filters={"theme": ["女职工"], "level": ["city"]})),
    ("省：河北", q(filters={"province": ["河北"]})),
    ("Province:河北省 city:石家庄 county:正定县",
     q(filters={"province": ["河北省"], "city": ["石家庄"], "county": ["正定县"]})),
    ("省:河北 省:河南 省:河北", q(filters={"province": ["河北", "河南"]})),
    ("省:河北,河南、山西｜山东", q(filters={"province": ["河北", "河南", "山西", "山东"]})),
    ('主题:"服务职工/帮扶" 帮扶', q([[w("帮扶")]], filters={"theme": ["服务职工/帮扶"]})),
    ("年:2021年 year:２０１８", q(filters={"year": ["2021", "2018"]})),
    ("year:2023-2019", q(filters={"year": ["2019-2023"]},
                         notices=["年份范围“2023-2019”前后颠倒，已按 2019-2023 处理。"])),
    ("级别:全国 level:enterprise 级别:区县 级别:县级",
     q(filters={"level": ["national", "enterprise", "district"]})),
    ("类型:标题 kind:caption 类型:图片说明 类型:层次标题", q(filters={"kind": ["title", "caption", "heading"]})),
    ("文种:综述 doc_type:经验材料", q(filters={"doc_type": ["工作综述", "经验材料"]})),
    ("类型:经验材料", q(filters={"doc_type": ["经验材料"]}, notices=["“经验材料”是文种，已按“文种:经验材料”筛选。"])),
    ("省: 河北 帮扶", q([[w("帮扶")]], filters={"province": ["河北"]})),
    ("省:河北。", q(filters={"province": ["河北"]})),
]

MALFORMED = [
    ('"职工书屋', q([[w("职工书屋")]], notices=["忽略了未配对的引号。"])),
    ("OR", q(notices=[N_OR])),
    ("- ", q(notices=["忽略了后面没有检索词的减号“-”。"])),
    ("foo:bar", q([[w("foo:bar")]], notices=["“foo”不是可用的筛选条件，已把“foo:bar”当作普通文字查找。"])),
    ("年:abc", q(notices=[N_BAD_YEAR.format("abc")])),
    ("年:99999 帮扶", q([[w("帮扶")]], notices=[N_BAD_YEAR.format("99999")])),
    ("省:", q(notices=["筛选条件“省:”没有填写内容，已忽略。"])),
    ("级别:乡镇", q(notices=["无法识别的级别“乡镇”，已忽略（可用：全国、省级、市级、区县、单位、企业）。"])),
    ("-省:河北 帮扶", q([[w("帮扶")]], notices=["不支持排除筛选条件，已忽略“-省:河北”。"])),
    ("帮扶 OR", q([[w("帮扶")]], notices=[N_OR])),
    ("OR 帮扶", q([[w("帮扶")]], notices=[N_OR])),
    ("a || b", q([[w("a"), w("b")]], notices=[N_OR])),
    ("帮扶 OR -乡镇", q([[w("帮扶")]], [w("乡镇")], notices=[N_OR])),
    ("帮扶 OR 省:河北", q([[w("帮扶")]], filters={"province": ["河北"]}, notices=[N_OR])),
    ('"" 帮扶', q([[w("帮扶")]], notices=["忽略了空的引号。"])),
    ("帮扶 ，", q([[w("帮扶")]], notices=["忽略了只含标点符号的“，”。"])),
    ("职工\x00书屋\t帮扶\u200b\ud800", q([[w("职工书屋")], [w("帮扶")]], notices=["已删除检索式中的不可见控制字符。"])),
    ("   ", q()),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    TERMS + PHRASES + OR_GROUPS + EXCLUSIONS + FILTERS + MALFORMED,
    ids=[case[0] for case in TERMS + PHRASES + OR_GROUPS + EXCLUSIONS + FILTERS + MALFORMED],
)
def test_parse_gives_exact_query(text: str, expected: ParsedQuery) -> None:
    assert parse_query(text) == expected


# --- length and odd inputs -------------------------------------------------------------------

def test_long_query_is_cut_with_notice() -> None:
    assert parse_query("职工书屋建设", max_length=4) == q([[w("职工书屋")]], notices=["检索式过长，只使用了前 4 个字符。"])


def test_query_at_the_limit_is_not_cut() -> None:
    assert parse_query("职工书屋", max_length=4) == q([[w("职工书屋")]])


def test_control_characters_do_not_count_towards_the_limit() -> None:
    assert parse_query("\x00" * 600 + "帮扶", max_length=2).groups == [[w("帮扶")]]


def test_non_string_input_gives_empty_query() -> None:
    assert parse_query(None) == q()  # type: ignore[arg-type]


# --- ParsedQuery helpers ---------------------------------------------------------------------

def test_literals_are_positive_terms_in_order_without_repeats() -> None:
    parsed = parse_query('职工书屋 OR "农家书屋" 建设 -乡镇 职工书屋|建设 省:河北')
    assert parsed.literals() == ["职工书屋", "农家书屋", "建设"]


@pytest.mark.parametrize(
    ("text", "empty"), [("", True), ("-乡镇", True), ("OR", True), ("省:河北", False), ("帮扶", False)]
)
def test_is_empty(text: str, empty: bool) -> None:
    assert parse_query(text).is_empty() is empty


# --- format_query ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("职工书屋 OR 农家书屋 建设", "职工书屋 OR 农家书屋 建设"),
        ("送温暖|金秋助学", "送温暖 OR 金秋助学"),
        ("province:河北 level:city 帮扶 -乡镇", "帮扶 -乡镇 省:河北 级别:市级"),
        ("“中文引号” kind:body 文种:综述", '"中文引号" 文种:工作综述 类型:正文'),
        ("主题:\"a b\" 主题:c", '主题:"a b,c"'),
        ('-"OR" -OR', '-"OR" -OR'),
        ("", ""),
    ],
)
def test_format_writes_canonical_text(text: str, canonical: str) -> None:
    assert format_query(parse_query(text)) == canonical


@pytest.mark.parametrize(
    "parsed",
    [
        q([[w("a b")]]),       # built by hand: a bare term the scanner could not produce
        q([[w("-乡镇")]]),
        q([[w("OR")]]),
        q([[w("省:河北")]]),
    ],
)
def test_format_quotes_bare_terms_that_would_read_back_differently(parsed: ParsedQuery) -> None:
    again = parse_query(format_query(parsed))
    assert [[t.text for t in g] for g in again.groups] == [[t.text for t in g] for g in parsed.groups]
    assert again.excluded == [] and again.filters == {}


# --- exported tables -------------------------------------------------------------------------

def test_tables_cover_the_record_model() -> None:
    assert tuple(LEVEL_NAMES) == LEVELS
    assert tuple(KIND_NAMES) == PARAGRAPH_KINDS
    assert set(FIELD_ALIASES.values()) == set(FACET_FIELDS)


@pytest.mark.parametrize("field", ["level", "kind"])
def test_every_label_parses_back_to_its_code(field: str) -> None:
    names = LEVEL_NAMES if field == "level" else KIND_NAMES
    for code, label in names.items():
        assert parse_query(f"{field}:{label}").filters == {field: [code]}
        assert parse_query(f"{field}:{code.upper()}").filters == {field: [code]}


def test_every_doc_type_is_accepted() -> None:
    assert parse_query("文种:" + ",".join(DOC_TYPES)).filters == {"doc_type": list(DOC_TYPES)}


# --- properties --------------------------------------------------------------------------------

_PIECES = ["省", "市", "区", "年", "级别", "类型", "文种", "主题", "province", "Year", "foo", ":", "：",
           '"', "“", "”", "「", "」", "OR", "ＯＲ", "|", "｜", "-", "－", " ", "\u3000", "\t", "\x00",
           "\u200b", "河北", "2019", "2023", "99999", "~", ",", "，", "、", "市级", "标题", "body", "综述",
           "服务职工/帮扶", "。", "http://", "会、站、家"]
_QUERY_LIKE = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=40).map("".join)


def _check_round_trip(text: str, max_length: int) -> None:
    parsed = parse_query(text, max_length=max_length)
    assert all(group for group in parsed.groups)
    for term in [t for group in parsed.groups for t in group] + parsed.excluded:
        assert term.text and term.text == term.text.strip()
    assert set(parsed.filters) <= set(FACET_FIELDS)
    assert all(values and all(values) for values in parsed.filters.values())
    canonical = format_query(parsed)
    # Canonical text may be a little longer than the cut input ("a|b" → "a OR b"): allow it.
    again = parse_query(canonical, max_length=len(canonical))
    assert again.groups == parsed.groups
    assert again.excluded == parsed.excluded
    assert again.filters == parsed.filters
    assert format_query(again) == canonical


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=10_000), st.sampled_from([500, 10_000]))
def test_any_text_parses_and_round_trips(text: str, max_length: int) -> None:
    _check_round_trip(text, max_length)


@settings(max_examples=300, deadline=None)
@given(_QUERY_LIKE, st.integers(min_value=0, max_value=600))
def test_query_like_text_parses_and_round_trips(text: str, max_length: int) -> None:
    _check_round_trip(text, max_length)
