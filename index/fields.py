"""The one registry of metadata fields: names, Chinese labels, typed aliases, value codes, columns.

Everything that names a field reads it from here: overrides (NAME.meta.toml, metadata.csv,
front matter), the segment columns' codes, the query parser's field names (省:, 年:), the
facets, the export columns and the CLI help. Adding a facet starts with one ``Field`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import DOC_TYPES

YEAR_MIN, YEAR_MAX = 1900, 2100  # a year outside is a typo, in metadata and in filters alike

LEVEL_NAMES: dict[str, str] = {
    "national": "全国", "province": "省级", "city": "市级", "district": "区县", "unit": "单位", "enterprise": "企业",
}
# How users write levels (in metadata and in queries): Chinese as often as the codes the index stores.
LEVEL_ALIASES: dict[str, str] = {
    "全国": "national", "国家": "national", "全国级": "national", "国家级": "national",
    "省": "province", "省级": "province",
    "市": "city", "市级": "city", "地市": "city", "地市级": "city",
    "区": "district", "县": "district", "区县": "district", "县区": "district",
    "县级": "district", "区级": "district", "区县级": "district",
    "单位": "unit", "基层": "unit", "基层单位": "unit",
    "企业": "enterprise",
}
KIND_NAMES: dict[str, str] = {"title": "标题", "heading": "小标题", "body": "正文", "caption": "图注"}
KIND_ALIASES: dict[str, str] = {
    "标题": "title", "小标题": "heading", "层次标题": "heading",
    "正文": "body", "图注": "caption", "图片说明": "caption",
}
DOC_TYPE_ALIASES: dict[str, str] = {
    "综述": "工作综述", "总结": "工作总结", "经验": "经验材料", "经验交流": "经验材料",
    "新闻": "新闻报道", "新闻稿": "新闻报道", "报道": "新闻报道", "展望": "工作展望",
    "报告": "工作报告", "其它": "其他",
}


@dataclass(frozen=True)
class Field:
    """A field a paragraph can be filtered and counted by.

    ``kind`` says how its values behave: ``place`` (full official names, short forms resolved),
    ``year`` (a number, ranges), ``theme`` (several per paragraph, stored as bits) or ``coded``
    (a closed list of codes with Chinese names). ``names``: what a query may type before the
    colon, the first the one format_query writes.
    """

    name: str
    label: str
    kind: str
    names: tuple[str, ...]
    column: str  # the segment column holding its per-paragraph code
    counted: bool = True  # shown with counts (county is a filter only)
    codes: dict[str, str] = field(default_factory=dict)  # code → Chinese name (coded fields)
    aliases: dict[str, str] = field(default_factory=dict)  # typed value → code

    def code_of(self, value: str) -> str | None:
        """Return the code a typed value of a coded field means, or None."""
        return value if value in self.codes else self.aliases.get(value)


FIELDS = (
    Field("province", "省份", "place", ("省", "省份", "province"), "province"),
    Field("city", "城市", "place", ("市", "城市", "地市", "city"), "city"),
    Field("county", "区县", "place", ("县", "区", "区县", "县区", "county", "district"), "county", counted=False),
    Field("year", "年份", "year", ("年", "年份", "年度", "year"), "year"),
    Field("theme", "主题", "theme", ("主题", "theme", "topic"), "theme_bits"),
    Field("level", "级别", "coded", ("级别", "层级", "level"), "level", codes=LEVEL_NAMES, aliases=LEVEL_ALIASES),
    Field("doc_type", "文种", "coded", ("文种", "文稿类型", "doc_type", "doctype"), "doc_type",
          aliases={**{t: t for t in DOC_TYPES}, **DOC_TYPE_ALIASES}),
    Field("kind", "段落类型", "coded", ("类型", "段落类型", "kind"), "kind", codes=KIND_NAMES, aliases=KIND_ALIASES),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# The segment columns' per-paragraph codes: every field whose values are strings.
CODED_COLUMNS = tuple(f.column for f in FIELDS if f.kind in ("place", "coded"))
PLACE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "place")


def region_text(record: object) -> str:
    """Return "省 市 县" of an article, hit or record (a dict or an object), or an empty string."""
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
    return " ".join(get(k) for k in PLACE_FIELDS if get(k))


def filter_help() -> str:
    """Return the field names and labels a filter may use, for help texts: province（省份）、…"""
    return "、".join(f"{f.name}（{f.label}）" for f in FIELDS)
