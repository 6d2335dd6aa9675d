"""The search columns of one Whoosh segment: what searching needs, as numpy arrays on disk.

Whoosh keeps the documents (the record of what was indexed); each of its segments gets column
files written in the same commit, named after the segment (``MAIN_<id>.sc_*``; "sc" from their
old name, kept so old indexes open) so that Whoosh's own clean-up removes them with their
segment. The columns hold, per paragraph (docnum
within the segment): the folded text for literal verification, the display text, character
uni/bigram postings, word postings with term frequencies, word co-occurrence counts
(index/cooccurrence.py), facet codes and the small tables
(articles, sections, facet values, vocabulary) those codes point into.
"""

from __future__ import annotations

import json
import os
from array import array
from collections import defaultdict
from itertools import count
from pathlib import Path

import numpy as np

from .cooccurrence import cooccurrence
from .articles import paragraph_id
from .fields import CODED_COLUMNS
from .normalize import match_form
from .postings import char_postings, word_postings
from .records import ParagraphRecord
from .themes import THEMES

PREFIX = "sc_"
META = "sc_meta.json"
FACET_COLUMNS = CODED_COLUMNS  # province, city, county, level, doc_type, kind (index/fields.py)
COLUMNS_VERSION = 2


def _table(values: list) -> tuple[list, np.ndarray]:
    """Return (distinct values with "" first, code per value)."""
    table: dict = {"": 0}
    codes = np.fromiter((table.setdefault(v or "", len(table)) for v in values), dtype=np.uint32, count=len(values))
    return list(table), codes


class ColumnsBuilder:
    """Collects paragraphs for one segment's columns in compact columns (words as ids, text as bytes)."""

    def __init__(self) -> None:
        self.folded: list[str] = []
        self.text = bytearray()
        self.text_offsets = [0]
        # A missing word gets the next id, all in C: this runs for every token of every paragraph.
        self.vocab: defaultdict[str, int] = defaultdict(count().__next__)
        self.tokens = array("I")
        self.token_offsets = [0]
        self.columns: dict[str, list] = {name: [] for name in (*FACET_COLUMNS, "section", "article")}
        self.numbers: dict[str, list[int]] = {"position": [], "year": [], "theme_bits": []}
        self.articles: dict[str, dict] = {}
        self.records: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.folded)

    def add(self, r: ParagraphRecord) -> None:
        """Add one paragraph (docnums follow the order of adding)."""
        if r.id != paragraph_id(r.article_id, r.position):
            # Paragraph ids are not stored: they are derived from article id and position.
            raise ValueError(f"paragraph id {r.id!r} does not follow from its article and position")
        self.folded.append(r.folded or match_form(r.text))
        self.text += r.text.encode("utf-8")
        self.text_offsets.append(len(self.text))
        self.tokens.extend(map(self.vocab.__getitem__, r.words))
        self.token_offsets.append(len(self.tokens))
        for column in FACET_COLUMNS:
            self.columns[column].append(getattr(r, column))
        self.columns["section"].append(r.section)
        self.columns["article"].append(r.article_id)
        self.numbers["position"].append(r.position)
        self.numbers["year"].append(r.year or 0)
        self.numbers["theme_bits"].append(r.theme_bits)
        self.articles.setdefault(r.article_id, {"title": r.title, "source": r.source, "unit": r.unit,
                                                "organization": r.organization})
        if r.article:
            self.records[r.article_id] = r.article

    def build(self) -> tuple[dict[str, np.ndarray], dict]:
        """Return the arrays and the JSON tables of the columns."""
        arrays: dict[str, np.ndarray] = {}
        arrays["char_keys"], arrays["char_offsets"], arrays["char_docs"] = char_postings(self.folded)
        arrays["fold_blob"] = np.frombuffer("\x00".join(self.folded).encode("utf-16-le"), dtype=np.uint16)
        arrays["fold_lengths"] = np.fromiter((len(t) for t in self.folded), dtype=np.int64, count=len(self.folded))
        arrays["text_blob"] = np.frombuffer(bytes(self.text), dtype=np.uint8)
        arrays["text_offsets"] = np.array(self.text_offsets, dtype=np.int64)
        arrays["tok_ids"] = np.frombuffer(self.tokens, dtype=np.uint32).copy()
        arrays["tok_offsets"] = np.array(self.token_offsets, dtype=np.int64)
        terms, offsets, docs, tf = word_postings(arrays["tok_ids"], arrays["tok_offsets"])
        arrays.update(word_terms=terms, word_offsets=offsets, word_docs=docs, word_tf=tf)
        arrays.update(cooccurrence(list(self.vocab), terms, offsets, docs, tf))
        arrays["doc_len"] = np.diff(arrays["tok_offsets"]).astype(np.uint32)
        tables: dict = {"version": COLUMNS_VERSION, "vocab": list(self.vocab), "values": {}}
        for column in FACET_COLUMNS:
            tables["values"][column], arrays[column] = _table(self.columns[column])
        tables["sections"], arrays["section"] = _table(self.columns["section"])
        tables["article_ids"], arrays["article"] = _table(self.columns["article"])
        tables["articles"] = [self.articles.get(key) for key in tables["article_ids"]]
        # Match forms are computed here once, not each time a server opens the index.
        tables["title_forms"] = [match_form((info or {}).get("title") or "") for info in tables["articles"]]
        tables["section_forms"] = [match_form(section) for section in tables["sections"]]
        # Article records (docs --json) are read rarely: they stay on disk, one blob per segment.
        records = [self.records.get(key, "").encode("utf-8") for key in tables["article_ids"]]
        arrays["record_blob"] = np.frombuffer(b"".join(records), dtype=np.uint8)
        arrays["record_offsets"] = np.cumsum([0] + [len(r) for r in records], dtype=np.int64)
        arrays["position"] = np.array(self.numbers["position"], dtype=np.uint32)
        arrays["year"] = np.array(self.numbers["year"], dtype=np.int32)
        arrays["theme_bits"] = np.array(self.numbers["theme_bits"], dtype=np.uint32)
        tables["size"] = len(self.folded)
        tables["arrays"] = sorted(arrays)
        return arrays, tables


def article_record(arrays: dict[str, np.ndarray], code: int) -> str:
    """Return the record (JSON) of a segment's article by its code, "" when it has none."""
    offsets = arrays["record_offsets"]
    return bytes(arrays["record_blob"][int(offsets[code]):int(offsets[code + 1])]).decode("utf-8")


def paragraph_ids(arrays: dict[str, np.ndarray], tables: dict, docs: np.ndarray) -> list[str]:
    """Return the paragraph ids of a segment's docnums."""
    keys, positions = tables["article_ids"], arrays["position"][docs].tolist()
    return [paragraph_id(keys[code], position) for code, position in zip(arrays["article"][docs].tolist(), positions)]


def write_columns(folder: Path, segment_id: str, builder: ColumnsBuilder) -> None:
    """Write the columns of one segment; the tables file is written last and marks it complete."""
    arrays, tables = builder.build()
    for name, values in arrays.items():
        np.save(column_path(folder, segment_id, name), np.ascontiguousarray(values), allow_pickle=False)
    final = folder / f"{segment_id}.{META}"
    partial = folder / f"{segment_id}.{META}.partial"
    partial.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)


def column_path(folder: Path, segment_id: str, name: str) -> Path:
    """Return the file holding one array of a segment's columns."""
    return folder / f"{segment_id}.{PREFIX}{name}.npy"


def columns_complete(folder: Path, segment_id: str) -> bool:
    """Return True when the segment's columns were completely written."""
    return (folder / f"{segment_id}.{META}").exists()


def read_column_files(folder: Path, segment_id: str) -> tuple[dict[str, np.ndarray], dict]:
    """Open a segment's columns: arrays memory-mapped, tables parsed."""
    tables = json.loads((folder / f"{segment_id}.{META}").read_text(encoding="utf-8"))
    # Each array by name, so that one deleted meanwhile (its segment merged away by a newer
    # commit) raises FileNotFoundError instead of going silently missing.
    # Plain ndarray views: numpy's memmap subclass makes every small slice cost a Python call.
    arrays = {name: np.load(column_path(folder, segment_id, name), mmap_mode="r", allow_pickle=False).view(np.ndarray)
              for name in tables["arrays"]}
    return arrays, tables


def records_from_columns(arrays: dict[str, np.ndarray], tables: dict, live: np.ndarray | None = None) -> list[ParagraphRecord]:
    """Rebuild the records of a segment's columns (the live ones), so segments can be merged."""
    vocab = tables["vocab"]
    records = []
    text_blob = bytes(arrays["text_blob"])
    docs = np.arange(tables["size"]) if live is None else np.flatnonzero(live)
    for doc, pid in zip(docs.tolist(), paragraph_ids(arrays, tables, docs)):
        start, end = int(arrays["text_offsets"][doc]), int(arrays["text_offsets"][doc + 1])
        tokens = arrays["tok_ids"][arrays["tok_offsets"][doc]:arrays["tok_offsets"][doc + 1]]
        code = int(arrays["article"][doc])
        article = tables["articles"][code]
        bits = int(arrays["theme_bits"][doc])
        position = int(arrays["position"][doc])
        values = {c: tables["values"][c][int(arrays[c][doc])] or None for c in FACET_COLUMNS}
        records.append(ParagraphRecord(
            id=pid, article_id=tables["article_ids"][code], position=position,
            text=text_blob[start:end].decode("utf-8"), section=tables["sections"][int(arrays["section"][doc])],
            themes=[t for i, t in enumerate(THEMES) if bits & (1 << i)], title=article["title"],
            source=article["source"], unit=article["unit"], organization=article["organization"],
            year=int(arrays["year"][doc]) or None, theme_bits=bits,
            article=(article_record(arrays, code) or None) if position == 0 else None,
            words=[vocab[t] for t in tokens.tolist()], **values,
        ))
    return records
