"""Read markdown: front matter into metadata, headings as heading blocks, body line by line."""

from __future__ import annotations

import datetime as dt
import re

import frontmatter
import yaml
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.model import Block
from index.readers.encoding import decode_bytes, split_lines

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_BR = re.compile(r"<br\s*/?>$", re.I)
_INDENT = re.compile(r"^[ \t>]*(\u3000+)")
_LEAVES = ("paragraph_open", "heading_open", "fence", "code_block", "html_block", "hr", "table_open")


def _plain(value: object) -> object:
    """Make YAML values JSON-friendly: dates become ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def split_front_matter(text: str) -> tuple[dict, str]:
    """Return (front-matter mapping, body); bad or non-mapping front matter gives an empty mapping."""
    handler = frontmatter.detect_format(text, frontmatter.handlers)
    if handler is None:
        return {}, text
    try:
        head, body = handler.split(text)
    except ValueError:
        return {}, text
    try:
        meta = handler.load(head)
    except (yaml.YAMLError, ValueError, TypeError):
        # Front matter is a convenience: a typo in it must not cost the document itself.
        meta = None
    if not isinstance(meta, dict):
        return {}, body
    return {str(k): _plain(v) for k, v in meta.items()}, body


def _inline_lines(token: Token) -> list[str]:
    """Render an inline token as plain text lines: markup removed, images dropped."""
    lines = [""]
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak") or (
            child.type == "html_inline" and _BR.match(child.content)
        ):
            lines.append("")
        elif child.type in ("text", "code_inline"):
            # Only these carry words: an image keeps its alt text inside its own children.
            lines[-1] += child.content
    return lines


def _table_rows(tokens: list[Token], start: int) -> tuple[list[Block], int]:
    """Return one block per table row (cells joined by an ideographic space) and the end index."""
    rows: list[Block] = []
    cells: list[str] = []
    i = start
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            cells = []
        elif tok.type == "inline":
            cells.append("".join(_inline_lines(tok)).strip())
        elif tok.type == "tr_close" and any(cells):
            rows.append(Block("　".join(c for c in cells if c)))
        i += 1
    return rows, i


def _html_lines(content: str) -> list[str]:
    """Return the visible text lines of a raw HTML block."""
    text = BeautifulSoup(content, "lxml").get_text()
    return [line.strip() for line in split_lines(text) if line.strip()]


def _restore_indent(lines: list[str], token: Token, source: list[str]) -> list[str]:
    """Put back full-width indentation that markdown strips: it marks paragraph starts."""
    if token.map is None:
        return lines
    start = token.map[0]
    restored = []
    for offset, line in enumerate(lines):
        raw = source[start + offset] if start + offset < len(source) else ""
        match = _INDENT.match(raw)
        restored.append(match.group(1) + line if match and not line.startswith("\u3000") else line)
    return restored


def _body_blocks(body: str) -> list[Block]:
    tokens = _MD.parse(body)
    source = split_lines(body)
    blocks: list[Block] = []
    item_prefix = ""  # "3." for the first paragraph of an ordered list item
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in _LEAVES and blocks and blocks[-1].text != "":
            # One blank between markdown blocks: it tells the cleaning step where paragraphs end.
            blocks.append(Block("", wrapped=True))
        if tok.type == "list_item_open":
            item_prefix = f"{tok.info}{tok.markup} " if tok.info else ""
        elif tok.type == "heading_open":
            lines = _inline_lines(tokens[i + 1])
            if len(lines) == 1:
                if lines[0].strip():
                    blocks.append(Block(lines[0].strip(), heading_level=int(tok.tag[1])))
            else:  # a multi-line setext "heading" is a paragraph underlined by accident
                blocks.extend(Block(line, wrapped=True) for line in lines)
            i += 2
        elif tok.type == "paragraph_open":
            lines = _restore_indent(_inline_lines(tokens[i + 1]), tok, source)
            lines[0] = item_prefix + lines[0]
            item_prefix = ""
            blocks.extend(Block(line, wrapped=True) for line in lines)
            i += 2
        elif tok.type in ("fence", "code_block"):
            blocks.extend(Block(line, wrapped=True) for line in split_lines(tok.content))
        elif tok.type == "html_block":
            blocks.extend(Block(line, wrapped=True) for line in _html_lines(tok.content))
        elif tok.type == "table_open":
            rows, i = _table_rows(tokens, i)
            blocks.extend(rows)
        i += 1
    while blocks and blocks[-1].text == "":
        blocks.pop()
    return blocks


def read_markdown(data: bytes) -> tuple[list[Block], dict]:
    """Return heading and line blocks of a markdown file, with its front matter as metadata."""
    meta, body = split_front_matter(decode_bytes(data))
    return _body_blocks(body), meta
