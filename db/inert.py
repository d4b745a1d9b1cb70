"""Text from documents must never act: never notify (@), tag (#) or link (URLs), never steer
a terminal (control characters) or reverse a line (bidi controls).

`sanitise` runs once where text enters (the parser); `inert` runs where document text meets a
post, an email or a page; `terminal_safe` where it meets a maintainer's terminal. Only the
bot's own links (the source PDF, its own pages) ever become links.
"""

from __future__ import annotations

import re
import unicodedata

# Categories removed at the boundary: controls (Cc) and format characters (Cf: bidi
# embeddings and overrides, zero-width spaces and joiners, the BOM, soft hyphens).
_REMOVED_CATEGORIES = {"Cc", "Cf"}


def sanitise(text: str) -> tuple[str, int]:
    """NFKC-normalised text (ligatures such as "ﬁ" become letters) without control and
    format characters; returns the text and how many characters were removed."""
    normalised = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in normalised if unicodedata.category(ch) not in _REMOVED_CATEGORIES
                   or ch in "\n\t")
    return kept, len(normalised) - len(kept)


# A link a platform would make: a scheme, "www.", or a dotted name ending in a letters-only
# label (X links bare domains such as "evil.com"). Dots inside abbreviations ("U.S.") have no
# letters-only label of two or more after a letter run of two or more, so they stay.
_URLISH = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|(?:[a-z0-9-]{2,}\.)+[a-z]{2,}(?:/\S*)?)")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")
_HASHTAG = re.compile(r"[#\uFF03](?=[^\W\d_])")


def looks_active(text: str) -> bool:
    """Would a platform turn part of this into a mention, a hashtag or a link?"""
    return bool(_URLISH.search(text) or _MENTION.search(text) or _HASHTAG.search(text))


def inert(text: str) -> str:
    """Document text made unable to notify, tag or link, visibly (the usual defanging):
    "https://evil.example/x" -> "https[:]//evil[.]example/x", "@user" -> "[at]user",
    "#tag" -> "# tag"."""
    text = _URLISH.sub(lambda m: m[0].replace("://", "[:]//").replace(".", "[.]"), text)
    text = _MENTION.sub("[at]", text)
    return _HASHTAG.sub(lambda m: m[0] + " ", text)


_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Control characters shown as escapes, so output cannot move the cursor or ring the bell."""
    return _TERMINAL_UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)
