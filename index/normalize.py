"""Character normalisation for matching and display, and repair of PDF "fake bold" doubling.

Two views of the same text exist on purpose:

* ``display_clean`` makes the text that is stored and shown. It only undoes extraction
  damage (radical look-alikes, ideographic-space indentation, invisible characters) and
  keeps the document's own typography: full-width punctuation, full-width digits.
* ``fold`` is applied by the analyzers to the displayed text. It maps one character to one
  character, so every character offset found on the folded text is valid on the displayed
  text, which is what highlighting needs.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

_RADICALS_TSV = Path(__file__).with_name("data") / "radicals.tsv"

MIDDLE_DOTS = "\u00b7\u2022\u30fb\u2027\uff65\u2219\u22c5"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
# Invisible characters PDF and web extraction leave inside words; removed for display, turned
# into a space by fold (a space keeps the length and the char field ignores it).
_INVISIBLE = "\u200b\u2060\ufeff\u00ad"


def _load_radicals() -> dict[int, str]:
    table: dict[int, str] = {}
    with open(_RADICALS_TSV, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            radical, ideograph = line.split("\t")[:2]
            table[int(radical, 16)] = chr(int(ideograph, 16))
    return table


def _compatibility_ideographs() -> dict[int, str]:
    # CJK compatibility ideographs (豈 U+F900 ...) have a canonical one-character decomposition
    # to the unified ideograph; some PDFs and old encodings produce them.
    table: dict[int, str] = {}
    for cp in list(range(0xF900, 0xFB00)) + list(range(0x2F800, 0x2FA20)):
        ch = chr(cp)
        nfc = unicodedata.normalize("NFC", ch)
        if nfc != ch and len(nfc) == 1:
            table[cp] = nfc
    return table


def _build_tables() -> tuple[dict[int, str], dict[int, str | None]]:
    ideographs = _load_radicals()
    ideographs.update(_compatibility_ideographs())

    fold_table: dict[int, str] = dict(ideographs)
    for cp in range(0xFF01, 0xFF5F):
        fold_table[cp] = chr(cp - 0xFEE0).lower()
    for half, full in zip("\uff61\uff62\uff63\uff64", "\u3002\u300c\u300d\u3001"):
        fold_table[ord(half)] = full
    for cp in range(ord("A"), ord("Z") + 1):
        fold_table[cp] = chr(cp + 32)
    for ch in MIDDLE_DOTS:
        fold_table[ord(ch)] = "\u00b7"
    for ch in "\u3000" + _SPACES + _INVISIBLE:
        fold_table[ord(ch)] = " "

    display_table: dict[int, str | None] = dict(ideographs)
    for ch in _SPACES:
        display_table[ord(ch)] = " "
    for ch in _INVISIBLE:
        display_table[ord(ch)] = None
    return fold_table, display_table


_FOLD_TABLE, _DISPLAY_TABLE = _build_tables()
_OPENCC_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # deferred: only traditional-script documents need it

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    converter = _t2s()
    with _OPENCC_LOCK:
        converted = converter.convert(text)
        if len(converted) == len(text):
            return converted
        # A phrase rule changed the length somewhere: fall back to single characters and
        # keep only one-for-one results so offsets stay valid.
        out = []
        for ch in text:
            c = converter.convert(ch)
            out.append(c if len(c) == 1 else ch)
        return "".join(out)


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
TRADITIONAL_SAMPLE = 3000
TRADITIONAL_MIN_SHARE = 0.02  # simplified text has no characters OpenCC changes, or only a stray one


def is_traditional(text: str) -> bool:
    """Tell whether a text is written in Traditional characters (judged on its first characters)."""
    sample = text[:TRADITIONAL_SAMPLE]
    cjk = len(_CJK_CHAR.findall(sample))
    if cjk == 0:
        return False
    changed = sum(a != b for a, b in zip(sample, _to_simplified(sample)))
    return changed >= 3 and changed >= TRADITIONAL_MIN_SHARE * cjk


def to_simplified(text: str) -> str:
    """Return ``text`` with Traditional characters made Simplified, one character for one."""
    return _to_simplified(text)


def fold(text: str, traditional: bool = False) -> str:
    """Return the matching form of ``text``: same length, one character for one.

    Radicals become ideographs, full-width ASCII becomes ASCII, U+3000 and other spaces become
    ' ', the middle-dot family becomes '·', ASCII letters are lowercased; with
    ``traditional=True`` Traditional characters also become Simplified (OpenCC t2s).
    """
    folded = text.translate(_FOLD_TABLE)
    if traditional:
        folded = _to_simplified(folded)
    return folded


_IDEO_SPACE_RUN = re.compile("\u3000+")


def display_clean(text: str) -> str:
    """Return the text to store and show: extraction damage undone, typography kept.

    Radical look-alikes (⼯, ⻚) and compatibility ideographs become the ordinary ideographs;
    U+3000 indentation at the ends is removed and an inner run of U+3000 becomes one space;
    other odd spaces become ' ' and zero-width characters are dropped. Full-width punctuation
    (，。“”：) and full-width digits and letters are kept: they are the document's own
    typography, and converting them would make shown and copied text differ from the source.
    Matching needs none of that, because ``fold`` (same length) is applied to this text by the
    analyzers, so their character offsets point into exactly this string.
    """
    cleaned = text.translate(_DISPLAY_TABLE).strip(" \t\r\n\u3000")
    return _IDEO_SPACE_RUN.sub(" ", cleaned)


# ---------------------------------------------------------------------------------------------
# Fake bold
#
# Some PDF producers draw bold text twice; extractors then return every text run doubled:
# 凝聚凝聚““主力军主力军””力量力量 → 凝聚“主力军”力量. Chinese also doubles on purpose (常常,
# 研究研究, 高高兴兴, 一步一步), so the rule only repairs when the evidence is overwhelming:
#
# 1. From the start of the line, the text must split into "squares" XX (X without whitespace)
#    and whitespace runs. Take the longest such prefix, preferring fewer, longer squares.
# 2. Within that prefix at least one square must be implausible as real reduplication: X has
#    3+ characters with at least 2 distinct ones, or X contains clause punctuation or a quote
#    or bracket (““ ”” 、、) that Chinese never doubles.
# 3. The repaired prefix must have 4+ non-space characters, 3+ distinct characters, and at
#    least one CJK ideograph (pure numbers/Latin and separator lines such as ———— are left).
# 4. The prefix must be the whole line, or at least as long as the rest of the line (a bold
#    lead-in sentence followed by regular text on the same line).
# ---------------------------------------------------------------------------------------------

_NEVER_DOUBLED = set("“”‘’《》〈〉「」『』【】〔〕（）()[]，。、；：,;:\"'")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WHITESPACE = re.compile(r"\s")
_SCAN_LIMIT = 600  # fake bold is a heading/lead-in phenomenon; never scan long paragraphs whole
_MAX_RUN = 200


def _starts_with_square(s: str, i: int, n: int) -> bool:
    first = s[i]
    k = s.find(first, i + 1, min(n, i + _MAX_RUN + 1))
    while k != -1 and 2 * k - i <= n:
        if s.startswith(s[i:k], k):
            return True
        k = s.find(first, k + 1, min(n, i + _MAX_RUN + 1))
    return False


def _square_prefix(s: str, n: int) -> tuple[int, list[str]]:
    """Return the end of the longest square/whitespace prefix and its pieces (X or whitespace)."""
    best: list[tuple[int, int, int] | None] = [None] * (n + 1)  # (squares, previous end, len X)
    best[0] = (0, -1, 0)
    end = 0
    for i in range(n):
        state = best[i]
        if state is None:
            continue
        squares = state[0]
        if s[i].isspace():
            j = i + 1
            while j < n and s[j].isspace():
                j += 1
            if best[j] is None or best[j][0] > squares:
                best[j] = (squares, i, 0)
            end = max(end, j)
            continue
        first = s[i]
        stop = min(n, i + _MAX_RUN + 1)
        k = s.find(first, i + 1, stop)
        while k != -1 and 2 * k - i <= n:
            x = s[i:k]
            if s.startswith(x, k) and not _WHITESPACE.search(x):
                j = 2 * k - i
                if best[j] is None or best[j][0] > squares + 1:
                    best[j] = (squares + 1, i, k - i)
                end = max(end, j)
            k = s.find(first, k + 1, stop)
    pieces: list[str] = []
    j = end
    while j > 0:
        _, i, length = best[j]
        pieces.append(s[i : i + length] if length else s[i:j])
        j = i
    pieces.reverse()
    return end, pieces


def _is_strong(x: str) -> bool:
    if x.isspace():
        return False
    if len(x) >= 3 and len(set(x)) >= 2:
        return True
    return any(c in _NEVER_DOUBLED for c in x)


def undo_fake_bold(line: str) -> str:
    """Return ``line`` with PDF fake-bold doubled runs collapsed, or unchanged when not sure.

    See the rule above: only a line (or a leading part at least as long as the rest) made
    entirely of doubled runs, with at least one doubling that real Chinese reduplication
    cannot produce, is repaired.
    """
    body = line.lstrip()
    n = min(len(body), _SCAN_LIMIT)
    if n < 8 or not _starts_with_square(body, 0, n):
        return line
    end, pieces = _square_prefix(body, n)
    if not any(_is_strong(p) for p in pieces):
        return line
    repaired = "".join(pieces)
    visible = "".join(repaired.split())
    if len(visible) < 4 or len(set(visible)) < 3 or not _CJK.search(visible):
        return line
    rest = body[end:]
    if rest and end < len(rest):
        return line
    return line[: len(line) - len(body)] + repaired + rest


def lookup_key(term: str) -> str:
    """Return the key a term is looked up by in a word list: NFKC, case folded, no white space.

    Looser than ``fold`` (which keeps one character for one, for offsets): ＡＰＰ, App and
    "A P P" are one key, and so are ① and 1.
    """
    return "".join(unicodedata.normalize("NFKC", term).casefold().split())


def match_form(text: str) -> str:
    """Return the form literal matching compares: folded (also Traditional → Simplified), no white space."""
    return match_form_of_folded(fold(text or ""))


def match_form_of_folded(folded: str) -> str:
    """Return the match form of text already folded (``fold`` without ``traditional``)."""
    return "".join(_to_simplified(folded).split())
