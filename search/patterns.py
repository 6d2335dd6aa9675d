"""句式 patterns: ``*`` and ``?`` wildcards and ordered ``NEAR/n`` inside a term, matched exactly.

An unquoted term of the search box is a pattern when it holds ``*`` (any run of characters
within one clause), ``?`` (one character, not a clause mark), or when ``NEAR/n`` stands between
two terms (the second follows the first with at most n characters between them, in that order).
A quoted phrase is always literal, and so is the full-width ？ of pasted text:

    抓*，*到位        抓好……，……到位 within two clauses
    劳模 NEAR/5 工匠   劳模 and then 工匠, at most five characters after it

Like a literal, a pattern is matched on the match form (folded, no white space): the paragraphs
holding all of its fixed pieces are the candidates (the character index answers that), and a
regular expression verifies the candidates' text, so matching is exact, not a guess. The
expression never crosses the NUL that joins a segment's texts, so dense candidates are verified
in long stretches at once, sparse ones one by one; each generation remembers the finished mask.
Highlighting and the concordance find the same spans with the same expression.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain, repeat
from typing import TYPE_CHECKING

import numpy as np

from index.normalize import match_form

from .query import ParsedQuery
from .tree import And, Leaf, Literal, Not, Or, Pattern

if TYPE_CHECKING:
    from index.folded_texts import FoldedTexts

    from .generation import Generation

# Operators as the parsed query carries them: private-use characters, which no text holds and
# folding leaves alone, so a quoted phrase's literal * or ? (and a pasted ？) is never one.
STAR, ONE, NEAR_MARK = "\ue000", "\ue001", "\ue002"
# Clause marks in match form: a * never runs across one, a ? never stands for one.
CLAUSE_MARKS = "，。；：！？,.;:!?、“”‘’「」『』（）()《》〈〉【】[]…—\"'"
# The NUL that joins a segment's folded texts is excluded too, so no match spans two paragraphs.
_NOT_CLAUSE = "[^\\x00" + re.escape(CLAUSE_MARKS) + "]"
_NOT_JOIN = "[^\\x00]"
_OPERATOR = re.compile(f"({STAR}|{ONE}|{NEAR_MARK}[0-9]{{1,3}}{NEAR_MARK})")
_TYPED_WILDCARDS = str.maketrans({"*": STAR, "＊": STAR, "?": ONE})
_SHOWN = re.compile(f"{NEAR_MARK}([0-9]{{1,3}}){NEAR_MARK}")
_NEAR = re.compile(r"(?:NEAR|ＮＥＡＲ|near)[/／]([0-9０-９]{1,3})")
MAX_NEAR = 100
# Where at least this share of a segment's paragraphs are candidates, they are verified in runs:
# candidates less than RUN_GAP characters apart in one call of the expression. Below it one
# search per candidate, which stops at its first match, is as fast (both measured on 1M paragraphs).
DENSE_SHARE = 0.2
RUN_GAP = 1000


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
            parts.append(f"{_NOT_JOIN}{{0,{min(int(token[1:-1]), MAX_NEAR)}}}?")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


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
    # Writers page, filter and refine the same pattern: a generation never changes, so its mask is kept.
    return generation.remember(("pattern", form), lambda: (_verified_mask(generation, form),))[0]


def _verified_mask(generation: Generation, form: str) -> np.ndarray:
    """Return the live paragraphs holding every fixed piece of a pattern where its expression matches."""
    candidates = generation.live.copy()
    for piece in dict.fromkeys(pieces(form)):
        candidates &= generation.literal_mask(piece)
    pattern = compiled_pattern(form)
    mask = np.zeros(generation.size, dtype=bool)
    for segment in generation.segments:
        local = np.flatnonzero(candidates[segment.base:segment.base + segment.size])
        if len(local):
            mask[matching_docs(segment.folded, pattern, local) + segment.base] = True
    # A run of dense candidates also covers the paragraphs between them: only candidates count.
    return mask & candidates


def matching_docs(folded: FoldedTexts, pattern: re.Pattern, docs: np.ndarray) -> np.ndarray:
    """Return the local docnums (sorted, unique) holding a match of ``pattern``, searched within ``docs``' texts.

    Sparse candidates are searched one by one, each within its own text. Dense ones stand one
    after another in the folded text: those less than RUN_GAP characters apart are scanned in one
    ``finditer`` and every match start is mapped to its paragraph. The expression never crosses a
    NUL, so a match lies inside one paragraph, and a failed attempt across a boundary never hides
    a match that starts in the next one. Either way the loop runs in C.
    """
    text = folded.text()
    begins = folded.starts[docs]
    ends = begins + folded.lengths[docs]
    if len(docs) < DENSE_SHARE * len(folded.starts):
        found = map(pattern.search, repeat(text, len(docs)), begins.tolist(), ends.tolist())
        return docs[np.fromiter(map(bool, found), dtype=bool, count=len(docs))]
    cut = np.flatnonzero(begins[1:] - ends[:-1] > RUN_GAP)
    run_begins = begins[np.concatenate([[0], cut + 1])].tolist()
    run_ends = ends[np.concatenate([cut, [len(docs) - 1]])].tolist()
    runs = map(pattern.finditer, repeat(text, len(run_begins)), run_begins, run_ends)
    at = np.fromiter(map(re.Match.start, chain.from_iterable(runs)), dtype=np.int64)
    return np.unique(np.searchsorted(folded.starts, at, side="right") - 1)


def _typed(leaf: Leaf) -> Leaf:
    """Return an unquoted term with its typed wildcards as operators (a Pattern leaf); a quoted phrase stays literal."""
    if leaf.phrase:
        return leaf
    if any(c in leaf.text for c in "*＊?"):
        leaf = Literal(leaf.text.translate(_TYPED_WILDCARDS))  # as before: a +抓*到位 is no +term
    return Pattern(leaf.text, must=leaf.must) if is_pattern(leaf.text) else leaf


def pattern_terms(parsed: ParsedQuery) -> list[str]:
    """Return the 句式 patterns of a parsed query (wildcards, NEAR/n), written as the user typed them."""
    return [shown(leaf.text) for leaf in to_patterns(parsed).tree.leaves() if is_pattern(match_form(leaf.text))]


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
