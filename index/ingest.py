"""Ingest: files and folders in, articles with metadata and themed paragraphs out."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .articles import ArticlePart, article_id, paragraph_id, split_document
from .metadata import ArticleContext, extract_metadata
from .model import Article, IngestError, IngestResult, Paragraph, RawDocument, Skipped
from .overrides import load_overrides, overrides_from_front_matter
from .readers import iter_files, read_document
from .readers.walk import display_path
from .themes import ThemeRules, classify, load_theme_rules

FIRST_SENTENCE = re.compile(r"^(.{4,40}?)[。！？；，,]")
YEAR = re.compile(r"(19|20)\d{2}")
TITLE_KEYS = ("title", "html_title", "docx_title")


def _fallback_title(doc: RawDocument, part: ArticlePart) -> str:
    """Return a title for an article whose text shows none: file metadata, else its first words."""
    for key in TITLE_KEYS:
        value = doc.metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for paragraph in part.shape.paragraphs:
        if paragraph.kind == "body":
            match = FIRST_SENTENCE.match(paragraph.text)
            return match.group(1) if match else paragraph.text[:30]
    return Path(doc.source).stem


def _file_year(doc: RawDocument) -> int | None:
    for key in ("docx_created", "date", "year"):
        match = YEAR.search(str(doc.metadata.get(key) or ""))
        if match:
            return int(match.group(0))
    return None


def build_articles(doc: RawDocument, overrides: dict | None = None,
                   rules: ThemeRules | None = None) -> tuple[list[Article], list[str]]:
    """Return the articles of one read document, and notices about overrides applied."""
    rules = rules or load_theme_rules()
    overrides = {**overrides_from_front_matter(doc.metadata), **(overrides or {})}
    parts = split_document(doc)
    notices: list[str] = []
    articles: list[Article] = []
    for part in parts:
        title = part.shape.title or _fallback_title(doc, part)
        body = [p.text for p in part.shape.paragraphs if p.kind in ("body", "heading")]
        context = ArticleContext(
            collection_title=part.collection_title,
            section_label=part.group,
            file_year=_file_year(doc),
            source_name=Path(doc.source).name,
        )
        meta = extract_metadata(title, body, part.shape.byline, context)
        aid = article_id(doc.content_hash, part.ordinal)
        article = Article(id=aid, title=title, source=doc.source, byline=part.shape.byline, **meta)
        article.paragraphs = [
            Paragraph(paragraph_id(aid, n), p.kind, p.section, p.text, classify(p.text, rules))
            for n, p in enumerate(part.shape.paragraphs)
        ]
        applied = _apply_overrides(article, overrides, multiple=len(parts) > 1)
        if applied:
            notices.append(f"{doc.source}: metadata set by override: {', '.join(applied)}")
        articles.append(article)
    return articles, notices


def _apply_overrides(article: Article, overrides: dict, multiple: bool) -> list[str]:
    applied = []
    for key, value in overrides.items():
        if key == "title" and multiple:
            continue  # one title cannot name every article of a compilation
        if hasattr(article, key) and key not in ("id", "paragraphs", "source", "overrides"):
            setattr(article, key, value)
            applied.append(f"{key}={value}")
    article.overrides = applied
    return applied


@dataclass
class Ingested:
    """One file read into articles."""

    path: Path
    document: RawDocument
    articles: list[Article]
    notices: list[str]


@dataclass
class Unchanged:
    """A file whose content hash matches what the index already holds."""

    path: Path


def file_hash(path: Path) -> str:
    """Return the sha256 of a file's bytes, the key that tells a changed file from an unchanged one."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_key(path: Path) -> str:
    """Return how a file is named in the index: its absolute path, undecodable bytes as \\xNN."""
    return display_path(path.absolute())


def iter_ingest(paths: Iterable[Path], known: dict[str, str] | None = None,
                on_file: Callable[[Path], None] | None = None) -> Iterator[Ingested | Unchanged | Skipped]:
    """Read every file under the paths; files whose hash is in ``known`` are not parsed again."""
    rules = load_theme_rules()
    seen: dict[str, str] = {}
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        if on_file:
            on_file(item)
        name = display_path(item)
        try:
            digest = file_hash(item)
            if digest in seen:
                yield Skipped(name, f"same content as {seen[digest]}")
                continue
            seen[digest] = name
            if known is not None and known.get(source_key(item)) == digest:
                yield Unchanged(item)
                continue
            doc = read_document(item)
            doc.source = source_key(item)
            articles, notices = build_articles(doc, load_overrides(item), rules)
        except IngestError as exc:
            yield Skipped(name, str(exc))
            continue
        except OSError as exc:
            yield Skipped(name, f"could not be read ({exc.strerror or exc})")
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
            yield Skipped(name, f"could not be processed ({type(exc).__name__}: {exc})")
            continue
        if not any(a.paragraphs for a in articles):
            yield Skipped(name, "no text found")
            continue
        yield Ingested(item, doc, articles, notices)


def ingest(paths: Iterable[Path]) -> IngestResult:
    """Read everything under the given paths into one result, without indexing it."""
    result = IngestResult()
    for item in iter_ingest(paths):
        if isinstance(item, Skipped):
            result.skipped.append(item)
        elif isinstance(item, Ingested):
            result.articles.extend(item.articles)
            result.notices.extend(item.notices)
    return result
