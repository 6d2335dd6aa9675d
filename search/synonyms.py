"""Query-time synonym groups for union vocabulary, read from a user-editable text file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import lookup_key as _key

DEFAULT_SYNONYMS_PATH = Path(__file__).parent / "data" / "synonyms.txt"

# Writers of the file type Chinese punctuation as often as ASCII.
_SEPARATORS = str.maketrans({"＝": "=", "＞": ">", "，": ","})


@dataclass
class Synonyms:
    """Equivalence groups (every term stands for the others) and one-way expansions.

    ``groups`` holds the ``a = b = c`` lines, ``expansions`` the ``a => b, c`` lines, both
    as written and in file order.
    """

    groups: list[tuple[str, ...]] = field(default_factory=list)
    expansions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    _index: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for group in self.groups:
            for term in group:
                index.setdefault(_key(term), []).extend(t for t in group if t != term)
        for source, targets in self.expansions:
            index.setdefault(_key(source), []).extend(targets)
        # A term may sit in a group and head an expansion: keep the first spelling of each.
        self._index = {}
        for key, terms in index.items():
            seen = {key}
            unique = []
            for term in terms:
                if _key(term) not in seen:
                    seen.add(_key(term))
                    unique.append(term)
            self._index[key] = unique

    def __len__(self) -> int:
        return len(self.groups) + len(self.expansions)

    def expand(self, term: str) -> list[str]:
        """Return the terms equivalent to `term` (not `term` itself), in file order."""
        return list(self._index.get(_key(term), ()))


def load_synonyms(path: Path | None = None) -> Synonyms:
    """Read and validate a synonyms file (default: the shipped ``synonyms.txt``)."""
    path = Path(path) if path is not None else DEFAULT_SYNONYMS_PATH
    groups: list[tuple[str, ...]] = []
    expansions: list[tuple[str, tuple[str, ...]]] = []
    group_line: dict[str, int] = {}
    source_line: dict[str, int] = {}
    text = path.read_text(encoding="utf-8-sig")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].translate(_SEPARATORS).strip()
        if not line:
            continue
        where = f"{path.name} line {number}"
        if "=>" in line:
            source, targets = _parse_expansion(line, where)
            if _key(source) in source_line:
                raise ValueError(f"{where}: {source!r} is already expanded on line {source_line[_key(source)]}")
            source_line[_key(source)] = number
            expansions.append((source, targets))
            continue
        group = _parse_group(line, where)
        for term in group:
            if _key(term) in group_line:
                raise ValueError(f"{where}: {term!r} is already in the group on line {group_line[_key(term)]}")
            group_line[_key(term)] = number
        groups.append(group)
    return Synonyms(groups=groups, expansions=expansions)


def _parse_group(line: str, where: str) -> tuple[str, ...]:
    if "," in line:
        raise ValueError(f"{where}: separate equivalent terms with '=' (commas belong after '=>')")
    terms = _terms(line.split("="), where)
    if len(terms) < 2:
        raise ValueError(f"{where}: a group needs at least two terms, e.g. 职代会 = 职工代表大会")
    return terms


def _parse_expansion(line: str, where: str) -> tuple[str, tuple[str, ...]]:
    parts = line.split("=>")
    if len(parts) != 2 or "=" in parts[0] or "=" in parts[1]:
        raise ValueError(f"{where}: write a one-way expansion as  缩写 => 全称, 全称2")
    left, right = parts
    if "," in left:
        raise ValueError(f"{where}: put one term before '=>'")
    (source,) = _terms([left], where)
    targets = _terms(right.split(","), where)
    if any(_key(t) == _key(source) for t in targets):
        raise ValueError(f"{where}: {source!r} expands to itself")
    return source, targets


def _terms(pieces: list[str], where: str) -> tuple[str, ...]:
    terms = tuple(piece.strip() for piece in pieces)
    if any(not term for term in terms):
        raise ValueError(f"{where}: empty term (check for a doubled or trailing separator)")
    keys = [_key(term) for term in terms]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{where}: the same term appears twice")
    return terms
