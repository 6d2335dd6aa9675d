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
without the phrase counts 0. The target's paragraphs are counted in runs of adjacent ones, the
whole index's in runs of neighbouring candidates, one count per run; the articles holding a
phrase are looked up paragraph by paragraph only for the phrases that pass the other tests.
The reference's count is the whole index's less the target's, and the whole index's count of a
phrase, which no filter changes, is remembered for the generation's next subsets (and worked out ahead by
``SearchIndex.warm`` for the phrases a sample of the whole index offers).
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_right
from collections import Counter, defaultdict
from weakref import WeakKeyDictionary

import numpy as np

from index.folded_texts import FoldedTexts
from index.normalize import match_form
from index.postings import char_key, lookup

from .generation import Generation, Segment
from .ngrams import CLAUSE_MARK, maximal, word_edges
from .segmenting import words_of_texts

MAX_PARAGRAPHS = 2_000
MAX_CANDIDATES = 200
SIGNIFICANT_LL = 3.84
RAREST = 3  # pieces whose postings are intersected: after these the candidates are mostly real
MERGE_CHARS = 256  # a gap this short is cheaper to count through than to start a new count after
MAX_TOTALS = 100_000  # whole-index phrase counts kept per generation (a few MB)
# A generation never changes, so a phrase's count over all of it holds as long as it is in use.
_TOTALS: WeakKeyDictionary[Generation, dict[str, int]] = WeakKeyDictionary()
_TOTALS_LOCK = threading.Lock()


def _stretches(clause: str, edges: list[int], min_length: int, max_length: int) -> list[str]:
    """Return the stretches of a clause from one word edge to another, ``min_length``–``max_length`` long."""
    return [clause[left:right] for i, left in enumerate(edges)
            for right in edges[i + 1:bisect_right(edges, left + max_length)] if right - left >= min_length]


def candidate_phrases(generation: Generation, docs: np.ndarray, min_length: int, max_length: int,
                      min_articles: int = 1, min_frequency: int = 1) -> dict[str, tuple[int, int]]:
    """Return the word-edged clause stretches of the given paragraphs with (articles using each, its occurrences).

    Only those used by ``min_articles`` articles and ``min_frequency`` times, and holding no digit.
    Every distinct clause is segmented once, all in one jieba call (boilerplate repeats).
    """
    by_article: dict[int, list[str]] = defaultdict(list)
    for docnum in docs.tolist():
        text = generation.folded_text(docnum)
        by_article[int(generation.article_codes[docnum])] += [c for c in CLAUSE_MARK.split(text) if len(c) >= min_length]
    clauses = list(dict.fromkeys(c for found in by_article.values() for c in found))
    stretches = {clause: _stretches(clause, word_edges(clause, words), min_length, max_length)
                 for clause, words in zip(clauses, words_of_texts(clauses))}
    seen: Counter[str] = Counter()
    users: Counter[str] = Counter()
    for found in by_article.values():
        phrases = [p for clause in found for p in stretches[clause]]
        seen.update(phrases)
        users.update(set(phrases))
    return {p: (n, seen[p]) for p, n in users.items()
            if n >= min_articles and seen[p] >= min_frequency and not any(ch.isdigit() for ch in p)}


def key_phrases(generation: Generation, target: np.ndarray, c: float, d: float,
                min_frequency: int, min_articles: int, limit: int,
                min_length: int = 4, max_length: int = 12) -> tuple[list[dict], int]:
    """Return (the phrases key to the target against the rest of the live index, by log-likelihood; target paragraphs read)."""
    from .keyness import log_likelihood, log_ratio

    read, kept = _top_candidates(generation, target, min_length, max_length, min_articles, min_frequency)
    rows = []
    for phrase in kept:
        needle = match_form(phrase)
        if not needle:
            continue
        counted, total, mine = _counts(generation, needle, target)
        a, b = float(counted), float(total - counted)
        if a < min_frequency or a / c <= b / d:
            continue
        ll = float(log_likelihood(np.array([a]), np.array([b]), c, d)[0])
        if ll < SIGNIFICANT_LL:
            continue
        articles = _articles(generation, needle, mine)  # one look per paragraph: only for the phrases kept so far
        if articles < min_articles:
            continue
        ratio = float(log_ratio(np.array([a]), np.array([b]), c, d)[0])
        rows.append({"word": phrase, "frequency": int(a), "reference_frequency": int(b),
                     "per_10k": round(a / c * 10_000, 2), "reference_per_10k": round(b / d * 10_000, 2),
                     "ll": round(ll, 2), "log_ratio": round(ratio, 3) if math.isfinite(ratio) else None,
                     "articles": articles})
    rows.sort(key=lambda r: (-r["ll"], r["word"]))
    return rows[:limit], read


def _top_candidates(generation: Generation, side: np.ndarray, min_length: int, max_length: int,
                    min_articles: int, min_frequency: int) -> tuple[int, list[str]]:
    """Return (paragraphs read, the MAX_CANDIDATES phrases of an even sample of ``side`` used by the most articles)."""
    docs = np.flatnonzero(side)
    if len(docs) > MAX_PARAGRAPHS:
        docs = docs[np.linspace(0, len(docs) - 1, MAX_PARAGRAPHS).astype(np.int64)]
    counts = candidate_phrases(generation, docs, min_length, max_length, min_articles, min_frequency)
    # Only ever part of a longer phrase used as often: the longer one says it (as in recurring phrases).
    kept = maximal(counts)
    kept.sort(key=lambda p: (-counts[p][0], -counts[p][1], p))
    return len(docs), kept[:MAX_CANDIDATES]


def _candidates(segment: Segment, needle: str, scope: np.ndarray | None = None) -> np.ndarray:
    """Return the local docnums (of those ``scope`` flags) holding the needle's rarest two-character pieces.

    Those are all that can hold the needle; the rest of its pieces are left to the count.
    """
    columns = segment.columns
    keys, offsets, docs = columns.char_keys, columns.char_offsets, columns.char_docs
    if len(needle) <= 2:
        found = np.asarray(lookup(keys, offsets, docs, char_key(needle)), dtype=np.int64)
        return found if scope is None else found[scope[found]]
    lists = sorted((np.asarray(lookup(keys, offsets, docs, char_key(needle[i:i + 2])))
                    for i in range(len(needle) - 1)), key=len)
    found = lists[0] if scope is None else lists[0][scope[lists[0]]]
    for other in lists[1:RAREST]:
        if not len(found) or not len(other):
            return found[:0].astype(np.int64)
        at = np.minimum(np.searchsorted(other, found), len(other) - 1)
        found = found[other[at] == found]
    return found.astype(np.int64)


def prepare(generation: Generation, min_articles: int = 2, min_frequency: int = 5) -> None:
    """Count now, over the whole index, the phrases a sample of all of it would offer as candidates.

    Boilerplate phrases are among any subset's candidates, so most of a first subset's whole-index
    counts are then remembered already (the defaults are those of ``unionsearch keywords``).
    """
    _, kept = _top_candidates(generation, generation.live, 4, 12, min_articles, min_frequency)
    nothing = np.zeros(generation.size, dtype=bool)
    for phrase in kept:
        if needle := match_form(phrase):
            _counts(generation, needle, nothing)


def _counts(generation: Generation, needle: str,
            target: np.ndarray) -> tuple[int, int, list[tuple[Segment, np.ndarray]]]:
    """Return the needle's counts (without overlaps) in the target's and in all live paragraphs, and the target's candidates.

    The whole index's count no filter changes: it is remembered for the generation's next subsets.
    """
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def candidates(at: int) -> tuple[np.ndarray, np.ndarray]:
        if at not in found:
            segment = generation.segments[at]
            local = _candidates(segment, needle)
            found[at] = local, generation.live[local + segment.base]
        return found[at]

    def live_total() -> int:
        return sum(_count_runs(segment.folded, needle, *candidates(at), MERGE_CHARS)
                   for at, segment in enumerate(generation.segments))

    with _TOTALS_LOCK:
        totals = _TOTALS.setdefault(generation, {})
        total = totals.get(needle)
    if total is None:
        total = int(live_total())
        with _TOTALS_LOCK:
            totals[needle] = total
            while len(totals) > MAX_TOTALS:
                del totals[next(iter(totals))]  # the earliest counted out first
    in_target, mine_by_segment = 0, []
    for at, segment in enumerate(generation.segments):
        if at in found:  # worked out for the total just now
            local, live = found[at]
            mine = local[target[local + segment.base] & live]
        else:  # the total was remembered: only the target's candidates are wanted
            span = slice(segment.base, segment.base + segment.size)
            mine = _candidates(segment, needle, target[span] & generation.live[span])
        if len(mine):
            # Runs of neighbouring paragraphs only: one between two of the target's may be a candidate outside it.
            in_target += _count_runs(segment.folded, needle, mine, np.ones(len(mine), dtype=bool), 1)
            mine_by_segment.append((segment, mine))
    return in_target, total, mine_by_segment


def _articles(generation: Generation, needle: str, mine: list[tuple[Segment, np.ndarray]]) -> int:
    """Return how many articles hold the needle in the given local docnums of their segments."""
    holding = [local[segment.folded.contains(needle, local)] + segment.base for segment, local in mine]
    return len(np.unique(generation.article_codes[np.concatenate(holding)])) if holding else 0


def _count_runs(folded: FoldedTexts, needle: str, local: np.ndarray, live: np.ndarray, gap: int) -> int:
    """Count the needle in a segment's live paragraphs ``local`` (sorted), those at most ``gap`` characters apart in one count.

    The caller makes sure what lies between two of them counts 0 (no candidates: see _counts).
    A dead one stands alone and is left out. Texts are joined by a NUL, which no needle holds,
    so no occurrence spans two paragraphs.
    """
    if not len(local):
        return 0
    begins, ends = folded.starts[local], folded.starts[local] + folded.lengths[local]
    joined = (begins[1:] - ends[:-1] <= gap) & live[1:] & live[:-1]
    first = np.flatnonzero(np.concatenate([[True], ~joined]))
    last = np.append(first[1:], len(local)) - 1
    keep = live[first]
    return sum(folded.count(needle, local[first[keep]], local[last[keep]]))
