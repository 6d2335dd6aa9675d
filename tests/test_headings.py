"""Parallel heading sets (search/headings.py): each matching 小标题 with its siblings, against brute force."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup

from search.errors import QueryError
from search.headings import heading_sets
from tests.search_fixtures import engine, oracle  # noqa: F401


def _siblings(oracle) -> dict[tuple[str, str], list[dict]]:
    groups = defaultdict(list)
    for doc in oracle.stored.values():
        if doc.get("kind") == "heading":
            groups[(doc["article_id"], doc.get("section") or "")].append(doc)
    return {key: sorted(docs, key=lambda d: d["position"]) for key, docs in groups.items()}


@pytest.mark.parametrize("q", ["坚持", "服务|聚焦", "职工 省:湖北"])
def test_every_matching_heading_comes_with_its_siblings(engine, oracle, q):
    result = heading_sets(engine, q, synonyms=False, limit=10_000)
    term_sets = [t.split("|") for t in q.split() if ":" not in t]
    scope = oracle.where(province="湖北省") if "省:湖北" in q else set(oracle.stored)

    def matches(doc) -> bool:
        return doc["id"] in scope and all(any(t in oracle.squeezed[doc["id"]] for t in alts) for alts in term_sets)

    expected = {key: docs for key, docs in _siblings(oracle).items() if any(matches(d) for d in docs)}
    assert result["total_sets"] == len(result["sets"]) == len(expected)
    assert result["total_headings"] == sum(matches(d) for docs in expected.values() for d in docs)
    for group in result["sets"]:
        docs = expected[(group["article_id"], group["section"] or "")]
        assert [h["id"] for h in group["headings"]] == [d["id"] for d in docs]
        assert [h["matched"] for h in group["headings"]] == [matches(d) for d in docs]
        assert group["matched"] == sum(h["matched"] for h in group["headings"])
    assert [g["matched"] for g in result["sets"]] == sorted((g["matched"] for g in result["sets"]), reverse=True)


def test_a_known_parallel_set(engine):
    first = heading_sets(engine, "坚持", synonyms=False)["sets"][0]
    assert first["title"] == "以党建引领工会创新，激发企业职工群众的创造活力"
    assert [h["text"][:4] for h in first["headings"]] == ["一、坚持", "二、坚持", "三、坚持", "四、坚持"]


def test_a_term_is_needed(engine):
    with pytest.raises(QueryError) as caught:
        heading_sets(engine, "省:河北")
    assert caught.value.message == "并列小标题需要一个检索词" and caught.value.hint


def test_the_api_and_the_page(client, search_index):
    assert client.get("/api/headings?q=坚持").get_json()["sets"] == heading_sets(search_index, "坚持")["sets"]
    assert client.get("/api/headings").status_code == 400
    doc = BeautifulSoup(client.get("/headings?q=坚持").get_data(as_text=True), "html.parser")
    sets = doc.select("article.heading-set")
    expected = heading_sets(search_index, "坚持")["sets"]
    assert len(sets) == len(expected)
    assert [li.get_text() for li in sets[0].select("ol.siblings li")] == [h["text"] for h in expected[0]["headings"]]
    assert len(sets[0].select("li.matched")) == expected[0]["matched"]
    assert BeautifulSoup(client.get("/headings").get_data(as_text=True), "html.parser").select_one("#headings-empty")


def test_the_command_line(engine):
    from click.testing import CliRunner

    from web.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["headings", "--index", str(engine.index_dir), "--json", "坚持"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == json.loads(json.dumps(heading_sets(engine, "坚持")))
    text = runner.invoke(main, ["headings", "--index", str(engine.index_dir), "--limit", "1", "坚持"])
    assert text.exit_code == 0, text.output
    first = heading_sets(engine, "坚持", limit=1)["sets"][0]
    lines = text.output.splitlines()
    assert lines[0].startswith("“坚持”命中 ") and "（列出前 1 组）" in lines[0]
    assert lines[2].startswith(f"1. {first['title']}") and lines[2].endswith(f"命中 {first['matched']} 个")
    assert lines[3:3 + len(first["headings"])] == [
        f"   {'▶' if h['matched'] else ' '} {h['text']}" for h in first["headings"]]
    missing = runner.invoke(main, ["headings", "--index", str(engine.index_dir), "省:河北"])
    assert missing.exit_code == 1 and "并列小标题需要一个检索词" in missing.output
