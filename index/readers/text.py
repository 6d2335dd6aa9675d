"""Read plain-text files: one wrapped block per physical line."""

from __future__ import annotations

from index.model import Block
from index.readers.encoding import decode_bytes, split_lines


def read_text(data: bytes) -> tuple[list[Block], dict]:
    """Return one wrapped block per physical line (blank lines kept) and no metadata."""
    text = decode_bytes(data)
    return [Block(line, wrapped=True) for line in split_lines(text)], {}
