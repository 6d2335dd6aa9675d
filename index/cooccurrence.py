"""Word co-occurrence of one segment, counted when its columns are built (for related words, 相关词).

For each paragraph, its MAX_WORDS most telling content words (Chinese words of two or more
characters: the most repeated in the paragraph first, then those in the fewest paragraphs of
the segment, but at least MIN_DF) are paired; a pair counts the paragraphs holding both. Each word keeps its MAX_PARTNERS most
frequent partners. The counts are per segment, so they follow the index incrementally: a merged
segment counts its paragraphs again, and a generation adds the counts of its segments
(search/related.py), which is why a pair seen once in a segment is kept too.
"""

from __future__ import annotations

import re

import numpy as np

MAX_WORDS = 12
MIN_DF = 2
MAX_PARTNERS = 32
CHUNK_DOCS = 20_000  # paragraphs paired at a time, so memory stays bounded
_CONTENT = re.compile(r"[\u4e00-\u9fff]{2,}")
CO_ARRAYS = ("co_terms", "co_offsets", "co_partners", "co_counts")


def content_words(vocab: list[str]) -> np.ndarray:
    """Return a boolean per vocabulary id: is it a content word (two or more Chinese characters)?"""
    return np.fromiter((bool(_CONTENT.fullmatch(w)) for w in vocab), dtype=bool, count=len(vocab))


def cooccurrence(vocab: list[str], terms: np.ndarray, offsets: np.ndarray, docs: np.ndarray,
                 tf: np.ndarray) -> dict[str, np.ndarray]:
    """Return the co-occurrence arrays (CSR by word id) of a segment from its word postings."""
    df = np.diff(offsets)
    content = content_words(vocab)
    term_of = np.repeat(terms.astype(np.int64), df)
    df_of = np.repeat(df, df)
    keep = content[term_of]
    term_of, df_of, doc_of = term_of[keep], df_of[keep], docs.astype(np.int64)[keep]
    tf_of = tf.astype(np.int64)[keep]
    # Per paragraph, its words from the most repeated, then the most specific of those seen in
    # MIN_DF paragraphs (a word seen once is often a name or a slip), then the rest; keep MAX_WORDS.
    # Words seen once still count: in a small segment of a later commit, every word is.
    ranked = np.lexsort((term_of, df_of, df_of < MIN_DF, -tf_of, doc_of))
    term_of, doc_of = term_of[ranked], doc_of[ranked]
    starts = np.flatnonzero(np.r_[True, doc_of[1:] != doc_of[:-1]]) if len(doc_of) else np.zeros(0, dtype=np.int64)
    place = np.arange(len(doc_of)) - np.repeat(starts, np.diff(np.append(starts, len(doc_of))))
    chosen = place < MAX_WORDS
    term_of, doc_of = term_of[chosen], doc_of[chosen]
    pairs, counts = _count_pairs(term_of, doc_of)
    return _partners(pairs, counts)


def _count_pairs(term_of: np.ndarray, doc_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct (a << 32 | b) pairs, a < b, of words sharing a paragraph, with counts."""
    found_pairs: list[np.ndarray] = []
    found_counts: list[np.ndarray] = []
    doc_starts = np.searchsorted(doc_of, np.arange(0, int(doc_of.max(initial=-1)) + 1 + CHUNK_DOCS, CHUNK_DOCS))
    for lo, hi in zip(doc_starts[:-1], doc_starts[1:]):
        t, d = term_of[lo:hi], doc_of[lo:hi]
        chunk = []
        for gap in range(1, MAX_WORDS):
            same = d[gap:] == d[:-gap]
            a, b = t[:-gap][same], t[gap:][same]
            chunk.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        if chunk:
            codes, n = np.unique(np.concatenate(chunk), return_counts=True)
            found_pairs.append(codes)
            found_counts.append(n)
    if not found_pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.concatenate(found_pairs)
    counts = np.concatenate(found_counts)
    order = np.argsort(codes, kind="stable")
    codes, counts = codes[order], counts[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    return codes[starts], np.add.reduceat(counts, starts) if len(starts) else counts


def _partners(pairs: np.ndarray, counts: np.ndarray) -> dict[str, np.ndarray]:
    """Return each word's most frequent partners as CSR arrays (both directions of each pair)."""
    a, b = pairs >> 32, pairs & 0xFFFFFFFF
    word = np.concatenate([a, b])
    partner = np.concatenate([b, a])
    count = np.concatenate([counts, counts])
    order = np.lexsort((partner, -count, word))
    word, partner, count = word[order], partner[order], count[order]
    starts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]]) if len(word) else np.zeros(0, dtype=np.int64)
    place = np.arange(len(word)) - np.repeat(starts, np.diff(np.append(starts, len(word))))
    keep = place < MAX_PARTNERS
    word, partner, count = word[keep], partner[keep], count[keep]
    starts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]]) if len(word) else np.zeros(0, dtype=np.int64)
    return {
        "co_terms": word[starts].astype(np.uint32),
        "co_offsets": np.append(starts, len(word)).astype(np.int64),
        "co_partners": partner.astype(np.uint32),
        "co_counts": np.minimum(count, np.iinfo(np.uint32).max).astype(np.uint32),
    }
