"""Soft matching: paragraphs with every term first, then those missing some, as web search does.

Tier 1 is the exact set: every group of the query found (literally or through a synonym).
Below it come the paragraphs that miss some soft groups (unquoted terms without +) or find a
long term only through its words (建会 … 入会 for 建会入会). They are ranked by coverage, the
share of the query's IDF weight they hold (a split term counts SPLIT_CREDIT of its weight),
then by BM25. A paragraph qualifies when it holds at least SHOULD_MATCH of the groups (75 %,
rounded down, at least one: Elasticsearch's minimum_should_match "75%"), every strict group
and at least MIN_COVERAGE of the weight; when nothing qualifies that way the weight floor is
dropped, so a query whose words do occur never answers nothing. Which paragraphs qualify
never depends on the filters, so every facet count equals what its filter returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .generation import Generation
from .scoring import Matcher, Plan, idf, scores

SHOULD_MATCH = 0.75
MIN_COVERAGE = 0.3
SPLIT_CREDIT = 0.7
TIER_EXACT, TIER_SYNONYM, TIER_PARTIAL = 0, 1, 2  # rank groups; partial hits add their coverage rank


@dataclass
class Tiers:
    """Which paragraphs a plan finds, in which tier, and what each partial hit lacks."""

    all_terms: np.ndarray  # tier 1: every group found (today's exact set)
    hits: np.ndarray  # tier 1 and the partial hits
    exact: np.ndarray | None  # tier 1 without synonyms (None: no synonym was used)
    labels: list[str]
    present: list[np.ndarray]  # per group: found literally or through a synonym
    split: list[np.ndarray | None]  # per group: found only through its words
    weights: np.ndarray  # per group: IDF weight in coverage

    def coverage(self, docs: np.ndarray) -> np.ndarray:
        """Return the share of the query's weight each docnum holds (1 for tier 1)."""
        held = np.zeros(len(docs), dtype=np.float64)
        for weight, present, split in zip(self.weights, self.present, self.split):
            held += weight * present[docs]
            if split is not None:
                held += weight * SPLIT_CREDIT * (split[docs] & ~present[docs])
        total = float(self.weights.sum())
        return held / total if total > 0 else np.ones(len(docs))

    def rank_groups(self, docs: np.ndarray) -> np.ndarray:
        """Return each docnum's rank group: exact, synonym-only, then partial hits by coverage."""
        tier = np.full(len(docs), TIER_EXACT, dtype=np.int64)
        if self.exact is not None:
            tier[~self.exact[docs]] = TIER_SYNONYM
        partial = ~self.all_terms[docs]
        if partial.any():
            # Equal coverage (the same terms held) shares a rank; rounding keeps float noise out.
            cover = np.round(self.coverage(docs[partial]), 9)
            tier[partial] = TIER_PARTIAL + np.unique(-cover, return_inverse=True)[1]
        return tier

    def describe(self, docnum: int) -> tuple[list[str], list[str]]:
        """Return (terms not found as typed, those of them found through their words) of one hit."""
        missing, split = [], []
        for label, present, words in zip(self.labels, self.present, self.split):
            if present[docnum]:
                continue
            missing.append(label)
            if words is not None and words[docnum]:
                split.append(label)
        return missing, split


def tiers(generation: Generation, matcher: Matcher, plan: Plan, soft: bool) -> Tiers:
    """Return the tiers of a plan; without ``soft`` (or nothing to loosen) tier 1 is every hit."""
    all_terms, exact = matcher.match(plan)
    groups = plan.tree.includes
    present = [group.mask(matcher) for group in groups]
    split = [group.split_mask(matcher) if soft else None for group in groups]
    n = generation.live_count
    dfs = [int(np.count_nonzero(mask)) for mask in present]
    # A term found nowhere weighs nothing: it cannot tell paragraphs apart (it is still "missing").
    weights = np.array([idf(df, n) if df else 0.0 for df in dfs], dtype=np.float64)
    result = Tiers(all_terms, all_terms, exact, [g.label for g in groups], present, split, weights)
    loosened = len(groups) >= 2 and any(g.soft for g in groups)
    if not soft or not groups or not (loosened or any(s is not None for s in split)):
        return result
    keep = plan.tree.kept(matcher)
    held = np.zeros(generation.size, dtype=np.int16)
    weight = np.zeros(generation.size, dtype=np.float32)  # weight held, per paragraph, as coverage counts it
    for group, found, words, w in zip(groups, present, split, weights):
        if not group.soft:
            keep &= found
            continue
        held += found if words is None else (found | words)
        weight += np.float32(w) * found
        if words is not None:
            weight += np.float32(w * SPLIT_CREDIT) * (words & ~found)
    # Strict groups are all held (keep); the soft ones make up the rest of minimum_should_match.
    needed = max(1, math.floor(SHOULD_MATCH * len(groups))) - sum(not g.soft for g in groups)
    candidates = keep & (held >= max(needed, 0 if loosened else 1)) & ~all_terms
    strict_weight = float(sum(w for g, w in zip(groups, weights) if not g.soft))
    floor = MIN_COVERAGE * float(weights.sum()) - strict_weight
    good = candidates & (weight >= np.float32(floor - 1e-6))
    result.hits = all_terms | (good if good.any() or all_terms.any() else candidates)
    return result


def rank_keys(generation: Generation, matcher: Matcher, plan, found: Tiers, docs: np.ndarray,
              sort: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (score, rank group) of the given docnums: groups order first, scores within them."""
    score = scores(generation, matcher, plan, docs)
    tier = found.rank_groups(docs)
    if sort == "relevance":
        return score, tier
    years = generation.year[docs]
    year_key = np.where(years > 0, -years if sort == "newest" else years, 1 << 20) + (1 << 21)
    # Every term before partial hits, then by year, then exact before synonym (or by coverage);
    # dense ranks keep the group numbers small, so group and score share one float key.
    partial = (tier >= 2).astype(np.int64)
    combined = (partial << 50) | (year_key.astype(np.int64) << 24) | tier
    return score, np.unique(combined, return_inverse=True)[1]


def hit_record(generation: Generation, found: Tiers, docnum: int, score: float) -> dict:
    """Return one hit: the paragraph's fields, its score, and what it lacks of the query."""
    hit = generation.record(docnum)
    hit["score"] = round(score, 4)
    missing, split = found.describe(docnum)
    hit["all_terms"] = bool(found.all_terms[docnum])
    hit["missing"] = missing
    hit["split"] = split
    return hit
