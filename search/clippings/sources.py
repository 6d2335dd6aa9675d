"""Comparing clippings with the index: is each clipping's paragraph still there, with the same text?"""

from __future__ import annotations

from ..documents import paragraph_context
from ..engine import SearchIndex
from ..errors import DocumentNotFound

CURRENT, CHANGED, REMOVED = "current", "changed", "removed"
STATE_LABELS = {CHANGED: "来源已变更", REMOVED: "来源已变更（原段落已不在索引中）"}


def paragraph_record(index: SearchIndex, paragraph_id: str) -> dict:
    """Return a paragraph's record (what a clipping copies), or raise DocumentNotFound."""
    record = paragraph_context(index, paragraph_id, before=0, after=0)
    record.pop("before", None)
    record.pop("after", None)
    return record


def source_state(index: SearchIndex, clipping: dict) -> str:
    """Return CURRENT, CHANGED (the paragraph's text differs now) or REMOVED (its id is gone)."""
    try:
        record = paragraph_record(index, clipping["paragraph_id"])
    except DocumentNotFound:
        return REMOVED
    return CURRENT if record.get("text") == clipping["text"] else CHANGED
