"""How often one literal occurs in a selection's paragraphs: its counts kept per generation, read for any selection.

A writer asks about the same word again and again with other filters or another word beside
it (劳模, then 劳模 省:湖北, then 劳模 工匠). Counting a literal in every paragraph holding it
costs about what counting it in one selection does, and then serves them all; a selection much
smaller than the literal's paragraphs (工会 省:河北) is counted on its own, stretch by stretch.
"""

from __future__ import annotations

import numpy as np

from index.normalize import match_form

from .generation import Generation

# Count a literal in all its paragraphs when they are at most this many times the selected ones.
READ_AHEAD = 2


def stretch_counts(generation: Generation, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (first docnums, last docnums, counts) of ``text`` in the stretches of the live paragraphs holding it.

    A stretch is a run of consecutive docnums of one article in one segment (as
    ``Generation.occurrence_counts`` counts): a filter by article, province or year keeps or
    drops it whole.
    """
    form = match_form(text)
    return generation.remember(("occurrences.stretch_counts", form), lambda: _count_stretches(generation, form))


def _count_stretches(generation: Generation, form: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mask = generation.literal_mask(form)
    docs = np.flatnonzero(mask) if mask is not None else np.zeros(0, dtype=np.int64)
    firsts, counts = generation.occurrence_counts(form, docs)
    lasts = np.append(docs[np.searchsorted(docs, firsts[1:]) - 1], docs[-1:]) if len(docs) else docs
    return firsts, lasts, counts


def counts_in(generation: Generation, text: str, docs: np.ndarray) -> np.ndarray:
    """Return the occurrences of ``text`` in the sorted ``docs``, each stretch's on its first selected paragraph.

    Every stretch (a run of one article's paragraphs) sums to its true count, so counts by
    article, province or year are exact. Stretches the selection holds whole are read from the
    literal's counts kept for the generation; the ones it cuts are counted on their own.
    """
    mask = generation.literal_mask(text)
    out = np.zeros(len(docs), dtype=np.int64)
    if mask is None or not len(docs):
        return out
    if np.count_nonzero(mask) > READ_AHEAD * len(docs):
        # Far fewer paragraphs than the literal's (工会 省:河北): count just these.
        firsts, counts = generation.occurrence_counts(text, docs)
        out[np.searchsorted(docs, firsts)] = counts
        return out
    firsts, lasts, counts = stretch_counts(generation, text)
    if not len(firsts):
        return out
    stretch = np.searchsorted(firsts, docs, side="right") - 1
    inside = (stretch >= 0) & (docs <= lasts[np.maximum(stretch, 0)])  # else the literal is not there
    held = np.bincount(stretch[inside], minlength=len(firsts))
    whole = held == lasts - firsts + 1
    # The first selected paragraph of each stretch held whole is its first paragraph.
    starts = np.flatnonzero(inside & whole[np.maximum(stretch, 0)] & (docs == firsts[np.maximum(stretch, 0)]))
    out[starts] = counts[stretch[starts]]
    cut = np.flatnonzero(inside & ~whole[np.maximum(stretch, 0)])
    if len(cut):
        cut_firsts, cut_counts = generation.occurrence_counts(text, docs[cut])
        out[cut[np.searchsorted(docs[cut], cut_firsts)]] = cut_counts
    return out
