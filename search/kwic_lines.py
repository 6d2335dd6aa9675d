"""Keyword-in-context lines for a concordance view, and their sorting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.highlight import occurrences, occurrences_of_any

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")
SORT_KEYS = ("left", "right")


@dataclass(frozen=True, slots=True)
class KwicLine:
    """One occurrence with its left and right context, as plain (unescaped) text."""

    left: str
    match: str
    right: str
    paragraph_id: str
    term: int = 0  # which of the needles matched (query_lines)


def _flat(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def kwic_lines(
    text: str, paragraph_id: str, needle: str, context: int = 30, traditional: bool = False
) -> list[KwicLine]:
    """Return one line per non-overlapping occurrence of ``needle`` with its context."""
    context = max(0, context)
    flat = _flat if _LINE_BREAKS.search(text) else str
    return [
        KwicLine(
            left=flat(text[max(0, start - context) : start]),
            match=flat(text[start:end]),
            right=flat(text[end : end + context]),
            paragraph_id=paragraph_id,
        )
        for start, end in occurrences(text, needle, traditional)
    ]


def query_lines(text: str, paragraph_id: str, needles: list[str], context: int = 30,
                traditional: bool = True, tiers: list[int] | None = None) -> list[KwicLine]:
    """Return one line per occurrence of any needle, overlaps resolved by tier, then earliest, then longest."""
    context = max(0, context)
    flat = _flat if _LINE_BREAKS.search(text) else str
    return [
        KwicLine(left=flat(text[max(0, start - context):start]), match=flat(text[start:end]),
                 right=flat(text[end:end + context]), paragraph_id=paragraph_id, term=which)
        for start, end, which in occurrences_of_any(text, needles, traditional, tiers)
    ]


def _sort_form(text: str) -> str:
    # Raw code points, not fold(): folding 10,000 contexts would cost more than the whole
    # concordance budget; spacing is dropped so a line-break space does not split a group.
    return _WHITESPACE.sub("", text)


def sort_lines(lines: list[KwicLine], key: str) -> list[KwicLine]:
    """Return ``lines`` sorted by ``key`` ("left": nearest word first, or "right"), stably."""
    if key == "left":
        # Reversed, so lines group by the characters right before the match, as concordancers do.
        return sorted(lines, key=lambda line: (_sort_form(line.left)[::-1], line.paragraph_id))
    if key == "right":
        return sorted(lines, key=lambda line: (_sort_form(line.right), line.paragraph_id))
    raise ValueError(f"unknown sort key {key!r}; expected one of {', '.join(SORT_KEYS)}")
