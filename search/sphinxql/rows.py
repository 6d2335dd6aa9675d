"""What one paragraph is in a shard: document id, routing, and the row of attributes."""

from __future__ import annotations

import hashlib
import json

from index.fields import FIELDS
from index.model import Article, Paragraph
from index.themes import THEMES

from .connection import quote
from .encoding import body_of

MASK63 = (1 << 63) - 1
# The string facets of config.STRING_FACETS, each read off its article or off the paragraph itself.
_FACET_FIELDS = tuple(f for f in FIELDS if f.kind in ("place", "coded"))


def _int63(data: str) -> int:
    return int.from_bytes(hashlib.sha1(data.encode("utf-8", "surrogatepass")).digest()[:8], "big") & MASK63


def doc_id(source: str, paragraph_id: str) -> int:
    """Return a paragraph's document id: stable for the same file and paragraph, never 0."""
    return _int63(f"{source}\0{paragraph_id}") or 1


def source_id(source: str) -> int:
    """Return the number that names a source file in the shards and in the files index."""
    return _int63(source) or 2  # 1 is the files index's generation stamp


def digest_id(digest: str) -> int:
    """Return a content hash as a number the shards keep beside each paragraph."""
    return int(digest[:16], 16) & MASK63 if digest else 0


def shard_of(article_id: str, shards: int) -> int:
    """Return the shard that holds an article's paragraphs (routing by article id)."""
    return int(article_id[:8], 16) % shards


def theme_ids(themes: list[str]) -> list[int]:
    """Return the MVA values of a paragraph's themes (1 + the theme's place in THEMES)."""
    return sorted({THEMES.index(t) + 1 for t in themes if t in THEMES})


def paragraph_row(article: Article, paragraph: Paragraph, position: int, digest: str,
                  ordinal: int = 0) -> tuple[int, str]:
    """Return (document id, the SphinxQL VALUES tuple) of one paragraph, in config.COLUMNS order."""
    source = article.source
    record = json.dumps(article.to_dict(with_paragraphs=False), ensure_ascii=False) if position == 0 else ""
    strings = [getattr(article if f.scope == "article" else paragraph, f.key) or "" for f in _FACET_FIELDS]
    strings += [paragraph.id, article.id, article.title or "", source, article.unit or "",
                article.organization or "", paragraph.section or "", paragraph.text, record]
    values = [quote(body_of(paragraph.text)), *map(quote, strings), str(source_id(source)), str(digest_id(digest)),
              str(article.year or 0), str(position), str(ordinal), "(" + ",".join(map(str, theme_ids(paragraph.themes))) + ")"]
    identity = doc_id(source, paragraph.id)
    return identity, f"({identity}," + ",".join(values) + ")"
