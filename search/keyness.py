"""Keyness: the words characteristic of a subset (a filter, or a query's hits) against the rest of the index.

The target is what the request selects: with terms, the paragraphs the search finds (filters
applied); with filters only, the paragraphs passing them. The reference is every other live
paragraph. Words are the index's (jieba words plus dictionary sub-words, as ranking counts them),
counted from the paragraphs' stored word ids without reading any text (the same counts as the
word postings' term frequencies while no paragraph holds one word over 65,535 times). For a
word seen ``a`` times in the target of ``c`` words and ``b`` times in the reference of ``d`` words:

    LL        = 2·(a·ln(a/E1) + b·ln(b/E2)),  E1 = c·(a+b)/(c+d), E2 = d·(a+b)/(c+d)
                (Rayson & Garside 2000; above 3.84 is p < 0.05, above 15.13 p < 0.0001)
    log ratio = log2((a/c) / (b/d)), a zero count taken as 0.5 (Hardie 2014): 1 = twice as
                frequent, the effect size LL alone does not give

Words more frequent in the target ("key") and less frequent ("lacking") are listed apart, by LL;
a word must occur in at least ``min_articles`` articles of its side (target for key words,
reference for lacking ones), so one document's place names do not fill the list.
"""

from __future__ import annotations

import math

import numpy as np

from .engine import SearchIndex, SearchRequest
from .errors import QueryError
from .generation import Generation

DEFAULT_LIMIT = 50
UNITS = ("words", "phrases")
SIGNIFICANT_LL = 3.84  # p < 0.05, one degree of freedom


def word_counts(generation: Generation, target: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (words, their frequency in the target, in the reference) over all of the index's words.

    Counted from the tokens of the smaller side only: the other side is the whole live index's
    count (remembered by the generation, as no filter changes it) less that. With a target
    holding dead paragraphs (never so from a search) both sides are counted.
    """
    words = generation.derived("keyness_words", _words)
    codes = generation.derived("keyness_codes", _codes)
    if (target & ~generation.live).any():
        return words, _side_counts(generation, target, codes, len(words)), _side_counts(generation, reference, codes, len(words))
    totals = generation.derived("keyness_totals", _totals)
    if int(generation.doc_len[target].sum()) <= int(generation.doc_len[reference].sum()):
        in_target = _side_counts(generation, target, codes, len(words))
        return words, in_target, totals - in_target
    in_reference = _side_counts(generation, reference, codes, len(words))
    return words, totals - in_reference, in_reference


def prepare(generation: Generation) -> None:
    """Work out now what every word keyness of this generation reads: its words and their live totals."""
    generation.derived("keyness_totals", _totals)


def _words(generation: Generation) -> np.ndarray:
    """Return every word some live or dead paragraph holds, sorted (each segment has its own word ids)."""
    words = [np.array(segment.columns.vocab, dtype=object)[np.asarray(segment.columns.word_terms, dtype=np.int64)]
             for segment in generation.segments]
    return np.unique(np.concatenate(words).astype(str)) if words else np.zeros(0, dtype=str)


def _codes(generation: Generation) -> np.ndarray:
    """Return, segment after segment, each segment word id's place in ``_words`` (-1 for ids no paragraph holds)."""
    words = generation.derived("keyness_words", _words)
    parts = []
    for segment in generation.segments:
        codes = np.full(len(segment.columns.vocab), -1, dtype=np.int64)
        terms = np.asarray(segment.columns.word_terms, dtype=np.int64)
        codes[terms] = np.searchsorted(words, np.array(segment.columns.vocab, dtype=object)[terms].astype(str))
        parts.append(codes)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _totals(generation: Generation) -> np.ndarray:
    """Return each word's frequency over all live paragraphs."""
    return _side_counts(generation, generation.live, generation.derived("keyness_codes", _codes),
                        len(generation.derived("keyness_words", _words)))


def _side_counts(generation: Generation, side: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Return each word's frequency over the paragraphs ``side`` flags, from their tokens."""
    counts = np.zeros(size, dtype=np.float64)
    at = 0
    for segment in generation.segments:
        columns = segment.columns
        vocab_size = len(columns.vocab)
        local = side[segment.base:segment.base + segment.size]
        if local.all():
            tokens = np.asarray(columns.tok_ids)
        else:
            tokens = columns.tokens_of(np.flatnonzero(local))
        mine = codes[at:at + vocab_size]
        held = mine >= 0
        counts[mine[held]] += np.bincount(tokens, minlength=vocab_size)[:vocab_size][held]
        at += vocab_size
    return counts


def log_likelihood(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Return Rayson and Garside's log-likelihood of frequencies ``a`` (of ``c`` words) against ``b`` (of ``d``)."""
    total = a + b
    e1, e2 = c * total / (c + d), d * total / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / np.where(e1 > 0, e1, 1)), 0.0)
        part2 = np.where(b > 0, b * np.log(np.where(b > 0, b, 1) / np.where(e2 > 0, e2, 1)), 0.0)
    return 2 * (part1 + part2)


def log_ratio(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Return log2 of the relative frequencies' ratio, zero counts taken as 0.5."""
    return np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))


def keywords(index: SearchIndex, q: str = "", filters: dict[str, list[str]] | None = None, synonyms: bool = True,
             min_frequency: int = 5, min_articles: int = 2, limit: int = DEFAULT_LIMIT, unit: str = "words") -> dict:
    """Return the words (or phrases) key to (and lacking in) what the request selects, against the rest of the index."""
    if unit not in UNITS:
        raise QueryError(f"未知的对比单位 {unit!r}", hint="用 words（词）或 phrases（4–12 字的说法）")
    selection = index.select(SearchRequest(q=q, filters=filters or {}, synonyms=synonyms))
    if not selection.parsed.tree.includes and not selection.masks:
        raise QueryError("关键词对比需要一个范围：筛选条件或检索词", hint="例如：年:2023，或 省:河北，或 劳模 年:2023")
    generation = selection.generation
    target = selection.selected
    reference = generation.live & ~target
    c, d = float(generation.doc_len[target].sum()), float(generation.doc_len[reference].sum())
    result = {"query": q, "unit": unit, "min_frequency": min_frequency, "min_articles": min_articles, "paragraphs": int(np.count_nonzero(target)), "reference_paragraphs": int(np.count_nonzero(reference)),
              "words": int(c), "reference_words": int(d), "key": [], "lacking": [],
              "filters": selection.resolved, "notices": list(selection.notices)}
    if not c or not d:
        result["notices"].append("所选范围是空的或涵盖了整个索引，没有可以比较的另一部分。")
        return result
    if unit == "phrases":
        from .phrase_keyness import MAX_PARAGRAPHS, key_phrases

        result["key"], read = key_phrases(generation, target, c, d, min_frequency, min_articles, limit)
        if read < result["paragraphs"]:
            result["notices"].append(f"候选说法只从所选范围均匀抽取的 {MAX_PARAGRAPHS} 段里找；列出的次数是全部范围的准确次数。")
        return result
    words, a, b = word_counts(generation, target, reference)
    # Numbers (years, counts) are key to any year or place and say nothing about phrasing.
    wordlike = np.array([not w.replace(".", "").isdigit() for w in words], dtype=bool)
    ll, ratio = log_likelihood(a, b, c, d), log_ratio(a, b, c, d)
    over = a / c > b / d
    for name, side in (("key", over & (a >= min_frequency)), ("lacking", ~over & (b >= min_frequency))):
        chosen = np.flatnonzero(side & wordlike & (ll >= SIGNIFICANT_LL))
        rows = []
        # Dispersion needs each word's postings: worked out in LL order, only until the list is full.
        for i in chosen[np.lexsort((words[chosen], -ll[chosen]))].tolist():
            row = _row(generation, str(words[i]), a[i], b[i], c, d, ll[i], ratio[i], target if name == "key" else reference)
            if row["articles"] >= min_articles:
                rows.append(row)
                if len(rows) == limit:
                    break
        result[name] = rows
    return result


def _row(generation: Generation, word: str, a: float, b: float, c: float, d: float, ll: float, ratio: float,
         side: np.ndarray) -> dict:
    posted, _ = generation.word_postings(word)
    inside = posted[side[posted]]
    return {"word": word, "frequency": int(a), "reference_frequency": int(b),
            "per_10k": round(a / c * 10_000, 2), "reference_per_10k": round(b / d * 10_000, 2),
            "ll": round(float(ll), 2), "log_ratio": round(float(ratio), 3) if math.isfinite(ratio) else None,
            "articles": int(len(np.unique(generation.article_codes[inside])))}
