"""Turn the bytes of a text-like file into a string, whatever its Chinese encoding."""

from __future__ import annotations

import codecs
import re

import chardet

from index.model import IngestError

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# GB2312 and GBK are subsets of GB18030; pages declared as one often hold characters of the
# larger set. cp950 and big5hkscs extend Big5 with characters common on Taiwan/HK systems.
_ALIASES = {
    "gb2312": ["gb18030"],
    "gbk": ["gb18030"],
    "cp936": ["gb18030"],
    "x-gbk": ["gb18030"],
    "gb_2312-80": ["gb18030"],
    "euc-cn": ["gb18030"],
    "gb18030": ["gb18030"],
    "big5": ["cp950", "big5hkscs"],
    "big5-hkscs": ["big5hkscs"],
    "cp950": ["cp950", "big5hkscs"],
    "iso-8859-1": ["cp1252"],
    "latin-1": ["cp1252"],
    "ascii": ["utf-8"],
}

# Detection only chooses among the encodings Chinese documents come in (plus Western
# Windows text): left free, chardet names Japanese, Cyrillic or EBCDIC code pages for short
# or damaged Chinese text and the "decoded" result is garbage.
_CANDIDATES = [
    "utf-8", "gb18030", "gb2312", "gbk", "big5", "cp950", "big5hkscs", "hz-gb-2312",
    "windows-1252", "iso-8859-1", "ascii",
]
# Western text has its accented letters one at a time; long runs of high bytes are
# double-byte text that no candidate could decode.
_HIGH_RUN = re.compile(rb"[\x80-\xff]{4,}")
_MARKUP = re.compile(rb"<[!?/a-zA-Z][^<>]{0,2000}>")

# Servers often declare a Western single-byte charset by default; any byte string decodes in
# those, so such a declaration is only believed when detection does not see Chinese.
_SINGLE_BYTE = re.compile(r"^(iso-?8859|latin|l1$|cp125|windows-125|cp437|us-ascii)")

# Control bytes that never occur in text (TAB, LF, VT, FF, CR, DOS end-of-file SUB and ESC
# excluded).
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f]")
_SNIFF = 8192
_C1 = re.compile("[\x80-\x9f]")
# UTF-8 with at most one invalid byte run per this many valid non-ASCII characters is damaged
# UTF-8, not another encoding.
_DAMAGE_RATIO = 50


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """Return the bytes after a byte-order mark and the codec that mark names, if any."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], codec
    return data, None


def looks_binary(data: bytes) -> bool:
    """Tell whether bytes without a BOM look like a binary file rather than text."""
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > max(8, len(head) // 100)


def codecs_for(label: str) -> list[str]:
    """Return the Python codecs to try for a declared or detected charset label."""
    key = label.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return [codecs.lookup(key).name]
    except LookupError:
        return []


def _strict(data: bytes, label: str) -> str | None:
    for codec in codecs_for(label):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _detect(data: bytes) -> dict:
    # chardet believes a page's own <meta charset>, which is exactly what may be wrong; the
    # markup is ASCII anyway, so detection looks at the text between tags only.
    sample = _MARKUP.sub(b" ", data)
    return chardet.detect(sample, include_encodings=_CANDIDATES)


def _plausible(label: str, body: bytes) -> bool:
    return not (_SINGLE_BYTE.match(label.strip().lower()) and _HIGH_RUN.search(body))


def _damaged_utf8(body: bytes) -> str | None:
    """Return UTF-8 text with a few invalid bytes (a cut-off last character, a stray byte) as U+FFFD."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode("utf-8"))
    wide = len(text) - len(text.encode("ascii", "ignore")) - bad
    # Western code pages and GBK fail on nearly every non-ASCII character, damage on very few.
    return text if wide >= _DAMAGE_RATIO * bad else None


def _mixed_lines(body: bytes) -> str | None:
    """Return text whose lines are partly UTF-8 and partly one Chinese legacy encoding, each decoded."""
    lines = body.splitlines(keepends=True)
    decoded = [_strict(line, "utf-8") for line in lines]
    foreign = [i for i, text in enumerate(decoded) if text is None]
    if not foreign or all(text is None or text.isascii() for text in decoded):
        return None
    label = _detect(b"".join(lines[i] for i in foreign)).get("encoding") or ""
    if not label or _SINGLE_BYTE.match(label.lower()):
        return None
    for i in foreign:
        decoded[i] = _strict(lines[i], label)
        if decoded[i] is None:
            return None
    return "".join(decoded)


def decode_bytes(data: bytes, hint: str | None = None) -> str:
    """Decode text bytes: BOM, strict UTF-8, a declared charset if it decodes, then detection."""
    body, bom_codec = strip_bom(data)
    if bom_codec:
        try:
            return body.decode(bom_codec)
        except UnicodeDecodeError as exc:
            raise IngestError(f"文本带 {bom_codec.upper()} 字节顺序标记（BOM），却含有无效字节") from exc
    if looks_binary(body):
        raise IngestError("二进制文件")
    # UTF-8 first: strict GB18030 also "decodes" most UTF-8 Chinese bytes, into garbage.
    text = _strict(body, "utf-8")
    if text is None:
        text = _damaged_utf8(body)
    if text is not None:
        return text
    if hint and _plausible(hint, body):
        text = _strict(body, hint)
        if text is not None:
            return text
    label = _detect(body).get("encoding")
    if not label:
        problem = "无法识别文本编码"
    elif not _plausible(label, body):
        problem = "无法识别文本编码（文本损坏，或是不支持的多字节编码）"
    else:
        text = _strict(body, label)
        # C1 controls never occur in real text: a guessed single-byte code page is wrong.
        if text is not None and not _C1.search(text):
            return text
        problem = ("无法识别文本编码" if text is not None
                   else f"文本看似 {label} 编码，却含有该编码中无效的字节")
    # Last resort, for files pasted together from two sources: decode line by line.
    text = _mixed_lines(body)
    if text is None:
        raise IngestError(problem)
    return text


def split_lines(text: str) -> list[str]:
    """Split text into physical lines on CRLF, CR, LF and form feed, without a final empty line."""
    lines = re.split(r"\r\n|\r|\n|\f", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
