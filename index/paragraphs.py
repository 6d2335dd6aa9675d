"""Rejoin hard-wrapped lines into paragraphs, and mark the lines that stand alone.

Text extracted from PDFs and narrow columns has one line per visual line and blank lines at
page breaks, in the middle of sentences. The rules here are general:

- a line that does not end a sentence continues on the next line, across blank lines;
- a line that ends a sentence ends its paragraph when the text is not wrapped at a fixed width,
  when the line is visibly shorter than that width, when a blank line or an indented line
  follows; a full-width line that happens to end a sentence continues its paragraph;
- headings (numbered, markdown, "——" subtitles) and bylines are never joined to anything;
- a short line that does not end a sentence and sits between paragraph ends is a headline.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .lines import (
    MARKDOWN_HEADING,
    display_width,
    ends_sentence,
    is_byline,
    is_subtitle,
    looks_like_heading,
)
from .model import Block

INDENT = re.compile(r"^(\u3000|\s{2,}|\t)")
LATIN_EDGE = re.compile(r"[A-Za-z0-9]")
HEADLINE_MAX_WIDTH = 64  # 32 Chinese characters
HEADLINE_GAP_WIDTH = 40  # without indentation, only a line of 20 characters or fewer stands alone
ORPHAN_MAX_CHARS = 3
OPENING_HEADLINE_MAX_CHARS = 80
RUNNING_TEXT = re.compile(r"[，。；]|[,、]$")  # a line with the punctuation of running text is no headline
CLAUSE_MARKS = re.compile(r"[，,；;：:]")
# Longest paragraph kept whole: a run-on line or an unpunctuated wrapped text of megabytes is
# no paragraph, and would be sent whole with every hit, copy button and similar-paragraph query.
MAX_PARAGRAPH_CHARS = 3000
SENTENCE_BREAKS = "。！？!?；;"
CLAUSE_BREAKS = "，,、：: \u3000"


@dataclass
class Piece:
    """A paragraph candidate: its text and what its layout says about it."""

    text: str
    heading_level: int | None = None  # declared by the format (markdown #, h1–h6, docx style)
    standalone: bool = False  # one short line that does not end a sentence, between paragraphs
    gap_before: int = 0  # blank lines before it in the source
    gap_after: int = 0
    lines: int = 1


def wrap_width(lines: list[str], by_chars: bool = False) -> int | None:
    """Return the width text was hard-wrapped at, or None when it was not wrapped.

    Widths are display widths (a CJK character counts two), as pages wrap; with ``by_chars``
    the wrap is found by character count, as some exporters cut lines, and returned in characters.
    """
    # Counted in display columns either way, so the tolerances below mean the same.
    widths = [2 * len(line.strip()) if by_chars else display_width(line.strip()) for line in lines if line.strip()]
    if len(widths) < 8:
        return None
    # Wrapped text has many lines within a character of one maximum width.
    counts = Counter(min(w // 2, 200) for w in widths if w >= 16)
    if not counts:
        return None
    common, _ = counts.most_common(1)[0]
    near = sum(n for w, n in counts.items() if common - 1 <= w <= common + 1)
    if common > 60 or near < 0.3 * len(widths):
        return None
    return common if by_chars else common * 2


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines: a space only between two Latin words, never between CJK."""
    if left and right and LATIN_EDGE.match(left[-1]) and LATIN_EDGE.match(right[0]):
        if left[-1].isalpha() or right[0].isalpha():
            return f"{left} {right}"
    return left + right


def _is_fixed_line(text: str) -> bool:
    return looks_like_heading(text) or is_subtitle(text) or is_byline(text) or bool(MARKDOWN_HEADING.match(text))


def _indent_style(blocks: list[Block]) -> bool:
    """Return True when the text marks paragraph starts by indenting them."""
    lines = [b.text for b in blocks if b.wrapped and b.text.strip()]
    indented = sum(1 for line in lines if INDENT.match(line))
    return bool(lines) and indented >= 0.2 * len(lines)


def rejoin(blocks: list[Block]) -> list[Piece]:
    """Turn reader blocks into paragraph pieces, rejoining the wrapped ones."""
    pieces: list[Piece] = []
    wrapped = [b.text for b in blocks if b.wrapped]
    layout = _Layout(wrap_width(wrapped), _indent_style(blocks), wrap_width(wrapped, by_chars=True))
    current: Piece | None = None
    last_line = ""
    gap = 0
    ended = True  # the previous paragraph ended cleanly (start of text counts)

    def close() -> None:
        nonlocal current, ended
        if current is not None:
            current.standalone = current.lines == 1 and current.standalone and not ends_sentence(current.text)
            ended = ends_sentence(current.text) or current.standalone or _is_fixed_line(current.text)
            pieces.append(current)
            current = None

    for block in blocks:
        raw = block.text.rstrip()
        text = raw.strip()
        if not text:
            gap += 1
            continue
        if not block.wrapped or block.heading_level:
            close()
            if pieces:
                pieces[-1].gap_after = max(pieces[-1].gap_after, gap)
            pieces.append(Piece(text, heading_level=block.heading_level, gap_before=gap))
            ended, gap, last_line = True, 0, ""
            continue
        indented = bool(INDENT.match(raw))
        fixed = _is_fixed_line(text)
        if current is not None and not fixed and not layout.breaks(last_line, indented, gap, current):
            current.text = join_lines(current.text, text)
            current.lines += 1
            last_line, gap = text, 0
            continue
        close()
        if _is_orphan(text, indented, pieces):
            # A word or two cut off the end of the previous line by a page break ("…凝聚力" / "强").
            pieces[-1].text = join_lines(pieces[-1].text, text)
            gap = 0
            continue
        if pieces:
            pieces[-1].gap_after = max(pieces[-1].gap_after, gap)
        current = Piece(text, gap_before=gap)
        current.standalone = not fixed and ended and layout.short(text)
        if not pieces and layout.width is None and _opens_as_headline(text):
            current.standalone = fixed = True  # the text's first line, of headline length
        if fixed:
            close()
        last_line, gap = text, 0
    close()
    if pieces:
        pieces[-1].gap_after = max(pieces[-1].gap_after, gap)
    return pieces


def _opens_as_headline(text: str) -> bool:
    """Tell whether the first line of a text that is not hard-wrapped is its headline.

    Web pages and word processors put a headline on a line of its own; in text that is not
    wrapped at a fixed width, a first line that ends no sentence cannot continue on the next
    line, so it stands alone even when the body follows without a blank line.
    """
    return len(text) <= OPENING_HEADLINE_MAX_CHARS and not ends_sentence(text) and not RUNNING_TEXT.search(text)


def _is_orphan(text: str, indented: bool, pieces: list[Piece]) -> bool:
    return (
        len(text) <= ORPHAN_MAX_CHARS and not indented and bool(pieces)
        and not pieces[-1].heading_level and not ends_sentence(pieces[-1].text)
        and not ends_sentence(text) and not _is_fixed_line(text) and pieces[-1].lines >= 1
        and not pieces[-1].standalone
    )


@dataclass
class _Layout:
    """What the page layout says about line ends: wrap width and paragraph indentation."""

    width: int | None
    indents: bool
    chars: int | None = None  # the wrap by character count, when lines were cut that way

    def short(self, text: str) -> bool:
        """Return True for a line short enough to be a headline rather than a wrapped line."""
        width = display_width(text)
        # The first line of an indented paragraph is a few characters short of the width.
        return width <= HEADLINE_MAX_WIDTH and (self.width is None or width < 0.75 * self.width)

    def breaks(self, last_line: str, indented: bool, gap: int, current: Piece) -> bool:
        """Decide whether the next wrapped line starts a new paragraph."""
        if not ends_sentence(last_line):
            if current.lines > 1 or not current.standalone:
                return False
            # One short line that does not end a sentence: a headline, or the start of a
            # paragraph cut by a page break. Indentation and spacing tell them apart.
            if indented:
                return True
            if self.indents:
                return False
            # Without indentation: a short line, or one without the commas of a running sentence.
            text = current.text
            return gap > 0 and (display_width(text) <= HEADLINE_GAP_WIDTH or not CLAUSE_MARKS.search(text))
        if gap > 0 or indented or self.width is None:
            return True
        if self.chars is not None and self.chars - 1 <= len(last_line) <= self.chars + 1:
            return False  # a full line by character count, however wide its digits and letters
        line_width = display_width(last_line)
        return line_width < self.width - 4 or line_width > self.width + 4


def split_run_on(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """Cut a text longer than ``limit`` into parts of at most ``limit`` characters, at sentence ends where it can."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        # Prefer the last sentence end, then the last clause break, in the second half of the window.
        cut = max(window.rfind(c) for c in SENTENCE_BREAKS) + 1
        if cut <= limit // 2:
            cut = max(window.rfind(c) for c in CLAUSE_BREAKS) + 1
        if cut <= limit // 2:
            cut = limit
        part = window[:cut].strip()
        if part:
            parts.append(part)
        start += cut
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts
