"""What a page shows, assembled by one library call (search/pages.py), on the sample index."""

from __future__ import annotations

import pytest

from search.documents import article, list_articles, paragraph_context
from search.engine import SearchRequest
from search.errors import DocumentNotFound
from search.concordance import concordance
from search.pages import (
    ConcordanceOptions,
    city_provinces,
    collocations_table,
    heading_table,
    highlight_terms,
    marked_article,
    paragraph_with_spans,
    phrases_table,
    search_concordance,
    search_page,
)

Q = "职工书屋"
KWIC = ConcordanceOptions(sort="right", context=10, limit=500, citation_format="《{title}》")


def test_search_page_holds_the_result_the_concordance_and_organizations(search_index):
    search = SearchRequest(q=Q, filters={"province": ["河北省"]})
    page = search_page(search_index, search, kwic=KWIC)
    expected_result = search_index.search(search)
    assert {**page["result"], "took_ms": 0} == {**expected_result, "took_ms": 0}
    expected = concordance(search_index, Q, filters={"province": ["河北省"]}, sort="right", context=10, limit=500,
                           citation_format="《{title}》")
    assert [{k: v for k, v in line.items() if k != "copy_text"} for line in page["kwic"]["lines"]] == expected["lines"]
    assert page["kwic"]["total"] == expected["total"] > 0
    organizations = {a["id"]: a.get("organization") for a in list_articles(search_index)}
    assert [h["organization"] for h in page["hits"]] == [organizations[h["article_id"]] for h in page["result"]["hits"]]
    assert page["idle"] is False and page["articles"] == []


def test_concordance_lines_carry_their_copy_text(search_index):
    kwic = search_concordance(search_index, SearchRequest(q=Q), KWIC)
    assert kwic["lines"]
    for line in kwic["lines"]:
        assert line["copy_text"] == f"{line['left']}{line['match']}{line['right']}\n《{line['title']}》"


@pytest.mark.parametrize("q", ["", "省:河北", "年:2023"])
def test_filters_alone_draw_no_concordance_nor_workbench_table(search_index, q):
    assert search_concordance(search_index, SearchRequest(q=q), KWIC) is None
    assert collocations_table(search_index, q) is None
    assert phrases_table(search_index, q) is None
    assert heading_table(search_index, q) is None


def test_an_empty_search_lists_the_articles(search_index):
    page = search_page(search_index, SearchRequest())
    assert page["idle"] is True and page["kwic"] is None
    assert page["articles"] == list_articles(search_index)


def test_cities_are_placed_under_the_province_of_their_articles(search_index):
    homes = {a["city"]: a["province"] for a in list_articles(search_index) if a["city"] and a["province"]}
    assert city_provinces(search_index) == homes
    assert city_provinces(search_index) is city_provinces(search_index)  # once per generation
    page = search_page(search_index, SearchRequest(q="劳模"))
    assert page["city_provinces"] == homes


def test_an_article_is_marked_with_the_terms_and_their_synonyms(search_index):
    hit = search_index.search(SearchRequest(q=Q))["hits"][0]
    terms = highlight_terms(search_index, Q, True)
    assert terms[0] == Q and len(terms) > 1  # 职工书屋 and its synonyms
    assert highlight_terms(search_index, Q, False) == [Q]
    # What a search marks, without running it: terms, synonyms, patterns and NEAR as the search plans them.
    for q in (Q, "劳模 NEAR/5 工匠 -困难", "职工?屋 OR 劳模", '"职工书屋" 省:河北'):
        for synonyms in (True, False):
            searched = search_index.search(SearchRequest(q=q, per_page=1, synonyms=synonyms))["literals"]
            assert highlight_terms(search_index, q, synonyms) == searched
    assert marked_article(search_index, hit["article_id"], Q, True) == article(search_index, hit["article_id"],
                                                                               highlight=terms)
    marked = [p for p in marked_article(search_index, hit["article_id"], Q, False)["paragraphs"] if "<mark>" in p["marked"]]
    assert marked and all(f"<mark>{Q}</mark>" in p["marked"] for p in marked)


def test_a_paragraph_has_the_spans_of_its_terms(search_index):
    hit = search_index.search(SearchRequest(q=Q))["hits"][0]
    record = paragraph_with_spans(search_index, hit["id"], 1, 1, Q, False)
    start, end = record["spans"][0]
    assert record["text"][start:end] == Q
    assert all("spans" in p for p in (*record["before"], *record["after"]))
    assert paragraph_with_spans(search_index, hit["id"], 1, 1, "", True) == paragraph_context(search_index, hit["id"], 1, 1)


@pytest.mark.parametrize("q", ["", Q])
def test_an_unknown_article_or_paragraph_is_not_found(search_index, q):
    with pytest.raises(DocumentNotFound):
        marked_article(search_index, "0123456789abcdef", q, True)
    with pytest.raises(DocumentNotFound):
        paragraph_with_spans(search_index, "0123456789abcdef-0003", 1, 1, q, True)


def test_phrases_keep_the_filters_typed_in_the_box(search_index):
    result = phrases_table(search_index, "职工 年:2023")
    assert result["typed_filters"] == "年:2023"
    assert result["phrases"]
    for row in result["phrases"]:
        assert row["by_year"] == {y["value"]: y["count"] for y in row["years"]}
        assert set(row["by_year"]) <= set(result["year_columns"])
    assert result["year_columns"] == sorted({y for row in result["phrases"] for y in row["by_year"]})
