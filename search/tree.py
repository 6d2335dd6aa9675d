"""The matching part of a query plan as a tree of nodes, each producing its own mask.

A plan (search/scoring.py) reads as ``And(Or(Literal…)…, Not(Literal)…)``: the ANDed groups,
each an OR of its typed terms and their synonyms, and the excluded terms. Walking the tree
gives the paragraphs a query matches; a new operator becomes one more node class here instead
of another loop over the groups in every module that matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from .scoring import Plan


class Masks(Protocol):
    """What nodes read their masks from: one generation's cached literal masks."""

    def literal(self, text: str) -> np.ndarray: ...

    @property
    def size(self) -> int: ...

    @property
    def live(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Literal:
    """A leaf: the paragraphs containing a text (a term, a phrase, a 句式 pattern or a synonym)."""

    text: str
    exact: bool = True  # False: a synonym, left out of the exact-only mask

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray | None:
        """Return the paragraphs containing the text (None: a synonym when only exact ones count)."""
        return None if exact_only and not self.exact else masks.literal(self.text)


@dataclass(frozen=True)
class Or:
    """The paragraphs any child matches."""

    children: tuple[Literal, ...]

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the union of the children's masks (no paragraph when none counts)."""
        result = np.zeros(masks.size, dtype=bool)
        for child in self.children:
            found = child.mask(masks, exact_only)
            if found is not None:
                result |= found
        return result

    def leaves(self) -> Iterator[Literal]:
        """Yield the literals to find, typed terms each before their synonyms."""
        yield from self.children


@dataclass(frozen=True)
class Not:
    """The paragraphs a child does not match; an exclusion counts synonyms or not alike."""

    child: Literal

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the complement of the child's mask."""
        return ~self.child.mask(masks)


@dataclass(frozen=True)
class And:
    """The live paragraphs every child matches: the root of a plan's tree."""

    children: tuple[Or | Not, ...]

    def mask(self, masks: Masks, exact_only: bool = False) -> np.ndarray:
        """Return the intersection of the live paragraphs and the children's masks."""
        result = masks.live.copy()
        for child in self.children:
            result &= child.mask(masks, exact_only)
        return result

    def leaves(self) -> Iterator[Literal]:
        """Yield the literals to find (exclusions are not), in query order: what highlighting marks."""
        for child in self.children:
            if isinstance(child, Or):
                yield from child.leaves()


def plan_tree(plan: Plan) -> And:
    """Return the tree of a plan: its groups as ORs of literals, then its exclusions."""
    groups = tuple(Or(tuple(Literal(text, exact) for text, exact in g.alternatives)) for g in plan.groups)
    return And(groups + tuple(Not(Literal(text)) for text in plan.excluded))
