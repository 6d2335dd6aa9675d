"""Literal recall of SearchIndex.search, proved against a brute-force scan of every stored paragraph.

The rule: a term or quoted phrase finds EVERY paragraph whose text, folded and without
whitespace, contains it; a quoted phrase finds nothing else. Also: boolean algebra, synonyms,
request validation, odd queries, and the HTML of snippets.
"""

from __future__ import annotations

import html
import random
import re

import pytest

from search.engine import SearchIndex, SearchRequest
from search.errors import IndexMissing, QueryError
from tests.search_fixtures import all_hits, build_index, engine, hit_ids, oracle, squeeze  # noqa: F401

QUOTE_MARKS = set('"“”「」『』＂')


# --- Literal recall on the sample corpus --------------------------------------------------------

@pytest.mark.parametrize("phrase", [
    "小三级",  # jieba cuts 小/三级: only the character field sees it
    "省总",  # inside 省总工会
    "会、站、家",  # punctuation inside the phrase
    "职工书屋",
    "工会",
    "家",  # a single character
    "12351",
    "APP",
    "ＡＰＰ",  # full-width folds to APP
    "app",  # case folds too
    "法院+工会",
    "（街道）",
    "工会，",
    "2021年",
    "职工 书屋",  # whitespace inside a phrase is ignored, as in the text
    "⼯会",  # a Kangxi radical folds to 工
    "中国梦·劳动美",  # the middle-dot family folds to one dot (the text has •)
])
@pytest.mark.parametrize("synonyms", [False, True])
def test_quoted_phrase_finds_exactly_the_paragraphs_containing_it(engine, oracle, phrase, synonyms):
    expected = oracle.containing(phrase)
    assert expected, "the phrase must occur in the sample for the test to mean something"
    assert hit_ids(engine, f'"{phrase}"', synonyms=synonyms) == expected


@pytest.mark.parametrize("term", ["小三级", "省总", "会、站、家", "职工书屋", "工会", "家", "12351", "ＡＰＰ", "法院+工会"])
def test_bare_term_without_synonyms_finds_exactly_the_paragraphs_containing_it(engine, oracle, term):
    assert hit_ids(engine, term, synonyms=False) == oracle.containing(term)


def test_known_counts_of_the_sample(engine, oracle):
    # Pins the oracle itself: the paragraphs of the bundled sample that contain each phrase.
    counts = {p: len(oracle.containing(p)) for p in ("小三级", "会、站、家", "职工书屋", "12351", "APP")}
    assert counts == {"小三级": 9, "会、站、家": 5, "职工书屋": 17, "12351": 6, "APP": 9}
    assert len(oracle.stored) == 947
    assert engine.search(SearchRequest(q='"小三级"'))["total"] == 9


def test_substring_inside_a_longer_word_is_found(engine, oracle):
    inside = oracle.containing("省总工会")
    assert inside and inside <= hit_ids(engine, '"省总"')


def _random_substrings(oracle, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    ids = sorted(oracle.stored)
    found: list[str] = []
    while len(found) < count:
        text = oracle.stored[rng.choice(ids)]["text"]
        size = rng.randint(1, 8)
        if len(text) < size:
            continue
        start = rng.randrange(len(text) - size + 1)
        piece = text[start:start + size]
        # The query language reserves quote marks; a piece with nothing alphanumeric is ignored.
        if QUOTE_MARKS & set(piece) or not any(c.isalnum() for c in piece):
            continue
        found.append(piece)
    return found


@pytest.fixture(scope="module")
def generated(oracle) -> list[str]:
    """Return 300 seeded substrings of stored paragraphs, plus literals that occur nowhere."""
    absent = ["乙丙丁戊己", "工会职工书屋小三级", "zzqx", "12351912", "会站家，"]
    for literal in absent:
        assert not oracle.containing(literal)
    return _random_substrings(oracle, 300, seed=20240521) + absent


def test_generated_substrings_match_brute_force_exactly(engine, oracle, generated):
    mismatches = []
    for piece in generated:
        expected = oracle.containing(piece)
        got = hit_ids(engine, f'"{piece}"', synonyms=False)
        if got != expected:
            mismatches.append((piece, len(got), len(expected)))
    assert mismatches == []


def test_generated_quoted_phrases_are_never_expanded(engine, oracle, generated):
    mismatches = [p for p in generated[::3] if hit_ids(engine, f'"{p}"', synonyms=True) != oracle.containing(p)]
    assert mismatches == []


def test_generated_bare_terms_with_synonyms_are_supersets(engine, oracle, generated):
    plain = [p for p in generated if p.isalnum()][::3]
    assert len(plain) > 40
    for piece in plain:
        assert hit_ids(engine, piece, synonyms=True) >= oracle.containing(piece), piece


# --- Synonyms ------------------------------------------------------------------------------------

@pytest.mark.parametrize("term, expansions", [
    ("职代会", ["职工代表大会"]),
    ("全总", ["中华全国总工会", "全国总工会"]),
    ("职工书屋", ["职工书吧", "职工阅览室", "职工图书室"]),
    ("小三级", ["乡镇工会", "街道工会", "村工会", "社区工会"]),
])
def test_synonyms_add_exactly_the_paragraphs_of_their_expansions(engine, oracle, term, expansions):
    union = set().union(*(oracle.containing(t) for t in [term, *expansions]))
    assert hit_ids(engine, term) == union
    assert hit_ids(engine, term, synonyms=False) == oracle.containing(term)
    assert hit_ids(engine, f'"{term}"') == oracle.containing(term)
    notices = engine.search(SearchRequest(q=term))["notices"]
    assert f"“{term}”同时检索了同义词：{'、'.join(expansions)}" in notices
    assert engine.search(SearchRequest(q=f'"{term}"'))["notices"] == []


def test_literals_list_the_term_and_its_synonyms_for_highlighting(engine):
    assert engine.search(SearchRequest(q="职代会 -工会"))["literals"] == ["职代会", "职工代表大会"]
    assert engine.search(SearchRequest(q='"职代会"'))["literals"] == ["职代会"]


# --- Boolean algebra -----------------------------------------------------------------------------

def test_and_is_intersection(engine, oracle):
    expected = oracle.containing("工会") & oracle.containing("职工书屋")
    assert hit_ids(engine, "工会 职工书屋", synonyms=False) == expected
    assert hit_ids(engine, "工会\u3000职工书屋", synonyms=False) == expected  # ideographic space


def test_or_is_union(engine, oracle):
    expected = oracle.containing("职工书屋") | oracle.containing("小三级")
    assert hit_ids(engine, "职工书屋 OR 小三级", synonyms=False) == expected
    assert hit_ids(engine, "职工书屋|小三级", synonyms=False) == expected


def test_exclusion_is_difference(engine, oracle):
    assert hit_ids(engine, "工会 -职工", synonyms=False) == oracle.containing("工会") - oracle.containing("职工")
    assert hit_ids(engine, '工会 -"省总"', synonyms=False) == oracle.containing("工会") - oracle.containing("省总")


def test_and_of_or_group_minus_exclusion(engine, oracle):
    c = oracle.containing
    expected = (c("工会") & (c("职工书屋") | c("小三级") | c("12351"))) - c("家")
    assert hit_ids(engine, "工会 职工书屋 OR 小三级 OR 12351 -家", synonyms=False) == expected


def test_exclusion_only_returns_everything_else_with_a_notice(engine, oracle):
    result = engine.search(SearchRequest(q="-工会", synonyms=False))
    assert result["total"] == len(set(oracle.stored) - oracle.containing("工会"))
    assert "检索式只有排除词，没有要查找的内容。" in result["notices"]


def test_empty_query_returns_every_paragraph(engine, oracle):
    assert hit_ids(engine, "") == set(oracle.stored)


# --- Odd queries never raise ---------------------------------------------------------------------

@pytest.mark.parametrize("q, notice", [
    ('"', "忽略了未配对的引号。"),
    ("OR", "忽略了位置不当的 OR（OR 只能写在两个要查找的词之间）。"),
    ("-", "忽略了后面没有检索词的减号“-”。"),
    ("foo:bar", "“foo”不是可用的筛选条件，已把“foo:bar”当作普通文字查找。"),
    ("工会 " * 200, "检索式过长，只使用了前 500 个字符。"),
    ("省:", "筛选条件“省:”没有填写内容，已忽略。"),
    ("年:abc", "无法识别的年份“abc”，已忽略（示例：年:2021 或 年:2019-2023）。"),
    ("“”", "忽略了空的引号。"),
    ("：", "忽略了只含标点符号的“：”。"),
])
def test_odd_queries_return_a_result_with_a_notice(engine, q, notice):
    result = engine.search(SearchRequest(q=q))
    assert notice in result["notices"]
    assert set(result) >= {"query", "total", "page", "per_page", "hits", "facets", "notices"}


def test_query_cut_at_500_characters_searches_the_cut_text(engine, oracle):
    assert engine.search(SearchRequest(q="工会 " * 200, synonyms=False))["total"] == len(oracle.containing("工会"))
    cut = engine.search(SearchRequest(q="职工书屋 " * 100 + "乙丙丁", synonyms=False))
    assert cut["total_all_terms"] == 17  # cut before 乙丙丁
    assert engine.search(SearchRequest(q="foo:bar"))["total"] == 0


# --- Request validation --------------------------------------------------------------------------

@pytest.mark.parametrize("request_, message", [
    (SearchRequest(sort="best"), "未知的排序方式“best”"),
    (SearchRequest(per_page=0), "每页条数须在 1 到 100 之间"),
    (SearchRequest(per_page=1000), "每页条数须在 1 到 100 之间"),
    (SearchRequest(page=0), "页码须在 1 到 100000 之间"),
    (SearchRequest(page=100_001), "页码须在 1 到 100000 之间"),
])
def test_bad_requests_raise_query_error_with_a_hint(engine, request_, message):
    with pytest.raises(QueryError) as caught:
        engine.search(request_)
    assert caught.value.message == message
    assert caught.value.hint
    assert caught.value.to_dict()["status"] == 400


def test_page_past_the_end_is_empty_but_counts(engine):
    result = engine.search(SearchRequest(q="小三级", synonyms=False, page=3, per_page=5))
    assert (result["total"], result["hits"]) == (9, [])


def test_missing_index_raises_index_missing(tmp_path):
    with pytest.raises(IndexMissing) as caught:
        SearchIndex(tmp_path / "nowhere").search(SearchRequest(q="工会"))
    assert caught.value.hint == "先运行 unionsearch index 文件夹 建立索引"
    assert caught.value.status == 503


def test_search_sees_a_commit_made_after_it_opened(tmp_path):
    index_dir = build_index(tmp_path, {"a.txt": "第一篇标题\n\n职工书屋建设。\n"})
    engine_ = SearchIndex(index_dir)
    assert engine_.search(SearchRequest(q="书屋"))["total"] == 1
    build_index(tmp_path, {"b.txt": "第二篇标题\n\n书屋又建一个。\n"})
    assert engine_.search(SearchRequest(q="书屋"))["total"] == 2


# --- Snippets ------------------------------------------------------------------------------------

HOSTILE = (
    "河北省总工会2022年职工书屋建设工作总结\n\n"
    "<script>alert(1)</script>职工书屋建设取得新进展，</mark>文字 & 职工 书屋 <b>12</b>个，职工书屋。\n\n"
    "全省工会的ＡＰＰ上线，app 用户多，App 好用。\n"
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> SearchIndex:
    return SearchIndex(build_index(tmp_path_factory.mktemp("hostile"), {"markup.txt": HOSTILE}))


def _body_snippet(index: SearchIndex, q: str) -> str:
    hits = index.search(SearchRequest(q=q, synonyms=False))["hits"]
    (hit,) = [h for h in hits if h["kind"] == "body" and "script" in h["text"]]
    return hit["snippet"]


def test_snippet_marks_every_occurrence_and_escapes_the_rest(hostile):
    assert _body_snippet(hostile, "职工书屋") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;<mark>职工书屋</mark>建设取得新进展，&lt;/mark&gt;文字 &amp; "
        "<mark>职工 书屋</mark> &lt;b&gt;12&lt;/b&gt;个，<mark>职工书屋</mark>。"
    )


def test_snippet_marks_a_phrase_as_one_and_markup_text_as_text(hostile):
    assert _body_snippet(hostile, '"职工书屋建设"').count("<mark>") == 1
    assert "<mark>职工书屋建设</mark>" in _body_snippet(hostile, '"职工书屋建设"')
    assert "<mark>&lt;/mark&gt;</mark>" in _body_snippet(hostile, '"</mark>"')
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in _body_snippet(hostile, "script")


def test_snippet_marks_every_term_of_an_and_query(hostile):
    snippet = _body_snippet(hostile, "书屋 文字")
    assert snippet.count("<mark>") == 4
    assert "<mark>文字</mark>" in snippet


def test_snippet_marks_folded_forms(hostile):
    (hit,) = hostile.search(SearchRequest(q="APP", synonyms=False))["hits"]
    assert hit["snippet"] == "全省工会的<mark>ＡＰＰ</mark>上线，<mark>app</mark> 用户多，<mark>App</mark> 好用。"


def test_snippets_of_the_sample_leave_no_occurrence_unmarked(engine):
    for q in ("工会", "职工书屋 OR 小三级", '"会、站、家"'):
        literals = engine.search(SearchRequest(q=q, synonyms=False))["literals"]
        for hit in all_hits(engine, q, synonyms=False)[0]:
            outside = re.sub(r"<mark>.*?</mark>", "|", hit["snippet"])
            assert "<" not in outside
            for literal in literals:
                assert squeeze(literal) not in squeeze(html.unescape(outside)), hit["id"]
