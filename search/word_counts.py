"""How often index words occur in a set of paragraphs: many words at once, from the word postings.

The same numbers as summing ``Generation.word_postings(word)``'s term frequencies over the
paragraphs, one word at a time, without building each word's global postings and filtering
them: the collocations of a frequent node have a thousand collocates, and that was a fifth of
their time.

Exact ways, the cheapest chosen per segment: each word's term frequencies summed when nothing
is filtered out; with a filter, the postings of just these words when they are short, the
tokens of the filtered paragraphs counted at once when the filter is narrow, or the sums less
the tokens of the paragraphs left out when it is wide. Token counts equal the postings' term
frequencies as long as no paragraph holds one word more than 65,535 times (where those stop).
"""

from __future__ import annotations

import numpy as np

from index.snapshot import flat_ranges

from .generation import Generation, Segment


def _term_sums(segment: Segment, where: np.ndarray) -> np.ndarray:
    """Return the frequencies over all of a segment's paragraphs of the terms at ``where`` in word_terms."""
    # One slice sum a term reads only its own postings: summing every term of a mapped column
    # once would page in all of it (half a second on the first call of a process at 1M).
    tf, offsets = segment.columns.word_tf, segment.columns.word_offsets
    return np.array([int(tf[start:end].sum()) for start, end in zip(offsets[where].tolist(), offsets[where + 1].tolist())],
                    dtype=np.int64)


def _positions(segment: Segment, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (which of ``words`` the segment has, their positions in its word_terms)."""
    ids = [(at, segment.vocab.get(word)) for at, word in enumerate(words)]
    which = np.array([at for at, term in ids if term is not None], dtype=np.int64)
    terms = np.array([term for _, term in ids if term is not None], dtype=np.int64)
    stored = segment.columns.word_terms
    where = np.searchsorted(stored, terms)
    found = where < len(stored)
    found[found] = stored[where[found]] == terms[found]
    return which[found], where[found]


def _scoped_sums(segment: Segment, where: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Return, for the terms at ``where`` in word_terms, their frequency over the segment's paragraphs in ``scope``."""
    offsets = segment.columns.word_offsets
    starts, lengths = offsets[where].astype(np.int64), (offsets[where + 1] - offsets[where]).astype(np.int64)
    sums = np.zeros(len(where), dtype=np.int64)
    has = lengths > 0
    if not has.any():
        return sums
    starts, lengths = starts[has], lengths[has]
    postings = flat_ranges(starts, lengths)  # every posting of every term, term after term
    ends = np.cumsum(lengths)
    local = scope[segment.base:segment.base + segment.size]
    weights = np.where(local[segment.columns.word_docs[postings]], segment.columns.word_tf[postings], 0)
    sums[has] = np.add.reduceat(weights.astype(np.int64), ends - lengths)
    return sums


def _token_counts(segment: Segment, local: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Return, for the terms at ``where`` in word_terms, how often they stand in the paragraphs ``local`` flags."""
    tokens = segment.columns.tokens_of(np.flatnonzero(local))
    terms = segment.columns.word_terms
    return np.bincount(tokens, minlength=int(terms[-1]) + 1)[terms[where]]


def _scoped(segment: Segment, where: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Return the frequencies over ``scope`` of the terms at ``where``, the cheapest of three exact ways."""
    local = scope[segment.base:segment.base + segment.size]
    doc_len = segment.columns.doc_len
    inside = int(doc_len[local].sum())
    outside = int(doc_len.sum()) - inside
    offsets = segment.columns.word_offsets
    postings = int((offsets[where + 1] - offsets[where]).sum())
    # A narrow filter has few tokens; a wide one leaves few out; a few rare words have short postings.
    if postings <= min(inside, outside):
        return _scoped_sums(segment, where, scope)
    if inside <= outside:
        return _token_counts(segment, local, where)
    return _term_sums(segment, where) - _token_counts(segment, ~local, where)


def word_frequencies(generation: Generation, words: list[str], scope: np.ndarray) -> dict[str, int]:
    """Return each word's frequency (index words, sub-words included) over the paragraphs ``scope`` flags."""
    out = dict.fromkeys(words, 0)
    if not words:
        return out
    totals = np.zeros(len(words), dtype=np.int64)
    whole = int(np.count_nonzero(scope)) == generation.size  # every paragraph, all live: no filter to apply
    for segment in generation.segments:
        which, where = _positions(segment, words)
        if not len(which):
            continue
        totals[which] += _term_sums(segment, where) if whole else _scoped(segment, where, scope)
    return dict(zip(words, totals.tolist()))
