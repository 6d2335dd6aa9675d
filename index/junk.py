"""Junk removal: ads, watermarks, page furniture and boilerplate that recurs verbatim."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_JUNK_FILE = Path(__file__).parent / "data" / "junk.toml"
JUNK_LINE_MAX_CHARS = 300


@dataclass(frozen=True)
class JunkRules:
    """Compiled junk patterns from the editable data file."""

    line: re.Pattern | None
    inline: re.Pattern | None
    end: re.Pattern | None  # a line after which a web copy holds only link lists and footers
    repeat_min_count: int
    repeat_min_length: int


def _compile(patterns: list[str], path: Path) -> re.Pattern | None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{path}: bad junk pattern {pattern!r}: {exc}") from None
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@lru_cache(maxsize=8)
def load_junk_rules(path: Path = DEFAULT_JUNK_FILE) -> JunkRules:
    """Read and compile the junk pattern file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read junk patterns {path}: {exc}") from None
    patterns = data.get("patterns", {})
    repeat = data.get("repeat", {})
    return JunkRules(
        line=_compile(list(patterns.get("line", [])), path),
        inline=_compile(list(patterns.get("inline", [])), path),
        end=_compile(list(patterns.get("end", [])), path),
        repeat_min_count=int(repeat.get("min_count", 3)),
        repeat_min_length=int(repeat.get("min_length", 4)),
    )


def recurring_lines(lines: list[str], rules: JunkRules, keep: re.Pattern) -> set[str]:
    """Return the lines that recur verbatim often enough to be boilerplate.

    Lines matching ``keep`` (headings: real documents repeat "一、…" headings across the
    articles of a compilation) are never treated as boilerplate.
    """
    counts = Counter(line.strip() for line in lines)
    return {
        line
        for line, n in counts.items()
        if n >= rules.repeat_min_count
        and len(line) >= rules.repeat_min_length
        and not keep.match(line)
    }


def is_end_marker(line: str, rules: JunkRules) -> bool:
    """Tell whether a line opens the link lists under a copied article ("相关新闻", "猜你喜欢")."""
    return rules.end is not None and bool(rules.end.search(line.strip()))


def clean_line(line: str, rules: JunkRules) -> str | None:
    """Return the line without inline junk, or None when the whole line is junk."""
    stripped = line.strip()
    if not stripped:
        return line
    # A whole-line pattern only judges lines of line length: a paragraph that merely
    # contains an ad phrase is text (its inline junk is still cut below).
    if rules.line is not None and len(stripped) <= JUNK_LINE_MAX_CHARS and rules.line.search(stripped):
        return None
    if rules.inline is not None:
        cut = rules.inline.sub("", line)
        if cut != line:
            return cut if cut.strip() else None
    return line
