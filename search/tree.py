"""A query as a tree of nodes, each producing its mask, its score and its spans: what parsers build and plans walk.

The parser (search/query.py) builds ``And(Or(leaf…)…, Not(leaf)…)``: the ANDed groups, each an
OR of the terms typed, and the excluded terms. Leaves are a ``Literal`` (an unquoted term),
a ``Phrase`` (quoted: exactly these characters) or a ``Pattern`` (a 句式 pattern,
search/patterns.py). A plan (search/scoring.py) is the same tree with each typed term's
synonyms (inexact literals) after it and a long term's split words on its group. Walking the
tree gives the paragraphs a query matches and, through the scorer each node calls (BM25 and
the title and heading bonuses, search/scoring.py), how they rank; a new operator is one more
node class here, not another loop over the groups in every module that matches or ranks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

if TYPE_CHECKING:
    from .generation import Generation

Span = tuple[int, int]


class Masks(Protocol):
    """What nodes read their masks from: one generation's masks of leaves, each found once."""

    def leaf(self, leaf: Literal) -> np.ndarray: ...

    @property
    def size(self) -> int: ...

    @property
    def live(self) -> np.ndarray: ...


class Scorer(Protocol):
    """What nodes add their scores to, over the selected docnums (search/scoring.py's ``Scorer``)."""

    masks: Masks
    docs: np.ndarray  # the docnums scored, sorted
    synonym_weight: float  # what a synonym's score counts beside a typed term's

    def text(self, text: str, weight: float) -> None:
        """Add ``weight`` × (BM25 of the text's words + its title and heading bonus)."""
        ...

    def split(self, words: tuple[str, ...], where: np.ndarray) -> None:
        """Add the words of a split term, each weakly, in the docnums where ``where`` holds."""
        ...

    def adjacent(self, text: str) -> None:
        """Add the bonus of the typed terms found side by side, as ``text``."""
        ...

    def add(self, score: np.ndarray) -> None:
        """Add a node's own score of each selected docnum."""
        ...


@dataclass(frozen=True)
class Literal:
    """A leaf: the paragraphs containing a text (an unquoted term, or a synonym standing in for one)."""

    text: str
    exact: bool = True  # False: a synonym, left out of the exact-only mask
    must: bool = False  # typed as +term: soft matching never leaves it out
    phrase: ClassVar[bool] = False  # a quoted phrase: never expanded, never split, never left out
    expands: ClassVar[bool] = True  # its synonyms are found too (search/synonyms.py)
    splittable: ClassVar[bool] = True  # a long one may also be found through its words (search/decompose.py)

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray | None:
        """Return the paragraphs containing the text (None: a synonym when only exact ones count)."""
        return None if exact_only and not self.exact else masks.leaf(self)

    def leaves(self) -> Iterator[Literal]:
        """Yield the leaf itself."""
        yield self

    def score(self, scorer: Scorer) -> None:
        """Add the text's score: BM25 of its words and its title and heading bonus, weaker for a synonym."""
        scorer.text(self.text, 1.0 if self.exact else scorer.synonym_weight)

    def find(self, generation: Generation) -> np.ndarray | None:
        """Return the live paragraphs of a generation that hold the text (None: an empty literal).

        A text whose match form holds pattern operators is matched as that 句式 pattern, as it
        always was, whatever leaf carries it.
        """
        mask = _patterns().pattern_mask(generation, self.text)
        return mask if mask is not None else generation.literal_mask(self.text)

    def spans(self, haystack: str, overlapping: bool = False) -> list[Span]:
        """Return where the text, taken as a match form, occurs in a match-form haystack, left to right.

        As in ``find``, a text holding pattern operators is that 句式 pattern: its matches never overlap.
        """
        patterns = _patterns()
        if patterns.is_pattern(self.text):
            return patterns.pattern_spans(haystack, self.text)
        needle, found = self.text, []
        step = 1 if overlapping else len(needle)
        position = haystack.find(needle)
        while position != -1:
            found.append((position, position + len(needle)))
            position = haystack.find(needle, position + step)
        return found


class Phrase(Literal):
    """A quoted phrase: the paragraphs containing exactly these characters."""

    phrase = True
    expands = False
    splittable = False


class Pattern(Literal):
    """A 句式 pattern (wildcards, NEAR/n) in operator form: its expression finds its paragraphs and spans.

    ``find`` and ``spans`` are Literal's: they already read a text holding operators as its pattern.
    """

    expands = False  # matched as written, like a phrase (no synonym list holds its operator characters)
    splittable = False


@lru_cache(maxsize=1)
def _patterns() -> ModuleType:
    """Return search/patterns.py, imported on first use: it builds Pattern leaves, so it imports this module."""
    from . import patterns

    return patterns


Leaf = Literal  # every leaf is a Literal or one of its subclasses


@dataclass(frozen=True)
class Or:
    """The paragraphs any child matches: one ANDed group of the query."""

    children: tuple[Leaf, ...]
    split: tuple[str, ...] = ()  # a long unquoted term's words, found together below the term (plans only)

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the union of the children's masks (no paragraph when none counts)."""
        result = np.zeros(masks.size, dtype=bool)
        for child in self.children:
            found = child.mask(masks, exact_only)
            if found is not None:
                result |= found
        return result

    def split_mask(self, masks: Masks) -> np.ndarray | None:
        """Return the paragraphs containing every split word (None: the group has none)."""
        if not self.split:
            return None
        result = masks.live.copy()
        for word in self.split:
            result &= masks.leaf(Literal(word))
        return result

    def leaves(self) -> Iterator[Leaf]:
        """Yield the literals to find, typed terms each before their synonyms."""
        yield from self.children

    def score(self, scorer: Scorer) -> None:
        """Add the children's scores, then the split words' where the term itself is not found."""
        for child in self.children:
            child.score(scorer)
        if self.split:
            # Paragraphs holding the whole term rank as they did without splitting.
            scorer.split(self.split, ~self.mask(scorer.masks)[scorer.docs])

    @property
    def typed(self) -> tuple[Leaf, ...]:
        """Return the terms as typed (not their synonyms)."""
        return tuple(child for child in self.children if child.exact)

    @property
    def label(self) -> str:
        """Return the group as typed, its terms joined by OR (what "missing" names)."""
        return " OR ".join(leaf.text for leaf in self.typed)

    @property
    def soft(self) -> bool:
        """Tell whether soft matching may leave the group out (not only quoted phrases and +terms)."""
        return not all(leaf.phrase or leaf.must for leaf in self.typed)


@dataclass(frozen=True)
class Not:
    """The paragraphs a child does not match; an exclusion counts synonyms or not alike."""

    child: Leaf

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the complement of the child's mask."""
        return ~self.child.mask(masks)

    def score(self, scorer: Scorer) -> None:
        """Add nothing: the paragraphs an exclusion matches are never ranked."""


@dataclass(frozen=True)
class And:
    """The live paragraphs every child matches: the root of a query's tree."""

    children: tuple[Or | Not, ...] = ()

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the intersection of the live paragraphs and the children's masks."""
        result = masks.live.copy()
        for child in self.children:
            result &= child.mask(masks, exact_only)
        return result

    @property
    def includes(self) -> tuple[Or, ...]:
        """Return the ANDed groups, in query order."""
        return tuple(child for child in self.children if isinstance(child, Or))

    @property
    def excludes(self) -> tuple[Not, ...]:
        """Return the exclusions, in query order."""
        return tuple(child for child in self.children if isinstance(child, Not))

    @property
    def adjacent(self) -> str | None:
        """Return two or more typed single terms joined (职工 书屋 → 职工书屋): ranked side by side."""
        singles = [group.typed[0].text for group in self.includes if len(group.typed) == 1]
        return "".join(singles) if len(singles) >= 2 else None

    def score(self, scorer: Scorer) -> None:
        """Add the children's scores in query order, then the bonus of the typed terms side by side."""
        for child in self.children:
            child.score(scorer)
        if self.adjacent:
            scorer.adjacent(self.adjacent)

    def leaves(self) -> Iterator[Leaf]:
        """Yield the literals to find (exclusions are not), in query order: what highlighting marks."""
        for child in self.includes:
            yield from child.leaves()

    def kept(self, masks: Masks) -> np.ndarray:
        """Return the live paragraphs no exclusion rules out."""
        return And(self.excludes).mask(masks)
