"""Which paragraphs a parsed query matches, and how they rank — vectorised over a generation.

Matching is literal: a paragraph matches a term when its folded text, without white space,
contains the term (or, for an unquoted term, one of its synonyms). Ranking, for each typed term
and, more weakly, each synonym used:

    BM25 of the term's words in the paragraph
    + TITLE_BONUS when the article title contains the term
    + SECTION_BONUS when a heading above the paragraph, or the paragraph as a heading, contains it
plus ADJACENT_BONUS when the typed terms stand side by side (职工 书屋 → 职工书屋), all scaled by a
small preference for newer documents (at most RECENCY_CAP). Paragraphs found only through a
synonym come after every exact match, whatever their score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from index.analysis import segment

from .generation import Generation
from .patterns import pattern_mask
from .query import ParsedQuery
from .synonyms import Synonyms

K1, B = 1.2, 0.75
TITLE_BONUS = 2.0
SECTION_BONUS = 1.5
ADJACENT_BONUS = 2.0
SYNONYM_WEIGHT = 0.4
RECENCY_WEIGHT = 0.02
RECENCY_CAP = 0.1


@dataclass
class Plan:
    """A parsed query turned into literals to match and weighted texts to rank by."""

    groups: list[list[tuple[str, bool]]]  # ANDed groups of (literal, exact) alternatives
    excluded: list[str]
    rank: list[tuple[str, float]]  # (text, weight)
    adjacent: str | None
    literals: list[str]
    expansions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def uses_synonyms(self) -> bool:
        """Return True when some alternative came from the synonym list."""
        return bool(self.expansions)


def plan_query(parsed: ParsedQuery, synonyms: Synonyms | None) -> Plan:
    """Return the matching and ranking plan of a parsed query (synonyms None: no expansion)."""
    plan = Plan(groups=[], excluded=[t.text for t in parsed.excluded], rank=[], adjacent=None, literals=[])
    for group in parsed.groups:
        alternatives: list[tuple[str, bool]] = []
        for term in group:
            alternatives.append((term.text, True))
            plan.rank.append((term.text, 1.0))
            # A quoted phrase means exactly these characters: it is never expanded.
            used = synonyms.expand(term.text) if synonyms is not None and not term.phrase else []
            for alternative in used:
                alternatives.append((alternative, False))
                plan.rank.append((alternative, SYNONYM_WEIGHT))
            if used:
                plan.expansions[term.text] = list(used)
        plan.groups.append(alternatives)
    plan.literals = list(dict.fromkeys(text for group in plan.groups for text, _ in group))
    singles = [group[0].text for group in parsed.groups if len(group) == 1]
    if len(singles) >= 2:
        plan.adjacent = "".join(singles)
    return plan


class Matcher:
    """Literal masks of one plan over one generation, each computed once."""

    def __init__(self, generation: Generation) -> None:
        self.generation = generation
        self._masks: dict[str, np.ndarray] = {}

    def literal(self, text: str) -> np.ndarray:
        """Return the live paragraphs containing ``text`` (none for an empty literal)."""
        if text not in self._masks:
            mask = pattern_mask(self.generation, text)  # None unless a 句式 pattern (search/patterns.py)
            if mask is None:
                mask = self.generation.literal_mask(text)
            self._masks[text] = mask if mask is not None else np.zeros(self.generation.size, dtype=bool)
        return self._masks[text]

    def match(self, plan: Plan) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (matched, exact): all matches, and when synonyms were used those without them."""
        generation = self.generation
        matched = generation.live.copy()
        exact = generation.live.copy() if plan.uses_synonyms else None
        for group in plan.groups:
            any_mask = np.zeros(generation.size, dtype=bool)
            exact_mask = np.zeros(generation.size, dtype=bool)
            for text, is_exact in group:
                mask = self.literal(text)
                any_mask |= mask
                if is_exact:
                    exact_mask |= mask
            matched &= any_mask
            if exact is not None:
                exact &= exact_mask
        for text in plan.excluded:
            mask = self.literal(text)
            matched &= ~mask
            if exact is not None:
                exact &= ~mask
        return matched, exact


def idf(df: int, n: int) -> float:
    """Return BM25's inverse document frequency."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _length_norms(generation: Generation) -> np.ndarray:
    return K1 * (1.0 - B + B * generation.doc_len / generation.avgdl)


def _recency(generation: Generation) -> np.ndarray:
    return recency(generation.year, generation.oldest_year)


DERIVED = {"bm25_norm": _length_norms, "recency": _recency}  # per-generation arrays scoring uses


def bm25(generation: Generation, docs: np.ndarray, tf: np.ndarray, df: int) -> np.ndarray:
    """Return one word's BM25 weight in each of the given docnums, where it occurs ``tf`` times."""
    norm = generation.derived("bm25_norm", DERIVED["bm25_norm"])[docs]
    return idf(df, generation.live_count) * tf * (K1 + 1.0) / (tf + norm)


def scores(generation: Generation, matcher: Matcher, plan: Plan, docs: np.ndarray) -> np.ndarray:
    """Return the scores of the given docnums (sorted, live), in their order."""
    acc = np.zeros(len(docs), dtype=np.float64)
    heading = generation.is_heading[docs]
    # Many selected paragraphs: add word scores over all docnums, then pick; fewer: find each
    # posting's place among them (slot: docnum → place, -1 when not selected); few: look them up.
    full = np.zeros(generation.size) if len(docs) * 4 > generation.size else None
    slot = None
    for text, weight in plan.rank:
        for word in segment(text):
            posted, tf = generation.word_postings(word)
            if not len(posted):
                continue
            if full is not None:
                full[posted] += weight * bm25(generation, posted, tf, len(posted))
                continue
            if len(docs) * 16 < len(posted):
                at = np.searchsorted(posted, docs)
                found = at < len(posted)
                found[found] = posted[at[found]] == docs[found]
                targets, hits, tf = np.flatnonzero(found), docs[found], tf[at[found]]
            else:
                if slot is None:
                    slot = np.full(generation.size, -1, dtype=np.int32)
                    slot[docs] = np.arange(len(docs), dtype=np.int32)
                at = slot[posted]
                found = at >= 0
                targets, hits, tf = at[found], posted[found], tf[found]
            acc[targets] += weight * bm25(generation, hits, tf, len(posted))
        acc += weight * TITLE_BONUS * generation.title_mask(text, docs)
        under = generation.section_mask(text, docs) | (heading & matcher.literal(text)[docs])
        acc += weight * SECTION_BONUS * under
    if full is not None:
        acc += full[docs]
    if plan.adjacent:
        acc += ADJACENT_BONUS * matcher.literal(plan.adjacent)[docs]
    return acc * generation.derived("recency", DERIVED["recency"])[docs]


def recency(years: np.ndarray, oldest: int | None = None) -> np.ndarray:
    """Return the multiplier that prefers newer documents: 1 for the oldest, at most 1 + RECENCY_CAP."""
    if oldest is None:
        dated = years[years > 0]
        oldest = int(dated.min()) if len(dated) else 0
    boost = np.minimum(RECENCY_CAP, RECENCY_WEIGHT * np.maximum(years - oldest, 0))
    return np.where(years > 0, 1.0 + boost, 1.0)


def order(docs: np.ndarray, score: np.ndarray, group: np.ndarray, count: int) -> np.ndarray:
    """Return the first ``count`` docs by (group, score descending, docnum): a total, stable order."""
    if count <= 0 or not len(docs):
        return docs[:0]
    if len(docs) > 4 * count and len(docs) > 2048:
        # Keep only what can reach the page: groups up to the count-th, scores up to its score.
        key = group.astype(np.float64) * 1e6 - score
        kth = np.partition(key, count - 1)[count - 1]
        keep = key <= kth
        docs, score, group = docs[keep], score[keep], group[keep]
    ranked = np.lexsort((docs, -score, group))
    return docs[ranked[:count]]
