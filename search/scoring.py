"""Which paragraphs a parsed query matches, and how they rank — vectorised over a generation.

Matching is literal: a paragraph matches a term when its folded text, without white space,
contains the term (or, for an unquoted term, one of its synonyms). Ranking, for each typed term
and, more weakly, each synonym used:

    BM25 of the term's words in the paragraph
    + TITLE_BONUS when the article title contains the term
    + SECTION_BONUS when a heading above the paragraph, or the paragraph as a heading, contains it
plus ADJACENT_BONUS when the typed terms stand side by side (职工 书屋 → 职工书屋), all scaled by a
small preference for newer documents (at most RECENCY_CAP). Paragraphs found only through a
synonym come after every exact match, whatever their score. Each node of a plan's tree adds its
own part through a ``Scorer`` (search/tree.py); this module holds what they call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from index.analysis import segment

from .decompose import decompose
from .generation import Generation
from .query import ParsedQuery
from .synonyms import Synonyms
from .tree import And, Literal, Or

K1, B = 1.2, 0.75
TITLE_BONUS = 2.0
SECTION_BONUS = 1.5
ADJACENT_BONUS = 2.0
SYNONYM_WEIGHT = 0.4
SPLIT_WEIGHT = 0.5  # each word of a split term, so paragraphs holding them rank among themselves
RECENCY_WEIGHT = 0.02
RECENCY_CAP = 0.1


@dataclass
class Plan:
    """A parsed query turned into a tree to match and rank by (search/tree.py)."""

    tree: And  # the query's tree with each typed term's synonyms after it and split words on its group
    literals: list[str]
    expansions: dict[str, list[str]] = field(default_factory=dict)
    extra: list[tuple[str, float]] = field(default_factory=list)  # (text, weight) ranked beside the tree's

    @property
    def adjacent(self) -> str | None:
        """Return the typed single terms joined (职工 书屋 → 职工书屋), ranked when found side by side."""
        return self.tree.adjacent

    @property
    def uses_synonyms(self) -> bool:
        """Return True when some alternative came from the synonym list."""
        return bool(self.expansions)


def plan_query(parsed: ParsedQuery, synonyms: Synonyms | None, split: bool = False) -> Plan:
    """Return the matching and ranking plan of a parsed query (synonyms None: no expansion).

    With ``split``, a long unquoted term (not a +term) also finds the paragraphs holding all
    the words it is made of (search/decompose.py).
    """
    expansions: dict[str, list[str]] = {}
    groups: list[Or] = []
    for group in parsed.tree.includes:
        alternatives: list[Literal] = []
        for leaf in group.children:
            alternatives.append(leaf)
            # A quoted phrase means exactly these characters, a pattern is matched as written: neither expands.
            used = synonyms.expand(leaf.text) if synonyms is not None and leaf.expands else []
            alternatives.extend(Literal(alternative, exact=False) for alternative in used)
            if used:
                expansions[leaf.text] = list(used)
        first = group.children[0]
        # A quoted phrase or a 句式 pattern is matched as written: its pieces are not words to find apart.
        loose = len(group.children) == 1 and first.splittable and not first.must
        groups.append(Or(tuple(alternatives), split=decompose(first.text) if split and loose else ()))
    # Each node ranks itself (tree.py): a typed term fully, a synonym weakly, its synonyms after it.
    tree = And(tuple(groups) + parsed.tree.excludes)
    return Plan(tree, list(dict.fromkeys(leaf.text for leaf in tree.leaves())), expansions)


class Matcher:
    """Literal masks of one plan over one generation, each computed once."""

    def __init__(self, generation: Generation) -> None:
        self.generation = generation
        self._masks: dict[tuple, np.ndarray] = {}

    def leaf(self, leaf: Literal) -> np.ndarray:
        """Return the live paragraphs a leaf matches (none for an empty literal), found once per plan."""
        # Keyed by how the leaf finds its paragraphs: a term, its quoted form and a synonym of the
        # same text share one mask; a new kind of leaf with its own find() gets its own.
        key = (type(leaf).find, leaf.text)
        if key not in self._masks:
            mask = leaf.find(self.generation)
            self._masks[key] = mask if mask is not None else np.zeros(self.generation.size, dtype=bool)
        return self._masks[key]

    def literal(self, text: str) -> np.ndarray:
        """Return the live paragraphs containing ``text`` (or matching it, when it is a 句式 pattern)."""
        return self.leaf(Literal(text))

    @property
    def size(self) -> int:
        """Return the generation's number of docnums."""
        return self.generation.size

    @property
    def live(self) -> np.ndarray:
        """Return the generation's live paragraphs."""
        return self.generation.live

    def match(self, plan: Plan) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (matched, exact): all matches, and when synonyms were used those without them."""
        tree = plan.tree
        return tree.mask(self), tree.mask(self, exact_only=True) if plan.uses_synonyms else None


def idf(df: int, n: int) -> float:
    """Return BM25's inverse document frequency."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _length_norms(generation: Generation) -> np.ndarray:
    return K1 * (1.0 - B + B * generation.doc_len / generation.avgdl)


def _recency(generation: Generation) -> np.ndarray:
    return recency(generation.year, generation.oldest_year)


DERIVED = {"bm25_norm": _length_norms, "recency": _recency}  # per-generation arrays scoring uses


def bm25(generation: Generation, docs: np.ndarray, tf: np.ndarray, df: int) -> np.ndarray:
    """Return one word's BM25 weight in each of the given docnums, where it occurs ``tf`` times."""
    norm = generation.derived("bm25_norm", DERIVED["bm25_norm"])[docs]
    return idf(df, generation.live_count) * tf * (K1 + 1.0) / (tf + norm)


def word_weights(generation: Generation, word: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (docnums, BM25 weight) of one word over the live paragraphs, remembered per generation.

    A common word posts in a third of a large index: its weights cost more than the rest of the
    search, and writers repeat their words (paging, facets, refining), so they are kept.
    """
    def compute() -> tuple[np.ndarray, np.ndarray]:
        posted, tf = generation.word_postings(word)
        return posted, bm25(generation, posted, tf, len(posted))

    return generation.remember(("bm25", word), compute)


def scores(generation: Generation, matcher: Matcher, plan: Plan, docs: np.ndarray) -> np.ndarray:
    """Return the scores of the given docnums (sorted, live), in their order: what the plan's nodes add up."""
    scorer = Scorer(generation, matcher, docs)
    plan.tree.score(scorer)
    for text, weight in plan.extra:
        scorer.text(text, weight)
    return scorer.total()


class Scorer:
    """The scores of selected docnums, as the nodes of a tree (search/tree.py) add to them."""

    synonym_weight = SYNONYM_WEIGHT

    def __init__(self, generation: Generation, masks: Matcher, docs: np.ndarray) -> None:
        self.generation = generation
        self.masks = masks
        self.docs = docs
        self._bonus = np.zeros(len(docs), dtype=np.float64)  # title and heading bonuses, text by text
        # Every text's words add to one BM25 sum, so a word's weights are looked up once per text.
        self._words = _WordScores(generation, docs)
        self._after: list[np.ndarray] = []  # what nodes add beside the BM25 (split words, side by side), in order

    def text(self, text: str, weight: float) -> None:
        """Add ``weight`` × (BM25 of the text's words + its title and heading bonus)."""
        self._bonus += _text_score(self.generation, self.masks, self._words, text, weight, self.docs)

    def split(self, words: tuple[str, ...], where: np.ndarray) -> None:
        """Add the words of a split term, each at SPLIT_WEIGHT, in the docnums where ``where`` holds."""
        if where.any():
            generation, docs = self.generation, self.docs
            found = _WordScores(generation, docs)
            bonus = sum(_text_score(generation, self.masks, found, word, SPLIT_WEIGHT, docs) for word in words)
            self._after.append(where * (bonus + found.result()))

    def adjacent(self, text: str) -> None:
        """Add ADJACENT_BONUS where the typed terms stand side by side, as ``text``."""
        self._after.append(ADJACENT_BONUS * self.masks.literal(text)[self.docs])

    def add(self, score: np.ndarray) -> None:
        """Add a node's own score of each selected docnum."""
        self._after.append(score)

    def total(self) -> np.ndarray:
        """Return the summed scores, scaled by the preference for newer documents."""
        # One fixed order of additions (bonuses, words, the rest as added): the same scores every time.
        acc = self._bonus + self._words.result()
        for score in self._after:
            acc += score
        return acc * self.generation.derived("recency", DERIVED["recency"])[self.docs]


def _text_score(generation: Generation, matcher: Matcher, words: _WordScores, text: str, weight: float,
                docs: np.ndarray) -> np.ndarray:
    """Add one weighted text's BM25 to ``words``; return its title and heading bonus."""
    for word in segment(text):
        words.add(word, weight)
    bonus = TITLE_BONUS * generation.title_mask(text, docs).astype(np.float64)
    under = generation.section_mask(text, docs) | (generation.is_heading[docs] & matcher.literal(text)[docs])
    bonus += SECTION_BONUS * under
    return weight * bonus


class _WordScores:
    """Weighted BM25 of words, summed over the selected docnums."""

    def __init__(self, generation: Generation, docs: np.ndarray) -> None:
        self.generation = generation
        self.docs = docs
        self.acc = np.zeros(len(docs), dtype=np.float64)
        # Many selected paragraphs: add word scores over all docnums, then pick; fewer: find each
        # posting's place among them (slot: docnum → place, -1 when not selected); few: look them up.
        self.full = np.zeros(generation.size) if len(docs) * 4 > generation.size else None
        self.slot: np.ndarray | None = None

    def add(self, word: str, weight: float) -> None:
        """Add ``weight`` × the BM25 weight of ``word`` in each selected docnum."""
        generation, docs = self.generation, self.docs
        posted, weights = word_weights(generation, word)
        if not len(posted):
            return
        if self.full is not None:
            self.full[posted] += weight * weights
            return
        if len(docs) * 16 < len(posted):
            at = np.searchsorted(posted, docs)
            found = at < len(posted)
            found[found] = posted[at[found]] == docs[found]
            targets, found_weights = np.flatnonzero(found), weights[at[found]]
        else:
            if self.slot is None:
                self.slot = np.full(generation.size, -1, dtype=np.int32)
                self.slot[docs] = np.arange(len(docs), dtype=np.int32)
            at = self.slot[posted]
            found = at >= 0
            targets, found_weights = at[found], weights[found]
        self.acc[targets] += weight * found_weights

    def result(self) -> np.ndarray:
        """Return the summed scores of the selected docnums."""
        return self.acc + self.full[self.docs] if self.full is not None else self.acc


def recency(years: np.ndarray, oldest: int | None = None) -> np.ndarray:
    """Return the multiplier that prefers newer documents: 1 for the oldest, at most 1 + RECENCY_CAP."""
    if oldest is None:
        dated = years[years > 0]
        oldest = int(dated.min()) if len(dated) else 0
    boost = np.minimum(RECENCY_CAP, RECENCY_WEIGHT * np.maximum(years - oldest, 0))
    return np.where(years > 0, 1.0 + boost, 1.0)


def order(docs: np.ndarray, score: np.ndarray, group: np.ndarray, count: int) -> np.ndarray:
    """Return the first ``count`` docs by (group, score descending, docnum): a total, stable order."""
    if count <= 0 or not len(docs):
        return docs[:0]
    if len(docs) > 4 * count and len(docs) > 2048:
        # Keep only what can reach the page: groups up to the count-th, scores up to its score.
        key = group.astype(np.float64) * 1e6 - score
        kth = np.partition(key, count - 1)[count - 1]
        keep = key <= kth
        docs, score, group = docs[keep], score[keep], group[keep]
    ranked = np.lexsort((docs, -score, group))
    return docs[ranked[:count]]
