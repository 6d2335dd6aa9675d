"""The whole-query concordance on its faces: the `kwic` command and the concordance view of the page."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from index.lines import display_width
from search.concordance import concordance
from web.cli import main
from web.search_cli import kwic_rows

from tests.search_fixtures import write_markdown


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("kwic-cli")
    docs = root / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "沧州市总工会工作总结", ["全市劳模疗休养200人，职工疗休养500人。", "表彰劳模12名。"],
                   year=2021, province="河北省")
    write_markdown(docs, "b.md", "商丘市总工会工作总结", ["组织劳动模范疗休养。", "ABC职工书屋建设。"],
                   year=2020, province="河南省")
    runner = CliRunner()
    result = runner.invoke(main, ["index", "--quiet", "--index", str(root / "ix"), str(docs)])
    assert result.exit_code == 0, result.output
    return root / "ix"


def _kwic(index_dir, *args):
    result = CliRunner().invoke(main, ["kwic", "--index", str(index_dir), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_command_takes_the_whole_query_and_filters(small_index):
    data = json.loads(_kwic(small_index, "--json", "劳模", "OR", "职工"))
    assert data["total"] == 5 and data["query"] == "劳模 OR 职工"
    assert {e["term"]: e["count"] for e in data["by_term"] if e["count"]} == {"劳模": 2, "职工": 2, "劳动模范": 1}
    data = json.loads(_kwic(small_index, "--json", "-f", "province=河北", "疗休养"))
    assert data["total"] == 2 and data["by_province"] == [{"value": "河北省", "count": 2}]
    data = json.loads(_kwic(small_index, "--json", "--no-synonyms", "劳模 年:2020"))
    assert data["total"] == 0 and data["paragraphs"] == 0


def test_text_output_is_aligned_by_display_width(small_index):
    out = _kwic(small_index, "--context", "6", "疗休养")
    rows = [line for line in out.splitlines() if "【疗休养】" in line]
    assert len(rows) == 3
    assert len({display_width(row.split("【")[0]) for row in rows}) == 1
    assert "《沧州市总工会工作总结》2021" in out and out.rstrip().endswith("共 3 处，2 段")
    assert any("≈劳动模范" in row for row in _kwic(small_index, "劳模").splitlines())


def test_rows_pad_mixed_width_contexts():
    lines = [{"left": "ABC", "match": "职工", "right": "书屋", "title": "甲", "year": 2021},
             {"left": "两个字", "match": "职工", "right": "x", "title": "乙", "year": None, "synonym": True, "term": "员工"}]
    assert kwic_rows(lines, colour=False) == ["   ABC【职工】书屋  《甲》2021", "两个字【职工】x     ≈员工 《乙》"]


def test_nothing_found_says_so_with_a_hint(small_index):
    out = _kwic(small_index, "职工", "OR", "乙丙丁")
    assert "共 2 处，2 段" in out
    out = _kwic(small_index, "乙丙丁", "省:河北")
    assert "没有找到“乙丙丁”" in out and "提示" in out and "共 0 处" not in out


def test_a_filter_only_query_is_refused_with_a_hint(small_index):
    result = CliRunner().invoke(main, ["kwic", "--index", str(small_index), "省:河北"])
    assert result.exit_code == 1 and "索引行需要一个检索词" in result.output and "提示" in result.output


# --- the page --------------------------------------------------------------------------------------------


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_view_obeys_the_sidebar_filters_and_synonyms(client, search_index):
    expected = concordance(search_index, "职工书屋", filters={"province": ["湖北省"]})
    doc = _page(client, "/?q=职工书屋&province=湖北省&view=kwic")
    rows = doc.select("table#kwic tbody tr")
    assert len(rows) == expected["total"] == int(doc.select_one(".kwic-total").get_text()) > 0
    assert [row.select_one("td.match").get_text() for row in rows] == [line["match"] for line in expected["lines"]]
    assert len(doc.select("table#kwic tr.synonym")) == sum(line["synonym"] for line in expected["lines"])
    off = _page(client, "/?q=职工书屋&province=湖北省&view=kwic&synonyms=0")
    assert not off.select("table#kwic tr.synonym")


def test_every_line_copies_with_its_citation(client, search_index):
    doc = _page(client, "/?q=小三级&view=kwic&synonyms=0")
    expected = concordance(search_index, "小三级", synonyms=False)["lines"]
    buttons = doc.select("table#kwic td.source button.copy")
    assert [b["data-copy"] for b in buttons] == [
        f"{line['left']}{line['match']}{line['right']}\n{line['citation']}" for line in expected]


def test_the_view_counts_each_term_of_an_or_query(client, search_index):
    doc = _page(client, "/?q=工匠|劳模&view=kwic&synonyms=0")
    expected = concordance(search_index, "工匠|劳模", synonyms=False)
    terms = {li.select_one(".term").get_text(): int(li.select_one(".count").get_text()) for li in doc.select("#kwic-terms li")}
    assert terms == {e["term"]: e["count"] for e in expected["by_term"]}
    assert doc.select_one(".kwic-phrase").get_text() == "工匠 OR 劳模"
