"""Reading paragraphs and articles back: listing, context, whole articles, similar paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import iter_ingest
from search.documents import article, list_articles, paragraph_context, similar_paragraphs
from search.engine import SearchIndex
from search.errors import DocumentNotFound, QueryError
from tests.conftest import SAMPLE_CORPUS
from tests.search_fixtures import build_index, engine, oracle  # noqa: F401

BAD_IDS = ["../../etc", "../../etc/passwd", "abc", "", "0123456789abcdef-9999", "0123456789ABCDEF-0001",
           "0123456789abcdef-0001/../../x", "0123456789abcdef\n-0001", "0123456789abcdef\n", None]


@pytest.fixture(scope="module")
def articles(engine) -> list[dict]:
    return list_articles(engine)


@pytest.fixture(scope="module")
def compilation(articles) -> dict:
    """Return the third article of the 34-article compilation: it has a middle and two ends."""
    return articles[2]


# --- Listing -------------------------------------------------------------------------------------

def test_listing_has_every_article_with_counts_summing_to_the_index(articles, oracle):
    assert len(articles) == 36
    assert sum(a["paragraph_count"] for a in articles) == len(oracle.stored) == 947
    for record in articles:
        assert record["paragraph_count"] == len(oracle.where(article_id=record["id"])), record["title"]


def test_listing_follows_file_order_then_article_order(articles):
    ingested = [(str(item.path.resolve()), a.title) for item in iter_ingest([SAMPLE_CORPUS]) for a in item.articles]
    assert [(a["source"], a["title"]) for a in articles] == ingested
    assert articles[0]["title"] == "凝聚“主力军”力量 助推高质量发展"
    assert articles[2]["title"] == "甘肃省工会第十二次代表大会以来工作综述"


def test_listing_records_have_the_inspect_fields_without_paragraphs(articles):
    assert set(articles[0]) == {"id", "title", "source", "organization", "province", "city", "county", "unit",
                                "level", "year", "years_covered", "doc_type", "byline", "paragraph_count"}


def test_listing_counts_only_live_paragraphs_after_updates(tmp_path):
    long_text = "河北省总工会2022年职工书屋建设工作总结\n\n第一段讲书屋。\n\n第二段讲工会。\n\n第三段讲书屋。\n"
    index_dir = build_index(tmp_path, {"a.txt": long_text, "b.txt": "河南省总工会工作综述\n\n工会工作很好。\n"})
    build_index(tmp_path, {"a.txt": "河北省总工会2022年职工书屋建设工作总结\n\n只剩一段。\n"})
    build_index(tmp_path, {"a.txt": long_text})  # back to the first content: the same ids again
    index = SearchIndex(index_dir)
    counts = {a["title"]: a["paragraph_count"] for a in list_articles(index)}
    assert counts == {"河北省总工会2022年职工书屋建设工作总结": 4, "河南省总工会工作综述": 2}
    record = next(a for a in list_articles(index) if a["paragraph_count"] == 4)
    assert [p["text"] for p in article(index, record["id"])["paragraphs"]] == [
        "河北省总工会2022年职工书屋建设工作总结", "第一段讲书屋。", "第二段讲工会。", "第三段讲书屋。"]


# --- Context -------------------------------------------------------------------------------------

def test_context_in_the_middle(engine, compilation):
    pid = f"{compilation['id']}-0005"
    record = paragraph_context(engine, pid, before=2, after=3)
    assert record["id"] == pid and record["position"] == 5
    assert [p["position"] for p in record["before"]] == [3, 4]
    assert [p["position"] for p in record["after"]] == [6, 7, 8]
    whole = article(engine, compilation["id"])["paragraphs"]
    assert [p["text"] for p in record["before"] + [record] + record["after"]] == [p["text"] for p in whole[3:9]]


def test_context_at_the_ends_is_cut_by_the_article(engine, compilation):
    last = compilation["paragraph_count"] - 1
    first = paragraph_context(engine, f"{compilation['id']}-0000", before=2, after=2)
    assert first["before"] == [] and [p["position"] for p in first["after"]] == [1, 2]
    end = paragraph_context(engine, f"{compilation['id']}-{last:04d}", before=2, after=2)
    assert end["after"] == [] and [p["position"] for p in end["before"]] == [last - 2, last - 1]
    assert all(p["article_id"] == compilation["id"] for p in first["after"] + end["before"])


def test_context_of_zero(engine, compilation):
    record = paragraph_context(engine, f"{compilation['id']}-0003", before=0, after=0)
    assert (record["before"], record["after"]) == ([], [])


@pytest.mark.parametrize("before, after", [(-1, 2), (2, 21), (100, 0)])
def test_context_bounds(engine, compilation, before, after):
    with pytest.raises(QueryError) as caught:
        paragraph_context(engine, f"{compilation['id']}-0003", before=before, after=after)
    assert caught.value.hint == "例如 before=2&after=2"


# --- Whole article -------------------------------------------------------------------------------

def test_article_has_every_paragraph_in_order(engine, compilation, oracle):
    record = article(engine, compilation["id"])
    positions = [p["position"] for p in record["paragraphs"]]
    assert positions == list(range(compilation["paragraph_count"]))
    assert record["title"] == compilation["title"] == record["paragraphs"][0]["text"]
    assert record["paragraphs"][0]["kind"] == "title"
    assert {p["id"] for p in record["paragraphs"]} == oracle.where(article_id=compilation["id"])


def test_article_marks_highlight_terms_escaped(engine, compilation):
    record = article(engine, compilation["id"], highlight=["工会"])
    marked = [p["marked"] for p in record["paragraphs"]]
    assert str(marked[0]) == "甘肃省<mark>工会</mark>第十二次代表大会以来工作综述"
    assert all(str(m).count("<mark>") == p["text"].count("工会") for m, p in zip(marked, record["paragraphs"]))
    assert "marked" not in article(engine, compilation["id"])["paragraphs"][0]


# --- Similar paragraphs --------------------------------------------------------------------------

def test_similar_paragraphs_come_from_other_articles_with_scores(engine, articles):
    pid = f"{articles[1]['id']}-0003"
    result = similar_paragraphs(engine, pid)
    assert result["paragraph"]["id"] == pid
    similar = result["similar"]
    assert len(similar) == 10
    assert all(p["article_id"] != articles[1]["id"] for p in similar)
    assert all(p["kind"] != "title" for p in similar)
    scores = [p["score"] for p in similar]
    assert all(isinstance(s, float) and s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert "听党话" in similar[0]["text"]  # the paragraph is 一、团结引导职工群众听党话、跟党走


def test_similar_respects_the_limit(engine, articles):
    assert len(similar_paragraphs(engine, f"{articles[1]['id']}-0003", limit=3)["similar"]) == 3


# --- Unknown ids ---------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("reader", [paragraph_context, similar_paragraphs, article])
def test_unknown_ids_raise_document_not_found(engine, reader, bad):
    with pytest.raises(DocumentNotFound) as caught:
        reader(engine, bad)
    assert caught.value.status == 404


def test_an_article_id_is_not_a_paragraph_id(engine, compilation):
    with pytest.raises(DocumentNotFound):
        paragraph_context(engine, compilation["id"])
    with pytest.raises(DocumentNotFound):
        article(engine, f"{compilation['id']}-0001")


def test_readers_on_a_missing_index_raise_index_missing(tmp_path):
    from search.errors import IndexMissing

    index = SearchIndex(tmp_path / "none")
    with pytest.raises(IndexMissing):
        list_articles(index)
    with pytest.raises(IndexMissing):
        article(index, "0123456789abcdef")


def test_sample_ids_have_the_documented_shape(oracle):
    assert all(len(pid) == 21 and pid[16] == "-" for pid in oracle.stored)
    assert Path(next(iter(oracle.stored.values()))["source"]).parent == SAMPLE_CORPUS


def test_similar_looks_past_the_paragraphs_of_its_own_article(tmp_path):
    same = "\n\n".join(f"第{n}次开展职工书屋读书分享活动，书屋藏书丰富。" for n in range(1, 9))
    index_dir = build_index(tmp_path, {
        "a.txt": f"甲单位工作情况\n\n{same}\n",
        "b.txt": "乙单位工作情况\n\n开展职工书屋读书分享活动。\n\n另有一段完全无关的文字。\n",
    })
    index = SearchIndex(index_dir)
    (own,) = [a for a in list_articles(index) if a["title"] == "甲单位工作情况"]
    result = similar_paragraphs(index, f"{own['id']}-0001", limit=1)
    assert [p["text"] for p in result["similar"]] == ["开展职工书屋读书分享活动。"]
