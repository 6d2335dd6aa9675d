"""One committed index generation, opened for searching: every segment's columns side by side.

Docnums are global, as in Whoosh's multi-segment reader: a segment's documents follow those of
the segments before it. Everything here is read-only after loading, so one ``Generation`` is
shared by all the threads of a server.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.postings import char_key, lookup
from index.normalize import match_form
from index.segment_columns import FACET_COLUMNS
from index.folded_texts import FoldedTexts
from index.snapshot import SegmentColumns, Snapshot, has_columns, read_columns
from index.themes import THEMES

from .errors import IndexMissing
from .facets import FacetTable

LITERAL_CACHE = 256  # literals whose matching paragraphs a generation remembers
LITERAL_CACHE_BYTES = 128 << 20  # ... at most this much memory of masks (one byte a paragraph)
REMEMBERED_BYTES = 96 << 20  # arrays derived per word (BM25 weights) a generation keeps, least recent out first


@dataclass
class Segment:
    """One segment's columns, with its place among the generation's docnums."""

    columns: SegmentColumns
    base: int
    vocab: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, segment_id: str, base: int) -> Segment:
        """Load a segment's columns: arrays memory-mapped, only the small tables parsed."""
        if not has_columns(folder, segment_id):
            raise IndexMissing(f"索引 {folder} 的段 {segment_id} 缺少检索数据文件",
                               hint="这个索引是别的版本写的：删除文件夹后重新运行 unionsearch index")
        columns = read_columns(folder, segment_id)
        return cls(columns, base, {term: i for i, term in enumerate(columns.vocab)})

    @property
    def segment_id(self) -> str:
        """Return the segment's id (its files' name)."""
        return self.columns.segment_id

    @property
    def size(self) -> int:
        """Return how many paragraphs the segment holds, deleted ones included."""
        return self.columns.size

    @property
    def folded(self) -> FoldedTexts:
        """Return the segment's folded texts."""
        return self.columns.folded

    def literal_docs(self, needle: str) -> np.ndarray:
        """Return the local docnums whose folded text contains ``needle`` (already in match form)."""
        columns = self.columns
        keys, offsets, docs = columns.char_keys, columns.char_offsets, columns.char_docs
        if len(needle) <= 2:
            return np.asarray(lookup(keys, offsets, docs, char_key(needle)))
        lists = sorted((lookup(keys, offsets, docs, char_key(needle[i:i + 2])) for i in range(len(needle) - 1)),
                       key=len)
        candidates = np.asarray(lists[0])
        for other in lists[1:]:
            if not len(candidates):
                break
            candidates = candidates[np.isin(candidates, other, assume_unique=True)]
        # Every two-character piece is there; the whole needle must also stand in one place.
        if not len(candidates):
            return candidates.astype(np.int64)
        return candidates[columns.folded.contains(needle, candidates)].astype(np.int64)

    def word(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (local docnums, term frequencies) of one index word, as stored (uint32, uint16)."""
        columns = self.columns
        docs, tf = columns.word_docs, columns.word_tf
        term_id = self.vocab.get(term)
        span = None if term_id is None else columns.word_span(term_id)
        if span is None:
            return docs[:0], tf[:0]
        return docs[span], tf[span]

    def text(self, doc: int) -> str:
        """Return a paragraph's display text."""
        return self.columns.text(doc)

    def paragraph_id(self, doc: int) -> str:
        """Return a paragraph's id."""
        return self.columns.paragraph_id(doc)


class Strings:
    """Short strings (titles, section paths) searched for a literal all at once."""

    def __init__(self, forms: list[str]) -> None:
        self.forms = np.array(forms, dtype=np.str_) if forms else np.zeros(0, dtype="U1")
        # A scan of 40,000 titles takes a couple of milliseconds; the same words come back often.
        self.containing = lru_cache(maxsize=LITERAL_CACHE)(self._containing)

    def _containing(self, needle: str) -> np.ndarray:
        """Return a boolean array flagging the strings that contain ``needle``."""
        if not needle:
            return np.zeros(len(self.forms), dtype=bool)
        return np.strings.find(self.forms, needle) >= 0


class Generation:
    """All segments of one committed generation, with global arrays for facets and scoring."""

    def __init__(self, folder: Path, snapshot: Snapshot, previous: Generation | None = None) -> None:
        self.folder = Path(folder)
        self.segments: list[Segment] = []
        # Segments never change once written: those the previous generation loaded are reused,
        # so a commit that adds one small segment is searchable at once.
        loaded = {s.segment_id: s for s in previous.segments} if previous is not None else {}
        lives = []
        base = 0
        for ref in snapshot.segments:
            segment_id = ref.segment_id
            if segment_id in loaded:
                segment = replace(loaded[segment_id], base=base)
            else:
                segment = Segment.open(self.folder, segment_id, base)
            self.segments.append(segment)
            lives.append(ref.live)
            base += segment.size
        self.size = base
        self.live = np.concatenate(lives) if lives else np.zeros(0, dtype=bool)
        self.live_count = int(np.count_nonzero(self.live))
        self.doc_len = self._concat(lambda c: c.doc_len, np.float64)
        self.avgdl = float(self.doc_len[self.live].mean()) if self.live_count else 1.0
        self.year = self._concat(lambda c: c.year, np.int64)
        dated = self.year[self.live & (self.year > 0)]
        self.oldest_year = int(dated.min()) if len(dated) else 0
        self.position = self._concat(lambda c: c.position, np.int64)
        self.facets = self._facet_table()
        kinds = self.facets.values["kind"]
        self.is_heading = np.isin(self.facets.codes["kind"], [i for i, v in enumerate(kinds) if v in ("title", "heading")])
        self._literals: OrderedDict[str, np.ndarray] = OrderedDict()
        self._derived: dict[str, np.ndarray] = {}
        self._remembered: OrderedDict[object, tuple[np.ndarray, ...]] = OrderedDict()
        self._remembered_bytes = 0
        self._cache_lock = threading.Lock()
        self._computing: dict[object, threading.Lock] = {}  # keys being computed, each with its own lock

    def derived(self, name: str, compute: Callable[[Generation], np.ndarray]) -> np.ndarray:
        """Return an array computed from this generation, once (its user owns the formula)."""
        value = self._derived.get(name)
        if value is None:
            value = self._derived.setdefault(name, compute(self))
        return value

    def remember(self, key: object, compute: Callable[[], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
        """Return ``compute()`` for ``key``, kept while it fits in REMEMBERED_BYTES (least recent out first).

        Two threads asking for the same key at once (the warm-up and a first request) compute it
        once: the second waits for the first.
        """
        with self._cache_lock:
            value = self._remembered.get(key)
            if value is not None:
                self._remembered.move_to_end(key)
                return value
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._cache_lock:
                value = self._remembered.get(key)  # computed while this thread waited
            if value is None:
                value = self._compute_and_keep(key, compute)
        with self._cache_lock:
            if self._computing.get(key) is computing:
                del self._computing[key]
        return value

    def _compute_and_keep(self, key: object, compute: Callable[[], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
        value = compute()
        for array in value:
            array.flags.writeable = False  # shared by every search that asks for it
        size = sum(array.nbytes for array in value)
        with self._cache_lock:
            if key not in self._remembered and size <= REMEMBERED_BYTES:
                self._remembered[key] = value
                self._remembered_bytes += size
                while self._remembered_bytes > REMEMBERED_BYTES:
                    _, old = self._remembered.popitem(last=False)
                    self._remembered_bytes -= sum(array.nbytes for array in old)
        return value

    def _concat(self, column_of: Callable[[SegmentColumns], np.ndarray], dtype) -> np.ndarray:
        parts = [np.asarray(column_of(s.columns), dtype=dtype) for s in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    def _global_codes(self, codes_and_table: Callable[[SegmentColumns], tuple[np.ndarray, list]]) -> tuple[np.ndarray, list]:
        """Return codes over all segments, re-coded into one value table ("" is code 0)."""
        values: dict[str, int] = {"": 0}
        parts = []
        for segment in self.segments:
            local_codes, local = codes_and_table(segment.columns)
            remap = np.array([values.setdefault(v or "", len(values)) for v in local], dtype=np.int32)
            parts.append(remap[np.asarray(local_codes, dtype=np.int64)])
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return codes, list(values)

    def _facet_table(self) -> FacetTable:
        codes: dict[str, np.ndarray] = {}
        values: dict[str, list] = {}
        for column in FACET_COLUMNS:
            codes[column], values[column] = self._global_codes(lambda s, c=column: (s.codes[c], s.values[c]))
        codes["year"], values["year"] = self.year, []
        codes["theme"], values["theme"] = self._concat(lambda c: c.theme_bits, np.int64), []
        self.section_codes, self.section_values = self._global_codes(lambda s: (s.section, s.sections))
        self.article_codes, self.article_keys = self._global_codes(lambda s: (s.article, s.article_ids))
        self.article_index = {key: code for code, key in enumerate(self.article_keys)}
        # Per article: its stored fields, and where its record is (segment, local article code).
        self.articles: dict[str, dict] = {}
        self._record_at: dict[str, tuple[Segment, int]] = {}
        section_forms: dict[str, str] = {}
        title_forms: dict[str, str] = {}
        for segment in self.segments:
            columns = segment.columns
            has_record = np.flatnonzero(np.diff(columns.record_offsets) > 0).tolist()
            for code in has_record:
                self._record_at.setdefault(columns.article_ids[code], (segment, code))
            for key, info, form in zip(columns.article_ids, columns.articles, columns.title_forms):
                if info is not None and key not in self.articles:
                    self.articles[key] = info
                    title_forms[key] = form
            section_forms.update(zip(columns.sections, columns.section_forms))
        # Match forms of titles (per article code) and section paths, for the title and heading bonus.
        self._titles = Strings([title_forms.get(key, "") for key in self.article_keys])
        self._sections = Strings([section_forms.get(value, "") for value in self.section_values])
        return FacetTable(codes, values)

    def locate(self, docnum: int) -> tuple[Segment, int]:
        """Return the segment holding a global docnum and the local docnum there."""
        for segment in reversed(self.segments):
            if docnum >= segment.base:
                return segment, docnum - segment.base
        raise IndexError(docnum)

    def folded_text(self, docnum: int) -> str:
        """Return a paragraph's folded text (its match form), what literals and patterns are found in."""
        segment, local = self.locate(docnum)
        return segment.folded.text_of(local)

    def literal_mask(self, text: str) -> np.ndarray | None:
        """Return the live paragraphs containing ``text`` literally, a read-only mask (None when it is empty)."""
        needle = match_form(text)
        if not needle:
            return None
        with self._cache_lock:
            mask = self._literals.get(needle)
            if mask is not None:
                self._literals.move_to_end(needle)
        if mask is None:
            parts = [segment.base + segment.literal_docs(needle) for segment in self.segments]
            docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            mask = np.zeros(self.size, dtype=bool)
            mask[docs] = True
            mask &= self.live
            mask.flags.writeable = False  # shared by every search that asks for it
            with self._cache_lock:
                # Writers search the same words again and again (paging, facets, variants):
                # a generation never changes, so its literal matches can be remembered.
                self._literals[needle] = mask
                limit = min(LITERAL_CACHE, max(16, LITERAL_CACHE_BYTES // max(self.size, 1)))
                while len(self._literals) > limit:
                    self._literals.popitem(last=False)
        return mask

    def occurrence_counts(self, text: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Count ``text`` (without overlaps) in the given sorted docnums, stretch by stretch.

        Return (each stretch's first docnum, its count). A stretch is a run of consecutive
        docnums of one article in one segment: their texts stand one after another, joined by a
        NUL, so one count covers them all (a phrase found in most paragraphs needs far fewer
        calls than paragraphs).
        """
        needle = match_form(text)
        if not needle or not len(docnums):
            return docnums[:0], np.zeros(0, dtype=np.int64)
        bases = np.array([segment.base for segment in self.segments])
        where = np.searchsorted(bases, docnums, side="right") - 1
        codes = self.article_codes[docnums]
        breaks = (docnums[1:] != docnums[:-1] + 1) | (codes[1:] != codes[:-1]) | (where[1:] != where[:-1])
        first = np.flatnonzero(np.concatenate([[True], breaks]))
        last = np.append(first[1:], len(docnums)) - 1
        counts = np.zeros(len(first), dtype=np.int64)
        for at, segment in enumerate(self.segments):
            mine = where[first] == at
            if mine.any():
                counts[mine] = segment.folded.count(needle, docnums[first[mine]] - segment.base,
                                                    docnums[last[mine]] - segment.base)
        return docnums[first], counts

    def title_mask(self, text: str, docs: np.ndarray) -> np.ndarray:
        """Return, for the given docnums, whether their article title contains ``text`` literally."""
        return self._titles.containing(match_form(text))[self.article_codes[docs]]

    def section_mask(self, text: str, docs: np.ndarray) -> np.ndarray:
        """Return, for the given docnums, whether their section headings contain ``text`` literally."""
        return self._sections.containing(match_form(text))[self.section_codes[docs]]

    def word_postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (global docnums, tf) of one index word over live paragraphs."""
        parts = [(segment.base, *segment.word(term)) for segment in self.segments]
        docs = np.empty(sum(len(local) for _, local, _ in parts), dtype=np.int64)
        tf = np.empty(len(docs), dtype=np.float64)
        at = 0
        for base, local, counts in parts:
            span = slice(at, at + len(local))
            docs[span] = local
            docs[span] += base
            tf[span] = counts
            at = span.stop
        if self.live_count == self.size:
            return docs, tf
        keep = self.live[docs]
        return docs[keep], tf[keep]

    def docnum(self, paragraph_id: str) -> int | None:
        """Return the live docnum of a paragraph id, or None."""
        article, _, position = paragraph_id.rpartition("-")
        if not position.isdigit() or article not in self.article_index:
            return None
        docs = self.article_docnums(article)
        at = docs[self.position[docs] == int(position)]
        return int(at[0]) if len(at) else None

    def text(self, docnum: int) -> str:
        """Return a paragraph's display text."""
        segment, local = self.locate(docnum)
        return segment.text(local)

    def record(self, docnum: int) -> dict:
        """Return a paragraph's public fields (the hit shape without snippet and score)."""
        segment, local = self.locate(docnum)
        columns = segment.columns
        article_key = columns.article_ids[int(columns.article[local])]
        article = self.articles.get(article_key) or columns.articles[int(columns.article[local])]
        out = {"id": columns.paragraph_id(local), "article_id": article_key, "title": article["title"],
               "source": article["source"], "unit": article["unit"], "organization": article["organization"]}
        for column in FACET_COLUMNS:
            out[column] = columns.values[column][int(columns.codes[column][local])] or None
        out["year"] = int(columns.year[local]) or None
        out["section"] = columns.sections[int(columns.section[local])]
        bits = int(columns.theme_bits[local])
        out["themes"] = [t for i, t in enumerate(THEMES) if bits & (1 << i)]
        out["text"] = columns.text(local)
        out["position"] = int(columns.position[local])
        return out

    def title_of(self, docnum: int) -> str:
        """Return the title of a paragraph's article."""
        key = self.article_keys[int(self.article_codes[docnum])]
        return (self.articles.get(key) or {}).get("title") or ""

    def article_record(self, article_key: str) -> dict | None:
        """Return the stored article record (the `docs --json` fields), or None."""
        at = self._record_at.get(article_key)
        return json.loads(at[0].columns.article_record(at[1])) if at else None

    def article_docnums(self, article_key: str) -> np.ndarray:
        """Return the live docnums of an article's paragraphs, in paragraph order."""
        code = self.article_index.get(article_key)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        docs = np.flatnonzero((self.article_codes == code) & self.live)
        return docs[np.argsort(self.position[docs], kind="stable")]
