"""How often index words occur in a set of paragraphs: many words at once, from the word postings.

The same numbers as summing ``Generation.word_postings(word)``'s term frequencies over the
paragraphs, one word at a time, but in one vectorised pass per segment: the collocations of a
frequent node have a thousand collocates, and a postings read each was a fifth of their time.

Three exact ways, the cheapest chosen per segment: the term totals (kept per generation) when
nothing is filtered out; the postings of just these words, when they are short; the tokens of
the filtered paragraphs counted at once, when the filter is narrow (or the totals less the
tokens of the paragraphs left out, when it is wide). Token counts equal the postings' term
frequencies as long as no paragraph holds one word more than 65,535 times (where those stop).
"""

from __future__ import annotations

import numpy as np

from .generation import Generation, Segment


def _term_totals(segment: Segment) -> np.ndarray:
    """Return each vocabulary term's frequency over all of a segment's paragraphs, by position in word_terms."""
    tf, offsets = segment.arrays["word_tf"], segment.arrays["word_offsets"]
    if not len(tf):
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(np.asarray(tf, dtype=np.int64), np.asarray(offsets[:-1], dtype=np.int64))


def _positions(segment: Segment, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (which of ``words`` the segment has, their positions in its word_terms)."""
    ids = [(at, segment.vocab.get(word)) for at, word in enumerate(words)]
    which = np.array([at for at, term in ids if term is not None], dtype=np.int64)
    terms = np.array([term for _, term in ids if term is not None], dtype=np.int64)
    stored = segment.arrays["word_terms"]
    where = np.searchsorted(stored, terms)
    found = where < len(stored)
    found[found] = stored[where[found]] == terms[found]
    return which[found], where[found]


def _scoped_sums(segment: Segment, where: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Return, for the terms at ``where`` in word_terms, their frequency over the segment's paragraphs in ``scope``."""
    offsets = segment.arrays["word_offsets"]
    starts, lengths = offsets[where].astype(np.int64), (offsets[where + 1] - offsets[where]).astype(np.int64)
    sums = np.zeros(len(where), dtype=np.int64)
    has = lengths > 0
    if not has.any():
        return sums
    starts, lengths = starts[has], lengths[has]
    # Every posting of every term, in one index array: term k's run starts where the ones before it end.
    ends = np.cumsum(lengths)
    postings = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
    local = scope[segment.base:segment.base + segment.size]
    weights = np.where(local[segment.arrays["word_docs"][postings]], segment.arrays["word_tf"][postings], 0)
    sums[has] = np.add.reduceat(weights.astype(np.int64), ends - lengths)
    return sums


def _token_counts(segment: Segment, local: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Return, for the terms at ``where`` in word_terms, how often they stand in the paragraphs ``local`` flags."""
    docs = np.flatnonzero(local)
    offsets = segment.arrays["tok_offsets"]
    starts, lengths = offsets[docs].astype(np.int64), (offsets[docs + 1] - offsets[docs]).astype(np.int64)
    ends = np.cumsum(lengths)
    if not len(docs) or not ends[-1]:
        return np.zeros(len(where), dtype=np.int64)
    tokens = segment.arrays["tok_ids"][np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)]
    terms = segment.arrays["word_terms"]
    return np.bincount(tokens, minlength=int(terms[-1]) + 1)[terms[where]]


def _scoped(generation: Generation, segment: Segment, where: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Return the frequencies over ``scope`` of the terms at ``where``, the cheapest of three exact ways."""
    local = scope[segment.base:segment.base + segment.size]
    doc_len = segment.arrays["doc_len"]
    inside = int(doc_len[local].sum())
    outside = int(doc_len.sum()) - inside
    offsets = segment.arrays["word_offsets"]
    postings = int((offsets[where + 1] - offsets[where]).sum())
    # A narrow filter has few tokens; a wide one leaves few out; a few rare words have short postings.
    if postings <= min(inside, outside):
        return _scoped_sums(segment, where, scope)
    if inside <= outside:
        return _token_counts(segment, local, where)
    return _totals(generation, segment)[where] - _token_counts(segment, ~local, where)


def _totals(generation: Generation, segment: Segment) -> np.ndarray:
    """Return the segment's term totals, computed once per generation."""
    return generation.derived(f"word_counts.totals:{segment.segment_id}", lambda _g: _term_totals(segment))


def word_frequencies(generation: Generation, words: list[str], scope: np.ndarray) -> dict[str, int]:
    """Return each word's frequency (index words, sub-words included) over the paragraphs ``scope`` flags."""
    out = dict.fromkeys(words, 0)
    if not words:
        return out
    totals = np.zeros(len(words), dtype=np.int64)
    whole = int(np.count_nonzero(scope)) == generation.size  # every paragraph, all live: totals are kept
    for segment in generation.segments:
        which, where = _positions(segment, words)
        if not len(which):
            continue
        totals[which] += _totals(generation, segment)[where] if whole else _scoped(generation, segment, where, scope)
    return dict(zip(words, totals.tolist()))
