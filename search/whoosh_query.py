"""Turn a parsed query into Whoosh queries: exact literal matching plus ranking signals.

Matching and ranking are separate on purpose. A paragraph matches a term when its text contains
the term literally: that is a phrase over the character field, exact by construction. Ranking
comes from BM25F over jieba words in the text, the article title and the section headings,
with a boost for the whole phrase and for the typed terms standing side by side; synonym matches
count less than exact ones, and ``exact`` lets the engine rank every exact match first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from index.analysis import char_analyzer, segment

from .query import ParsedQuery, Term
from .synonyms import Synonyms

SYNONYM_MATCH_SCORE = 0.3
EXACT_MATCH_SCORE = 1.0
TITLE_BOOST = 2.0
SECTION_BOOST = 1.5
PHRASE_BOOST = 2.0
ADJACENT_SCORE = 2.0  # the typed terms side by side, as one phrase (职工 书屋 → 职工书屋)
SYNONYM_RANK_BOOST = 0.4

_CHARS = char_analyzer()


@dataclass
class BuiltQuery:
    """The Whoosh query to run, and what the user should be told about it."""

    matcher: wq.Query  # which paragraphs match
    ranked: wq.Query  # the same set, with ranking signals
    literals: list[str]  # every literal that can match, for highlighting
    expansions: dict[str, list[str]] = field(default_factory=dict)
    exact: wq.Query | None = None  # the paragraphs matching without synonyms, when synonyms were added


def char_tokens(text: str) -> list[str]:
    """Return the character-field tokens of a literal (normalised, without whitespace)."""
    return [token.text for token in _CHARS(text)]


def literal_query(text: str) -> wq.Query | None:
    """Return the query matching paragraphs that contain ``text`` literally."""
    chars = char_tokens(text)
    if not chars:
        return None
    if len(chars) == 1:
        return wq.Term("chars", chars[0])
    return wq.Phrase("chars", chars)


def _word_query(text: str, fieldname: str, boost: float) -> wq.Query | None:
    words = [w for w in segment(text) if w.strip()]
    if not words:
        return None
    terms = [wq.Term(fieldname, w) for w in words]
    return wq.Or(terms, boost=boost) if len(terms) > 1 else wq.Term(fieldname, words[0], boost=boost)


def _rank_query(text: str, weight: float) -> list[wq.Query]:
    parts = [
        _word_query(text, "text", weight),
        _word_query(text, "title", weight * TITLE_BOOST),
        _word_query(text, "section", weight * SECTION_BOOST),
    ]
    words = [w for w in segment(text) if w.strip()]
    if len(words) > 1:
        parts.append(wq.Phrase("text", words, boost=weight * PHRASE_BOOST))
    return [p for p in parts if p is not None]


def _term_queries(term: Term, synonyms: Synonyms | None, built: BuiltQuery) -> tuple[list, list]:
    match, rank = [], []
    exact = literal_query(term.text)
    if exact is not None:
        match.append(wq.ConstantScoreQuery(exact, EXACT_MATCH_SCORE))
        rank.extend(_rank_query(term.text, 1.0))
        built.literals.append(term.text)
    # A quoted phrase means exactly these characters: it is never expanded.
    alternatives = synonyms.expand(term.text) if synonyms is not None and not term.phrase else []
    used = []
    for alternative in alternatives:
        query = literal_query(alternative)
        if query is None:
            continue
        used.append(alternative)
        match.append(wq.ConstantScoreQuery(query, SYNONYM_MATCH_SCORE))
        rank.extend(_rank_query(alternative, SYNONYM_RANK_BOOST))
        built.literals.append(alternative)
    if used:
        built.expansions[term.text] = used
    return match, rank


def _together_queries(parsed: ParsedQuery) -> list[wq.Query]:
    """Return signals for the typed terms standing side by side, as one phrase (职工 书屋 → 职工书屋)."""
    texts = [group[0].text for group in parsed.groups if len(group) == 1]
    if len(texts) < 2:
        return []
    joined = "".join(texts)
    signals: list[wq.Query] = []
    adjacent = literal_query(joined)
    if adjacent is not None:
        signals.append(wq.ConstantScoreQuery(adjacent, ADJACENT_SCORE))
    # The joined text segmented afresh (职工书屋 is one word), so BM25 weighs the phrase too.
    words = [w for w in segment(joined) if w.strip()]
    if len(words) == 1:
        signals.append(wq.Term("text", words[0], boost=PHRASE_BOOST))
    elif words:
        signals.append(wq.Phrase("text", words, boost=PHRASE_BOOST))
    return signals


def build_query(parsed: ParsedQuery, synonyms: Synonyms | None = None) -> BuiltQuery:
    """Return the Whoosh queries for a parsed query; synonyms None turns expansion off."""
    built = _build(parsed, synonyms)
    if built.expansions:
        built.exact = _build(parsed, None).matcher
    return built


def _build(parsed: ParsedQuery, synonyms: Synonyms | None) -> BuiltQuery:
    built = BuiltQuery(matcher=wq.Every(), ranked=wq.Every(), literals=[])
    required, ranking = [], []
    for group in parsed.groups:
        alternatives = []
        for term in group:
            match, rank = _term_queries(term, synonyms, built)
            alternatives.extend(match)
            ranking.extend(rank)
        if alternatives:
            required.append(wq.Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    ranking.extend(_together_queries(parsed))
    excluded = [q for q in (literal_query(t.text) for t in parsed.excluded) if q is not None]
    matcher: wq.Query = wq.And(required) if len(required) > 1 else (required[0] if required else wq.Every())
    if excluded:
        matcher = wq.AndNot(matcher, wq.Or(excluded))
    built.matcher = matcher
    built.ranked = wq.AndMaybe(matcher, wq.Or(ranking)) if ranking else matcher
    built.literals = list(dict.fromkeys(built.literals))
    return built
