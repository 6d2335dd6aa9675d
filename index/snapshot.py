"""Read a committed index: its newest generation number, its segments, each segment's columns.

This is the one place outside the writer that knows how a generation is stored (Whoosh's table
of contents, the per-segment column files beside it), so ``search/`` asks here instead of
opening Whoosh's private parts or the files themselves. ``latest_generation`` is the only
call of Whoosh's private ``TOC._latest_generation`` in the project; keep it the only one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError

from .articles import paragraph_id
from .cooccurrence import CO_ARRAYS
from .folded_texts import FoldedTexts
from .segments import live_mask
from .segment_columns import FACET_COLUMNS, article_record, paragraph_ids, read_column_files, columns_complete, column_path

INDEX_NAME = "MAIN"  # Whoosh's default index name, the only one a folder holds
# What read_snapshot raises when the folder holds no table of contents for that generation.
SnapshotMissing = EmptyIndexError


@dataclass(frozen=True)
class SegmentRef:
    """One segment of a generation: its id and which of its documents are not deleted."""

    segment_id: str
    live: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """One committed generation: its number and its segments in docnum order."""

    number: int
    segments: list[SegmentRef]


def flat_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Return the positions of every range ``starts[k]`` … ``starts[k] + lengths[k] - 1``, one range after another."""
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    if not len(ends):
        return ends
    # Range k begins where the ones before it end: shift each position by its range's start.
    return np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)


class SegmentColumns:
    """One segment's stored columns, each by its own attribute: arrays memory-mapped, small tables parsed.

    ``arrays`` and ``tables`` hold the same columns by their on-disk names, for index/ itself
    (merging segments, checking a folder); search/ reads the attributes.
    """

    def __init__(self, segment_id: str, arrays: dict[str, np.ndarray], tables: dict, folded: FoldedTexts) -> None:
        self.segment_id = segment_id
        self.size: int = tables["size"]
        self.arrays = arrays
        self.tables = tables
        self.folded = folded
        # Character uni/bigram postings of the folded texts (index/postings.py).
        self.char_keys, self.char_offsets, self.char_docs = arrays["char_keys"], arrays["char_offsets"], arrays["char_docs"]
        # Word postings: sorted term ids, where each one's docnums start, docnums, term frequencies.
        self.word_terms, self.word_offsets = arrays["word_terms"], arrays["word_offsets"]
        self.word_docs, self.word_tf = arrays["word_docs"], arrays["word_tf"]
        self.vocab: list[str] = tables["vocab"]
        self.doc_len = arrays["doc_len"]
        # Each paragraph's word ids in order (its sub-words included): where they start, the ids.
        self.tok_offsets, self.tok_ids = arrays["tok_offsets"], arrays["tok_ids"]
        self.text_blob, self.text_offsets = arrays["text_blob"], arrays["text_offsets"]
        self.position, self.year, self.theme_bits = arrays["position"], arrays["year"], arrays["theme_bits"]
        # Per paragraph: a code into the segment's value table of each coded field, its section, its article.
        self.codes: dict[str, np.ndarray] = {column: arrays[column] for column in FACET_COLUMNS}
        self.values: dict[str, list] = tables["values"]
        self.section, self.sections, self.section_forms = arrays["section"], tables["sections"], tables["section_forms"]
        self.article, self.article_ids = arrays["article"], tables["article_ids"]
        self.articles: list[dict | None] = tables["articles"]
        self.title_forms: list[str] = tables["title_forms"]
        self.record_offsets = arrays["record_offsets"]
        # Segments written before co-occurrence was counted have none of its arrays.
        self.has_cooccurrence = all(name in arrays for name in CO_ARRAYS)

    def text(self, doc: int) -> str:
        """Return a paragraph's display text."""
        offsets = self.text_offsets
        return bytes(self.text_blob[int(offsets[doc]):int(offsets[doc + 1])]).decode("utf-8")

    def paragraph_id(self, doc: int) -> str:
        """Return a paragraph's id."""
        return paragraph_id(self.article_ids[int(self.article[doc])], int(self.position[doc]))

    def paragraph_ids(self, docs: np.ndarray) -> list[str]:
        """Return the paragraph ids of local docnums."""
        return paragraph_ids(self.arrays, self.tables, docs)

    def article_record(self, code: int) -> str:
        """Return the record (JSON) of an article by its local code, "" when it has none."""
        return article_record(self.arrays, code)

    def tokens_of(self, docs: np.ndarray) -> np.ndarray:
        """Return the word ids of the given local docnums' paragraphs, one paragraph after another."""
        offsets = self.tok_offsets
        return self.tok_ids[flat_ranges(offsets[docs], offsets[docs + 1] - offsets[docs])]

    def word_span(self, term_id: int) -> slice | None:
        """Return where a word's postings lie in ``word_docs``/``word_tf``, None when it has none."""
        return _span(self.word_terms, self.word_offsets, term_id)

    def partners(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (partner term ids, paragraphs shared) of a word; empty without co-occurrence counts."""
        span = _span(self.arrays["co_terms"], self.arrays["co_offsets"], term_id) if self.has_cooccurrence else None
        if span is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return self.arrays["co_partners"][span], self.arrays["co_counts"][span]


def _span(terms: np.ndarray, offsets: np.ndarray, term_id: int) -> slice | None:
    """Return the slice of term ``term_id`` in postings sorted by term, None when it is absent."""
    at = int(np.searchsorted(terms, term_id))
    if at >= len(terms) or int(terms[at]) != term_id:
        return None
    return slice(int(offsets[at]), int(offsets[at + 1]))


def latest_generation(folder: Path) -> int:
    """Return the number of the newest committed generation, -1 when there is none.

    The one call of Whoosh's private ``TOC._latest_generation`` in the project: keep it here.
    """
    if not Path(folder).is_dir():
        return -1
    # Listing the folder is all Whoosh does to find it; no file is opened, so this cannot race.
    return TOC._latest_generation(FileStorage(str(folder)), INDEX_NAME)


def read_snapshot(folder: Path, number: int) -> Snapshot:
    """Return generation ``number``: its segments and their live documents (SnapshotMissing if none)."""
    toc = TOC.read(FileStorage(str(folder)), INDEX_NAME, gen=number)
    return Snapshot(number, [SegmentRef(s.segment_id(), live_mask(s)) for s in toc.segments])


def has_columns(folder: Path, segment_id: str) -> bool:
    """Return True when the segment's columns were completely written."""
    return columns_complete(Path(folder), segment_id)


def read_columns(folder: Path, segment_id: str) -> SegmentColumns:
    """Open one segment's columns: arrays memory-mapped, only the small tables parsed."""
    arrays, tables = read_column_files(Path(folder), segment_id)
    folded = FoldedTexts(column_path(Path(folder), segment_id, "fold_blob"), arrays["fold_lengths"])
    return SegmentColumns(segment_id, arrays, tables, folded)
