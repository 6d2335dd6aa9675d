"""Give an article's paragraph pieces their kinds and sections, and find its title and byline."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lines import (
    BYLINE_TAIL,
    MARKDOWN_HEADING,
    ends_sentence,
    is_byline,
    is_caption_cue,
    is_subtitle,
    looks_like_heading,
    numbered_heading_depth,
)
from .paragraphs import Piece, split_run_on

SECTION_SEPARATOR = " > "
CAPTION_MAX_CHARS = 80
CAPTION_SHORT = 60
TITLE_MAX_CHARS = 50
BYLINE_SCAN = 6  # bylines stand among the first few lines of an article
HEADLINE_RANK = 9  # unnumbered headlines rank above numbered ones (一、 is 11)


@dataclass
class Shaped:
    """A paragraph with its kind and section, before ids and themes are given."""

    kind: str
    section: str
    text: str


@dataclass
class ArticleShape:
    """The structure of one article: title, byline and paragraphs."""

    title: str | None
    byline: str | None
    paragraphs: list[Shaped] = field(default_factory=list)


def _strip_markdown(piece: Piece) -> Piece:
    match = MARKDOWN_HEADING.match(piece.text)
    if match and not piece.heading_level:
        piece.heading_level = len(match.group(1))
        piece.text = match.group(2)
    return piece


def _take_bylines(pieces: list[Piece]) -> tuple[list[Piece], str | None]:
    """Remove byline lines near the top and a "（文/…）" tail at the end."""
    bylines: list[str] = []
    kept: list[Piece] = []
    for i, piece in enumerate(pieces):
        near_edge = i < BYLINE_SCAN or i >= len(pieces) - 2
        if near_edge and not piece.heading_level and is_byline(piece.text):
            bylines.append(piece.text.strip("（）() "))
        else:
            kept.append(piece)
    if kept:
        tail = BYLINE_TAIL.search(kept[-1].text)
        if tail and tail.start() > 0:
            bylines.append(tail.group(0).strip().strip("（）()"))
            kept[-1].text = kept[-1].text[: tail.start()].rstrip()
    return kept, "；".join(bylines) or None


def _is_headline(piece: Piece) -> bool:
    return piece.standalone or bool(piece.heading_level)


def _title_index(pieces: list[Piece]) -> int | None:
    """Find the title: the first piece when it is a headline, else a headline with a subtitle."""
    if not pieces:
        return None
    if _is_headline(pieces[0]) and not is_subtitle(pieces[0].text):
        return 0
    # Extraction from multi-column pages can put the title block after the first columns:
    # a headline directly followed by a "——" subtitle is the title wherever it stands.
    for i, piece in enumerate(pieces[:-1]):
        short_line = piece.lines == 1 and len(piece.text) <= TITLE_MAX_CHARS and not ends_sentence(piece.text)
        if (_is_headline(piece) or short_line) and is_subtitle(pieces[i + 1].text):
            return i
    return None


def _is_caption(pieces: list[Piece], i: int, typical_gap: int) -> bool:
    piece = pieces[i]
    text = piece.text
    if len(text) > CAPTION_MAX_CHARS or piece.heading_level or looks_like_heading(text):
        return False
    if is_caption_cue(text):
        return True
    # A short one-line paragraph set apart by more white space than the text's paragraphs.
    isolated = max(piece.gap_before, piece.gap_after) > typical_gap
    if isolated and text.count("。") <= 1 and piece.lines == 1 and len(text) <= CAPTION_SHORT:
        return True
    # A headline with nothing but captions or the end after it labels a picture.
    if piece.standalone and all(p.standalone or _is_caption(pieces, j, typical_gap)
                                for j, p in enumerate(pieces[i + 1:], start=i + 1)):
        return True
    return False


def _typical_gap(pieces: list[Piece]) -> int:
    gaps = sorted(p.gap_before for p in pieces[1:])
    return gaps[len(gaps) // 2] if gaps else 0


def shape_article(pieces: list[Piece], title: str | None = None) -> ArticleShape:
    """Turn pieces into titled, sectioned, typed paragraphs."""
    pieces = [_strip_markdown(p) for p in pieces if p.text.strip()]
    pieces, byline = _take_bylines(pieces)
    title_at = 0 if title is not None and pieces else _title_index(pieces)
    if title_at:
        # The title block was extracted after some body columns: put it back in front.
        end = title_at + 1
        while end < len(pieces) and is_subtitle(pieces[end].text):
            end += 1
        pieces = pieces[title_at:end] + pieces[:title_at] + pieces[end:]
        title_at = 0
    if title_at is not None:
        title = title or pieces[title_at].text
    typical_gap = _typical_gap(pieces)
    shape = ArticleShape(title=title, byline=byline)
    stack: list[tuple[int, str]] = []
    in_title_block = title_at is not None
    for i, piece in enumerate(pieces):
        text = piece.text
        path = SECTION_SEPARATOR.join(t for _, t in stack)
        if i == title_at:
            shape.paragraphs.append(Shaped("title", "", text))
            continue
        rank = _heading_rank(piece)
        caption = _is_caption(pieces, i, typical_gap)
        # Kicker and subtitle lines around a title (引题、副题) label the article, not a section.
        title_line = in_title_block and rank is not None and not caption and not looks_like_heading(text)
        if is_subtitle(text) or title_line:
            shape.paragraphs.append(Shaped("heading", path, text))
            continue
        in_title_block = False
        if rank is not None and not caption:
            while stack and stack[-1][0] >= rank:
                stack.pop()
            path = SECTION_SEPARATOR.join(t for _, t in stack)
            shape.paragraphs.append(Shaped("heading", path, text))
            stack.append((rank, text))
            continue
        shape.paragraphs.extend(Shaped("caption" if caption else "body", path, part) for part in split_run_on(text))
    return shape


def _heading_rank(piece: Piece) -> int | None:
    """Return how high a heading ranks (lower is outer), or None for a non-heading."""
    if piece.heading_level:
        return piece.heading_level
    if looks_like_heading(piece.text):
        return 10 + (numbered_heading_depth(piece.text) or 0)
    if piece.standalone and not ends_sentence(piece.text):
        return HEADLINE_RANK
    return None
