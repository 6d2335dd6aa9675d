"""Browser tests of reading a hit: context, article, similar paragraphs, copy, concordance, exports, markup."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from search.engine import SearchRequest
from search.export import CSV_COLUMNS, RESULT_COLUMNS, UTF8_BOM
from tests.search_fixtures import squeeze

# A plugin, not imported names: its session fixtures then exist once, shared by both browser modules.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = pytest.mark.browser

KWIC_ROWS_JS = """() => [...document.querySelectorAll("table#kwic tbody tr")].map(
  tr => [...tr.querySelectorAll("td.left, td.match, td.right")].map(td => td.textContent))"""
# Where each row's left text ends and its match begins, measured on the rendered text itself.
KWIC_EDGES_JS = """() => [...document.querySelectorAll("table#kwic tbody tr")].map(tr => {
  const edge = (td, side) => { const r = document.createRange(); r.selectNodeContents(td);
                               return r.getBoundingClientRect()[side]; };
  return [edge(tr.querySelector("td.left"), "right"), edge(tr.querySelector("td.match"), "left")];
})"""


def api(web, path: str) -> dict:
    """Return the JSON the app answers at ``path``, fetched by the browser's context."""
    response = web.page.request.get(path)
    assert response.ok, f"{path} answered {response.status}"
    return response.json()


def texts(web, selector: str) -> list[str]:
    """Return the text content of every element matching ``selector``."""
    return web.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


class TestContext:
    def test_opening_a_hits_context_shows_the_paragraphs_around_it(self, web_page):
        web_page.open("/?q=劳模")
        # The first hit with paragraphs on both sides, so both lists are really checked.
        for hit_id in web_page.hit_ids():
            expected = api(web_page, f"/api/paragraphs/{hit_id}")
            if expected["before"] and expected["after"]:
                break
        else:
            pytest.fail("no hit of 劳模 has paragraphs before and after it")
        details = web_page.page.locator(f'#hits article.hit[data-id="{hit_id}"] details.context')
        assert texts(web_page, f'#hits article.hit[data-id="{hit_id}"] .context-before') == []
        details.locator("summary").click()
        web_page.page.wait_for_selector(f'#hits article.hit[data-id="{hit_id}"] details.context[data-loaded="yes"]')
        body = f'#hits article.hit[data-id="{hit_id}"] .context-body'
        assert texts(web_page, f"{body} .context-before") == [p["text"] for p in expected["before"]]
        assert texts(web_page, f"{body} .context-current") == [expected["text"]]
        assert texts(web_page, f"{body} .context-after") == [p["text"] for p in expected["after"]]
        assert len(expected["before"]) == len(expected["after"]) == 2


class TestArticle:
    def test_opening_the_article_scrolls_to_the_marked_paragraph(self, web_page, search_index):
        result = search_index.search(SearchRequest(q="劳模"))
        literals = {squeeze(literal) for literal in result["literals"]}
        # The deepest paragraph of the page, so that reaching it needs a scroll.
        hit = max(result["hits"], key=lambda h: int(h["id"].rsplit("-", 1)[1]))
        web_page.open("/?q=劳模")
        web_page.page.click(f'#hits article.hit[data-id="{hit["id"]}"] a.open-article')
        web_page.page.wait_for_url(f"**/article/{hit['article_id']}?q=*#p-{hit['id']}")
        paragraph = web_page.page.locator(f"#p-{hit['id']}")
        paragraph.wait_for()
        assert web_page.page.evaluate("window.scrollY") > 0
        box = paragraph.bounding_box()
        assert box is not None and 0 <= box["y"] < web_page.page.viewport_size["height"]
        marks = texts(web_page, f"#p-{hit['id']} mark")
        assert marks and all(squeeze(m) in literals for m in marks), marks
        assert paragraph.inner_text().replace("\n", "").startswith(hit["text"][:20])
        assert web_page.page.inner_text("h1.article-title") == hit["title"]


class TestSimilar:
    def test_similar_paragraphs_come_from_other_articles_only(self, web_page, search_index):
        hit = search_index.search(SearchRequest(q="劳模"))["hits"][0]
        expected = api(web_page, f"/api/similar/{hit['id']}")
        assert expected["similar"], "the sample should have similar paragraphs for the top 劳模 hit"
        web_page.open("/?q=劳模")
        web_page.page.click(f'#hits article.hit[data-id="{hit["id"]}"] a.similar')
        web_page.page.wait_for_url(f"**/similar/{hit['id']}")
        assert web_page.page.get_attribute("#similar-source article.hit", "data-id") == hit["id"]
        shown = web_page.page.eval_on_selector_all("#similar-hits article.hit[data-id]", "els => els.map(e => e.dataset.id)")
        assert shown == [p["id"] for p in expected["similar"]]
        links = web_page.page.eval_on_selector_all(
            "#similar-hits article.hit a.hit-title", "els => els.map(e => new URL(e.href).pathname)")
        assert len(links) == len(shown)
        assert all(link.startswith("/article/") and link != f"/article/{hit['article_id']}" for link in links)


class TestCopy:
    def test_copy_puts_the_paragraph_and_its_citation_on_the_clipboard(self, web_page, search_index):
        web_page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web_page.base_url)
        hit = search_index.search(SearchRequest(q="职工书屋"))["hits"][0]
        web_page.open("/?q=职工书屋")
        card = f'#hits article.hit[data-id="{hit["id"]}"]'
        web_page.page.click(f"{card} button.copy")
        web_page.page.wait_for_function(
            "sel => document.querySelector(sel).textContent === '已复制（含引用）'", arg=f"{card} .copy-status")
        copied = web_page.page.evaluate("navigator.clipboard.readText()")
        text, _, cite = copied.rpartition("\n")
        assert text == hit["text"]
        assert cite.startswith(f"——摘自《{hit['title']}》，") and cite.endswith(f"，{hit['year']}")
        assert copied == web_page.page.get_attribute(f"{card} button.copy", "data-copy")


class TestConcordance:
    def test_concordance_rows_align_and_sort_by_either_side(self, web_page):
        right = api(web_page, "/api/kwic?q=职工书屋&synonyms=0")
        left = api(web_page, "/api/kwic?q=职工书屋&sort=left&synonyms=0")
        web_page.open("/?q=职工书屋&synonyms=0")
        web_page.page.click("#view-kwic")
        web_page.wait_for_params(lambda params: params.get("view") == ["kwic"])
        rows = web_page.page.evaluate(KWIC_ROWS_JS)
        assert len(rows) == right["total"] == 23
        assert rows == [[line["left"], line["match"], line["right"]] for line in right["lines"]]
        assert {match for _, match, _ in rows} == {"职工书屋"}
        edges = web_page.page.evaluate(KWIC_EDGES_JS)
        left_ends = [end for end, _ in edges]
        match_starts = [start for _, start in edges]
        assert max(left_ends) - min(left_ends) <= 1 and max(match_starts) - min(match_starts) <= 1
        assert web_page.page.locator("#kwic-year-chart svg").count() == 1
        assert web_page.page.locator("#kwic-province-chart svg .bar").count() == len(right["by_province"])

        web_page.page.click("#kwic-sort-left")
        web_page.wait_for_params(lambda params: params.get("kwic_sort") == ["left"])
        by_left = web_page.page.evaluate(KWIC_ROWS_JS)
        assert by_left == [[line["left"], line["match"], line["right"]] for line in left["lines"]]
        assert by_left != rows and sorted(by_left) == sorted(rows)
        assert web_page.page.get_attribute("#kwic-sort-left", "aria-current") == "true"


class TestExport:
    def test_csv_download_has_bom_header_and_every_hit(self, web_page, search_index):
        expected = search_index.search(SearchRequest(q="职工书屋", per_page=100))
        web_page.open("/?q=职工书屋")
        with web_page.page.expect_download() as info:
            web_page.page.click("#export-csv")
        data = Path(info.value.path()).read_bytes()
        assert info.value.suggested_filename.endswith(".csv")
        assert data.startswith(UTF8_BOM.encode("utf-8"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == [label for label, _ in CSV_COLUMNS + RESULT_COLUMNS]
        assert len(rows) - 1 == expected["total"] == 18  # 17 with 职工书屋, 1 with 职工 … 书屋
        assert [row[1] for row in rows[1:]] == [h["id"] for h in expected["hits"]]

    def test_markdown_download_keeps_the_filter_and_cites_every_hit(self, web_page, search_index):
        expected = search_index.search(SearchRequest(q="职工书屋", filters={"province": ["青海省"]}, per_page=100))
        web_page.open("/?q=职工书屋&province=青海省")
        with web_page.page.expect_download() as info:
            web_page.page.click("#export-md")
        markdown = Path(info.value.path()).read_text(encoding="utf-8")
        assert info.value.suggested_filename.endswith(".md")
        assert markdown.startswith("# 检索结果：职工书屋\n")
        assert "筛选：省份 青海省。" in markdown
        assert markdown.count("\n## ") == expected["total"] == 3
        for hit in expected["hits"]:
            assert f"——摘自《{hit['title']}》" in markdown


class TestMarkup:
    LITERAL = ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=2">', "标签</mark>照原样保留")

    def test_markup_in_a_document_is_shown_as_text_and_never_runs(self, markup_page):
        markup_page.open("/")
        markup_page.search("新进展|归档")
        assert markup_page.total() == 2
        snippets = "".join(texts(markup_page, "#hits .snippet"))
        assert all(literal in snippets for literal in self.LITERAL)
        assert markup_page.page.locator("#hits script, #hits img").count() == 0
        assert sorted(texts(markup_page, "#hits .snippet mark")) == ["归档", "新进展"]

        markup_page.page.locator("#hits details.context summary").first.click()
        markup_page.page.wait_for_selector('#hits details.context[data-loaded="yes"]')
        context = "".join(texts(markup_page, "#hits .context-body"))
        assert all(literal in context for literal in self.LITERAL)

        markup_page.page.locator("#hits a.open-article").first.click()
        markup_page.page.wait_for_url("**/article/**")
        article = markup_page.page.inner_text("#article")
        assert all(literal in article for literal in self.LITERAL)
        assert markup_page.page.locator("#article script, #article img").count() == 0
        assert texts(markup_page, "#article mark") == ["新进展", "归档"]
        assert markup_page.page.evaluate("typeof window.__pwned") == "undefined"

    def test_markup_typed_as_a_query_is_shown_as_text(self, markup_page):
        markup_page.open("/")
        markup_page.search(self.LITERAL[1])
        assert markup_page.page.input_value("#q") == self.LITERAL[1]
        assert markup_page.page.locator("main img, header img").count() == 0
        assert markup_page.page.evaluate("typeof window.__pwned") == "undefined"
