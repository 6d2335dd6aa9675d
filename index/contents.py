"""Tables of contents: find them, drop them, and use them to split a compilation into articles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import TOC_HEADER, compact, ends_sentence, toc_entry

MIN_ENTRIES = 3
TITLE_MAX_CHARS = 70
ENTRY_NUMBER = re.compile(r"^\d{1,3}\s*[：:、.．]\s*")


@dataclass
class ContentsEntry:
    """One article listed in a table of contents, with the group heading above it."""

    title: str
    group: str | None = None


@dataclass
class Contents:
    """A table of contents found at lines [start, end) of a file."""

    start: int
    end: int
    entries: list[ContentsEntry] = field(default_factory=list)
    collection_title: str | None = None


def _next_nonblank(lines: list[str], i: int) -> int | None:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i if i < len(lines) else None


def find_contents(lines: list[str], search_lines: int = 400) -> Contents | None:
    """Return the first table of contents with at least three entries, if any."""
    limit = min(len(lines), search_lines)
    i = 0
    while i < limit:
        if toc_entry(lines[i]) or TOC_HEADER.match(lines[i].strip()):
            found = _read_contents(lines, i)
            if found and len(found.entries) >= MIN_ENTRIES:
                return found
        i += 1
    return None


def _read_contents(lines: list[str], start: int) -> Contents | None:
    """Read a run of contents entries, group headings and blank lines from ``start``."""
    entries: list[ContentsEntry] = []
    group: str | None = None
    i = start
    if TOC_HEADER.match(lines[i].strip()):
        i += 1
    end = i
    while i < len(lines):
        text = lines[i].strip()
        if not text:
            i += 1
            continue
        entry = toc_entry(text)
        if entry:
            entries.append(ContentsEntry(title=entry[0], group=group))
            i += 1
            end = i
            continue
        # A short line between entries is a group heading ("一、各级工会"); after the
        # last entry it is already the first article's title.
        following = _next_nonblank(lines, i + 1)
        if len(text) <= 30 and not ends_sentence(text) and following is not None and toc_entry(lines[following]):
            group = text
            i += 1
            continue
        break
    if not entries:
        return None
    return Contents(start=start, end=end, entries=entries, collection_title=_collection_title(lines, start))


def _collection_title(lines: list[str], toc_start: int) -> str | None:
    """Return the compilation's own title: the first line above its contents."""
    for line in lines[:toc_start]:
        text = line.strip()
        if text and not TOC_HEADER.match(text):
            return text
    return None


def _title_key(title: str) -> str:
    return compact(ENTRY_NUMBER.sub("", title.strip()).rstrip("…."))


def locate_articles(lines: list[str], contents: Contents) -> list[tuple[ContentsEntry, int]]:
    """Return (entry, line index of its title) for every listed article found after the contents."""
    found: list[tuple[ContentsEntry, int]] = []
    pos = contents.end
    for entry in contents.entries:
        key = _title_key(entry.title)
        if len(key) < 4:
            continue
        for i in range(pos, len(lines)):
            text = lines[i].strip()
            if not text or len(text) > TITLE_MAX_CHARS:
                continue
            line_key = compact(text)
            # Contents entries are often cut short with "…": a prefix is enough then.
            if line_key == key or (len(key) >= 8 and line_key.startswith(key)):
                found.append((entry, i))
                pos = i + 1
                break
    return found
