"""Parse the search box's text into a query tree (search/tree.py) and facet filters, never raising.

Language: space-separated terms are ANDed; "quoted phrase" (also “…”, 「…」, 『…』); -term and
-"phrase" exclude; +term marks a term every hit must contain (soft matching never drops it); OR or | between terms makes an OR group; field:value filters (省:河北,
年:2019-2023, 级别:市 …, see FIELD_ALIASES) where repeating a field or a comma ORs values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from search.query_fields import (
    FACET_FIELDS,
    FIELD_ALIASES,
    FIELD_LABELS,
    KIND_NAMES,
    LEVEL_NAMES,
    canonical_value,
    field_for,
    quote_for_notice,
    split_values,
    value_label,
)
from search.tree import And, Leaf, Literal, Not, Or, Phrase

__all__ = [
    "FACET_FIELDS", "FIELD_ALIASES", "KIND_NAMES", "LEVEL_NAMES",
    "ParsedQuery", "Term", "format_query", "parse_query",
]

# Chinese IMEs type “…”; writers pasting from Word get ”…” or mismatched pairs, so every quote
# mark opens and closes alike, and quote marks are never part of a term.
_QUOTES = '"“”「」『』＂'
_DASHES = "-－"
_PLUSES = "+＋"
_PIPES = "|｜"
_OR_WORDS = frozenset({"OR", "ＯＲ"})
_COLON = re.compile("[:：]")
_QUOTE = re.compile(f"[{_QUOTES}]")
_WORD = re.compile(f"[^\\s{_QUOTES}{_PIPES}]+")
_VALUE = re.compile(f"[^\\s{_QUOTES}]*")
_SPACE = re.compile(r"\s*")
_UNKNOWN_FIELD_MAX = 12

_N_CONTROL = "已删除检索式中的不可见控制字符。"
_N_UNPAIRED = "忽略了未配对的引号。"
_N_EMPTY_QUOTES = "忽略了空的引号。"
_N_MINUS = "忽略了后面没有检索词的减号“-”。"
_N_OR = "忽略了位置不当的 OR（OR 只能写在两个要查找的词之间）。"
_N_ONLY_EXCLUDED = "检索式只有排除词，没有要查找的内容。"


@dataclass(frozen=True)
class Term:
    """One literal to find, as typed: a leaf of the tree seen the way groups and exclusions list it."""

    text: str
    phrase: bool
    must: bool = False  # typed as +term: never left out by soft matching

    @classmethod
    def of(cls, leaf: Leaf) -> Term:
        """Return the term a leaf of the tree stands for."""
        return cls(leaf.text, leaf.phrase, leaf.must)

    def leaf(self) -> Leaf:
        """Return the leaf of the tree this term stands for."""
        return (Phrase if self.phrase else Literal)(self.text, must=self.must)


@dataclass
class ParsedQuery:
    """What the user asked for: the tree of terms (search/tree.py), facet filters, notices."""

    tree: And = field(default_factory=And)
    filters: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, groups: list[list[Term]], excluded: list[Term], filters: dict[str, list[str]] | None = None,
           notices: list[str] | None = None) -> ParsedQuery:
        """Return the query of ANDed OR-groups of terms and exclusions."""
        tree = And(tuple(Or(tuple(t.leaf() for t in group)) for group in groups)
                   + tuple(Not(t.leaf()) for t in excluded))
        return cls(tree, dict(filters or {}), list(notices or []))

    @property
    def groups(self) -> list[list[Term]]:
        """Return the ANDed OR-groups of terms, read from the tree (for code that lists them)."""
        return [[Term.of(leaf) for leaf in group.children] for group in self.tree.includes]

    @property
    def excluded(self) -> list[Term]:
        """Return the excluded terms, read from the tree."""
        return [Term.of(node.child) for node in self.tree.excludes]

    def is_empty(self) -> bool:
        """Tell whether the query asks for nothing: no terms to find and no filters."""
        return not self.tree.includes and not self.filters

    def literals(self) -> list[str]:
        """Return every positive term's text, in order and de-duplicated, for highlighting."""
        return list(dict.fromkeys(leaf.text for leaf in self.tree.leaves()))


def parse_query(text: str, max_length: int = 500) -> ParsedQuery:
    """Parse the search box's text; anything malformed is dropped or read literally, with a notice."""
    return _Parser(text, max_length).parse()


def format_query(parsed: ParsedQuery) -> str:
    """Return canonical query text that parses back to the same groups, exclusions and filters."""
    groups = [group.children for group in parsed.tree.includes if group.children]
    parts = [" OR ".join(_format_term(leaf) for leaf in group) for group in groups]
    parts += ["-" + _format_term(node.child, excluded=True) for node in parsed.tree.excludes]
    for name in FACET_FIELDS:
        values = [_unquote(value_label(name, v)) for v in parsed.filters.get(name, ())]
        joined = ",".join(v for v in values if v.strip())
        if joined:
            quoted = any(c.isspace() for c in joined)
            parts.append(f'{FIELD_LABELS[name]}:{_quote(joined) if quoted else joined}')
    return " ".join(parts)


class _Parser:
    """One left-to-right pass over the cleaned text, collecting groups and exclusions for the tree."""

    def __init__(self, text: object, max_length: int) -> None:
        self.result = ParsedQuery()
        self.text = self._clean(text, max_length)
        self.pos = 0
        # OR state: the previous meaningful item, whether an OR waits for the next term, and the
        # field an OR after a filter joins (省:河北 OR 省:河南 is what repeating means anyway).
        self.last: str | None = None
        self.or_pending = False
        self.or_after_filter: str | None = None
        self.groups: list[list[Leaf]] = []
        self.excluded: list[Leaf] = []
        # Sets beside the lists keep de-duplication linear on long pasted queries.
        self.excluded_seen: set[Leaf] = set()
        self.group_seen: set[Leaf] = set()

    def parse(self) -> ParsedQuery:
        """Consume the text and return the result."""
        text, size = self.text, len(self.text)
        while True:
            self.pos = _SPACE.match(text, self.pos).end()
            if self.pos >= size:
                break
            char = text[self.pos]
            if char in _QUOTES:
                self._term(self._read_quoted(), phrase=True, negated=False)
            elif char in _PIPES:
                self.pos += 1
                self._or()
            elif char in _DASHES:
                self._excluded()
            elif char in _PLUSES and self._must():
                pass
            else:
                self._word(negated=False)
        if self.or_pending or self.or_after_filter:
            self._notice(_N_OR)
        self._finish()
        return self.result

    def _clean(self, text: object, max_length: int) -> str:
        """Strip control characters, cut to ``max_length`` and drop an unpaired quote."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        limit = max(0, max_length)
        kept: list[str] = []
        control = truncated = False
        for char in text:
            if unicodedata.category(char) in ("Cc", "Cf", "Cs"):
                if not char.isspace():
                    control = True
                    continue
                char = " "  # tabs and newlines still separate terms
            if len(kept) == limit:
                truncated = True
                break
            kept.append(char)
        if control:
            self._notice(_N_CONTROL)
        if truncated:
            self._notice(f"检索式过长，只使用了前 {limit} 个字符。")
        cleaned = "".join(kept)
        quotes = [m.start() for m in _QUOTE.finditer(cleaned)]
        if len(quotes) % 2:
            # Quotes pair from the left, so the unpaired one is the last; its text stays as words.
            cleaned = cleaned[: quotes[-1]] + cleaned[quotes[-1] + 1:]
            self._notice(_N_UNPAIRED)
        return cleaned

    def _read_quoted(self) -> str:
        """Read from the quote mark at ``pos`` to the next one; return the text, spaces collapsed."""
        start = self.pos + 1
        match = _QUOTE.search(self.text, start)
        end = match.start() if match else len(self.text)
        self.pos = end + 1
        return " ".join(self.text[start:end].split())

    def _excluded(self) -> None:
        """Read a -term, -"phrase" or a stray minus."""
        text = self.text
        while self.pos < len(text) and text[self.pos] in _DASHES:
            self.pos += 1
        if self.pos >= len(text) or text[self.pos].isspace() or text[self.pos] in _PIPES:
            self._notice(_N_MINUS)
        elif text[self.pos] in _QUOTES:
            self._term(self._read_quoted(), phrase=True, negated=True)
        else:
            self._word(negated=True)

    def _must(self) -> bool:
        """Read a +term or +"phrase" at ``pos``; return False (reading nothing) when no term follows."""
        text, ahead = self.text, self.pos + 1
        if ahead < len(text) and text[ahead] in _QUOTES:
            self.pos = ahead
            self._term(self._read_quoted(), phrase=True, negated=False, must=True)
            return True
        match = _WORD.match(text, ahead)
        word = match.group() if match else ""
        colon = _COLON.search(word)
        if not any(c.isalnum() for c in word) or word in _OR_WORDS or (colon and field_for(word[: colon.start()])):
            return False  # a lone +, +OR or +省:… reads as it did before + meant "must"
        self.pos = match.end()
        self._term(word, phrase=False, negated=False, must=True)
        return True

    def _word(self, negated: bool) -> None:
        """Read a bare word at ``pos``: OR, a field filter, or a term."""
        match = _WORD.match(self.text, self.pos)
        word = match.group()
        colon = _COLON.search(word)
        name = word[: colon.start()] if colon else ""
        facet = field_for(name) if colon else None
        if facet is not None:
            self.pos += colon.end()
            self._filter(facet, name, negated)
            return
        self.pos = match.end()
        if word in _OR_WORDS and not negated:
            self._or()
            return
        value = word[colon.end():] if colon else ""
        # Only a word-like name reads as a field attempt: 10:30 and http://… are plain text.
        if name.isalpha() and len(name) <= _UNKNOWN_FIELD_MAX and value and not value.startswith("//"):
            self._notice(f"“{quote_for_notice(name)}”不是可用的筛选条件，已把“{quote_for_notice(word)}”当作普通文字查找。")
        self._term(word, phrase=False, negated=negated)

    def _filter(self, facet: str, name: str, negated: bool) -> None:
        """Read the value after ``name:`` (``pos`` is just past the colon) and record the filter."""
        raw = self._read_value()
        if negated:
            self._notice(f"不支持排除筛选条件，已忽略“-{quote_for_notice(name)}:{quote_for_notice(raw)}”。")
            return
        values: dict[str, list[str]] = {}
        complained = False
        for alternative in split_values(raw):
            target, value, notice = _route(facet, alternative)
            if notice:
                self._notice(notice)
                complained = True
            if value is not None:
                values.setdefault(target, []).append(value)
        if not values:
            if not complained:
                self._notice(f"筛选条件“{quote_for_notice(name)}:”没有填写内容，已忽略。")
            return
        if self.or_pending or (self.or_after_filter not in (None, facet)):
            self._notice(_N_OR)
        self.or_pending = False
        self.or_after_filter = None
        for target, found in values.items():
            known = self.result.filters.setdefault(target, [])
            known.extend(v for v in dict.fromkeys(found) if v not in known)
        self.last = "filter:" + facet

    def _read_value(self) -> str:
        """Return a filter's raw value: quoted, unquoted, or (省: 河北) the next word."""
        text = self.text
        if self.pos < len(text) and text[self.pos] in _QUOTES:
            return self._read_quoted()
        value = _VALUE.match(text, self.pos)
        if value.group():
            self.pos = value.end()
            return value.group()
        ahead = _SPACE.match(text, self.pos).end()
        if ahead >= len(text) or text[ahead] in _DASHES + _PIPES:
            return ""
        if text[ahead] in _QUOTES:
            self.pos = ahead
            return self._read_quoted()
        word = _WORD.match(text, ahead).group()
        colon = _COLON.search(word)
        if word in _OR_WORDS or (colon and field_for(word[: colon.start()])):
            return ""
        value = _VALUE.match(text, ahead)
        self.pos = value.end()
        return value.group()

    def _or(self) -> None:
        """Record an OR between the previous item and the next."""
        if self.last == "term" and not self.or_pending:
            self.or_pending = True
        elif self.last and self.last.startswith("filter:") and not self.or_after_filter:
            self.or_after_filter = self.last.removeprefix("filter:")
        else:
            self._notice(_N_OR)
        self.last = "or"

    def _term(self, text: str, phrase: bool, negated: bool, must: bool = False) -> None:
        """Record a term: into the current OR group, a new AND group, or the exclusions."""
        if not text:
            self._notice(_N_EMPTY_QUOTES)
            return
        if not any(c.isalnum() for c in text):
            self._notice(f"忽略了只含标点符号的“{quote_for_notice(text)}”。")
            return
        # A term that starts with a sign (+-省, -+省) can only be written back quoted: it is a phrase.
        term = (Phrase if phrase or text[0] in _DASHES + _PLUSES else Literal)(text, must=must)
        if negated or self.or_after_filter:
            if self.or_pending or self.or_after_filter:
                self._notice(_N_OR)
            self.or_pending = False
            self.or_after_filter = None
        if negated:
            if term not in self.excluded_seen:
                self.excluded_seen.add(term)
                self.excluded.append(term)
            self.last = "excluded"
            return
        groups = self.groups
        if not self.or_pending:
            groups.append([])
            self.group_seen = set()
        if term not in self.group_seen:
            self.group_seen.add(term)
            groups[-1].append(term)
        self.or_pending = False
        self.last = "term"

    def _finish(self) -> None:
        """Build the tree, dropping repeated AND groups, and flag a query that only excludes."""
        groups = tuple(Or(children) for children in dict.fromkeys(map(tuple, self.groups)))
        self.result.tree = And(groups + tuple(Not(leaf) for leaf in self.excluded))
        if self.excluded and self.result.is_empty():
            self._notice(_N_ONLY_EXCLUDED)

    def _notice(self, message: str) -> None:
        if message not in self.result.notices:
            self.result.notices.append(message)


def _route(facet: str, value: str) -> tuple[str, str | None, str | None]:
    """Canonicalise one filter value; 类型:经验材料 means the document type, not the paragraph kind."""
    canonical, notice = canonical_value(facet, value)
    if facet == "kind" and canonical is None and notice:
        doc_type, _ = canonical_value("doc_type", value)
        if doc_type is not None:
            label = FIELD_LABELS["doc_type"]
            return "doc_type", doc_type, f"“{quote_for_notice(value)}”是文种，已按“{label}:{doc_type}”筛选。"
    return facet, canonical, notice


def _format_term(term: Leaf, excluded: bool = False) -> str:
    """Write a term so it parses back the same; a bare term that would not is quoted."""
    text = term.text
    if term.phrase or not _is_bare(text, excluded):
        text = _quote(_unquote(text))
    return "+" + text if term.must and not excluded else text


def _is_bare(text: str, excluded: bool) -> bool:
    """Tell whether ``text`` written unquoted reads back as exactly this one term."""
    match = _WORD.fullmatch(text)
    if match is None or text[0] in _DASHES + _PLUSES or (text in _OR_WORDS and not excluded):
        return False
    colon = _COLON.search(text)
    return not (colon and field_for(text[: colon.start()]))


def _quote(text: str) -> str:
    return f'"{text}"'


def _unquote(text: str) -> str:
    return " ".join(_QUOTE.sub(" ", text).split())
