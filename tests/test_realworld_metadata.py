"""Ingest on real-world documents: accuracy per field on the labelled development set (issue 12).

tests/data/realworld/ holds public web pages' text as stored (site chrome, datelines, front
matter and all) in .txt, .md, .html and .docx, with labels read from the text in labels.toml.
A label "" (or year 0) means the text does not say: the rules must then leave the field
empty rather than guess.  A headline-less item is titled by its file name.
"""

import re
import tomllib
from pathlib import Path

import pytest

from index.ingest import ingest

DATA = Path(__file__).parent / "data" / "realworld"
LABELS = tomllib.loads((DATA / "labels.toml").read_text(encoding="utf-8"))["doc"]
THRESHOLDS = {"province": 0.95, "city": 0.90, "year": 0.95}
# What a title made of site chrome looks like: menus, breadcrumbs, publication lines, banners.
CHROME = re.compile(r"当前位置|您的位置|位置[:：]|首页|欢迎|发布时间|发布日期|来源[:：]|來源[:：]|点击|浏览|访问量"
                    r"|编辑[:：/]|編輯|责编|本帖|发表于|打印|字号|收藏|分享|ICP|备案|版权|Copyright|https?:|www\."
                    r"|>>|>|娱乐城|官方中文网|查看原文|(19|20)\d\d[-/]\d{1,2}[-/]\d{1,2}|^\S{2,6}(网|热线)$")


def _value(article, field: str):
    if field == "year":
        return article.year or 0
    if field == "title":
        return "" if article.title == Path(article.source).stem else article.title
    return getattr(article, field) or ""


@pytest.fixture(scope="module")
def result():
    return ingest([DATA])


@pytest.fixture(scope="module")
def first_articles(result):
    by_file = {}
    for article in result.articles:
        by_file.setdefault(Path(article.source).name, article)
    return by_file


def test_the_set_is_big_enough_and_every_document_is_read(result, first_articles):
    documents = [d for d in LABELS if not d.get("duplicate")]
    assert len(documents) >= 40
    assert {d["file"] for d in documents} == set(first_articles)
    assert {Path(d["file"]).suffix for d in documents} == {".txt", ".md", ".html", ".docx"}


@pytest.mark.parametrize("field", sorted(THRESHOLDS))
def test_accuracy_per_field(first_articles, field):
    documents = [d for d in LABELS if not d.get("duplicate")]
    wrong = [(d["file"], d[field], _value(first_articles[d["file"]], field)) for d in documents
             if _value(first_articles[d["file"]], field) != d[field]]
    accuracy = 1 - len(wrong) / len(documents)
    assert accuracy >= THRESHOLDS[field], wrong


def test_no_title_is_site_chrome(first_articles):
    chrome = [(name, a.title) for name, a in first_articles.items() if CHROME.search(a.title)]
    assert chrome == []


def test_gb18030_copy_is_skipped_as_duplicate_of_the_utf8_file(result):
    duplicates = [d["file"] for d in LABELS if d.get("duplicate")]
    skipped = {Path(s.path).name: s.reason for s in result.skipped}
    assert duplicates and all(name in skipped for name in duplicates)
    assert all("juxian_songwennuan.txt" in skipped[name] and "文字相同" in skipped[name] for name in duplicates)
