"""The Whoosh schema: one document per paragraph, with its article's metadata copied on."""

from __future__ import annotations

import json

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import char_analyzer, word_analyzer
from .model import Article, Paragraph
from .themes import THEMES

# Facet fields are single-valued except themes; all are stored and kept as columns so that
# the search side can count them without reading stored documents.
FACET_ID_FIELDS = ("province", "city", "county", "level", "doc_type", "kind")


def build_schema() -> Schema:
    """Return the schema every index of this version is created with."""
    return Schema(
        id=ID(stored=True, unique=True),
        article_id=ID(stored=True),
        source=ID(stored=True),
        content_hash=ID(stored=True),
        position=NUMERIC(int, bits=32, stored=True, sortable=True),
        text=TEXT(analyzer=word_analyzer(), stored=True, phrase=True, chars=True),
        chars=TEXT(analyzer=char_analyzer(), stored=False, phrase=True),
        title=TEXT(analyzer=word_analyzer(), stored=True),
        section=TEXT(analyzer=word_analyzer(), stored=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        county=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        themes=KEYWORD(stored=True, commas=True, scorable=False),
        theme_bits=NUMERIC(int, bits=32, sortable=True),
        unit=STORED(),
        organization=STORED(),
        article=STORED(),
    )


def paragraph_document(article: Article, paragraph: Paragraph, position: int, content_hash: str) -> dict:
    """Return the Whoosh fields for one paragraph of an article."""
    doc = {
        "id": paragraph.id,
        "article_id": article.id,
        "source": article.source,
        "content_hash": content_hash,
        "position": position,
        "text": paragraph.text,
        "chars": paragraph.text,
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
    if position == 0:
        # The article's own record rides on its first paragraph (listing, article view).
        doc["article"] = json.dumps(article.to_dict(with_paragraphs=False), ensure_ascii=False)
    return doc
