"""Nearest rows by inner product: the IVF index above the threshold, exact products below it."""

from __future__ import annotations

import numpy as np
import pytest

from search import nearest
from search.nearest import Nearest, list_count

DIM = 384
ROWS = 60_000


def clustered(rows: int, seed: int, centres: int = 400) -> np.ndarray:
    """Return seeded unit vectors gathered around random centres, as embeddings of a corpus are."""
    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, DIM), dtype=np.float32)
    vectors = middle[rng.integers(0, centres, rows)] + 0.6 * rng.standard_normal((rows, DIM), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def exact_top(matrix: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    scores = matrix @ query
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return np.argsort(-scores, kind="stable")[:k]


@pytest.fixture(scope="module")
def big():
    matrix = clustered(ROWS, seed=11)
    queries = clustered(40, seed=12)
    search = Nearest(matrix)
    assert not search.ready  # until built, a large matrix is searched exactly
    search.start()
    search.wait()
    assert search.ready
    return matrix, queries, search


def test_the_index_has_about_four_square_roots_of_lists(big):
    matrix, _, search = big
    assert search.approximate
    assert search.index().nlist == list_count(ROWS) == int(4 * ROWS ** 0.5)
    assert search.index().ntotal == ROWS


def test_approximate_top10_overlaps_exact_top10(big):
    matrix, queries, search = big
    overlaps = []
    for query in queries:
        rows, scores = search.search(query, 10)
        assert len(rows) == 10 and np.all(np.diff(scores) <= 1e-6)
        np.testing.assert_allclose(scores, matrix[rows] @ query, rtol=1e-4, atol=1e-5)
        overlaps.append(len(set(rows.tolist()) & set(exact_top(matrix, query, 10).tolist())) / 10)
    assert np.mean(overlaps) >= 0.9, overlaps


def test_a_filtered_search_returns_only_allowed_rows(big):
    matrix, queries, search = big
    allowed = np.arange(ROWS) % 2 == 0  # wide: searched through the index, then filtered
    overlaps = []
    for query in queries[:10]:
        rows, _ = search.search(query, 10, allowed)
        assert len(rows) == 10 and allowed[rows].all()
        overlaps.append(len(set(rows.tolist()) & set(exact_top(matrix, query, 10, allowed).tolist())) / 10)
    assert np.mean(overlaps) >= 0.9, overlaps


def test_a_narrow_filter_is_searched_exactly_over_its_rows(big):
    matrix, queries, search = big
    allowed = np.zeros(ROWS, dtype=bool)
    allowed[np.random.default_rng(3).choice(ROWS, 700, replace=False)] = True
    for query in queries[:5]:
        rows, scores = search.search(query, 10, allowed)
        assert rows.tolist() == exact_top(matrix, query, 10, allowed).tolist()
        assert allowed[rows].all()


def test_below_the_threshold_the_result_is_exact_brute_force():
    matrix = clustered(nearest.ANN_MIN_ROWS - 1, seed=21)
    search = Nearest(matrix)
    assert not search.approximate
    for query in clustered(5, seed=22):
        rows, scores = search.search(query, 10)
        assert rows.tolist() == exact_top(matrix, query, 10).tolist()
        assert scores.tolist() == (matrix @ query)[rows].tolist()
        allowed = np.arange(len(matrix)) % 7 == 3
        rows, _ = search.search(query, 10, allowed)
        assert rows.tolist() == exact_top(matrix, query, 10, allowed).tolist()
    assert search._index is None  # no IVF index is ever built for a small store


def test_a_large_matrix_is_searched_exactly_until_its_index_is_built(big):
    matrix, queries, _ = big
    waiting = Nearest(matrix)  # never started: no index
    for query in queries[:3]:
        rows, _ = waiting.search(query, 10)
        assert rows.tolist() == exact_top(matrix, query, 10).tolist()
    assert waiting._index is None
