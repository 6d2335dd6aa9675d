"""Split a long query term into the dictionary words it is made of (建会入会 → 建会 入会).

A writer types 建会入会 or 职工互助保障 as one term; documents often say 建会……入会 or
职工医疗互助保障. The term is cut as jieba cuts it; each piece of four or more characters is
cut once more into the fewest dictionary words of at least two characters that cover it
(职工互助 → 职工 互助). Single characters carry no meaning of their own and are left out.
"""

from __future__ import annotations

from functools import lru_cache

from index.analysis import is_dictionary_word, segment

MIN_TERM = 3  # shorter terms are words already
MIN_PIECE = 2
LONG_PIECE = 4  # pieces this long are cut once more
SKIP_COST = 2  # leaving a character out costs as much as two more words


def _cover(piece: str) -> list[str]:
    """Return the fewest dictionary words (>= 2 characters, shorter than ``piece``) covering it.

    Characters no such word covers are left out; the piece itself is returned when no cover
    with two or more words exists.
    """
    size = len(piece)
    # best[i]: (cost, words) of the best cover of piece[:i]
    best: list[tuple[int, list[str]] | None] = [None] * (size + 1)
    best[0] = (0, [])
    for end in range(1, size + 1):
        options = []
        previous = best[end - 1]
        if previous is not None:
            options.append((previous[0] + SKIP_COST, previous[1]))
        for start in range(max(0, end - size + 1), end - MIN_PIECE + 1):
            word = piece[start:end]
            if best[start] is not None and len(word) < size and is_dictionary_word(word):
                options.append((best[start][0] + 1, best[start][1] + [word]))
        best[end] = min(options, key=lambda o: o[0]) if options else None
    cost, words = best[size] or (0, [])
    return words if len(words) >= 2 else [piece]


@lru_cache(maxsize=4096)
def decompose(term: str) -> tuple[str, ...]:
    """Return the words of ``term`` (two or more), or () when it does not split."""
    if len(term) < MIN_TERM:
        return ()
    words: list[str] = []
    for piece in segment(term):
        if len(piece) >= LONG_PIECE:
            words.extend(_cover(piece))
        elif len(piece) >= MIN_PIECE:
            words.append(piece)
    words = list(dict.fromkeys(words))
    if len(words) < 2:
        return ()
    return tuple(words)
