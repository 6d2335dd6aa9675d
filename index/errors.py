"""The one base of every error a user can act on: a Chinese message, a hint and a status.

It lives at the bottom layer so that index/ (busy, format, unreadable file) and search/ (bad
query, unknown id, no index) raise the same kind of error, and the faces render them alike:
the page and the API by ``status`` and ``to_dict()``, the CLI as the message and 提示：hint.
"""

from __future__ import annotations


class UnionSearchError(Exception):
    """An error with what went wrong (``message``), what to do (``hint``) and an HTTP ``status``."""

    status = 500

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def to_dict(self) -> dict:
        """Return the JSON error body ``{"error", "hint", "status"}``."""
        return {"error": self.message, "hint": self.hint, "status": self.status}


class IndexBusy(UnionSearchError):
    """Another indexing run holds the index's write lock."""

    status = 503


class IndexFormatError(UnionSearchError):
    """The folder is not an index this version of UnionSearch can use (foreign, unreadable, other format)."""

    status = 409


class IngestError(UnionSearchError):
    """A document cannot be read; the message is the skip reason shown to the user."""

    status = 422
