"""The folded texts of one segment, searched where they lie: in the memory-mapped column file.

The texts are one UTF-16 blob (texts joined by one NUL each). Literal verification runs
``mmap.find`` on the bytes directly, so opening an index decodes nothing and a server that
never runs a concordance never holds the texts as Python strings.
"""

from __future__ import annotations

import mmap
import threading
from itertools import repeat
from pathlib import Path

import numpy as np


def _data_offset(handle) -> int:
    """Return where the array data of an open .npy file starts."""
    major, _ = np.lib.format.read_magic(handle)
    if major == 1:
        np.lib.format.read_array_header_1_0(handle)
    else:
        np.lib.format.read_array_header_2_0(handle)
    return handle.tell()


class FoldedTexts:
    """A segment's folded texts (UTF-16, little-endian) by local docnum."""

    def __init__(self, path: Path, lengths: np.ndarray) -> None:
        with open(path, "rb") as handle:
            self._offset = _data_offset(handle)
            # An empty mapping is not allowed: a segment always has its header bytes at least.
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        # Lengths are in characters (what ``text().count`` works in); the bytes are UTF-16, where a
        # character beyond U+FFFF takes two units, so byte spans need lengths in units of their own.
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.lengths + 1)[:-1]]).astype(np.int64)
        self._unit_lengths, self._unit_starts = self.lengths, self.starts
        units = (len(self._map) - self._offset) // 2
        if len(self.lengths) and units != int(self.lengths.sum()) + len(self.lengths) - 1:
            decoded = self._map[self._offset:].decode("utf-16-le")  # rare: only such segments pay this
            self._unit_lengths = np.array([len(decoded[s:s + n].encode("utf-16-le")) // 2
                                           for s, n in zip(self.starts.tolist(), self.lengths.tolist())],
                                          dtype=np.int64)
            self._unit_starts = np.concatenate([[0], np.cumsum(self._unit_lengths + 1)[:-1]]).astype(np.int64)
        self._text: str | None = None
        self._lock = threading.Lock()

    def _spans(self, docs: np.ndarray) -> tuple[list[int], list[int]]:
        """Return the byte spans of the given docnums in the mapped file."""
        begins = self._offset + 2 * self._unit_starts[docs]
        return begins.tolist(), (begins + 2 * self._unit_lengths[docs]).tolist()

    def contains(self, needle: str, docs: np.ndarray) -> np.ndarray:
        """Return, for each docnum, whether its folded text contains ``needle``."""
        pattern = needle.encode("utf-16-le")
        find = self._map.find
        begins, ends = self._spans(docs)
        found = [find(pattern, b, e) for b, e in zip(begins, ends)]
        at_odd = np.array(found, dtype=np.int64) - np.array(begins, dtype=np.int64)
        # A byte match that starts inside a character is no match: look further in those texts.
        for i in np.flatnonzero((np.array(found, dtype=np.int64) >= 0) & (at_odd & 1 == 1)).tolist():
            at = found[i]
            while at >= 0 and (at - begins[i]) & 1:
                at = find(pattern, at + 1, ends[i])
            found[i] = at
        return np.array(found, dtype=np.int64) >= 0 if found else np.zeros(0, dtype=bool)

    def text(self) -> str:
        """Return all texts as one string, decoded on first use (the concordance counts in it)."""
        with self._lock:
            if self._text is None:
                self._text = self._map[self._offset:].decode("utf-16-le")
            return self._text

    def text_of(self, doc: int) -> str:
        """Return one text (a local docnum's), cut from the decoded whole."""
        begin = int(self.starts[doc])
        return self.text()[begin:begin + int(self.lengths[doc])]

    def count(self, needle: str, first: np.ndarray, last: np.ndarray) -> list[int]:
        """Return how often ``needle`` occurs, without overlaps, in each stretch of texts first..last.

        A needle never holds the NUL that joins the texts, so no occurrence spans two of them.
        """
        text = self.text()
        begins = self.starts[first].tolist()
        ends = (self.starts[last] + self.lengths[last]).tolist()
        return list(map(text.count, repeat(needle, len(begins)), begins, ends))
