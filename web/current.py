"""The current app's search index: what every route searches (set up by the app factory)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from search.engine import SearchIndex

EXTENSION = "unionsearch"  # the key of the app's SearchIndex in app.extensions


def get_index() -> SearchIndex:
    """Return the SearchIndex (or cluster index) of the current app."""
    return current_app.extensions[EXTENSION]
