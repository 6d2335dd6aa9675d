"""The query-time jieba words of many short texts at once: one segmenter call instead of one per text.

The collocations and phrases of a frequent word segment thousands of stretches around its
occurrences; calling jieba once per stretch cost more than segmenting itself. The texts are
joined by a NUL, which no folded paragraph text holds and which jieba always cuts off as a token
of its own (its blocks never span a non-word character), so each text's words are exactly those
of ``index.analysis.segment`` on it alone (or ``words_of_folded`` for folded text) (tests/test_segmenting.py checks this on real text).
"""

from __future__ import annotations

from index.analysis import MAX_CACHED_WORDS, default_analyzer, word_forms
from index.normalize import fold

SEPARATOR = "\x00"


def words_of_texts(texts: list[str], folded: bool = False) -> list[list[str]]:
    """Return ``segment(text)`` for each text (``folded``: the words of text already folded), in one call."""
    if not texts:
        return []
    analyzer = default_analyzer()
    joined = SEPARATOR.join(texts)
    if not folded:
        joined = fold(joined)  # one character for one, and the NUL stays
    if joined.count(SEPARATOR) != len(texts) - 1:  # a text holds a NUL itself: one at a time
        return [analyzer.words_of_folded(text if folded else fold(text), subwords=False) for text in texts]
    segmenter = analyzer.segmenter
    # The same remembered contribution of each word as Analyzer.words_of_folded (no sub-words).
    cache = segmenter.contributions[False]
    out: list[list[str]] = [[]]
    current = out[0]
    for word in segmenter.cut(joined):
        if word == SEPARATOR:
            current = []
            out.append(current)
            continue
        forms = cache.get(word)
        if forms is None:
            forms = word_forms(segmenter, word, False)
            if len(cache) < MAX_CACHED_WORDS:
                cache[word] = forms
        current += forms
    return out
