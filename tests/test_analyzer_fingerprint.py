"""The index remembers the user dictionary it was cut with; a changed dictionary is noticed and reindexed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index import analysis
from index.folder import MARKER
from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from web.cli import main

STALE = "用户词典（index/data/userdict.txt）在建立这个索引之后改动过"


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "甲", tmp_path / "乙"
    write(first, "a.txt", "某市总工会工作总结\n\n推进小三级工会建设。\n")
    write(first, "b.txt", "某县总工会工作总结\n\n建成职工书屋十家。\n")
    write(second, "c.txt", "某区总工会工作总结\n\n开展小三级工会建设观摩。\n")
    return first, second


@pytest.fixture
def changed_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a user dictionary other than the shipped one, not yet in use."""
    userdict = tmp_path / "userdict.txt"
    userdict.write_text(analysis.USERDICT.read_text(encoding="utf-8") + "\n观摩学习 1000 n\n", encoding="utf-8")
    return userdict


def marker(index_dir: Path) -> dict:
    return json.loads((index_dir / MARKER).read_text(encoding="utf-8"))


def test_the_index_stores_the_fingerprint_of_its_analyzer(tmp_path, corpus):
    update_index(tmp_path / "ix", corpus)
    assert marker(tmp_path / "ix") == {"format": 3, "analysis": analysis.default_analyzer().fingerprint}
    result = SearchIndex(tmp_path / "ix").search(SearchRequest(q="小三级"))
    assert result["total"] == 2 and not any(STALE in n for n in result["notices"])


def test_a_changed_dictionary_is_noticed_on_open_and_a_full_reindex_clears_it(tmp_path, corpus, changed_dictionary,
                                                                            monkeypatch):
    index_dir = tmp_path / "ix"
    update_index(index_dir, corpus)
    monkeypatch.setattr(analysis, "USERDICT", changed_dictionary)
    result = SearchIndex(index_dir).search(SearchRequest(q="小三级"))
    assert result["total"] == 2  # matching is on characters: every paragraph is still found
    assert [n for n in result["notices"] if STALE in n] == [
        f"{STALE}，分词与索引不一致，排序可能不准。重新运行 unionsearch index 文件夹，"
        "把索引过的全部文件夹再索引一遍（会按新词典重新分词）。"]

    summary = update_index(index_dir, corpus)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 3, 0)  # no file counts as unchanged
    assert marker(index_dir)["analysis"] == analysis.analyzer_for(changed_dictionary).fingerprint
    assert not any(STALE in n for n in SearchIndex(index_dir).search(SearchRequest(q="小三级"))["notices"])
    assert update_index(index_dir, corpus).unchanged == 3


def test_reindexing_part_of_the_folders_says_which_files_are_left(tmp_path, corpus, changed_dictionary, monkeypatch):
    first, second = corpus
    index_dir = tmp_path / "ix"
    update_index(index_dir, corpus)
    old = marker(index_dir)["analysis"]
    monkeypatch.setattr(analysis, "USERDICT", changed_dictionary)
    summary = update_index(index_dir, [first])
    assert summary.updated == 2
    [notice] = [n for n in summary.notices if STALE in n]
    assert "仍有 1 个文件不在本次索引的路径下" in notice and "c.txt" in notice
    assert marker(index_dir)["stale"] == [str((second / "c.txt").absolute())]  # the search keeps saying so
    assert old != marker(index_dir)["analysis"]
    assert any(STALE in n for n in SearchIndex(index_dir).search(SearchRequest(q="小三级"))["notices"])
    assert update_index(index_dir, [second]).updated == 1
    assert "stale" not in marker(index_dir)
    assert not any(STALE in n for n in SearchIndex(index_dir).search(SearchRequest(q="小三级"))["notices"])
    assert marker(index_dir)["analysis"] == analysis.analyzer_for(changed_dictionary).fingerprint


def test_the_cli_prints_the_notice(tmp_path, corpus, changed_dictionary, monkeypatch):
    index_dir = tmp_path / "ix"
    update_index(index_dir, corpus)
    monkeypatch.setattr(analysis, "USERDICT", changed_dictionary)
    result = CliRunner().invoke(main, ["search", "--index", str(index_dir), "小三级"])
    assert result.exit_code == 0
    assert f"注意: {STALE}" in result.output and "重新运行 unionsearch index" in result.output
