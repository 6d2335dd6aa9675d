"""One committed index generation, opened for searching: every segment's sidecar side by side.

Docnums are global, as in Whoosh's multi-segment reader: a segment's documents follow those of
the segments before it. Everything here is read-only after loading, so one ``Generation`` is
shared by all the threads of a server.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.postings import char_key, lookup
from index.segments import live_mask
from index.sidecar import FACET_COLUMNS, match_form, read_sidecar, sidecar_exists
from index.themes import THEMES

from .errors import IndexMissing
from .facets import FacetTable

LITERAL_CACHE = 256  # literals whose matching paragraphs a generation remembers
HIT_FIELDS = ("id", "article_id", "title", "source", "province", "city", "county", "unit",
              "level", "year", "doc_type", "kind", "section")


@dataclass
class Segment:
    """One segment's sidecar, with its place among the generation's docnums."""

    segment_id: str
    base: int
    size: int
    arrays: dict[str, np.ndarray]
    tables: dict
    fold: str = ""
    fold_starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    vocab: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, segment_id: str, base: int) -> Segment:
        """Load a segment's sidecar; the folded texts become one Python string for fast finds."""
        if not sidecar_exists(folder, segment_id):
            raise IndexMissing(f"segment {segment_id} of {folder} has no search sidecar",
                               hint="the index was written by another version: delete it and index again")
        arrays, tables = read_sidecar(folder, segment_id)
        segment = cls(segment_id, base, len(tables["paragraph_ids"]), arrays, tables)
        segment.fold = bytes(arrays["fold_blob"]).decode("utf-16-le")
        # Texts are joined by one NUL each: doc d spans [starts[d], starts[d] + length[d]).
        lengths = np.asarray(arrays["fold_lengths"], dtype=np.int64)
        segment.fold_starts = np.concatenate([[0], np.cumsum(lengths + 1)])
        segment.vocab = {term: i for i, term in enumerate(tables["vocab"])}
        return segment

    def literal_docs(self, needle: str) -> np.ndarray:
        """Return the local docnums whose folded text contains ``needle`` (already in match form)."""
        keys, offsets, docs = self.arrays["char_keys"], self.arrays["char_offsets"], self.arrays["char_docs"]
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
        if len(needle) == 2 or not len(candidates):
            return candidates.astype(np.int64)
        find = self.fold.find
        begins = self.fold_starts[candidates]
        ends = (begins + np.asarray(self.arrays["fold_lengths"])[candidates]).tolist()
        found = [find(needle, b, e) >= 0 for b, e in zip(begins.tolist(), ends)]
        return candidates[np.array(found, dtype=bool)].astype(np.int64)

    def word(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (local docnums, term frequencies) of one index word."""
        term_id = self.vocab.get(term)
        if term_id is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        terms, offsets = self.arrays["word_terms"], self.arrays["word_offsets"]
        at = int(np.searchsorted(terms, term_id))
        if at >= len(terms) or int(terms[at]) != term_id:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        span = slice(int(offsets[at]), int(offsets[at + 1]))
        return np.asarray(self.arrays["word_docs"][span], dtype=np.int64), np.asarray(self.arrays["word_tf"][span], dtype=np.float64)

    def text(self, doc: int) -> str:
        """Return a paragraph's display text."""
        offsets = self.arrays["text_offsets"]
        return bytes(self.arrays["text_blob"][int(offsets[doc]):int(offsets[doc + 1])]).decode("utf-8")


class Strings:
    """Short strings (titles, section paths) searched for a literal all at once."""

    def __init__(self, forms: list[str]) -> None:
        self.forms = forms
        self.count = len(forms)
        self.joined = "\x00".join(forms)
        self.starts = np.cumsum([0] + [len(f) + 1 for f in forms])[:-1] if forms else np.zeros(0, dtype=np.int64)

    def containing(self, needle: str) -> np.ndarray:
        """Return a boolean array flagging the strings that contain ``needle``."""
        hit = np.zeros(self.count, dtype=bool)
        if not needle:
            return hit
        if self.joined.count(needle) * 8 > self.count:
            # Common in these strings: test each one rather than walk every occurrence.
            return np.fromiter((needle in form for form in self.forms), dtype=bool, count=self.count)
        found, at = [], self.joined.find(needle)
        while at >= 0:
            found.append(at)
            at = self.joined.find(needle, at + 1)
        if found:
            hit[np.searchsorted(self.starts, np.array(found), side="right") - 1] = True
        return hit


class Generation:
    """All segments of one committed generation, with global arrays for facets and scoring."""

    def __init__(self, folder: Path, whoosh_segments: list, previous: Generation | None = None) -> None:
        self.folder = Path(folder)
        self.segments: list[Segment] = []
        # Segments never change once written: those the previous generation loaded are reused,
        # so a commit that adds one small segment is searchable at once.
        loaded = {s.segment_id: s for s in previous.segments} if previous is not None else {}
        self._forms: dict[str, str] = previous._forms if previous is not None else {}
        lives = []
        base = 0
        for whoosh_segment in whoosh_segments:
            segment_id = whoosh_segment.segment_id()
            if segment_id in loaded:
                segment = replace(loaded[segment_id], base=base)
            else:
                segment = Segment.open(self.folder, segment_id, base)
            self.segments.append(segment)
            lives.append(live_mask(whoosh_segment))
            base += segment.size
        self.size = base
        self.live = np.concatenate(lives) if lives else np.zeros(0, dtype=bool)
        self.live_count = int(np.count_nonzero(self.live))
        self.doc_len = self._concat("doc_len", np.float64)
        self.avgdl = float(self.doc_len[self.live].mean()) if self.live_count else 1.0
        self.year = self._concat("year", np.int64)
        dated = self.year[self.live & (self.year > 0)]
        self.oldest_year = int(dated.min()) if len(dated) else 0
        self.position = self._concat("position", np.int64)
        self.facets = self._facet_table()
        kinds = self.facets.values["kind"]
        self.is_heading = np.isin(self.facets.codes["kind"], [i for i, v in enumerate(kinds) if v in ("title", "heading")])
        self._ids: dict[str, int] | None = None
        self._literals: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._df: dict[str, int] = {}

    def _concat(self, name: str, dtype) -> np.ndarray:
        parts = [np.asarray(s.arrays[name], dtype=dtype) for s in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    def _global_codes(self, column: str, table_of) -> tuple[np.ndarray, list]:
        """Return codes over all segments, re-coded into one value table ("" is code 0)."""
        values: dict[str, int] = {"": 0}
        parts = []
        for segment in self.segments:
            local = table_of(segment)
            remap = np.array([values.setdefault(v or "", len(values)) for v in local], dtype=np.int32)
            parts.append(remap[np.asarray(segment.arrays[column], dtype=np.int64)])
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return codes, list(values)

    def _facet_table(self) -> FacetTable:
        codes: dict[str, np.ndarray] = {}
        values: dict[str, list] = {}
        for column in FACET_COLUMNS:
            codes[column], values[column] = self._global_codes(column, lambda s, c=column: s.tables["values"][c])
        codes["year"], values["year"] = self.year, []
        codes["theme"], values["theme"] = self._concat("theme_bits", np.int64), []
        self.section_codes, self.section_values = self._global_codes("section", lambda s: s.tables["sections"])
        self.article_codes, self.article_keys = self._global_codes("article", lambda s: s.tables["article_ids"])
        self.article_index = {key: code for code, key in enumerate(self.article_keys)}
        self.articles: dict[str, dict] = {}
        for segment in self.segments:
            for key, info in zip(segment.tables["article_ids"], segment.tables["articles"]):
                if info is not None and (key not in self.articles or info.get("record")):
                    self.articles[key] = info
        # Match forms of titles (per article code) and section paths, for the title and heading bonus.
        self._titles = Strings([self._form((self.articles.get(k) or {}).get("title") or "") for k in self.article_keys])
        self._sections = Strings([self._form(v) for v in self.section_values])
        return FacetTable(codes, values)

    def _form(self, text: str) -> str:
        """Return the match form of a title or section path, remembered across generations."""
        form = self._forms.get(text)
        if form is None:
            form = self._forms[text] = match_form(text)
        return form

    def locate(self, docnum: int) -> tuple[Segment, int]:
        """Return the segment holding a global docnum and the local docnum there."""
        for segment in reversed(self.segments):
            if docnum >= segment.base:
                return segment, docnum - segment.base
        raise IndexError(docnum)

    def literal_mask(self, text: str) -> np.ndarray | None:
        """Return the live paragraphs containing ``text`` literally (None when it is empty)."""
        needle = match_form(text)
        if not needle:
            return None
        with self._cache_lock:
            docs = self._literals.get(needle)
            if docs is not None:
                self._literals.move_to_end(needle)
        if docs is None:
            parts = [segment.base + segment.literal_docs(needle) for segment in self.segments]
            docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            docs = docs[self.live[docs]]
            with self._cache_lock:
                # Writers search the same words again and again (paging, facets, variants):
                # a generation never changes, so its literal matches can be remembered.
                self._literals[needle] = docs
                while len(self._literals) > LITERAL_CACHE:
                    self._literals.popitem(last=False)
        mask = np.zeros(self.size, dtype=bool)
        mask[docs] = True
        return mask

    def occurrence_counts(self, text: str, docnums: np.ndarray) -> np.ndarray:
        """Return how often ``text`` occurs (without overlaps) in each of the given paragraphs."""
        needle = match_form(text)
        counts = np.zeros(len(docnums), dtype=np.int64)
        if not needle:
            return counts
        for segment in self.segments:
            inside = (docnums >= segment.base) & (docnums < segment.base + segment.size)
            local = docnums[inside] - segment.base
            starts = segment.fold_starts[local].tolist()
            ends = (segment.fold_starts[local] + np.asarray(segment.arrays["fold_lengths"])[local]).tolist()
            count = segment.fold.count
            counts[inside] = [count(needle, a, b) for a, b in zip(starts, ends)]
        return counts

    def title_mask(self, text: str, docs: np.ndarray) -> np.ndarray:
        """Return, for the given docnums, whether their article title contains ``text`` literally."""
        return self._titles.containing(match_form(text))[self.article_codes[docs]]

    def section_mask(self, text: str, docs: np.ndarray) -> np.ndarray:
        """Return, for the given docnums, whether their section headings contain ``text`` literally."""
        return self._sections.containing(match_form(text))[self.section_codes[docs]]

    def word_postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (global docnums, tf) of one index word over live paragraphs."""
        docs, tfs = [], []
        for segment in self.segments:
            local, tf = segment.word(term)
            docs.append(local + segment.base)
            tfs.append(tf)
        docs_all = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        tf_all = np.concatenate(tfs) if tfs else np.zeros(0)
        keep = self.live[docs_all]
        return docs_all[keep], tf_all[keep]

    def docnum(self, paragraph_id: str) -> int | None:
        """Return the live docnum of a paragraph id, or None."""
        if self._ids is None:
            ids = {}
            for segment in self.segments:
                for local, pid in enumerate(segment.tables["paragraph_ids"]):
                    if self.live[segment.base + local]:
                        ids[pid] = segment.base + local
            self._ids = ids
        return self._ids.get(paragraph_id)

    def text(self, docnum: int) -> str:
        """Return a paragraph's display text."""
        segment, local = self.locate(docnum)
        return segment.text(local)

    def record(self, docnum: int) -> dict:
        """Return a paragraph's public fields (the hit shape without snippet and score)."""
        segment, local = self.locate(docnum)
        tables, arrays = segment.tables, segment.arrays
        article_key = tables["article_ids"][int(arrays["article"][local])]
        article = self.articles.get(article_key) or tables["articles"][int(arrays["article"][local])]
        out = {"id": tables["paragraph_ids"][local], "article_id": article_key, "title": article["title"],
               "source": article["source"], "unit": article["unit"], "organization": article["organization"]}
        for column in FACET_COLUMNS:
            out[column] = tables["values"][column][int(arrays[column][local])] or None
        out["year"] = int(arrays["year"][local]) or None
        out["section"] = tables["sections"][int(arrays["section"][local])]
        bits = int(arrays["theme_bits"][local])
        out["themes"] = [t for i, t in enumerate(THEMES) if bits & (1 << i)]
        out["text"] = segment.text(local)
        out["position"] = int(arrays["position"][local])
        return out

    def title_of(self, docnum: int) -> str:
        """Return the title of a paragraph's article."""
        key = self.article_keys[int(self.article_codes[docnum])]
        return (self.articles.get(key) or {}).get("title") or ""

    def article_record(self, article_key: str) -> dict | None:
        """Return the stored article record (the `docs --json` fields), or None."""
        info = self.articles.get(article_key)
        return json.loads(info["record"]) if info and info.get("record") else None

    def article_docnums(self, article_key: str) -> np.ndarray:
        """Return the live docnums of an article's paragraphs, in paragraph order."""
        code = self.article_index.get(article_key)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        docs = np.flatnonzero((self.article_codes == code) & self.live)
        return docs[np.argsort(self.position[docs], kind="stable")]
