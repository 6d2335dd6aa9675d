"""The real server (waitress on 127.0.0.1) under load while the index is rewritten, and what it exposes.

Fifty keep-alive clients in a process of their own ask the search page and the JSON API for
LOAD_SECONDS (UNIONSEARCH_LOAD_SECONDS, 20 by default) while `unionsearch index` commits new
versions again and again: every answer must be the old or the new version's, with no error and no
failed connection. The server listens on loopback unless told otherwise, only reads, keeps to its
static folder and sends its security headers.
"""

from __future__ import annotations

import http.client
import inspect
import json
import logging
import os
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner

from search.engine import SearchIndex
from search.concordance import concordance
from web import SECURITY_HEADERS, create_app
from web.cli import main
from web.serve import THREADS, run

from .crash_helpers import (
    QUERIES,
    Versions,
    build_versions,
    copy_index,
    run_indexer,
    serving,
    start_load,
    write_corpus,
)

pytestmark = pytest.mark.slow

LOAD_SECONDS = float(os.environ.get("UNIONSEARCH_LOAD_SECONDS", "20"))
CLIENTS = 50
MAX_REINDEX_RUNS = 40
PHRASES = ("职工书屋", "劳动竞赛", "困难职工")


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Return the corpus at version 2, an index of version 1 and a clean build of version 2."""
    return build_versions(tmp_path_factory.mktemp("load"))


def request_plan(versions: Versions) -> list[dict]:
    """Return the requests the clients send, each with what either version answers."""
    old, new = SearchIndex(versions.base), SearchIndex(versions.clean)
    plan = []
    for q in QUERIES:
        totals = sorted({versions.old[q][0], versions.new[q][0]})
        plan.append({"kind": "page", "path": f"/?q={quote(q)}", "status": 200, "totals": totals})
        plan.append({"kind": "search", "path": f"/api/search?q={quote(q)}&page=2", "status": 200, "totals": totals})
    for phrase in PHRASES:
        totals = sorted({concordance(old, phrase)["total"], concordance(new, phrase)["total"]})
        plan.append({"kind": "kwic", "path": f"/api/kwic?q={quote(phrase)}", "status": 200, "totals": totals})
    for pid in sorted(versions.old["paragraph_ids"] & versions.new["paragraph_ids"])[:5]:
        plan.append({"kind": "paragraph", "path": f"/api/paragraphs/{pid}", "status": 200, "id": pid})
    # Deliberately bad requests: their error status is the right answer.
    plan.append({"kind": "bad", "path": "/api/search?q=x&per_page=1000", "status": 400})
    plan.append({"kind": "bad", "path": "/api/paragraphs/0000000000000000-0001", "status": 404})
    return plan


def test_fifty_clients_during_reindexing_get_only_right_answers(versions, tmp_path, caplog):
    caplog.set_level(logging.ERROR, logger="waitress.queue")  # 50 clients on 8 threads do queue up
    index_dir = copy_index(versions.base, tmp_path / "index")
    app = create_app({"INDEX": str(index_dir)})
    plan = request_plan(versions)
    runs = []
    try:
        with serving(app, threads=THREADS) as url:
            assert urlsplit(url).hostname == "127.0.0.1"
            clients = start_load(url, plan, CLIENTS, LOAD_SECONDS)
            version = 2
            while clients.poll() is None and len(runs) < MAX_REINDEX_RUNS:
                write_corpus(versions.corpus, version)
                runs.append(run_indexer(index_dir, versions.corpus))
                version = 3 - version
            out, err = clients.communicate(timeout=LOAD_SECONDS + 120)
    finally:
        write_corpus(versions.corpus, 2)
    assert clients.returncode == 0, err
    stats = json.loads(out)
    print(f"\nload while {len(runs)} reindex runs committed: {stats}")
    assert [r.returncode for r in runs] == [0] * len(runs), [r.stderr for r in runs]
    assert len(runs) >= 2  # the clients saw at least one commit
    assert (stats["error_count"], stats["errors"]) == (0, [])
    assert set(stats["statuses"]) == {"200", "400", "404"}
    assert stats["seconds"] >= LOAD_SECONDS
    assert stats["requests"] >= CLIENTS * 5


# --- what the server exposes ------------------------------------------------------------------

def get(url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send one request with the path exactly as given (no client-side normalising)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(app):
    """Return the base URL of the sample app served by waitress on loopback."""
    with serving(app) as url:
        yield url


def test_serve_listens_on_loopback_unless_told_otherwise(sample_index, monkeypatch):
    import waitress

    (host,) = [p for p in main.commands["serve"].params if p.name == "host"]
    assert host.default == "127.0.0.1"
    assert inspect.signature(run).parameters["host"].default == "127.0.0.1"
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **options: served.update(options))
    result = CliRunner().invoke(main, ["serve", "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert served == {"host": "127.0.0.1", "port": 8080, "threads": THREADS}
    assert "警告" not in result.output


def test_the_test_server_is_bound_to_loopback(site):
    assert urlsplit(site).hostname == "127.0.0.1"


def example_path(rule: str, paragraph_id: str, article_id: str, record_id: int = 1) -> str:
    """Return a real URL of a route, with a query."""
    for name in ("collection_id", "clipping_id", "saved_id"):
        rule = rule.replace(f"<int:{name}>", str(record_id))
    return (rule.replace("<path:filename>", "app.js").replace("<paragraph_id>", paragraph_id)
            .replace("<article_id>", article_id).replace("<any(docx, md, csv):extension>", "docx")) + "?q=" + quote("职工书屋")


# The routes that change the collections database (issue 15): POST forms only, each with a CSRF token.
WRITE_ROUTES = {
    "/collections", "/collections/<int:collection_id>/rename", "/collections/<int:collection_id>/delete",
    "/clippings", "/clippings/<int:clipping_id>/note", "/clippings/<int:clipping_id>/move",
    "/clippings/<int:clipping_id>/remove", "/history/clear", "/saved", "/saved/<int:saved_id>/open",
    "/saved/<int:saved_id>/delete",
}

READ_TOO = {"/collections", "/saved"}  # these paths are also pages (GET): the list a form adds to


def test_only_the_collection_forms_write_and_only_by_post(app, site, search_index):
    from web.collections import get_store

    hit = search_index.search(search_index_request())["hits"][0]
    with app.app_context():
        store = get_store()
        collection_id = store.create_collection("路由测试素材夹")
        store.add_clipping(collection_id, hit, "——摘自测试")
    rules = list(app.url_map.iter_rules())
    writes = [rule for rule in rules if "POST" in rule.methods]
    assert {rule.rule for rule in writes} == WRITE_ROUTES and len(rules) == 13 + 6 + 8 + len(WRITE_ROUTES)  # the workbench's eight GET routes
    for rule in rules:
        path = example_path(rule.rule, hit["id"], hit["article_id"], collection_id)
        if "POST" in rule.methods:
            assert rule.methods == {"POST", "OPTIONS"}, rule
            status, headers, body = get(site, path, "POST")
            assert status == 400 and "安全令牌" in body.decode("utf-8"), (path, status)  # no CSRF token
            if rule.rule not in READ_TOO:
                assert get(site, path)[0] == 405, path
            for method in ("PUT", "DELETE", "PATCH"):
                assert get(site, path, method)[0] == 405, (method, path)
            continue
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
        status, _, _ = get(site, path)
        assert status in (200, 302), path
        for method in ("PUT", "DELETE", "PATCH") + (() if rule.rule in READ_TOO else ("POST",)):
            status, headers, _ = get(site, path, method)
            assert status == 405, (method, path)
            assert headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        store.delete_collection(collection_id)


def search_index_request():
    from search.engine import SearchRequest

    return SearchRequest(q="职工书屋")


TRAVERSALS = [
    "/static/../setup.cfg",
    "/static/../../setup.cfg",
    "/static/..%2f..%2fsetup.cfg",
    "/static/%2e%2e/%2e%2e/setup.cfg",
    "/static/..%5c..%5csetup.cfg",
    "/static/....//....//setup.cfg",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/../../../../../../etc/passwd",
    "/static/app.js/../../serve.py",
    "/static/../templates/base.html",
    "/api/paragraphs/..%2f..%2f..%2fetc%2fpasswd",
    "/article/..%2f..%2fsetup.cfg",
]


def follow(site: str, path: str) -> tuple[int, bytes]:
    """GET a path, following redirects (which must stay on this server)."""
    for _ in range(3):
        status, headers, body = get(site, path)
        if status not in (301, 302, 307, 308):
            return status, body
        location = headers["Location"]
        assert location.startswith(site + "/"), location
        path = location[len(site):]
    raise AssertionError(f"redirect loop at {path}")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_cannot_reach_files_outside_the_static_folder(site, path):
    status, body = follow(site, path)
    assert status == 404
    assert "找不到这个页面或文档".encode() in body
    assert b"[metadata]" not in body and b"root:" not in body and b"import " not in body


@pytest.mark.parametrize("path", ["/static/", "/static", "/static/.", "/static/%2e", "/static/?C=M;O=D"])
def test_the_static_folder_is_never_listed(site, path):
    status, body = follow(site, path)
    assert status == 404
    assert "找不到这个页面或文档".encode() in body
    assert b"style.css</a>" not in body and b"Index of" not in body


@pytest.mark.parametrize("path, status", [
    ("/?q=职工书屋", 200), ("/api/search?q=%E8%81%8C%E5%B7%A5", 200), ("/static/app.js", 200),
    ("/no/such/page", 404), ("/api/search?per_page=1000", 400), ("/api/kwic", 400),
])
def test_responses_carry_the_security_headers(site, path, status):
    got, headers, _ = get(site, quote(path, safe="/?=&%"))
    assert got == status
    policy = headers["Content-Security-Policy"]
    assert policy == SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
