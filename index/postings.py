"""Build compact postings with numpy: character uni/bigrams and words, one sorted key array each.

A posting list here is doc-level: for each key, the sorted docnums (within one segment) that
contain it, as CSR arrays ``keys`` (sorted), ``offsets`` (len(keys) + 1) and ``docs``.
"""

from __future__ import annotations

import numpy as np

BIGRAM_FLAG = np.uint64(1 << 42)
CODE_BITS = np.uint64(21)  # a code point fits 21 bits
DOC_BITS = 20  # one segment holds at most 2**20 paragraphs
MAX_SEGMENT_DOCS = 1 << DOC_BITS


def char_key(text: str) -> int | None:
    """Return the posting key of a one- or two-character string (None for other lengths)."""
    if len(text) == 1:
        return ord(text)
    if len(text) == 2:
        return int(BIGRAM_FLAG) | (ord(text[0]) << 21) | ord(text[1])
    return None


def _csr(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn unsorted (key, doc) pairs into CSR postings with unique docs per key.

    Key and doc share one uint64 (key above DOC_BITS), so one sort orders and deduplicates.
    """
    pairs = np.sort((keys.astype(np.uint64) << np.uint64(DOC_BITS)) | docs.astype(np.uint64))
    if len(pairs):  # numpy's own unique hashes, which is several times slower than sorting here
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    keys = pairs >> np.uint64(DOC_BITS)
    docs = (pairs & np.uint64(MAX_SEGMENT_DOCS - 1)).astype(np.uint32)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], dtype=np.int64)
    offsets = np.append(starts, len(keys)).astype(np.int64)
    return keys[starts], offsets, docs


def char_postings(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return unigram and bigram postings of folded, whitespace-free texts (one per doc)."""
    if len(texts) > MAX_SEGMENT_DOCS:
        raise ValueError(f"a segment holds at most {MAX_SEGMENT_DOCS} paragraphs")
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)
    same_doc = doc_of[1:] == doc_of[:-1]
    bigrams = BIGRAM_FLAG | (codes[:-1] << CODE_BITS) | codes[1:]
    keys = np.concatenate([codes, bigrams[same_doc]])
    docs = np.concatenate([doc_of, doc_of[:-1][same_doc]])
    return _csr(keys, docs)


def word_postings(token_ids: np.ndarray, token_offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return word postings with term frequencies: (term ids, offsets, docs, tf)."""
    counts = np.diff(token_offsets)
    doc_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    pair = np.sort((token_ids.astype(np.int64) << DOC_BITS) | doc_of)
    starts_pair = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, dtype=np.int64)
    unique = pair[starts_pair]
    tf = np.diff(np.append(starts_pair, len(pair)))
    terms = unique >> DOC_BITS
    docs = unique & (MAX_SEGMENT_DOCS - 1)
    starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]]) if len(terms) else np.array([], dtype=np.int64)
    offsets = np.append(starts, len(terms)).astype(np.int64)
    return terms[starts], offsets, docs.astype(np.uint32), np.minimum(tf, 65535).astype(np.uint16)


def lookup(keys: np.ndarray, offsets: np.ndarray, postings: np.ndarray, key: int) -> np.ndarray:
    """Return the postings of one key (an empty array when it is absent)."""
    at = int(np.searchsorted(keys, key))
    if at < len(keys) and int(keys[at]) == key:
        return postings[offsets[at]:offsets[at + 1]]
    return postings[:0]
