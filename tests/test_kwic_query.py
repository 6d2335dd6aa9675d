"""The concordance obeys the whole query: every term, OR groups, synonyms (marked) and filters."""

from __future__ import annotations

from collections import Counter

import pytest

from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from search.export import citation
from search.concordance import DEFAULT_CITATION, concordance
from tests.search_fixtures import engine, oracle, squeeze, synonyms_of, write_markdown  # noqa: F401


def _brute(oracle, groups: list[list[str]], ids: set[str] | None = None) -> tuple[set[str], Counter]:
    """Return the paragraphs holding one literal of every group, and each literal's occurrences there.

    The literals used here never overlap one another, so each counts on its own.
    """
    selected = set(oracle.squeezed) if ids is None else set(ids)
    for group in groups:
        selected &= set().union(*(oracle.containing(literal) for literal in group))
    counts = Counter()
    for pid in selected:
        for literal in {x for group in groups for x in group}:
            counts[literal] += oracle.squeezed[pid].count(squeeze(literal))
    return selected, counts


def _terms(result: dict) -> dict[str, int]:
    return {entry["term"]: entry["count"] for entry in result["by_term"] if entry["count"]}


def test_every_term_of_an_and_query(engine, oracle):
    result = concordance(engine, "劳模 疗休养", limit=5000, synonyms=False)
    selected, counts = _brute(oracle, [["劳模"], ["疗休养"]])
    assert result["paragraphs"] == len(selected) == engine.search(SearchRequest(q="劳模 疗休养", synonyms=False))["total_all_terms"]
    assert result["total"] == sum(counts.values()) == len(result["lines"])
    assert _terms(result) == {k: v for k, v in counts.items() if v}
    assert {line["paragraph_id"] for line in result["lines"]} == selected
    assert {line["term"] for line in result["lines"]} == {"劳模", "疗休养"}


def test_an_or_group_shows_both_sides(engine, oracle):
    result = concordance(engine, "工匠|劳模", limit=5000, synonyms=False)
    selected, counts = _brute(oracle, [["工匠", "劳模"]])
    assert result["paragraphs"] == len(selected)
    assert result["total"] == sum(counts.values()) == len(result["lines"])
    assert _terms(result) == dict(counts) and counts["工匠"] > 0 and counts["劳模"] > 0
    assert result["query"] == "工匠 OR 劳模"


def test_synonyms_are_searched_and_marked(engine, oracle):
    result = concordance(engine, "职工书屋", limit=5000)
    literals = ["职工书屋", "职工书吧", "职工阅览室", "职工图书室"]
    selected, counts = _brute(oracle, [literals])
    assert result["total"] == sum(counts.values()) == len(result["lines"])
    assert result["total"] > concordance(engine, "职工书屋", synonyms=False)["total"] == counts["职工书屋"]
    marked = Counter(line["term"] for line in result["lines"] if line["synonym"])
    assert marked == Counter({k: v for k, v in counts.items() if k != "职工书屋" and v})
    assert all(line["match"] == "职工书屋" for line in result["lines"] if not line["synonym"])
    assert any("同时检索了同义词" in notice for notice in result["notices"])
    by_term = {e["term"]: e for e in result["by_term"]}
    assert by_term["职工书吧"]["synonym"] and by_term["职工书吧"]["of"] == "职工书屋"
    assert not concordance(engine, '"职工书屋"')["by_term"][0]["synonym"]  # a quoted phrase is never expanded
    assert len(concordance(engine, '"职工书屋"')["by_term"]) == 1


@pytest.mark.parametrize("q, filters, province", [
    ("工会 省:河北", None, "河北省"),
    ("工会", {"province": ["湖北"]}, "湖北省"),
])
def test_filters_in_the_box_and_from_the_sidebar(engine, oracle, q, filters, province):
    result = concordance(engine, q, filters=filters, limit=5000, synonyms=False)
    selected, counts = _brute(oracle, [["工会"]], oracle.where(province=province))
    assert result["paragraphs"] == len(selected) and result["total"] == counts["工会"]
    assert result["by_province"] == [{"value": province, "count": counts["工会"]}]
    assert {line["province"] for line in result["lines"]} == {province}
    assert result["filters"] == {"province": [province]}


def test_counts_by_year_cover_the_filtered_set(engine, oracle):
    result = concordance(engine, "职工 年:2021-2022", limit=5000, synonyms=False)
    ids = oracle.where(year=2021) | oracle.where(year=2022)
    selected, counts = _brute(oracle, [["职工"]], ids)
    expected = Counter()
    for pid in selected:
        expected[oracle.stored[pid]["year"]] += oracle.squeezed[pid].count("职工")
    assert result["by_year"] == [{"value": y, "count": n} for y, n in sorted(expected.items(), reverse=True)]
    assert result["total"] == sum(expected.values()) and result["undated"] == 0


def test_excluded_terms_drop_paragraphs_not_lines(engine, oracle):
    result = concordance(engine, "职工书屋 -农家书屋", limit=5000, synonyms=False)
    selected = oracle.containing("职工书屋") - oracle.containing("农家书屋")
    assert result["paragraphs"] == len(selected)
    assert {line["term"] for line in result["lines"]} == {"职工书屋"}


def test_each_line_carries_its_citation(engine):
    result = concordance(engine, "小三级", synonyms=False)
    hit = engine.search(SearchRequest(q="小三级", synonyms=False, per_page=100))["hits"]
    records = {h["id"]: h for h in hit}
    for line in result["lines"]:
        record = records[line["paragraph_id"]]
        assert line["citation"] == citation(record, DEFAULT_CITATION)
        assert line["citation"].startswith(f"——摘自《{record['title']}》")
    custom = concordance(engine, "小三级", synonyms=False, citation_format="{title}（{year}）")["lines"][0]
    assert custom["citation"] == f"{custom['title']}（{custom['year']}）"


def test_overlapping_terms_count_once_typed_terms_first(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "甲市工会简报", ["拨打12351热线，或12351。", "职工维权热线畅通。"], year=2021)
    write_markdown(docs, "b.md", "乙市工会简报", ["建设职工书屋，职工读书。"], year=2020)
    update_index(tmp_path / "index", [docs])
    index = SearchIndex(tmp_path / "index", synonyms=synonyms_of(("12351", "12351热线", "维权热线")))
    result = concordance(index, "12351")
    # 12351 inside 12351热线 is the typed term's occurrence; 维权热线 is found only through the synonym.
    assert [(line["match"], line["synonym"]) for line in sorted(result["lines"], key=lambda l: l["match"])] == [
        ("12351", False), ("12351", False), ("维权热线", True)]
    assert result["total"] == 3 and _terms(result) == {"12351": 2, "维权热线": 1}
    assert result["by_year"] == [{"value": 2021, "count": 3}]
    both = concordance(index, "职工 OR 职工书屋")
    assert sorted(line["match"] for line in both["lines"]) == ["职工", "职工", "职工书屋"]
    assert both["total"] == 3 and _terms(both) == {"职工": 2, "职工书屋": 1}


def test_a_query_nothing_matches_keeps_its_notices(engine):
    result = concordance(engine, "乙丙丁戊 省:火星")
    assert result["total"] == 0 and result["lines"] == []
    assert result["notices"]
