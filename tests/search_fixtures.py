"""Helpers and fixtures for the search tests: a brute-force oracle and tiny controlled indexes.

Import the fixtures by name into a test module (``from tests.search_fixtures import engine``);
pytest then finds them there. They build on conftest's session-scoped ``sample_index``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.normalize import fold
from index.schema import stored_paragraph
from index.writer import update_index
from whoosh.index import open_dir

from search.engine import SearchIndex, SearchRequest
from search.synonyms import Synonyms

_WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Return the matching form the issue defines: folded, all whitespace removed."""
    return _WHITESPACE.sub("", fold(text))


@dataclass
class Oracle:
    """Every stored paragraph of an index, for brute-force answers."""

    stored: dict[str, dict]  # paragraph id → stored fields
    squeezed: dict[str, str]  # paragraph id → squeeze(text)

    def containing(self, literal: str) -> set[str]:
        """Return the ids of the paragraphs whose text contains ``literal``."""
        needle = squeeze(literal)
        return {pid for pid, text in self.squeezed.items() if needle in text}

    def where(self, **fields: object) -> set[str]:
        """Return the ids of the paragraphs whose stored fields have these values."""
        return {pid for pid, doc in self.stored.items() if all(doc.get(k) == v for k, v in fields.items())}


def oracle_of(index: SearchIndex) -> Oracle:
    """Read every live stored paragraph of ``index``."""
    with open_dir(str(index.index_dir)).searcher() as searcher:
        stored = {doc["id"]: doc for doc in map(stored_paragraph, searcher.all_stored_fields())}
    return Oracle(stored, {pid: squeeze(doc.get("text", "")) for pid, doc in stored.items()})


def all_hits(index: SearchIndex, q: str = "", **options) -> tuple[list[dict], dict]:
    """Page through a search 100 hits at a time; return every hit holding all terms, in order, and the first page.

    Those hits (``total_all_terms``) come before any partial hit (soft matching), none of them
    lacks a term, and every hit after them does.
    """
    first = index.search(SearchRequest(q=q, per_page=100, **options))
    wanted = first["total_all_terms"]
    hits = list(first["hits"])
    page = 1
    while len(hits) < wanted:
        page += 1
        result = index.search(SearchRequest(q=q, per_page=100, page=page, **options))
        assert result["total"] == first["total"] and result["total_all_terms"] == wanted
        assert result["hits"], f"page {page} of {q!r} is empty before total {first['total']}"
        hits.extend(result["hits"])
    assert all(not hit["missing"] for hit in hits[:wanted]), "a partial hit ranks among the all-terms hits"
    assert all(hit["missing"] for hit in hits[wanted:]), "an all-terms hit ranks below a partial hit"
    return hits[:wanted], first


def hit_ids(index: SearchIndex, q: str = "", **options) -> set[str]:
    """Return the ids of every all-terms hit, checking there are exactly ``total_all_terms``, none twice."""
    hits, first = all_hits(index, q, **options)
    ids = [hit["id"] for hit in hits]
    assert len(ids) == len(set(ids)) == first["total_all_terms"]
    return set(ids)


def write_markdown(folder: Path, name: str, title: str, body: list[str], **meta: object) -> Path:
    """Write a markdown document with front matter; ``body`` items are paragraphs or "## heading"."""
    lines = ["---", f"title: {title}"] + [f"{k}: {v}" for k, v in meta.items()] + ["---", "", f"# {title}", ""]
    for block in body:
        lines += [block, ""]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@contextmanager
def markdown_index(root: Path, **defaults: object) -> Iterator[Callable[..., Path]]:
    """Yield ``write_markdown`` into root/docs with metadata ``defaults``; index root/docs into root/index after the block."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    yield functools.partial(write_markdown, docs, **defaults)
    update_index(root / "index", [docs])


def build_index(root: Path, files: dict[str, str]) -> Path:
    """Write plain-text ``files`` under root/docs, index them into root/index and return it."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    update_index(root / "index", [docs])
    return root / "index"


@pytest.fixture(scope="session")
def engine(sample_index: Path) -> SearchIndex:
    """Return a SearchIndex on the sample corpus with the shipped synonyms."""
    return SearchIndex(sample_index)


@pytest.fixture(scope="session")
def oracle(engine: SearchIndex) -> Oracle:
    """Return the brute-force view of the sample corpus."""
    return oracle_of(engine)


def synonyms_of(*groups: tuple[str, ...]) -> Synonyms:
    """Return a Synonyms object with exactly these equivalence groups."""
    return Synonyms(groups=list(groups))
