"""Parallel heading sets: each matching 小标题 shown with its sibling headings of the same section.

Writers look for how others built a set of parallel headings (一、坚持… 二、聚焦… 三、突出…). A
heading's section is its parent's path, so the headings of one article under the same parent
section are siblings: for every group holding a heading the request matches, all of them are
listed in article order, the matching ones marked.
"""

from __future__ import annotations

import numpy as np

from .engine import SearchIndex, SearchRequest
from .errors import QueryError
from .concordance import describe

MAX_SETS = 50


def heading_sets(index: SearchIndex, q: str, filters: dict[str, list[str]] | None = None, synonyms: bool = True,
                 limit: int = MAX_SETS) -> dict:
    """Return the sibling sets of the headings the request matches, most matched headings first."""
    selection = index.select(SearchRequest(q=q, filters=filters or {}, synonyms=synonyms))
    if not selection.parsed.tree.includes:
        raise QueryError("并列小标题需要一个检索词", hint="例如：坚持 类型:小标题")
    generation = selection.generation
    facets = generation.facets
    kinds = facets.values["kind"]
    headings = generation.live & np.isin(facets.codes["kind"], [i for i, v in enumerate(kinds) if v == "heading"])
    matched = np.flatnonzero(selection.selected & headings)
    keys = generation.article_codes[matched].astype(np.int64) * (len(generation.section_values) + 1) \
        + generation.section_codes[matched]
    groups, first, counts = np.unique(keys, return_index=True, return_counts=True)
    # Most matched headings first; among equals, in index order (the first match's docnum).
    ranked = np.lexsort((matched[first], -counts))
    sets = []
    matched_set = set(matched.tolist())
    for at in ranked[:limit].tolist():
        docnum = int(matched[first[at]])
        article, section = int(generation.article_codes[docnum]), int(generation.section_codes[docnum])
        siblings = np.flatnonzero(headings & (generation.article_codes == article) & (generation.section_codes == section))
        siblings = siblings[np.argsort(generation.position[siblings], kind="stable")]
        record = generation.record(docnum)
        sets.append({
            "article_id": record["article_id"], "title": record["title"], "province": record["province"],
            "year": record["year"], "section": record["section"], "matched": int(counts[at]),
            "headings": [{"id": generation.record(int(d))["id"], "text": generation.text(int(d)),
                          "matched": int(d) in matched_set} for d in siblings.tolist()],
        })
    return {"query": describe(selection), "total_headings": len(matched), "total_sets": len(groups),
            "sets": sets, "filters": selection.resolved, "notices": selection.notices}
