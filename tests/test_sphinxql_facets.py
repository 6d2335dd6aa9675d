"""The facet tests of test_facets.py, run against the sample corpus on a two-node SphinxQL cluster."""

from __future__ import annotations

import pytest

from search.engine import SearchIndex
from tests.search_fixtures import oracle_of
from tests.sphinx_fixtures import remote, sphinx_cluster  # noqa: F401
from tests.test_facets import (  # noqa: F401 - collected here, with `engine` the cluster
    test_a_fragment_is_not_a_short_name,
    test_adding_a_value_to_a_chosen_facet_adds_its_count,
    test_bad_filters_raise_query_error_with_a_hint,
    test_counts_are_ordered_most_first_and_years_newest_first,
    test_counts_cover_the_whole_result_set,
    test_counts_of_the_whole_sample,
    test_each_facet_ignores_its_own_selection,
    test_every_hit_of_a_filtered_query_lies_inside_the_filter,
    test_facets_and,
    test_short_and_alias_values_resolve_to_the_index_values,
    test_short_names_in_the_query_match_full_ones,
    test_theme_filter,
    test_unknown_place_gives_no_hits_and_a_notice,
    test_values_of_one_facet_or,
    test_year_filters,
)
from tests.test_facets import test_every_count_equals_the_total_of_that_filter as every_count_equals_the_total


@pytest.fixture(scope="module")
def engine(remote):
    """The tests' engine: the cluster."""
    return remote


@pytest.fixture(scope="module")
def oracle(sample_index):
    """The brute-force view of the same corpus, read from the local index."""
    return oracle_of(SearchIndex(sample_index))


# The cluster matches every term strictly (no soft matching): a query none of whose paragraphs
# holds every term, such as 工会 驿站 夏季, has nothing to count there.
@pytest.mark.parametrize("q", ["", "职工书屋", "小三级 OR 12351 -家"])
def test_every_count_equals_the_total_of_that_filter(engine, q):
    every_count_equals_the_total(engine, q)
