"""Errors that carry their meaning: the faces map them to HTTP statuses and CLI messages."""

from __future__ import annotations


class SearchError(Exception):
    """Base of the errors a user can act on; ``hint`` says what to do."""

    status = 400

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def to_dict(self) -> dict:
        """Return the JSON error body."""
        return {"error": self.message, "hint": self.hint, "status": self.status}


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
