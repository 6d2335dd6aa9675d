"""Indexing records without files (index.writer.write_records), then searching them."""

from __future__ import annotations

import pytest

from index.articles import paragraph_id
from index.model import Article, Paragraph
from index.writer import update_index, write_records
from search.engine import SearchIndex, SearchRequest
from search.sphinxql.nodes import local_cluster
from search.sphinxql.searcher import SphinxSearchIndex
from search.sphinxql.writer import write_cluster_records
from tests.sphinx_fixtures import needs_searchd


def article(article_id: str, title: str, source: str, texts: list[str], **meta) -> Article:
    """Return an article whose first paragraph is its title, the rest body paragraphs."""
    paragraphs = [Paragraph(paragraph_id(article_id, i), "title" if i == 0 else "body", "", text)
                  for i, text in enumerate([title, *texts])]
    return Article(article_id, title, source, paragraphs=paragraphs, **meta)


BOOKS = article("a1", "职工书屋建设", "records/a", ["全市建成职工书屋一千八百多家。", "开展读书活动五百场次。"],
                province="河南省", city="郑州市", year=2023, level="city")
AID = article("b1", "困难职工帮扶", "records/b", ["走访慰问困难职工两千余户。"], province="河北省", year=2021)


def search(index_dir, q: str, **options) -> dict:
    """Run one search with synonyms and vectors off, so the hits are the literal matches."""
    return SearchIndex(index_dir).search(SearchRequest(q=q, synonyms=False, semantic=False, **options))


@pytest.fixture
def index_dir(tmp_path):
    summary = write_records(tmp_path / "ix", [BOOKS, AID])
    assert (summary.added, summary.updated, summary.articles, summary.paragraphs) == (2, 0, 2, 5)
    return tmp_path / "ix"


def test_records_are_searched_with_their_facets(index_dir):
    result = search(index_dir, "职工")
    assert [(h["id"], h["text"]) for h in result["hits"]] == [
        ("a1-0000", "职工书屋建设"), ("b1-0000", "困难职工帮扶"),
        ("a1-0001", "全市建成职工书屋一千八百多家。"), ("b1-0001", "走访慰问困难职工两千余户。"),
    ]
    assert result["hits"][3]["snippet"] == "走访慰问困难<mark>职工</mark>两千余户。"
    assert result["facets"]["province"] == [{"value": "河北省", "count": 2}, {"value": "河南省", "count": 2}]
    assert result["facets"]["year"] == [{"value": 2023, "count": 2}, {"value": 2021, "count": 2}]
    assert result["facets"]["level"] == [{"value": "city", "count": 2}]
    assert result["facets"]["kind"] == [{"value": "body", "count": 2}, {"value": "title", "count": 2}]


def test_a_filter_keeps_one_records_paragraphs(index_dir):
    result = search(index_dir, "读书", filters={"province": ["河南省"]})
    assert [h["id"] for h in result["hits"]] == ["a1-0002"]
    assert search(index_dir, "读书", filters={"province": ["河北省"]})["total"] == 0


def test_records_of_a_source_replace_what_it_held(index_dir):
    changed = article("a1", "职工书屋建设", "records/a", ["开展读书活动六百场次。"], province="河南省", year=2024)
    summary = write_records(index_dir, [changed])
    assert (summary.added, summary.updated, summary.articles, summary.paragraphs) == (0, 1, 2, 4)
    assert [h["text"] for h in search(index_dir, "读书")["hits"]] == ["开展读书活动六百场次。"]
    assert search(index_dir, "一千八百多家")["total"] == 0
    assert search(index_dir, "帮扶")["total"] == 1


def test_a_run_over_files_keeps_records_outside_its_folders(index_dir, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "c.txt").write_text("新就业形态劳动者建会入会\n\n　　推动快递员加入工会。", encoding="utf-8")
    summary = update_index(index_dir, [folder])
    assert (summary.added, summary.removed, summary.articles, summary.paragraphs) == (1, 0, 3, 7)
    assert [h["id"] for h in search(index_dir, "困难职工")["hits"]] == ["b1-0000", "b1-0001"]


@needs_searchd
def test_the_cluster_indexes_the_same_records(tmp_path):
    cluster = local_cluster(tmp_path / "cluster", 2)
    cluster.start_all()
    try:
        summary = write_cluster_records(cluster.url, [BOOKS, AID])
        assert (summary.added, summary.articles, summary.paragraphs) == (2, 2, 5)
        remote = SphinxSearchIndex(cluster.url)
        result = remote.search(SearchRequest(q="职工", synonyms=False, semantic=False))
        assert sorted(h["id"] for h in result["hits"]) == ["a1-0000", "a1-0001", "b1-0000", "b1-0001"]
        assert result["facets"]["province"] == [{"value": "河北省", "count": 2}, {"value": "河南省", "count": 2}]
        changed = article("a1", "职工书屋建设", "records/a", ["开展读书活动六百场次。"], province="河南省")
        assert write_cluster_records(cluster.url, [changed]).updated == 1
        again = remote.search(SearchRequest(q="读书", synonyms=False, semantic=False))
        assert [h["text"] for h in again["hits"]] == ["开展读书活动六百场次。"]
    finally:
        cluster.stop_all()
