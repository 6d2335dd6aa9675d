"""From one read document to its articles: clean the lines, split a compilation, shape each part."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .contents import Contents, find_contents, locate_articles
from .datelines import HEAD_LINES, dateline_date
from .junk import JunkRules, clean_line, is_end_marker, load_junk_rules, recurring_lines
from .lines import NUMBERED_HEADINGS, compact, ends_sentence, toc_entry
from .model import Block, RawDocument
from .normalize import display_clean, undo_fake_bold
from .paragraphs import rejoin
from .structure import ArticleShape, shape_article

HEADING_LIKE = re.compile("|".join(p.pattern for p in NUMBERED_HEADINGS) + r"|^#")
HEADLINE_MAX_CHARS = 50
NAME_MAX_CHARS = 5  # a reporter's or poster's name between headline and dateline ("吳鐸思")
BANNER_MAX_CHARS = 80


@dataclass
class ArticlePart:
    """One article's shape plus what the file around it says."""

    shape: ArticleShape
    ordinal: int
    collection_title: str | None = None
    group: str | None = None


def _repair(text: str) -> str:
    """Map radicals back and undo fake bold, keeping the indentation that marks paragraph starts."""
    body = text.lstrip()
    return text[: len(text) - len(body)] + undo_fake_bold(display_clean(body))


def clean_blocks(blocks: list[Block], rules: JunkRules) -> list[Block]:
    """Repair characters, undo fake bold and drop junk lines, keeping blank lines."""
    repaired = [Block(_repair(b.text), b.heading_level, b.wrapped) for b in blocks]
    boilerplate = recurring_lines([b.text for b in repaired if b.text.strip()], rules, HEADING_LIKE)
    cleaned: list[Block] = []
    dateline_at: int | None = None
    seen = 0
    for n, block in enumerate(repaired):
        if n >= len(repaired) // 2 and is_end_marker(block.text, rules):
            break
        if block.text.strip() in boilerplate:
            continue
        text = clean_line(block.text, rules)
        if block.text.strip():
            seen += 1
        if text is None:
            if dateline_at is None and seen <= HEAD_LINES and dateline_date(block.text):
                dateline_at = len(cleaned)
            continue
        cleaned.append(Block(text, block.heading_level, block.wrapped))
    return _drop_banners(cleaned, dateline_at)


def _drop_banners(blocks: list[Block], dateline_at: int | None) -> list[Block]:
    """Drop site banners above the headline of a web copy.

    A page copied from a web site shows its headline right above its dateline ("发布时间：…");
    lines above that headline which end no sentence are the site's name, slogan or menu.
    """
    if not dateline_at:
        return blocks
    above = [i for i in range(dateline_at) if blocks[i].text.strip()]
    names = [i for i in above if len(blocks[i].text.strip()) <= NAME_MAX_CHARS]
    headline = next((i for i in reversed(above) if i not in names), None)
    if headline is None or len(blocks[headline].text.strip()) > HEADLINE_MAX_CHARS:
        return blocks
    banners = [i for i in above if i < headline]
    if any(ends_sentence(blocks[i].text) or len(blocks[i].text.strip()) > BANNER_MAX_CHARS for i in banners):
        return blocks
    return [b for i, b in enumerate(blocks) if i not in set(banners)]


def _drop_stray_contents(blocks: list[Block]) -> list[Block]:
    """Drop contents lines ("标题……12") that stand outside a detected table of contents."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        neighbours = [b for b in blocks[max(0, i - 2): i + 3] if b is not block and b.text.strip()]
        if toc_entry(block.text) and any(toc_entry(b.text) for b in neighbours):
            continue
        out.append(block)
    return out


def split_document(doc: RawDocument, rules: JunkRules | None = None) -> list[ArticlePart]:
    """Return the articles of a document: one, or one per contents entry of a compilation."""
    blocks = clean_blocks(doc.blocks, rules or load_junk_rules())
    lines = [b.text for b in blocks]
    contents = find_contents(lines)
    if contents is None:
        return [ArticlePart(shape_article(rejoin(_drop_stray_contents(blocks))), 0)]
    return _split_compilation(blocks, contents)


def _split_compilation(blocks: list[Block], contents: Contents) -> list[ArticlePart]:
    lines = [b.text for b in blocks]
    located = locate_articles(lines, contents)
    before = blocks[: contents.start]
    if len(located) < 2:
        # A contents page that does not list separate articles: drop it, keep one article.
        rest = before + blocks[contents.end:]
        return [ArticlePart(shape_article(rejoin(rest)), 0, contents.collection_title)]
    parts: list[ArticlePart] = []
    preamble = [b for b in blocks[contents.end: located[0][1]] if b.text.strip()]
    title_key = compact(contents.collection_title or "")
    if [b for b in preamble if compact(b.text) != title_key]:
        # Text between the contents and the first article (a foreword) is kept as its own part.
        parts.append(ArticlePart(shape_article(rejoin(preamble), contents.collection_title), 0,
                                 contents.collection_title))
    bounds = [i for _, i in located] + [len(blocks)]
    for n, (entry, start) in enumerate(located):
        segment = blocks[start: bounds[n + 1]]
        title = segment[0].text.strip()
        segment[0] = Block(title, heading_level=1)
        shape = shape_article(rejoin(segment), title)
        parts.append(ArticlePart(shape, len(parts), contents.collection_title, entry.group))
    return parts


def article_id(content_hash: str, ordinal: int) -> str:
    """Return a stable article id: the same file content always gives the same ids."""
    return hashlib.sha1(f"{content_hash}:{ordinal}".encode()).hexdigest()[:16]


def paragraph_id(article: str, position: int) -> str:
    """Return a stable paragraph id within an article."""
    return f"{article}-{position:04d}"
