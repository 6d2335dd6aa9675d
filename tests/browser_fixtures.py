"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, the app on a real local server.

Load this module as a plugin from a test module (``pytest_plugins = ("tests.browser_fixtures",)``) and
do not import from it: as a plugin its session fixtures exist once, however many modules use them (names
imported into two modules would give two browsers and two servers). They build on conftest's ``app``.
Without /usr/bin/chromium the tests skip, except under CI, where they fail: CI must run them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
TIMEOUT_MS = 10_000  # a local page that takes longer than this is a failure, not a slow machine

# A document made of markup: the pages must show it as text and never run it.
MARKUP_DOCUMENT = (
    "河北省总工会2022年职工书屋建设工作总结\n\n"
    "职工书屋建设取得新进展<script>window.__pwned=1</script>，全市建成示范点12个。\n\n"
    '活动现场图片<img src=x onerror="window.__pwned=2">已归档，标签</mark>照原样保留。\n\n'
    "下一步，我们将继续推进职工书屋建设，让更多职工受益。\n"
)


def in_ci() -> bool:
    """Return whether the tests run under CI, where a missing browser is an error."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip the browser tests with ``reason``, or fail them under CI."""
    if in_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` with waitress on 127.0.0.1 on a free port in a daemon thread; yield its base URL."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def query_of(url: str) -> dict[str, list[str]]:
    """Return the query parameters of ``url``."""
    return parse_qs(urlsplit(url).query)


@dataclass
class WebPage:
    """A browser tab in its own context, with every console error and uncaught exception it saw."""

    page: object  # playwright.sync_api.Page
    context: object  # playwright.sync_api.BrowserContext
    base_url: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        """Load ``path`` of the app and wait until it has loaded."""
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"

    def search(self, q: str) -> None:
        """Type ``q`` in the search box, press Enter and wait for the results page."""
        self.page.fill("#q", q)
        self.page.press("#q", "Enter")
        self.wait_for_params(lambda params: params.get("q") == [q])

    def params(self) -> dict[str, list[str]]:
        """Return the query parameters of the page's URL."""
        return query_of(self.page.url)

    def wait_for_params(self, check: Callable[[dict[str, list[str]]], bool]) -> None:
        """Wait until the page's URL has query parameters that pass ``check``, and its load."""
        self.page.wait_for_url(lambda url: check(query_of(url)))

    def total(self) -> int:
        """Return the total the result summary shows."""
        return int(self.page.inner_text("#result-summary .total"))

    def hit_ids(self) -> list[str]:
        """Return the paragraph ids of the hits shown, in order."""
        return self.page.eval_on_selector_all("#hits article.hit[data-id]", "els => els.map(e => e.dataset.id)")


def _new_web_page(browser, base_url: str) -> WebPage:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    web = WebPage(page, context, base_url)
    page.on("console", lambda msg: web.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: web.errors.append(f"uncaught: {exc}"))
    return web


@pytest.fixture(scope="session")
def chromium_browser():
    """Return Debian's Chromium, launched headless once for the session."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        # Playwright starts it with a fresh temporary profile, removed when it closes.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def live_url(app) -> Iterator[str]:
    """Return the base URL of the sample app served for the session."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def markup_app(tmp_path_factory: pytest.TempPathFactory):
    """Return an app on an index of one document full of HTML markup (MARKUP_DOCUMENT)."""
    from index.writer import update_index
    from web import create_app

    root = tmp_path_factory.mktemp("browser-markup")
    (root / "docs").mkdir()
    (root / "docs" / "markup.txt").write_text(MARKUP_DOCUMENT, encoding="utf-8")
    update_index(root / "index", [root / "docs"])
    return create_app({"INDEX": str(root / "index"), "TESTING": True})


@pytest.fixture(scope="session")
def markup_url(markup_app) -> Iterator[str]:
    """Return the base URL of the markup app served for the session."""
    with serve(markup_app) as url:
        yield url


def _page_fixture(browser, base_url: str) -> Iterator[WebPage]:
    web = _new_web_page(browser, base_url)
    try:
        yield web
    finally:
        web.context.close()
    # Checked for every test: a CSP violation or a script error is a console error.
    assert web.errors == [], f"console errors: {web.errors}"


@pytest.fixture
def web_page(chromium_browser, live_url: str) -> Iterator[WebPage]:
    """Return a fresh tab on the sample app; the test fails on any console error or uncaught exception."""
    yield from _page_fixture(chromium_browser, live_url)


@pytest.fixture
def markup_page(chromium_browser, markup_url: str) -> Iterator[WebPage]:
    """Return a fresh tab on the markup app; the test fails on any console error or uncaught exception."""
    yield from _page_fixture(chromium_browser, markup_url)
