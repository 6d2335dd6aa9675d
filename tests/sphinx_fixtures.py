"""Fixtures for the SphinxQL backend: two searchd nodes on free 127.0.0.1 ports in tmp_path, stopped by pid.

Import them by name into a test module (``from tests.sphinx_fixtures import sphinx_cluster``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.sphinxql.nodes import LocalCluster, local_cluster, searchd_path
from search.sphinxql.searcher import SphinxSearchIndex
from search.sphinxql.writer import update_cluster

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "index" / "sample"

needs_searchd = pytest.mark.skipif(searchd_path() is None,
                                   reason="没有安装 Sphinx（searchd）：apt-get install sphinxsearch")


def started_cluster(folder: Path, shards: int = 2, documents: list[Path] | None = None) -> LocalCluster:
    """Return a started cluster of ``shards`` nodes, the documents (default: the sample corpus) indexed."""
    cluster = local_cluster(folder, shards)
    cluster.start_all()
    try:
        update_cluster(cluster.url, documents if documents is not None else [SAMPLE_CORPUS], workers=1)
    except BaseException:
        cluster.stop_all()
        raise
    return cluster


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Return two running nodes holding the sample corpus (shared: tests must not change it)."""
    if searchd_path() is None:
        pytest.skip("没有安装 Sphinx（searchd）：apt-get install sphinxsearch")
    cluster = started_cluster(tmp_path_factory.mktemp("sphinx"))
    yield cluster
    cluster.stop_all()


@pytest.fixture(scope="session")
def remote(sphinx_cluster: LocalCluster) -> SphinxSearchIndex:
    """Return the sample corpus searched on the two-node cluster, with the shipped synonyms."""
    return SphinxSearchIndex(sphinx_cluster.url)
