"""Name the facet fields a query may filter on and turn typed filter values into canonical ones."""

from __future__ import annotations

import re
import unicodedata

# KIND_NAMES and LEVEL_NAMES: search.query re-exports them from here.
from index.fields import FIELD_BY_NAME, FIELDS, KIND_NAMES, LEVEL_NAMES, YEAR_MAX, YEAR_MIN  # noqa: F401
from index.normalize import fold  # field names and codes fold like text: ＰＲＯＶＩＮＣＥ, Province → province

FACET_FIELDS = tuple(f.name for f in FIELDS)
FIELD_ALIASES: dict[str, str] = {fold(name): f.name for f in FIELDS for name in f.names}
# The first Chinese name of each field is the canonical one that format_query writes.
FIELD_LABELS: dict[str, str] = {f.name: f.names[0] for f in FIELDS}

# Full-width ASCII (what a Chinese IME types) folded to ASCII, one character for one.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Alternatives inside one value: 省:河北,河南 / 省:河北、河南 / 省:河北|河南.
_VALUE_SEPARATORS = re.compile(r"[,，、|｜]")
_YEAR = re.compile(r"([0-9]{4})\s*年?(?:\s*[-~～–—至到]\s*([0-9]{4})\s*年?)?")
_YEAR_MIN, _YEAR_MAX = YEAR_MIN, YEAR_MAX
_NOTICE_QUOTE = 20  # characters of a typed value quoted in a notice


def field_for(name: str) -> str | None:
    """Return the facet field a typed field name means, or None when it names no field."""
    return FIELD_ALIASES.get(fold(name))


def quote_for_notice(text: str) -> str:
    """Return ``text`` shortened for quoting inside a notice."""
    return text if len(text) <= _NOTICE_QUOTE else text[:_NOTICE_QUOTE] + "…"


def split_values(raw: str) -> list[str]:
    """Split a typed filter value into its alternatives, whitespace collapsed and kept non-empty."""
    return [v for v in (" ".join(p.split()) for p in _VALUE_SEPARATORS.split(raw)) if v]


def canonical_value(field: str, value: str) -> tuple[str | None, str | None]:
    """Return ``(canonical value, None)`` or ``(None, notice)`` for one alternative of a filter."""
    if field == "year":
        return _year(value)
    value = _strip_punctuation(value)
    if not value:
        return None, None
    spec = FIELD_BY_NAME.get(field)
    if spec is None or spec.kind != "coded":
        return value, None
    # A code may be typed folded as field names are (ＣＩＴＹ, City → city); names and aliases as they are.
    code = spec.code_of(value) or (fold(value) if fold(value) in spec.codes else None)
    if code is None:
        names = "、".join(spec.choices)
        return None, f"无法识别的{spec.label}“{quote_for_notice(value)}”，已忽略（可用：{names}）。"
    return code, None


def value_label(field: str, value: str) -> str:
    """Return how format_query writes a canonical value: the Chinese name of a coded field's code."""
    spec = FIELD_BY_NAME.get(field)
    return spec.codes.get(value, value) if spec is not None else value


def _strip_punctuation(value: str) -> str:
    """Drop punctuation around a value (河北。 / “河北”), keeping inner marks such as 服务职工/帮扶."""
    start, end = 0, len(value)
    while start < end and _is_trim(value[start]):
        start += 1
    while end > start and _is_trim(value[end - 1]):
        end -= 1
    return value[start:end]


def _is_trim(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def _year(value: str) -> tuple[str | None, str | None]:
    match = _YEAR.fullmatch(value.translate(_WIDTH).strip().rstrip("。.，,；;"))
    bad = f"无法识别的年份“{quote_for_notice(value)}”，已忽略（示例：年:2021 或 年:2019-2023）。"
    if match is None:
        return None, bad
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if not all(_YEAR_MIN <= y <= _YEAR_MAX for y in (first, last)):
        return None, bad
    if first == last:
        return str(first), None
    if first > last:
        first, last = last, first
        return f"{first}-{last}", f"年份范围“{quote_for_notice(value)}”前后颠倒，已按 {first}-{last} 处理。"
    return f"{first}-{last}", None
