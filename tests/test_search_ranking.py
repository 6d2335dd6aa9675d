"""Ranking and ordering of SearchIndex.search on a tiny index whose texts the tests control."""

from __future__ import annotations

from pathlib import Path

import pytest

import search.scoring
from search.engine import SearchIndex, SearchRequest
from tests.search_fixtures import all_hits, engine, markdown_index, synonyms_of, write_markdown  # noqa: F401

NEUTRAL = "开展读书月活动，丰富职工文化生活。"


@pytest.fixture(scope="module")
def ranking(tmp_path_factory) -> SearchIndex:
    """Return an index of small articles built to isolate one ranking signal each."""
    root = tmp_path_factory.mktemp("ranking")
    with markdown_index(root, province="河北省") as w:
        # Exact against synonym-only: the synonym article is newer, repeats the word and has it in its title.
        w("exact_old.md", "甲市年度工作回顾", ["全年召开职代会一次，审议通过多项制度，职工群众参与热情较高，会议取得圆满成功。"], year=2000)
        w("synonym_new.md", "职工代表大会专题报道", ["职工代表大会职工代表大会召开，职工代表大会审议通过。"], year=2024)
        # The typed words side by side against scattered (the adjacent paragraph is longer).
        w("adjacent.md", "甲县工作简报", ["今年新建职工书屋十家，惠及广大职工群众。"], year=2022)
        w("scattered.md", "乙县工作简报", ["今年职工新建书屋十家，惠及一线群众。"], year=2022)
        # The same paragraph under a matching article title, a matching heading, or neither.
        w("title.md", "读书驿站建设经验", ["持续完善驿站设施，服务职工阅读。"], year=2022)
        w("plain_title.md", "年度综合工作情况", ["持续完善驿站设施，服务职工阅读。"], year=2022)
        w("heading.md", "丙市年度工作情况", ["## 一、驿站阵地建设", "持续完善驿站设施，服务职工阅读。"], year=2022)
        w("plain_heading.md", "丁市年度工作情况", ["## 一、基层组织建设", "持续完善驿站设施，服务职工阅读。"], year=2022)
        # Years for sorting, one undated; a synonym-only paragraph in 2023.
        for year in (2019, 2023, 2021):
            w(f"warmth_{year}.md", f"{year}年度工作情况", ["深入开展送温暖活动，走访慰问困难职工。"], year=year)
        w("warmth_synonym.md", "暖心专题工作情况", ["深入开展暖心行动活动，走访慰问困难职工。"], year=2023)
        w("warmth_undated.md", "无日期工作情况", ["深入开展送温暖活动，走访慰问困难职工。"])
        # Identical paragraphs in identical-looking articles of one year: equal scores.
        for n in range(1, 6):
            w(f"tie_{n}.md", f"第{n}号简报", [NEUTRAL], year=2022)
        # The same article in an old and a new year: only the recency preference tells them apart.
        w("recent_old.md", "劳动竞赛情况", ["组织开展技能比武活动。"], year=1990)
        w("recent_new.md", "劳动竞赛情况", ["组织开展技能比武活动。"], year=2024)
    return SearchIndex(root / "index", synonyms=synonyms_of(("职代会", "职工代表大会"), ("送温暖", "暖心行动")))


def _bodies(result_hits: list[dict]) -> list[dict]:
    return [h for h in result_hits if h["kind"] == "body"]


def _hits(index: SearchIndex, q: str, **options) -> list[dict]:
    return all_hits(index, q, **options)[0]


# --- Exact before synonyms -----------------------------------------------------------------------

def test_exact_matches_rank_above_synonym_only_matches(ranking):
    hits = _hits(ranking, "职代会")
    assert [h["title"] for h in hits] == ["甲市年度工作回顾", "职工代表大会专题报道", "职工代表大会专题报道"]
    assert sorted(h["kind"] for h in hits[1:]) == ["body", "title"]
    # On its own score the synonym article would win: the order is the tier, not luck.
    assert max(h["score"] for h in hits[1:]) > hits[0]["score"]


def test_exact_tier_holds_across_pages(ranking):
    pages = [ranking.search(SearchRequest(q="职代会", per_page=1, page=p))["hits"] for p in (1, 2, 3, 4)]
    assert [[h["title"] for h in page] for page in pages] == [
        ["甲市年度工作回顾"], ["职工代表大会专题报道"], ["职工代表大会专题报道"], []]


def test_without_synonyms_only_exact_matches_are_found(ranking):
    assert [h["title"] for h in _hits(ranking, "职代会", synonyms=False)] == ["甲市年度工作回顾"]


# --- Phrase, title and heading signals -----------------------------------------------------------

def test_whole_phrase_ranks_above_scattered_words(ranking):
    assert [h["title"] for h in _bodies(_hits(ranking, "职工 书屋"))] == ["甲县工作简报", "乙县工作简报"]
    assert [h["title"] for h in _hits(ranking, '"职工书屋"')] == ["甲县工作简报"]


def test_phrase_order_comes_from_the_together_signal(ranking, monkeypatch):
    # Control: without the side-by-side signal, the shorter scattered paragraph wins.
    monkeypatch.setattr(search.scoring, "ADJACENT_BONUS", 0.0)
    assert [h["title"] for h in _bodies(_hits(ranking, "职工 书屋"))] == ["乙县工作简报", "甲县工作简报"]


def test_title_match_boosts_every_paragraph_of_the_article(ranking):
    titles = [h["title"] for h in _bodies(_hits(ranking, "驿站"))]
    assert titles.index("读书驿站建设经验") < titles.index("年度综合工作情况")


def test_heading_match_boosts_the_paragraphs_under_it(ranking):
    bodies = _bodies(_hits(ranking, "驿站"))
    sections = {h["title"]: h["section"] for h in bodies}
    assert sections["丙市年度工作情况"] == "一、驿站阵地建设"
    titles = [h["title"] for h in bodies]
    assert titles.index("丙市年度工作情况") < titles.index("丁市年度工作情况")
    assert titles.index("丙市年度工作情况") < titles.index("年度综合工作情况")


# --- Recency, sorting, ties ----------------------------------------------------------------------

def test_newer_document_wins_a_tie_by_a_capped_margin(ranking):
    hits = _bodies(_hits(ranking, "技能比武"))
    assert [h["year"] for h in hits] == [2024, 1990]
    # 34 years apart, yet the preference is capped at +10 %.
    assert hits[0]["score"] == pytest.approx(hits[1]["score"] * 1.1, rel=1e-3)


def test_sort_newest_orders_by_year_exact_first_undated_last(ranking):
    hits = _bodies(_hits(ranking, "送温暖", sort="newest"))
    assert [(h["year"], "送温暖" in h["text"]) for h in hits] == [
        (2023, True), (2023, False), (2021, True), (2019, True), (None, True)]


def test_sort_oldest_orders_by_year_undated_last(ranking):
    hits = _bodies(_hits(ranking, "送温暖", sort="oldest"))
    assert [(h["year"], "送温暖" in h["text"]) for h in hits] == [
        (2019, True), (2021, True), (2023, True), (2023, False), (None, True)]


def test_sort_by_year_pages_agree_with_one_long_page(ranking):
    whole = [h["id"] for h in _hits(ranking, "", sort="newest")]
    paged = []
    for page in range(1, len(whole) // 3 + 2):
        paged += [h["id"] for h in ranking.search(SearchRequest(q="", sort="newest", per_page=3, page=page))["hits"]]
    assert paged == whole
    years = [h["year"] or 0 for h in _hits(ranking, "", sort="newest")]
    dated = [y for y in years if y]
    assert dated == sorted(dated, reverse=True) and years[len(dated):] == [0] * (len(years) - len(dated))


def test_ties_keep_one_order_across_searches_and_pages(ranking):
    first = [h["id"] for h in _bodies(_hits(ranking, "读书月"))]
    scores = {h["score"] for h in _bodies(_hits(ranking, "读书月"))}
    assert len(first) == 5 and len(scores) == 1
    again = [h["id"] for h in _bodies(_hits(ranking, "读书月"))]
    one_by_one = [ranking.search(SearchRequest(q="读书月 类型:正文", per_page=1, page=p))["hits"][0]["id"]
                  for p in range(1, 6)]
    assert first == again == one_by_one
    assert first == sorted(first, key=first.index)  # no duplicates, a total order


def test_scores_are_plain_numbers_in_every_sort(ranking):
    for sort in ("relevance", "newest", "oldest"):
        hits = _hits(ranking, "送温暖", sort=sort)
        assert all(isinstance(h["score"], float) and h["score"] > 0 for h in hits)
    by_id = {h["id"]: h["score"] for h in _hits(ranking, "送温暖")}
    assert {h["id"]: h["score"] for h in _hits(ranking, "送温暖", sort="oldest")} == by_id


def test_result_shape(ranking):
    result = ranking.search(SearchRequest(q="职代会"))
    assert set(result) >= {"query", "total", "page", "per_page", "hits", "facets", "notices"}
    assert set(result["facets"]) == {"province", "city", "year", "theme", "level", "doc_type", "kind"}
    assert set(result["hits"][0]) >= {"id", "article_id", "title", "source", "province", "city", "county", "unit",
                                      "level", "year", "doc_type", "kind", "section", "themes", "text", "snippet",
                                      "score"}
    assert Path(result["hits"][0]["source"]).name == "exact_old.md"


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_small_pages_agree_with_one_long_page_on_the_sample(engine, sort):
    # 全总 has exact and synonym-only matches in two years: pages cross tier and year borders.
    whole = [h["id"] for h in _hits(engine, "全总", sort=sort)]
    assert len(whole) == 36
    paged = []
    for page in range(1, 7):
        paged += [h["id"] for h in engine.search(SearchRequest(q="全总", sort=sort, per_page=7, page=page))["hits"]]
    assert paged == whole
    exact = ["全总" in h["text"] for h in _hits(engine, "全总", sort=sort)]
    if sort == "relevance":
        assert exact == sorted(exact, reverse=True)
