"""The JSON API: the same answers the library (and so `unionsearch … --json`) gives, and JSON errors."""

from __future__ import annotations

import json

import pytest

from search.documents import list_articles, paragraph_context, similar_paragraphs
from search.engine import SearchRequest
from search.concordance import concordance


def plain(data: object) -> object:
    """Return data as it reads back from JSON (tuples → lists, Markup → str)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def without_timing(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "took_ms"}


def first_body_paragraph(search_index) -> dict:
    hits = search_index.search(SearchRequest(q="职工书屋", filters={"kind": ["body"]}))["hits"]
    return hits[0]


# --- /api/search ------------------------------------------------------------------------------

@pytest.mark.parametrize("query_string, request_", [
    ("q=职工书屋", SearchRequest(q="职工书屋")),
    ("q=劳模&sort=newest&page=2&per_page=5", SearchRequest(q="劳模", sort="newest", page=2, per_page=5)),
    ("q=劳模&sort=oldest", SearchRequest(q="劳模", sort="oldest")),
    ("q=省总&synonyms=0", SearchRequest(q="省总", synonyms=False)),
    ("q=省总", SearchRequest(q="省总")),
    ("q=职工 -书屋&kind=body", SearchRequest(q="职工 -书屋", filters={"kind": ["body"]})),
    ("q=工会 年:2023", SearchRequest(q="工会 年:2023")),
    ("", SearchRequest()),
])
def test_search_returns_what_the_library_returns(client, search_index, query_string, request_):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert without_timing(body) == without_timing(plain(search_index.search(request_)))
    assert isinstance(body["took_ms"], float)


def test_search_filters_repeat_and_combine(client, search_index):
    provinces = search_index.search(SearchRequest(q="工会"))["facets"]["province"][:2]
    values = [p["value"] for p in provinces]
    body = client.get(f"/api/search?q=工会&province={values[0]}&province={values[1]}&year=2000-2099").get_json()
    expected = search_index.search(SearchRequest(q="工会", filters={"province": values, "year": ["2000-2099"]}))
    assert without_timing(body) == without_timing(plain(expected))
    assert body["total"] == sum(p["count"] for p in provinces)


def test_search_json_keeps_chinese_readable(client):
    raw = client.get("/api/search?q=职工书屋").get_data(as_text=True)
    assert "职工书屋" in raw and "\\u" not in raw


def test_empty_filter_values_are_ignored(client, search_index):
    body = client.get("/api/search?q=职工书屋&province=&theme=").get_json()
    assert body["total"] == search_index.search(SearchRequest(q="职工书屋"))["total"]


# --- /api/articles, /api/paragraphs, /api/similar, /api/kwic --------------------------------------------

def test_articles_lists_what_docs_json_lists(client, search_index):
    body = client.get("/api/articles").get_json()
    assert body == plain(list_articles(search_index))
    assert len(body) == len({a["id"] for a in body}) > 1


def test_paragraph_comes_with_two_before_and_two_after(client, search_index):
    hit = first_body_paragraph(search_index)
    body = client.get(f"/api/paragraphs/{hit['id']}").get_json()
    assert body == plain(paragraph_context(search_index, hit["id"], 2, 2))
    assert body["text"] == hit["text"]
    assert len(body["before"]) <= 2 and len(body["after"]) <= 2
    positions = [p["position"] for p in body["before"]] + [body["position"]] + [p["position"] for p in body["after"]]
    assert positions == list(range(positions[0], positions[0] + len(positions)))


def test_paragraph_context_size_is_a_parameter(client, search_index):
    hit = first_body_paragraph(search_index)
    body = client.get(f"/api/paragraphs/{hit['id']}?before=0&after=5").get_json()
    assert body == plain(paragraph_context(search_index, hit["id"], 0, 5))
    assert body["before"] == []


def test_similar_returns_paragraphs_of_other_articles(client, search_index):
    hit = first_body_paragraph(search_index)
    body = client.get(f"/api/similar/{hit['id']}").get_json()
    assert body == plain(similar_paragraphs(search_index, hit["id"]))
    assert body["paragraph"]["id"] == hit["id"]
    assert body["similar"] and all(p["article_id"] != hit["article_id"] for p in body["similar"])


@pytest.mark.parametrize("query_string, sort, context", [
    ("q=职工书屋", "right", 30),
    ("q=职工书屋&sort=left", "left", 30),
    ("q=劳模&context=5", "right", 5),
])
def test_kwic_returns_the_concordance(client, search_index, query_string, sort, context):
    body = client.get(f"/api/kwic?{query_string}").get_json()
    phrase = query_string.split("&")[0][2:]
    assert body == plain(concordance(search_index, phrase, sort=sort, context=context))
    assert body["total"] == len(body["lines"]) > 0
    assert all(line["match"] == phrase for line in body["lines"] if not line["synonym"])
    assert all(len(line["left"]) <= context and len(line["right"]) <= context for line in body["lines"])


def test_kwic_obeys_filters_and_the_synonym_switch(client, search_index):
    body = client.get("/api/kwic?q=职工书屋&province=湖北&synonyms=0").get_json()
    assert body == plain(concordance(search_index, "职工书屋", filters={"province": ["湖北"]}, synonyms=False))
    assert {line["province"] for line in body["lines"]} == {"湖北省"} and body["total"] > 0
    assert not any(line["synonym"] for line in body["lines"])
    assert body["lines"][0]["citation"].startswith("——摘自《")


# --- errors -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, named", [
    ("/api/search?q=工会&page=abc", "page"),
    ("/api/search?q=工会&page=0", "page"),
    ("/api/search?q=工会&page=1.5", "page"),
    ("/api/search?q=工会&per_page=0", "per_page"),
    ("/api/search?q=工会&per_page=101", "per_page"),
    ("/api/search?q=工会&sort=random", "sort"),
    ("/api/search?q=" + "工" * 501, "501"),
    ("/api/search?q=工会&synonyms=maybe", "synonyms"),
    ("/api/search?q=工会&level=galaxy", "galaxy"),  # the library's message quotes the bad value
    ("/api/search?q=工会&year=recent", "recent"),
    ("/api/paragraphs/0123456789abcdef-0001?before=-1", "before"),
    ("/api/paragraphs/0123456789abcdef-0001?after=99", "after"),
    ("/api/kwic", "q"),
    ("/api/kwic?q=工会&sort=middle", "sort"),
    ("/api/kwic?q=工会&context=0", "context"),
    ("/api/kwic?q=工会&context=x", "context"),
])
def test_bad_parameters_give_json_400_saying_what_was_wrong(client, url, named):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error", "hint", "status"}
    assert body["status"] == 400
    assert named in body["error"]
    assert body["hint"]


@pytest.mark.parametrize("url", [
    "/api/paragraphs/0123456789abcdef-0001",
    "/api/paragraphs/nonsense",
    "/api/paragraphs/../../etc/passwd",
    "/api/paragraphs/..%2F..%2Fetc%2Fpasswd",
    "/api/paragraphs/%2e%2e",
    "/api/similar/0123456789abcdef-0001",
    "/api/similar/..%5C..%5Cwindows%5Cwin.ini",
    "/api/nothing",
])
def test_unknown_ids_and_routes_give_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == 404 and body["error"]


def test_wrong_method_gives_json_405(client):
    response = client.post("/api/search?q=工会")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405


def test_missing_index_gives_json_503(tmp_path):
    from web import create_app

    client = create_app({"INDEX": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=工会")
    assert response.status_code == 503
    assert response.get_json()["status"] == 503
    assert "index" in response.get_json()["hint"]


def test_index_of_another_format_gives_json_409_not_503(tmp_path):
    import json as json_lib

    from index.folder import MARKER
    from index.writer import update_index
    from web import create_app

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("某市总工会工作总结\n\n开展送温暖活动。\n", encoding="utf-8")
    update_index(tmp_path / "ix", [docs])
    (tmp_path / "ix" / MARKER).write_text(json_lib.dumps({"format": 0}), encoding="utf-8")
    response = create_app({"INDEX": str(tmp_path / "ix")}).test_client().get("/api/search?q=工会")
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == 409
    assert "第 0 版格式" in body["error"]
    assert body["hint"].startswith("删除这个文件夹")
