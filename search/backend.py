"""The backend seam: one call opens the search index a location names, local folder or SphinxQL cluster.

Both answer the same calls (``search``, ``generation().facets``, ``warm``, and through
search/documents.py and search/concordance.py the articles, context, similar paragraphs and the
concordance), so the page and the CLI do not know which one they talk to.
"""

from __future__ import annotations

from pathlib import Path

from .engine import MAX_PER_PAGE, MAX_QUERY_LENGTH, SearchIndex
from .synonyms import Synonyms

ENGINE_SCHEME = "sphinxql://"


def is_engine_url(location: object) -> bool:
    """Tell whether a location names a SphinxQL cluster (``sphinxql://host:port[,host:port…]``)."""
    return isinstance(location, str) and location.startswith(ENGINE_SCHEME)


def open_search_index(location: str | Path, synonyms: Synonyms | None = None,
                      max_per_page: int = MAX_PER_PAGE, max_query_length: int = MAX_QUERY_LENGTH):
    """Return the SearchIndex of an index folder, or the SphinxSearchIndex of a cluster address."""
    if is_engine_url(location):
        from .sphinxql.searcher import SphinxSearchIndex  # deferred: pymysql only when a cluster is used

        return SphinxSearchIndex(str(location), synonyms, max_per_page, max_query_length)
    return SearchIndex(Path(location), synonyms, max_per_page, max_query_length)
