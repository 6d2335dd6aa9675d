"""Exports: citation lines, CSV for Excel, Markdown with citations, and the download routes."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import quote

import pytest

from search.documents import list_articles
from search.engine import SearchRequest
from search.export import (
    CSV_COLUMNS,
    check_citation_format,
    citation,
    escape_markdown,
    export_hits,
    to_csv,
    to_markdown,
    with_citation,
)

DEFAULT_FORMAT = "——摘自《{title}》，{organization}，{year}"
HIT = {
    "id": "0123456789abcdef-0002", "article_id": "0123456789abcdef", "title": "河北省总工会2022年工作总结",
    "source": "/docs/hebei.txt", "province": "河北省", "city": "石家庄市", "county": None, "unit": None,
    "organization": "河北省总工会", "level": "province", "year": 2022, "doc_type": "工作总结", "kind": "body",
    "section": "一、思想政治引领", "themes": ["思想政治引领", "职工文化"],
    "text": "全省建成职工书屋示范点120个。", "snippet": "全省建成<mark>职工书屋</mark>示范点120个。", "score": 3.2,
}


def with_organizations(search_index, hits: list[dict]) -> list[dict]:
    """Return search hits with their article's organization, as the exports write them."""
    organizations = {a["id"]: a["organization"] for a in list_articles(search_index)}
    return [{**h, "organization": organizations[h["article_id"]]} for h in hits]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- citation lines ---------------------------------------------------------------------------

def test_citation_fills_title_organization_and_year():
    assert citation(HIT, DEFAULT_FORMAT) == "——摘自《河北省总工会2022年工作总结》，河北省总工会，2022"


def test_citation_drops_the_separator_of_a_missing_field():
    assert citation({**HIT, "organization": None}, DEFAULT_FORMAT) == "——摘自《河北省总工会2022年工作总结》，2022"
    assert citation({**HIT, "year": None}, DEFAULT_FORMAT) == "——摘自《河北省总工会2022年工作总结》，河北省总工会"


def test_citation_falls_back_to_the_unit_when_there_is_no_organization():
    record = {**HIT, "organization": None, "unit": "沧州市总工会"}
    assert citation(record, DEFAULT_FORMAT) == "——摘自《河北省总工会2022年工作总结》，沧州市总工会，2022"


def test_citation_uses_a_custom_format_with_the_source():
    assert citation(HIT, "（{organization}：{title}，{year}年；{source}）") == \
        "（河北省总工会：河北省总工会2022年工作总结，2022年；/docs/hebei.txt）"


def test_with_citation_puts_the_text_first_then_the_citation():
    assert with_citation(HIT, DEFAULT_FORMAT) == \
        "全省建成职工书屋示范点120个。\n——摘自《河北省总工会2022年工作总结》，河北省总工会，2022"


@pytest.mark.parametrize("fmt", ["《{title}》{author}", "《{title", "{0}", "{}", "{title.__class__}"])
def test_bad_citation_formats_are_refused(fmt):
    with pytest.raises(ValueError):
        check_citation_format(fmt)


def test_the_default_citation_format_is_accepted():
    check_citation_format(DEFAULT_FORMAT)


# --- CSV ------------------------------------------------------------------------------------------

def test_csv_has_a_bom_a_chinese_header_and_one_row_per_hit():
    rows = read_csv(to_csv([HIT, {**HIT, "id": "0123456789abcdef-0003", "year": None}], DEFAULT_FORMAT))
    assert rows[0] == [label for label, _ in CSV_COLUMNS]
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1]))
    assert first["序号"] == "1"
    assert first["段落ID"] == "0123456789abcdef-0002"
    assert first["文章标题"] == "河北省总工会2022年工作总结"
    assert first["单位"] == "河北省总工会"
    assert first["省份"] == "河北省" and first["城市"] == "石家庄市" and first["区县"] == ""
    assert first["主题"] == "思想政治引领；职工文化"
    assert first["正文"] == "全省建成职工书屋示范点120个。"
    assert (first["级别"], first["段落类型"]) == ("省级", "正文")  # codes read in Chinese
    assert first["引用"] == "——摘自《河北省总工会2022年工作总结》，河北省总工会，2022"
    second = dict(zip(rows[0], rows[2]))
    assert second["年份"] == "" and second["引用"] == "——摘自《河北省总工会2022年工作总结》，河北省总工会"


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas():
    rows = read_csv(to_csv([{**HIT, "text": "=HYPERLINK(\"http://x\")", "section": "-1+2"}], DEFAULT_FORMAT))
    row = dict(zip(rows[0], rows[1]))
    assert row["正文"] == "'=HYPERLINK(\"http://x\")"
    assert row["小节"] == "'-1+2"
    assert row["文章标题"] == "河北省总工会2022年工作总结"  # ordinary cells are unchanged


def test_csv_keeps_commas_quotes_and_line_breaks_inside_a_cell():
    text = '他说："职工书屋，要建好。"\n第二行'
    rows = read_csv(to_csv([{**HIT, "text": text}], DEFAULT_FORMAT))
    assert dict(zip(rows[0], rows[1]))["正文"] == text


# --- Markdown ---------------------------------------------------------------------------------------

def test_markdown_has_a_heading_per_hit_the_text_quoted_and_the_citation():
    result = {"query": "职工书屋", "total": 1, "hits": [HIT], "limit": 5000}
    assert to_markdown(result, DEFAULT_FORMAT, "省份 河北省") == "\n".join([
        "# 检索结果：职工书屋",
        "",
        "共 1 段，导出 1 段。",
        "筛选：省份 河北省。",
        "",
        "## 1. 《河北省总工会2022年工作总结》",
        "",
        "河北省总工会 · 河北省 石家庄市 · 2022 · 一、思想政治引领",
        "",
        "> 全省建成职工书屋示范点120个。",
        "",
        "——摘自《河北省总工会2022年工作总结》，河北省总工会，2022",
        "",
    ])


def test_markdown_says_when_the_export_limit_cut_the_results():
    result = {"query": "", "total": 9, "hits": [HIT, HIT], "limit": 2}
    text = to_markdown(result, DEFAULT_FORMAT)
    assert text.startswith("# 检索结果：（全部段落）\n\n共 9 段，导出 2 段（导出上限 2 段）。\n")
    assert text.count("## ") == 2


def test_markdown_escapes_markup_in_document_text():
    assert escape_markdown("a*b*_c_ [链接](x) <b>#1 `x` |") == r"a\*b\*\_c\_ \[链接\](x) \<b\>\#1 \`x\` \|"
    result = {"query": "x", "total": 1, "hits": [{**HIT, "text": "<script>alert(1)</script>"}]}
    assert "> \\<script\\>alert(1)\\</script\\>" in to_markdown(result, DEFAULT_FORMAT)


# --- collecting every page --------------------------------------------------------------------------

def _all_ids(search_index, q: str) -> list[str]:
    ids, page = [], 1
    while True:
        hits = search_index.search(SearchRequest(q=q, page=page, per_page=100))["hits"]
        if not hits:
            return ids
        ids += [h["id"] for h in hits]
        page += 1


def test_export_hits_collects_every_page_in_order(search_index):
    expected = _all_ids(search_index, "劳模")
    assert len(expected) > 100  # the export must cross the engine's largest page
    result = export_hits(search_index, SearchRequest(q="劳模", page=3, per_page=5), limit=5000)
    assert result["total"] == len(expected)
    assert [h["id"] for h in result["hits"]] == expected


def test_export_hits_stops_at_the_limit(search_index):
    expected = _all_ids(search_index, "劳模")
    result = export_hits(search_index, SearchRequest(q="劳模"), limit=101)
    assert [h["id"] for h in result["hits"]] == expected[:101]
    assert result["total"] == len(expected) and result["limit"] == 101


# --- download routes ---------------------------------------------------------------------------------

def test_csv_route_downloads_every_hit_with_citations(client, search_index):
    expected = search_index.search(SearchRequest(q="职工书屋", per_page=100))
    response = client.get("/export.csv?q=职工书屋&page=2&view=kwic")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = f"{date.today():%Y%m%d}"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=unionsearch-{today}.csv; filename*=UTF-8''{quote(f'检索结果-职工书屋-{today}.csv')}")
    rows = read_csv(response.data)
    assert len(rows) == expected["total"] + 1
    by_id = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
    for hit in with_organizations(search_index, expected["hits"]):
        assert by_id[hit["id"]]["正文"] == hit["text"]
        assert by_id[hit["id"]]["单位"] == hit["organization"]
        assert by_id[hit["id"]]["引用"] == citation(hit, DEFAULT_FORMAT)


def test_csv_route_honours_the_filters(client, search_index):
    facets = search_index.search(SearchRequest(q="工会"))["facets"]["province"]
    province = facets[0]["value"]
    rows = read_csv(client.get(f"/export.csv?q=工会&province={province}").data)
    assert len(rows) - 1 == facets[0]["count"]
    assert {row[5] for row in rows[1:]} == {province}


def test_markdown_route_downloads_hits_with_citations(client, search_index):
    expected = search_index.search(SearchRequest(q="职工书屋", per_page=100))
    response = client.get("/export.md?q=职工书屋")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.startswith(f"# 检索结果：职工书屋\n\n共 {expected['total']} 段，导出 {expected['total']} 段。")
    assert text.count("\n## ") == expected["total"]
    for hit in with_organizations(search_index, expected["hits"]):
        assert escape_markdown(citation(hit, DEFAULT_FORMAT)) in text


def test_export_limit_setting_caps_the_download(sample_index):
    from web import create_app

    client = create_app({"INDEX": str(sample_index), "EXPORT_LIMIT": 3}).test_client()
    assert len(read_csv(client.get("/export.csv?q=工会").data)) == 4
    assert "（导出上限 3 段）" in client.get("/export.md?q=工会").get_data(as_text=True)


def test_export_routes_reject_bad_parameters(client):
    response = client.get("/export.csv?q=工会&sort=random")
    assert response.status_code == 400
    assert "sort" in response.get_data(as_text=True)


# --- what a partial hit lacks (soft matching) ------------------------------------------------------

SOFT_QUERY = "工会 驿站 夏季"  # no paragraph of the sample holds all three: every hit is partial


def test_csv_route_says_what_each_partial_hit_lacks(client, search_index):
    expected = search_index.search(SearchRequest(q=SOFT_QUERY, per_page=100, semantic=False))
    assert expected["total_all_terms"] == 0 and expected["total"] > 0
    rows = read_csv(client.get(f"/export.csv?q={quote(SOFT_QUERY)}&semantic=0").data)
    assert rows[0][-1] == "缺少"
    by_id = {row[1]: row[-1] for row in rows[1:]}
    for hit in expected["hits"]:
        assert hit["missing"]
        assert by_id[hit["id"]] == "；".join(hit["missing"])
    literal = read_csv(client.get(f"/export.csv?q={quote(chr(34) + '职工书屋' + chr(34))}").data)
    assert len(literal) > 10 and {row[-1] for row in literal[1:]} == {""}  # a quoted phrase is strict: nothing lacking


def test_markdown_and_word_exports_name_what_a_partial_hit_lacks(client, search_index):
    from docx import Document

    expected = search_index.search(SearchRequest(q=SOFT_QUERY, per_page=100, semantic=False))
    notes = {f"缺少：{'、'.join(hit['missing'])}" for hit in expected["hits"]}
    text = client.get(f"/export.md?q={quote(SOFT_QUERY)}&semantic=0").get_data(as_text=True)
    assert {line for line in text.splitlines() if line.startswith("缺少：")} == notes
    assert text.count("\n缺少：") == expected["total"]
    document = Document(io.BytesIO(client.get(f"/export.docx?q={quote(SOFT_QUERY)}&semantic=0").data))
    flagged = [p.text for p in document.paragraphs if p.text.startswith("【缺少：")]
    assert len(flagged) == expected["total"]
    assert {line.strip("【】") for line in flagged} == notes
