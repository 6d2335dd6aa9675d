"""Browser tests of the concordance layout: it fits its box at every width, the source under the line when narrow."""

from __future__ import annotations

import pytest

pytest_plugins = ("tests.browser_fixtures",)
pytestmark = pytest.mark.browser

NARROW_BOX = 48 * 16  # px: the concordance's box below which the source goes under the line
FIT_JS = """() => { const table = document.querySelector("table#kwic"), box = document.querySelector("#kwic-view");
  return [table.getBoundingClientRect().width, box.clientWidth, document.documentElement.scrollWidth, window.innerWidth]; }"""
PLACES_JS = """() => [...document.querySelectorAll("table#kwic tbody tr")].slice(0, 20).map(tr => {
  const rect = s => tr.querySelector(s).getBoundingClientRect();
  const row = tr.getBoundingClientRect();
  return [rect("td.match").bottom, rect("td.source").top, rect("td.source").right, rect("td.right").right,
          (rect("td.left").width + rect("td.right").width) / row.width, rect("td.source").width / row.width]; })"""


@pytest.mark.parametrize("width", [1600, 1280, 1024, 800, 390])
def test_the_concordance_fits_the_window(web_page, width):
    web_page.page.set_viewport_size({"width": width, "height": 800})
    web_page.open("/?q=工会&view=kwic&context=40")
    table, box, page, window = web_page.page.evaluate(FIT_JS)
    assert table <= box + 1 and page <= window
    assert web_page.page.locator("table#kwic tbody tr").count() == 500
    places = web_page.page.evaluate(PLACES_JS)
    if box < NARROW_BOX:
        assert all(source_top >= match_bottom - 1 for match_bottom, source_top, *_ in places)  # under the line
        assert all(sides > 0.6 and source > 0.95 for *_, sides, source in places)  # the contexts fill the row
    else:
        assert all(source_right > right_end for _, _, source_right, right_end, _, _ in places)  # beside it
        assert all(sides > 0.6 for *_, sides, _ in places)


def test_a_line_is_copied_with_its_citation(web_page):
    web_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    web_page.open("/?q=小三级&view=kwic&synonyms=0")
    button = web_page.page.locator("table#kwic tbody tr").first.locator("button.copy")
    expected = button.get_attribute("data-copy")
    button.click()
    web_page.page.wait_for_function("() => document.querySelector('table#kwic .copy-status').textContent !== ''")
    assert web_page.page.evaluate("() => navigator.clipboard.readText()") == expected
    assert "\n——摘自《" in expected
