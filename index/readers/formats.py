"""Which file suffixes the readers handle, and as which format."""

from __future__ import annotations

FORMAT_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
SUPPORTED_SUFFIXES = tuple(FORMAT_BY_SUFFIX)
# Formats whose files are text, so NUL bytes mean the file is not what its name says.
TEXT_FORMATS = ("text", "markdown", "html")
# Largest file read at all; the figure is shown to the user when a file is refused.
MAX_FILE_BYTES = 100 * 1024 * 1024

# Common formats a user may drop in, with what to do about them.
UNSUPPORTED_ADVICE = {
    ".doc": "不支持旧版 Word .doc 格式：请另存为 .docx",
    ".wps": "不支持 WPS 文档格式：请另存为 .docx",
    ".rtf": "不支持 RTF 格式：请另存为 .docx",
}


def format_of(name: str) -> str | None:
    """Return the format name for a file name by its suffix, or None when unsupported."""
    dot = name.rfind(".")
    return FORMAT_BY_SUFFIX.get(name[dot:].lower()) if dot > 0 else None
