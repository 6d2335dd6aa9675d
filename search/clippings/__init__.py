"""素材夹: collections of clippings, search history and saved searches, kept in SQLite apart from the index."""

from .db import SCHEMA_VERSION, StoreError
from .store import ClippingStore

__all__ = ["SCHEMA_VERSION", "ClippingStore", "StoreError"]
