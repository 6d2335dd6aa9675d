"""The judged relevance set (tests/data/relevance) is well-formed and the harness's metrics are right."""

from __future__ import annotations

import math
import tomllib
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

from search.engine import SearchIndex

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "relevance"


def _load_harness():
    """Import scripts/eval_relevance (a script without .py) as a module."""
    loader = SourceFileLoader("eval_relevance", str(REPO / "scripts" / "eval_relevance"))
    module = module_from_spec(spec_from_loader("eval_relevance", loader))
    loader.exec_module(module)
    return module


harness = _load_harness()
QUERIES = harness.load_queries()


@pytest.fixture(scope="module")
def relevance_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """Return an index of index/sample/ and the gathered documents, built in a temporary folder."""
    return SearchIndex(harness.build_index(tmp_path_factory.mktemp("relevance") / "index"))


def test_the_set_has_enough_queries_of_every_category():
    ids = [q["id"] for q in QUERIES]
    assert len(QUERIES) >= 60
    assert len(set(ids)) == len(ids)
    assert {q["category"] for q in QUERIES} == set(harness.CATEGORIES)
    for category in harness.CATEGORIES:
        assert sum(q["category"] == category for q in QUERIES) >= 8, category


def test_every_query_has_three_to_eight_graded_excerpts():
    corpus_files = {p.name for folder in harness.CORPUS for p in folder.iterdir()}
    for query in QUERIES:
        judgments = query["judgments"]
        assert query["q"].strip() and query["need"].strip(), query["id"]
        assert 3 <= len(judgments) <= 8, query["id"]
        assert len({j["excerpt"] for j in judgments}) == len(judgments), query["id"]
        for judgment in judgments:
            assert judgment["grade"] in (1, 2), query["id"]
            assert 10 <= len(judgment["excerpt"]) <= 30, (query["id"], judgment["excerpt"])
            assert judgment["file"] in corpus_files, (query["id"], judgment["file"])


def test_facet_and_heading_queries_carry_their_filters():
    for query in QUERIES:
        filters = harness.parse_query(query["q"]).filters
        if query["category"] == "facet":
            assert filters, query["id"]
        if query["category"] == "heading":
            assert filters.get("kind"), query["id"]


def test_every_gathered_document_has_its_origin_listed():
    with (DATA / "sources.toml").open("rb") as handle:
        sources = tomllib.load(handle)["doc"]
    listed = {doc["file"] for doc in sources}
    on_disk = {p.name for p in (DATA / "docs").iterdir()}
    assert listed == on_disk
    assert len(on_disk) >= 15
    assert all(doc["url"].startswith(("http://", "https://")) and doc["title"] for doc in sources)


def test_every_excerpt_is_found_in_exactly_one_paragraph_of_its_file(relevance_index):
    paras = harness.paragraphs(relevance_index)
    judged = harness.locate(QUERIES, paras)
    by_id = {p["id"]: p for p in paras}
    for query in QUERIES:
        grades = judged[query["id"]]
        assert len(grades) == len(query["judgments"]), query["id"]
        for judgment in query["judgments"]:
            (pid,) = [pid for pid in grades if harness.match_form(judgment["excerpt"]) in by_id[pid]["form"]]
            assert by_id[pid]["file"] == judgment["file"]
            assert grades[pid] == judgment["grade"]


def test_an_excerpt_that_is_missing_or_ambiguous_is_an_error(relevance_index):
    paras = harness.paragraphs(relevance_index)
    bad = [{"id": "X1", "judgments": [
        {"file": "d01_luji_yizhan_qingliang.md", "excerpt": "这句话不在任何文档里出现过", "grade": 2},
        {"file": "002_5b471ee912e3ac09.txt", "excerpt": "职工书屋", "grade": 1},
        {"file": "d02_duji_yizhan_qingliang.md", "excerpt": "炎炎夏日，持续高温给户外劳动者带", "grade": 1},
    ]}]
    with pytest.raises(harness.JudgmentError) as error:
        harness.locate(bad, paras)
    message = str(error.value)
    assert "这句话不在任何文档里出现过” is in 0 paragraphs" in message
    assert "职工书屋” is in " in message and "(must be exactly 1)" in message
    assert "is in d01_luji_yizhan_qingliang.md, not in the file named" in message


GRADES = {"a": 2, "b": 1, "c": 2}


def test_recall_counts_the_judged_paragraphs_in_the_top_k():
    assert harness.recall_at(["a", "x", "b", "y"], GRADES) == pytest.approx(2 / 3)
    assert harness.recall_at(["x", "a", "b", "c"], GRADES, k=2) == pytest.approx(1 / 3)
    assert harness.recall_at([], GRADES) == 0


def test_ndcg_uses_the_grade_as_gain_and_a_log2_discount():
    # DCG = 2/log2(2) + 1/log2(4) = 2.5; ideal (2, 2, 1) = 2 + 2/log2(3) + 1/2.
    expected = 2.5 / (2 + 2 / math.log2(3) + 0.5)
    assert harness.ndcg_at(["a", "x", "b", "y"], GRADES) == pytest.approx(expected)
    assert harness.ndcg_at(["a", "c", "b"], GRADES) == pytest.approx(1.0)
    assert harness.ndcg_at(["x", "y"], GRADES) == 0


def test_reciprocal_rank_is_one_over_the_first_judged_rank():
    assert harness.reciprocal_rank(["a", "x"], GRADES) == 1
    assert harness.reciprocal_rank(["x", "y", "b"], GRADES) == pytest.approx(1 / 3)
    assert harness.reciprocal_rank(["x"] * 10 + ["a"], GRADES) == 0


def test_naive_baseline_ranks_whole_string_matches_by_count():
    paras = [{"id": "p1", "form": "职工书屋职工书屋"}, {"id": "p2", "form": "职工书屋"},
             {"id": "p3", "form": "职工读书"}, {"id": "p4", "form": "职工书屋职工书屋职工书屋"}]
    assert harness.naive_ranking("职工 书屋 省:河北", paras) == ["p4", "p1", "p2"]
    assert harness.naive_ranking("省:河北", paras) == []


def test_literal_oracle_agrees_with_the_engine_on_the_set(relevance_index):
    paras = harness.paragraphs(relevance_index)
    admitted = harness.universe(relevance_index, "驿站 省:福建", paras)
    assert {p["file"] for p in admitted} >= {"002_5b471ee912e3ac09.txt", "d08_jinjiang_nuanxin_libao.md"}
    assert harness.literal_oracle(relevance_index, "驿站 省:福建", admitted)
    assert harness.unquoted_terms('工会 "职工书屋" 驿站 省:福建') == ["工会", "驿站"]
