"""The search page: results, facets, views, article and similar pages, errors, headers, escaping, serving."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from search.documents import article, list_articles, similar_paragraphs
from search.engine import SearchRequest
from search.export import citation
from search.concordance import concordance
from search.query import KIND_NAMES, LEVEL_NAMES

Q = "职工书屋"
DEFAULT_FORMAT = "——摘自《{title}》，{organization}，{year}"
WEB = Path(__file__).resolve().parent.parent / "web"


def page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


def total_of(doc: BeautifulSoup) -> int:
    return int(doc.select_one("#result-summary .total").get_text())


def hit_ids(doc: BeautifulSoup) -> list[str]:
    return [a["data-id"] for a in doc.select("#hits article.hit")]


def with_organization(search_index, hit: dict) -> dict:
    """Return a search hit with its article's organization, as the page shows it."""
    return {**hit, "organization": {a["id"]: a["organization"] for a in list_articles(search_index)}[hit["article_id"]]}


# --- the page ------------------------------------------------------------------------------------------

def test_home_page_has_one_labelled_search_box_and_lists_the_articles(client, search_index):
    doc = page(client, "/")
    assert doc.html["lang"] == "zh-CN"
    boxes = doc.select("input[name=q]")
    assert len(boxes) == 1 and boxes[0]["aria-label"] == "检索词" and boxes[0]["id"] == "q"
    titles = [a.get_text() for a in doc.select("#article-list a")]
    assert titles == [a["title"] for a in list_articles(search_index)]
    assert doc.select("#hits") == []


def test_help_lists_the_syntax_with_chinese_examples(client):
    help_text = page(client, "/").select_one("details#syntax-help").get_text()
    for example in ('"产业工人队伍建设改革"', "劳模 OR 工匠", "疫情 -防控", "省:河北", "年:2019-2023", "级别:市"):
        assert example in help_text


def test_results_show_total_and_the_engine_hits_in_order(client, search_index):
    expected = search_index.search(SearchRequest(q=Q))
    doc = page(client, f"/?q={Q}")
    assert total_of(doc) == expected["total"] > 10
    assert hit_ids(doc) == [h["id"] for h in expected["hits"]]
    assert re.fullmatch(r"\d+(\.\d+)?", doc.select_one("#result-summary .took").get_text())
    for card, hit in zip(doc.select("article.hit"), expected["hits"]):
        assert card.select_one(".snippet").decode_contents() == hit["snippet"]
        assert card.select(".snippet mark")


def test_hit_line_shows_title_organization_region_year_section_and_theme_tags(client, search_index):
    hit = with_organization(search_index, search_index.search(SearchRequest(q=Q))["hits"][0])
    card = page(client, f"/?q={Q}").select_one("article.hit")
    assert card.select_one(".hit-title").get_text() == f"《{hit['title']}》"
    assert hit["organization"]
    assert card.select_one(".organization").get_text() == hit["organization"]
    region = " ".join(hit[k] for k in ("province", "city", "county") if hit[k])
    assert (card.select_one(".region").get_text() if region else None) == (region or None)
    assert card.select_one(".year").get_text() == str(hit["year"])
    assert (card.select_one(".section").get_text() if hit["section"] else None) == (hit["section"] or None)
    assert [t.get_text() for t in card.select(".tags .tag")] == hit["themes"]
    assert card.select_one("a.open-article")["href"] == f"/article/{hit['article_id']}?q={_url(Q)}#p-{hit['id']}"
    assert card.select_one("a.similar")["href"] == f"/similar/{hit['id']}"
    assert card.select_one("details.context")["data-src"] == f"/api/paragraphs/{hit['id']}?q={_url(Q)}"


def _url(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def test_copy_button_carries_the_text_and_the_citation(client, search_index):
    hit = with_organization(search_index, search_index.search(SearchRequest(q=Q))["hits"][0])
    doc = page(client, f"/?q={Q}")
    button = doc.select_one("article.hit button.copy")
    assert button["type"] == "button"
    assert button["data-copy"] == hit["text"] + "\n" + citation(hit, DEFAULT_FORMAT)
    assert button["data-copy"].endswith(f"——摘自《{hit['title']}》，{hit['organization']}，{hit['year']}")
    assert doc.select_one("#citation-format code").get_text() == DEFAULT_FORMAT


def test_citation_format_is_configurable(sample_index, search_index):
    from web import create_app

    client = create_app({"INDEX": str(sample_index), "CITATION_FORMAT": "（{title}，{year}年）"}).test_client()
    hit = search_index.search(SearchRequest(q=Q))["hits"][0]
    doc = page(client, f"/?q={Q}")
    assert doc.select_one("button.copy")["data-copy"] == f"{hit['text']}\n（{hit['title']}，{hit['year']}年）"
    assert doc.select_one("#citation-format code").get_text() == "（{title}，{year}年）"


def test_a_bad_citation_format_stops_the_app_at_start(sample_index):
    from web import create_app

    with pytest.raises(ValueError, match="author"):
        create_app({"INDEX": str(sample_index), "CITATION_FORMAT": "{author}"})


# --- facets ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("facet", ["province", "year", "theme", "level", "doc_type", "kind"])
def test_checking_a_facet_value_narrows_the_total_to_its_count(client, search_index, facet):
    counts = search_index.search(SearchRequest(q="劳模"))["facets"][facet]
    if not counts:
        pytest.skip(f"the sample index has no {facet} values")
    value, count = str(counts[0]["value"]), counts[0]["count"]
    doc = page(client, "/?q=劳模")
    box = doc.select_one(f"#facet-{facet} input[type=checkbox][value='{value}']")
    assert box is not None and not box.has_attr("checked") and box["form"] == "search-form"
    label = doc.select_one(f"label[for='{box['id']}']")
    expected_label = {"level": LEVEL_NAMES, "kind": KIND_NAMES}.get(facet, {}).get(value, value)
    assert label.get_text(" ", strip=True) == f"{expected_label} {count}"

    filtered = page(client, f"/?q=劳模&{facet}={value}")
    assert total_of(filtered) == count
    assert filtered.select_one(f"#facet-{facet} input[value='{value}']").has_attr("checked")
    chip = filtered.select_one(f"#active-filters a.chip[data-facet={facet}]")
    assert chip["data-value"] == value and expected_label in chip.get_text()
    assert total_of(page(client, chip["href"])) == total_of(doc)


def test_two_values_of_one_facet_add_up(client, search_index):
    counts = search_index.search(SearchRequest(q="劳模"))["facets"]["province"][:2]
    doc = page(client, f"/?q=劳模&province={counts[0]['value']}&province={counts[1]['value']}")
    assert total_of(doc) == counts[0]["count"] + counts[1]["count"]
    assert len(doc.select("#facet-province input[name=province][checked]")) == 2


def test_facet_counts_follow_the_other_facets(client, search_index):
    year = search_index.search(SearchRequest(q="劳模"))["facets"]["year"][0]["value"]
    expected = search_index.search(SearchRequest(q="劳模", filters={"year": [str(year)]}))["facets"]["province"]
    doc = page(client, f"/?q=劳模&year={year}")
    shown = {box["value"]: int(doc.select_one(f"label[for='{box['id']}'] .facet-count").get_text())
             for box in doc.select("#facet-province input[name=province]")}
    assert shown == {p["value"]: p["count"] for p in expected}


def test_cities_are_listed_under_their_province(client, search_index):
    homes = {a["city"]: a["province"] for a in list_articles(search_index) if a["city"] and a["province"]}
    doc = page(client, "/?q=劳模")
    nested = doc.select("#facet-province .facet-children input[name=city]")
    assert nested, "the sample has cities"
    for box in nested:
        parent = box.find_parent("ul", class_="facet-children").find_parent("li")
        assert parent.select_one("input[name=province]")["value"] == homes[box["value"]]


def test_a_checked_value_without_matches_stays_visible(client):
    doc = page(client, "/?q=劳模&province=火星省")
    assert total_of(doc) == 0
    box = doc.select_one("#facet-province input[value='火星省']")
    assert box.has_attr("checked")
    assert doc.select_one(f"label[for='{box['id']}'] .facet-count").get_text() == "0"
    assert any("火星省" in n.get_text() for n in doc.select(".notice"))


def test_county_filters_survive_a_new_search(client):
    doc = page(client, "/?q=劳模&county=正定县")
    hidden = doc.select("#search-form input[type=hidden][name=county]")
    assert [h["value"] for h in hidden] == ["正定县"]


# --- sorting, paging, state in links ------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_orders_hits_by_year(client, search_index, sort):
    expected = search_index.search(SearchRequest(q="劳模", sort=sort))
    doc = page(client, f"/?q=劳模&sort={sort}")
    assert hit_ids(doc) == [h["id"] for h in expected["hits"]]
    years = [h["year"] or 0 for h in expected["hits"]]
    assert years == sorted(years, reverse=sort == "newest")
    assert doc.select_one("#sort a[aria-current]")["data-sort"] == sort


def test_pagination_shows_the_second_page(client, search_index):
    expected = search_index.search(SearchRequest(q="劳模", page=2))
    doc = page(client, "/?q=劳模&page=2")
    assert hit_ids(doc) == [h["id"] for h in expected["hits"]]
    assert doc.select_one("ol#hits")["start"] == "11"
    nav = doc.select_one("#pagination")
    assert nav.select_one("a[aria-current=page]").get_text() == "2"
    assert nav.select_one("a[rel=prev]")["href"] == f"/?q={_url('劳模')}"
    assert nav.select_one("a[rel=next]")["href"] == f"/?q={_url('劳模')}&page=3"


@pytest.mark.parametrize("total, current, expected", [
    (95, 5, {"pages": 10, "items": [1, None, 3, 4, 5, 6, 7, None, 10], "prev": 4, "next": 6}),
    (30, 1, {"pages": 3, "items": [1, 2, 3], "prev": None, "next": 2}),
    (0, 1, {"pages": 1, "items": [1], "prev": None, "next": None}),
    (30, 50, {"pages": 3, "items": [1, None, 3], "prev": 3, "next": None}),
])
def test_pagination_window(total, current, expected):
    from web.views import pagination

    assert pagination(total, current, 10) == expected


def test_a_page_past_the_end_says_so(client):
    doc = page(client, "/?q=劳模&page=999")
    assert "超出了结果范围" in doc.select_one("#no-results").get_text()
    assert doc.select_one("#first-page")["href"] == f"/?q={_url('劳模')}"


def test_links_keep_the_whole_search_state(client):
    doc = page(client, f"/?q={Q}&theme=职工文化&sort=oldest&page=2&per_page=5")
    state = f"q={_url(Q)}&theme={_url('职工文化')}&sort=oldest&per_page=5"
    assert doc.select_one("#export-csv")["href"] == f"/export.csv?{state}"
    assert doc.select_one("#export-md")["href"] == f"/export.md?{state}"
    assert doc.select_one("#view-kwic")["href"] == f"/?{state}&view=kwic"
    assert doc.select_one("#sort a[data-sort=newest]")["href"] == f"/?q={_url(Q)}&theme={_url('职工文化')}&per_page=5&sort=newest"


def test_synonym_expansion_can_be_switched_off(client, search_index):
    on = search_index.search(SearchRequest(q="省总"))["total"]
    off = search_index.search(SearchRequest(q="省总", synonyms=False))["total"]
    assert total_of(page(client, "/?q=省总")) == on
    doc = page(client, "/?q=省总&synonyms=0")
    assert total_of(doc) == off
    assert doc.select_one("#no-synonyms").has_attr("checked")


# --- charts -----------------------------------------------------------------------------------------------

def test_year_chart_is_an_svg_with_one_column_per_year(client, search_index):
    years = search_index.search(SearchRequest(q="劳模"))["facets"]["year"]
    svg = page(client, "/?q=劳模").select_one("#year-chart svg")
    assert svg["role"] == "img"
    columns = svg.select("g.column")
    assert [c.select("text.label")[0].get_text() for c in columns] == sorted(str(y["value"]) for y in years)
    assert {c.select_one("text.count").get_text() for c in columns} == {str(y["count"]) for y in years}


def test_charts_carry_no_inline_style():
    from web.charts import bar_chart, column_chart

    for svg in (bar_chart([{"value": "<河北>", "count": 3}], "省"), column_chart([{"value": 2021, "count": 2}], "年")):
        assert svg.startswith("<svg") and "style=" not in svg
    assert "&lt;河北&gt;" in bar_chart([{"value": "<河北>", "count": 3}], "省")
    assert bar_chart([], "空") == ""


# --- concordance view --------------------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["right", "left"])
def test_kwic_view_aligns_every_occurrence(client, search_index, sort):
    expected = concordance(search_index, Q, sort=sort)
    doc = page(client, f"/?q={Q}&view=kwic&kwic_sort={sort}")
    rows = doc.select("table#kwic tbody tr")
    assert len(rows) == expected["total"] == int(doc.select_one(".kwic-total").get_text())
    for row, line in zip(rows, expected["lines"]):
        assert [row.select_one(f"td.{side}").get_text() for side in ("left", "match", "right")] == \
            [line["left"], line["match"], line["right"]]
    assert doc.select_one(".kwic-sort a[aria-current]")["id"] == f"kwic-sort-{sort}"
    assert len(doc.select("#kwic-year-chart svg g.column")) == len(expected["by_year"])
    assert len(doc.select("#kwic-province-chart svg g.row")) == min(20, len(expected["by_province"]))


def test_kwic_shows_the_first_term_not_the_filters(client):
    assert page(client, f"/?q={Q} 省:河北&view=kwic").select_one(".kwic-phrase").get_text() == Q


def test_kwic_without_a_query_asks_for_one(client):
    assert page(client, "/?view=kwic").select_one("#kwic-empty") is not None


# --- article, paragraph and similar pages -----------------------------------------------------------------

def test_article_page_anchors_every_paragraph_and_marks_the_query(client, search_index):
    hit = search_index.search(SearchRequest(q=Q, filters={"kind": ["body"]}))["hits"][0]
    expected = article(search_index, hit["article_id"])
    doc = page(client, f"/article/{hit['article_id']}?q={Q}")
    assert doc.select_one("h1.article-title").get_text() == expected["title"]
    assert [p["id"] for p in doc.select(".paragraph")] == [f"p-{p['id']}" for p in expected["paragraphs"]]
    target = doc.select_one(f"#p-{hit['id']}")
    assert Q in [m.get_text() for m in target.select("mark")]
    assert doc.select_one(f"#p-{hit['id']} p").get_text() == hit["text"]


def test_article_page_marks_synonyms_unless_switched_off(client, search_index):
    hits = search_index.search(SearchRequest(q="劳动模范 -劳模", per_page=1))["hits"]
    assert hits, "the sample says 劳动模范 somewhere without 劳模"
    hit = hits[0]
    url = f"/article/{hit['article_id']}?q=劳模"
    assert "劳动模范" in [m.get_text() for m in page(client, url).select(f"#p-{hit['id']} mark")]
    assert page(client, url + "&synonyms=0").select(f"#p-{hit['id']} mark") == []
    card = page(client, "/?q=劳模&synonyms=0").select_one("article.hit")
    assert card.select_one("a.open-article")["href"].split("#")[0].endswith("&synonyms=0")


def test_article_page_without_query_marks_nothing(client, search_index):
    article_id = list_articles(search_index)[0]["id"]
    assert page(client, f"/article/{article_id}").select("mark") == []


def test_paragraph_route_redirects_into_its_article(client, search_index):
    hit = search_index.search(SearchRequest(q=Q))["hits"][0]
    response = client.get(f"/paragraph/{hit['id']}?q={Q}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/article/{hit['article_id']}?q={_url(Q)}#p-{hit['id']}"


def test_similar_page_lists_paragraphs_of_other_articles(client, search_index):
    hit = search_index.search(SearchRequest(q=Q, filters={"kind": ["body"]}))["hits"][0]
    expected = similar_paragraphs(search_index, hit["id"])
    doc = page(client, f"/similar/{hit['id']}")
    assert doc.select_one("#similar-source article.hit")["data-id"] == hit["id"]
    assert [a["data-id"] for a in doc.select("#similar-hits article.hit")] == [p["id"] for p in expected["similar"]]
    assert expected["similar"]


# --- errors ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, named", [
    ("/?q=工会&page=abc", "page"),
    ("/?q=工会&page=0", "page"),
    ("/?q=工会&page=-3", "page"),
    ("/?q=工会&per_page=0", "per_page"),
    ("/?q=工会&per_page=1000", "per_page"),
    ("/?q=工会&sort=random", "sort"),
    ("/?q=" + "工" * 501, "检索式过长"),
    ("/?q=工会&view=table", "view"),
    ("/?q=工会&view=kwic&kwic_sort=middle", "kwic_sort"),
    ("/?q=工会&view=kwic&context=500", "context"),
    ("/?q=工会&synonyms=maybe", "synonyms"),
    ("/article/0123456789abcdef?q=" + "工" * 501, "检索式过长"),
])
def test_bad_parameters_give_a_400_page_saying_what_was_wrong(client, url, named):
    doc = page(client, url, status=400)
    assert doc.select_one("#error")["data-status"] == "400"
    assert named in doc.select_one("#error .message").get_text()
    assert doc.select_one("#error .hint").get_text().startswith("提示：")


@pytest.mark.parametrize("url", [
    "/article/0123456789abcdef",
    "/article/not-an-id",
    "/article/../../etc/passwd",
    "/article/..%2F..%2Fetc%2Fpasswd",
    "/similar/0123456789abcdef-0001",
    "/similar/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/paragraph/0123456789abcdef-0001",
    "/paragraph/..%5C..%5Cboot.ini",
    "/static/../../setup.cfg",
    "/no/such/page",
])
def test_unknown_ids_and_paths_give_a_404_page(client, url):
    doc = page(client, url, status=404)
    assert doc.select_one("#error")["data-status"] == "404"


def test_missing_index_gives_a_503_page_with_a_hint(tmp_path):
    from web import create_app

    doc = page(create_app({"INDEX": str(tmp_path / "none")}).test_client(), "/?q=工会", status=503)
    assert "unionsearch index" in doc.select_one("#error .hint").get_text()


def test_unexpected_errors_give_a_plain_500_and_are_logged(sample_index, caplog):
    from web import create_app

    app = create_app({"INDEX": str(sample_index)})

    @app.get("/boom")
    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.get_data(as_text=True)
    assert "secret detail" not in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/api/boom").get_json() == {"error": "服务器内部错误", "hint": "请稍后再试；如果反复出现，请查看服务器日志",
                                                  "status": 500}
    assert "secret detail" in caplog.text


# --- security and escaping -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", f"/?q={Q}", "/api/search?q=工会", "/no/such/page", "/api/nothing",
                                 "/?page=x", "/static/style.css", "/static/app.js", "/export.csv?q=劳模"])
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", f"/?q={Q}", f"/?q={Q}&view=kwic", "/no/such/page"])
def test_pages_have_no_inline_script_or_handlers(client, url):
    html = client.get(url).get_data(as_text=True)
    scripts = BeautifulSoup(html, "lxml").select("script")
    assert [s.get("src") for s in scripts] == ["/static/app.js"]
    assert all(not s.string for s in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert " style=" not in html


def test_document_markup_is_shown_escaped(hostile_index):
    from web import create_app

    client = create_app({"INDEX": str(hostile_index)}).test_client()
    html = client.get("/?q=示范点").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>12" not in html
    assert "<mark>示范点</mark>&lt;b&gt;12&lt;/b&gt;" in html
    hit_id = BeautifulSoup(html, "lxml").select_one("article.hit")["data-id"]
    article_id = hit_id.rsplit("-", 1)[0]
    for url in (f"/article/{article_id}?q=示范点", f"/article/{article_id}", f"/similar/{hit_id}",
                "/?q=示范点&view=kwic", "/?q=alert"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<b>12" not in body, url
    assert client.get("/api/search?q=示范点").get_json()["hits"][0]["text"].startswith('<script>alert("x")')


def test_sample_banner_shows_only_for_the_sample_index(sample_index, client):
    from web import create_app

    assert page(client, "/").select_one("#sample-banner") is None
    sample = create_app({"INDEX": str(sample_index), "SAMPLE_INDEX": True}).test_client()
    assert page(sample, "/").select_one("#sample-banner").get_text().startswith("当前为内置示例文档")


# --- static files: offline, readable on a narrow window --------------------------------------------------------

def test_static_files_are_served_and_need_no_network(client):
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    assert 'font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif' in css
    assert "overflow-wrap: anywhere" in css and "@media (max-width" in css
    with client.get("/static/app.js") as response:
        assert response.status_code == 200 and "addEventListener" in response.get_data(as_text=True)
    for path in [*(WEB / "templates").glob("*.html"), *(WEB / "static").iterdir()]:
        assert not re.search(r"(src|href)=\"(https?:)?//|@import|url\(", path.read_text(encoding="utf-8")), path


# --- configuration and serving ----------------------------------------------------------------------------------

def test_configuration_layers_defaults_instance_file_environment_then_dict(tmp_path, monkeypatch):
    from web import create_app

    (tmp_path / "config.py").write_text('EXPORT_LIMIT = 7\nMAX_PER_PAGE = 50\nINDEX = "/from/file"\n', encoding="utf-8")
    monkeypatch.setenv("UNIONSEARCH_MAX_PER_PAGE", "20")
    monkeypatch.setenv("UNIONSEARCH_INDEX", "/from/env")
    app = create_app({"INDEX": str(tmp_path / "from-dict")}, instance_path=str(tmp_path))
    assert app.config["EXPORT_LIMIT"] == 7  # instance file over the default
    assert app.config["MAX_PER_PAGE"] == 20  # environment over the instance file
    assert app.config["INDEX"] == str(tmp_path / "from-dict")  # the dict over everything
    assert app.extensions["unionsearch"].index_dir == tmp_path / "from-dict"
    assert app.config["MAX_QUERY_LENGTH"] == 500  # untouched default
    assert app.test_client().get("/api/search?per_page=21").status_code == 400


@pytest.mark.parametrize("host, local, url", [
    ("127.0.0.1", True, "http://127.0.0.1:8080/"),
    ("localhost", True, "http://localhost:8080/"),
    ("::1", True, "http://[::1]:8080/"),
    ("0.0.0.0", False, "http://127.0.0.1:8080/"),
    ("192.168.1.20", False, "http://192.168.1.20:8080/"),
])
def test_hosts_are_judged_and_turned_into_urls(host, local, url):
    from web.serve import is_local, page_url

    assert is_local(host) is local
    assert page_url(host, 8080) == url


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    from tests.conftest import HOSTILE_DOCUMENT

    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "one.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    return folder


def test_serve_builds_the_sample_index_first_then_serves(tmp_path, tiny_corpus, monkeypatch):
    import waitress

    from web.serve import THREADS, run

    served, said = {}, []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    run(tmp_path / "index", host="0.0.0.0", port=8123, sample_dir=tiny_corpus, echo=said.append)
    assert served["host"] == "0.0.0.0" and served["port"] == 8123 and served["threads"] == THREADS == 8
    assert any("还没有索引" in line for line in said) and any("示例索引已建立：1 篇文章" in line for line in said)
    assert any(line.startswith("警告") for line in said)
    assert said[-1].startswith("在浏览器中打开 http://127.0.0.1:8123/")
    client = served["app"].test_client()
    assert page(client, "/").select_one("#sample-banner") is not None
    assert total_of(page(client, "/?q=示范点")) == 1
    # The samples live beside the user's index, never inside it.
    assert (tmp_path / "index-sample" / "unionsearch.json").exists() and not (tmp_path / "index").exists()

    said.clear()
    run(tmp_path / "index", port=8124, sample_dir=tiny_corpus, echo=said.append)  # index exists: no rebuild
    assert not any("还没有索引" in line for line in said) and not any(line.startswith("警告") for line in said)


def test_serve_shows_no_banner_for_an_own_index(sample_index, tiny_corpus, monkeypatch):
    import waitress

    from web.serve import run

    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app))
    run(sample_index, sample_dir=tiny_corpus, echo=lambda _line: None)
    assert served["app"].config["SAMPLE_INDEX"] is False


def test_serve_command_passes_its_options(tmp_path, monkeypatch):
    import web.serve
    from web.cli import main

    calls = []
    monkeypatch.setattr(web.serve, "run", lambda index_dir, host, port: calls.append((index_dir, host, port)))
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "ix"), "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "ix", "127.0.0.1", 9000)]
    assert CliRunner().invoke(main, ["serve", "--port", "70000"]).exit_code == 2


def test_wrong_method_names_the_allowed_ones_and_slashes_are_not_merged(client):
    response = client.post("/api/search?q=职工")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert client.get("/article//0").status_code == 404


def test_page_size_and_query_length_limits_come_from_the_settings(sample_index):
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "MAX_PER_PAGE": 200, "MAX_QUERY_LENGTH": 1000})
    client = app.test_client()
    assert client.get("/api/search?q=工会&per_page=150").status_code == 200
    long_query = "工会" + " 职工" * 300  # 902 characters
    assert client.get("/api/search", query_string={"q": long_query}).json["query"] == long_query
