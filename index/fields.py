"""The one registry of metadata fields: names, Chinese labels, typed aliases, value codes, columns.

Everything that names a field reads it from here: overrides (NAME.meta.toml, metadata.csv,
front matter), the segment columns' codes, the query parser's field names (省:, 年:), the
facets, the export columns, clippings, the page's sidebar, the SphinxQL schema and the CLI help.
Adding a coded facet is one ``Field`` below, its attribute on model.Article (or Paragraph) and on
records.ParagraphRecord, and where its value comes from (overrides take every Article field).
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
    colon, the first the one format_query writes. ``key``: the attribute of articles, records and
    hits holding its value (the field's name unless given); ``scope``: whether that value is the
    article's (copied onto each paragraph) or the paragraph's own; ``parent``: the field whose
    values it is listed under in the page's sidebar (cities under their province).
    """

    name: str
    label: str
    kind: str
    names: tuple[str, ...]
    column: str  # the segment column holding its per-paragraph code
    counted: bool = True  # shown with counts (county is a filter only)
    codes: dict[str, str] = field(default_factory=dict)  # code → Chinese name (coded fields)
    aliases: dict[str, str] = field(default_factory=dict)  # typed value → code
    key: str = ""
    scope: str = "article"
    parent: str | None = None

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def choices(self) -> tuple[str, ...]:
        """Return the values a coded field accepts as users read them: its Chinese names, or its codes."""
        return tuple(self.codes.values()) if self.codes else tuple(dict.fromkeys(self.aliases.values()))

    def code_of(self, value: str) -> str | None:
        """Return the code a typed value of a coded field means (a code, its Chinese name or an alias), or None."""
        if value in self.codes:
            return value
        return self.aliases.get(value) or next((code for code, name in self.codes.items() if name == value), None)


FIELDS = (
    Field("province", "省份", "place", ("省", "省份", "province"), "province"),
    Field("city", "城市", "place", ("市", "城市", "地市", "city"), "city", parent="province"),
    Field("county", "区县", "place", ("县", "区", "区县", "县区", "county", "district"), "county", counted=False),
    Field("year", "年份", "year", ("年", "年份", "年度", "year"), "year"),
    Field("theme", "主题", "theme", ("主题", "theme", "topic"), "theme_bits", key="themes", scope="paragraph"),
    Field("level", "级别", "coded", ("级别", "层级", "level"), "level", codes=LEVEL_NAMES, aliases=LEVEL_ALIASES),
    Field("doc_type", "文种", "coded", ("文种", "文稿类型", "doc_type", "doctype"), "doc_type",
          aliases={**{t: t for t in DOC_TYPES}, **DOC_TYPE_ALIASES}),
    Field("kind", "段落类型", "coded", ("类型", "段落类型", "kind"), "kind", codes=KIND_NAMES, aliases=KIND_ALIASES,
          scope="paragraph"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# The segment columns' per-paragraph codes: every field whose values are strings.
CODED_COLUMNS = tuple(f.column for f in FIELDS if f.kind in ("place", "coded"))
PLACE_FIELDS = tuple(f.name for f in FIELDS if f.kind == "place")
# The article's fields held as strings (places, coded values), and its year fields: records store them in this order.
ARTICLE_STRINGS = tuple(f for f in FIELDS if f.scope == "article" and f.kind in ("place", "coded"))
YEAR_FIELDS = tuple(f for f in FIELDS if f.kind == "year")
# The sidebar of the search page: every counted field not listed under another one.
SIDEBAR_FIELDS = tuple(f for f in FIELDS if f.counted and f.parent is None)
# The export's metadata columns keep the order spreadsheets have had since before the registry
# (文种 before 级别); a field added later follows them in the registry's order.
_EXPORT_FIRST = ("province", "city", "county", "year", "doc_type", "level", "kind")
EXPORT_FIELDS = tuple(sorted((f for f in FIELDS if f.kind != "theme"),
                             key=lambda f: _EXPORT_FIRST.index(f.name) if f.name in _EXPORT_FIRST else len(FIELDS)))
THEME_FIELDS = tuple(f for f in FIELDS if f.kind == "theme")


def region_text(record: object) -> str:
    """Return "省 市 县" of an article, hit or record (a dict or an object), or an empty string."""
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
    return " ".join(get(k) for k in PLACE_FIELDS if get(k))


def filter_help() -> str:
    """Return the field names and labels a filter may use, for help texts: province（省份）、…"""
    return "、".join(f"{f.name}（{f.label}）" for f in FIELDS)
