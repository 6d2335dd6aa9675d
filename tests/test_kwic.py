"""The concordance over an index (search/concordance.py): every occurrence, sorted, counted."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from index.writer import update_index
from search.engine import SearchIndex
from search.errors import QueryError
from search.concordance import concordance
from tests.search_fixtures import engine, oracle, squeeze, write_markdown  # noqa: F401


def _occurrences(oracle, phrase: str) -> Counter:
    """Count the non-overlapping occurrences of ``phrase`` per paragraph, the brute-force way."""
    needle = squeeze(phrase)
    return Counter({pid: text.count(needle) for pid, text in oracle.squeezed.items() if needle in text})


@pytest.mark.parametrize("phrase", ["小三级", "职工书屋", "工会", "会、站、家", "12351", "ＡＰＰ"])
def test_every_occurrence_is_a_line(engine, oracle, phrase):
    result = concordance(engine, phrase, limit=5000, synonyms=False)
    expected = _occurrences(oracle, phrase)
    assert result["total"] == sum(expected.values()) == len(result["lines"])
    assert result["paragraphs"] == len(expected)
    assert Counter(line["paragraph_id"] for line in result["lines"]) == expected


def test_known_totals_of_the_sample(engine):
    assert [concordance(engine, p, synonyms=False)["total"] for p in ("小三级", "职工书屋", "工会")] == [10, 23, 2016]


def test_lines_rebuild_the_text_around_each_match(engine, oracle):
    result = concordance(engine, "小三级", context=6, synonyms=False)
    for line in result["lines"]:
        text = oracle.stored[line["paragraph_id"]]["text"]
        assert line["match"] == "小三级"
        assert line["left"] + line["match"] + line["right"] in text
        assert len(line["left"]) <= 6 and len(line["right"]) <= 6
    first = result["lines"][0]
    assert (first["left"], first["match"], first["right"]) == ("，充分发挥“", "小三级", "”工会“兜底")
    assert first["title"] == "青海省工会工作5年综述" and first["province"] == "青海省" and first["year"] == 2023


def test_sort_right_and_left(engine):
    right = concordance(engine, "小三级", sort="right", context=6, synonyms=False)["lines"]
    left = concordance(engine, "小三级", sort="left", context=6, synonyms=False)["lines"]

    def strip(text: str) -> str:
        return re.sub(r"\s+", "", text)

    assert [strip(l["right"]) for l in right] == sorted(strip(l["right"]) for l in right)
    assert [strip(l["left"])[::-1] for l in left] == sorted(strip(l["left"])[::-1] for l in left)
    assert [l["left"] for l in left][:2] == ["建设，健全“", "行动，完善“"]
    assert sorted(map(str, right)) == sorted(map(str, left))  # the same lines, only reordered


def test_counts_by_province_and_year_sum_to_total(engine):
    result = concordance(engine, "小三级", synonyms=False)
    assert result["by_province"] == [
        {"value": "湖北省", "count": 3}, {"value": "甘肃省", "count": 2}, {"value": "青海省", "count": 2},
        {"value": "河南省", "count": 1}, {"value": "湖南省", "count": 1}, {"value": "（未知）", "count": 1}]
    assert result["by_year"] == [{"value": 2023, "count": 9}, {"value": 2021, "count": 1}]
    assert result["undated"] == 0
    for phrase in ("工会", "职工书屋", "12351"):
        result = concordance(engine, phrase, synonyms=False)
        assert sum(e["count"] for e in result["by_province"]) == result["total"]
        assert sum(e["count"] for e in result["by_year"]) + result["undated"] == result["total"]


def test_limit_cuts_lines_not_counts(engine):
    result = concordance(engine, "工会", limit=50)
    assert len(result["lines"]) == 50 and result["total"] == 2016


def test_quoted_phrase_is_unquoted(engine):
    for quoted in ('"小三级"', "“小三级”", "「小三级」", " 小三级 "):
        result = concordance(engine, quoted, synonyms=False)
        assert (result["query"], result["total"]) == ("小三级", 10)


def test_undated_occurrences_are_counted_apart(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "dated.md", "甲单位工作情况", ["开展送温暖活动，送温暖到一线。"], year=2020)
    write_markdown(docs, "undated.md", "乙单位工作情况", ["开展送温暖活动。"])
    update_index(tmp_path / "index", [docs])
    result = concordance(SearchIndex(tmp_path / "index"), "送温暖")
    assert result["total"] == 3
    assert result["by_year"] == [{"value": 2020, "count": 2}]
    assert result["undated"] == 1
    assert result["by_province"] == [{"value": "（未知）", "count": 3}]


@pytest.mark.parametrize("phrase, sort, context, message", [
    ("", "right", 30, "索引行需要一个检索词"),
    ('""', "right", 30, "索引行需要一个检索词"),
    ("省:河北 年:2023", "right", 30, "索引行需要一个检索词"),
    ("-工会", "right", 30, "索引行需要一个检索词"),
    ("工会", "middle", 30, "未知的排序方式 'middle'"),
    ("工会", "right", 0, "上下文字数须在 1 到 80 之间"),
    ("工会", "right", 81, "上下文字数须在 1 到 80 之间"),
])
def test_bad_requests(engine, phrase, sort, context, message):
    with pytest.raises(QueryError) as caught:
        concordance(engine, phrase, sort=sort, context=context)
    assert caught.value.message == message and caught.value.hint


def test_a_phrase_found_nowhere(engine):
    result = concordance(engine, "乙丙丁戊")
    assert (result["total"], result["paragraphs"], result["lines"], result["by_province"]) == (0, 0, [], [])


def test_counts_by_stretches_of_paragraphs(tmp_path):
    """Occurrences are counted over runs of consecutive matching paragraphs of one article."""
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "甲市工会简报", ["送温暖一次。", "送温暖两次，送温暖。", "没有那个词。", "送温暖三次。"],
                   year=2021)
    write_markdown(docs, "b.md", "乙市工会简报", ["送温暖。"], year=2020)
    update_index(tmp_path / "ix", [docs])
    index = SearchIndex(tmp_path / "ix")
    generation = index.generation()
    docnums = np.flatnonzero(generation.literal_mask("送温暖"))
    firsts, counts = generation.occurrence_counts("送温暖", docnums)
    assert counts.tolist() == [3, 1, 1]  # 甲: two paragraphs, then one after a gap; 乙
    assert [generation.title_of(int(d)) for d in firsts] == ["甲市工会简报", "甲市工会简报", "乙市工会简报"]
    assert concordance(index, "送温暖")["by_year"] == [{"value": 2021, "count": 4}, {"value": 2020, "count": 1}]
