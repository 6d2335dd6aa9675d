"""Name the facet fields a query may filter on and turn typed filter values into canonical ones."""

from __future__ import annotations

import re
import unicodedata

from index.model import DOC_TYPES
from index.normalize import fold  # field names and codes fold like text: ＰＲＯＶＩＮＣＥ, Province → province

FACET_FIELDS = ("province", "city", "county", "year", "theme", "level", "doc_type", "kind")

# The first Chinese name of each field is the canonical one that format_query writes.
_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "province": ("省", "省份", "province"),
    "city": ("市", "城市", "地市", "city"),
    "county": ("县", "区", "区县", "县区", "county", "district"),
    "year": ("年", "年份", "年度", "year"),
    "theme": ("主题", "theme", "topic"),
    "level": ("级别", "层级", "level"),
    "kind": ("类型", "段落类型", "kind"),
    "doc_type": ("文种", "文稿类型", "doc_type", "doctype"),
}
FIELD_ALIASES: dict[str, str] = {name: f for f, names in _FIELD_NAMES.items() for name in names}
FIELD_LABELS: dict[str, str] = {f: names[0] for f, names in _FIELD_NAMES.items()}

LEVEL_NAMES: dict[str, str] = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "district": "区县",
    "unit": "单位",
    "enterprise": "企业",
}
_LEVEL_ALIASES: dict[str, str] = {
    "全国": "national", "全国级": "national", "国家级": "national",
    "省": "province", "省级": "province",
    "市": "city", "市级": "city", "地市": "city", "地市级": "city",
    "区": "district", "县": "district", "区县": "district", "县区": "district",
    "县级": "district", "区级": "district",
    "单位": "unit", "企业": "enterprise",
}

KIND_NAMES: dict[str, str] = {"title": "标题", "heading": "小标题", "body": "正文", "caption": "图注"}
_KIND_ALIASES: dict[str, str] = {
    "标题": "title", "小标题": "heading", "层次标题": "heading",
    "正文": "body", "图注": "caption", "图片说明": "caption",
}

_DOC_TYPE_ALIASES: dict[str, str] = {
    "综述": "工作综述", "总结": "工作总结", "经验": "经验材料", "经验交流": "经验材料",
    "新闻": "新闻报道", "新闻稿": "新闻报道", "报道": "新闻报道", "展望": "工作展望",
    "报告": "工作报告", "其它": "其他",
}

# Full-width ASCII (what a Chinese IME types) folded to ASCII, one character for one.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Alternatives inside one value: 省:河北,河南 / 省:河北、河南 / 省:河北|河南.
_VALUE_SEPARATORS = re.compile(r"[,，、|｜]")
_YEAR = re.compile(r"([0-9]{4})\s*年?(?:\s*[-~～–—至到]\s*([0-9]{4})\s*年?)?")
_YEAR_MIN, _YEAR_MAX = 1900, 2099
_NOTICE_SNIPPET = 20


def field_for(name: str) -> str | None:
    """Return the facet field a typed field name means, or None when it names no field."""
    return FIELD_ALIASES.get(fold(name))


def snippet(text: str) -> str:
    """Return ``text`` shortened for quoting inside a notice."""
    return text if len(text) <= _NOTICE_SNIPPET else text[:_NOTICE_SNIPPET] + "…"


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
    if field == "level":
        code = _LEVEL_ALIASES.get(value) or (fold(value) if fold(value) in LEVEL_NAMES else None)
        if code is None:
            names = "、".join(LEVEL_NAMES.values())
            return None, f"无法识别的级别“{snippet(value)}”，已忽略（可用：{names}）。"
        return code, None
    if field == "kind":
        code = _KIND_ALIASES.get(value) or (fold(value) if fold(value) in KIND_NAMES else None)
        if code is None:
            names = "、".join(KIND_NAMES.values())
            return None, f"无法识别的段落类型“{snippet(value)}”，已忽略（可用：{names}）。"
        return code, None
    if field == "doc_type":
        doc_type = value if value in DOC_TYPES else _DOC_TYPE_ALIASES.get(value)
        if doc_type is None:
            names = "、".join(DOC_TYPES)
            return None, f"无法识别的文种“{snippet(value)}”，已忽略（可用：{names}）。"
        return doc_type, None
    return value, None


def value_label(field: str, value: str) -> str:
    """Return how format_query writes a canonical value: level and kind codes as Chinese labels."""
    if field == "level":
        return LEVEL_NAMES.get(value, value)
    if field == "kind":
        return KIND_NAMES.get(value, value)
    return value


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
    bad = f"无法识别的年份“{snippet(value)}”，已忽略（示例：年:2021 或 年:2019-2023）。"
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
        return f"{first}-{last}", f"年份范围“{snippet(value)}”前后颠倒，已按 {first}-{last} 处理。"
    return f"{first}-{last}", None
