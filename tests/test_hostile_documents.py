"""Hostile and broken documents: each is indexed correctly or skipped with its reason, none stops a
run, memory stays bounded, and no document text reaches a page unescaped."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import index.ingest as ingest_module
from index import readers
from index.ingest import file_hash, ingest, iter_ingest
from index.model import IngestError, Skipped
from index.readers import iter_files, read_document
from index.writer import update_index
from tests import hostile_files as hf

REPO = Path(__file__).resolve().parent.parent
DEPTH = 200
TINY = 3000
DEEP_PATH = "/".join(["层"] * DEPTH) + "/deep.txt"
UNDECODABLE = "names/bad-\\xff\\xfe-\\xb9\\xa4\\xbb\\xe1.txt"

# Every file of the set that must be skipped, with the reason the user is shown.
SKIPPED = {
    "broken/binary.docx": "Word 文件已损坏（不是可读的 zip 包：File is not a zip file）",
    "broken/binary.pdf": "PDF 文件已损坏（Failed to load document (PDFium: Data format error).）",
    "broken/binary.txt": "二进制文件，不是文本",
    "broken/declared-bomb.docx": ".docx 解压后有 8192 MB，超过 200 MB 上限（可能是 zip 炸弹）",
    "broken/empty.docx": "空文件",
    "broken/empty.pdf": "空文件",
    "broken/empty.txt": "空文件",
    "broken/garbled.txt": "无法识别文本编码（文本损坏，或是不支持的多字节编码）",
    "broken/locked.docx": "Word 文档有密码保护",
    "broken/locked.pdf": "PDF 有密码保护",
    "broken/lying-zip.docx": "Word 文件已损坏（BadZipFile: Bad CRC-32 for file 'word/document.xml'）",
    "broken/truncated.docx": "Word 文件已损坏（不是可读的 zip 包：File is not a zip file）",
    "broken/truncated.pdf": "PDF 文件已损坏（Failed to load document (PDFium: Data format error).）",
    "broken/zip-bomb.docx": ".docx 解压后有 2048 MB，超过 200 MB 上限（可能是 zip 炸弹）",
    "symlinks/broken.txt": "符号链接已断开（目标不存在）",
    "symlinks/self.txt": "符号链接循环",
}
# libxml2 words its refusal differently across versions; the reader's part is the prefix.
ENTITY_BOMB = ("broken/entity-bomb.docx", "Word 文件已损坏（XMLSyntaxError: ")

# Every other file is indexed, with exactly these paragraphs.
INDEXED = {
    "encodings/damaged-utf8.txt": ["工会工作总结", "全市建成\ufffd" + hf.REPORT[4:] + hf.REPORT * 9 + "\ufffd"],
    "encodings/gbk.txt": ["工会工作总结", hf.REPORT],
    "encodings/mixed.txt": ["工会工作总结", hf.REPORT, "下半年工作：" + hf.REPORT],
    "encodings/utf16.txt": ["工会工作综述", hf.REPORT],
    "markup/markup.txt": ["工匠学院建设情况", f"工匠学院{hf.MARKUP_TEXT}培训职工八百人。"],
    "markup/page.html": hf.HOSTILE_HTML_TEXT,
    **{f"names/{name}": [f"怪名字文档{n}", f"{hf.REPORT}编号{n}。"] for n, name in enumerate(hf.ODD_NAMES)},
    UNDECODABLE: [f"怪名字文档{len(hf.ODD_NAMES)}", f"{hf.REPORT}编号{len(hf.ODD_NAMES)}。"],
    DEEP_PATH: ["深处的文档", f"{hf.REPORT}位于第{DEPTH}层。"],
}


def tiny_paragraphs(n: int) -> list[str]:
    return [f"第{n}号简报", f"第{n}号简报：{hf.REPORT}"]


def relative(path: str, root: Path) -> str:
    return path[len(str(root)) + 1:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding the whole hostile set (all but the 50 MB file and the 5 MB line)."""
    root = tmp_path_factory.mktemp("hostile-set") / "docs"
    hf.write_hostile_set(root, tiny=TINY, depth=DEPTH)
    return root


@pytest.fixture(scope="module")
def ingested(corpus: Path):
    """Return the IngestResult of the whole set."""
    return ingest([corpus])


@pytest.fixture(scope="module")
def indexed(corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    """Return (index folder, summary) of update_index over the whole set."""
    target = tmp_path_factory.mktemp("hostile-index") / "index"
    return target, update_index(target, [corpus])


@pytest.fixture(scope="module")
def client(indexed):
    """Return a test client of the page app on the hostile index."""
    from web import create_app

    return create_app({"INDEX": str(indexed[0]), "TESTING": True}).test_client()


# --- the whole set through both entry points ------------------------------------------------------------

def _check_skips(skipped: list[Skipped], corpus: Path) -> None:
    reasons = {relative(s.path, corpus): s.reason for s in skipped}
    entity = reasons.pop(ENTITY_BOMB[0])
    assert entity.startswith(ENTITY_BOMB[1]) and "entity" in entity
    assert reasons == SKIPPED


@pytest.mark.slow
def test_ingest_indexes_or_skips_every_file_with_its_reason(ingested, corpus):
    _check_skips(ingested.skipped, corpus)
    found = {relative(a.source, corpus): [p.text for p in a.paragraphs] for a in ingested.articles}
    assert len(found) == len(ingested.articles) == len(INDEXED) + TINY
    assert {k: v for k, v in found.items() if not k.startswith("tiny/")} == INDEXED
    assert all(found[f"tiny/{n:05d}.txt"] == tiny_paragraphs(n) for n in range(TINY))


@pytest.mark.slow
def test_update_index_survives_the_same_set(indexed, corpus):
    _, summary = indexed
    _check_skips(summary.skipped, corpus)
    assert (summary.added, summary.updated, summary.removed) == (len(INDEXED) + TINY, 0, 0)
    assert summary.articles == len(INDEXED) + TINY
    assert summary.paragraphs == sum(map(len, INDEXED.values())) + 2 * TINY


@pytest.mark.slow
def test_a_second_run_finds_every_file_unchanged_odd_names_included(indexed, corpus):
    index_dir, _ = indexed
    again = update_index(index_dir, [corpus])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, len(INDEXED) + TINY)


@pytest.mark.slow
def test_the_index_holds_the_documents_under_their_printable_names(client, corpus):
    articles = {relative(a["source"], corpus): a for a in client.get("/api/articles").get_json()}
    assert UNDECODABLE in articles and "names/line\nbreak.txt" in articles and DEEP_PATH in articles
    hits = client.get("/api/search?q=位于第200层").get_json()["hits"]
    assert [relative(h["source"], corpus) for h in hits] == [DEEP_PATH]


# --- single files: what the readers keep --------------------------------------------------------------

def test_scripts_styles_and_handlers_of_a_page_are_not_document_text(tmp_path):
    doc = read_document(hf.write(tmp_path / "page.html", hf.HOSTILE_HTML.encode("utf-8")))
    text = "\n".join(block.text for block in doc.blocks)
    for gone in ("脚本里的劳模", "不该出现的劳模", "alert(3)", "alert(4)", "alert(5)", "alert(6)", "alert(7)",
                 "alert(8)", "alert(10)", "首页"):
        assert gone not in text
    assert [block.text for block in doc.blocks] == hf.HOSTILE_HTML_TEXT


def test_the_entity_bomb_is_refused_without_expanding(tmp_path):
    with pytest.raises(IngestError, match=r"^Word 文件已损坏（XMLSyntaxError: .*entity"):
        read_document(hf.write(tmp_path / "bomb.docx", hf.entity_bomb_docx()))


@pytest.mark.parametrize("prefix_crc, reason", [
    (False, r"^Word 文件已损坏（BadZipFile: Bad CRC-32 for file 'word/document\.xml'）$"),
    (True, r"^Word 文件已损坏（XMLSyntaxError: "),
])
def test_a_part_inflating_past_its_declared_size_is_refused_in_bounded_memory(tmp_path, prefix_crc, reason):
    # Sizes declared as 1000 bytes, 2 GB behind them: a single zipfile read() would inflate it all.
    path = hf.write(tmp_path / "lying.docx", hf.lying_zip_docx(1000, 2 * hf.GB, prefix_crc=prefix_crc))
    tracemalloc.start()
    try:
        with pytest.raises(IngestError, match=reason):
            read_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * hf.MB


def test_heavily_damaged_short_utf8_is_refused_but_slightly_damaged_utf8_is_read(tmp_path):
    with pytest.raises(IngestError, match="无法识别文本编码"):
        read_document(hf.write(tmp_path / "short.txt", hf.damaged_utf8_text(1)))
    doc = read_document(hf.write(tmp_path / "long.txt", hf.damaged_utf8_text(10)))
    assert doc.blocks[2].text.startswith("全市建成\ufffd职工书屋") and doc.blocks[2].text.endswith("新进展。\ufffd")


def test_mixed_gbk_and_utf8_lines_are_each_decoded(tmp_path):
    doc = read_document(hf.write(tmp_path / "mixed.txt", hf.mixed_encoding_text()))
    assert [b.text for b in doc.blocks] == ["工会工作总结", "", hf.REPORT, "", "下半年工作：" + hf.REPORT]


def test_a_file_growing_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    # /proc files report a size of 0 whatever they hold: only a bounded read stops them.
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 16)
    os.symlink("/proc/self/status", tmp_path / "status.txt")
    with pytest.raises(IngestError, match=r"^文件太大（读取时超过 0 MB 上限）$"):
        read_document(tmp_path / "status.txt")


def test_a_run_on_line_becomes_paragraphs_cut_at_sentence_ends(tmp_path):
    sentences = 3000 // len(hf.REPORT)  # whole sentences that fit in one paragraph
    path = hf.write(tmp_path / "line.txt", (hf.REPORT * (2 * sentences + 5) + "没有句号的结尾").encode("utf-8"))
    (article,) = ingest([path]).articles
    assert [p.text for p in article.paragraphs] == [
        hf.REPORT * sentences, hf.REPORT * sentences, hf.REPORT * 5 + "没有句号的结尾"]
    assert {p.kind for p in article.paragraphs} == {"body"}


def test_an_unpunctuated_run_is_cut_at_clause_breaks_or_at_the_limit(tmp_path):
    path = hf.write(tmp_path / "run.txt", ("职工书屋" * 1250 + "，" + "工" * 4000).encode("utf-8"))
    (article,) = ingest([path]).articles
    assert [len(p.text) for p in article.paragraphs] == [3000, 2001, 3000, 1000]


# --- folders: depth, loops, names ----------------------------------------------------------------------

def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked(tmp_path):
    bottom = hf.nested_folders(tmp_path, sys.getrecursionlimit() + 100, "d")
    try:
        hf.write(bottom / "deep.txt", "深处\n".encode())
        assert list(iter_files([tmp_path])) == [bottom / "deep.txt"]
    finally:
        hf.remove_nested(tmp_path, "d")


def test_a_tree_deeper_than_the_longest_path_is_skipped_with_a_reason(tmp_path):
    name = "层" * 80  # 240 bytes: a few levels pass the longest path a call accepts
    hf.nested_folders(tmp_path, os.pathconf(tmp_path, "PC_PATH_MAX") // 241 + 1, name)
    try:
        items = list(iter_files([tmp_path]))
        assert len(items) == 1 and isinstance(items[0], Skipped)
        assert items[0].reason == "无法打开文件夹（File name too long）"
    finally:
        hf.remove_nested(tmp_path, name)


def test_symbolic_link_loops_are_walked_once(tmp_path):
    hf.write(tmp_path / "a" / "doc.txt", "工会\n".encode())
    os.symlink("..", tmp_path / "a" / "up")
    os.symlink(tmp_path / "a", tmp_path / "a" / "again")
    os.symlink("ping.txt", tmp_path / "pong.txt")
    os.symlink("pong.txt", tmp_path / "ping.txt")
    assert [(str(i.path)[len(str(tmp_path)):], i.reason) if isinstance(i, Skipped) else str(i)[len(str(tmp_path)):]
            for i in iter_files([tmp_path])] == [
        "/a/doc.txt", ("/ping.txt", "符号链接循环"), ("/pong.txt", "符号链接循环")]


def test_an_undecodable_name_is_skipped_printably_when_the_file_is_bad(tmp_path):
    hf.write(Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xff.txt")), b"")
    (skipped,) = ingest([tmp_path]).skipped
    assert (skipped.path, skipped.reason) == (f"{tmp_path}/\\xff.txt", "空文件")
    json.dumps(skipped.__dict__, ensure_ascii=False).encode("utf-8")  # printable and storable


# --- files that vanish or change between the walk and the read -------------------------------------------

def _three_files(folder: Path) -> None:
    for n in range(3):
        hf.write(folder / f"{n}.txt", f"第{n}号简报\n\n第{n}号简报：{hf.REPORT}\n".encode())


def _after_the_walk(monkeypatch, name: str, change) -> None:
    """Make ``change`` happen to the file ``name`` once the walk has listed and checked it."""
    def walk_then_change(paths):
        for item in iter_files(paths):
            if isinstance(item, Path) and item.name == name:
                change(item)
            yield item

    monkeypatch.setattr(ingest_module, "iter_files", walk_then_change)


def test_a_file_deleted_after_the_walk_is_skipped_and_the_run_goes_on(tmp_path, monkeypatch):
    _three_files(tmp_path / "docs")
    _after_the_walk(monkeypatch, "1.txt", Path.unlink)
    summary = update_index(tmp_path / "index", [tmp_path / "docs"])
    assert [(relative(s.path, tmp_path), s.reason) for s in summary.skipped] == [
        ("docs/1.txt", "无法读取（No such file or directory）")]
    assert (summary.added, summary.articles) == (2, 2)


def test_a_file_replaced_by_a_folder_after_the_walk_is_skipped(tmp_path, monkeypatch):
    _three_files(tmp_path / "docs")
    _after_the_walk(monkeypatch, "0.txt", lambda path: (path.unlink(), path.mkdir()))
    result = [item for item in iter_ingest([tmp_path / "docs"]) if isinstance(item, Skipped)]
    assert [(relative(s.path, tmp_path), s.reason) for s in result] == [
        ("docs/0.txt", "无法读取（Is a directory）")]


def test_a_file_that_changes_while_read_is_indexed_as_read_and_updated_next_run(tmp_path, monkeypatch):
    _three_files(tmp_path / "docs")
    changed = tmp_path / "docs" / "2.txt"

    def hash_then_change(path: Path) -> str:
        digest = file_hash(path)
        if path == changed:
            changed.write_text(f"改写后的简报\n\n{hf.REPORT}改写。\n", encoding="utf-8")
        return digest

    monkeypatch.setattr(ingest_module, "file_hash", hash_then_change)
    update_index(tmp_path / "index", [tmp_path / "docs"])
    monkeypatch.undo()
    again = update_index(tmp_path / "index", [tmp_path / "docs"])
    # The index holds what was read, under that content's hash: the next run sees no change.
    assert (again.unchanged, again.updated) == (3, 0)
    from search.engine import SearchIndex, SearchRequest
    hits = SearchIndex(tmp_path / "index").search(SearchRequest(q="改写后的简报"))["hits"]
    assert [h["text"] for h in hits] == ["改写后的简报"]


def test_a_file_truncated_to_nothing_while_read_is_skipped(tmp_path, monkeypatch):
    _three_files(tmp_path / "docs")

    def hash_then_truncate(path: Path) -> str:
        digest = file_hash(path)
        if path.name == "0.txt":
            path.write_bytes(b"")
        return digest

    monkeypatch.setattr(ingest_module, "file_hash", hash_then_truncate)
    result = ingest([tmp_path / "docs"])
    assert [(relative(s.path, tmp_path), s.reason) for s in result.skipped] == [("docs/0.txt", "空文件")]
    assert len(result.articles) == 2


# --- memory ---------------------------------------------------------------------------------------------

MEASURE = """
import json, sys, tempfile, time
from pathlib import Path
from index.ingest import ingest
from index.writer import update_index

def high_water_mb():
    # VmHWM belongs to this program's memory map; ru_maxrss would carry the parent's over exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

base = high_water_mb()
started = time.perf_counter()
path = Path(sys.argv[2])
if sys.argv[1] == "ingest":
    result = ingest([path])
    counts = [len(result.articles), sum(len(a.paragraphs) for a in result.articles), len(result.skipped)]
else:
    summary = update_index(Path(tempfile.mkdtemp()) / "index", [path])
    counts = [summary.articles, summary.paragraphs, len(summary.skipped)]
print(json.dumps({"counts": counts, "base_mb": round(base), "growth_mb": round(high_water_mb() - base),
                  "seconds": round(time.perf_counter() - started, 1)}))
"""
MEMORY_BOUND_MB = 1536


def _start(mode: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", MEASURE, mode, str(path)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out)


@pytest.mark.slow
def test_memory_stays_bounded_on_a_50_mb_file_and_a_5_mb_line(tmp_path):
    big = hf.write(tmp_path / "big" / "big.txt", hf.big_text(50 * hf.MB))
    line = hf.write(tmp_path / "line" / "line.txt", hf.long_line(5 * hf.MB))
    paragraphs = big.read_bytes().count("条：".encode())
    # Two cores: the 50 MB ingest runs beside the two 5 MB runs.
    big_run = _start("ingest", big)
    line_ingest = _finish(_start("ingest", line))
    line_index = _finish(_start("index", line.parent))
    big_ingest = _finish(big_run)
    numbers = {"ingest 50 MB file": big_ingest, "ingest 5 MB line": line_ingest, "index 5 MB line": line_index}
    print(json.dumps(numbers, ensure_ascii=False))  # shown with -s: the numbers for the record
    assert big_ingest["counts"] == [1, paragraphs, 0]
    # The run-on line is cut at the last sentence end within every 3,000 characters.
    parts = math.ceil(len(line.read_bytes().decode("utf-8")) / (3000 // len(hf.REPORT) * len(hf.REPORT)))
    assert line_ingest["counts"] == line_index["counts"] == [1, parts, 0]
    for name, run in numbers.items():
        assert run["growth_mb"] < MEMORY_BOUND_MB, name


# --- pages: document text is shown, never run ------------------------------------------------------------

MARKUP_QUERIES = ("劳模", "工匠学院", "mark", "alert", "script", "onerror", "怪名字文档2")
APP_SCRIPT = '<script src="/static/app.js" defer></script>'


def assert_inert(html: str, where: str) -> None:
    """Assert that a page runs nothing of a document's: no script, handler or javascript: link of its own."""
    assert html.count("<script") == html.count(APP_SCRIPT) <= 1, where
    for raw in ("<img", "<iframe", "<a href=\"javascript", "onerror=alert(1)>", "</mark><mark>劳模"):
        assert raw not in html, (where, raw)
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, str(tag)[:200])
            values = value if isinstance(value, list) else [value]
            assert not any(str(v).strip().lower().startswith("javascript:") for v in values), (where, name)
    for mark in soup.find_all("mark"):
        assert not mark.find(True), (where, str(mark))


def _hostile_paragraph_ids(client) -> list[str]:
    hits = client.get("/api/search?q=劳模&per_page=100").get_json()["hits"]
    hits += client.get("/api/search?q=工匠学院&per_page=100").get_json()["hits"]
    return [h["id"] for h in hits]


@pytest.mark.slow
@pytest.mark.parametrize("q", MARKUP_QUERIES)
def test_result_and_concordance_pages_show_document_markup_as_text(client, q):
    for url in (f"/?q={q}", f"/?q={q}&view=kwic", f"/?q={q}&view=kwic&kwic_sort=left"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)


@pytest.mark.slow
def test_the_markup_is_there_escaped(client):
    html = client.get("/?q=工匠学院").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;书屋&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/mark&gt;" in html
    html = client.get("/?q=mark").get_data(as_text=True)
    assert "&lt;/<mark>mark</mark>&gt;&lt;<mark>mark</mark>&gt;劳模&lt;/<mark>mark</mark>&gt;" in html
    kwic = client.get("/?q=onerror&view=kwic").get_data(as_text=True)
    assert '<td class="match"><a' in kwic and "&lt;img src=x " in kwic


@pytest.mark.slow
def test_article_and_similar_pages_show_document_markup_as_text(client):
    ids = _hostile_paragraph_ids(client)
    assert len(ids) == 7
    for paragraph_id in ids:
        article_id = paragraph_id.rsplit("-", 1)[0]
        for url in (f"/article/{article_id}", f"/article/{article_id}?q=劳模", f"/article/{article_id}?q=mark",
                    f"/similar/{paragraph_id}"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_inert(response.get_data(as_text=True), url)


@pytest.mark.slow
def test_a_file_name_full_of_markup_is_shown_as_text(client):
    hit = client.get("/api/search?q=怪名字文档2").get_json()["hits"][0]
    html = client.get(f"/article/{hit['article_id']}").get_data(as_text=True)
    assert_inert(html, "article")
    assert "来源文件：&lt;img src=x onerror=alert(11)&gt;.txt" in html


@pytest.mark.slow
def test_the_markdown_export_escapes_markup_and_the_csv_is_a_download(client):
    for q in MARKUP_QUERIES:
        markdown = client.get(f"/export.md?q={q}")
        assert markdown.mimetype == "text/markdown" and markdown.headers["X-Content-Type-Options"] == "nosniff"
        text = markdown.get_data(as_text=True)
        assert not re.search(r"(?<!\\)<(script|img|a |/mark|mark)", text), q
        response = client.get(f"/export.csv?q={q}")
        assert response.mimetype == "text/csv" and response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment;")
    markdown = client.get("/export.md?q=工匠学院").get_data(as_text=True)
    assert "\\<script\\>alert(\"书屋\")\\</script\\>\\<img src=x onerror=alert(1)\\>" in markdown
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=工匠学院").get_data(as_text=True))))
    assert f"工匠学院{hf.MARKUP_TEXT}培训职工八百人。" in [row[14] for row in rows]


@pytest.mark.slow
def test_the_json_api_returns_document_markup_as_data(client):
    response = client.get("/api/search?q=工匠学院")
    assert response.mimetype == "application/json"
    texts = [h["text"] for h in response.get_json()["hits"]]
    assert f"工匠学院{hf.MARKUP_TEXT}培训职工八百人。" in texts
    ids = _hostile_paragraph_ids(client)
    context = client.get(f"/api/paragraphs/{ids[0]}").get_json()
    assert context["text"] in {p for p in hf.HOSTILE_HTML_TEXT} | {f"工匠学院{hf.MARKUP_TEXT}培训职工八百人。"}
    kwic = client.get("/api/kwic?q=onerror").get_json()
    assert {line["match"] for line in kwic["lines"]} == {"onerror"} and kwic["total"] == 2
