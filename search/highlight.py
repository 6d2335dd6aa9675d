"""Literal matching on folded text, and HTML highlighting and snippets built from its spans.

A term matches where the paragraph's folded text, with all whitespace removed, contains the
folded, whitespace-free term: the same rule the index's literal recall guarantees. Matching
runs ``str.find`` on that stripped string; an offset map (one entry per whitespace-free run,
built only when the text has whitespace) turns the hits back into offsets of the original
text. ``fold`` keeps the length, so folded offsets are original offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup, escape

from index.normalize import fold

from .tree import Literal, Span

_WHITESPACE = re.compile(r"\s+")
_NON_WHITESPACE = re.compile(r"\S+")
ELLIPSIS = "…"
_SEPARATOR = " … "


class _Stripped:
    """The folded, whitespace-free form of a text and the way back to original offsets."""

    __slots__ = ("text", "_stripped_starts", "_original_starts")

    def __init__(self, original: str, traditional: bool) -> None:
        folded = fold(original, traditional)
        if not _WHITESPACE.search(folded):
            self.text = folded
            self._stripped_starts: list[int] | None = None
            self._original_starts: list[int] = []
            return
        runs = [(m.start(), m.group()) for m in _NON_WHITESPACE.finditer(folded)]
        self._original_starts = [start for start, _ in runs]
        self._stripped_starts = []
        position = 0
        for _, run in runs:
            self._stripped_starts.append(position)
            position += len(run)
        self.text = "".join(run for _, run in runs)

    def original(self, start: int, end: int) -> Span:
        """Map a non-empty stripped range to the original range from its first to last character."""
        if self._stripped_starts is None:
            return start, end
        return self._offset(start), self._offset(end - 1) + 1

    def _offset(self, position: int) -> int:
        run = bisect_right(self._stripped_starts, position) - 1
        return self._original_starts[run] + position - self._stripped_starts[run]


def _prepare(needle: str, traditional: bool) -> str:
    return _WHITESPACE.sub("", fold(needle, traditional))


_literal = lru_cache(maxsize=1024)(Literal)  # the leaf a prepared needle stands for, made once


def _find_all(haystack: str, form: str, overlapping: bool) -> list[Span]:
    """Return the spans of a prepared needle: its leaf finds them (a literal, or a 句式 pattern)."""
    return _literal(form).spans(haystack, overlapping)


def occurrences(text: str, needle: str, traditional: bool = False) -> list[Span]:
    """Return the non-overlapping occurrences of ``needle`` in ``text`` as original (start, end)."""
    pattern = _prepare(needle, traditional)
    if not pattern:
        return []
    stripped = _Stripped(text, traditional)
    return [stripped.original(s, e) for s, e in _find_all(stripped.text, pattern, False)]


def first_longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Return the (start, end, which) occurrences that do not overlap, earliest then longest first."""
    kept: list[tuple[int, int, int]] = []
    reach = 0
    for start, end, which in sorted(found, key=lambda f: (f[0], f[0] - f[1], f[2])):
        if start >= reach:
            kept.append((start, end, which))
            reach = end
    return kept


def resolve_occurrences(haystack: str, patterns: list[str],
                        tiers: list[int] | None = None) -> list[tuple[int, int, int]]:
    """Return where any of ``patterns`` (match forms) occurs in ``haystack``, without overlaps.

    Each pattern's occurrences are found left to right without overlap (as ``str.count``
    counts). Where occurrences overlap, the lower tier wins (typed terms before synonyms),
    then the earlier, then the longer.
    """
    found = [(s, e, i) for i, p in enumerate(patterns) if p for s, e in _find_all(haystack, p, False)]
    if len(patterns) < 2:
        return found
    tiers = tiers or [0] * len(patterns)
    kept: list[tuple[int, int, int]] = []
    for tier in sorted(set(tiers)):
        starts = [k[0] for k in kept]
        free = []
        for start, end, which in found:
            if tiers[which] != tier:
                continue
            at = bisect_right(starts, start) - 1  # the kept one starting at or before, then the next
            if (at >= 0 and kept[at][1] > start) or (at + 1 < len(kept) and kept[at + 1][0] < end):
                continue
            free.append((start, end, which))
        kept = sorted(kept + first_longest(free))
    return kept


def occurrences_of_any(text: str, needles: list[str], traditional: bool = False,
                       tiers: list[int] | None = None) -> list[tuple[int, int, int]]:
    """Return the non-overlapping occurrences of any needle as original (start, end, needle's index)."""
    patterns = [_prepare(n, traditional) for n in needles]
    if not any(patterns) or not text:
        return []
    stripped = _Stripped(text, traditional)
    return [(*stripped.original(s, e), i) for s, e, i in resolve_occurrences(stripped.text, patterns, tiers)]


def find_spans(text: str, needles: Iterable[str | Literal], traditional: bool = False) -> list[Span]:
    """Return every match of every needle (a text, or a leaf of the query tree) in ``text`` as sorted, merged spans."""
    leaves: dict[tuple, Literal] = {}
    for needle in needles:
        leaf = needle if isinstance(needle, Literal) else _literal(needle)
        form = _prepare(leaf.text, traditional)
        # Leaves that find their spans alike and have one form are one needle.
        if form and (key := (type(leaf).spans, form)) not in leaves:
            leaves[key] = leaf if leaf.text == form else replace(leaf, text=form)
    if not leaves or not text:
        return []
    stripped = _Stripped(text, traditional)
    hits: list[Span] = []
    for leaf in leaves.values():
        hits.extend(leaf.spans(stripped.text, True))
    if not hits:
        return []
    hits.sort()
    # Merge in stripped coordinates so matches separated only by whitespace touch: a phrase
    # matched across a line-break space, or two adjacent terms, becomes one span.
    merged = [list(hits[0])]
    for start, end in hits[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [stripped.original(start, end) for start, end in merged]


def count_occurrences(text: str, needle: str, traditional: bool = False) -> int:
    """Return how many non-overlapping times ``needle`` literally occurs in ``text``."""
    pattern = _prepare(needle, traditional)
    if not pattern:
        return 0
    return _WHITESPACE.sub("", fold(text, traditional)).count(pattern)


def _clean_spans(spans: Iterable[Span], length: int) -> list[Span]:
    """Clip spans to the text, drop empty ones, sort and merge overlapping or touching ones."""
    result: list[Span] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _mark_range(text: str, spans: list[Span], low: int, high: int) -> str:
    parts: list[str] = []
    position = low
    first = bisect_right(spans, (low, low)) - 1
    for start, end in spans[max(first, 0) :]:
        if start >= high:
            break
        start, end = max(start, low), min(end, high)
        if end <= position:
            continue
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:high]))
    return "".join(parts)


def mark(text: str, spans: list[Span]) -> str:
    """Return ``text`` HTML-escaped with each span wrapped in ``<mark>``, as ``Markup``."""
    return Markup(_mark_range(text, _clean_spans(spans, len(text)), 0, len(text)))


def _frame(first: Span, last: Span, spans: list[Span], length: int, width: int) -> Span:
    """Return a window of about ``width`` characters centred on a cluster of spans."""
    low, high = first[0], last[1]
    room = width - (high - low)
    if room > 0:
        low -= room // 2
        high += room - room // 2
        if low < 0:
            high, low = high - low, 0
        if high > length:
            low, high = max(0, low - (high - length)), length
    # A few leftover characters at either end read worse than a slightly longer window.
    slack = width // 10
    if low <= slack:
        low = 0
    if length - high <= slack:
        high = length
    # Never cut a match in half: widen to the whole span.
    i = bisect_left(spans, (low, low)) - 1
    if i >= 0 and spans[i][1] > low:
        low = spans[i][0]
    j = bisect_left(spans, (high, high)) - 1
    if j >= 0 and spans[j][1] > high:
        high = spans[j][1]
    return low, high


def _choose(windows: list[tuple[Span, list[Span]]], text: str, max_windows: int) -> list[Span]:
    """Pick the windows showing the most distinct matched words, then the most matches."""
    if len(windows) <= max_windows:
        return [window for window, _ in windows]
    keys = [{_prepare(text[s:e], False) for s, e in members} for _, members in windows]
    seen: set[str] = set()
    chosen: set[int] = set()
    while len(chosen) < max_windows:
        best = max(
            (i for i in range(len(windows)) if i not in chosen),
            key=lambda i: (len(keys[i] - seen), len(windows[i][1]), -i),
        )
        chosen.add(best)
        seen |= keys[best]
    return [windows[i][0] for i in sorted(chosen)]


def _trim(text: str, low: int, high: int) -> Span:
    # Whitespace at a window edge only produces "… " gaps; spans never start or end on it.
    while low < high and text[low].isspace():
        low += 1
    while high > low and text[high - 1].isspace():
        high -= 1
    return low, high


def snippet(text: str, spans: list[Span], width: int = 100, max_windows: int = 3) -> str:
    """Return HTML windows of about ``width`` characters around the spans, marked and escaped."""
    length = len(text)
    width = max(1, width)
    spans = _clean_spans(spans, length)
    if not spans:
        high = length if length - width <= width // 10 else width
        windows = [(0, high)]
    else:
        clusters: list[list[Span]] = [[spans[0]]]
        for span in spans[1:]:
            if span[1] - clusters[-1][0][0] <= width:
                clusters[-1].append(span)
            else:
                clusters.append([span])
        framed = [(_frame(c[0], c[-1], spans, length, width), c) for c in clusters]
        windows = []
        for low, high in sorted(_choose(framed, text, max(1, max_windows))):
            if windows and low <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], high))
            else:
                windows.append((low, high))
    windows = [_trim(text, low, high) for low, high in windows]
    body = _SEPARATOR.join(_mark_range(text, spans, low, high) for low, high in windows)
    lead = ELLIPSIS if text[: windows[0][0]].strip() else ""
    tail = ELLIPSIS if text[windows[-1][1] :].strip() else ""
    return Markup(lead + body + tail)
