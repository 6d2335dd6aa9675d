"""Occurrence counts of a selection (search/concordance.count_occurrences) are kept per generation, per selection."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine import SearchRequest
from search.concordance import count_occurrences, needles_of
from search.patterns import STAR
from tests.search_fixtures import engine, oracle, squeeze  # noqa: F401


def _counts(engine, q: str):
    selection = engine.select(SearchRequest(q=q, synonyms=False))
    docs = np.flatnonzero(selection.selected)
    return selection.generation, needles_of(selection), docs, count_occurrences(selection.generation, needles_of(selection), docs)


def test_the_same_selection_is_counted_once_and_a_narrower_one_on_its_own(engine, oracle):
    generation, needles, docs, (firsts, counts) = _counts(engine, "劳模")
    again = count_occurrences(generation, needles, docs)
    assert again[0] is firsts and again[1] is counts and not counts.flags.writeable
    assert int(counts.sum()) == sum(text.count("劳模") for text in oracle.squeezed.values())
    _, _, narrow_docs, (_, narrow) = _counts(engine, "劳模 省:湖北")
    hubei = oracle.where(province="湖北省")
    assert len(narrow_docs) < len(docs)
    assert int(narrow.sum()) == sum(oracle.squeezed[pid].count(squeeze("劳模")) for pid in hubei) > 0
    # The same docs with another needle list is another count.
    _, other_needles, _, _ = _counts(engine, "工会")
    other = count_occurrences(generation, other_needles, docs)
    assert int(other[1].sum()) == sum(oracle.squeezed[generation.record(int(d))["id"]].count("工会") for d in docs)


@pytest.mark.parametrize("forms", [["劳模"], ["劳模", "劳动模范"], ["职工书屋", "职工书吧", "职工阅览室"], ["劳模", "精神", "书屋"],
                                   ["工会", "总工会"], ["职工", "工会"], [f"抓{STAR}到位"]])
def test_one_scan_finds_what_resolving_finds(oracle, forms):
    from search.highlight import resolve_occurrences
    from search.concordance import _disjoint_finder

    find = _disjoint_finder(forms)
    overlapping = forms in (["工会", "总工会"], ["职工", "工会"], [f"抓{STAR}到位"])  # contained, 职工会, a pattern
    assert (find is None) == overlapping
    if find is None:
        return
    found = 0
    for text in oracle.squeezed.values():
        spans = find(text)
        assert spans == resolve_occurrences(text, forms, [0] + [1] * (len(forms) - 1))
        found += len(spans)
    assert found > 0
