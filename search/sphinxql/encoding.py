"""The text Sphinx indexes: each character of the match form becomes whole tokens, one for one.

With ``ngram_len = 1`` every character of ``ngram_chars`` is a token and a quoted phrase must
match consecutive tokens. Characters outside the charset would be separators, so a phrase would
match across them ("来全" across "来，全"). Here no character is left outside: ASCII maps to
private-use characters (U+E021..U+E07E), characters Sphinx can index stay as they are, and any
other character (controls, the private-use block we borrow, planes above U+2FA1F) is spelled
out as an escape: start token, its hex digits as tokens, end token. The escape tokens are used
nowhere else, so a phrase of tokens matches exactly where the characters match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.normalize import match_form

ASCII_BASE = 0xE000  # U+0021..U+007E → U+E021..U+E07E
BORROWED = range(0xE000, 0xE100)  # private-use characters this encoding gives meaning to
SENTINEL = "\ue001"  # one token every paragraph starts with: lets a query with only exclusions match
ESCAPE_START, ESCAPE_END = "\ue0fe", "\ue0ff"
HEX_DIGITS = [chr(0xE0E0 + i) for i in range(16)]
INDEXABLE = (0xA1, 0x2FA1F)  # ngram_chars of the shard indexes
NGRAM_CHARS = "U+A1..U+2FA1F"
CHARSET_TABLE = "0..9, A..Z->a..z, a..z"  # only for the query syntax: the encoded text has no ASCII
_NEEDS_MAPPING = re.compile("[^\u00a1-\ud7ff\ue100-\U0002fa1f]")


@lru_cache(maxsize=4096)
def _escape(char: str) -> str:
    return ESCAPE_START + "".join(HEX_DIGITS[int(d, 16)] for d in f"{ord(char):x}") + ESCAPE_END


def _token(char: str) -> str:
    code = ord(char)
    if 0x21 <= code <= 0x7E:
        return chr(ASCII_BASE + code)
    if INDEXABLE[0] <= code <= INDEXABLE[1] and code not in BORROWED and not 0xD800 <= code <= 0xDFFF:
        return char
    return _escape(char)


def encode_form(form: str) -> str:
    """Return the token text of a match form (folded, no white space)."""
    if not _NEEDS_MAPPING.search(form):
        return form  # the common case: every character is a token as it is
    return "".join(_token(char) for char in form)


def body_of(text: str) -> str:
    """Return what a paragraph's full-text field holds: the sentinel, then its encoded match form."""
    return SENTINEL + encode_form(match_form(text))


def phrase(literal: str) -> str | None:
    """Return the SphinxQL phrase that matches exactly the paragraphs containing ``literal`` (None if empty)."""
    form = match_form(literal)
    if not form:
        return None
    # The encoded form has no ASCII, so nothing in it is query syntax and no escaping is needed.
    return '"' + encode_form(form) + '"'
