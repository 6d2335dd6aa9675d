"""Keyness (search/keyness.py) against brute-force word counts, and on the command line, the API and the page."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

import numpy as np
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from index.analysis import index_words
from index.writer import update_index
from search.engine import SearchIndex
from search.errors import QueryError
from search.keyness import keywords, log_likelihood, log_ratio, word_counts
from tests.search_fixtures import engine, oracle, oracle_of, write_markdown  # noqa: F401
from web.cli import main



def brute_force(oracle, target: set[str]) -> tuple[Counter, Counter, dict, dict]:
    """Count every paragraph's index words on each side, and the articles using each word there."""
    sides = (Counter(), Counter())
    articles = (defaultdict(set), defaultdict(set))
    for pid, doc in oracle.stored.items():
        side = 0 if pid in target else 1
        words = index_words(doc.get("text", ""))
        sides[side].update(words)
        for word in words:
            articles[side][word].add(doc["article_id"])
    return sides[0], sides[1], articles[0], articles[1]


def _ll(a: float, b: float, c: float, d: float) -> float:
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * ((a * math.log(a / e1) if a else 0) + (b * math.log(b / e2) if b else 0))


@pytest.mark.parametrize("q, target", [
    ("年:2021", lambda o: o.where(year=2021)),
    ("省:河北", lambda o: o.where(province="河北省")),
    ("劳模", lambda o: o.containing("劳模") | o.containing("劳动模范")),
])
def test_keywords_match_brute_force(engine, oracle, q, target):
    ids = target(oracle)
    result = keywords(engine, q, min_frequency=3, min_articles=1, limit=100_000)
    inside, outside, in_articles, out_articles = brute_force(oracle, ids)
    c, d = sum(inside.values()), sum(outside.values())
    assert (result["paragraphs"], result["words"], result["reference_words"]) == (len(ids), c, d)
    expected_key = {w for w in inside if inside[w] >= 3 and inside[w] / c > outside[w] / d
                    and not w.replace(".", "").isdigit() and _ll(inside[w], outside[w], c, d) >= 3.84}
    assert {r["word"] for r in result["key"]} == expected_key
    for row in result["key"] + result["lacking"]:
        word = row["word"]
        assert (row["frequency"], row["reference_frequency"]) == (inside[word], outside[word])
        assert row["ll"] == pytest.approx(_ll(inside[word], outside[word], c, d), abs=0.01)
    for row in result["key"]:
        assert row["articles"] == len(in_articles[row["word"]])
    for row in result["lacking"]:
        assert row["articles"] == len(out_articles[row["word"]])
        assert row["frequency"] / c < row["reference_frequency"] / d
    lls = [r["ll"] for r in result["key"]]
    assert lls == sorted(lls, reverse=True)


def test_dispersion_keeps_one_documents_words_out(engine, oracle):
    wide = keywords(engine, "年:2021", min_articles=2, limit=100_000)
    narrow = keywords(engine, "年:2021", min_articles=1, limit=100_000)
    assert all(r["articles"] >= 2 for r in wide["key"])
    assert {r["word"] for r in wide["key"]} < {r["word"] for r in narrow["key"]}
    assert "沧州" in {r["word"] for r in narrow["key"]} - {r["word"] for r in wide["key"]}


def test_effect_size_formulas():
    a, b = np.array([10.0, 0.0]), np.array([0.0, 20.0])
    assert log_ratio(a, b, 1000.0, 4000.0).tolist() == pytest.approx([math.log2((10 / 1000) / (0.5 / 4000)),
                                                                        math.log2((0.5 / 1000) / (20 / 4000))])
    assert log_likelihood(np.array([30.0]), np.array([70.0]), 1000.0, 9000.0)[0] == pytest.approx(_ll(30, 70, 1000, 9000))


def test_a_scope_is_needed(engine):
    with pytest.raises(QueryError) as caught:
        keywords(engine, "")
    assert caught.value.message.startswith("关键词对比需要一个范围") and caught.value.hint
    empty = keywords(engine, "乙丙丁戊")
    assert empty["key"] == [] and "没有可以比较的另一部分" in empty["notices"][-1]


def test_the_command_api_and_page(engine, client, search_index):
    out = CliRunner().invoke(main, ["keywords", "--index", str(engine.index_dir), "--json", "-f", "year=2021"])
    assert out.exit_code == 0
    assert json.loads(out.output) == keywords(engine, "", filters={"year": ["2021"]}, limit=30)
    out = CliRunner().invoke(main, ["keywords", "--index", str(engine.index_dir), "年:2021"])
    assert "本范围特有的词：\n  1. 万余" in out.output
    body = client.get("/api/keywords?year=2021&min_freq=3").get_json()
    assert body == json.loads(json.dumps(keywords(search_index, "", filters={"year": ["2021"]}, min_frequency=3)))
    assert client.get("/api/keywords").status_code == 400
    doc = BeautifulSoup(client.get("/keywords?q=年:2021").get_data(as_text=True), "html.parser")
    expected = keywords(search_index, "年:2021")
    assert [a.get_text() for a in doc.select("#keywords-key td.word a")] == [r["word"] for r in expected["key"]]
    assert "view=kwic" in doc.select_one("#keywords-key td.word a")["href"]
    assert BeautifulSoup(client.get("/keywords").get_data(as_text=True), "html.parser").select_one("#keywords-empty")
    search = BeautifulSoup(client.get("/?year=2021").get_data(as_text=True), "html.parser")
    assert search.select_one("#view-keywords")["href"].startswith("/keywords?year=2021")


@pytest.mark.parametrize("q, target", [
    ("年:2021", lambda o: o.where(year=2021)),
    ("省:河北", lambda o: o.where(province="河北省")),
])
def test_key_phrases_match_brute_force(engine, oracle, q, target):
    ids = target(oracle)
    result = keywords(engine, q, min_frequency=2, min_articles=1, limit=100_000, unit="phrases")
    inside, outside, _, _ = brute_force(oracle, ids)
    c, d = sum(inside.values()), sum(outside.values())
    assert (result["unit"], result["paragraphs"], result["words"], result["lacking"]) == ("phrases", len(ids), c, [])
    assert result["key"], "a year and a province each have phrases of their own"
    for row in result["key"]:
        phrase = row["word"]
        assert 4 <= len(phrase) <= 12 and not any(ch.isdigit() for ch in phrase)
        a = sum(oracle.squeezed[pid].count(phrase) for pid in ids)
        b = sum(text.count(phrase) for pid, text in oracle.squeezed.items() if pid not in ids)
        articles = {oracle.stored[pid]["article_id"] for pid in ids if phrase in oracle.squeezed[pid]}
        assert (row["frequency"], row["reference_frequency"], row["articles"]) == (a, b, len(articles))
        assert a >= 2 and a / c > b / d
        assert row["ll"] == pytest.approx(_ll(a, b, c, d), abs=0.01) and row["ll"] >= 3.84
        assert row["log_ratio"] == pytest.approx(math.log2((a / c) / (max(b, 0.5) / d)), abs=0.001)
    assert [r["ll"] for r in result["key"]] == sorted((r["ll"] for r in result["key"]), reverse=True)


def test_key_phrases_only_from_the_target(engine, oracle):
    ids = oracle.where(year=2021)
    for row in keywords(engine, "年:2021", min_frequency=1, min_articles=2, limit=100_000, unit="phrases")["key"]:
        users = {oracle.stored[pid]["article_id"] for pid in ids if row["word"] in oracle.squeezed[pid]}
        assert len(users) >= 2


def test_an_unknown_unit(engine):
    with pytest.raises(QueryError) as caught:
        keywords(engine, "年:2021", unit="letters")
    assert caught.value.message.startswith("未知的对比单位")


def test_key_phrases_on_the_command_line_the_api_and_the_page(engine, client, search_index):
    out = CliRunner().invoke(main, ["keywords", "--index", str(engine.index_dir), "--json", "--unit", "phrases",
                                    "-f", "year=2023"])
    assert out.exit_code == 0, out.output
    expected = keywords(engine, "", filters={"year": ["2023"]}, limit=30, unit="phrases")
    assert json.loads(out.output) == json.loads(json.dumps(expected)) and expected["key"]
    text = CliRunner().invoke(main, ["keywords", "--index", str(engine.index_dir), "--unit", "phrases", "年:2023"])
    assert text.exit_code == 0 and "本范围特有的说法：" in text.output and "本范围少用的词" not in text.output
    assert f"  1. {expected['key'][0]['word']}" in text.output
    body = client.get("/api/keywords?year=2023&unit=phrases").get_json()
    assert body == json.loads(json.dumps(keywords(search_index, "", filters={"year": ["2023"]}, unit="phrases")))
    assert client.get("/api/keywords?year=2023&unit=letters").status_code == 400
    doc = BeautifulSoup(client.get("/keywords?q=年:2023&unit=phrases").get_data(as_text=True), "html.parser")
    page = keywords(search_index, "年:2023", unit="phrases")
    assert [a.get_text() for a in doc.select("#keywords-key td.word a")] == [r["word"] for r in page["key"]]
    assert doc.select_one("#keywords-lacking") is None and doc.select_one("#unit option[selected]")["value"] == "phrases"
    assert "unit=" not in doc.select_one("#keywords-key td.word a")["href"]


def test_key_phrases_count_only_live_paragraphs(tmp_path):
    """A changed document's old paragraphs stay in their segment, dead: neither side counts them."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(6):
        write_markdown(docs, f"a{n}.md", f"甲市工会简报{n}", ["推进职工书屋建设，职工书屋建设成效明显。", f"第{n}批职工书屋建设完成。"],
                       year=2021)
    write_markdown(docs, "b.md", "乙市工会简报", ["推进职工书屋建设。"] + [f"第{n}次开展送温暖活动，慰问困难职工。" for n in range(40)], year=2020)
    update_index(tmp_path / "ix", [docs])
    index = SearchIndex(tmp_path / "ix")
    before = {r["word"]: r for r in keywords(index, "年:2021", min_frequency=1, min_articles=1, unit="phrases")["key"]}
    write_markdown(docs, "b.md", "乙市工会简报", [f"第{n}次开展送温暖活动，慰问困难职工。" for n in range(41)], year=2020)
    update_index(tmp_path / "ix", [docs])
    index = SearchIndex(tmp_path / "ix")
    generation = index.generation()
    assert generation.live_count < generation.size, "the old b.md is still there, dead"
    oracle = oracle_of(index)
    ids = oracle.where(year=2021)
    after = {r["word"]: r for r in keywords(index, "年:2021", min_frequency=1, min_articles=1, unit="phrases")["key"]}
    assert before["职工书屋建设"]["reference_frequency"] == 1
    # Again: the whole index's counts now remembered, the target's candidates found apart.
    assert keywords(index, "年:2021", min_frequency=1, min_articles=1, unit="phrases")["key"] == list(after.values())
    assert after["职工书屋建设"]["reference_frequency"] == 0
    for phrase, row in after.items():
        a = sum(oracle.squeezed[pid].count(phrase) for pid in ids)
        b = sum(text.count(phrase) for pid, text in oracle.squeezed.items() if pid not in ids)
        assert (row["frequency"], row["reference_frequency"]) == (a, b)


def test_word_counts_narrow_wide_and_with_dead_paragraphs(tmp_path):
    """Either side counted from tokens, the other as the live whole less it, equals each word's postings summed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(4):
        write_markdown(docs, f"a{n}.md", f"甲市工会简报{n}", [f"第{n}批职工书屋建设完成。", "开展送温暖活动，慰问困难职工。"],
                       year=2020 + n)
    update_index(tmp_path / "ix", [docs])
    write_markdown(docs, "a0.md", "甲市工会简报0", ["劳模工作室揭牌。"], year=2020)
    update_index(tmp_path / "ix", [docs])
    generation = SearchIndex(tmp_path / "ix").generation()
    live = generation.live
    assert generation.live_count < generation.size
    year = generation.year
    for target in (live & (year == 2021), live & (year != 2021), year == 2020):  # narrow, wide, with dead ones
        reference = live & ~target
        words, a, b = word_counts(generation, target, reference)
        assert len(words) and a.sum() == generation.doc_len[target].sum() and b.sum() == generation.doc_len[reference].sum()
        for word, in_target, in_reference in zip(words.tolist(), a.tolist(), b.tolist()):
            posted = [(segment.base + segment.word(word)[0].astype(np.int64), segment.word(word)[1])
                      for segment in generation.segments]
            expected = [sum(int(tf[side[docnums]].sum()) for docnums, tf in posted) for side in (target, reference)]
            assert [in_target, in_reference] == expected, word


def test_warm_counts_common_phrases_ahead_and_changes_no_result(engine):
    from search.phrase_keyness import _TOTALS

    cold = keywords(SearchIndex(engine.index_dir), "省:河北", min_frequency=2, min_articles=1, limit=100_000, unit="phrases")
    warmed = SearchIndex(engine.index_dir)
    warmed.warm()
    ahead = dict(_TOTALS[warmed.generation()])
    assert len(ahead) > 20, "the whole index's common phrases are counted"
    oracle_texts = oracle_of(warmed).squeezed.values()
    for needle, total in list(ahead.items())[:20]:
        assert total == sum(text.count(needle) for text in oracle_texts)
    assert keywords(warmed, "省:河北", min_frequency=2, min_articles=1, limit=100_000, unit="phrases") == cold
