"""Text folding shared by the parser and the place matching (no heavy imports: the parser uses it)."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Upper-case ASCII with punctuation turned to spaces: for matching, never for display."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", ascii_text).upper().split())
