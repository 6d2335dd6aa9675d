"""Tell an article's document type from the cue table in ``index/data/doctypes.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from index.model import DOC_TYPES

CUE_FILE = Path(__file__).resolve().parent.parent / "data" / "doctypes.toml"
OTHER = "其他"
_HEAD_PARAGRAPHS = 3


@lru_cache(maxsize=1)
def load_cues() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Read the cue table once: group → ordered (type, cues) rules."""
    with CUE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    table = {}
    for group in ("title", "byline", "body"):
        rules = []
        for rule in data.get(group, []):
            if rule["type"] not in DOC_TYPES:
                raise ValueError(f"{CUE_FILE.name}: unknown document type {rule['type']!r}")
            rules.append((rule["type"], tuple(rule["cues"])))
        table[group] = rules
    return table


def _first_match(group: str, text: str) -> str | None:
    """Return the type of the first rule in ``group`` with a cue in ``text``."""
    for doc_type, cues in load_cues()[group]:
        if any(cue in text for cue in cues):
            return doc_type
    return None


def classify_doc_type(title: str, byline: str | None = None, body: list[str] | None = None,
                      collection_title: str | None = None) -> str:
    """Return one of index.model.DOC_TYPES for an article (see doctypes.toml for the order)."""
    found = _first_match("title", title or "")
    if found is None and byline:
        found = _first_match("byline", byline)
    if found is None and body:
        found = _first_match("body", "\n".join(body[:_HEAD_PARAGRAPHS]))
    if found is None and collection_title:
        kinds = {t for t, cues in load_cues()["title"] if any(c in collection_title for c in cues)}
        found = kinds.pop() if len(kinds) == 1 else None
    return found or OTHER
