"""Text folding and place keys, shared by the parser, storage and the diff (no heavy imports)."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Upper-case ASCII with punctuation turned to spaces: for matching, never for display."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", ascii_text).upper().split())


def jurisdiction_key(state: str | None, name: str | None, fips: str | None) -> str:
    """How one place is recognised across reports: FIPS, else state + folded name.

    "CLARK COUNTY", "Clark County" and "Clark" in NV are one place; Franklin County in IA,
    NY and PA never merge because the state (or the FIPS) differs.
    """
    if fips:
        return fips
    folded = re.sub(r"\s*\b(COUNTY|PARISH|BOROUGH|CENSUS AREA|MUNICIPIO|CO)$", "", fold(name or "")).strip()
    return f"{state or '??'}:{folded}"
