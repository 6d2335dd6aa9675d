"""句式 patterns: ``*`` and ``?`` wildcards and ordered ``NEAR/n`` inside a term, matched exactly.

An unquoted term of the search box is a pattern when it holds ``*`` (any run of characters
within one clause), ``?`` (one character, not a clause mark), or when ``NEAR/n`` stands between
two terms (the second follows the first with at most n characters between them, in that order).
A quoted phrase is always literal, and so is the full-width ？ of pasted text:

    抓*，*到位        抓好……，……到位 within two clauses
    劳模 NEAR/5 工匠   劳模 and then 工匠, at most five characters after it

Like a literal, a pattern is matched on the match form (folded, no white space): the paragraphs
holding all of its fixed pieces are the candidates (the character index answers that), and a
regular expression verifies each candidate's text, so matching is exact, not a guess.
Highlighting and the concordance find the same spans with the same expression.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from index.normalize import match_form

from .query import ParsedQuery
from .tree import And, Leaf, Literal, Not, Or, Pattern

if TYPE_CHECKING:
    from .generation import Generation

# Operators as the parsed query carries them: private-use characters, which no text holds and
# folding leaves alone, so a quoted phrase's literal * or ? (and a pasted ？) is never one.
STAR, ONE, NEAR_MARK = "\ue000", "\ue001", "\ue002"
# Clause marks in match form: a * never runs across one, a ? never stands for one.
CLAUSE_MARKS = "，。；：！？,.;:!?、“”‘’「」『』（）()《》〈〉【】[]…—\"'"
_NOT_CLAUSE = "[^" + re.escape(CLAUSE_MARKS) + "]"
_OPERATOR = re.compile(f"({STAR}|{ONE}|{NEAR_MARK}[0-9]{{1,3}}{NEAR_MARK})")
_TYPED_WILDCARDS = str.maketrans({"*": STAR, "＊": STAR, "?": ONE})
_SHOWN = re.compile(f"{NEAR_MARK}([0-9]{{1,3}}){NEAR_MARK}")
_NEAR = re.compile(r"(?:NEAR|ＮＥＡＲ|near)[/／]([0-9０-９]{1,3})")
MAX_NEAR = 100


def is_pattern(form: str) -> bool:
    """Tell whether a match form (or a folded needle) is a pattern rather than a literal."""
    return (STAR in form or ONE in form or NEAR_MARK in form) and compiled_pattern(form) is not None


def shown(text: str) -> str:
    """Return a term as the user writes it: the operators as * ? and NEAR/n."""
    if STAR not in text and ONE not in text and NEAR_MARK not in text:
        return text
    return _SHOWN.sub(r" NEAR/\1 ", text.replace(STAR, "*").replace(ONE, "?"))


def pieces(form: str) -> list[str]:
    """Return the fixed pieces of a pattern's match form, in order (what every match must contain)."""
    return [piece for piece in _OPERATOR.split(form) if piece and not _OPERATOR.fullmatch(piece)]


@lru_cache(maxsize=512)
def compiled_pattern(form: str) -> re.Pattern | None:
    """Return the expression of a pattern's match form, or None when it is a plain literal or has no fixed piece."""
    tokens = [t for t in _OPERATOR.split(form) if t]
    if not any(_OPERATOR.fullmatch(t) for t in tokens) or all(_OPERATOR.fullmatch(t) for t in tokens):
        return None  # a literal, or nothing fixed to look for
    while tokens[0] == STAR:
        tokens.pop(0)  # a leading or trailing * adds nothing to "contains"
    while tokens[-1] == STAR:
        tokens.pop()
    parts = []
    for token in tokens:
        if token == STAR:
            parts.append(_NOT_CLAUSE + "*?")
        elif token == ONE:
            parts.append(_NOT_CLAUSE)
        elif token.startswith(NEAR_MARK):
            parts.append(f".{{0,{min(int(token[1:-1]), MAX_NEAR)}}}?")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts), re.DOTALL)


def pattern_spans(haystack: str, form: str) -> list[tuple[int, int]]:
    """Return the non-overlapping, non-empty matches of a pattern in a match-form text."""
    pattern = compiled_pattern(form)
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(haystack) if m.end() > m.start()]


def pattern_mask(generation: Generation, text: str) -> np.ndarray | None:
    """Return the live paragraphs a pattern term matches, verified on their text (None: not a pattern)."""
    form = match_form(text)
    if not is_pattern(form):
        return None
    pattern = compiled_pattern(form)
    candidates = generation.live.copy()
    for piece in dict.fromkeys(pieces(form)):
        candidates &= generation.literal_mask(piece)
    mask = np.zeros(generation.size, dtype=bool)
    for segment in generation.segments:
        local = np.flatnonzero(candidates[segment.base:segment.base + segment.size])
        if not len(local):
            continue
        folded = segment.folded
        text_all = folded.text()
        starts, lengths = folded.starts[local].tolist(), folded.lengths[local].tolist()
        search = pattern.search
        hits = [doc for doc, s, n in zip(local.tolist(), starts, lengths) if search(text_all, s, s + n)]
        mask[np.asarray(hits, dtype=np.int64) + segment.base] = True
    mask.flags.writeable = False
    return mask


def _typed(leaf: Leaf) -> Leaf:
    """Return an unquoted term with its typed wildcards as operators (a Pattern leaf); a quoted phrase stays literal."""
    if leaf.phrase:
        return leaf
    if any(c in leaf.text for c in "*＊?"):
        leaf = Literal(leaf.text.translate(_TYPED_WILDCARDS))  # as before: a +抓*到位 is no +term
    return Pattern(leaf.text, must=leaf.must) if is_pattern(leaf.text) else leaf


def to_patterns(parsed: ParsedQuery) -> ParsedQuery:
    """Return the query with unquoted * ? as pattern operators and each ``A NEAR/n B`` joined into one Pattern."""
    groups = [tuple(_typed(leaf) for leaf in group.children) for group in parsed.tree.includes]
    excluded = [Not(_typed(node.child)) for node in parsed.tree.excludes]
    joined: list[Or] = []
    notices = list(parsed.notices)
    at = 0
    while at < len(groups):
        group = groups[at]
        near = _NEAR.fullmatch(group[0].text) if len(group) == 1 and not group[0].phrase else None
        if near and joined and len(joined[-1].children) == 1 and at + 1 < len(groups) and len(groups[at + 1]) == 1:
            distance = int(near.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
            left, right = joined.pop().children[0], groups[at + 1][0]
            joined.append(Or((Pattern(f"{left.text}{NEAR_MARK}{min(distance, MAX_NEAR)}{NEAR_MARK}{right.text}"),)))
            at += 2
            continue
        if near:
            notices.append(f"“{group[0].text}”要写在两个检索词之间（如：劳模 NEAR/5 工匠），已按普通文字查找。")
        joined.append(Or(group))
        at += 1
    return ParsedQuery(And(tuple(joined) + tuple(excluded)), parsed.filters, notices)
