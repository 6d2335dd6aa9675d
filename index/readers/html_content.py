"""Find the article in a web page: prune page furniture, then follow the text mass.

Why not trafilatura or readability-lxml: evaluated on Chinese union-site pages built for the
tests, trafilatura dropped an ``<h1>`` title sitting outside the content ``<div>``, dropped
the byline and figure caption, kept "上一篇/下一篇", flattened short pages into one paragraph
unless reconfigured, and pulls in tens of MB (dateparser, babel, regex…); readability-lxml lost
the same title, dropped short lists and tables, kept a ``<footer>``, and pins chardet<6,
below this project's chardet. Both still needed a Chinese boilerplate filter afterwards.
Pruning by tag/role/class and then descending along the heaviest non-link text is short,
keeps the page's own structure (headings, rows, captions) and does the job on such pages.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

# Tags that never hold article text.
_NOISE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "button",
    "select", "input", "textarea", "svg", "canvas", "nav", "aside", "menu", "dialog",
    "map", "audio", "video", "link", "meta", "head", "label",
)
_NOISE_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
}
# class/id words (split on non-letters) that mark page furniture; pinyin abbreviations
# (xgwz 相关文章, dqwz 当前位置, yqlj 友情链接, ewm 二维码…) are common on Chinese sites.
_NOISE_WORDS = frozenset(
    """nav navbar navigation menu menubar submenu breadcrumb breadcrumbs crumb crumbs bread
    dqwz mianbaoxie footer foot copyright banquan share sharebox bdshare
    bdsharebuttonbox social ad ads advert advertisement guanggao banner sidebar sidenav login
    search searchbox pagination pager prevnext sxp print tool toolbar tools comment comments pinglun
    related relate xgwz xgxw xgyd recommend tuijian hot hotnews rank paihang friendlink yqlj
    links qrcode ewm erweima wechat subscribe""".split()
)
# Words that mark furniture only when they are the whole class/id: "article-header" holds the
# title, and CSS utility classes such as "position-relative" sit on anything.
_FRAME_WORDS = frozenset(
    {"header", "head", "top", "topbar", "logo", "masthead", "position", "location", "weizhi"}
)
_TITLE_WORDS = frozenset({"title", "tit", "bt", "biaoti", "headline", "articletitle"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"\s+")

# An element is kept despite its class when it holds more than this share of the page text:
# a misnamed wrapper must not take the article with it.
_KEEP_SHARE = 0.5
# The article is the deepest element on the heaviest path that still holds this share.
_CONTENT_SHARE = 0.7
_TITLE_CLIMB = 3
_TITLE_MAX_CHARS = 100
_TITLE_GAP_CHARS = 300


def _text_len(node: Tag) -> int:
    return len(_SPACE.sub("", node.get_text()))


def _words(node: Tag) -> tuple[set[str], set[str]]:
    """Return (words of class/id values, whole class/id values), lowercased."""
    values = [v.lower() for v in node.get("class") or []]
    if node.get("id"):
        values.append(str(node["id"]).lower())
    words = {w for v in values for w in _WORD.findall(v)}
    return words, set(values)


def _in_article(node: Tag) -> bool:
    return node.find_parent(["article", "main"]) is not None


def _is_furniture(node: Tag) -> bool:
    if node.name in ("header", "footer"):
        return not _in_article(node)
    if (node.get("role") or "").lower() in _NOISE_ROLES:
        return True
    if node.has_attr("hidden") or _HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    words, values = _words(node)
    if words & _NOISE_WORDS or any(v.startswith(("bdshare", "breadcrumb")) for v in values):
        return True
    return bool(values & _FRAME_WORDS) and not _in_article(node)


def prune(body: Tag) -> None:
    """Remove scripts, navigation, headers, footers, share bars, ads and the like in place."""
    for node in body.find_all(_NOISE_TAGS):
        node.decompose()
    for form in body.find_all("form"):
        # ASP.NET pages wrap the whole page in one <form>: keep forms that hold prose.
        if not form.decomposed and form.find(["p", "h1", "h2", "h3", "article", "table"]) is None:
            form.decompose()
    total = _text_len(body) or 1
    for node in body.find_all(True):
        if node.decomposed or not _is_furniture(node):
            continue
        if _text_len(node) <= _KEEP_SHARE * total:
            node.decompose()


def _content_weights(body: Tag) -> dict[int, int]:
    """Return, per element id, the count of non-space characters outside links."""
    weights: dict[int, int] = {}
    for string in body.descendants:
        if not isinstance(string, NavigableString) or isinstance(string, PreformattedString):
            continue
        size = len(_SPACE.sub("", string))
        if not size or string.find_parent("a") is not None:
            continue
        for parent in string.parents:
            weights[id(parent)] = weights.get(id(parent), 0) + size
            if parent is body:
                break
    return weights


def _main_node(body: Tag) -> Tag:
    weights = _content_weights(body)
    floor = _CONTENT_SHARE * weights.get(id(body), 0)
    node = body
    while True:
        children = [c for c in node.children if isinstance(c, Tag)]
        heaviest = max(children, key=lambda c: weights.get(id(c), 0), default=None)
        if heaviest is None or weights.get(id(heaviest), 0) < floor:
            break
        node = heaviest
    # Stopping inside a table's skeleton would lose its row structure.
    while node.name in ("tbody", "thead", "tfoot", "tr") and node.parent is not None:
        node = node.parent
    return node


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _is_title(node: Tag, page_title: str) -> bool:
    text = _squash(node.get_text())
    if not text or len(text) > _TITLE_MAX_CHARS:
        return False
    if len(text) >= 4 and text in page_title:
        return True
    if node.name in ("h1", "h2"):
        return True
    words, _ = _words(node)
    return bool(words & _TITLE_WORDS)


def _find_title(node: Tag, page_title: str) -> Tag | None:
    if _is_title(node, page_title):
        return node
    for inner in node.find_all(True):
        if _is_title(inner, page_title):
            return inner
    return None


def _starts_with_title(main: Tag, page_title: str) -> bool:
    """Tell whether a title element comes before any real text inside ``main``."""
    title = _find_title(main, page_title)
    if title is None or title is main:
        return title is main
    before = 0
    for string in main.strings:
        if title in string.parents:
            return True
        before += len(_squash(string))
        if before > _TITLE_MAX_CHARS:
            return False
    return False


def article_nodes(body: Tag, page_title: str = "") -> tuple[list[Tag], Tag | None]:
    """Return the elements that make up the article in order, and its title element if found."""
    main = _main_node(body)
    page_title = _squash(page_title)
    if main is body:
        return [main], None
    if _starts_with_title(main, page_title):
        return [main], _find_title(main, page_title)
    carried: list[Tag] = []  # elements between the title and main, in document order
    gap = 0
    node = main
    for _ in range(_TITLE_CLIMB):
        if node is body or node.parent is None:
            break
        between: list[Tag] = []
        for sibling in node.find_previous_siblings(True):
            size = _text_len(sibling)
            title = _find_title(sibling, page_title)
            if title is not None and size - _text_len(title) <= _TITLE_GAP_CHARS:
                return [sibling, *reversed(between), *carried, main], title
            between.append(sibling)
            gap += size
            if gap > _TITLE_GAP_CHARS:
                return [main], None
        carried = [*reversed(between), *carried]
        node = node.parent
    return [main], None


def parse_html(text: str) -> BeautifulSoup:
    """Parse an already-decoded page with lxml."""
    return BeautifulSoup(text, "lxml")
