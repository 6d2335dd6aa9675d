"""Collocations of a query: the words found within a few words left and right of its occurrences.

The node is what the concordance shows (search/concordance.py: the query's terms and synonyms in the
paragraphs it selects, filters applied). Around each occurrence, within its sentence, the jieba
words (index/analysis.segment) up to ``window`` words away are its collocates. Each collocate is
scored against its frequency in the filtered sub-corpus (the index's words, dictionary sub-words
included, as the ranking counts them):

    logDice = 14 + log2(2·f(n,c) / (f(n) + f(c)))           (Rychlý 2008; at most 14)
    MI      = log2(f(n,c)·N / (f(n)·f(c)))
    LL      = Dunning's log-likelihood G² of the 2×2 table of f(n,c), f(n), f(c), N

where f(n) counts the node's occurrences, f(n,c) the collocate's in their windows and N the
words of the sub-corpus. A node found more than MAX_OCCURRENCES times is read on its first
MAX_OCCURRENCES occurrences, f(n,c) scaled up to all of them (``sampled`` says so).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from .engine import SearchIndex
from .errors import QueryError
from .concordance import count_occurrences, describe, sampled_occurrences, select_needles
from .segmenting import words_of_texts
from .word_counts import word_frequencies

MEASURES = ("logdice", "mi", "ll")
MEASURE_LABELS = {"logdice": "logDice", "mi": "互信息 MI", "ll": "对数似然 LL"}
MAX_WINDOW = 10
MAX_OCCURRENCES = 5_000
DEFAULT_LIMIT = 30
# Characters of context segmented per side: far more than ``window`` words of up to 6 characters,
# so the cut at the stretch's far end cannot change the words kept.
REACH_PER_WORD, REACH_MARGIN = 6, 12
_SENTENCE_END = re.compile(r"[。！？；!?;…]")


def _stretches(text: str, spans: list[tuple[int, int, int]], window: int) -> list[tuple[str, str]]:
    """Return, for each gap around the occurrences, the text to segment for its right and its left end.

    Gap ``at`` lies before occurrence ``at``: its first sentence is right of occurrence at-1, its
    last sentence left of occurrence at (the text between two occurrences is cut once).
    """
    reach = window * REACH_PER_WORD + REACH_MARGIN
    edges = [0] + [edge for start, end, _ in spans for edge in (start, end)] + [len(text)]
    gaps = []
    for at in range(len(spans) + 1):
        piece = text[edges[2 * at]:edges[2 * at + 1]]
        marks = [m.start() for m in _SENTENCE_END.finditer(piece)]
        if not marks and len(piece) <= 2 * reach:
            gaps.append((piece, piece))
            continue
        first = piece[:marks[0]] if marks else piece  # up to the sentence end: right of the one before
        last = piece[marks[-1] + 1:] if marks else piece  # after the last sentence end: left of the next
        # Only ``window`` words of each end are kept: cut just a generous stretch of each, not the
        # whole text between two occurrences (segmenting is most of the time).
        gaps.append((first[:reach], last[-reach:]))
    return gaps


def _window_counts(occurrences, window: int, article_of) -> tuple[int, dict[str, Counter], dict[str, dict]]:
    """Return (occurrences read, collocate counts per side, articles per side and collocate)."""
    stretches: list[tuple[int, list[tuple[str, str]]]] = []
    distinct: dict[str, int] = {}
    used = 0
    for docnum, text, spans in occurrences:
        used += len(spans)
        gaps = _stretches(text, spans, window)
        for first, last in gaps:
            distinct.setdefault(first, len(distinct))
            distinct.setdefault(last, len(distinct))
        stretches.append((article_of(docnum), gaps))
    # One segmenter call for every stretch of every occurrence; a stretch seen twice is cut once.
    words = words_of_texts(list(distinct), folded=True)  # the concordance texts are folded
    sides: dict[str, Counter] = {"left": Counter(), "right": Counter()}
    articles: dict[str, dict[str, set]] = {"left": defaultdict(set), "right": defaultdict(set)}
    for article, gaps in stretches:
        for at in range(len(gaps) - 1):
            left = words[distinct[gaps[at][1]]][-window:]
            right = words[distinct[gaps[at + 1][0]]][:window]
            for side, found in (("left", left), ("right", right)):
                sides[side].update(found)
                for word in found:
                    articles[side][word].add(article)
    return used, sides, articles


def log_dice(pair: float, node: float, word: float) -> float:
    """Return logDice of a pair seen ``pair`` times, its node ``node`` times and collocate ``word`` times."""
    return 14 + math.log2(2 * pair / (node + word)) if pair > 0 else float("-inf")


def mutual_information(pair: float, node: float, word: float, size: float) -> float:
    """Return the pointwise mutual information (log2) of the pair in a corpus of ``size`` words."""
    return math.log2(pair * size / (node * word)) if pair > 0 and node > 0 and word > 0 else float("-inf")


def log_likelihood(pair: float, node: float, word: float, size: float) -> float:
    """Return Dunning's G² of the pair's 2×2 contingency table (positive: attraction)."""
    observed = (pair, node - pair, word - pair, size - node - word + pair)
    rows, cols = (node, size - node), (word, size - word)
    expected = (rows[0] * cols[0] / size, rows[0] * cols[1] / size, rows[1] * cols[0] / size, rows[1] * cols[1] / size)
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected) if o > 0 and e > 0)
    return g2 if pair >= expected[0] else -g2


def collocations(index: SearchIndex, q: str, filters: dict[str, list[str]] | None = None, synonyms: bool = True,
                 window: int = 5, measure: str = "logdice", min_frequency: int = 2,
                 limit: int = DEFAULT_LIMIT) -> dict:
    """Return the left and right collocates of the query's terms, ranked by ``measure``, with counts."""
    if measure not in MEASURES:
        raise QueryError(f"未知的搭配度量 {measure!r}", hint="用 logdice、mi 或 ll")
    if not 1 <= window <= MAX_WINDOW:
        raise QueryError(f"窗口须在 1 到 {MAX_WINDOW} 个词之间", hint="例如 5")
    selection, needles, docs = select_needles(index, q, filters, synonyms, "搭配", "例如：职工书屋；筛选条件可以一起写：职工书屋 省:河北")
    generation = selection.generation
    _, per_needle = count_occurrences(generation, needles, docs)
    total = int(per_needle.sum())
    article_codes = generation.article_codes
    used, sides, articles = _window_counts(sampled_occurrences(generation, docs, needles, MAX_OCCURRENCES), window,
                                           lambda docnum: int(article_codes[docnum]))
    # The sub-corpus the filters leave (all of the index without filters): N and each f(c) are its.
    scope = generation.live.copy()
    for mask in selection.masks.values():
        scope &= mask
    size = float(generation.doc_len[scope].sum())
    scale = total / used if used else 1.0
    kept = sorted({word for counter in sides.values() for word, pair in counter.items() if pair >= min_frequency})
    corpus = word_frequencies(generation, kept, scope)
    result_sides = {}
    for side, counter in sides.items():
        rows = []
        for word, pair in counter.items():
            if pair < min_frequency:
                continue
            # A collocate jieba cut differently in the index counts at least as often as seen here.
            word_frequency = max(corpus[word], pair)
            estimate = pair * scale
            rows.append({"word": word, "frequency": pair, "articles": len(articles[side][word]),
                         "corpus_frequency": word_frequency,
                         "logdice": round(log_dice(estimate, total, word_frequency), 3),
                         "mi": round(mutual_information(estimate, total, word_frequency, size), 3),
                         "ll": round(log_likelihood(estimate, total, word_frequency, size), 3)})
        rows.sort(key=lambda r: (-r[measure], -r["frequency"], r["word"]))
        result_sides[side] = rows[:limit]
    return {
        "query": describe(selection),
        "measure": measure, "window": window, "min_frequency": min_frequency,
        "total": total, "used": used, "sampled": used < total, "paragraphs": len(docs), "corpus_words": int(size),
        "left": result_sides["left"], "right": result_sides["right"],
        "filters": selection.resolved, "notices": selection.notices,
    }
