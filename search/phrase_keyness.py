"""Keyness of phrases: the recurring 4–12 character phrases characteristic of a subset against the rest.

Candidates come from the target's own text (an even sample of at most ``MAX_PARAGRAPHS``
paragraphs): every stretch of a clause that starts and ends on jieba word edges, as the recurring
phrases of search/ngrams.py, used by at least ``min_articles`` articles of the sample and not
only ever part of a longer one. The ``MAX_CANDIDATES`` used by the most articles are then counted
exactly, literally, over the whole target and the whole reference, and ranked by the same
log-likelihood and log ratio as words (search/keyness.py), per words of each side. Phrases with
a digit are left out, as numbers are for words. Only key phrases are listed: the ones a subset
lacks would need candidates from the whole rest of the index.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from .generation import Generation
from .ngrams import CLAUSE_MARKS, _boundaries, _maximal

MAX_PARAGRAPHS = 2_000
MAX_CANDIDATES = 200
SIGNIFICANT_LL = 3.84


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


def key_phrases(generation: Generation, target: np.ndarray, reference: np.ndarray, c: float, d: float,
                min_frequency: int, min_articles: int, limit: int,
                min_length: int = 4, max_length: int = 12) -> tuple[list[dict], int]:
    """Return (the phrases key to the target, ranked by log-likelihood; how many target paragraphs were read)."""
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
        mask = generation.literal_mask(phrase)
        if mask is None:
            continue
        inside, outside = np.flatnonzero(mask & target), np.flatnonzero(mask & reference)
        a = float(generation.occurrence_counts(phrase, inside)[1].sum())
        b = float(generation.occurrence_counts(phrase, outside)[1].sum())
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
