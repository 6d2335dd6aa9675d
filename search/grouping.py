"""Group by article (按文档归并): one hit per article, its best paragraph, and how many it has."""

from __future__ import annotations

import numpy as np

from .generation import Generation
from .scoring import Matcher, Plan
from .soft import Tiers, hit_record, rank_keys


def page_by_article(generation: Generation, matcher: Matcher, plan: Plan, found: Tiers,
                    selected: np.ndarray, request) -> tuple[list[dict], int]:
    """Return (the page's hits, one per article, and the number of articles with a hit).

    An article ranks where its best paragraph ranks in the ungrouped order; each hit carries
    ``article_hits``, the article's paragraphs among all the hits.
    """
    docs = np.flatnonzero(selected)
    if not len(docs):
        return [], 0
    score, group = rank_keys(generation, matcher, plan, found, docs, request.sort)
    ranked = np.lexsort((docs, -score, group))
    articles = generation.article_codes[docs[ranked]]
    codes, first, counts = np.unique(articles, return_index=True, return_counts=True)
    best = np.argsort(first, kind="stable")
    start = (request.page - 1) * request.per_page
    page = best[start:start + request.per_page]
    hits = []
    for at in page.tolist():
        place = int(ranked[first[at]])
        hit = hit_record(generation, found, int(docs[place]), float(score[place]))
        hit["article_hits"] = int(counts[at])
        hits.append(hit)
    return hits, len(codes)
