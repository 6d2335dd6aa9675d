"""The `unionsearch` command-line contract, driven through Click's CliRunner."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import main

ARTICLE_KEYS = {"id", "title", "source", "organization", "province", "city", "county", "unit", "level",
                "year", "years_covered", "doc_type", "byline", "paragraphs"}
HIT_KEYS = {"id", "article_id", "title", "source", "province", "city", "county", "unit", "level", "year",
            "doc_type", "kind", "section", "themes", "text", "snippet", "score"}
FACET_KEYS = {"province", "city", "year", "theme", "level", "doc_type", "kind"}


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cangzhou.txt").write_text(
        "沧州市总工会2021年职工书屋建设工作总结\n\n"
        "一、主要做法\n\n"
        "　　今年以来，全市建成职工书屋1800多家，开展职工诵读活动485场次。\n\n"
        "　　推进“小三级”工会建设，乡镇（街道）工会全部规范化。\n",
        encoding="utf-8",
    )
    (docs / "gbk.txt").write_bytes(
        "河南省商丘市总工会2020年送温暖工作总结\n\n　　全年走访慰问困难职工两千余户，发放职工书屋图书一万册。\n".encode("gbk")
    )
    (docs / "notes.xyz").write_text("not a document", encoding="utf-8")
    return docs


@pytest.fixture
def runner():
    return CliRunner()


def test_inspect_json_shape_and_values(runner, folder):
    result = runner.invoke(main, ["inspect", "--json", str(folder)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"articles", "skipped"}
    assert [Path(s["path"]).name for s in data["skipped"]] == ["notes.xyz"]
    assert data["skipped"][0]["reason"]
    first = data["articles"][0]
    assert set(first) == ARTICLE_KEYS
    assert first["title"] == "沧州市总工会2021年职工书屋建设工作总结"
    assert (first["province"], first["city"], first["year"], first["doc_type"]) == ("河北省", "沧州市", 2021, "工作总结")
    assert [(p["kind"], p["section"]) for p in first["paragraphs"]] == [
        ("title", ""), ("heading", ""), ("body", "一、主要做法"), ("body", "一、主要做法"),
    ]
    assert set(first["paragraphs"][2]) == {"id", "kind", "section", "text", "themes"}
    assert "职工文化" in first["paragraphs"][2]["themes"]
    second = data["articles"][1]
    assert second["title"] == "河南省商丘市总工会2020年送温暖工作总结"
    assert (second["province"], second["city"], second["year"]) == ("河南省", "商丘市", 2020)


def test_inspect_summary_lists_articles_then_skipped(runner, folder):
    result = runner.invoke(main, ["inspect", str(folder)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    sources = sorted(str(p.absolute()) for p in folder.iterdir() if p.suffix != ".xyz")
    assert lines[0] == f"沧州市总工会2021年职工书屋建设工作总结 · 河北省 沧州市 · 2021 · 4 段 · 文件：{sources[0]}"
    assert lines[1] == f"河南省商丘市总工会2020年送温暖工作总结 · 河南省 商丘市 · 2020 · 2 段 · 文件：{sources[1]}"
    assert any(line.strip().startswith(str(folder / "notes.xyz")) for line in lines)
    assert lines[-1] == "2 篇文章, 6 段"


def test_inspect_missing_path_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["inspect", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "不存在。" in result.output


def test_index_search_docs_kwic_round_trip(runner, folder, tmp_path):
    index_dir = tmp_path / "ix"
    result = runner.invoke(main, ["index", "--json", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["added"], summary["articles"], summary["paragraphs"]) == (2, 2, 6)
    assert [Path(s["path"]).name for s in summary["skipped"]] == ["notes.xyz"]

    result = runner.invoke(main, ["search", "--json", "--index", str(index_dir), "职工书屋"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 3
    assert set(data["hits"][0]) == HIT_KEYS | {"organization", "position", "all_terms", "missing", "split"}
    assert FACET_KEYS <= set(data["facets"])
    assert {"value": "河北省", "count": 2} in data["facets"]["province"]
    assert all("<mark>职工书屋</mark>" in hit["snippet"] for hit in data["hits"])

    result = runner.invoke(main, ["search", "--json", "--index", str(index_dir), "-f", "province=河南", "职工书屋"])
    data = json.loads(result.output)
    assert data["total"] == 1 and data["hits"][0]["province"] == "河南省"

    result = runner.invoke(main, ["search", "--json", "--index", str(index_dir), "-f", "year=2019-2020", "--sort", "newest", "职工"])
    data = json.loads(result.output)
    assert {hit["year"] for hit in data["hits"]} == {2020}

    result = runner.invoke(main, ["docs", "--json", "--index", str(index_dir)])
    articles = json.loads(result.output)
    assert sorted(a["title"] for a in articles) == sorted([
        "沧州市总工会2021年职工书屋建设工作总结", "河南省商丘市总工会2020年送温暖工作总结"])
    assert sum(a["paragraph_count"] for a in articles) == 6
    assert "paragraphs" not in articles[0]

    result = runner.invoke(main, ["kwic", "--json", "--index", str(index_dir), "--context", "4", "职工书屋"])
    kwic = json.loads(result.output)
    assert kwic["total"] == 3
    assert sorted((line["left"], line["match"], line["right"]) for line in kwic["lines"]) == [
        ("021年", "职工书屋", "建设工作"), ("全市建成", "职工书屋", "1800"), ("户，发放", "职工书屋", "图书一万"),
    ]


def test_search_text_output_marks_matches(runner, folder, tmp_path):
    index_dir = tmp_path / "ix"
    runner.invoke(main, ["index", "--quiet", "--index", str(index_dir), str(folder)])
    result = runner.invoke(main, ["search", "--index", str(index_dir), "小三级"])
    assert result.exit_code == 0
    assert result.output.startswith("共 1 段（第 1 页）")
    assert "推进“【小三级】”工会建设" in result.output


@pytest.mark.parametrize("args, message", [
    (["search", "-f", "nonsense", "x"], "错误：-f 的取值无效：“nonsense”不是 字段=取值 的写法"),
    (["search", "-f", "colour=red", "x"], "错误：未知的筛选字段“colour”\n提示：可用的筛选字段：province（省份）"),
    (["search", "-f", "year=abc", "x"], "“abc”"),
    (["search", "--per-page", "0", "x"], "错误：'--per-page' 的取值无效：每页条数须在 1 到 100 之间"),
    (["search", "--sort", "best", "x"], "'best' 不是 'relevance', 'newest', 'oldest' 之一"),
    (["search", "--colour", "x"], "错误：没有 '--colour' 这个选项。"),
])
def test_bad_search_options_fail_with_a_message(runner, folder, tmp_path, args, message):
    index_dir = tmp_path / "ix"
    runner.invoke(main, ["index", "--quiet", "--index", str(index_dir), str(folder)])
    result = runner.invoke(main, [args[0], "--index", str(index_dir), *args[1:]])
    assert result.exit_code in (1, 2)
    assert message in result.output


def test_search_without_an_index_says_what_to_do(runner, tmp_path):
    result = runner.invoke(main, ["search", "--index", str(tmp_path / "none"), "职工"])
    assert result.exit_code == 1
    assert "还没有索引" in result.output and "提示：先运行 unionsearch index 文件夹 建立索引" in result.output


def test_index_location_comes_from_the_environment(runner, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("UNIONSEARCH_INDEX", str(tmp_path / "from-env"))
    result = runner.invoke(main, ["index", "--quiet", str(folder)])
    assert result.exit_code == 0
    assert (tmp_path / "from-env" / "unionsearch.json").exists()


@pytest.mark.parametrize("command", [[]] + [[name] for name in sorted(main.commands)])
def test_help_is_in_chinese_with_the_option_names_unchanged(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("用法： ")
    assert "显示本帮助并退出。" in result.output
    english = [line for line in result.output.splitlines()
               if line.strip() and line.strip()[-1:] == "." and not any("\u4e00" <= c <= "\u9fff" for c in line)]
    assert english == []
    if command == ["search"]:
        for option in ("--index", "--engine", "--json", "--filter", "--sort", "--page", "--per-page", "--no-synonyms"):
            assert option in result.output


def test_a_library_error_prints_message_and_hint_in_chinese(runner, folder, tmp_path):
    index_dir = tmp_path / "ix"
    runner.invoke(main, ["index", "--quiet", "--index", str(index_dir), str(folder)])
    (index_dir / "unionsearch.json").write_text('{"format": 0}', encoding="utf-8")
    result = runner.invoke(main, ["search", "--index", str(index_dir), "职工"])
    assert result.exit_code == 1
    assert result.output.startswith("错误：") and "第 0 版格式" in result.output
    assert "\n提示：删除这个文件夹，再运行 unionsearch index" in result.output
    assert "Error" not in result.output


def test_the_cli_honours_the_page_settings(runner, folder, tmp_path, monkeypatch):
    index_dir = tmp_path / "ix"
    runner.invoke(main, ["index", "--quiet", "--index", str(index_dir), str(folder)])
    monkeypatch.setenv("UNIONSEARCH_MAX_PER_PAGE", "1")
    result = runner.invoke(main, ["search", "--index", str(index_dir), "--per-page", "2", "职工"])
    assert result.exit_code == 2 and "每页条数须在 1 到 1 之间" in result.output
    assert runner.invoke(main, ["search", "--index", str(index_dir), "--per-page", "1", "职工"]).exit_code == 0
    monkeypatch.setenv("UNIONSEARCH_MAX_PER_PAGE", "100")
    monkeypatch.setenv("UNIONSEARCH_SYNONYMS", "0")
    data = json.loads(runner.invoke(main, ["search", "--json", "--index", str(index_dir), "全总"]).output)
    assert not any("同义词" in notice for notice in data["notices"])
    monkeypatch.setenv("UNIONSEARCH_SYNONYMS", "1")
    data = json.loads(runner.invoke(main, ["search", "--json", "--index", str(index_dir), "全总"]).output)
    assert any("同义词" in notice for notice in data["notices"])
