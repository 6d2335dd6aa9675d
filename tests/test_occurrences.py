"""A literal's occurrences in a selection (search/occurrences.py), read from its kept counts or counted, against brute force."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import search.occurrences as occurrences
from search.occurrences import counts_in, stretch_counts
from tests.search_fixtures import engine, oracle, squeeze  # noqa: F401


def _by_article(generation, docs: np.ndarray, counts: np.ndarray) -> Counter:
    out = Counter()
    for doc, n in zip(docs.tolist(), counts.tolist()):
        out[int(generation.article_codes[doc])] += n
    return +out


def _expected(generation, oracle, word: str, docs: np.ndarray) -> Counter:
    out = Counter()
    for doc in docs.tolist():
        out[int(generation.article_codes[doc])] += oracle.squeezed[generation.record(doc)["id"]].count(squeeze(word))
    return +out


@pytest.mark.parametrize("word", ["劳模", "工会", "职工书屋", "不在任何段落里"])
def test_stretches_cover_the_literal_s_paragraphs_with_their_counts(engine, oracle, word):
    generation = engine.generation()
    firsts, lasts, counts = stretch_counts(generation, word)
    holding = {pid for pid, text in oracle.squeezed.items() if squeeze(word) in text}
    covered = [d for f, l in zip(firsts.tolist(), lasts.tolist()) for d in range(f, l + 1)]
    assert {generation.record(d)["id"] for d in covered} == holding and len(covered) == len(holding)
    assert all(len({int(generation.article_codes[d]) for d in range(f, l + 1)}) == 1
               for f, l in zip(firsts.tolist(), lasts.tolist()))
    assert int(counts.sum()) == sum(oracle.squeezed[pid].count(squeeze(word)) for pid in holding)
    assert not counts.flags.writeable


@pytest.mark.parametrize("read_ahead", [0, 1_000_000])
@pytest.mark.parametrize("keep", ["all", "every third", "湖北省"])
def test_both_ways_agree_article_by_article(engine, oracle, monkeypatch, read_ahead, keep):
    monkeypatch.setattr(occurrences, "READ_AHEAD", read_ahead)  # 0: counted; else read from the kept counts
    generation = engine.generation()
    docs = np.flatnonzero(generation.live)
    if keep == "every third":  # cuts stretches
        docs = docs[::3]
    elif keep == "湖北省":  # keeps or drops them whole
        codes, values = generation.facets.codes["province"], generation.facets.values["province"]
        docs = docs[codes[docs] == values.index(keep)]
    for word in ("工会", "劳模"):
        got = counts_in(generation, word, docs)
        expected = _expected(generation, oracle, word, docs)
        assert _by_article(generation, docs, got) == expected and sum(expected.values()) > 0
