"""Export a result set: citation lines, CSV for spreadsheets and Markdown for writers."""

from __future__ import annotations

import csv
import io
import re
import string
from dataclasses import replace

from index.fields import EXPORT_FIELDS, THEME_FIELDS, region_text

from .engine import SearchIndex, SearchRequest
from .query_fields import value_label

EXPORT_PAGE = 100  # the engine's largest page
CITATION_FIELDS = ("title", "organization", "year", "source")
# The metadata columns are the registry's fields (index/fields.py), themes after the section.
CSV_COLUMNS = (
    ("序号", "n"), ("段落ID", "id"), ("文章ID", "article_id"), ("文章标题", "title"),
    ("单位", "organization"), *((f.label, f.key) for f in EXPORT_FIELDS),
    ("小节", "section"), *((f.label, f.key) for f in THEME_FIELDS), ("正文", "text"), ("引用", "citation"),
    ("来源文件", "source"),
)
_NAMED = tuple(f for f in EXPORT_FIELDS if f.codes)  # coded fields whose codes read as Chinese names
# A result list also says what each partial hit of soft matching lacks (search/soft.py).
RESULT_COLUMNS = (("缺少", "missing"),)
UTF8_BOM = "\ufeff"

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# An empty field leaves its separator behind: "《标题》，，2021" reads better as "《标题》，2021".
_DOUBLED_SEPARATORS = re.compile(r"([，,、；;])(?:\s*[，,、；;])+")
_EDGE_SEPARATORS = re.compile(r"^[\s，,、；;]+|[\s，,、；;]+$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def organization_of(record: dict) -> str:
    """Return the issuing organisation of a hit, falling back to its unit."""
    return record.get("organization") or record.get("unit") or ""


def check_citation_format(fmt: str) -> None:
    """Raise ValueError when a citation format names unknown fields or has unbalanced braces."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
    except ValueError as exc:
        raise ValueError(f"citation format {fmt!r}: {exc}") from None
    unknown = [n for n in names if n not in CITATION_FIELDS]
    if unknown:
        raise ValueError(f"citation format {fmt!r} names unknown field(s) {', '.join(unknown)}; "
                         f"use {', '.join('{' + f + '}' for f in CITATION_FIELDS)}")


def citation(record: dict, fmt: str) -> str:
    """Return the citation line of a hit or paragraph in ``fmt`` (fields: title, organization, year, source)."""
    values = {
        "title": record.get("title") or "",
        "organization": organization_of(record),
        "year": str(record["year"]) if record.get("year") else "",
        "source": record.get("source") or "",
    }
    line = fmt.format_map(values)
    line = _DOUBLED_SEPARATORS.sub(r"\1", line)
    return _EDGE_SEPARATORS.sub("", line)


def missing_note(hit: dict) -> str:
    """Return "缺少：…" for a hit that lacks some of the query's terms, else ""."""
    missing = hit.get("missing") or []
    return f"缺少：{'、'.join(missing)}" if missing else ""


def with_citation(record: dict, fmt: str) -> str:
    """Return a paragraph's text followed by its citation line, as one copy puts it on the clipboard."""
    return f"{record.get('text', '')}\n{citation(record, fmt)}"


def export_hits(index: SearchIndex, request: SearchRequest, limit: int) -> dict:
    """Return the first page's result with ``hits`` replaced by up to ``limit`` hits over all pages."""
    size = min(EXPORT_PAGE, index.max_per_page)
    first = index.search(replace(request, page=1, per_page=size))
    hits = list(first["hits"])
    wanted = min(first["total"], max(0, limit))
    page = 2
    while len(hits) < wanted:
        more = index.search(replace(request, page=page, per_page=size))["hits"]
        if not more:
            break
        hits.extend(more)
        page += 1
    return {**first, "hits": hits[:wanted], "page": 1, "per_page": wanted, "limit": limit}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "；".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(hits: list[dict], citation_format: str, extra_columns: tuple[tuple[str, str], ...] = ()) -> bytes:
    """Return the hits as CSV bytes in UTF-8 with a BOM, so that Excel reads the Chinese correctly.

    A record that carries its own ``citation`` (a clipping's copy) keeps it; codes (level, kind) read in Chinese.
    """
    columns = CSV_COLUMNS + tuple(extra_columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(label for label, _ in columns)
    for n, hit in enumerate(hits, start=1):
        row = {**hit, "n": n, "organization": organization_of(hit),
               "citation": hit.get("citation") or citation(hit, citation_format),
               **{f.key: value_label(f.name, hit[f.key]) if hit.get(f.key) else None for f in _NAMED}}
        writer.writerow(_cell(row.get(key)) for _, key in columns)
    return (UTF8_BOM + out.getvalue()).encode("utf-8")


def escape_markdown(text: str) -> str:
    """Return ``text`` with Markdown's inline markup characters backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(result: dict, citation_format: str, described_filters: str = "") -> str:
    """Return the hits of an exported result as Markdown: a heading per hit, its text quoted, then its citation."""
    query = result.get("query") or ""
    lines = [f"# 检索结果：{escape_markdown(query) if query else '（全部段落）'}", ""]
    summary = f"共 {result['total']} 段，导出 {len(result['hits'])} 段"
    if result["total"] > len(result["hits"]):
        summary += f"（导出上限 {result.get('limit', len(result['hits']))} 段）"
    lines.append(summary + "。")
    if described_filters:
        lines.append(f"筛选：{escape_markdown(described_filters)}。")
    lines.append("")
    for n, hit in enumerate(result["hits"], start=1):
        meta = [m for m in (organization_of(hit), region_text(hit), str(hit.get("year") or ""), hit.get("section") or "") if m]
        lines.append(f"## {n}. 《{escape_markdown(hit.get('title') or '')}》")
        lines.append("")
        if meta:
            lines.append(escape_markdown(" · ".join(meta)))
            lines.append("")
        if missing_note(hit):
            lines.append(escape_markdown(missing_note(hit)))
            lines.append("")
        for paragraph_line in (hit.get("text") or "").splitlines() or [""]:
            lines.append(f"> {escape_markdown(paragraph_line)}".rstrip())
        lines.append("")
        lines.append(escape_markdown(citation(hit, citation_format)))
        lines.append("")
    return "\n".join(lines)
