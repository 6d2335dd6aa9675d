"""素材夹 pages: adding, ordering, notes, exports, history, saved searches, and the guards of a page that writes."""

from __future__ import annotations

import io
import os
import re
import stat
from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

import docx
import pytest
from bs4 import BeautifulSoup

from search.engine import SearchRequest
from search.export import citation
from web.security import host_allowed, load_or_create_secret

Q = "职工书屋"
DEFAULT_FORMAT = "——摘自《{title}》，{organization}，{year}"
ORIGIN = "http://localhost"


@pytest.fixture
def site(sample_index, search_index, tmp_path):
    """Return a page client of its own app, whose data folder is empty."""
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "TESTING": True, "DATA_DIR": str(tmp_path / "data")},
                     search_index=search_index)
    return Site(app, app.test_client())


class Site:
    """A test client that reads the CSRF token from the page, as a browser tab does."""

    def __init__(self, app, client) -> None:
        self.app, self.client = app, client

    def page(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, response.get_data(as_text=True)[:400]
        return BeautifulSoup(response.get_data(as_text=True), "lxml")

    def token(self, url: str = "/collections") -> str:
        return self.page(url).select_one("input[name=csrf_token]")["value"]

    def post(self, url: str, data: dict, origin: str | None = ORIGIN, token: bool = True, **kw):
        data = {**data, "csrf_token": self.token()} if token else data
        headers = {"Origin": origin} if origin else {}
        return self.client.post(url, data=data, headers=headers, **kw)

    def store(self):
        from web.collections import get_store

        with self.app.app_context():
            return get_store()


def first_hits(search_index, n: int = 3) -> list[dict]:
    return search_index.search(SearchRequest(q=Q))["hits"][:n]


def add(site: Site, paragraph_id: str, origin: str | None = ORIGIN, token: bool = True, **fields) -> object:
    return site.post("/clippings", {"paragraph_id": paragraph_id, **fields}, origin=origin, token=token)


# --- the flow -------------------------------------------------------------------------------------------

def test_every_hit_offers_the_form_and_adding_returns_to_the_hit(site, search_index):
    hits = first_hits(search_index)
    doc = site.page(f"/?q={Q}")
    forms = doc.select("article.hit form.clip-form")
    assert [f.select_one("input[name=paragraph_id]")["value"] for f in forms] == [h["id"] for h in search_index.search(
        SearchRequest(q=Q))["hits"]]
    assert forms[0]["method"] == "post" and forms[0].select_one("input[name=new_collection]").has_attr("required")
    next_url = forms[0].select_one("input[name=next]")["value"]
    assert next_url == f"/?q={Q}#hit-{hits[0]['id']}"
    response = add(site, hits[0]["id"], new_collection="经验材料素材", note="开头可用", next=next_url)
    assert response.status_code == 303 and unquote(response.headers["Location"]) == next_url
    # Back on the page, the message says where it went, and the form offers that collection first.
    doc = site.page(f"/?q={Q}")
    assert doc.select_one("#flash").get_text(strip=True) == "已加入素材夹“经验材料素材”。"
    assert [o.get_text() for o in doc.select("article.hit select[name=collection_id]")[0].select("option")] == \
        ["经验材料素材（1 条）"]


def test_a_collection_shows_each_clipping_with_citation_note_and_link(site, search_index):
    hits = first_hits(search_index, 3)
    for hit in hits:
        add(site, hit["id"], new_collection="素材", note=f"备注{hit['id'][-1]}")
    collection = site.store().collections()[0]
    doc = site.page(f"/collections/{collection['id']}")
    items = doc.select("#clippings li.clipping")
    assert [li["data-paragraph"] for li in items] == [h["id"] for h in hits]
    for li, hit in zip(items, hits):
        assert li.select_one(".clip-text").get_text() == hit["text"]
        assert li.select_one(".clip-citation").get_text() == citation(hit, DEFAULT_FORMAT)
        assert li.select_one(".clip-note-text").get_text() == f"备注：备注{hit['id'][-1]}"
        assert li.select_one("a.clip-article")["href"] == f"/paragraph/{hit['id']}"
        assert li.select_one(".source-state") is None
    assert site.client.get(f"/paragraph/{hits[0]['id']}").headers["Location"].endswith(f"#p-{hits[0]['id']}")


def test_reorder_rename_note_remove_and_delete(site, search_index):
    hits = first_hits(search_index, 3)
    for hit in hits:
        add(site, hit["id"], new_collection="甲")
    store = site.store()
    cid = store.collections()[0]["id"]
    clips = store.collection(cid)["clippings"]
    assert site.post(f"/clippings/{clips[2]['id']}/move", {"direction": "up"}).status_code == 303
    site.post(f"/clippings/{clips[0]['id']}/move", {"position": "3"})
    assert [c["paragraph_id"] for c in store.collection(cid)["clippings"]] == [hits[2]["id"], hits[1]["id"], hits[0]["id"]]
    site.post(f"/clippings/{clips[1]['id']}/note", {"note": "  改过的备注 "})
    assert store.clipping(clips[1]["id"])["note"] == "改过的备注"
    site.post(f"/collections/{cid}/rename", {"name": "乙"})
    assert site.page(f"/collections/{cid}").select_one("#collection-name").get_text() == "乙"
    site.post(f"/clippings/{clips[1]['id']}/remove", {})
    assert [c["paragraph_id"] for c in store.collection(cid)["clippings"]] == [hits[2]["id"], hits[0]["id"]]
    refused = site.post(f"/collections/{cid}/delete", {})
    assert refused.status_code == 400 and "删除素材夹需要确认" in refused.get_data(as_text=True)
    assert site.post(f"/collections/{cid}/delete", {"confirm": "yes"}).headers["Location"] == "/collections"
    assert store.collections() == []
    assert site.page(f"/collections/{cid}", 404).select_one("#error")["data-status"] == "404"


def test_bad_forms_get_a_400_with_a_chinese_message(site, search_index):
    hit = first_hits(search_index, 1)[0]
    for data, message in [({"paragraph_id": hit["id"]}, "请选择一个素材夹"),
                          ({"paragraph_id": hit["id"], "collection_id": "x"}, "参数 collection_id 必须是整数"),
                          ({"paragraph_id": hit["id"], "new_collection": "甲", "note": "长" * 2001}, "备注过长")]:
        response = add(site, **data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert add(site, "0123456789abcdef-0001", new_collection="甲").status_code == 404
    assert add(site, hit["id"], collection_id="999").status_code == 404


def test_an_outside_next_is_not_followed(site, search_index):
    hit = first_hits(search_index, 1)[0]
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "/x\r\nSet-Cookie: a=b"):
        response = add(site, hit["id"], new_collection="甲", next=target)
        assert response.status_code == 303 and response.headers["Location"].startswith("/collections/"), target


def test_markup_in_a_name_or_note_is_shown_as_text(site, search_index):
    hit = first_hits(search_index, 1)[0]
    add(site, hit["id"], new_collection="<b>素材</b>", note='<script>alert(1)</script><img src=x onerror="x()">')
    html = site.client.get("/collections/1").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>素材" not in html
    doc = BeautifulSoup(html, "lxml")
    assert doc.select_one("#collection-name").get_text() == "<b>素材</b>"
    assert doc.select_one(".clip-note-text").get_text() == '备注：<script>alert(1)</script><img src=x onerror="x()">'
    assert [s.get("src") for s in doc.select("script")] == ["/static/app.js"]


def test_a_clipping_whose_paragraph_left_the_index_keeps_its_copy_and_is_marked(site, search_index):
    hit = first_hits(search_index, 1)[0]
    store = site.store()
    cid = store.create_collection("旧")
    gone = {**hit, "id": "fedcba9876543210-0001", "article_id": "fedcba9876543210", "source": "/nowhere/old.txt"}
    store.add_clipping(cid, gone, "——摘自《旧文》", "")
    li = site.page(f"/collections/{cid}").select_one("li.clipping")
    assert li.select_one(".source-state").get_text().startswith("来源已变更")
    assert li.select_one(".clip-text").get_text() == hit["text"] and li.select_one("a.clip-article") is None
    body = docx.Document(io.BytesIO(site.client.get(f"/collections/{cid}/export.docx").data))
    assert "【来源已变更：原文件已不在索引中】" in [p.text for p in body.paragraphs]


def test_collection_exports_are_named_after_it_and_the_date(site, search_index):
    hits = first_hits(search_index, 2)
    for hit in hits:
        add(site, hit["id"], new_collection="经验 材料/素材")
    response = site.client.get("/collections/1/export.docx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = unquote(response.headers["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert re.fullmatch(r"经验_材料_素材-\d{8}\.docx", name)
    texts = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert texts[0] == "经验 材料/素材" and all(h["text"] in texts for h in hits)
    markdown = site.client.get("/collections/1/export.md").get_data(as_text=True)
    assert markdown.startswith("# 素材夹：经验 材料/素材") and hits[1]["text"] in markdown
    assert site.client.get("/collections/1/export.csv").data.decode("utf-8-sig").count(hits[0]["id"]) == 1
    assert site.client.get("/collections/1/export.pdf").status_code == 404


def test_the_result_list_exports_as_word(site, search_index):
    expected = search_index.search(SearchRequest(q=Q, per_page=100))
    response = site.client.get(f"/export.docx?q={Q}&page=2")
    texts = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert texts[0] == f"检索结果：{Q}" and texts[1] == f"共 {expected['total']} 段，导出 {expected['total']} 段。"
    assert all(hit["text"] in texts for hit in expected["hits"])
    assert f"检索结果-{Q}-" in unquote(response.headers["Content-Disposition"])


# --- history and saved searches ---------------------------------------------------------------------------

def test_searches_are_remembered_once_each_and_cleared(site):
    site.client.get(f"/?q={Q}")
    site.client.get(f"/?q={Q}&page=2")
    site.client.get("/?q=劳模&province=河南省")
    site.client.get("/")  # no search: not remembered
    site.client.get("/?q=工匠", headers={"Sec-Fetch-Site": "cross-site"})  # another site's page caused it
    doc = site.page("/history")
    links = [(a.get_text(), a["href"]) for a in doc.select("#history-list a")]
    assert links == [("劳模", "/?q=%E5%8A%B3%E6%A8%A1&province=%E6%B2%B3%E5%8D%97%E7%9C%81"),
                     (Q, f"/?q={'%E8%81%8C%E5%B7%A5%E4%B9%A6%E5%B1%8B'}")]
    assert "筛选：省份 河南省" in doc.select("#history-list li")[0].get_text()
    assert site.post("/history/clear", {}).status_code == 303
    assert site.page("/history").select_one("#no-history") is not None


def test_history_can_be_turned_off(sample_index, search_index, tmp_path):
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "DATA_DIR": str(tmp_path), "HISTORY": False}, search_index=search_index)
    app.test_client().get(f"/?q={Q}")
    doc = BeautifulSoup(app.test_client().get("/history").get_data(as_text=True), "lxml")
    assert doc.select_one("#no-history") is not None and "HISTORY" in doc.select_one(".notice").get_text()


def test_a_saved_search_counts_new_hits_and_opening_it_sees_them(site, search_index):
    total = search_index.search(SearchRequest(q=Q))["total"]
    assert site.post("/saved", {"state": f"q={Q}&page=3&view=kwic", "name": ""}).status_code == 303
    store = site.store()
    from search.clippings.history import saved_search, saved_searches

    item = saved_searches(store)[0]
    assert (item["name"], item["state"]) == (Q, "q=%E8%81%8C%E5%B7%A5%E4%B9%A6%E5%B1%8B")
    # As if three of today's hits had not been there when it was last opened.
    seen = sorted(saved_search(store, item["id"])["seen"])
    assert len(seen) == total
    with store.connection() as db:
        db.execute("DELETE FROM saved_hit WHERE paragraph_id IN (?, ?, ?)", seen[:3])
    row = site.page("/saved").select_one("#saved-list li")
    assert row.select_one(".new-hits").get_text() == "新增 3 段" and f"共 {total} 段" in row.get_text()
    opened = site.post(f"/saved/{item['id']}/open", {})
    assert opened.status_code == 303 and parse_qs(urlsplit(opened.headers["Location"]).query) == {"q": [Q]}
    assert site.page("/saved").select_one("#saved-list .no-new").get_text() == "无新增"
    site.post("/saved", {"state": "province=河南省&q=", "default_name": "省份：河南省"})
    assert [s["name"] for s in saved_searches(store)] == ["省份：河南省", Q]
    refused = site.post("/saved", {"state": "page=2"})
    assert refused.status_code == 400 and "没有可保存的检索" in refused.get_data(as_text=True)
    for saved in saved_searches(store):
        site.post(f"/saved/{saved['id']}/delete", {})
    assert site.page("/saved").select_one("#no-saved") is not None


# --- the guards -------------------------------------------------------------------------------------------

def test_a_forged_cross_site_post_is_refused_and_writes_nothing(site, search_index):
    hit = first_hits(search_index, 1)[0]
    for origin in ("http://evil.example", "null", "http://localhost.evil.example", "https://localhost"):
        response = add(site, hit["id"], new_collection="伪造", origin=origin)
        assert response.status_code == 403, origin
        assert "拒绝来自其他网站的提交" in response.get_data(as_text=True)
    # Without an Origin, a foreign Referer is refused too.
    response = site.client.post("/clippings", data={"paragraph_id": hit["id"], "new_collection": "伪造",
                                                    "csrf_token": site.token()},
                                headers={"Referer": "http://evil.example/page"})
    assert response.status_code == 403
    assert site.store().collections() == []


def test_a_post_without_a_valid_csrf_token_is_refused(site, search_index):
    hit = first_hits(search_index, 1)[0]
    response = add(site, hit["id"], new_collection="甲", token=False)
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    response = site.client.post("/clippings", data={"paragraph_id": hit["id"], "new_collection": "甲",
                                                    "csrf_token": "forged"}, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    # A token of another browser session is no good either.
    other = site.app.test_client()
    response = other.post("/clippings", data={"paragraph_id": hit["id"], "new_collection": "甲",
                                              "csrf_token": site.token()}, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert site.store().collections() == []


@pytest.mark.parametrize("url", ["/clippings", "/collections/1/rename", "/history/clear", "/saved/1/open"])
def test_get_on_a_write_route_is_405(site, url):
    response = site.client.get(url)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "localhost.evil.example",
                                  "192.168.1.20"])
def test_a_foreign_host_header_is_refused_on_every_route(site, host):
    for url in ("/", f"/?q={Q}", "/api/search?q=工会", "/collections", "/static/app.js", "/export.csv?q=劳模"):
        response = site.client.get(url, headers={"Host": host})
        assert response.status_code == 400, (host, url)
    assert "不接受这个主机名" in site.client.get("/", headers={"Host": host}).get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"])
def test_the_loopback_names_are_served(site, host):
    assert site.client.get("/", headers={"Host": host}).status_code == 200


def test_host_rules_follow_the_bound_address():
    assert host_allowed("127.0.0.1", "127.0.0.1") and host_allowed("localhost", "127.0.0.1")
    assert not host_allowed("10.0.0.5", "127.0.0.1")
    assert host_allowed("10.0.0.5", "10.0.0.5") and not host_allowed("10.0.0.6", "10.0.0.5")
    assert host_allowed("10.0.0.5", "0.0.0.0") and not host_allowed("office-pc", "0.0.0.0")
    assert host_allowed("office-pc", "0.0.0.0", ("office-pc",))
    assert host_allowed("office-pc", "office-pc")


def test_a_request_over_the_size_limit_is_refused(site, search_index):
    hit = first_hits(search_index, 1)[0]
    response = add(site, hit["id"], new_collection="甲", note="长" * 200_000)
    assert response.status_code == 413 and "提交的内容过大" in response.get_data(as_text=True)
    assert site.store().collections() == []


def test_the_session_key_is_made_once_per_data_folder_and_kept_private(tmp_path):
    key = load_or_create_secret(tmp_path / "data")
    assert len(key) == 64 and load_or_create_secret(tmp_path / "data") == key
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "secret_key").st_mode) == 0o600
    assert load_or_create_secret(tmp_path / "other") != key
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["secret_key"]


def test_the_session_cookie_is_strict_and_the_database_is_in_the_data_folder(site, tmp_path):
    response = site.client.get("/collections")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("unionsearch_session=") and "SameSite=Strict" in cookie and "HttpOnly" in cookie
    assert site.store().path == tmp_path / "data" / "clippings.sqlite3"
    assert (tmp_path / "data" / "clippings.sqlite3").exists()


# --- page polish ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", f"/?q={Q}", "/collections", "/history", "/saved", "/no/such/page"])
def test_every_page_has_a_search_box_the_nav_and_a_plain_footer(site, url):
    doc = site.page(url, 404 if "no/such" in url else 200)
    assert len(doc.select("form[role=search] input[name=q]")) == 1
    assert [a.get_text() for a in doc.select("#site-nav a")] == ["素材夹", "检索历史", "保存的检索"]
    footer = doc.select_one("footer").get_text()
    assert "CITATION_FORMAT" not in footer and "{title}" not in footer and "工会文稿检索" in footer


def test_the_search_page_offers_per_page_choices_filters_button_word_export_and_saving(site):
    doc = site.page(f"/?q={Q}&per_page=20")
    assert [(a.get_text(), a.get("aria-current")) for a in doc.select("#per-page a")] == \
        [("10", None), ("20", "true"), ("50", None), ("100", None)]
    assert doc.select("#per-page a")[2]["href"] == f"/?q={'%E8%81%8C%E5%B7%A5%E4%B9%A6%E5%B1%8B'}&per_page=50"
    assert doc.select_one("#filters-toggle")["href"] == "#facets"
    assert doc.select_one("#export-docx")["href"] == f"/export.docx?q={'%E8%81%8C%E5%B7%A5%E4%B9%A6%E5%B1%8B'}&per_page=20"
    assert parse_qs(doc.select_one("#save-search input[name=state]")["value"]) == {"q": [Q], "per_page": ["20"]}
    assert site.page("/?q=劳模&province=河南省").select_one("#save-search input[name=default_name]")["value"] == \
        "劳模 省份：河南省"
    assert site.page("/").select_one("#save-search") is None  # nothing to save yet


def test_the_context_api_marks_every_match_of_the_query(site, search_index):
    hit = first_hits(search_index, 1)[0]
    body = site.client.get(f"/api/paragraphs/{hit['id']}?q={Q}&before=2&after=2").get_json()
    literals = search_index.search(SearchRequest(q=Q))["literals"]
    for item in (body, *body["before"], *body["after"]):
        marked = [item["text"][start:end] for start, end in item["spans"]]
        expected = [w for w in literals for _ in range(item["text"].count(w))]
        assert sorted(marked) == sorted(expected), item["text"]
    assert body["spans"] and "spans" not in site.client.get(f"/api/paragraphs/{hit['id']}").get_json()


@pytest.mark.parametrize("paragraph_id", ["0123456789abcdef-0001", "..", "%2e%2e%2fsetup.cfg", "x" * 300])
def test_the_clip_page_of_an_unknown_paragraph_is_a_404(site, paragraph_id):
    assert site.client.get(f"/clip/{paragraph_id}").status_code == 404


def test_the_clip_page_returns_only_to_a_path_of_this_site(site, search_index):
    hit = first_hits(search_index, 1)[0]
    form = site.page(f"/clip/{hit['id']}?next=https://evil.example/").select_one("form.clip-form")
    assert form.select_one("input[name=next]")["value"] == f"/article/{hit['article_id']}#p-{hit['id']}"
    form = site.page(f"/clip/{hit['id']}?next=/%3Fq%3D{Q}%26view%3Dkwic").select_one("form.clip-form")
    assert form.select_one("input[name=next]")["value"] == f"/?q={Q}&view=kwic"


# --- any form data -------------------------------------------------------------------------------------------

FORM_FIELDS = ("paragraph_id", "collection_id", "new_collection", "note", "next", "name", "position", "direction",
               "confirm", "state", "default_name", "anchor")
STATUSES: Counter[int] = Counter()
WRITE_URLS = ("/clippings", "/collections", "/collections/{c}/rename", "/collections/{c}/delete", "/clippings/{k}/note",
              "/clippings/{k}/move", "/clippings/{k}/remove", "/history/clear", "/saved", "/saved/{s}/open",
              "/saved/{s}/delete")


@pytest.fixture(scope="module")
def fuzz_site(sample_index, search_index, tmp_path_factory):
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "DATA_DIR": str(tmp_path_factory.mktemp("fuzz"))},
                     search_index=search_index)
    site = Site(app, app.test_client())
    return site, site.token(), [h["id"] for h in first_hits(search_index, 3)]


def seeded(site: Site, paragraph_ids: list[str]) -> dict[str, int]:
    """Return a collection, a clipping and a saved search that exist, making them when a form removed them."""
    from search.clippings.history import saved_searches

    store = site.store()
    collection_id = store.ensure_collection("种子")
    for pid in paragraph_ids:
        store.add_clipping(collection_id, {"id": pid, "article_id": pid[:16], "text": "种子段落"}, "——摘自")
    if not saved_searches(store):
        site.post("/saved", {"state": f"q={Q}"})
    return {"c": collection_id, "k": store.collection(collection_id)["clippings"][0]["id"],
            "s": saved_searches(store)[0]["id"]}


def test_any_form_data_on_any_write_route_gets_an_answer_never_a_500(fuzz_site):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    site, token, real_ids = fuzz_site
    values = st.one_of(st.text(max_size=40), st.sampled_from(["", "1", "0", "-1", "2" * 30, "up", "down", "yes",
                                                               real_ids[0], "/", "//x", f"q={Q}", "\x00"]))

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(url=st.sampled_from(WRITE_URLS), data=st.dictionaries(st.sampled_from(FORM_FIELDS), values, max_size=6))
    def check(url, data):
        response = site.client.post(url.format(**seeded(site, real_ids)), data={**data, "csrf_token": token},
                                    headers={"Origin": ORIGIN})
        STATUSES[response.status_code] += 1
        assert response.status_code in (303, 400, 404), (url, data, response.status_code)
        if response.status_code == 303:
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith("//"), location

    check()
    assert STATUSES[303] > 20 and STATUSES[400] > 20 and STATUSES[404] > 5 and STATUSES[303] > STATUSES[404], STATUSES  # the handlers were reached


def test_an_unusable_data_folder_leaves_searching_working_and_says_why_adding_fails(sample_index, search_index,
                                                                                      tmp_path):
    from web import create_app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    app = create_app({"INDEX": str(sample_index), "DATA_DIR": str(blocker / "data")}, search_index=search_index)
    site = Site(app, app.test_client())
    doc = site.page(f"/?q={Q}")
    assert int(doc.select_one("#result-summary .total").get_text()) == search_index.search(SearchRequest(q=Q))["total"]
    hit = first_hits(search_index, 1)[0]
    token = doc.select_one("input[name=csrf_token]")["value"]
    response = site.client.post("/clippings", data={"paragraph_id": hit["id"], "new_collection": "甲", "csrf_token": token},
                                headers={"Origin": ORIGIN})
    assert response.status_code == 503 and "无法打开素材夹数据库" in response.get_data(as_text=True)
    assert "DATA_DIR" in response.get_data(as_text=True)
