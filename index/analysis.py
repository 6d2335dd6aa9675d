"""Word analysis for Chinese: jieba's words, with dictionary sub-words at index time.

Words serve ranking (BM25 in the segment columns); exact matching is on characters
(index/postings.py), so a query never depends on how jieba happened to cut a phrase.

The words of folded text (``_words``):

* each word of jieba's main segmentation; at index time the dictionary sub-words of a long
  word (总工, 工会 inside 总工会) come first, so a query for 工会 also weighs 总工会;
* no white space and no punctuation (the connectors jieba keeps inside number and Latin
  runs, . + # & _ % -, count as punctuation).

Indexing analyses every token of every paragraph, so what one word contributes is worked out
once per segmenter and remembered. One ``Analyzer`` (one user dictionary) runs when indexing and
when querying; its fingerprint is stored in the index, and changing the dictionary means reindexing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import logging
import os
import tempfile
import threading
from functools import cached_property
from pathlib import Path

import platformdirs

from index.normalize import fold

USERDICT = Path(__file__).with_name("data") / "userdict.txt"
ANALYSIS_VERSION = "1"  # bump when tokenization changes in a way that needs a reindex
# HMM guesses unknown words from context, so the same name can segment differently in a
# document and in a query; without it, segmentation depends on the dictionary only.
HMM = False

MAX_CACHED_WORDS = 1 << 19  # distinct words whose contribution a process remembers


class Segmenter:
    """What both segmenters share: each word's contribution, remembered (``_words``)."""

    def __init__(self) -> None:
        self.contributions: dict[bool, dict[str, tuple[str, ...]]] = {False: {}, True: {}}

    def cut(self, text: str) -> list[str]:
        """Return the main segmentation of ``text``."""
        raise NotImplementedError

    def is_word(self, text: str) -> bool:
        """Return True when ``text`` is a dictionary word."""
        raise NotImplementedError


class JiebaSegmenter(Segmenter):
    """jieba itself: the reference segmentation."""

    def __init__(self, entries: str) -> None:
        import jieba  # deferred: importing jieba alone takes 0.1 s, and rjieba is used instead

        super().__init__()
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


class RustSegmenter(Segmenter):
    """jieba's algorithm and dictionary through its Rust port rjieba: the same words, >10x faster."""

    def __init__(self, entries: str) -> None:
        import rjieba

        super().__init__()

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


def _make_segmenter(entries: str) -> Segmenter:
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


def _userdict_text(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    # Entries are matched against folded text, so fold them too (ＡＰＰ, APP → app); fold keeps
    # the "词 频 词性" layout. Comment lines are dropped: jieba would add "#..." as a word.
    folded = fold(path.read_text(encoding="utf-8-sig"))
    lines = (ln.strip() for ln in folded.splitlines())
    return "\n".join(ln for ln in lines if ln and not ln.startswith("#"))


def word_forms(segmenter: Segmenter, word: str, subwords: bool) -> tuple[str, ...]:
    """Return what one word of the main segmentation contributes to the words of a text.

    White space and punctuation give nothing (connectors jieba keeps inside number and Latin
    runs, such as . + # & _ % -, are punctuation too); at index time a long word gives first
    its dictionary sub-words, the same as jieba's tokenize(mode="search"), then itself.
    """
    if not word.isalnum() and (word.isspace() or not any(c.isalnum() for c in word)):
        return ()
    if not subwords or len(word) <= 2:
        return (word,)
    grams = [word[i:i + 2] for i in range(len(word) - 1)]
    if len(word) > 3:
        grams += [word[i:i + 3] for i in range(len(word) - 2)]
    return (*(gram for gram in grams if segmenter.is_word(gram)), word)


def _jieba_version() -> str:
    try:
        return importlib.metadata.version("jieba")
    except importlib.metadata.PackageNotFoundError:
        return ""


class Analyzer:
    """The analysis of one user dictionary: fold → cut → drop punctuation → (at index time) sub-words.

    Indexing and searching must use analyzers with the same ``fingerprint``; the index stores the
    fingerprint of the one that wrote it (index/folder.py). The segmenter is loaded on first use.
    """

    def __init__(self, userdict: Path | None = USERDICT) -> None:
        self.userdict = Path(userdict) if userdict is not None else None
        self.entries = _userdict_text(self.userdict)
        self._segmenter: Segmenter | None = None
        self._lock = threading.Lock()

    def __reduce__(self):
        # A worker process gets its own analyzer of the same dictionary, loaded once per process.
        return (analyzer_for, (self.userdict,))

    @cached_property
    def fingerprint(self) -> str:
        """Return a short hash of everything that decides the words; a change means reindex."""
        digest = hashlib.sha256(f"{ANALYSIS_VERSION}|{_jieba_version()}|{HMM}|".encode())
        digest.update(self.entries.encode("utf-8"))  # the folded entries: comments do not count
        return digest.hexdigest()[:16]

    @property
    def segmenter(self) -> Segmenter:
        """Return the segmenter with this dictionary loaded (created on first use)."""
        segmenter = self._segmenter
        if segmenter is None:
            with self._lock:
                if self._segmenter is None:
                    self._segmenter = _make_segmenter(self.entries)
                segmenter = self._segmenter
        return segmenter

    def words_of_folded(self, folded: str, subwords: bool) -> list[str]:
        """Return the words of already-folded text, each word's contribution worked out once."""
        segmenter = self.segmenter
        cache = segmenter.contributions[subwords]
        out: list[str] = []
        for word in segmenter.cut(folded):
            forms = cache.get(word)
            if forms is None:
                forms = word_forms(segmenter, word, subwords)
                if len(cache) < MAX_CACHED_WORDS:
                    cache[word] = forms
            out += forms
        return out

    def query_words(self, text: str) -> list[str]:
        """Return the query-time words of ``text``: folded main segmentation, no punctuation."""
        return self.words_of_folded(fold(text), subwords=False)

    def index_words(self, text: str) -> list[str]:
        """Return the index-time words of ``text``: folded words plus their dictionary sub-words."""
        return self.words_of_folded(fold(text), subwords=True)


_analyzers: dict[Path | None, Analyzer] = {}
_analyzers_lock = threading.Lock()


def analyzer_for(userdict: Path | None) -> Analyzer:
    """Return this process's analyzer of ``userdict`` (made once: loading a dictionary takes a while)."""
    with _analyzers_lock:
        analyzer = _analyzers.get(userdict)
        if analyzer is None:
            analyzer = _analyzers[userdict] = Analyzer(userdict)
        return analyzer


def default_analyzer() -> Analyzer:
    """Return the analyzer of the shipped user dictionary ``USERDICT``."""
    return analyzer_for(USERDICT)


def is_dictionary_word(text: str) -> bool:
    """Return True when ``text`` (folded) is a word of jieba's dictionary or the user dictionary."""
    return default_analyzer().segmenter.is_word(text)


def segment(text: str) -> list[str]:
    """Return the query-time words of ``text`` by the default analyzer."""
    return default_analyzer().query_words(text)


def index_words(text: str) -> list[str]:
    """Return the index-time words of ``text`` by the default analyzer."""
    return default_analyzer().index_words(text)
