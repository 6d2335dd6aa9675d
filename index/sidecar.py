"""The old name of index/segment_columns.py, kept only for search/semantic.py's import of ``paragraph_ids``.

Delete it once search/semantic.py reads ids with ``segment.columns.paragraph_ids(docs)``.
"""

from .segment_columns import paragraph_ids

__all__ = ["paragraph_ids"]
