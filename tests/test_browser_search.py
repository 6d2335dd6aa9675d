"""Browser tests of the search page: searching, the "/" key, facets, paging, sorting, layout, console."""

from __future__ import annotations

import pytest

from search.engine import SearchRequest
from tests.search_fixtures import squeeze

# A plugin, not imported names: its session fixtures then exist once, shared by both browser modules.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = pytest.mark.browser

FACET_COUNTS_JS = """(name) => Object.fromEntries(
  [...document.querySelectorAll(`#facet-${name} input.facet-input[name="${name}"]`)].map(
    input => [input.value, Number(document.querySelector(`label[for="${input.id}"] .facet-count`).textContent)]))"""


def facet_counts(web, name: str) -> dict[str, int]:
    """Return the counts the sidebar shows for one facet's values."""
    return web.page.evaluate(FACET_COUNTS_JS, name)


def library_counts(result: dict, name: str) -> dict[str, int]:
    """Return one facet's counts from a library result, keyed the way the page writes values."""
    return {str(c["value"]): c["count"] for c in result["facets"][name]}


def years_shown(web) -> list[int]:
    """Return the year of every hit shown, in order."""
    return [int(y) for y in web.page.eval_on_selector_all("#hits .hit-meta .year", "els => els.map(e => e.textContent)")]


class TestSearch:
    def test_enter_shows_the_library_total_and_marks_only_matched_literals(self, web_page, search_index):
        expected = search_index.search(SearchRequest(q="职工书屋"))
        web_page.open("/")
        web_page.search("职工书屋")
        # 17 paragraphs hold 职工书屋; one more holds 职工 … 书屋 (a split term, ranked below them).
        assert web_page.total() == expected["total"] == 18 and expected["total_all_terms"] == 17
        assert web_page.hit_ids() == [h["id"] for h in expected["hits"]]
        assert web_page.page.input_value("#q") == "职工书屋"
        marks = web_page.page.eval_on_selector_all(".snippet mark", "els => els.map(e => e.textContent)")
        literals = {squeeze(literal) for literal in expected["literals"]}
        assert literals == {"职工书屋", "职工书吧", "职工阅览室", "职工图书室"}
        assert marks and all(squeeze(m) in literals for m in marks), marks
        # Every hit shows where it matched.
        assert web_page.page.locator("#hits article.hit:not(:has(.snippet mark))").count() == 0
        assert web_page.page.locator("#year-chart svg").count() == 1

    def test_slash_focuses_the_search_box_but_types_inside_it(self, web_page):
        web_page.open("/")
        assert web_page.page.evaluate("document.activeElement.id") != "q"
        web_page.page.keyboard.press("/")
        assert web_page.page.evaluate("document.activeElement.id") == "q"
        assert web_page.page.input_value("#q") == ""  # the "/" itself is not typed
        web_page.page.keyboard.type("劳模/工匠")
        assert web_page.page.input_value("#q") == "劳模/工匠"


class TestFacets:
    def test_ticking_a_province_filters_and_the_chip_removes_it(self, web_page, search_index):
        before = search_index.search(SearchRequest(q="劳模"))
        after = search_index.search(SearchRequest(q="劳模", filters={"province": ["河南省"]}))
        assert (before["total"], after["total"]) == (133, 14)
        web_page.open("/")
        web_page.search("劳模")
        assert web_page.total() == 133
        assert facet_counts(web_page, "year") == library_counts(before, "year") == {"2023": 125, "2021": 8}
        assert web_page.page.locator("#active-filters").count() == 0

        web_page.page.check('#facet-province input.facet-input[value="河南省"]')
        web_page.wait_for_params(lambda params: params.get("province") == ["河南省"])
        assert web_page.total() == 14
        assert web_page.page.is_checked('#facet-province input.facet-input[value="河南省"]')
        chips = web_page.page.locator("#active-filters a.chip:not(.clear)")
        assert chips.all_inner_texts() == ["省份：河南省 ×"]
        # The other facets now count within Henan only.
        assert facet_counts(web_page, "year") == library_counts(after, "year")
        assert facet_counts(web_page, "theme") == library_counts(after, "theme")
        assert facet_counts(web_page, "year") != library_counts(before, "year")
        assert web_page.hit_ids() == [h["id"] for h in after["hits"]]

        chips.first.click()
        web_page.wait_for_params(lambda params: "province" not in params)
        assert web_page.params()["q"] == ["劳模"]
        assert web_page.total() == 133
        assert web_page.page.locator("#active-filters").count() == 0
        assert not web_page.page.is_checked('#facet-province input.facet-input[value="河南省"]')
        assert facet_counts(web_page, "year") == {"2023": 125, "2021": 8}


class TestPagination:
    def test_next_page_and_browser_back_and_forward(self, web_page, search_index):
        first = [h["id"] for h in search_index.search(SearchRequest(q="劳模"))["hits"]]
        second = [h["id"] for h in search_index.search(SearchRequest(q="劳模", page=2))["hits"]]
        assert len(first) == len(second) == 10 and not set(first) & set(second)
        web_page.open("/")
        web_page.search("劳模")
        assert web_page.hit_ids() == first
        assert web_page.page.locator("#pagination a[rel=prev]").count() == 0

        web_page.page.click("#pagination a[rel=next]")
        web_page.wait_for_params(lambda params: params.get("page") == ["2"])
        assert web_page.params()["q"] == ["劳模"]
        assert web_page.hit_ids() == second
        assert web_page.page.inner_text("#pagination a[aria-current=page]") == "2"
        assert web_page.page.get_attribute("#hits", "start") == "11"

        web_page.page.go_back()
        web_page.wait_for_params(lambda params: "page" not in params)
        assert web_page.hit_ids() == first
        web_page.page.go_forward()
        web_page.wait_for_params(lambda params: params.get("page") == ["2"])
        assert web_page.hit_ids() == second


class TestSort:
    def test_newest_puts_years_in_non_increasing_order(self, web_page, search_index):
        newest = search_index.search(SearchRequest(q="农民工", sort="newest", per_page=50))
        web_page.open("/?q=农民工&per_page=50")
        relevance_years = years_shown(web_page)
        assert len(relevance_years) == 45
        assert relevance_years != sorted(relevance_years, reverse=True)  # so that sorting has work to do

        web_page.page.click("#sort a[data-sort=newest]")
        web_page.wait_for_params(lambda params: params.get("sort") == ["newest"])
        years = years_shown(web_page)
        assert years == sorted(years, reverse=True)
        assert sorted(years) == sorted(relevance_years) and {2021, 2023} <= set(years)
        assert web_page.hit_ids() == [h["id"] for h in newest["hits"]]
        assert web_page.params()["per_page"] == ["50"]
        assert web_page.page.get_attribute("#sort a[data-sort=newest]", "aria-current") == "true"
        assert web_page.page.inner_text("#sort a[data-sort=newest]") == "最新"


class TestLayout:
    @pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
    def test_long_chinese_hits_fit_the_viewport(self, web_page, tmp_path, width, height):
        web_page.page.set_viewport_size({"width": width, "height": height})
        web_page.open("/?q=劳模")
        assert web_page.page.locator("#hits article.hit").count() == 10
        page_width = web_page.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page_width[0] <= page_width[1] == width
        rights = web_page.page.eval_on_selector_all(".hit", "els => els.map(e => e.getBoundingClientRect().right)")
        assert len(rights) == 10 and max(rights) <= width
        # Checked by eye once: the Chinese reads well at both sizes (see the report).
        web_page.page.locator("#result-summary").scroll_into_view_if_needed()
        web_page.page.screenshot(path=str(tmp_path / f"search-{width}x{height}.png"))


class TestConsole:
    @pytest.mark.parametrize("path", ["/", "/?q=职工书屋", "/?q=职工书屋&view=kwic", "/?q=劳模&province=河南省"])
    def test_main_pages_run_their_script_and_style_without_errors(self, web_page, path):
        web_page.open(path)
        # app.js ran (it marks the page) and style.css applied (it hides the no-script button): CSP lets both in.
        assert web_page.page.evaluate("document.documentElement.classList.contains('js')")
        assert web_page.page.locator(".apply-filters").is_hidden()
        assert web_page.errors == []
