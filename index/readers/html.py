"""Read web pages: decode, find the article, and give its headings, paragraphs and rows."""

from __future__ import annotations

import re
import warnings

from bs4 import MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import PreformattedString

from index.model import Block
from index.readers.encoding import decode_bytes, split_lines
from index.readers.html_content import article_nodes, parse_html, prune

_DECLARED = (
    re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I),
    re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I),
)
_SNIFF = 4096

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCK_TAGS = frozenset(
    """p div section article main header footer li ul ol dl dt dd blockquote figure figcaption
    center address hr form fieldset caption details summary tr thead tbody tfoot td th""".split()
)
_CELL_BLOCKS = ["p", "div", "table", "ul", "ol", "li", *_HEADINGS]

# Government-site <meta> names (政府网站发展指引) worth keeping for the metadata step.
_META_NAMES = {
    "articletitle": "html_article_title",
    "pubdate": "html_pubdate",
    "contentsource": "html_source",
    "author": "html_author",
}

# Line breaks in the page source between two Chinese characters are layout, not spaces.
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_BROKEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\xa0]*[\r\n][\s\xa0]*(?=[{_CJK}])")
_RUN = re.compile(r"[ \t\r\n\f\v\xa0]+")
_EDGES = " \t\r\n\f\v\xa0\u3000"

# Page furniture that survives as a short line inside the article area.
_SHORT_LINE = 120
_JUNK_LINE = re.compile(
    r"ICP备|ICP证|公网安备|版权所有|版权归|Copyright|©|All Rights Reserved|网站标识码|"
    r"上一篇|下一篇|上一条|下一条|分享到|当前位置|您的位置|您现在的位置|扫一扫|扫描二维码|"
    r"技术支持[:：]|^首页\s*[>＞»›/]|^(广告|推广)[:：\s]",
    re.I,
)
_SENTENCE_END = re.compile(r"[。！？]")
_WIDGETS = re.compile(
    r"[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*"
    r"[【\[]?\s*小\s*[】\]]?\s*[】\]]?"
    r"|[【\[]\s*(打印(本页|此页)?|关闭(窗口|本页)?|收藏|返回顶部|加入收藏)\s*[】\]]"
    r"|打印本页|关闭窗口"
    r"|(浏览|阅读|点击|访问)(次数|量|数)\s*[:：]\s*\d*\s*次?"
    r"|(浏览|阅读|点击|访问)\s*[:：]\s*\d+\s*次?"
)


def declared_charset(data: bytes) -> str | None:
    """Return the charset a page declares in its first bytes (meta tag or XML declaration)."""
    head = data[:_SNIFF]
    for pattern in _DECLARED:
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii")
    return None


def clean_inline(text: str) -> str:
    """Collapse source whitespace without putting spaces between Chinese characters."""
    text = _BROKEN_CJK.sub("", text)
    return _RUN.sub(" ", text).strip(_EDGES)


def _inline_text(node: Tag) -> str:
    parts: list[str] = []
    for item in node.descendants:
        if isinstance(item, Tag) and item.name == "br":
            parts.append("\n")
        elif isinstance(item, NavigableString) and not isinstance(item, PreformattedString):
            parts.append(str(item))
    return "".join(parts)


class _Walker:
    """Turn elements into blocks; block-level tags and <br> end a paragraph."""

    def __init__(self, title: Tag | None = None) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.title = title  # the article title when the page marks it by class, not <h1>

    def flush(self) -> None:
        text = clean_inline("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(Block(text))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            self.visit(child)

    def visit(self, child: object) -> None:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):
                self.buffer.append(str(child))
            return
        if not isinstance(child, Tag) or child.name == "img":
            return
        name = child.name
        if name == "br":
            self.flush()
        elif name in _HEADINGS or child is self.title:
            self.flush()
            text = clean_inline(_inline_text(child).replace("\n", " "))
            if text:
                level = int(name[1]) if name in _HEADINGS else 1
                self.blocks.append(Block(text, heading_level=level))
        elif name == "table":
            self.flush()
            self.table(child)
        elif name == "pre":
            self.flush()
            lines = (line.strip(_EDGES) for line in split_lines(child.get_text()))
            self.blocks.extend(Block(line, wrapped=True) for line in lines if line)
        elif name in _BLOCK_TAGS:
            self.flush()
            self.walk(child)
            self.flush()
        else:
            self.walk(child)

    def table(self, table: Tag) -> None:
        for caption in table.find_all("caption"):
            if caption.find_parent("table") is table:
                self.walk(caption)
                self.flush()
        for row in table.find_all("tr"):
            if row.find_parent("table") is not table:
                continue
            cells = row.find_all(["td", "th"], recursive=False)
            if len(cells) == 1 or any(cell.find(_CELL_BLOCKS) for cell in cells):
                # A layout table: its cells hold paragraphs, not values.
                for cell in cells:
                    self.visit(cell)
                    self.flush()
                continue
            texts = [clean_inline(_inline_text(c).replace("\n", "　")) for c in cells]
            if any(texts):
                self.blocks.append(Block("　".join(t for t in texts if t)))


def _drop_furniture(blocks: list[Block]) -> list[Block]:
    kept: list[Block] = []
    for block in blocks:
        text = block.text
        if len(text) <= _SHORT_LINE:
            # Furniture lines are labels, never sentences: a full stop marks prose to keep.
            if _JUNK_LINE.search(text) and not _SENTENCE_END.search(text):
                continue
            text = _WIDGETS.sub("", text).strip(_EDGES)
            if not text:
                continue
        kept.append(Block(text, block.heading_level, block.wrapped))
    return kept


def _metadata(soup) -> dict:
    meta: dict = {}
    if soup.title is not None:
        title = clean_inline(soup.title.get_text())
        if title:
            meta["html_title"] = title
    for tag in soup.find_all("meta", attrs={"name": True, "content": True}):
        key = _META_NAMES.get(str(tag["name"]).strip().lower())
        value = clean_inline(str(tag["content"]))
        if key and value and key not in meta:
            meta[key] = value
    return meta


def read_html(data: bytes) -> tuple[list[Block], dict]:
    """Return the article's heading, paragraph and row blocks, and the page title as metadata."""
    text = decode_bytes(data, hint=declared_charset(data))
    with warnings.catch_warnings():
        # Parsing decoded text: a short page is not a file name, and XHTML is fine as HTML.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = parse_html(text)
    meta = _metadata(soup)
    body = soup.body or soup
    prune(body)
    title_hint = meta.get("html_article_title") or meta.get("html_title", "")
    nodes, title = article_nodes(body, title_hint)
    walker = _Walker(title)
    for node in nodes:
        walker.visit(node)
        walker.flush()
    return _drop_furniture(walker.blocks), meta
