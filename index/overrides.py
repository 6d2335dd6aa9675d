"""Metadata a user sets by hand: sidecar NAME.meta.toml files, a folder's metadata.csv, front matter."""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from pathlib import Path

from index.fields import FIELD_BY_NAME, LEVEL_ALIASES, YEAR_MAX, YEAR_MIN, Field
from index.model import DOC_TYPES, LEVELS, Article, IngestError
from index.readers.encoding import decode_bytes

# Every Article field a user may set: its metadata (index/fields.py) and the rest of its record.
FIELDS = tuple(f.name for f in dataclass_fields(Article) if f.name not in ("id", "source", "paragraphs", "overrides"))
CSV_NAME = "metadata.csv"
_FILE_COLUMNS = ("file", "filename")

# Users write levels in Chinese as often as the English codes the index stores.
_LEVEL_ALIASES = LEVEL_ALIASES
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
_RANGE = re.compile(r"^\s*(\d{4})\s*年?\s*(?:[-–—~～至到]|--)\s*(\d{4})\s*年?\s*$")
_MIN_YEAR, _MAX_YEAR = YEAR_MIN, YEAR_MAX


def _year(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} 不是年份")
    if isinstance(value, int):
        year = value
    else:
        match = _YEAR.match(str(value))
        if not match:
            raise ValueError(f"{value!r} 不是年份")
        year = int(match.group(1))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"{year} 不是合理的年份")
    return year


def _years_covered(value: object) -> list[int]:
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{value!r} 不是 [起, 止] 两个年份")
        first, last = _year(value[0]), _year(value[1])
    else:
        match = _RANGE.match(str(value))
        if match:
            first, last = _year(match.group(1)), _year(match.group(2))
        else:
            first = last = _year(value)
    if first > last:
        raise ValueError(f"{value!r} 起止年份颠倒")
    return [first, last]


def _level(value: object) -> str:
    text = str(value).strip()
    level = _LEVEL_ALIASES.get(text, text.lower())
    if level not in LEVELS:
        raise ValueError(f"{text!r} 不是可用的级别（{', '.join(LEVELS)}）")
    return level


def _doc_type(value: object) -> str:
    text = str(value).strip()
    if text not in DOC_TYPES:
        raise ValueError(f"{text!r} 不是可用的文稿类型（{'、'.join(DOC_TYPES)}）")
    return text


def _text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} 不是文字")
    return str(value).strip()


def _coded(field: Field) -> Callable[[object], str]:
    """Return the converter of a coded field: a code, a Chinese name or an alias, to its code."""
    def convert(value: object) -> str:
        text = str(value).strip()
        code = field.code_of(text)
        if code is None:
            raise ValueError(f"{text!r} 不是可用的{field.label}（{'、'.join(field.choices)}）")
        return code
    return convert


# level and doc_type keep the messages (and the strictness) they had before the registry.
_CONVERT = {"year": _year, "years_covered": _years_covered, "level": _level, "doc_type": _doc_type,
            **{f.key: _coded(f) for f in FIELD_BY_NAME.values()
               if f.kind == "coded" and f.scope == "article" and f.key not in ("level", "doc_type")}}


def convert_fields(raw: dict, strict: bool = True, origin: str = "") -> dict[str, object]:
    """Keep Article field names with non-empty values, typed; bad values raise unless not strict."""
    fields: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key).strip().lower()
        if name not in FIELDS or value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            fields[name] = _CONVERT.get(name, _text)(value)
        except ValueError as exc:
            if strict:
                raise IngestError(f"{origin}：字段 {name}：{exc}") from exc
    return fields


def overrides_from_front_matter(meta: dict) -> dict[str, object]:
    """Return the Article fields set in markdown front matter; values that do not fit are ignored."""
    # Front matter is often written for other tools, so a value of the wrong shape is not fatal.
    return convert_fields(meta, strict=False)


def _metadata_sidecars(path: Path) -> list[Path]:
    """Return existing sidecars, least specific first: NAME.meta.toml, then NAME.EXT.meta.toml."""
    candidates = [path.with_name(f"{path.stem}.meta.toml"), path.with_name(f"{path.name}.meta.toml")]
    return [c for c in dict.fromkeys(candidates) if c.is_file()]


def _load_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(f"{path.name}：TOML 格式错误（{exc}）") from exc
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path.name}：不是 UTF-8 文本（TOML 文件必须是 UTF-8）") from exc
    except OSError as exc:
        raise IngestError(f"{path.name}：无法读取（{exc.strerror or exc}）") from exc
    return convert_fields(data, origin=path.name)


def _file_key(name: str) -> str:
    # Windows matches names case-insensitively and macOS stores them decomposed (NFD).
    return unicodedata.normalize("NFC", Path(name.strip().replace("\\", "/")).name).casefold()


@lru_cache(maxsize=64)
def _csv_rows(path: str, mtime_ns: int, size: int) -> dict[str, list[dict[str, str]]]:
    """Return the rows of a metadata.csv keyed by file name (cached while the file is unchanged)."""
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise IngestError(f"{name}：无法读取（{exc.strerror or exc}）") from exc
    try:
        text = decode_bytes(data)  # Excel saves GBK, or UTF-8 with a BOM
    except IngestError as exc:
        raise IngestError(f"{name}：{exc}") from exc
    rows: dict[str, list[dict[str, str]]] = {}
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = {str(h).strip().lower(): h for h in reader.fieldnames or [] if h is not None}
        column = next((header[c] for c in _FILE_COLUMNS if c in header), None)
        if column is None:
            raise IngestError(f"{name}：第一行没有 file 或 filename 列")
        for row in reader:
            if None in row:
                raise IngestError(f"{name}：第 {reader.line_num} 行的单元格比表头多")
            key = _file_key(row.get(column) or "")
            if key:
                rows.setdefault(key, []).append({str(k): v for k, v in row.items() if k != column})
    except csv.Error as exc:
        raise IngestError(f"{name}：CSV 格式错误（{exc}）") from exc
    return rows


def _load_csv(path: Path) -> dict[str, object]:
    table = path.with_name(CSV_NAME)
    if not table.is_file():
        return {}
    info = table.stat()
    rows = _csv_rows(str(table), info.st_mtime_ns, info.st_size).get(_file_key(path.name), [])
    if len(rows) > 1:
        raise IngestError(f"{CSV_NAME}：{path.name} 出现在 {len(rows)} 行")
    return convert_fields(rows[0], origin=f"{CSV_NAME} ({path.name})") if rows else {}


def load_overrides(path: Path) -> dict[str, object]:
    """Return the Article fields set for a document by its folder's metadata.csv and its sidecars."""
    path = Path(path)
    fields = _load_csv(path)
    # More specific sources win: the folder table, then NAME.meta.toml, then NAME.EXT.meta.toml.
    for sidecar in _metadata_sidecars(path):
        fields.update(_load_toml(sidecar))
    return fields
