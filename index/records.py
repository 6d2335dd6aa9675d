"""One paragraph on its way into the index: the record the writer stores in Whoosh and in the columns.

A paragraph is shaped once, here, from its article; Whoosh's stored fields and the segment's
columns (index/segment_columns.py) are both read off this record, and merging segments rebuilds it from
the columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .analysis import index_words
from .fields import ARTICLE_STRINGS, YEAR_FIELDS
from .model import Article, Paragraph
from .schema import STORED_FIELDS
from .themes import THEMES

# Stored only when set: the article's metadata (index/fields.py) and its own record.
OPTIONAL_FIELDS = (*(f.key for f in ARTICLE_STRINGS), *(f.key for f in YEAR_FIELDS), "article")
_YEARS = frozenset(f.key for f in YEAR_FIELDS)  # 0 is no year, yet kept when set


@dataclass
class ParagraphRecord:
    """One paragraph with its article's metadata copied on, its words and its match form."""

    id: str
    article_id: str
    position: int
    text: str
    kind: str
    section: str
    themes: list[str]
    title: str
    source: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    unit: str | None = None
    organization: str | None = None
    level: str | None = None
    year: int | None = None
    doc_type: str | None = None
    theme_bits: int = 0
    article: str | None = None  # the article record (JSON) on its first paragraph
    words: list[str] = field(default_factory=list)
    folded: str = ""  # the text's match form, when the reader already computed it
    content_hash: str = ""  # of the file it came from: Whoosh keeps it, the columns do not

    def whoosh_document(self) -> dict:
        """Return the Whoosh document: the source, indexed, and the paragraph's fields stored as one value."""
        stored = {}
        for name in STORED_FIELDS:
            value = ",".join(self.themes) if name == "themes" else getattr(self, name)
            # Unset metadata is left out, as indexes already written have it.
            if name not in OPTIONAL_FIELDS or (value is not None if name in _YEARS else value):
                stored[name] = value
        return {"source": self.source, "paragraph": stored}


def paragraph_record(article: Article, paragraph: Paragraph, position: int, content_hash: str,
                     words: list[str] | None = None, folded: str | None = None) -> ParagraphRecord:
    """Return the record of one paragraph of an article (``words``, ``folded``: if the reader computed them)."""
    # The article's metadata fields, each copied onto its paragraphs (an empty string is no value).
    metadata = {f.key: getattr(article, f.key) or None for f in ARTICLE_STRINGS}
    return ParagraphRecord(
        id=paragraph.id, article_id=article.id, position=position, text=paragraph.text, kind=paragraph.kind,
        section=paragraph.section or "", themes=list(paragraph.themes), title=article.title or "",
        source=article.source, unit=article.unit, organization=article.organization, year=article.year, **metadata,
        theme_bits=sum(1 << THEMES.index(t) for t in set(paragraph.themes) if t in THEMES),
        # The article's own record rides on its first paragraph (listing, article view).
        article=json.dumps(article.to_dict(with_paragraphs=False), ensure_ascii=False) if position == 0 else None,
        words=words or index_words(paragraph.text), folded=folded or "", content_hash=content_hash,
    )
