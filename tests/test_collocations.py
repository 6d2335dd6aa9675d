"""Collocations (search/collocations.py) against brute force, and on the command line, the API and the page."""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from index.analysis import index_words, segment
from search.collocations import collocations, log_dice, log_likelihood, mutual_information
from search.engine import SearchIndex
from search.errors import QueryError
from tests.search_fixtures import build_index, engine, oracle, squeeze  # noqa: F401
from web.cli import main

SENTENCE_END = re.compile(r"[。！？；!?;…]")


def brute_force(oracle, node: str, window: int, ids: set[str] | None = None) -> dict:
    """Count collocates the slow way: every paragraph, every occurrence, its sentence, jieba words."""
    needle = squeeze(node)
    scope = set(oracle.squeezed) if ids is None else ids
    sides = {"left": Counter(), "right": Counter()}
    articles = {"left": defaultdict(set), "right": defaultdict(set)}
    total = 0
    for pid in scope:
        text = oracle.squeezed[pid]
        pieces = text.split(needle)
        total += len(pieces) - 1
        for i in range(len(pieces) - 1):
            left = SENTENCE_END.split(pieces[i])[-1]
            right = SENTENCE_END.split(pieces[i + 1])[0]
            for side, words in (("left", segment(left)[-window:]), ("right", segment(right)[:window])):
                sides[side].update(words)
                for word in words:
                    articles[side][word].add(oracle.stored[pid]["article_id"])
    corpus = Counter()
    for pid in scope:
        corpus.update(index_words(oracle.stored[pid]["text"]))
    return {"total": total, "sides": sides, "articles": articles, "corpus": corpus, "size": sum(corpus.values())}


@pytest.mark.parametrize("node, window", [("劳模", 5), ("职工书屋", 3), ("工会", 2)])
def test_collocates_match_brute_force(engine, oracle, node, window):
    result = collocations(engine, node, synonyms=False, window=window, min_frequency=2, limit=10_000)
    expected = brute_force(oracle, node, window)
    assert result["total"] == result["used"] == expected["total"] and not result["sampled"]
    assert result["corpus_words"] == expected["size"]
    for side in ("left", "right"):
        wanted = {w: n for w, n in expected["sides"][side].items() if n >= 2}
        got = {row["word"]: row for row in result[side]}
        assert {w: r["frequency"] for w, r in got.items()} == wanted
        for word, row in got.items():
            assert row["articles"] == len(expected["articles"][side][word])
            corpus = max(expected["corpus"][word], row["frequency"])
            assert row["corpus_frequency"] == corpus
            assert row["logdice"] == round(14 + math.log2(2 * row["frequency"] / (expected["total"] + corpus)), 3)
        ranks = [(-r["logdice"], -r["frequency"], r["word"]) for r in result[side]]
        assert ranks == sorted(ranks)


def test_filters_narrow_the_node_and_the_reference_corpus(engine, oracle):
    result = collocations(engine, "劳模 省:湖北", synonyms=False, min_frequency=1, limit=10_000)
    expected = brute_force(oracle, "劳模", 5, oracle.where(province="湖北省"))
    assert result["total"] == expected["total"] > 0 and result["corpus_words"] == expected["size"]
    assert {r["word"]: r["frequency"] for r in result["right"]} == dict(expected["sides"]["right"])


def test_measures_rank_differently_and_follow_their_formulas(engine):
    by = {m: collocations(engine, "劳模", measure=m, limit=5) for m in ("logdice", "mi", "ll")}
    assert by["logdice"]["right"][0]["word"] == "工匠"
    assert [r["mi"] for r in by["mi"]["right"]] == sorted((r["mi"] for r in by["mi"]["right"]), reverse=True)
    assert [r["ll"] for r in by["ll"]["right"]] == sorted((r["ll"] for r in by["ll"]["right"]), reverse=True)
    assert [r["word"] for r in by["mi"]["right"]] != [r["word"] for r in by["logdice"]["right"]]


def test_scores_against_independent_forms():
    a, node, word, size = 30.0, 100.0, 200.0, 10_000.0
    assert log_dice(a, node, word) == pytest.approx(14 + math.log2(60 / 300))
    assert mutual_information(a, node, word, size) == pytest.approx(math.log2(30 * 10_000 / 20_000))
    b, c = node - a, word - a
    d = size - a - b - c

    def xlx(x: float) -> float:
        return x * math.log(x)

    g2 = 2 * (xlx(a) + xlx(b) + xlx(c) + xlx(d) - xlx(a + b) - xlx(a + c) - xlx(b + d) - xlx(c + d) + xlx(size))
    assert log_likelihood(a, node, word, size) == pytest.approx(g2)
    assert log_likelihood(1, node, word, size) < 0  # fewer than expected: repulsion


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> SearchIndex:
    root = tmp_path_factory.mktemp("colloc")
    return SearchIndex(build_index(root, {
        "a.txt": "甲市工会简报\n\n大力弘扬劳模精神。弘扬劳模精神，争做劳模。\n",
        "b.txt": "乙市工会简报\n\n弘扬劳模精神和工匠精神。\n",
    }))


def test_a_hand_counted_example(tiny):
    result = collocations(tiny, "劳模", synonyms=False, min_frequency=1)
    assert result["total"] == 4
    left = {r["word"]: (r["frequency"], r["articles"]) for r in result["left"]}
    right = {r["word"]: (r["frequency"], r["articles"]) for r in result["right"]}
    # A window stops at the sentence end and at the next occurrence: nothing is right of the last 劳模.
    assert left == {"弘扬": (3, 2), "大力": (1, 1), "争做": (1, 1), "精神": (1, 1)}
    assert right == {"精神": (3, 2), "争做": (1, 1), "和": (1, 1), "工匠精神": (1, 1)}


@pytest.mark.parametrize("kwargs, message", [
    ({"q": "省:河北"}, "搭配需要一个检索词"),
    ({"q": "劳模", "measure": "t"}, "未知的搭配度量 't'"),
    ({"q": "劳模", "window": 11}, "窗口须在 1 到 10 个词之间"),
])
def test_bad_requests(tiny, kwargs, message):
    with pytest.raises(QueryError) as caught:
        collocations(tiny, **kwargs)
    assert caught.value.message == message and caught.value.hint


def test_the_command(tiny):
    runner = CliRunner()
    out = runner.invoke(main, ["collocations", "--index", str(tiny.index_dir), "--json", "--min-freq", "1", "劳模"])
    assert out.exit_code == 0 and json.loads(out.output) == collocations(tiny, "劳模", min_frequency=1, limit=20)
    out = runner.invoke(main, ["collocations", "--index", str(tiny.index_dir), "--min-freq", "3", "劳模"])
    assert out.exit_code == 0
    assert re.search(r"1\. 弘扬\s+\d+\.\d\d  频次     3  文章    2", out.output)
    assert "右侧搭配：\n  1. 精神" in out.output


def test_the_api_and_the_page(client, search_index):
    body = client.get("/api/collocations?q=劳模&measure=mi&window=3").get_json()
    assert body == json.loads(json.dumps(collocations(search_index, "劳模", measure="mi", window=3)))
    assert client.get("/api/collocations?q=劳模&window=0").status_code == 400
    assert client.get("/api/collocations?q=").status_code == 400
    html = client.get("/collocations?q=劳模&province=湖北省&min_freq=1").get_data(as_text=True)
    doc = BeautifulSoup(html, "html.parser")
    expected = collocations(search_index, "劳模", filters={"province": ["湖北省"]}, min_frequency=1)
    assert [a.get_text() for a in doc.select("#collocates-right td.word a")] == [r["word"] for r in expected["right"]]
    link = doc.select_one("#collocates-right td.word a")["href"]
    assert "view=kwic" in link and "province=%E6%B9%96%E5%8C%97%E7%9C%81" in link and "q=%E5%8A%B3%E6%A8%A1+" in link
    assert "measure=ll" in doc.select_one("#measure-ll")["href"] and "province=" in doc.select_one("#measure-ll")["href"]
    assert BeautifulSoup(client.get("/collocations").get_data(as_text=True), "html.parser").select_one("#collocations-empty")
    search = BeautifulSoup(client.get("/?q=劳模").get_data(as_text=True), "html.parser")
    assert search.select_one("#view-collocations")["href"].startswith("/collocations?q=")
