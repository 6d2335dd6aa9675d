"""句式 patterns (search/patterns.py): wildcards and NEAR/n, exact against brute force, with facets, highlights, concordance."""

from __future__ import annotations

import re

import pytest

from search.engine import SearchRequest
from search.concordance import concordance
from search.patterns import CLAUSE_MARKS, shown, to_patterns
from search.query import parse_query
from tests.search_fixtures import engine, hit_ids, oracle  # noqa: F401

CLAUSE = "[^" + re.escape(CLAUSE_MARKS) + "]"
CASES = {
    "推动*落实": f"推动{CLAUSE}*?落实",
    "坚持*，*为": f"坚持{CLAUSE}*?,{CLAUSE}*?为",  # the match form folds the full-width comma
    "职工?屋": f"职工{CLAUSE}屋",
    "劳模 NEAR/3 工匠": "劳模.{0,3}?工匠",
    "劳模 NEAR/0 工匠": "劳模工匠",
    "全?总*会": f"全{CLAUSE}总{CLAUSE}*?会",
}


def _matching(oracle, expression: str, ids: set[str] | None = None) -> dict[str, int]:
    pattern = re.compile(expression)
    scope = oracle.squeezed if ids is None else {p: oracle.squeezed[p] for p in ids}
    found = {pid: len(pattern.findall(text)) for pid, text in scope.items()}
    return {pid: n for pid, n in found.items() if n}


@pytest.mark.parametrize("q", list(CASES))
def test_a_pattern_finds_exactly_the_paragraphs_it_describes(engine, oracle, q):
    expected = _matching(oracle, CASES[q])
    assert expected, "the sample has matches"
    assert hit_ids(engine, q) == set(expected)


def test_a_pattern_obeys_filters_and_other_terms(engine, oracle):
    expected = _matching(oracle, CASES["推动*落实"], oracle.where(province="甘肃省"))
    assert hit_ids(engine, "推动*落实 省:甘肃") == set(expected)
    both = set(_matching(oracle, CASES["推动*落实"])) & oracle.containing("职工")
    assert hit_ids(engine, "推动*落实 职工") == both
    result = engine.search(SearchRequest(q="推动*落实", per_page=1))
    by_province = {f["value"]: f["count"] for f in result["facets"]["province"]}
    for province, count in by_province.items():
        assert count == len(set(_matching(oracle, CASES["推动*落实"])) & oracle.where(province=province))


def test_matches_are_highlighted(engine):
    for hit in engine.search(SearchRequest(q="推动*落实", per_page=20))["hits"]:
        marked = re.findall(r"<mark>(.*?)</mark>", hit["snippet"])
        assert marked and all(re.fullmatch(CASES["推动*落实"], m) for m in marked)


@pytest.mark.parametrize("q", ["推动*落实", "劳模 NEAR/3 工匠", "职工?屋"])
def test_the_concordance_lists_every_match(engine, oracle, q):
    expected = _matching(oracle, CASES[q])
    result = concordance(engine, q, limit=10_000)
    assert result["total"] == sum(expected.values()) == len(result["lines"])
    assert result["paragraphs"] == len(expected)
    assert all(re.fullmatch(CASES[q], line["match"]) for line in result["lines"])
    assert result["query"] == q and {line["term"] for line in result["lines"]} == {q}


def test_near_between_terms_only():
    joined = to_patterns(parse_query("劳模 NEAR/5 工匠 省:河北"))
    assert [[shown(t.text) for t in g] for g in joined.groups] == [["劳模 NEAR/5 工匠"]]
    assert joined.filters == {"province": ["河北"]}
    stray = to_patterns(parse_query("NEAR/5 工匠"))
    assert [[t.text for t in g] for g in stray.groups] == [["NEAR/5"], ["工匠"]]
    assert "要写在两个检索词之间" in stray.notices[-1]
    assert shown(to_patterns(parse_query("劳模 ＮＥＡＲ／２ 工匠")).groups[0][0].text) == "劳模 NEAR/2 工匠"


def test_quoted_and_full_width_question_marks_are_literal(engine, oracle):
    assert hit_ids(engine, '"推动*落实"') == oracle.containing("推动*落实") == set()
    assert hit_ids(engine, "有什么？", synonyms=False) == oracle.containing("有什么？")


def test_edge_wildcards_and_wildcards_alone(engine, oracle):
    assert hit_ids(engine, "职工书屋*") == hit_ids(engine, "*职工书屋") == oracle.containing("职工书屋")
    lone = engine.search(SearchRequest(q="职工 ?*"))  # nothing fixed to look for: dropped, said so
    assert lone["total"] == len(oracle.containing("职工")) and "忽略了只含标点符号的“?*”。" in lone["notices"]
