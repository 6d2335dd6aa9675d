"""A Whoosh segment writer that writes each new segment's search columns inside the same commit.

Whoosh commits by writing the new segment's files, then a new table of contents (the commit
point), then deleting files of segments that are gone. The columns of the new segment are
written after the segment and before the table of contents, and are named after the segment,
so that a commit is all or nothing and Whoosh's clean-up removes columns of merged segments.
Segments are never merged by Whoosh's own policy (its merges would not know the columns):
``merge_policy`` merges small segments itself and carries their columns over.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PerDocWriter
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .postings import MAX_SEGMENT_DOCS
from .records import ParagraphRecord
from .segment_columns import ColumnsBuilder, read_column_files, records_from_columns, write_columns

MAX_SEGMENTS = 8  # beyond this many, the smaller segments are merged into the new one


# Whoosh zlib-compresses each document's stored fields on its own; for paragraphs of a few
# hundred bytes that costs ~70 µs a paragraph in the writing process, the largest single cost
# of indexing, and saves little space. Stored fields are kept plain instead.
PLAIN_STORED = columns.PickleColumn(columns.VarBytesColumn())


class PlainStoredWriter(W3PerDocWriter):
    """Whoosh's per-document writer, with stored fields not compressed."""

    def _create_column(self, fieldname, column) -> None:
        super()._create_column(fieldname, PLAIN_STORED if fieldname == "_stored" else column)


class PlainStoredReader(W3PerDocReader):
    """Whoosh's per-document reader for stored fields written by PlainStoredWriter."""

    def stored_fields(self, docnum: int) -> dict:
        """Return a document's stored fields."""
        value = self._cached_reader("_stored", PLAIN_STORED)[docnum]
        return {} if value is None else value


class UnionCodec(W3Codec):
    """Whoosh's codec, with plain stored fields; segments remember it, so readers use it too."""

    def per_document_writer(self, storage, segment) -> PlainStoredWriter:
        return PlainStoredWriter(self, storage, segment)

    def per_document_reader(self, storage, segment) -> PlainStoredReader:
        return PlainStoredReader(storage, segment)


def live_mask(segment) -> np.ndarray:
    """Return a boolean array flagging the segment's documents that are not deleted."""
    live = np.ones(segment.doc_count_all(), dtype=bool)
    deleted = list(segment.deleted_docs()) if segment.has_deletions() else []
    if deleted:
        live[np.array(deleted, dtype=np.int64)] = False
    return live


def merge_policy(writer: ColumnsSegmentWriter, segments: list) -> list:
    """Merge the smallest segments into the new one when there are too many; keep the rest.

    A segment holds at most MAX_SEGMENT_DOCS paragraphs (the columns pack docnums in 20 bits),
    so merging stops before the new segment would outgrow that.
    """
    if len(segments) < MAX_SEGMENTS:
        return segments
    budget = MAX_SEGMENT_DOCS - writer.docnum
    merged = []
    for segment in sorted(segments, key=lambda s: s.doc_count()):
        if len(segments) - len(merged) <= MAX_SEGMENTS // 2 or segment.doc_count() > budget:
            break
        budget -= segment.doc_count()
        merged.append(segment)
    for segment in merged:
        writer.merge_segment(segment)
    return [s for s in segments if s not in merged]


class ColumnsSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, plus the new segment's columns written before the commit point."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, codec=UnionCodec(), **kwargs)
        self.folder = Path(self.storage.folder)
        self.builder = ColumnsBuilder()
        self.mergetype = merge_policy

    def add_record(self, record: ParagraphRecord) -> None:
        """Add a paragraph to Whoosh and to the new segment's columns."""
        self.add_document(**record.whoosh_document())
        self.builder.add(record)

    def merge_segment(self, segment) -> None:
        """Copy a segment's live documents into the new segment, with their column records."""
        reader = SegmentReader(self.storage, self.schema, segment)
        try:
            self.add_reader(reader)
        finally:
            reader.close()
        arrays, tables = read_column_files(self.folder, segment.segment_id())
        for record in records_from_columns(arrays, tables, live_mask(segment)):
            self.builder.add(record)

    def _commit_toc(self, segments) -> None:
        new = self.newsegment
        if any(s.segment_id() == new.segment_id() for s in segments):
            if len(self.builder) != new.doc_count_all():
                raise RuntimeError("column records and segment disagree; the commit is abandoned")
            write_columns(self.folder, new.segment_id(), self.builder)
        super()._commit_toc(segments)
