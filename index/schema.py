"""The Whoosh schema: one document per paragraph, with its article's metadata copied on.

Whoosh is the record of what was indexed: it stores every field (as one value), and indexes
only what writing needs (the source path, to replace and delete a file's paragraphs by).
Searching runs on each segment's columns (index/segment_columns.py), which Whoosh's posting writer
would make several times slower to build.
"""

from __future__ import annotations

from whoosh.fields import ID, STORED, Schema

from .fields import ARTICLE_STRINGS, FIELDS, YEAR_FIELDS

# The paragraph's own coded fields (its kind), then its themes, then its article's fields (index/fields.py).
PARAGRAPH_CODED = tuple(f.key for f in FIELDS if f.scope == "paragraph" and f.kind == "coded")
STORED_FIELDS = ("id", "article_id", "content_hash", "position", "text", "title", "section", *PARAGRAPH_CODED,
                 "themes", "theme_bits", *(f.key for f in ARTICLE_STRINGS), *(f.key for f in YEAR_FIELDS),
                 "unit", "organization", "article")


def build_schema() -> Schema:
    """Return the schema every index of this version is created with."""
    # Only the source path is indexed: replacing and removing a file's paragraphs is done by it.
    # The paragraph's fields are stored as one value: Whoosh's writer works field by field, and
    # with a field each that was a tenth of the cost of indexing.
    return Schema(source=ID(stored=True), paragraph=STORED())


def stored_paragraph(stored: dict) -> dict:
    """Return a paragraph's fields, source included, from what Whoosh stored for it."""
    return {**stored.get("paragraph", {}), "source": stored.get("source")}
