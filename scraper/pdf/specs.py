"""The three tables of a DDOR, described by the header words ICE has used (and synonyms)."""

import re

from ddor_watch.scraper.pdf.header import ColumnSpec, TableSpec
from ddor_watch.scraper.pdf.normalize import looks_like_date, parse_int, state_code


def _is_count(text: str) -> bool:
    return parse_int(text) is not None


def _is_state(text: str) -> bool:
    return state_code(text) is not None


_GROUP_LABEL = re.compile(r"^(?:state\s*:\s*)?(?P<name>[^()\d:]+?)\s*(?:\(\s*[\d,]+\s*\)|:)?$", re.IGNORECASE)


def _state_heading(text: str) -> str | None:
    """A state group heading's state: "TEXAS", "State: Texas", "Texas (12)"."""
    m = _GROUP_LABEL.match(text.strip())
    return state_code(m["name"]) if m else None


# Keyword patterns (on folded upper-case header text) catch wordings the synonyms miss, such
# as "Date of Declination" or "Offense Categories"; an ambiguous header matches nothing.

TOP_TEN = TableSpec(
    name="Section I (top ten)",
    columns=(
        ColumnSpec("rank", ("Rank", "No.", "#"), pattern=r"^RANK"),
        ColumnSpec("jurisdiction", ("Jurisdiction", "County", "Jurisdiction (County)", "County Name",
                                    "Non-Cooperative Jurisdiction"), required=True, pattern=r"JURISDICTION|COUNTY"),
        ColumnSpec("state", ("State",), required=True, pattern=r"^STATE\b"),
        ColumnSpec("issued", ("Detainers Issued", "Number of Detainers Issued", "Detainers",
                              "Total Detainers Issued", "Number of Detainers", "Issued"), required=True,
                   pattern=r"DETAINERS|ISSUED|COUNT|TOTAL"),
    ),
    anchors=("issued",),
    keys=("jurisdiction", "state", "issued"),
    complete_checks=(("issued", _is_count),),
)

DECLINED = TableSpec(
    name="Section II (declined detainers)",
    columns=(
        ColumnSpec("state", ("State",), required=True, pattern=r"^STATE\b"),
        ColumnSpec("county", ("County", "Jurisdiction", "County/Jurisdiction", "County Name"), required=True,
                   pattern=r"COUNTY|JURISDICTION"),
        ColumnSpec("city", ("City",), pattern=r"\bCITY\b"),
        ColumnSpec("facility", ("Facility", "Facility Name", "Jail", "Detention Facility", "Jail/Facility"),
                   pattern=r"FACILIT|JAIL|INSTITUTION"),
        ColumnSpec("citizenship", ("Citizenship", "Country of Citizenship", "Nationality", "Country"),
                   pattern=r"CITIZEN|NATIONALIT|COUNTRY"),
        ColumnSpec("issued", ("Detainer Issued Date", "Date Detainer Issued", "Issued Date", "Date Issued",
                              "Detainer Date", "Detainer Issue Date", "Issue Date", "Date of Issue"),
                   pattern=r"^(?!.*DECLIN).*\bISSU"),
        ColumnSpec("declined", ("Declined Date", "Date Declined", "Detainer Declined Date",
                                "Date Detainer Declined", "Declined", "Date of Declination", "Declination Date"),
                   required=True, pattern=r"DECLIN"),
        ColumnSpec("offences", ("Notable Criminal Activity", "Crimes", "Criminal Activity", "Offenses",
                                "Notable Criminal History", "Offense", "Crime", "Offense Categories",
                                "Criminal History", "Charges"), pattern=r"CRIM|OFFEN|CHARGE|CONVICTION"),
    ),
    anchors=("issued", "declined"),
    keys=("state", "county", "issued", "declined"),
    complete_checks=(("issued", looks_like_date), ("declined", looks_like_date)),
    group_key="state",
    group_value=_state_heading,
)

POLICIES = TableSpec(
    name="Section III (policies)",
    columns=(
        ColumnSpec("state", ("State",), required=True, pattern=r"^STATE\b"),
        ColumnSpec("jurisdiction", ("Jurisdiction", "County", "City/County", "Jurisdiction Name",
                                    "County/City"), required=True, pattern=r"JURISDICTION|COUNTY"),
        ColumnSpec("policy_type", ("Type", "Policy Type", "Type of Policy", "Law/Regulation/Policy",
                                   "Law, Regulation, Policy, Ordinance or Executive Order"),
                   pattern=r"\bTYPE\b|ORDINANCE|EXECUTIVE ORDER"),
        ColumnSpec("description", ("Description", "Policy Description", "Summary", "Policy", "Policy Summary"),
                   required=True, pattern=r"DESCRIPTION|SUMMARY|DETAILS"),
    ),
    anchors=("state",),
    keys=("state", "jurisdiction", "policy_type"),
    complete_checks=(("state", _is_state),),
)

ALL = (TOP_TEN, DECLINED, POLICIES)
