"""The recall tests of test_search_recall.py, run against the sample corpus on a two-node SphinxQL cluster.

The brute-force oracle reads the local index of the same files, so every assertion compares the
cluster's answers with a substring scan of every paragraph.
"""

from __future__ import annotations

import pytest

from search.engine import SearchIndex
from tests.search_fixtures import oracle_of
from tests.sphinx_fixtures import remote, sphinx_cluster  # noqa: F401
from tests.test_search_recall import (  # noqa: F401 - collected here, with `engine` the cluster
    generated,
    test_and_is_intersection,
    test_and_of_or_group_minus_exclusion,
    test_bad_requests_raise_query_error_with_a_hint,
    test_bare_term_without_synonyms_finds_exactly_the_paragraphs_containing_it,
    test_empty_query_returns_every_paragraph,
    test_exclusion_is_difference,
    test_exclusion_only_returns_everything_else_with_a_notice,
    test_generated_bare_terms_with_synonyms_are_supersets,
    test_generated_quoted_phrases_are_never_expanded,
    test_generated_substrings_match_brute_force_exactly,
    test_known_counts_of_the_sample,
    test_literals_list_the_term_and_its_synonyms_for_highlighting,
    test_odd_queries_return_a_result_with_a_notice,
    test_or_is_union,
    test_page_past_the_end_is_empty_but_counts,
    test_query_cut_at_500_characters_searches_the_cut_text,
    test_quoted_phrase_finds_exactly_the_paragraphs_containing_it,
    test_snippets_of_the_sample_leave_no_occurrence_unmarked,
    test_substring_inside_a_longer_word_is_found,
    test_synonyms_add_exactly_the_paragraphs_of_their_expansions,
)


@pytest.fixture(scope="module")
def engine(remote):
    """The tests' engine: the cluster."""
    return remote


@pytest.fixture(scope="module")
def oracle(sample_index):
    """The brute-force view of the same corpus, read from the local index."""
    return oracle_of(SearchIndex(sample_index))
