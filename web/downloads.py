"""Download headers: a file name made from a query or collection name and today's date."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

MAX_NAME = 60  # characters of the name part; Windows paths are short
# Characters Windows or a shell cannot take in a file name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')


def file_name(label: str, extension: str, day: date | None = None) -> str:
    """Return "label-YYYYMMDD.ext" with the characters a file name cannot hold replaced by "_"."""
    day = day or date.today()
    name = _UNSAFE.sub("_", label).strip("._ ")[:MAX_NAME] or "unionsearch"
    return f"{name}-{day:%Y%m%d}.{extension}"


def attachment(label: str, extension: str, day: date | None = None) -> dict[str, str]:
    """Return the Content-Disposition header of a download named after ``label`` and the date."""
    day = day or date.today()
    # An ASCII name plus the RFC 5987 form, so every browser saves it with a sensible name.
    return {"Content-Disposition": f"attachment; filename=unionsearch-{day:%Y%m%d}.{extension}; "
                                   f"filename*=UTF-8''{quote(file_name(label, extension, day), safe='')}"}
