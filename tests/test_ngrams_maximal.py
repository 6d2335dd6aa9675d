"""Keeping only maximal phrases (search/ngrams.maximal) against its definition, in both of its ways."""

from __future__ import annotations

import random

import pytest

from search.ngrams import PAIRWISE, maximal


def by_definition(counts: dict) -> list[str]:
    """Return the phrases no longer phrase holding them has exactly the same count."""
    return [p for p, n in counts.items() if not any(p in q and p != q and m == n for q, m in counts.items())]


@pytest.mark.parametrize("seed, distinct_counts", [(1, 2), (2, 40), (3, 1), (4, 5)])
def test_maximal_phrases_follow_the_definition(seed, distinct_counts):
    rng = random.Random(seed)
    alphabet = "劳模工匠精神弘扬职工权益"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9))) for _ in range(300)]
    counts = {}
    for word in words:
        counts.setdefault(word, rng.randint(1, distinct_counts))
        for _ in range(2):  # parts of a phrase, often used as often as it
            at = rng.randrange(len(word))
            part = word[at:at + rng.randint(2, 6)]
            if len(part) >= 2:
                counts.setdefault(part, counts[word] if rng.random() < 0.6 else rng.randint(1, distinct_counts))
    buckets = {}
    for n in counts.values():
        buckets[n] = buckets.get(n, 0) + 1
    expected = by_definition(counts)
    assert maximal(counts) == expected
    assert len(expected) < len(counts)
    if distinct_counts == 1:
        assert max(buckets.values()) > PAIRWISE  # the way by parts
    if distinct_counts == 40:
        assert min(buckets.values()) <= PAIRWISE  # the way pair by pair


def test_counts_may_be_tuples_as_phrase_keyness_gives():
    counts = {"弘扬劳模精神": (3, 4), "弘扬劳模": (3, 4), "劳模精神": (3, 5), "劳模": (2, 2)}
    assert maximal(counts) == ["弘扬劳模精神", "劳模精神", "劳模"]
