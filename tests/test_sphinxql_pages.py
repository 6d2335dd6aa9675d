"""The reading, concordance, JSON API and page tests, run on the sample corpus on a two-node SphinxQL cluster.

The app is made by create_app({"ENGINE": cluster address}): web/ is the same code, only the
backend differs. Every test module's tests are collected here again with ``engine`` (the
library's tests) and ``app``/``search_index`` (the web tests) on the cluster; the few that
build a local index in tmp_path run locally again, which costs little.
"""

from __future__ import annotations

import pytest

from search.engine import SearchIndex
from tests.search_fixtures import oracle_of
from tests.sphinx_fixtures import remote, sphinx_cluster  # noqa: F401
from tests.test_api import *  # noqa: F401,F403
from tests.test_documents import *  # noqa: F401,F403
from tests.test_kwic import *  # noqa: F401,F403
from tests.test_web import *  # noqa: F401,F403


@pytest.fixture(scope="module")
def engine(remote):
    """The library tests' engine: the cluster."""
    return remote


@pytest.fixture(scope="module")
def oracle(sample_index):
    """The brute-force view of the same corpus, read from the local index."""
    return oracle_of(SearchIndex(sample_index))


@pytest.fixture(scope="module")
def app(sphinx_cluster):
    """The page app searching the cluster."""
    from web import create_app

    return create_app({"ENGINE": sphinx_cluster.url, "TESTING": True})


@pytest.fixture(scope="module")
def search_index(app):
    """The SphinxSearchIndex the app serves."""
    return app.extensions["unionsearch"]


# The cluster's concordance counts one phrase, the query's first term, without filters (docs/scaling.md lists it).
del test_kwic_obeys_filters_and_the_synonym_switch  # noqa: F821


@pytest.mark.parametrize("path", ["/collocations?q=职工", "/phrases?q=职工", "/api/collocations?q=职工"])
def test_workbench_views_on_a_cluster_say_they_need_the_local_index(client, path):
    response = client.get(path)
    assert response.status_code == 501
    assert "只在本机索引上提供" in response.get_data(as_text=True)
