"""Soft matching, split terms, related words and grouping by article, on a tiny index the tests control."""

from __future__ import annotations

import pytest

from index.writer import update_index
from search.decompose import decompose
from search.engine import SearchIndex, SearchRequest
from search.query import Term, parse_query
from tests.search_fixtures import markdown_index, synonyms_of, write_markdown

ALL = "夏季高温期间，各地工会驿站为户外劳动者送上清凉饮品，并延长开放时间，做好防暑降温和休息服务保障工作。"
NO_SUMMER = "工会驿站全年开放，工会驿站为环卫工人提供热水。"
NO_UNION = "夏季高温期间，驿站延长开放时间，方便快递小哥歇脚。"
ONLY_UNION = "工会组织职工开展读书活动，丰富文化生活。"
SPLIT_EXACT = "新就业形态劳动者建会入会工作持续推进。"
SPLIT_WORDS = "推动快递企业建会，引导快递员入会，建会入口前移，入会渠道更畅通。"
HALF_SPLIT = "推动物流企业建会。"
SNOW = "组织职工参加冰雪运动。"
GROUP_FIRST = "新建驿站十个，驿站服务覆盖全区。"
GROUP_SECOND = "驿站建设经验在全市推广。"


@pytest.fixture(scope="module")
def soft(tmp_path_factory) -> SearchIndex:
    """Return an index whose paragraphs hold chosen subsets of 工会 驿站 夏季, 建会 入会, 冰雪."""
    root = tmp_path_factory.mktemp("soft")
    with markdown_index(root, province="河北省", year=2024) as w:
        w("all.md", "甲市简报", [ALL], year=2019)
        w("no_summer.md", "乙市简报", [NO_SUMMER])
        w("no_union.md", "丙市简报", [NO_UNION], province="山西省")
        w("only_union.md", "丁市简报", [ONLY_UNION])
        for n in range(12):  # 工会 is common, 夏季 and 冰雪 are not: their IDF weights differ
            w(f"filler_{n}.md", f"第{n}号通讯", [f"工会第{n}次例会召开，工会委员出席。"])
        w("split_exact.md", "戊市简报", [SPLIT_EXACT])
        w("split_words.md", "己市简报", [SPLIT_WORDS])
        w("half_split.md", "庚市简报", [HALF_SPLIT])
        w("snow.md", "辛市简报", [SNOW])
        w("group.md", "壬区简报", [GROUP_FIRST, GROUP_SECOND])
    return SearchIndex(root / "index", synonyms=synonyms_of(("驿站", "爱心驿站")))


def _hits(index: SearchIndex, q: str, **options) -> list[dict]:
    result = index.search(SearchRequest(q=q, per_page=100, **options))
    assert len(result["hits"]) == result["total"]
    return [h for h in result["hits"] if h["kind"] == "body"]


def _texts(hits: list[dict]) -> list[str]:
    return [h["text"] for h in hits]


# --- Soft matching ----------------------------------------------------------------------------------

def test_partial_hits_follow_the_all_terms_hit_by_coverage_each_saying_what_it_lacks(soft):
    result = soft.search(SearchRequest(q="工会 驿站 夏季", per_page=100))
    assert (result["total"], result["total_all_terms"]) == (3, 1)
    hits = result["hits"]
    # The rarer 夏季 weighs more than 工会: lacking 工会 covers more of the query than lacking 夏季.
    assert _texts(hits) == [ALL, NO_UNION, NO_SUMMER]
    assert [h["missing"] for h in hits] == [[], ["工会"], ["夏季"]]
    assert [h["all_terms"] for h in hits] == [True, False, False]
    # The all-terms hit ranks first although the partial hits score higher by BM25.
    assert hits[0]["score"] < hits[2]["score"]


def test_a_paragraph_with_too_few_terms_is_no_hit(soft):
    # 1 of 3 terms is below minimum_should_match 75 % (2 of 3).
    assert ONLY_UNION not in _texts(_hits(soft, "工会 驿站 夏季"))


def test_a_query_without_all_terms_answers_its_best_partial_match(soft):
    result = soft.search(SearchRequest(q="工会 冰雪"))
    # No paragraph has both; the one with the rare 冰雪 qualifies, the many with only 工会 weigh too little.
    assert (result["total_all_terms"], result["total"]) == (0, 1)
    assert _texts(result["hits"]) == [SNOW]
    assert result["hits"][0]["missing"] == ["工会"]


def test_strict_search_is_the_all_terms_set(soft):
    result = soft.search(SearchRequest(q="工会 驿站 夏季", soft=False))
    assert (result["total"], result["total_all_terms"]) == (1, 1)
    assert _texts(result["hits"]) == [ALL]


@pytest.mark.parametrize("q", ["+工会 驿站 夏季", '"工会" 驿站 夏季'])
def test_quoted_and_must_terms_are_never_left_out(soft, q):
    assert _texts(_hits(soft, q)) == [ALL, NO_SUMMER]


def test_excluded_terms_exclude_partial_hits_too(soft):
    assert _texts(_hits(soft, "工会 驿站 夏季 -快递")) == [ALL, NO_SUMMER]


def test_all_terms_hits_rank_first_in_every_sort(soft):
    # The all-terms paragraph is from 2019, the partial ones from 2024.
    assert _texts(_hits(soft, "工会 驿站 夏季", sort="newest"))[0] == ALL
    assert _texts(_hits(soft, "工会 驿站 夏季", sort="oldest"))[0] == ALL


def test_facets_count_the_set_they_name_and_equal_what_their_filter_returns(soft):
    base = soft.search(SearchRequest(q="工会 驿站 夏季"))
    assert base["facet_basis"] == "all_terms"
    assert {f["value"]: f["count"] for f in base["facets"]["province"]} == {"河北省": 1}
    # In 山西省 no paragraph has every term: the counts are of every hit, province ignoring its own choice.
    shanxi = soft.search(SearchRequest(q="工会 驿站 夏季", filters={"province": ["山西省"]}))
    assert (shanxi["total_all_terms"], shanxi["total"], shanxi["facet_basis"]) == (0, 1, "all_hits")
    counts = {f["value"]: f["count"] for f in shanxi["facets"]["province"]}
    assert counts == {"河北省": 2, "山西省": 1}
    for value, count in counts.items():
        assert soft.search(SearchRequest(q="工会 驿站 夏季", filters={"province": [value]}))["total"] == count


def test_must_is_query_syntax():
    parsed = parse_query('+工会 ＋"职工 书屋" 驿站 +')
    assert parsed.groups == [[Term("工会", False, True)], [Term("职工 书屋", True, True)], [Term("驿站", False)]]


# --- Split terms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("term, words", [
    ("建会入会", ("建会", "入会")),  # one dictionary word, cut into the fewest shorter ones
    ("职工互助保障", ("职工", "互助", "保障")),  # jieba's 职工互助 / 保障, the long piece cut once more
    ("困难职工子女上学", ("困难", "职工", "子女", "上学")),
    ("工会", ()),  # short terms are words already
    ("送温暖", ()),  # no cover by two shorter words
    ("12351", ()),
])
def test_long_terms_split_into_dictionary_words(term, words):
    assert decompose(term) == words


def test_a_long_term_also_finds_its_words_together_below_the_term(soft):
    result = soft.search(SearchRequest(q="建会入会"))
    assert (result["total"], result["total_all_terms"]) == (2, 1)
    assert _texts(result["hits"]) == [SPLIT_EXACT, SPLIT_WORDS]
    assert [(h["missing"], h["split"]) for h in result["hits"]] == [([], []), (["建会入会"], ["建会入会"])]
    # One of its words is not enough; both words are marked in the snippet.
    assert HALF_SPLIT not in _texts(result["hits"])
    assert "<mark>建会</mark>" in result["hits"][1]["snippet"] and "<mark>入会</mark>" in result["hits"][1]["snippet"]


@pytest.mark.parametrize("q", ['"建会入会"', "+建会入会"])
def test_quoted_and_must_terms_are_not_split(soft, q):
    assert _texts(_hits(soft, q)) == [SPLIT_EXACT]


def test_strict_search_does_not_split(soft):
    assert _texts(_hits(soft, "建会入会", soft=False)) == [SPLIT_EXACT]


# --- Related words ---------------------------------------------------------------------------------

def test_related_words_come_from_paragraphs_sharing_the_query_words(soft):
    related = soft.search(SearchRequest(q="夏季"))["related"]
    # 高温 and 开放 share both 夏季 paragraphs; 夏季 itself is never suggested.
    assert {"高温", "开放"} <= set(related)
    assert "夏季" not in related


def test_the_synonym_list_wins_over_related_words(soft):
    # 爱心驿站 is 驿站's synonym: it is searched already and never suggested.
    assert "爱心驿站" not in soft.search(SearchRequest(q="夏季 驿站"))["related"]
    assert "驿站" not in soft.search(SearchRequest(q="夏季 驿站"))["related"]


def test_related_words_rank_weakly_and_never_change_what_is_found(soft):
    plain = soft.search(SearchRequest(q="工会 驿站 夏季", per_page=100))
    weighted = soft.search(SearchRequest(q="工会 驿站 夏季", per_page=100, related=True))
    assert (weighted["total"], weighted["total_all_terms"]) == (plain["total"], plain["total_all_terms"])
    assert {h["id"] for h in weighted["hits"]} == {h["id"] for h in plain["hits"]}


def test_related_words_add_up_over_segments(tmp_path):
    # Each document is its own commit, so its own segment: no segment alone sees a pair twice.
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        write_markdown(docs, f"{n}.md", f"第{n}期简报", ["冬季寒潮期间，暖心驿站为环卫工人送上热饮。"], year=2024)
        update_index(tmp_path / "index", [docs])
    index = SearchIndex(tmp_path / "index")
    assert len(index.generation().segments) >= 2
    assert "寒潮" in index.search(SearchRequest(q="冬季"))["related"]


# --- Grouping by article ---------------------------------------------------------------------------

def test_group_by_article_lists_each_article_once_in_ranking_order_with_its_count(soft):
    flat = soft.search(SearchRequest(q="驿站", per_page=100))
    grouped = soft.search(SearchRequest(q="驿站", per_page=100, group=True))
    assert grouped["total"] == flat["total"]
    order = {}
    for hit in flat["hits"]:
        order.setdefault(hit["article_id"], hit["id"])
    assert [h["id"] for h in grouped["hits"]] == list(order.values())
    assert grouped["total_articles"] == len(order)
    counts = {}
    for hit in flat["hits"]:
        counts[hit["article_id"]] = counts.get(hit["article_id"], 0) + 1
    assert {h["article_id"]: h["article_hits"] for h in grouped["hits"]} == counts
    assert sorted(counts.values())[-1] == 2  # the article with two 驿站 paragraphs


def test_grouped_pages_page_through_articles(soft):
    whole = soft.search(SearchRequest(q="驿站", per_page=100, group=True))["hits"]
    paged = [h["id"] for p in (1, 2, 3) for h in soft.search(SearchRequest(q="驿站", per_page=2, page=p, group=True))["hits"]]
    assert paged == [h["id"] for h in whole][:6]


# --- The page, the API and the command line -------------------------------------------------------

@pytest.fixture(scope="module")
def soft_client(soft):
    from web import create_app

    return create_app({"INDEX": str(soft.index_dir), "TESTING": True}).test_client()


def test_page_says_what_partial_hits_lack_and_how_many_have_every_term(soft_client):
    page = soft_client.get("/?q=工会 驿站 夏季").get_data(as_text=True)
    assert "其中 <strong class=\"total-all-terms\">1</strong> 段包含全部检索词" in page
    assert "缺少：<s>工会</s>" in page and "缺少：<s>夏季</s>" in page
    assert "计数只含包含全部检索词的段落" in page
    assert soft_client.get("/?q=建会入会").get_data(as_text=True).count("拆开出现：建会入会") == 1


def test_page_lists_related_words_as_links_adding_them_to_the_query(soft_client):
    page = soft_client.get("/?q=夏季").get_data(as_text=True)
    assert 'class="related-word" href="/?q=%E5%A4%8F%E5%AD%A3+%E9%AB%98%E6%B8%A9">高温</a>' in page


def test_page_groups_by_article_when_asked(soft_client):
    page = soft_client.get("/?q=驿站&group=1").get_data(as_text=True)
    assert "本文共 2 段命中" in page and "篇文章" in page


def test_api_takes_soft_group_and_related_switches(soft_client):
    body = soft_client.get("/api/search?q=工会 驿站 夏季&soft=0").get_json()
    assert (body["total"], body["total_all_terms"]) == (1, 1)
    body = soft_client.get("/api/search?q=驿站&group=1").get_json()
    assert body["group"] is True and body["total_articles"] == len(body["hits"])
    bad = soft_client.get("/api/search?q=驿站&group=maybe")
    assert bad.status_code == 400


def test_cli_groups_and_prints_what_a_hit_lacks(soft):
    from click.testing import CliRunner

    from web.cli import main

    out = CliRunner().invoke(main, ["search", "--index", str(soft.index_dir), "工会", "驿站", "夏季"]).output
    assert "共 3 段，其中 1 段包含全部检索词" in out and "（缺少：工会）" in out
    out = CliRunner().invoke(main, ["search", "--index", str(soft.index_dir), "--group", "驿站"]).output
    assert "本文共 2 段命中" in out
    out = CliRunner().invoke(main, ["search", "--index", str(soft.index_dir), "--strict", "工会", "驿站", "夏季"]).output
    assert out.startswith("共 1 段（第 1 页）")
