"""Errors that carry their meaning: the faces map them to HTTP statuses and CLI messages.

They derive from index.errors.UnionSearchError, the one base of every error a user can act
on (message, hint, status, ``to_dict()``), like the index's own IndexBusy and IndexFormatError.
"""

from __future__ import annotations

from index.errors import IndexBusy, IndexFormatError, IngestError, UnionSearchError

__all__ = ["UnionSearchError", "SearchError", "QueryError", "DocumentNotFound", "IndexMissing",
           "IndexBusy", "IndexFormatError", "IngestError"]


class SearchError(UnionSearchError):
    """Base of the errors searching raises; ``hint`` says what to do."""

    status = 400


class QueryError(SearchError):
    """The request cannot be answered as asked (bad parameter, bad sort, bad page)."""

    status = 400


class DocumentNotFound(SearchError):
    """No paragraph or article has that id."""

    status = 404


class IndexMissing(SearchError):
    """There is no index at the configured location yet."""

    status = 503


class NotSupported(SearchError):
    """The configured backend cannot do this (e.g. the phrasing workbench on a SphinxQL cluster)."""

    status = 501
