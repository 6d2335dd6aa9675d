"""Word analysis for Chinese: jieba's words, positioned by word ordinal, with dictionary sub-words.

Words serve ranking (BM25 in the search sidecar); exact matching is on characters
(index/postings.py), so a query never depends on how jieba happened to cut a phrase.

What ``_words`` yields for folded text:

* Each word of jieba's main segmentation, with its ordinal (position) and character offsets.
  At index time the dictionary sub-words of long words (总工, 工会 inside 总工会) follow at
  their parent's ordinal, so a query for 工会 also weighs 总工会.
* Whitespace is transparent; punctuation is dropped but uses up an ordinal (so ordinals never
  make 职工，书屋 adjacent); the connectors jieba keeps inside number and Latin runs
  (. + # & _ % -) are dropped without a gap.

``fold`` keeps length, so offsets point into the original text. The same analysis runs when
indexing and when querying; changing the user dictionary means reindexing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
from pathlib import Path

import jieba
import platformdirs

from index.normalize import fold

USERDICT = Path(__file__).with_name("data") / "userdict.txt"
ANALYSIS_VERSION = "1"  # bump when tokenization changes in a way that needs a reindex
# HMM guesses unknown words from context, so the same name can segment differently in a
# document and in a query; without it, segmentation depends on the dictionary only.
HMM = False

_CONNECTORS = frozenset(".+#&_%-")
_lock = threading.Lock()
_state: dict[str, object] = {"tokenizer": None}


class JiebaSegmenter:
    """jieba itself: the reference segmentation."""

    def __init__(self, entries: str) -> None:
        jieba.setLogLevel(logging.WARNING)
        self.tk = jieba.Tokenizer()
        self.tk.tmp_dir = _cache_dir()
        self.tk.initialize()
        if entries:
            # A file object we close ourselves: given a path, jieba leaves the file open.
            self.tk.load_userdict(io.StringIO(entries))

    def cut(self, text: str) -> list[str]:
        """Return the main segmentation of ``text``."""
        return list(self.tk.cut(text, HMM=HMM))

    def is_word(self, text: str) -> bool:
        """Return True when ``text`` is a dictionary word."""
        return bool(self.tk.FREQ.get(text))


class RustSegmenter:
    """jieba's algorithm and dictionary through its Rust port rjieba: the same words, >10x faster."""

    def __init__(self, entries: str) -> None:
        import rjieba

        self.jb = rjieba.Jieba()
        for line in entries.splitlines():
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            self.jb.add_word(parts[0], freq, parts[2] if len(parts) > 2 else None)

    def cut(self, text: str) -> list[str]:
        """Return the main segmentation of ``text``."""
        return self.jb.cut(text, HMM)

    def is_word(self, text: str) -> bool:
        """Return True when ``text`` is a dictionary word."""
        return self.jb.has_word(text)


def _make_segmenter(entries: str):
    try:
        return RustSegmenter(entries)
    except ImportError:  # no wheel for this platform: jieba gives the same words, slower
        return JiebaSegmenter(entries)


def _cache_dir() -> str:
    path = os.path.join(platformdirs.user_cache_dir("unionsearch", appauthor=False), "jieba")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError:
        # A read-only home must not stop search; a private temp folder still beats the
        # shared world-visible jieba.cache in /tmp.
        path = tempfile.mkdtemp(prefix="unionsearch-jieba-")
    return path


def _userdict_text(path: Path) -> str:
    if not path.is_file():
        return ""
    # Entries are matched against folded text, so fold them too (ＡＰＰ, APP → app); fold keeps
    # the "词 频 词性" layout. Comment lines are dropped: jieba would add "#..." as a word.
    folded = fold(path.read_text(encoding="utf-8-sig"))
    lines = (ln.strip() for ln in folded.splitlines())
    return "\n".join(ln for ln in lines if ln and not ln.startswith("#"))


def _jieba():
    """Return the process's segmenter (created once, with the user dictionary loaded)."""
    segmenter = _state["tokenizer"]
    if segmenter is not None:
        return segmenter
    with _lock:
        if _state["tokenizer"] is None:
            _state["tokenizer"] = _make_segmenter(_userdict_text(USERDICT))
        return _state["tokenizer"]


def reset() -> None:
    """Forget the loaded jieba dictionary so the next call reloads ``USERDICT``."""
    with _lock:
        _state["tokenizer"] = None


def analysis_fingerprint() -> str:
    """Return a short hash of everything that decides tokens; a change means reindex."""
    digest = hashlib.sha256(f"{ANALYSIS_VERSION}|{jieba.__version__}|{HMM}|".encode())
    if USERDICT.is_file():
        digest.update(USERDICT.read_bytes())
    return digest.hexdigest()[:16]


def _words(folded: str, subwords: bool):
    """Yield (text, start, end, ordinal) for the searchable words of already-folded text."""
    segmenter = _jieba()
    is_word = segmenter.is_word
    start = 0
    ordinal = 0
    for w in segmenter.cut(folded):
        width = len(w)
        if not w.isalnum():
            if w.isspace():
                start += width
                continue
            if not any(c.isalnum() for c in w):
                if w not in _CONNECTORS:
                    ordinal += 1
                start += width
                continue
        # Same sub-words as jieba's tokenize(mode="search"), emitted here so that they can
        # carry their parent's ordinal.
        if subwords and width > 2:
            for i in range(width - 1):
                gram = w[i : i + 2]
                if is_word(gram):
                    yield gram, start + i, start + i + 2, ordinal
            if width > 3:
                for i in range(width - 2):
                    gram = w[i : i + 3]
                    if is_word(gram):
                        yield gram, start + i, start + i + 3, ordinal
        yield w, start, start + width, ordinal
        ordinal += 1
        start += width


def segment(text: str) -> list[str]:
    """Return the query-time words of ``text``: folded main segmentation, no punctuation."""
    return [w for w, _, _, _ in _words(fold(text), subwords=False)]


def index_words(text: str) -> list[str]:
    """Return the index-time words of ``text``: folded words plus their dictionary sub-words."""
    return [w for w, _, _, _ in _words(fold(text), subwords=True)]
