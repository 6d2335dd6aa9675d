"""Word frequencies over a set of paragraphs (search/word_counts.py) against one postings read per word."""

from __future__ import annotations

import numpy as np
import pytest

from search.word_counts import word_frequencies
from tests.search_fixtures import engine, oracle  # noqa: F401

WORDS = ["劳模", "工会", "职工", "精神", "的", "职工书屋", "不在索引里的词"]


def one_by_one(generation, words: list[str], scope: np.ndarray) -> dict[str, int]:
    out = {}
    for word in words:
        posted, tf = generation.word_postings(word)
        out[word] = int(tf[scope[posted]].sum())
    return out


@pytest.mark.parametrize("keep", ["all", "half", "province", "none"])
def test_frequencies_match_the_postings_word_by_word(engine, keep):
    generation = engine.generation()
    scope = generation.live.copy()
    if keep == "half":
        scope[::2] = False
    elif keep == "province":
        codes, values = generation.facets.codes["province"], generation.facets.values["province"]
        scope &= codes == values.index("湖北省")
    elif keep == "none":
        scope[:] = False
    got = word_frequencies(generation, WORDS, scope)
    expected = one_by_one(generation, WORDS, scope)
    assert got == expected
    assert got["不在索引里的词"] == 0
    if keep == "all":
        assert got["劳模"] > 0 and got["工会"] > got["劳模"]
    if keep == "none":
        assert set(got.values()) == {0}


def test_frequencies_of_words_the_oracle_counts(engine, oracle):
    from collections import Counter

    from index.analysis import index_words

    corpus = Counter()
    for doc in oracle.stored.values():
        corpus.update(index_words(doc["text"]))
    generation = engine.generation()
    got = word_frequencies(generation, WORDS, generation.live.copy())
    assert got == {word: corpus[word] for word in WORDS}


@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_the_three_ways_agree_segment_by_segment(engine, step):
    from search.word_counts import _positions, _scoped_sums, _term_sums, _token_counts

    generation = engine.generation()
    scope = generation.live.copy()
    scope[::step] = False if step > 1 else scope[::step]
    expected = one_by_one(generation, WORDS, scope)
    ways = {"postings": [], "inside": [], "outside": []}
    for segment in generation.segments:
        which, where = _positions(segment, WORDS)
        local = scope[segment.base:segment.base + segment.size]
        for name, counts in (("postings", _scoped_sums(segment, where, scope)),
                             ("inside", _token_counts(segment, local, where)),
                             ("outside", _term_sums(segment, where) - _token_counts(segment, ~local, where))):
            ways[name].append(dict(zip((WORDS[i] for i in which.tolist()), counts.tolist())))
    for name, parts in ways.items():
        summed = dict.fromkeys(WORDS, 0)
        for part in parts:
            for word, n in part.items():
                summed[word] += n
        assert summed == expected, name
    assert expected["劳模"] > 0
