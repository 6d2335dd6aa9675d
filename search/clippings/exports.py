"""A collection as Markdown or CSV, from the clippings' own copies of text and citation."""

from __future__ import annotations

from ..export import escape_markdown, to_csv
from ..export_docx import article_meta

NOTE_COLUMNS = (("备注", "note"), ("来源状态", "flag"))


def collection_markdown(collection: dict, flags: dict[int, str] | None = None) -> str:
    """Return a collection as Markdown: a heading per clipping, its text quoted, its note, then its citation."""
    flags = flags or {}
    lines = [f"# 素材夹：{escape_markdown(collection['name'])}", "", f"共 {len(collection['clippings'])} 条摘录。", ""]
    for n, clip in enumerate(collection["clippings"], start=1):
        lines += [f"## {n}. 《{escape_markdown(clip.get('title') or '')}》", ""]
        meta = article_meta(clip)
        if meta:
            lines += [escape_markdown(meta), ""]
        if clip["id"] in flags:
            lines += [f"**{escape_markdown(flags[clip['id']])}**", ""]
        lines += [f"> {escape_markdown(line)}".rstrip() for line in clip["text"].splitlines() or [""]]
        lines.append("")
        if clip.get("note"):
            lines += [f"备注：{escape_markdown(clip['note'])}", ""]
        lines += [escape_markdown(clip["citation"]), ""]
    return "\n".join(lines)


def collection_csv(collection: dict, flags: dict[int, str] | None = None) -> bytes:
    """Return a collection's clippings as CSV for Excel: the result columns plus note and source state."""
    flags = flags or {}
    rows = [{**clip, "id": clip["paragraph_id"], "flag": flags.get(clip["id"], "")} for clip in collection["clippings"]]
    return to_csv(rows, "", NOTE_COLUMNS)
