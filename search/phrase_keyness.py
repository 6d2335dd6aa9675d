"""Keyness of phrases: the recurring 4–12 character phrases characteristic of a subset against the rest.

Candidates come from the target's own text (an even sample of at most ``MAX_PARAGRAPHS``
paragraphs): every stretch of a clause that starts and ends on jieba word edges, as the recurring
phrases of search/ngrams.py, used by at least ``min_articles`` articles of the sample and not
only ever part of a longer one. The ``MAX_CANDIDATES`` used by the most articles are then counted
exactly, literally, over the whole target and the whole reference, and ranked by the same
log-likelihood and log ratio as words (search/keyness.py), per words of each side. Phrases with
a digit are left out, as numbers are for words. Only key phrases are listed: the ones a subset
lacks would need candidates from the whole rest of the index.

Counting reads only the paragraphs holding a phrase's rarest two-character pieces (the others
cannot hold it, so counting them would add nothing) and needs no literal match first: a paragraph
without the phrase counts 0. The target's paragraphs are counted one by one (their articles are
wanted); the whole index's in runs of neighbouring paragraphs, one count per run. The reference's
count is the whole index's less the target's, and the whole index's count of a phrase, which no
filter changes, is remembered by the generation for the next subset.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import repeat

import numpy as np

from index.folded_texts import FoldedTexts
from index.normalize import match_form
from index.postings import char_key, lookup

from .generation import Generation, Segment
from .ngrams import CLAUSE_MARKS, _boundaries, _maximal

MAX_PARAGRAPHS = 2_000
MAX_CANDIDATES = 200
SIGNIFICANT_LL = 3.84
RAREST = 3  # pieces whose postings are intersected: after these the candidates are mostly real
MERGE_CHARS = 256  # a gap this short is cheaper to count through than to start a new count after


def _clauses(text: str) -> list[str]:
    """Return the clauses of a folded paragraph text, split at the clause marks."""
    clauses, current = [], []
    for char in text:
        if char in CLAUSE_MARKS:
            clauses.append("".join(current))
            current = []
        else:
            current.append(char)
    clauses.append("".join(current))
    return [c for c in clauses if c]


def candidate_phrases(generation: Generation, docs: np.ndarray, min_length: int,
                      max_length: int) -> dict[str, tuple[int, int]]:
    """Return the word-edged clause stretches of the given paragraphs with (articles using each, its occurrences)."""
    uses: dict[str, set[int]] = defaultdict(set)
    seen: dict[str, int] = defaultdict(int)
    for docnum in docs.tolist():
        segment, local = generation.locate(docnum)
        begin = int(segment.folded.starts[local])
        text = segment.folded.text()[begin:begin + int(segment.folded.lengths[local])]
        article = int(generation.article_codes[docnum])
        for clause in _clauses(text):
            if len(clause) < min_length:
                continue
            edges = sorted(_boundaries(clause))
            for i, left in enumerate(edges):
                for right in edges[i + 1:]:
                    if right - left > max_length:
                        break
                    if right - left >= min_length:
                        phrase = clause[left:right]
                        uses[phrase].add(article)
                        seen[phrase] += 1
    return {p: (len(a), seen[p]) for p, a in uses.items() if not any(ch.isdigit() for ch in p)}


def key_phrases(generation: Generation, target: np.ndarray, c: float, d: float,
                min_frequency: int, min_articles: int, limit: int,
                min_length: int = 4, max_length: int = 12) -> tuple[list[dict], int]:
    """Return (the phrases key to the target against the rest of the live index, by log-likelihood; target paragraphs read)."""
    from .keyness import log_likelihood, log_ratio

    docs = np.flatnonzero(target)
    if len(docs) > MAX_PARAGRAPHS:
        docs = docs[np.linspace(0, len(docs) - 1, MAX_PARAGRAPHS).astype(np.int64)]
    counts = candidate_phrases(generation, docs, min_length, max_length)
    # Only ever part of a longer phrase used as often: the longer one says it (as in recurring phrases).
    kept = _maximal({p: n for p, n in counts.items() if n[0] >= min_articles and n[1] >= min_frequency})
    kept.sort(key=lambda p: (-counts[p][0], -counts[p][1], p))
    rows = []
    for phrase in kept[:MAX_CANDIDATES]:
        needle = match_form(phrase)
        if not needle:
            continue
        counted, total, inside = _counts(generation, needle, target)
        a, b = float(counted), float(total - counted)
        articles = len(np.unique(generation.article_codes[inside]))
        if a < min_frequency or articles < min_articles or a / c <= b / d:
            continue
        ll = float(log_likelihood(np.array([a]), np.array([b]), c, d)[0])
        if ll < SIGNIFICANT_LL:
            continue
        ratio = float(log_ratio(np.array([a]), np.array([b]), c, d)[0])
        rows.append({"word": phrase, "frequency": int(a), "reference_frequency": int(b),
                     "per_10k": round(a / c * 10_000, 2), "reference_per_10k": round(b / d * 10_000, 2),
                     "ll": round(ll, 2), "log_ratio": round(ratio, 3) if math.isfinite(ratio) else None,
                     "articles": articles})
    rows.sort(key=lambda r: (-r["ll"], r["word"]))
    return rows[:limit], len(docs)


def _candidates(segment: Segment, needle: str) -> np.ndarray:
    """Return the local docnums holding the needle's rarest two-character pieces: all that can hold it."""
    columns = segment.columns
    keys, offsets, docs = columns.char_keys, columns.char_offsets, columns.char_docs
    if len(needle) <= 2:
        return np.asarray(lookup(keys, offsets, docs, char_key(needle)), dtype=np.int64)
    lists = sorted((np.asarray(lookup(keys, offsets, docs, char_key(needle[i:i + 2])))
                    for i in range(len(needle) - 1)), key=len)
    found = lists[0]
    for other in lists[1:RAREST]:
        if not len(found) or not len(other):
            return found[:0].astype(np.int64)
        at = np.minimum(np.searchsorted(other, found), len(other) - 1)
        found = found[other[at] == found]
    return found.astype(np.int64)


def _counts(generation: Generation, needle: str, target: np.ndarray) -> tuple[int, int, np.ndarray]:
    """Return the needle's counts (without overlaps) in the target's and in all live paragraphs, and the target's holding it.

    The whole index's count no filter changes: the generation remembers it for the next subset.
    """
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def candidates(at: int) -> tuple[np.ndarray, np.ndarray]:
        if at not in found:
            segment = generation.segments[at]
            local = _candidates(segment, needle)
            found[at] = local, generation.live[local + segment.base]
        return found[at]

    def live_total() -> tuple[np.ndarray]:
        return (np.array([sum(_count_runs(segment.folded, needle, *candidates(at))
                              for at, segment in enumerate(generation.segments))], dtype=np.int64),)

    total = int(generation.remember(("phrase_total", needle), live_total)[0][0])
    in_target, holding = 0, []
    for at, segment in enumerate(generation.segments):
        local, live = candidates(at)
        mine = local[target[local + segment.base] & live]
        if not len(mine):
            continue
        folded = segment.folded
        begins = folded.starts[mine]
        counts = np.array(list(map(folded.text().count, repeat(needle, len(mine)), begins.tolist(),
                                   (begins + folded.lengths[mine]).tolist())), dtype=np.int64)
        in_target += int(counts.sum())
        holding.append(mine[counts > 0] + segment.base)
    return in_target, total, np.concatenate(holding) if holding else np.zeros(0, dtype=np.int64)


def _count_runs(folded: FoldedTexts, needle: str, local: np.ndarray, live: np.ndarray) -> int:
    """Count the needle in a segment's live candidates, neighbouring ones in one count.

    A run may cross paragraphs that are no candidates (they count 0) but never a dead one that
    is: a dead candidate stands alone and is left out. Texts are joined by a NUL, which no needle
    holds, so no occurrence spans two paragraphs.
    """
    if not len(local):
        return 0
    begins, ends = folded.starts[local], folded.starts[local] + folded.lengths[local]
    joined = (begins[1:] - ends[:-1] <= MERGE_CHARS) & live[1:] & live[:-1]
    first = np.flatnonzero(np.concatenate([[True], ~joined]))
    last = np.append(first[1:], len(local)) - 1
    keep = live[first]
    return sum(map(folded.text().count, repeat(needle, int(keep.sum())), begins[first[keep]].tolist(),
                   ends[last[keep]].tolist()))
