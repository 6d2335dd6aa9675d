"""The SphinxQL backend's own behaviour: exact encoding, incremental writes, shards that are down, the faces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.normalize import match_form
from search.backend import open_search_index
from search.engine import SearchIndex, SearchRequest
from search.errors import SearchError
from search.sphinxql.connection import PARTIAL_NOTICE, ClusterUnavailable, parse_url
from search.sphinxql.encoding import ESCAPE_END, ESCAPE_START, SENTINEL, body_of, encode_form
from search.sphinxql.rows import shard_of
from search.sphinxql.searcher import PATTERN_NOTICE, SphinxSearchIndex
from search.sphinxql.writer import update_cluster
from tests.search_fixtures import hit_ids, oracle_of
from tests.sphinx_fixtures import SAMPLE_CORPUS, needs_searchd, started_cluster
from web.cli import main

ODD_TEXT = ("第一篇标题\n\n职工之家\x7f建设、APP\ue021上线；来，全面推进𰀀字与😀表情。\n\n"
            "另一段：来全面推进，职工之家建设。\n")


# --- the encoding ------------------------------------------------------------------------------------

def test_every_character_becomes_tokens_sphinx_indexes():
    encoded = encode_form(match_form("来，全 APP\x7f\ue021𰀀😀"))
    # No ASCII (it would be query syntax or a separator), no character outside U+A1..U+2FA1F.
    assert all(0xA1 <= ord(c) <= 0x2FA1F for c in encoded)
    assert encoded.count(ESCAPE_START) == encoded.count(ESCAPE_END) == 3  # \x7f, the borrowed U+E021, 𰀀
    assert encode_form("工会") == "工会"
    assert body_of("工会") == SENTINEL + "工会"


def test_different_texts_never_encode_alike():
    forms = ["a", "\ue061", "\x7f", "\ue0fe", "\ue0e8\ue0e5", "𰀀", "\ue001"]
    assert len({encode_form(f) for f in forms}) == len(forms)


@pytest.mark.parametrize("url, nodes", [
    ("sphinxql://127.0.0.1:9306", ["127.0.0.1:9306"]),
    ("sphinxql://a:1,b:2/", ["a:1", "b:2"]),
])
def test_engine_addresses(url, nodes):
    assert [str(n) for n in parse_url(url)] == nodes


@pytest.mark.parametrize("url", ["sphinxql://", "sphinxql://host", "sphinxql://host:port", "mysql://a:1"])
def test_bad_engine_addresses_say_how_to_write_them(url):
    with pytest.raises(SearchError, match="sphinxql://|主机:端口"):
        parse_url(url)


# --- a cluster of its own: these tests change and stop nodes ------------------------------------------

def _write_docs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "odd.txt").write_text(ODD_TEXT, encoding="utf-8")
    (folder / "b.txt").write_text("河南省总工会工作综述\n\n工会工作很好，职工书屋建成。\n", encoding="utf-8")
    return folder


@pytest.fixture
def docs(tmp_path) -> Path:
    return _write_docs(tmp_path / "docs")


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    """Return (cluster address, brute-force oracle) of the two small documents, read-only."""
    from index.writer import update_index

    root = tmp_path_factory.mktemp("odd")
    folder = _write_docs(root / "docs")
    update_index(root / "local", [folder])
    started = started_cluster(root / "cluster", documents=[folder])
    yield started.url, oracle_of(SearchIndex(root / "local"))
    started.stop_all()


@pytest.fixture
def cluster(tmp_path, docs):
    started = started_cluster(tmp_path / "cluster", documents=[docs])
    yield started
    started.stop_all()


@needs_searchd
@pytest.mark.parametrize("literal", ["职工之家建设", "来全", "来，全", "APP", "app", "APP\ue021上线", "𰀀字", "与😀表情"])
def test_odd_characters_match_exactly_as_the_substring_scan(odd, literal):
    url, oracle = odd
    remote = SphinxSearchIndex(url)
    expected = {pid for pid, doc in oracle.stored.items() if match_form(literal) in match_form(doc["text"])}
    # Against the scan only: the local engine's in-place UTF-16 search mis-places paragraphs after
    # characters beyond U+FFFF (it misses 职工之家建设 in the last paragraph), which this text has on purpose.
    assert hit_ids(remote, f'"{literal}"', synonyms=False) == expected


@needs_searchd
def test_a_pattern_on_the_cluster_is_looked_up_as_text_and_says_so(odd):
    remote = SphinxSearchIndex(odd[0])
    notices = remote.search(SearchRequest(q="工会 职工?屋 劳模 NEAR/5 工匠"))["notices"]
    assert [n for n in notices if "句式" in n] == [PATTERN_NOTICE.format(pattern=p) for p in ("职工?屋", "劳模 NEAR/5 工匠")]
    assert not any("句式" in n for n in remote.search(SearchRequest(q='"职工?屋" 工会'))["notices"])
    # What a cluster search marks, without searching: the same literals its search plans.
    for q in ("工会 职工?屋", "职工书屋 -来全"):
        assert remote.literals(q) == remote.search(SearchRequest(q=q))["literals"]


@needs_searchd
def test_a_second_run_reads_nothing_and_changes_replace_and_removals_delete(cluster, docs):
    again = update_cluster(cluster.url, [docs])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert (again.articles, again.paragraphs) == (2, 5)
    (docs / "b.txt").write_text("河南省总工会工作综述\n\n工会工作更好，劳模书屋建成。\n", encoding="utf-8")
    (docs / "odd.txt").unlink()
    (docs / "c.txt").write_text("河北省总工会总结\n\n新的一篇。\n", encoding="utf-8")
    changed = update_cluster(cluster.url, [docs])
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (1, 1, 1, 0)
    assert (changed.articles, changed.paragraphs) == (2, 4)
    remote = SphinxSearchIndex(cluster.url)
    assert remote.search(SearchRequest(q='"职工书屋"'))["total"] == 0  # the old version is gone
    assert remote.search(SearchRequest(q='"劳模书屋"'))["total"] == 1
    assert remote.search(SearchRequest(q='"职工之家"'))["total"] == 0  # the removed file is gone
    assert remote.search(SearchRequest(q='"新的一篇"'))["total"] == 1


@needs_searchd
def test_a_shard_down_stops_indexing_with_a_clear_message_and_loses_nothing(cluster, docs):
    remote = SphinxSearchIndex(cluster.url)
    before = hit_ids(remote, "")
    (docs / "b.txt").write_text("河南省总工会工作综述\n\n改过的一段。\n", encoding="utf-8")
    cluster.stop(1)
    with pytest.raises(ClusterUnavailable, match="分片 1.*不可用") as raised:
        update_cluster(cluster.url, [docs])
    assert "下次运行" in raised.value.message
    cluster.start(1)
    assert hit_ids(remote, "") == before  # nothing written, nothing lost
    summary = update_cluster(cluster.url, [docs])
    assert (summary.updated, summary.unchanged) == (1, 1)
    assert remote.search(SearchRequest(q='"改过的一段"'))["total"] == 1


@needs_searchd
@pytest.mark.parametrize("down", [0, 1])
def test_a_shard_down_at_search_time_gives_the_live_shards_with_a_notice(tmp_path, down):
    cluster = started_cluster(tmp_path / "cluster")
    try:
        remote = SphinxSearchIndex(cluster.url)
        everything = remote.search(SearchRequest(q="工会", per_page=100))
        assert PARTIAL_NOTICE not in everything["notices"]
        cluster.stop(down)
        oracle = oracle_of(_sample_local(tmp_path))
        live = {pid for pid, doc in oracle.stored.items()
                if "工会" in match_form(doc["text"]) and shard_of(doc["article_id"], 2) != down}
        result = remote.search(SearchRequest(q="工会", per_page=100))
        assert PARTIAL_NOTICE in result["notices"]
        assert 0 < result["total"] == len(live) < everything["total"]
        assert hit_ids(remote, "工会") == live
        from web import create_app

        client = create_app({"ENGINE": cluster.url, "TESTING": True}).test_client()
        page = client.get("/?q=工会")
        assert page.status_code == 200 and "部分分片不可用" in page.get_data(as_text=True)
        api = client.get("/api/search?q=工会")
        assert api.status_code == 200 and PARTIAL_NOTICE in api.get_json()["notices"]
        lost = next(doc for doc in oracle.stored.values() if shard_of(doc["article_id"], 2) == down)
        article_page = client.get(f"/article/{lost['article_id']}")
        assert article_page.status_code == 503 and "部分分片不可用" in article_page.get_data(as_text=True)
        assert client.get(f"/api/paragraphs/{lost['id']}").status_code == 503
        cluster.stop(1 - down)
        page = client.get("/?q=工会")
        assert page.status_code == 503 and "不可用" in page.get_data(as_text=True)
        assert client.get("/api/search?q=工会").get_json()["status"] == 503
    finally:
        cluster.stop_all()


def _sample_local(tmp_path) -> SearchIndex:
    from index.writer import update_index

    update_index(tmp_path / "sample-local", [SAMPLE_CORPUS])
    return SearchIndex(tmp_path / "sample-local")


# --- the faces ------------------------------------------------------------------------------------------

def test_open_search_index_chooses_by_location(tmp_path):
    assert isinstance(open_search_index(tmp_path / "ix"), SearchIndex)
    remote = open_search_index("sphinxql://127.0.0.1:1")
    assert isinstance(remote, SphinxSearchIndex) and remote.max_per_page == 100


@needs_searchd
def test_cli_indexes_and_searches_the_cluster(cluster, docs, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(main, ["index", "--engine", cluster.url, "--json", str(docs)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["unchanged"] == 2
    monkeypatch.setenv("UNIONSEARCH_ENGINE", cluster.url)  # the setting instead of the option
    found = json.loads(runner.invoke(main, ["search", "--json", '"职工书屋"']).output)
    assert found["total"] == 1 and found["hits"][0]["title"] == "河南省总工会工作综述"
    listed = json.loads(runner.invoke(main, ["docs", "--json"]).output)
    assert len(listed) == 2 and "河南省总工会工作综述" in {a["title"] for a in listed}
    assert sum(a["paragraph_count"] for a in listed) == 5
    kwic = json.loads(runner.invoke(main, ["kwic", "--json", "职工之家"]).output)
    assert kwic["total"] == 2 and kwic["paragraphs"] == 2


def test_cli_refuses_an_engine_that_is_no_address():
    result = CliRunner().invoke(main, ["search", "--engine", "localhost:9306", "工会"])
    assert result.exit_code == 2 and "sphinxql://" in result.output


@needs_searchd
def test_cli_says_when_the_cluster_is_down(tmp_path, docs):
    from search.sphinxql.nodes import local_cluster

    url = local_cluster(tmp_path / "never-started", 2).url
    result = CliRunner().invoke(main, ["index", "--engine", url, str(docs)])
    assert result.exit_code == 1 and "分片 0" in result.output and "不可用" in result.output
    result = CliRunner().invoke(main, ["search", "--engine", url, "工会"])
    assert result.exit_code == 1 and "不可用" in result.output


@needs_searchd
def test_a_shard_that_fails_in_the_middle_of_a_run_loses_no_file(tmp_path, monkeypatch):
    import search.sphinxql.writer as writer

    folder = tmp_path / "many"
    folder.mkdir()
    names = [f"f{n}.txt" for n in range(6)]
    for n, name in enumerate(names):
        (folder / name).write_text(f"第{n}篇工作总结\n\n旧版本第{n}篇的正文。\n", encoding="utf-8")
    cluster = started_cluster(tmp_path / "cluster", documents=[folder])
    try:
        for n, name in enumerate(names):
            (folder / name).write_text(f"第{n}篇工作总结\n\n新版本第{n}篇的正文。\n", encoding="utf-8")
        monkeypatch.setattr(writer, "BATCH_ROWS", 1)  # every file is written as soon as it is read
        seen = []

        def stop_at_third(path):
            seen.append(path)
            if len(seen) == 3:
                cluster.stop(1)

        with pytest.raises(ClusterUnavailable, match="不可用"):
            update_cluster(cluster.url, [folder], on_file=stop_at_third, workers=1)
        cluster.start(1)
        remote = SphinxSearchIndex(cluster.url)
        for n in range(6):
            old = remote.search(SearchRequest(q=f'"旧版本第{n}篇"'))["total"]
            new = remote.search(SearchRequest(q=f'"新版本第{n}篇"'))["total"]
            # Never lost: old, new, or (stopped between writing the new rows and deleting the old) both.
            assert (old, new) in ((1, 0), (0, 1), (1, 1)), n
        summary = update_cluster(cluster.url, [folder], workers=1)
        assert summary.updated + summary.unchanged == 6 and summary.updated >= 4
        assert (summary.articles, summary.paragraphs) == (6, 12)
        assert remote.search(SearchRequest(q='"旧版本"'))["total"] == 0
        assert remote.search(SearchRequest(q='"新版本"'))["total"] == 6
    finally:
        cluster.stop_all()
