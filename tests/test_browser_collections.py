"""Browser tests of 素材夹 in Chromium: search → add → export .docx, notes as text, two tabs, polish of the page."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
import pytest

from search.engine import SearchRequest
from search.export import citation
from tests.search_fixtures import squeeze

# A plugin, not imported names: its session fixtures then exist once, shared by every browser module.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = pytest.mark.browser

Q = "职工书屋"
DEFAULT_FORMAT = "——摘自《{title}》，{organization}，{year}"
HOSTILE_NOTE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">留用'


@pytest.fixture(scope="module")
def collections_url(sample_index, search_index, tmp_path_factory) -> Iterator[str]:
    """Return the base URL of an app of its own (an empty data folder), served on 127.0.0.1."""
    from tests.browser_fixtures import serve
    from web import create_app

    app = create_app({"INDEX": str(sample_index), "DATA_DIR": str(tmp_path_factory.mktemp("browser-data"))},
                     search_index=search_index)
    with serve(app) as url:
        yield url


class Tab:
    """A browser tab that records console errors and uncaught exceptions."""

    def __init__(self, context, base_url: str) -> None:
        self.page = context.new_page()
        self.base_url = base_url
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, path


@pytest.fixture
def browser_context(chromium_browser, collections_url):
    context = chromium_browser.new_context(base_url=collections_url, locale="zh-CN",
                                           viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def tab(browser_context, collections_url) -> Iterator[Tab]:
    tab = Tab(browser_context, collections_url)
    yield tab
    assert tab.errors == [], tab.errors


def add_first_hit(tab: Tab, hit_id: str, collection: str, note: str = "") -> None:
    """Open a hit's 加入素材夹 form, name a collection (new or existing), add a note, submit; wait for the page."""
    card = tab.page.locator(f'#hits article.hit[data-id="{hit_id}"]')
    card.locator("details.clip > summary").click()
    card.locator("input[name=new_collection]").fill(collection)
    card.locator("textarea[name=note]").fill(note)
    with tab.page.expect_navigation():
        card.locator("button.clip-submit").click()


def test_search_add_to_a_collection_and_export_it_as_word(tab, search_index, tmp_path):
    hits = search_index.search(SearchRequest(q=Q))["hits"][:2]
    tab.open("/")
    tab.page.fill("#q", Q)
    tab.page.press("#q", "Enter")
    tab.page.wait_for_selector("#hits")
    add_first_hit(tab, hits[0]["id"], "经验材料素材", "开头可用")
    assert tab.page.inner_text("#flash") == "已加入素材夹“经验材料素材”。"
    assert tab.page.url.endswith(f"#hit-{hits[0]['id']}")
    # The second hit goes into the same collection, chosen from the list.
    card = tab.page.locator(f'#hits article.hit[data-id="{hits[1]["id"]}"]')
    card.locator("details.clip > summary").click()
    assert card.locator("select[name=collection_id] option").all_inner_texts() == ["经验材料素材（1 条）"]
    with tab.page.expect_navigation():
        card.locator("button.clip-submit").click()

    tab.page.click("#site-nav >> text=素材夹")
    tab.page.click("#collection-list >> text=经验材料素材")
    assert tab.page.locator("#clippings li.clipping .clip-text").all_inner_texts() == [h["text"] for h in hits]
    assert tab.page.locator("#clippings .clip-note-text").all_inner_texts() == ["备注：开头可用"]
    with tab.page.expect_download() as info:
        tab.page.click("#export-docx")
    assert info.value.suggested_filename.startswith("经验材料素材-") and info.value.suggested_filename.endswith(".docx")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    texts = [p.text for p in docx.Document(io.BytesIO(saved.read_bytes())).paragraphs]
    assert texts[0] == "经验材料素材"
    for hit in hits:
        at = texts.index(hit["text"])
        following = texts[at + 1:at + 3]
        assert citation(hit, DEFAULT_FORMAT) in following
    assert texts[texts.index(hits[0]["text"]) + 1] == "备注：开头可用"


def test_a_script_in_a_note_never_runs_and_reads_as_text(tab, search_index):
    hit = search_index.search(SearchRequest(q="劳模"))["hits"][0]
    tab.open("/?q=劳模")
    add_first_hit(tab, hit["id"], "<b>注入测试</b>", HOSTILE_NOTE)
    tab.page.goto(tab.base_url + "/collections")
    tab.page.click("#collection-list >> text=<b>注入测试</b>")
    assert tab.page.inner_text("#collection-name") == "<b>注入测试</b>"
    assert tab.page.inner_text(".clip-note-text") == "备注：" + HOSTILE_NOTE
    assert tab.page.evaluate("window.__pwned") is None
    assert tab.page.locator("#collection img, #collection b").count() == 0
    # Edited in place, the note stays text too.
    tab.page.click(".note-editor > summary")
    assert tab.page.input_value(".note-form textarea") == HOSTILE_NOTE
    with tab.page.expect_navigation():
        tab.page.click(".note-form button")
    assert tab.page.evaluate("window.__pwned") is None


def test_two_tabs_add_at_once(browser_context, collections_url, search_index):
    hits = search_index.search(SearchRequest(q="工匠"))["hits"][:2]
    first, second = Tab(browser_context, collections_url), Tab(browser_context, collections_url)
    for tab in (first, second):
        tab.open("/?q=工匠")
    # Both forms were loaded before either was sent.
    add_first_hit(first, hits[0]["id"], "两个标签页")
    add_first_hit(second, hits[1]["id"], "两个标签页")
    first.page.goto(collections_url + "/collections")
    first.page.click("#collection-list >> text=两个标签页")
    assert first.page.locator("#clippings li.clipping").evaluate_all("els => els.map(e => e.dataset.paragraph)") == \
        [h["id"] for h in hits]
    assert first.errors == second.errors == []


def test_a_concordance_line_can_be_clipped(tab, search_index):
    tab.open(f"/?q={Q}&view=kwic")
    link = tab.page.locator("table#kwic tbody tr").first.locator("a.clip-link")
    with tab.page.expect_navigation():
        link.click()
    paragraph_text = tab.page.inner_text("#clip .snippet")
    tab.page.fill("#clip input[name=new_collection]", "索引行摘录")
    with tab.page.expect_navigation():
        tab.page.click("#clip button.clip-submit")
    assert "view=kwic" in tab.page.url and tab.page.inner_text("#flash") == "已加入素材夹“索引行摘录”。"
    assert squeeze(Q) in squeeze(paragraph_text)


def test_the_context_pane_marks_every_match(tab, search_index):
    expected = search_index.search(SearchRequest(q=Q))
    hit = expected["hits"][0]
    tab.open(f"/?q={Q}")
    details = tab.page.locator(f'#hits article.hit[data-id="{hit["id"]}"] details.context')
    details.locator("summary").click()
    tab.page.wait_for_selector(f'#hits article.hit[data-id="{hit["id"]}"] details.context[data-loaded="yes"]')
    current = details.locator(".context-current")
    assert current.inner_text() == hit["text"]
    marks = current.locator("mark").all_inner_texts()
    literals = {squeeze(literal) for literal in expected["literals"]}
    assert marks and all(squeeze(m) in literals for m in marks)
    assert len(marks) == sum(hit["text"].count(literal) for literal in expected["literals"])


def test_a_pasted_query_cut_at_the_limit_is_announced(tab):
    tab.open("/")
    notice = tab.page.locator("#q-limit-notice")
    assert notice.is_hidden()
    tab.page.focus("#q")
    tab.page.evaluate("""() => { const data = new DataTransfer(); data.setData("text/plain", "职工".repeat(300));
        document.getElementById("q").dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true})); }""")
    assert notice.is_visible()
    assert notice.inner_text().startswith("粘贴的内容有 600 个字符，检索框最多 500 个，超出的部分已被截掉")
    tab.page.evaluate("""() => { const data = new DataTransfer(); data.setData("text/plain", "职工书屋");
        document.getElementById("q").dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true})); }""")
    assert notice.is_hidden()


def test_on_a_phone_the_filters_button_brings_the_filters_first(chromium_browser, collections_url):
    context = chromium_browser.new_context(base_url=collections_url, locale="zh-CN", viewport={"width": 390, "height": 800})
    try:
        tab = Tab(context, collections_url)
        tab.open(f"/?q={Q}")
        toggle = tab.page.locator("#filters-toggle")
        assert toggle.is_visible() and toggle.inner_text() == "筛选"
        top = lambda selector: tab.page.locator(selector).bounding_box()["y"]  # noqa: E731
        assert top("#facets") > top("#results")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert tab.page.evaluate("document.body.classList.contains('filters-open')")
        tab.page.evaluate("window.scrollTo(0, 0)")
        assert top("#facets") < top("#results")
        assert tab.errors == []
    finally:
        context.close()


def test_on_a_laptop_there_is_no_filters_button(tab):
    tab.open(f"/?q={Q}")
    assert tab.page.locator("#filters-toggle").is_hidden() and tab.page.locator("#facets").is_visible()
