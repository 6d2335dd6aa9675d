"""Hostile queries and requests: generated parameters on every route never cause a 5xx; a bad one
gets a clear 400 or 404 saying what was wrong, and stated limits are enforced."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from urllib.parse import quote, urlencode

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.params import FILTER_NAMES, MAX_FILTER_VALUES

EXPORT_LIMIT = 40  # small, so that a generated export never pages through the whole index
# Deterministic by default so that CI is stable; UNIONSEARCH_FUZZ_RANDOM=1 explores new examples.
FUZZ = {
    "deadline": None,
    "database": None,
    "derandomize": not os.environ.get("UNIONSEARCH_FUZZ_RANDOM"),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
# Requests sent per property test, and the tests that must all run for the total to count.
REQUESTS: Counter[str] = Counter()
PROPERTY_TESTS = {"search_page", "api_search", "kwic", "exports", "id_routes", "query_language", "other_params"}
MIN_REQUESTS = 10_000
STARTED = time.perf_counter()

SEARCH_PARAMS = ("q", *FILTER_NAMES, "sort", "page", "per_page", "synonyms")
PAGE_PARAMS = (*SEARCH_PARAMS, "view", "kwic_sort", "context")
KWIC_PARAMS = ("q", *FILTER_NAMES, "sort", "context", "synonyms")
COLLOCATION_PARAMS = ("q", *FILTER_NAMES, "synonyms", "window", "measure", "min_freq", "limit")
KEYWORD_PARAMS = ("q", *FILTER_NAMES, "synonyms", "min_freq", "min_articles", "limit")
PHRASE_PARAMS = ("q", *FILTER_NAMES, "synonyms", "min_length", "max_length", "min_articles", "phrase_sort", "limit")
EXPORT_PARAMS = (*SEARCH_PARAMS, "limit")
UNKNOWN_PARAMS = ("foo", "q[]", "Q", "", " q", "page ", "__proto__", "%71")

# --- strategies ---------------------------------------------------------------------------------------

CONTROL = st.sampled_from([chr(c) for c in range(32)] + ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
                                                        "\u200b", "\u202e", "\ufffd", "\U0010ffff"])
QUERY_BITS = st.sampled_from([
    '"', "“", "”", "「", "」", "『", "』", "＂", "-", "－", "|", "｜", "OR", "ＯＲ", "or", "AND", "NOT", ":", "：",
    "省:", "省：河北", "市:", "年:", "年:2019-2023", "年:2023-2019", "年:-1", "年:99999999999999999999",
    "年:2019-", "年:-", "级别:市", "级别:宇宙", "类型:标题", "主题:", "主题:劳模工匠", "foo:bar", "http://x",
    "10:30", "*", "?", "~", "^2", "(", ")", "[", "]", "{", "}", "\\", "/", "%", "%00", "../", "..\\",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "</mark>", "javascript:alert(1)",
    "'", ";", "&", "=", "#", "工会", "职工书屋", "河北", "劳模", "工", " ", "  ", "\t", "\n", ",", "，", "、",
])
NUMBERS = st.one_of(
    st.integers(-10**40, 10**40).map(str),
    st.integers(-3, 200).map(str),
    st.sampled_from(["", " ", " 7 ", "1.5", "1e3", "0x10", "０１", "١", "٣", "+5", "--1", "NaN", "inf", "-0",
                     "9" * 5000, "1,000", "1_000", "true", "[]", "null"]),
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(CONTROL, max_size=12),
    st.lists(QUERY_BITS | st.text(max_size=3), max_size=30).map("".join),
    st.lists(QUERY_BITS, min_size=1, max_size=20).map(" ".join),
    # Very long text and thousands of terms, around and far past the length limit.
    st.builds(lambda unit, n: unit * n, st.sampled_from(["工", "a ", '"', "-", "OR ", "工会 ", "省:河北 ", "年:"]),
              st.sampled_from([0, 1, 249, 250, 251, 499, 500, 501, 2000, 5000])),
)
VALUES = st.one_of(TEXT, NUMBERS, st.sampled_from(["relevance", "newest", "oldest", "left", "right", "kwic",
                                                   "results", "0", "1", "yes", "off"]))
# Fragments a client may send that are not valid percent-encoding or UTF-8.
RAW = st.sampled_from(["%", "%G0", "%FF", "%ff%fe", "%00", "%C0%AF", "%ED%A0%80", "&&", "=", "==", "q", "q=%E5",
                       ";", "q=%0A", "page=%00", "per_page=%2D1", "%2e%2e%2f", "q=%3Cscript%3E"])


# One filter checked many times over, around the limit on filter values.
MANY_FILTERS = st.builds(lambda name, n: urlencode([(name, f"值{i}") for i in range(n)]),
                         st.sampled_from(FILTER_NAMES), st.sampled_from([2, MAX_FILTER_VALUES, MAX_FILTER_VALUES + 1, 3000]))


def query_strings(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Return query strings of repeated, unknown, hostile and raw parameters."""
    pairs = st.lists(st.tuples(st.sampled_from(names) | st.sampled_from(UNKNOWN_PARAMS), VALUES), max_size=8)
    return st.builds(
        lambda items, raw: "&".join(filter(None, [urlencode(items), *raw])),
        pairs, st.lists(RAW | MANY_FILTERS, max_size=2),
    )


ODD_IDS = [
    "0123456789abcdef", "0123456789abcdef-0001", "0123456789ABCDEF-0001", "0123456789abcdef-1", "..", ".",
    "../../etc/passwd", "..\\..\\boot.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2fsetup.cfg", "%00",
    "0123456789abcdef%00", "0123456789abcdef-0001%00.txt", "%2F", "%5C", "~root", "con", "NUL", "a" * 5000,
    "0123456789abcdef-0001 ", " 0123456789abcdef", "0123456789abcdef-0001\n", "%0a", "%E5%B7%A5", "%FF",
]
ID_ROUTES = ("/article/", "/similar/", "/paragraph/", "/api/paragraphs/", "/api/similar/")


# --- checking every response ------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset"}


class _LastError(logging.Handler):
    """Keep the last exception the app logged, to show it when a request gets a 500."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.text = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.text = self.format(record)


def assert_inert(html: str, where: str) -> None:
    """Assert that a page carries the app's own script only, and no handler or javascript: link."""
    tree = lxml.html.document_fromstring(html)
    scripts = tree.xpath("//script")
    assert [s.get("src") for s in scripts] == ["/static/app.js"] and not any(s.text for s in scripts), where
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, lxml.html.tostring(element)[:200])
            if name in URL_ATTRIBUTES:
                assert not value.strip().lower().startswith("javascript:"), (where, name, value)


class Site:
    """The test client, checking and counting every request."""

    def __init__(self, client, errors: _LastError) -> None:
        self.client = client
        self.errors = errors

    def get(self, url: str, counter: str) -> object:
        """GET ``url`` and assert what every response must be; return the response."""
        self.errors.text = ""
        response = self.client.get(url)
        REQUESTS[counter] += 1
        status = response.status_code
        assert status < 500, (url, status, self.errors.text)
        assert status in (200, 302, 400, 404), (url, status)
        path = url.split("?", 1)[0]
        if path == "/api" or path.startswith("/api/"):
            assert response.mimetype == "application/json", url
            body = response.get_json()
            if status >= 400:
                assert set(body) == {"error", "hint", "status"} and body["status"] == status, (url, body)
                assert isinstance(body["error"], str) and body["error"].strip(), (url, body)
        elif status >= 400:
            html = response.get_data(as_text=True)
            assert f'data-status="{status}"' in html and '<span class="message"></span>' not in html, url
            assert_inert(html, url)
        elif status == 200 and response.mimetype == "text/html":
            assert_inert(response.get_data(as_text=True), url)
        elif status == 302:
            assert response.headers["Location"].startswith("/article/"), url
        return response


@pytest.fixture(scope="module")
def site(sample_index):
    """Return a checking client of the page app on the sample index."""
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "TESTING": True, "EXPORT_LIMIT": EXPORT_LIMIT})
    errors = _LastError()
    logging.getLogger("web.errors").addHandler(errors)
    yield Site(app.test_client(), errors)
    logging.getLogger("web.errors").removeHandler(errors)


@pytest.fixture(scope="module")
def real_ids(site) -> list[str]:
    """Return a few real article and paragraph ids of the sample index."""
    hits = site.get("/api/search?q=工会&per_page=5", "setup").get_json()["hits"]
    return [h["id"] for h in hits] + [h["article_id"] for h in hits]


# --- property tests: every route, every parameter ---------------------------------------------------------

@settings(max_examples=1500, **FUZZ)
@given(query=query_strings(PAGE_PARAMS), kwic=st.booleans())
def test_search_page_answers_any_parameters(site, query, kwic):
    site.get(f"/?{'view=kwic&' if kwic else ''}{query}", "search_page")


@settings(max_examples=2000, **FUZZ)
@given(query=query_strings(SEARCH_PARAMS))
def test_search_api_answers_any_parameters(site, query):
    site.get(f"/api/search?{query}", "api_search")


@settings(max_examples=1000, **FUZZ)
@given(query=query_strings(KWIC_PARAMS))
def test_concordance_answers_any_parameters(site, query):
    site.get(f"/api/kwic?{query}", "kwic")


@settings(max_examples=150, **FUZZ)
@given(query=query_strings(COLLOCATION_PARAMS), page=st.booleans())
def test_collocations_answer_any_parameters(site, query, page):
    site.get(f"{'/collocations' if page else '/api/collocations'}?{query}", "collocations")


@settings(max_examples=150, **FUZZ)
@given(query=query_strings(PHRASE_PARAMS), page=st.booleans())
def test_phrases_answer_any_parameters(site, query, page):
    site.get(f"{'/phrases' if page else '/api/phrases'}?{query}", "phrases")


@settings(max_examples=100, **FUZZ)
@given(query=query_strings(KEYWORD_PARAMS), page=st.booleans())
def test_keywords_answer_any_parameters(site, query, page):
    site.get(f"{'/keywords' if page else '/api/keywords'}?{query}", "keywords")


@settings(max_examples=100, **FUZZ)
@given(query=query_strings(("q", *FILTER_NAMES, "synonyms", "limit")), page=st.booleans())
def test_heading_sets_answer_any_parameters(site, query, page):
    site.get(f"{'/headings' if page else '/api/headings'}?{query}", "headings")


@settings(max_examples=500, **FUZZ)
@given(query=query_strings(EXPORT_PARAMS), markdown=st.booleans())
def test_exports_answer_any_parameters(site, query, markdown):
    response = site.get(f"/export.{'md' if markdown else 'csv'}?{query}", "exports")
    if response.status_code == 200:
        assert response.headers["Content-Disposition"].startswith("attachment;")


@settings(max_examples=2000, **FUZZ)
@given(route=st.sampled_from(ID_ROUTES), raw=st.booleans(), pick=st.integers(0, 1000),
       odd=st.sampled_from(ODD_IDS) | st.text(min_size=1, max_size=30) | st.from_regex(r"[0-9a-f]{16}(-\d{4,6})?",
                                                                                         fullmatch=True),
       query=query_strings(("q", "synonyms", "before", "after")))
def test_id_routes_answer_any_id(site, real_ids, route, raw, pick, odd, query):
    # Half the time a real id, so that the hostile parameters reach a real page.
    ident = real_ids[pick % len(real_ids)] if pick % 2 else odd
    path = route + (ident if raw and pick % 2 == 0 else quote(ident, safe=""))
    site.get(f"{path}?{query}", "id_routes")


@settings(max_examples=2500, **FUZZ)
@given(q=TEXT)
def test_query_language_never_fails(site, q):
    response = site.get(f"/api/search?{urlencode({'q': q})}", "query_language")
    if len(q) > 500:
        assert response.status_code == 400 and "最多 500 个" in response.get_json()["error"]
    elif response.status_code == 200:
        body = response.get_json()
        assert body["query"] == q.strip() and body["total"] >= len(body["hits"])


@settings(max_examples=1000, **FUZZ)
@given(route=st.sampled_from(["/api/articles", "/api/articles/", "/api", "/api/", "/api/nope", "/nope",
                              "/static/../setup.cfg", "/static/%2e%2e/setup.cfg", "/export", "/export.pdf"]),
       query=query_strings(("before", "after", "q")))
def test_other_routes_answer_any_parameters(site, route, query):
    site.get(f"{route}?{query}", "other_params")


def test_enough_generated_requests_were_sent():
    if not PROPERTY_TESTS <= set(REQUESTS):
        pytest.skip("run the whole file to count the generated requests")
    generated = sum(n for name, n in REQUESTS.items() if name in PROPERTY_TESTS)
    print(f"{generated} generated requests in {time.perf_counter() - STARTED:.0f} s: {dict(REQUESTS)}")
    assert generated >= MIN_REQUESTS


# --- stated limits ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def limited(sample_index):
    """Return a client of an app whose three limits are set low."""
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "MAX_QUERY_LENGTH": 20, "MAX_PER_PAGE": 30, "EXPORT_LIMIT": 50})
    return app.test_client()


def _error(response) -> str:
    if response.mimetype == "application/json":
        return response.get_json()["error"]
    return lxml.html.document_fromstring(response.get_data(as_text=True)).xpath("string(//*[@class='message'])")


@pytest.mark.parametrize("url", ["/api/search?q=", "/?q=", "/api/kwic?q=", "/export.csv?q=", "/article/0123456789abcdef?q="])
def test_a_query_over_the_length_limit_gets_a_400_naming_the_limit(site, limited, url):
    response = site.client.get(url + "工" * 501)
    assert response.status_code == 400 and _error(response) == "检索式过长：501 个字符，最多 500 个"
    response = limited.get(url + "工" * 21)
    assert response.status_code == 400 and _error(response) == "检索式过长：21 个字符，最多 20 个"
    assert limited.get(url + "工" * 20).status_code in (200, 404)


@pytest.mark.parametrize("url", ["/api/search?q=工会&per_page=", "/?q=工会&per_page=", "/export.md?q=工会&per_page="])
def test_a_page_size_over_the_limit_gets_a_400_naming_the_limit(site, limited, url):
    response = site.client.get(url + "101")
    assert response.status_code == 400 and _error(response) == "参数 per_page 必须在 1 到 100 之间，收到 101"
    response = limited.get(url + "31")
    assert response.status_code == 400 and _error(response) == "参数 per_page 必须在 1 到 30 之间，收到 31"
    assert limited.get(url + "30").status_code == 200


@pytest.mark.parametrize("extension", ["csv", "md"])
def test_an_export_over_the_limit_gets_a_400_naming_the_limit(site, limited, extension):
    response = limited.get(f"/export.{extension}?q=工会&limit=51")
    assert response.status_code == 400 and _error(response) == "参数 limit 必须在 1 到 50 之间，收到 51"
    response = site.client.get(f"/export.{extension}?q=工会&limit={EXPORT_LIMIT + 1}")
    assert _error(response) == f"参数 limit 必须在 1 到 {EXPORT_LIMIT} 之间，收到 {EXPORT_LIMIT + 1}"


def test_an_export_holds_at_most_the_limit(limited, search_index):
    from search.engine import SearchRequest

    total = search_index.search(SearchRequest(q="工会"))["total"]
    assert total > 50
    rows = limited.get("/export.csv?q=工会").get_data(as_text=True).strip().split("\r\n")
    assert len(rows) == 1 + 50
    rows = limited.get("/export.csv?q=工会&limit=7").get_data(as_text=True).strip().split("\r\n")
    assert len(rows) == 1 + 7
    assert f"共 {total} 段，导出 50 段（导出上限 50 段）。" in limited.get("/export.md?q=工会").get_data(as_text=True)


@pytest.mark.parametrize("route", ["/api/search", "/", "/export.csv"])
def test_more_filter_values_than_the_limit_get_a_400_naming_the_limit(site, route):
    pairs = [("province", f"省{i}") for i in range(60)] + [("theme", f"主题{i}") for i in range(41)]
    response = site.client.get(f"{route}?{urlencode(pairs)}")
    assert response.status_code == 400 and _error(response) == "筛选条件过多：101 个，最多 100 个"
    assert site.client.get(f"{route}?{urlencode(pairs[:100])}").status_code == 200


def test_the_limits_are_stated_in_the_page(limited):
    html = limited.get("/").get_data(as_text=True)
    assert 'maxlength="20"' in html


@pytest.mark.parametrize("url, status, message", [
    ("/api/search?page=100001", 400, "参数 page 必须在 1 到 100000 之间，收到 100001"),
    ("/api/search?page=" + "9" * 40, 400, "参数 page 必须在 1 到 100000 之间，收到 " + "9" * 30 + "…"),
    ("/api/search?page=" + "9" * 5000, 400, "参数 page 必须在 1 到 100000 之间，收到 " + "9" * 30 + "…"),
    ("/api/search?page=--1", 400, "参数 page 必须是整数，收到“--1”"),
    ("/api/search?per_page=-5", 400, "参数 per_page 必须在 1 到 100 之间，收到 -5"),
    ("/api/search?page=1.5", 400, "参数 page 必须是整数，收到“1.5”"),
    ("/api/kwic?q=工会&context=0", 400, "参数 context 必须在 1 到 80 之间，收到 0"),
    ("/api/paragraphs/0123456789abcdef-0001?before=-1", 400, "参数 before 必须在 0 到 20 之间，收到 -1"),
    ("/api/paragraphs/%2e%2e%2fsetup.cfg", 404, "找不到这个页面或文档"),
    ("/api/paragraphs/%2e%2e", 404, "没有编号为 '..' 的段落"),
    ("/api/similar/0123456789abcdef-0001%00", 404, "没有编号为 '0123456789abcdef-0001\\x00' 的段落"),
    ("/api/kwic?q=%22%22", 400, "索引行需要一个检索词"),
])
def test_bad_requests_say_what_was_wrong(site, url, status, message):
    response = site.client.get(url)
    assert (response.status_code, response.get_json()["error"]) == (status, message)
