"""Read and check request parameters; a bad one raises QueryError saying which and why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from search.engine import SORTS, SearchRequest
from search.errors import QueryError
from search.limits import MAX_PAGE
from search.facets import FACETS

FILTER_NAMES = tuple(f.name for f in FACETS)
VIEWS = ("results", "kwic")
KWIC_SORTS = ("right", "left")
DEFAULT_PER_PAGE = 10
DEFAULT_KWIC_CONTEXT = 30
MAX_KWIC_CONTEXT = 80
MAX_FILTER_VALUES = 100
_INTEGER = re.compile(r"-?[0-9]+")
_MAX_DIGITS = 20
SORT_LABELS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
# Parameters that belong to the search state and are carried in every link of the page.
STATE_KEYS = ("q", *FILTER_NAMES, "sort", "per_page", "synonyms", "view", "kwic_sort", "context", "page",
              "soft", "group", "related", "semantic")


def int_param(args: Mapping, name: str, default: int, low: int, high: int) -> int:
    """Return an integer parameter in [low, high], or raise QueryError naming the parameter."""
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    text = str(raw).strip()
    if not _INTEGER.fullmatch(text):
        raise QueryError(f"参数 {name} 必须是整数，收到“{_short(text)}”", hint=f"{name} 取 {low} 到 {high} 之间的整数")
    # int() refuses over 4,300 digits (a 500); a number that long is out of range anyway.
    value = int(text) if len(text) <= _MAX_DIGITS else None
    if value is None or not low <= value <= high:
        shown = value if value is not None else _short(text)
        raise QueryError(f"参数 {name} 必须在 {low} 到 {high} 之间，收到 {shown}", hint=f"例如 {name}={default}")
    return value


def choice_param(args: Mapping, name: str, choices: tuple[str, ...], default: str) -> str:
    """Return a parameter that must be one of ``choices``, or raise QueryError listing them."""
    value = (args.get(name) or "").strip() or default
    if value not in choices:
        raise QueryError(f"参数 {name} 的取值“{_short(value)}”无法识别", hint=f"可用：{', '.join(choices)}")
    return value


def query_param(args: Mapping, max_length: int) -> str:
    """Return the query text, or raise QueryError when it is longer than ``max_length``."""
    q = args.get("q") or ""
    if len(q) > max_length:
        raise QueryError(f"检索式过长：{len(q)} 个字符，最多 {max_length} 个", hint="请缩短检索式，或拆成几次检索")
    return q.strip()


def filter_params(args: MultiDict) -> dict[str, list[str]]:
    """Return the facet filters of the request: each repeatable parameter's non-empty values."""
    filters: dict[str, list[str]] = {}
    for name in FILTER_NAMES:
        values = [v.strip() for v in args.getlist(name) if v and v.strip()]
        if values:
            filters[name] = list(dict.fromkeys(values))
    count = sum(map(len, filters.values()))
    if count > MAX_FILTER_VALUES:
        # Every value becomes a chip and a link carrying all the others: thousands would take minutes.
        raise QueryError(f"筛选条件过多：{count} 个，最多 {MAX_FILTER_VALUES} 个", hint="请减少勾选的筛选项")
    return filters


def search_request(args: MultiDict, config: Mapping) -> SearchRequest:
    """Return the SearchRequest that the query string describes."""
    return SearchRequest(
        q=query_param(args, int(config["MAX_QUERY_LENGTH"])),
        filters=filter_params(args),
        sort=choice_param(args, "sort", SORTS, "relevance"),
        page=int_param(args, "page", 1, 1, MAX_PAGE),
        per_page=int_param(args, "per_page", DEFAULT_PER_PAGE, 1, int(config["MAX_PER_PAGE"])),
        synonyms=synonyms_param(args, bool(config["SYNONYMS"])),
        soft=flag_param(args, "soft", True, "soft=0 只要包含全部检索词的段落，soft=1 也列出部分匹配"),
        group=flag_param(args, "group", False, "group=1 每篇文章只列最相关的一段，group=0 逐段列出"),
        related=flag_param(args, "related", False, "related=1 用相关词辅助排序，related=0 不用"),
        semantic=flag_param(args, "semantic", bool(config["SEMANTIC"]), "semantic=1 按意思补充结果，semantic=0 只按字词"),
    )


def flag_param(args: Mapping, name: str, default: bool, hint: str) -> bool:
    """Return an on/off parameter: 1/true/on/yes or 0/false/off/no, ``default`` when absent."""
    raw = (args.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("0", "false", "off", "no"):
        return False
    if raw in ("1", "true", "on", "yes"):
        return True
    raise QueryError(f"参数 {name} 的取值“{_short(raw)}”无法识别", hint=hint)


def synonyms_param(args: Mapping, default: bool) -> bool:
    """Return whether to expand synonyms: ``synonyms=0`` turns it off, ``synonyms=1`` on."""
    return flag_param(args, "synonyms", default, "synonyms=0 关闭同义词扩展，synonyms=1 打开")


@dataclass(frozen=True)
class KwicRequest:
    """What the concordance view shows: whose phrase, sorted by which side, with how much context."""

    sort: str
    context: int


def kwic_request(args: Mapping, sort_name: str = "kwic_sort") -> KwicRequest:
    """Return the concordance options of the request (``sort_name`` is "sort" on the API)."""
    return KwicRequest(
        sort=choice_param(args, sort_name, KWIC_SORTS, "right"),
        context=int_param(args, "context", DEFAULT_KWIC_CONTEXT, 1, MAX_KWIC_CONTEXT),
    )


def state_url(path: str, args: MultiDict, drop: tuple[str, ...] = ("page",), remove: tuple[str, str] | None = None,
              **changes: object) -> str:
    """Return ``path`` with the current state's parameters, changed: the way every link keeps the search."""
    pairs: list[tuple[str, str]] = []
    for key in STATE_KEYS:
        if key in drop or key in changes:
            continue
        for value in args.getlist(key):
            if value == "" or (remove is not None and (key, value) == remove):
                continue
            pairs.append((key, value))
    for key, value in changes.items():
        if value is not None and value != "":
            pairs.append((key, str(value)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
