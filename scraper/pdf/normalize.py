"""Normalise the values a report prints: states, dates, counties, offence lists, numbers."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Protocol

from ddor_watch.db.states import STATE_NAMES as STATE_NAMES  # one table of states for every room
from ddor_watch.db.text import fold as fold  # one folding rule for parsing and for matching places

_STATES = STATE_NAMES

# AP-style and other abbreviations seen in government tables.
_ABBREVIATIONS = {
    "ALA": "AL", "ARIZ": "AZ", "ARK": "AR", "CALIF": "CA", "CAL": "CA", "COLO": "CO", "CONN": "CT",
    "DEL": "DE", "FLA": "FL", "GA": "GA", "ILL": "IL", "IND": "IN", "KAN": "KS", "KANS": "KS",
    "KY": "KY", "LA": "LA", "MD": "MD", "MASS": "MA", "MICH": "MI", "MINN": "MN", "MISS": "MS",
    "MO": "MO", "MONT": "MT", "NEB": "NE", "NEBR": "NE", "NEV": "NV", "NH": "NH", "NJ": "NJ",
    "NM": "NM", "NY": "NY", "NC": "NC", "ND": "ND", "OKLA": "OK", "ORE": "OR", "OREG": "OR",
    "PA": "PA", "PENN": "PA", "RI": "RI", "SC": "SC", "SD": "SD", "TENN": "TN", "TEX": "TX",
    "VT": "VT", "VA": "VA", "WASH": "WA", "WVA": "WV", "WIS": "WI", "WISC": "WI", "WYO": "WY",
    "DIST OF COLUMBIA": "DC", "WASHINGTON DC": "DC", "WASHINGTON D C": "DC",
}


_BY_NAME = {fold(name): code for code, name in _STATES.items()}


def state_code(text: str | None) -> str | None:
    """USPS code for a state written as a code, a name or an abbreviation; None if unknown."""
    if not text:
        return None
    key = fold(text)
    if key.replace(" ", "") in _STATES and len(key.replace(" ", "")) == 2:
        return key.replace(" ", "")
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key.startswith("STATE OF "):
        return _BY_NAME.get(key[9:])
    return _ABBREVIATIONS.get(key) or _ABBREVIATIONS.get(key.replace(" ", ""))


_MONTHS = {
    "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8,
    "SEP": 9, "SEPT": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}
MONTH_PATTERN = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
                 r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORD_DATE = re.compile(rf"^({MONTH_PATTERN})\s*(\d{{1,2}}),?\s*(\d{{4}})$", re.IGNORECASE)
_DAY_FIRST_WORD_DATE = re.compile(rf"^(\d{{1,2}})\s+({MONTH_PATTERN}),?\s*(\d{{4}})$", re.IGNORECASE)


def month_number(text: str) -> int:
    return _MONTHS[text.rstrip(".").upper()[:3]]


def parse_date(text: str | None) -> dt.date | None:
    """2/1/2017, 02/01/2017, 2017-02-01, Feb. 1, 2017 and 1 Feb 2017; None if blank.

    Raises ValueError for text that is present but not a date, so callers can warn.
    """
    if text is None or not text.strip():
        return None
    value = " ".join(text.split())
    if m := _NUMERIC_DATE.match(value):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
        return dt.date(year, month, day)
    if m := _ISO_DATE.match(value):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _WORD_DATE.match(value):
        return dt.date(int(m[3]), month_number(m[1]), int(m[2]))
    if m := _DAY_FIRST_WORD_DATE.match(value):
        return dt.date(int(m[3]), month_number(m[2]), int(m[1]))
    raise ValueError(f"not a date: {value!r}")


def looks_like_date(text: str) -> bool:
    try:
        return parse_date(text) is not None
    except ValueError:
        return False


# A count as printed: plain digits, or thousands grouped by commas or (thin, no-break) spaces.
# "115 103 84" is three counts run together (one cell read across rows), never 11,510,384.
_COUNT = re.compile(r"\d+|\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+")


def parse_int(text: str | None) -> int | None:
    if text is None:
        return None
    value = text.strip()
    if not _COUNT.fullmatch(value):
        return None
    return int(re.sub(r"\D", "", value))


def clean(text: str | None) -> str | None:
    """Whitespace folded; None for blank cells and the dashes some tables print for blank."""
    if text is None:
        return None
    value = " ".join(text.split())
    return value if value and value not in {"-", "--", "\u2013", "\u2014", "N/A"} else None


class _CountyLookup(Protocol):
    def get_county_fips(self, county: str, state: str) -> str | None: ...


@lru_cache(maxsize=1)
def _addfips() -> _CountyLookup:
    import addfips  # untyped; loads its tables on first use, so only when a county is resolved

    lookup: _CountyLookup = addfips.AddFIPS()
    return lookup


# Names addfips misses or gets wrong (ECOSYSTEM.md §9): (state, folded name) -> FIPS.
_FIPS_OVERRIDES = {
    ("GA", "DE KALB"): "13089", ("GA", "DE KALB COUNTY"): "13089",
    ("FL", "DADE"): "12086", ("FL", "DADE COUNTY"): "12086",
    ("VA", "RICHMOND COUNTY"): "51159",
}


@lru_cache(maxsize=4096)
def county_fips(name: str | None, state: str | None) -> str | None:
    """5-digit county FIPS for a county name in a state, or None when it does not resolve."""
    if not name or not state:
        return None
    folded = fold(name)
    if (state, folded) in _FIPS_OVERRIDES:
        return _FIPS_OVERRIDES[(state, folded)]
    # A bare "Richmond" in Virginia is the independent city (51760); addfips agrees.
    try:
        return _addfips().get_county_fips(name, state=state)
    except (KeyError, ValueError):
        return None
