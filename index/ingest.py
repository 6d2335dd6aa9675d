"""Ingest: files and folders in, articles with metadata and themed paragraphs out."""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .analysis import Analyzer
from .articles import article_id, paragraph_id, split_document
from .datelines import read_datelines
from .metadata import ArticleContext, extract_metadata
from .model import Article, IngestError, IngestResult, Paragraph, RawDocument, Skipped
from .normalize import fold, is_traditional, match_form_of_folded, to_simplified
from .overrides import load_overrides, overrides_from_front_matter
from .readers import iter_files, read_document
from .readers.walk import display_path
from .themes import ThemeRules, classify, load_theme_rules

YEAR = re.compile(r"(19|20)\d{2}")
TITLE_KEYS = ("title", "html_title", "docx_title")
# Dates a file's own metadata gives: weak, a template's creation date as often as the text's.
FILE_DATE_KEYS = ("docx_created", "pdf_created")
# Dates the document states about itself: front matter of note apps and static sites, page meta.
STATED_DATE_KEYS = ("date", "published", "pubdate", "html_pubdate", "year")
BYLINE_KEYS = ("author", "byline")
PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies


def _fallback_title(doc: RawDocument) -> str:
    """Return a title for an article whose text shows no headline: file metadata, else the file name.

    A news item that opens with its first paragraph has no headline; its first words are no
    title either, so the file's name stands for it.
    """
    for key in TITLE_KEYS:
        value = doc.metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return Path(doc.source).stem


def _year_of(doc: RawDocument, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        match = YEAR.search(str(doc.metadata.get(key) or ""))
        if match:
            return int(match.group(0))
    return None


def _metadata_text(doc: RawDocument, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = doc.metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def build_articles(doc: RawDocument, overrides: dict | None = None,
                   rules: ThemeRules | None = None) -> tuple[list[Article], list[str]]:
    """Return the articles of one read document, and notices about overrides applied."""
    rules = rules or load_theme_rules()
    overrides = {**overrides_from_front_matter(doc.metadata), **(overrides or {})}
    dateline = read_datelines([b.text for b in doc.blocks])
    parts = split_document(doc)
    single = len(parts) == 1  # a file's datelines date a single article, not a compilation's
    stated_year = _year_of(doc, STATED_DATE_KEYS) or (dateline.year if single else None)
    traditional = is_traditional("".join(b.text for b in doc.blocks[:200]))
    notices: list[str] = []
    articles: list[Article] = []
    for part in parts:
        title = part.shape.title or _fallback_title(doc)
        byline = part.shape.byline or _metadata_text(doc, BYLINE_KEYS)
        body = [p.text for p in part.shape.paragraphs if p.kind in ("body", "heading")]
        context = ArticleContext(
            collection_title=part.collection_title,
            section_label=part.group,
            file_year=_year_of(doc, FILE_DATE_KEYS),
            source_name=Path(doc.source).name,
            stated_year=stated_year,
            sources=dateline.sources if single else (),
            published=single and dateline.year is not None and not dateline.delivered,
        )
        if traditional:
            # Metadata rules and the gazetteer are written in Simplified characters.
            meta = extract_metadata(*_simplified(title, body, byline, context))
        else:
            meta = extract_metadata(title, body, byline, context)
        aid = article_id(doc.content_hash, part.ordinal)
        article = Article(id=aid, title=title, source=doc.source, byline=byline, **meta)
        article.paragraphs = [
            Paragraph(paragraph_id(aid, n), p.kind, p.section, p.text, classify(p.text, rules))
            for n, p in enumerate(part.shape.paragraphs)
        ]
        applied = _apply_overrides(article, overrides, multiple=len(parts) > 1)
        if applied:
            notices.append(f"{doc.source}：元数据按用户设定覆盖（{', '.join(applied)}）")
        articles.append(article)
    return articles, notices


def _simplified(title: str, body: list[str], byline: str | None,
                context: ArticleContext) -> tuple[str, list[str], str | None, ArticleContext]:
    """Return the texts metadata is read from, in Simplified characters."""
    convert = to_simplified
    return (convert(title), [convert(t) for t in body], convert(byline) if byline else None,
            replace(context, collection_title=convert(context.collection_title) if context.collection_title else None,
                    section_label=convert(context.section_label) if context.section_label else None,
                    source_name=convert(context.source_name) if context.source_name else None,
                    sources=tuple(convert(s) for s in context.sources)))


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
    """One file read into articles (``words``, ``folded``: paragraph id → index words, match form; when asked for)."""

    path: Path
    document: RawDocument
    articles: list[Article]
    notices: list[str]
    words: dict[str, list[str]] | None = None
    folded: dict[str, str] | None = None
    text_digest: str = ""  # of the decoded, normalised text: the same text in another encoding matches


@dataclass
class Unchanged:
    """A file whose content hash matches what the index already holds."""

    path: Path
    digest: str = ""


def file_hash(path: Path) -> str:
    """Return the sha256 of a file's bytes, the key that tells a changed file from an unchanged one."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_WHITESPACE = re.compile(r"\s+")


def text_hash(doc: RawDocument) -> str:
    """Return the sha256 of a document's decoded text, folded and without white space.

    Two files holding the same text in different encodings (a GB18030 copy of a UTF-8 file)
    or line endings have different bytes but the same text hash.  What the file says about
    itself (front matter, core properties) counts too: two notes with the same body and
    different front matter are two documents.
    """
    digest = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in doc.metadata.items())).encode("utf-8"))
    for block in doc.blocks:
        digest.update(_WHITESPACE.sub("", fold(block.text)).encode("utf-8"))
    return digest.hexdigest()


def source_key(path: Path) -> str:
    """Return how a file is named in the index: its absolute path, undecodable bytes as \\xNN."""
    return display_path(path.absolute())


def read_file(path: Path, known_digest: str | None = None,
              analyzer: Analyzer | None = None) -> Ingested | Unchanged | Skipped:
    """Read one file into articles; never raises: a file that cannot be read comes back Skipped.

    With an ``analyzer`` the paragraphs' index words and match forms are computed too (for the writer).
    """
    name = display_path(path)
    try:
        digest = file_hash(path)
        if known_digest == digest:
            return Unchanged(path, digest)
        doc = read_document(path)
        doc.source = source_key(path)
        articles, notices = build_articles(doc, load_overrides(path), _theme_rules())
    except IngestError as exc:
        return Skipped(name, str(exc))
    except OSError as exc:
        return Skipped(name, f"无法读取（{exc.strerror or exc}）")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        return Skipped(name, f"无法处理（{type(exc).__name__}: {exc}）")
    if not any(a.paragraphs for a in articles):
        return Skipped(name, "没有找到正文")
    text_digest = text_hash(doc)
    doc.blocks = []  # read and shaped: the raw lines need not travel between processes
    if analyzer is None:
        return Ingested(path, doc, articles, notices, text_digest=text_digest)
    # Words and match forms are computed here, in the reading process, to spare the writer.
    words, folded = {}, {}
    for paragraph in (p for a in articles for p in a.paragraphs):
        base = fold(paragraph.text)
        words[paragraph.id] = analyzer.words_of_folded(base, subwords=True)
        folded[paragraph.id] = match_form_of_folded(base)
    return Ingested(path, doc, articles, notices, words, folded, text_digest)


@lru_cache(maxsize=1)
def _theme_rules() -> ThemeRules:
    """Return the shipped theme rules, read once per process (a change needs a new run anyway)."""
    return load_theme_rules()


def _read_job(job: tuple[Path, str | None, Analyzer | None] | Skipped) -> Ingested | Unchanged | Skipped:
    return job if isinstance(job, Skipped) else read_file(*job)


def iter_ingest(paths: Iterable[Path], known: dict[str, str] | None = None,
                on_file: Callable[[Path], None] | None = None, workers: int = 1,
                analyzer: Analyzer | None = None) -> Iterator[Ingested | Unchanged | Skipped]:
    """Read every file under the paths, in order; files whose hash is in ``known`` are not parsed.

    With ``workers`` > 1 files are read in that many processes (reading, cleaning and word
    analysis are the costly part of indexing); results still come in file order. With an
    ``analyzer`` each file's paragraphs come with their index words (what the writer needs).
    """
    known = known or {}
    jobs = (item if isinstance(item, Skipped) else (item, known.get(source_key(item)), analyzer)
            for item in iter_files(paths))
    seen: dict[str, str] = {}
    with _job_runner(workers) as run:
        for result in run(_read_job, jobs):
            if on_file and not isinstance(result, Skipped):
                on_file(result.path)
            digest = result.document.content_hash if isinstance(result, Ingested) else getattr(result, "digest", "")
            text_key = result.text_digest if isinstance(result, Ingested) else ""
            if digest:
                name = display_path(result.path)
                if digest in seen:
                    yield Skipped(name, f"与 {seen[digest]} 内容相同")
                    continue
                if text_key in seen:
                    yield Skipped(name, f"与 {seen[text_key]} 文字相同（编码或格式不同，按解码后的文字判断）")
                    continue
                seen[digest] = name
                if text_key:
                    seen[text_key] = name
            yield result


def _die_with_parent(indexer: int) -> None:
    """Ask Linux to end this worker when the indexer dies (a killed run must not leave readers behind)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end with their current file
        return
    if os.getppid() != indexer:
        # The indexer died between this worker's fork and the request above: nobody will signal it.
        os._exit(1)


@contextmanager
def _job_runner(workers: int):
    """Yield a map function: the built-in one, or an ordered process pool's."""
    if workers <= 1:
        yield map
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        yield lambda func, items: pool.imap(func, items, chunksize=2)


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
