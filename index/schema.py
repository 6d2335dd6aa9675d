"""The Whoosh schema: one document per paragraph, with its article's metadata copied on.

Whoosh is the record of what was indexed: it stores every field, and indexes only what
writing needs (the source path, to replace and delete a file's paragraphs by). Searching runs on each segment's sidecar
(index/sidecar.py), which Whoosh's posting writer would make several times slower to build.
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
    return Schema(source=ID(stored=True), **{name: STORED() for name in STORED_FIELDS})


def paragraph_document(article: Article, paragraph: Paragraph, position: int, content_hash: str,
                       words: list[str] | None = None) -> dict:
    """Return the Whoosh fields for one paragraph of an article (``_words``: its index words, if known)."""
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
    if position == 0:
        # The article's own record rides on its first paragraph (listing, article view).
        doc["article"] = json.dumps(article.to_dict(with_paragraphs=False), ensure_ascii=False)
    return doc
