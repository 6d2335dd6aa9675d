"""BM25 weights of a word are remembered per generation: same scores, bounded memory."""

from __future__ import annotations

import numpy as np

from search import generation as generation_module
from search.engine import SearchIndex, SearchRequest
from search.patterns import to_patterns
from search.query import parse_query
from search.scoring import Matcher, bm25, plan_query, scores, word_weights


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


def test_scoring_through_the_tree_reads_each_words_postings_once(sample_index, monkeypatch):
    """Every node's words (terms, synonyms, split words, related words) are read once per generation."""
    index = SearchIndex(sample_index)
    generation = index.generation()
    read: list[str] = []
    postings = generation.word_postings
    monkeypatch.setattr(generation, "word_postings", lambda word: read.append(word) or postings(word))
    plan = plan_query(to_patterns(parse_query("职工 OR 员工 服务 建会入会")), index.synonyms, split=True)
    plan.extra.append(("工会", 0.15))
    docs = np.flatnonzero(generation.live)
    first = scores(generation, Matcher(generation), plan, docs)
    assert {"职工", "服务", "建会", "入会", "工会"} <= set(read)
    assert len(read) == len(set(read))
    seen = len(read)
    second = scores(generation, Matcher(generation), plan, docs)
    assert len(read) == seen  # all remembered
    assert np.array_equal(first, second) and first.max() > 0


def test_two_threads_asking_for_the_same_key_compute_it_once(sample_index):
    import threading
    import time

    generation = SearchIndex(sample_index).generation()
    calls = []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.2)  # long enough for the second thread to ask meanwhile
        return (np.arange(10),)

    results = [None, None]

    def ask(at):
        results[at] = generation.remember(("test", "same key"), compute)

    threads = [threading.Thread(target=ask, args=(at,)) for at in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results[0] is results[1] and list(results[0][0]) == list(range(10))
    assert generation._computing == {}  # nothing left behind
    other = generation.remember(("test", "another key"), lambda: (np.zeros(3),))
    assert len(calls) == 1 and list(other[0]) == [0.0, 0.0, 0.0]
