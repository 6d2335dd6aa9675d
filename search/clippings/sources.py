"""Comparing clippings with the index: is each clipping's paragraph still there, with the same text?

Paragraph ids come from the file's content, so editing a file gives all its paragraphs new ids.
A clipping whose id is gone is looked for, by its exact text, in the articles of the same source
file: found, it follows the paragraph (MOVED); not found, its source has changed.
"""

from __future__ import annotations

from collections import defaultdict

from ..documents import article, list_articles, paragraph_context
from ..engine import SearchIndex
from ..errors import DocumentNotFound

CURRENT, MOVED, CHANGED, REMOVED = "current", "moved", "changed", "removed"
STATE_LABELS = {
    CHANGED: "来源已变更：原文件中的这一段已被修改或删除",
    REMOVED: "来源已变更：原文件已不在索引中",
}


def paragraph_record(index: SearchIndex, paragraph_id: str) -> dict:
    """Return a paragraph's record (what a clipping copies), or raise DocumentNotFound."""
    record = paragraph_context(index, paragraph_id, before=0, after=0)
    record.pop("before", None)
    record.pop("after", None)
    return record


def source_states(index: SearchIndex, clippings: list[dict]) -> dict[int, tuple[str, str | None]]:
    """Return, per clipping id, its state and the id its paragraph has now (None when it has none)."""
    states: dict[int, tuple[str, str | None]] = {}
    gone = []
    for clip in clippings:
        try:
            record = paragraph_record(index, clip["paragraph_id"])
        except DocumentNotFound:
            gone.append(clip)
            continue
        # Same id, other text: the same file read by a newer version of the cleaning rules.
        states[clip["id"]] = (CURRENT if record["text"] == clip["text"] else CHANGED, record["id"])
    if gone:
        by_source: dict[str, list[str]] = defaultdict(list)
        for record in list_articles(index):
            by_source[record.get("source") or ""].append(record["id"])
        texts: dict[str, dict[str, str]] = {}
        for clip in gone:
            articles = by_source.get(clip.get("source") or "", []) if clip.get("source") else []
            if not articles:
                states[clip["id"]] = (REMOVED, None)
                continue
            for article_id in articles:
                if article_id not in texts:
                    texts[article_id] = {p["text"]: p["id"] for p in reversed(article(index, article_id)["paragraphs"])}
            found = next((texts[a][clip["text"]] for a in articles if clip["text"] in texts[a]), None)
            states[clip["id"]] = (MOVED, found) if found else (CHANGED, None)
    return states

