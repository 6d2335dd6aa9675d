"""Related words (相关词): words that share paragraphs with the query's words, from the index itself.

Each segment's columns counts which words share paragraphs (index/cooccurrence.py); a
generation adds up its segments' counts word by word, when a query first asks for a word.
A partner ranks by log(1 + shared) × PMI, PMI = log(N·shared / (df(word)·df(partner))), summed
over the query's words: frequent and specific companions first. The query's own words, their
synonyms and words inside them are never suggested (the synonym list wins), nor a word inside a
better candidate.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import defaultdict

from index.analysis import segment
from index.normalize import match_form

from .generation import Generation
from .scoring import Plan
from .synonyms import Synonyms

SHOWN = 8  # related words listed beside the results
EXPANDED = 3  # of them, added to the ranking when asked
RELATED_WEIGHT = 0.15
MIN_SCORE = 0.5
MIN_SHARED = 2  # paragraphs a word and its partner must share, over all segments
CANDIDATES = 40  # best-scored partners considered for the list
_CACHE_WORDS = 4096
_partners_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _df(segment_, term_id: int) -> int:
    span = segment_.columns.word_span(term_id)
    return 0 if span is None else span.stop - span.start


def partners(generation: Generation, word: str) -> tuple[int, dict[str, tuple[int, int]]]:
    """Return (df of ``word``, {partner: (paragraphs shared, df of partner)}) over the generation."""
    with _lock:
        cache = _partners_cache.setdefault(generation, {})
        if word in cache:
            return cache[word]
    df = 0
    shared: defaultdict[str, int] = defaultdict(int)
    for part in generation.segments:
        term_id = part.vocab.get(word)
        if term_id is None:
            continue
        df += _df(part, term_id)
        # A segment written before co-occurrence was counted has no partners: no related words from it.
        found, counts = part.columns.partners(term_id)
        vocab = part.columns.vocab
        for partner, count in zip(found.tolist(), counts.tolist()):
            shared[vocab[partner]] += count
    result = {}
    for partner, count in shared.items():
        partner_df = sum(_df(p, p.vocab[partner]) for p in generation.segments if partner in p.vocab)
        result[partner] = (count, partner_df)
    entry = (df, result)
    with _lock:
        if len(cache) < _CACHE_WORDS:
            cache[word] = entry
    return entry


def related_words(generation: Generation, plan: Plan, synonyms: Synonyms | None, limit: int = SHOWN) -> list[str]:
    """Return up to ``limit`` words related to the query's terms, best first."""
    terms = [leaf.text for leaf in plan.tree.leaves()]
    if not terms:
        return []
    words = list(dict.fromkeys(w for text in terms for w in [match_form(text), *segment(text)] if len(w) >= 2))
    blocked = {match_form(t) for t in terms}
    if synonyms is not None:
        blocked |= {match_form(s) for t in terms for s in synonyms.expand(t)}
    n = max(generation.live_count, 1)
    score: defaultdict[str, float] = defaultdict(float)
    for word in words:
        df, found = partners(generation, word)
        if not df:
            continue
        for partner, (count, partner_df) in found.items():
            if count < MIN_SHARED:
                continue
            pmi = math.log(n * count / (df * max(partner_df, 1)))
            if pmi > 0:
                score[partner] += math.log1p(count) * pmi
    ranked = [p for p, value in sorted(score.items(), key=lambda item: (-item[1], item[0])) if value >= MIN_SCORE]
    candidates = ranked[:CANDIDATES]
    listed = []
    for partner in candidates:
        if partner in blocked or any(partner in b or b in partner for b in blocked):
            continue
        # Index words include the dictionary words inside longer ones (体协 in 集体协商): the longer one is shown.
        if any(partner != other and partner in other for other in candidates):
            continue
        listed.append(partner)
        if len(listed) == limit:
            break
    return listed


def expansion_words(related: list[str], plan: Plan) -> list[str]:
    """Return the related words added to the ranking: none for a query whose terms have synonyms."""
    if plan.uses_synonyms:
        return []
    return related[:EXPANDED]
