"""The Whoosh schema: one document per paragraph, with its article's metadata copied on.

Whoosh is the record of what was indexed: it stores every field (as one value), and indexes
only what writing needs (the source path, to replace and delete a file's paragraphs by).
Searching runs on each segment's sidecar (index/sidecar.py), which Whoosh's posting writer
would make several times slower to build.
"""

from __future__ import annotations

import json

from whoosh.fields import ID, STORED, Schema

from .model import Article, Paragraph
from .themes import THEMES

STORED_FIELDS = ("id", "article_id", "content_hash", "position", "text", "title", "section", "kind", "themes", "theme_bits",
                 "province", "city", "county", "level", "doc_type", "year", "unit", "organization", "article")


def build_schema() -> Schema:
    """Return the schema every index of this version is created with."""
    # Only the source path is indexed: replacing and removing a file's paragraphs is done by it.
    # The paragraph's fields are stored as one value: Whoosh's writer works field by field, and
    # with a field each that was a tenth of the cost of indexing.
    return Schema(source=ID(stored=True), paragraph=STORED())


def whoosh_fields(doc: dict) -> dict:
    """Return the Whoosh document of a paragraph document (``paragraph_document``)."""
    return {"source": doc["source"], "paragraph": {name: doc[name] for name in STORED_FIELDS if name in doc}}


def stored_paragraph(stored: dict) -> dict:
    """Return a paragraph's fields, source included, from what Whoosh stored for it."""
    return {**stored.get("paragraph", {}), "source": stored.get("source")}


def paragraph_document(article: Article, paragraph: Paragraph, position: int, content_hash: str,
                       words: list[str] | None = None, folded: str | None = None) -> dict:
    """Return the fields of one paragraph of an article (``_words``, ``_folded``: for the sidecar, if known)."""
    doc = {
        "id": paragraph.id,
        "article_id": article.id,
        "source": article.source,
        "content_hash": content_hash,
        "position": position,
        "text": paragraph.text,
        "title": article.title,
        "section": paragraph.section,
        "kind": paragraph.kind,
        "themes": ",".join(paragraph.themes),
        "theme_bits": sum(1 << THEMES.index(t) for t in set(paragraph.themes) if t in THEMES),
        "unit": article.unit,
        "organization": article.organization,
    }
    for field in ("province", "city", "county", "level", "doc_type"):
        value = getattr(article, field)
        if value:
            doc[field] = value
    if article.year is not None:
        doc["year"] = article.year
    if words is not None:
        doc["_words"] = words  # Whoosh ignores "_" fields; the sidecar takes them
    if folded is not None:
        doc["_folded"] = folded
    if position == 0:
        # The article's own record rides on its first paragraph (listing, article view).
        doc["article"] = json.dumps(article.to_dict(with_paragraphs=False), ensure_ascii=False)
    return doc
