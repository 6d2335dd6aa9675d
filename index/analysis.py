"""Whoosh analyzers for Chinese: jieba words positioned by word ordinal, and single characters.

The module path ``index.analysis`` and the class names below are pickled into every index's
schema: renaming them makes existing indexes unreadable.

Positions, which Whoosh phrase queries rely on:

* Word field: position = ordinal of the word in jieba's main (default-mode) segmentation.
  At index time search mode also emits the dictionary sub-words of long words (总工, 工会
  inside 总工会) at their parent's position. Whitespace is transparent (PDF line joins and
  title spacing must not split a phrase). Punctuation tokens are dropped but still use up an
  ordinal, so a phrase never matches across punctuation: "职工书屋" does not match
  "职工，书屋". The connector characters jieba keeps inside number/Latin runs (2.3, c++, 10%,
  a-b: . + # & _ % -) are dropped without a gap, so "2.3" still matches itself. A quoted
  query that contains punctuation therefore cannot match the word field; search it on the
  char field, which keeps punctuation.
* Char field: one token per non-whitespace character, position = ordinal over the
  non-whitespace characters, so a phrase over it is an exact, whitespace-insensitive
  substring match (省总 inside 省总工会, 小三级 whatever the segmentation).

Character offsets always point into the text the analyzer was given: ``fold`` keeps length.
At query time (``mode="query"``) only the main segmentation is produced, so the parser's
phrase is the consecutive main words. Highlighting that re-analyses text must use
``mode="index"`` to see sub-words.
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
from whoosh.analysis import Token, Tokenizer

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


class WordTokenizer(Tokenizer):
    """jieba search-mode words of the folded text, positioned by main-segmentation ordinal."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        """Yield one reused Token per word (Whoosh's tokenizer protocol)."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            t.text = fold(value)
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for text, start, end, ordinal in _words(fold(value), mode != "query"):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + ordinal
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class CharTokenizer(Tokenizer):
    """One token per non-whitespace character of the folded text."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        """Yield one reused Token per character (Whoosh's tokenizer protocol)."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        if not tokenize:
            t.original = value
            t.text = folded
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        pos = start_pos
        for i, c in enumerate(folded):
            if c.isspace():
                continue
            t.text = c
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[i]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + i
                t.endchar = start_char + i + 1
            pos += 1
            yield t


def word_analyzer() -> WordTokenizer:
    """Return the analyzer for word fields (fold already lowercases, so no filter)."""
    return WordTokenizer()


def char_analyzer() -> CharTokenizer:
    """Return the analyzer for the character field."""
    return CharTokenizer()


def segment(text: str) -> list[str]:
    """Return the query-time words of ``text``: folded main segmentation, no punctuation."""
    return [w for w, _, _, _ in _words(fold(text), subwords=False)]


def segment_chars(text: str) -> list[str]:
    """Return the query-time characters of ``text`` for the char field."""
    return [c for c in fold(text) if not c.isspace()]


def index_words(text: str) -> list[str]:
    """Return the index-time words of ``text``: folded words plus their dictionary sub-words."""
    return [w for w, _, _, _ in _words(fold(text), subwords=True)]
