"""BM25 weights of a word are remembered per generation: same scores, bounded memory."""

from __future__ import annotations

import numpy as np

from search import generation as generation_module
from search.engine import SearchIndex, SearchRequest
from search.scoring import bm25, word_weights


def test_remembered_weights_equal_the_formula(sample_index):
    """The remembered weights are BM25 of the word's postings, and the second call returns the same arrays."""
    generation = SearchIndex(sample_index).generation()
    posted, tf = generation.word_postings("职工")
    docs, weights = word_weights(generation, "职工")
    assert len(posted) > 50
    assert np.array_equal(docs, posted)
    assert np.array_equal(weights, bm25(generation, posted, tf, len(posted)))
    again = word_weights(generation, "职工")
    assert again[0] is docs and again[1] is weights
    assert not weights.flags.writeable


def test_remembered_arrays_stay_within_the_budget(sample_index, monkeypatch):
    """Past REMEMBERED_BYTES the least recently used word is dropped first."""
    generation = SearchIndex(sample_index).generation()
    one = word_weights(generation, "工会")
    size = sum(array.nbytes for array in one)
    monkeypatch.setattr(generation_module, "REMEMBERED_BYTES", size + 1)
    word_weights(generation, "职工")
    assert ("bm25", "工会") not in generation._remembered
    assert list(generation._remembered) == [("bm25", "职工")]


def test_repeated_search_ranks_the_same(sample_index):
    """A search run twice on one generation (weights remembered the second time) gives the same page."""
    index = SearchIndex(sample_index)
    request = SearchRequest(q="职工 服务", per_page=20, semantic=False)
    first = index.search(request)
    second = index.search(request)
    assert first["total"] > 20
    assert [h["id"] for h in first["hits"]] == [h["id"] for h in second["hits"]]
    assert first["hits"] == second["hits"]
