"""Word export: opened again with python-docx, the text, headings and citations are where a writer expects."""

from __future__ import annotations

import io

import docx

from search.clippings.exports import collection_csv, collection_markdown
from search.engine import SearchRequest
from search.export import citation, export_hits
from search.export_docx import collection_docx, results_docx
from tests.test_export import DEFAULT_FORMAT, read_csv

HIT = {"id": "0123456789abcdef-0002", "article_id": "0123456789abcdef", "title": "河北省总工会2022年工作总结",
       "organization": "河北省总工会", "province": "河北省", "city": "石家庄市", "county": None, "year": 2022,
       "level": "province", "kind": "body", "section": "一、思想政治引领", "themes": ["职工文化"],
       "text": "全省建成职工书屋示范点120个。", "source": "/docs/hebei.txt"}


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """Return (style name, text) of every paragraph of a .docx."""
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]


def clipping(n: int, article: str, text: str, note: str = "") -> dict:
    return {**HIT, "id": n, "paragraph_id": f"{article}-{n:04d}", "article_id": article, "text": text,
            "title": f"文章{article[-1]}", "citation": f"——摘自《文章{article[-1]}》，河北省总工会，2022", "note": note}


def test_results_are_grouped_under_their_articles_with_the_citation_under_each_text(search_index):
    result = export_hits(search_index, SearchRequest(q="职工书屋"), 5000)
    body = paragraphs(results_docx(result, DEFAULT_FORMAT, "省份 河北省"))
    assert body[0] == ("Title", "检索结果：职工书屋")
    assert body[1] == ("Normal", f"共 {result['total']} 段，导出 {result['total']} 段。")
    assert body[2] == ("Normal", "筛选：省份 河北省。")
    headings = [text for style, text in body if style == "Heading 1"]
    titles = list(dict.fromkeys(f"《{hit['title']}》" for hit in result["hits"]))
    assert headings == titles and len(headings) < result["total"]
    texts = [text for _, text in body]
    for hit in result["hits"]:
        at = texts.index(hit["text"])
        assert texts[at + 1] == citation(hit, DEFAULT_FORMAT)
        heading = max(i for i, (style, _) in enumerate(body[:at]) if style == "Heading 1")
        assert texts[heading] == f"《{hit['title']}》"


def test_a_collection_keeps_its_order_notes_and_flags():
    collection = {"name": "经验材料素材", "clippings": [
        clipping(1, "aaaaaaaaaaaaaaa1", "第一段。", "开头用"), clipping(2, "aaaaaaaaaaaaaaa1", "第二段。"),
        clipping(3, "bbbbbbbbbbbbbbb2", "第三段。"), clipping(4, "aaaaaaaaaaaaaaa1", "第四段。")]}
    body = paragraphs(collection_docx(collection, {3: "来源已变更：原文件已不在索引中"}))
    assert body[:2] == [("Title", "经验材料素材"), ("Normal", "共 4 条摘录。")]
    # Consecutive clippings of one article share its heading; the writer's order is kept.
    assert [text for style, text in body if style == "Heading 1"] == ["《文章1》", "《文章2》", "《文章1》"]
    texts = [text for _, text in body]
    assert texts[texts.index("第一段。") + 1:texts.index("第一段。") + 3] == ["备注：开头用", "——摘自《文章1》，河北省总工会，2022"]
    assert texts[texts.index("第二段。") + 1] == "——摘自《文章1》，河北省总工会，2022"
    assert texts[texts.index("第三段。") - 1] == "【来源已变更：原文件已不在索引中】"
    assert texts.index("第一段。") < texts.index("第二段。") < texts.index("第三段。") < texts.index("第四段。")


def test_a_collection_as_markdown_and_csv():
    collection = {"name": "素材*一*", "clippings": [clipping(1, "aaaaaaaaaaaaaaa1", "第一段。", "开头用"),
                                                   clipping(2, "bbbbbbbbbbbbbbb2", "=1+1")]}
    markdown = collection_markdown(collection, {2: "来源已变更"})
    assert markdown.startswith("# 素材夹：素材\\*一\\*\n\n共 2 条摘录。\n\n## 1. 《文章1》\n")
    assert "> 第一段。\n\n备注：开头用\n\n——摘自《文章1》，河北省总工会，2022\n" in markdown
    assert "**来源已变更**\n\n> =1+1" in markdown
    rows = read_csv(collection_csv(collection, {2: "来源已变更"}))
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert rows[0][-2:] == ["备注", "来源状态"]
    assert [(r["段落ID"], r["正文"], r["引用"], r["备注"], r["来源状态"]) for r in table] == [
        ("aaaaaaaaaaaaaaa1-0001", "第一段。", "——摘自《文章1》，河北省总工会，2022", "开头用", ""),
        ("bbbbbbbbbbbbbbb2-0002", "'=1+1", "——摘自《文章2》，河北省总工会，2022", "", "来源已变更")]
    # Codes read in Chinese, as the page shows them.
    assert (table[0]["级别"], table[0]["段落类型"]) == ("省级", "正文")
