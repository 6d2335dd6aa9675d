"""Recurring phrases (search/ngrams.py) against brute force, and on the command line, the API and the page."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from index.analysis import segment
from search.engine import SearchIndex
from search.errors import QueryError
from search.ngrams import CLAUSE_MARKS, recurring_phrases
from tests.search_fixtures import build_index, engine, oracle, squeeze  # noqa: F401
from web.cli import main


def brute_force(oracle, node: str, shortest: int = 4, longest: int = 12, min_articles: int = 2) -> dict[str, set]:
    """Return each maximal phrase around ``node`` and the articles using it, found the slow way."""
    needle = squeeze(node)
    uses: dict[str, set] = defaultdict(set)
    for pid, text in oracle.squeezed.items():
        at = text.find(needle)
        while at >= 0:
            end = at + len(needle)
            low, high = at, end
            while low > 0 and text[low - 1] not in CLAUSE_MARKS:
                low -= 1
            while high < len(text) and text[high] not in CLAUSE_MARKS:
                high += 1
            edges, cursor = {low, high, at, end}, low
            for word in segment(text[low:high]):
                found = text.find(word, cursor, high)
                if found >= 0:
                    edges |= {found, found + len(word)}
                    cursor = found + len(word)
            for left in (e for e in edges if low <= e <= at):
                for right in (e for e in edges if end <= e <= high):
                    if max(shortest, len(needle)) <= right - left <= longest:
                        uses[text[left:right]].add(oracle.stored[pid]["article_id"])
            at = text.find(needle, end)
    kept = {p: a for p, a in uses.items() if len(a) >= min_articles and p != needle}
    return {p: a for p, a in kept.items()
            if not any(p in q and p != q and len(kept[q]) == len(a) for q in kept)}


@pytest.mark.parametrize("node", ["合法权益", "产业工人", "劳模", "职工书屋"])
def test_phrases_match_brute_force(engine, oracle, node):
    result = recurring_phrases(engine, node, synonyms=False, limit=100_000)
    expected = brute_force(oracle, node)
    assert {r["phrase"]: r["articles"] for r in result["phrases"]} == {p: len(a) for p, a in expected.items()}
    assert all(node in r["phrase"] for r in result["phrases"])
    keys = [(-r["articles"], -r["occurrences"], -len(r["phrase"]), r["phrase"]) for r in result["phrases"]]
    assert keys == sorted(keys)


def test_years_and_first_appearance(engine, oracle):
    result = recurring_phrases(engine, "合法权益", synonyms=False, limit=100_000)
    expected = brute_force(oracle, "合法权益")
    years_of = {}
    for pid, doc in oracle.stored.items():
        years_of[doc["article_id"]] = doc.get("year")
    for row in result["phrases"]:
        years = defaultdict(int)
        for article in expected[row["phrase"]]:
            if years_of[article]:
                years[years_of[article]] += 1
        assert row["years"] == [{"value": y, "count": n} for y, n in sorted(years.items())]
        assert row["first_year"] == min(years)
        first = oracle.stored[row["first"]["paragraph_id"]]
        assert first["year"] == row["first_year"] and row["phrase"] in squeeze(first["text"])
    new = recurring_phrases(engine, "合法权益", synonyms=False, sort="new", limit=100_000)["phrases"]
    assert [r["first_year"] for r in new] == sorted((r["first_year"] for r in new), reverse=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> SearchIndex:
    root = tmp_path_factory.mktemp("ngrams")
    return SearchIndex(build_index(root, {
        "a.txt": "甲市工会2021年工作总结\n\n切实维护职工合法权益。切实维护职工合法权益，切实维护职工合法权益。\n",
        "b.txt": "乙市工会2023年工作总结\n\n我们切实维护职工合法权益。\n",
        "c.txt": "丙市工会2023年工作总结\n\n依法维护职工合法权益。\n",
    }))


def test_an_article_repeating_a_phrase_counts_once(tiny):
    result = recurring_phrases(tiny, "合法权益", synonyms=False)
    rows = {r["phrase"]: (r["articles"], r["occurrences"]) for r in result["phrases"]}
    # 维护职工合法权益 is in three articles; 切实维护职工合法权益 in two, however often 甲 says it.
    assert rows == {"维护职工合法权益": (3, 5), "切实维护职工合法权益": (2, 4)}
    first = {r["phrase"]: r["first_year"] for r in result["phrases"]}
    assert first == {"维护职工合法权益": 2021, "切实维护职工合法权益": 2021}
    assert [r["phrase"] for r in recurring_phrases(tiny, "合法权益", synonyms=False, min_articles=3)["phrases"]] == [
        "维护职工合法权益"]


@pytest.mark.parametrize("kwargs, message", [
    ({"q": "年:2023"}, "常用说法需要一个检索词"),
    ({"q": "合法权益", "sort": "old"}, "未知的排序方式 'old'"),
    ({"q": "合法权益", "min_length": 8, "max_length": 6}, "短语长度须在 2 到 20 个字之间，且最短不超过最长"),
])
def test_bad_requests(tiny, kwargs, message):
    with pytest.raises(QueryError) as caught:
        recurring_phrases(tiny, **kwargs)
    assert caught.value.message == message and caught.value.hint


def test_the_command(tiny):
    runner = CliRunner()
    out = runner.invoke(main, ["phrases", "--index", str(tiny.index_dir), "--json", "合法权益"])
    assert out.exit_code == 0 and json.loads(out.output) == recurring_phrases(tiny, "合法权益", limit=30)
    out = runner.invoke(main, ["phrases", "--index", str(tiny.index_dir), "合法权益"])
    assert "  1. 维护职工合法权益      文章    3  次数     5  首见 2021  2021:1 2023:2" in out.output
    out = runner.invoke(main, ["phrases", "--index", str(tiny.index_dir), "--min-articles", "9", "合法权益"])
    assert out.exit_code == 0 and "没有至少 9 篇文章用过的说法" in out.output


def test_the_api_and_the_page(client, search_index):
    body = client.get("/api/phrases?q=合法权益&phrase_sort=new").get_json()
    assert body == json.loads(json.dumps(recurring_phrases(search_index, "合法权益", sort="new")))
    assert client.get("/api/phrases?q=合法权益&min_length=1").status_code == 400
    doc = BeautifulSoup(client.get("/phrases?q=合法权益 年:2023").get_data(as_text=True), "html.parser")
    expected = recurring_phrases(search_index, "合法权益 年:2023")
    assert [a.get_text() for a in doc.select("#phrase-table td.word a")] == [r["phrase"] for r in expected["phrases"]]
    link = doc.select_one("#phrase-table td.word a")["href"]
    assert "view=kwic" in link and "%E5%B9%B4%3A2023" in link  # the box's 年:2023 goes with it
    assert [th.get_text() for th in doc.select("#phrase-table th.year")] == ["2023"]
    assert BeautifulSoup(client.get("/phrases").get_data(as_text=True), "html.parser").select_one("#phrases-empty")
    search = BeautifulSoup(client.get("/?q=合法权益").get_data(as_text=True), "html.parser")
    assert search.select_one("#view-phrases")["href"].startswith("/phrases?q=")
